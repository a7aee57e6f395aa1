"""Where fetched mentions go: the local mention store (Parquet, partitioned by source and day)
or one ``--out`` file (CSV, Parquet or JSON Lines). Both de-duplicate by (source, query, id),
so the same post found by two queries counts once for each, and keep a cursor per source and
query (``cursors.json`` in the store, ``FILE.fetch.json`` beside an ``--out`` file).

Every write is durable before it returns (written to a temporary file, synced, renamed), and
the cursor is written only after the mentions it covers: an interrupted fetch resumes without
gaps, and repeats nothing into the file.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from stormwatch.errors import StormwatchError
from stormwatch.fetch.base import COLUMNS, Mention, iso
from stormwatch.sources import ReadOptions, Source

SCHEMA: dict[str, pl.DataType] = {
    "timestamp": pl.Datetime("us", "UTC"),
    "author": pl.String(),
    "followers": pl.Int64(),
    "text": pl.String(),
    "engagement": pl.Int64(),
    "url": pl.String(),
    "platform": pl.String(),
    "language": pl.String(),
    "id": pl.String(),
    "source": pl.String(),
    "query": pl.String(),
    "raw_id": pl.String(),
    "fetched_at": pl.Datetime("us", "UTC"),
}
FORMATS = (".csv", ".parquet", ".jsonl")


class Sink(Protocol):
    """A place to write fetched mentions to, with cursors."""

    def lock(self, source: str, key: str) -> AbstractContextManager[None]: ...

    def finish(self, source: str, key: str, now: datetime) -> None: ...

    def cursor(self, source: str, key: str) -> dict[str, Any]: ...

    def set_cursor(self, source: str, key: str, cursor: Mapping[str, Any]) -> None: ...

    def write(self, source: str, key: str, mentions: Sequence[Mention]) -> int: ...


def _durable(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary file beside ``path``, sync it, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StormwatchError(
            f"cannot write {path}: {exc.strerror}", hint="choose a writable place"
        ) from None


@contextmanager
def _flock(path: Path, what: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block; FetchError at once if another
    process holds it (two fetches of one query would both write what the other wrote)."""
    import fcntl  # Unix only, as cron and systemd timers are

    from stormwatch.errors import FetchError

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(
                f"another fetch of {what} is running", hint="wait for it to finish"
            ) from None
        yield
    finally:
        os.close(fd)


def _frame(mentions: Sequence[Mention]) -> pl.DataFrame:
    return pl.DataFrame({c: [m.get(c) for m in mentions] for c in COLUMNS}, schema=SCHEMA)


class _Cursors:
    """``{source: {query: cursor}}`` in one JSON file, replaced atomically. Read afresh each
    time and updated under a lock, so fetches of other queries (another process) keep theirs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, dict[str, Any]]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise StormwatchError(
                f"cannot read the fetch cursors in {self.path}: {exc}",
                hint="delete the file to fetch everything again (mentions are kept)",
            ) from None
        return data if isinstance(data, dict) else {}

    def get(self, source: str, key: str) -> dict[str, Any]:
        return dict(self._load().get(source, {}).get(key, {}))

    def set(self, source: str, key: str, cursor: Mapping[str, Any]) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a read and a rename: milliseconds
            data = self._load()
            data.setdefault(source, {})[key] = dict(cursor)
            text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
            _durable(self.path, lambda p: p.write_text(text, encoding="utf-8"))
        finally:
            os.close(fd)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


class MentionStore:
    """``root/source=hn/day=2026-12-04/q-<query hash>-<n>.parquet`` plus ``root/cursors.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cursors = _Cursors(root / "cursors.json")
        self._known: dict[str, set[tuple[str, str]]] = {}
        self._serial = 0

    def cursor(self, source: str, key: str) -> dict[str, Any]:
        return self.cursors.get(source, key)

    def set_cursor(self, source: str, key: str, cursor: Mapping[str, Any]) -> None:
        self.cursors.set(source, key, cursor)

    def lock(self, source: str, key: str) -> AbstractContextManager[None]:
        lock = self.root / ".locks" / f"{source}-{key_hash(key)}.lock"
        return _flock(lock, f"{source} {key!r} into {self.root}")

    def files(self, source: str | None = None, key: str | None = None) -> list[Path]:
        """The store's Parquet files, of one source and query when given, oldest day first."""
        part = f"source={source}" if source else "source=*"
        name = f"q-{key_hash(key)}-*.parquet" if key is not None else "q-*.parquet"
        return sorted(self.root.glob(f"{part}/day=*/{name}"))

    def source(
        self, source: str, key: str, options: ReadOptions, topic: str | None = None
    ) -> Source | None:
        """The stored mentions of one source and query as one input for ``analyse`` (one
        table over all its files, so notes and warnings name the query once), or None. Its
        ``brand`` column (the default topic) is ``topic``, else the query."""
        from stormwatch.sources.columnar import open_parquet
        from stormwatch.sources.interpret import interpret

        files = self.files(source, key)
        if not files:
            return None
        table = open_parquet(files, f"{source}:{key} (mention store)")
        # a compaction cut short leaves a mention in two files: count it once
        frame = table.frame.unique(subset=["id"], keep="first", maintain_order=True)
        frame = frame.with_columns(pl.lit(topic or key).alias("brand"))
        header = (*table.header, "brand")
        return interpret(dataclasses.replace(table, frame=frame, header=header), options)

    def finish(self, source: str, key: str, now: datetime) -> None:
        """Merge each day's files of one query into one: a cron job adds a file every run,
        and many small files slow every read. The merged file is durable before the others
        go; if that is cut short, reads and the next merge count each mention once."""
        by_day: dict[Path, list[Path]] = {}
        for path in self.files(source, key):
            by_day.setdefault(path.parent, []).append(path)
        stamp = iso(now).replace(":", "").replace("-", "")
        for day, files in by_day.items():
            if len(files) < 2:
                continue
            merged = pl.read_parquet(files).unique(subset=["id"], keep="first", maintain_order=True)
            self._serial += 1
            name = f"q-{key_hash(key)}-{stamp}-{os.getpid()}-{self._serial}c.parquet"
            _durable(day / name, merged.write_parquet)
            for path in files:
                path.unlink(missing_ok=True)

    def known(self, source: str) -> set[tuple[str, str]]:
        if source not in self._known:
            files = self.files(source)
            ids: set[tuple[str, str]] = set()
            if files:
                frame = pl.scan_parquet(files).select("query", "id").collect()
                ids = set(zip(frame["query"].to_list(), frame["id"].to_list(), strict=True))
            self._known[source] = ids
        return self._known[source]

    def write(self, source: str, key: str, mentions: Sequence[Mention]) -> int:
        """Store the mentions not held yet; returns how many were new."""
        known = self.known(source)
        new = [m for m in mentions if (m["query"], m["id"]) not in known]
        if not new:
            return 0
        stamp = iso(new[0]["fetched_at"]).replace(":", "").replace("-", "")
        by_day: dict[str, list[Mention]] = {}
        for m in new:
            by_day.setdefault(m["timestamp"].strftime("%Y-%m-%d"), []).append(m)
        for day, part in by_day.items():
            self._serial += 1
            name = f"q-{key_hash(key)}-{stamp}-{os.getpid()}-{self._serial}.parquet"
            path = self.root / f"source={source}" / f"day={day}" / name
            _durable(path, _frame(part).write_parquet)
        known.update((m["query"], m["id"]) for m in new)
        return len(new)


class OutFile:
    """One ``--out`` file: CSV, Parquet or JSON Lines, told by its extension. Appends only
    mentions it does not hold yet; the cursor lives in ``FILE.fetch.json`` beside it."""

    def __init__(self, path: Path) -> None:
        if path.suffix.lower() not in FORMATS:
            raise StormwatchError(
                f"{path}: cannot tell the format from the extension",
                hint="name the file .csv, .parquet or .jsonl",
            )
        self.path = path
        self.kind = path.suffix.lower()
        self.cursors = _Cursors(path.with_name(path.name + ".fetch.json"))
        self._known: set[tuple[str, str, str]] | None = None

    def cursor(self, source: str, key: str) -> dict[str, Any]:
        return self.cursors.get(source, key)

    def set_cursor(self, source: str, key: str, cursor: Mapping[str, Any]) -> None:
        self.cursors.set(source, key, cursor)

    def lock(self, source: str, key: str) -> AbstractContextManager[None]:
        return _flock(self.path.with_name(self.path.name + ".fetch.lock"), str(self.path))

    def finish(self, source: str, key: str, now: datetime) -> None:
        """Nothing to tidy: one file."""

    def _existing(self) -> pl.DataFrame | None:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return None
        try:
            if self.kind == ".parquet":
                return pl.read_parquet(self.path)
            if self.kind == ".jsonl":
                return pl.read_ndjson(self.path, infer_schema_length=None)
            return pl.read_csv(self.path, infer_schema=False)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise StormwatchError(
                f"cannot read {self.path} to add to it: {str(exc).splitlines()[0]}",
                hint="--out adds to a file an earlier fetch wrote; name a new file",
            ) from None

    def _load_known(self) -> set[tuple[str, str, str]]:
        if self._known is None:
            old = self._existing()
            self._known = set()
            if old is not None:
                missing = [c for c in ("source", "query", "id") if c not in old.columns]
                if missing:
                    raise StormwatchError(
                        f"{self.path} has no {', '.join(missing)} column, so it was not "
                        "written by stormwatch fetch",
                        hint="name a new --out file (a fetch never rewrites an export)",
                    )
                cols = [
                    [_unescape(v) for v in old[c].cast(pl.String).to_list()]
                    for c in ("source", "query", "id")
                ]
                self._known = set(zip(*cols, strict=True))
        return self._known

    def write(self, source: str, key: str, mentions: Sequence[Mention]) -> int:
        known = self._load_known()
        new = [m for m in mentions if (m["source"], m["query"], m["id"]) not in known]
        if not new:
            return 0
        if self.kind == ".parquet":
            old = self._existing()
            frame = _frame(new)
            if old is not None:
                frame = pl.concat([old.select(frame.columns).cast(SCHEMA), frame])  # type: ignore[arg-type]
            _durable(self.path, frame.write_parquet)
        else:
            self._append(new)
        known.update((m["source"], m["query"], m["id"]) for m in new)
        return len(new)

    def _append(self, mentions: Iterable[Mention]) -> None:
        fresh = not self.path.exists() or self.path.stat().st_size == 0
        buffer = io.StringIO()
        if self.kind == ".jsonl":
            for m in mentions:
                row = {c: _cell(m.get(c)) for c in COLUMNS}
                buffer.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            from stormwatch.render.formats import csv_safe

            writer = csv.writer(buffer, lineterminator="\n")
            if fresh:
                writer.writerow(COLUMNS)
            for m in mentions:
                writer.writerow([csv_safe(_cell(m.get(c))) for c in COLUMNS])
        try:
            with self.path.open("a", encoding="utf-8", newline="") as fh:
                fh.write(buffer.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            raise StormwatchError(
                f"cannot write {self.path}: {exc.strerror}", hint="choose a writable --out path"
            ) from None


def _unescape(value: str | None) -> str | None:
    """A CSV cell as written before the formula protection (``'=x`` -> ``=x``)."""
    from stormwatch.render.formats import csv_unsafe

    return csv_unsafe(value) if value else value


def _cell(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value
