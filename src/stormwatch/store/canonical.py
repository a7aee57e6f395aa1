"""Imported mentions: canonical, de-duplicated, in Parquet partitioned by topic and day.

``root/topic=<topic>/day=<YYYY-MM-DD>/data.parquet`` (see ``store.files``) holds the mentions
of one topic and UTC day exactly as a scan of the export would use them (``schema.CANONICAL``,
typed, sorted by time) plus ``_estimate``: the export had no sentiment (or an empty column) but
texts, so a scan estimates it, as it would from the file. ``root/store.json`` names the topic
columns the exports had (the report's ``by``).

A mention already stored is not added again: within a topic and day, the same key as a scan
across several files uses (platform and id, else URL, else author, time and text), compared as
the exact values, never as hashes. Each partition an import touches is rewritten whole and
replaced atomically, one import at a time (a lock file).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from stormwatch.errors import InputError
from stormwatch.pipeline.window import horizon
from stormwatch.sources import Source
from stormwatch.sources.schema import CANONICAL
from stormwatch.store.files import (
    day_name,
    durable,
    exclusive,
    partition,
    partition_value,
    read_json,
)
from stormwatch.store.pruning import Partition, needed

TOPIC = "topic"
FILE = "data.parquet"
MANIFEST = "store.json"
#: What each partition file holds: the canonical mention plus whether to estimate sentiment.
STORED: dict[str, pl.DataType] = {**CANONICAL, "_estimate": pl.Boolean()}


def mention_key() -> pl.Expr:
    """The identity of a usable mention within its topic (as ``normalise.mark_duplicates``
    compares copies across files): platform and id, else URL, else author, time and text, else
    (neither) the time alone. Exact text: two mentions are one only if these are equal."""
    stamp = pl.col("timestamp").dt.epoch("us").cast(pl.String)
    sep = "\x1f"
    return (
        pl.when(pl.col("id").is_not_null())
        .then(
            pl.concat_str(
                pl.lit("id"), pl.col("platform").fill_null(""), pl.col("id"), separator=sep
            )
        )
        .when(pl.col("url").is_not_null())
        .then(pl.concat_str(pl.lit("url"), pl.col("url"), separator=sep))
        .when(pl.col("author").is_not_null() | pl.col("text").is_not_null())
        .then(
            pl.concat_str(
                pl.lit("at"),
                pl.col("author").fill_null(""),
                stamp,
                pl.col("text").fill_null(""),
                separator=sep,
            )
        )
        .otherwise(pl.concat_str(pl.lit("ts"), stamp, separator=sep))
    )


@dataclass(frozen=True)
class Added:
    """What one :meth:`CanonicalStore.add` did: mentions new to the store, and those it held."""

    new: int
    stored: int


class CanonicalStore:
    """The imported mentions under ``root`` (a local directory)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def days(self) -> dict[str, list[str]]:
        """Each topic's days (``YYYY-MM-DD``, oldest first): two levels of directory listing,
        no file looked at (a year of 20 topics is 7,300 partitions)."""
        found: dict[str, list[str]] = {}
        for folder in _entries(self.root):
            topic = partition_value(TOPIC, folder.name)
            if topic is not None:
                days = [d for e in _entries(Path(folder.path)) if (d := day_name(e.name))]
                found[topic] = sorted(days)
        return found

    def partitions(self, pairs: Iterable[tuple[str, str]] | None = None) -> list[Partition]:
        """The partitions of ``(topic, day)`` pairs (default: all), sorted by topic and day."""
        if pairs is None:
            pairs = ((t, d) for t, days in self.days().items() for d in days)
        return sorted(
            Partition(t, date.fromisoformat(d), str(self.root / partition(TOPIC, t, d) / FILE))
            for t, d in pairs
        )

    def topic_columns(self) -> list[str]:
        """The topic columns of the exports imported so far (from ``store.json``)."""
        names = self.manifest().get("topic_columns", [])
        return [str(n) for n in names] if isinstance(names, list) else []

    def manifest(self) -> dict[str, object]:
        """``store.json``: ``topic_columns`` (of the exports imported) and ``estimated`` (some
        mentions have their sentiment estimated at scan time)."""
        return read_json(
            self.root / MANIFEST,
            "the store's manifest",
            hint="the file names the exports' topic column; delete it to forget that",
        )

    def add(self, batches: Iterable[pl.DataFrame], topic_columns: Sequence[str] = ()) -> Added:
        """Store the mentions of ``batches`` (the columns of ``STORED``, in the order of the
        exports) that the store does not hold yet; ``topic_columns``: the topic columns of
        their exports, remembered for the reports.

        Batches are set aside by day in a staging folder first, then each day is merged into
        its partitions: memory holds one batch, then one day, never the whole import. A mention
        is compared with those the store held before the import (as one frame always was)."""
        new = rows = 0
        estimate = False
        with exclusive(self.root / ".locks" / "import.lock", f"another import into {self.root}"):
            staging = self.root / ".staging"
            shutil.rmtree(staging, ignore_errors=True)  # of an import killed half-way
            staged: dict[date, list[Path]] = {}
            for number, batch in enumerate(batches):
                rows += batch.height
                estimate = estimate or bool(batch["_estimate"].any())
                days = batch.with_columns(pl.col("timestamp").dt.date().alias("_day"))
                pieces = days.partition_by("_day", as_dict=True, maintain_order=True)
                for (day,), part in pieces.items():
                    piece = staging / f"{day}" / f"{number}.parquet"
                    durable(piece, part.drop("_day").write_parquet)  # a full disk: Error + hint
                    staged.setdefault(day, []).append(piece)
            for day, paths in sorted(staged.items()):
                # in the order the batches came, then by time (stable): each topic's part is
                # sorted as it is split off, with one sort a day instead of one a partition
                mentioned = (
                    pl.read_parquet(paths)
                    .select(pl.col(c).cast(t) for c, t in STORED.items())
                    .sort("timestamp", maintain_order=True)
                )
                groups = mentioned.partition_by(TOPIC, as_dict=True, maintain_order=True)
                for (topic,), part in groups.items():
                    new += self._merge(self.root / partition(TOPIC, str(topic), day) / FILE, part)
            shutil.rmtree(staging, ignore_errors=True)
            old = self.manifest()
            known = self.topic_columns()
            info = {
                "topic_columns": sorted({*known, *topic_columns}),
                "estimated": bool(old.get("estimated")) or estimate,
            }
            if info != old:
                text = json.dumps(info, indent=1)
                durable(self.root / MANIFEST, lambda p: p.write_text(text, encoding="utf-8"))
        return Added(new, rows - new)

    @staticmethod
    def _merge(path: Path, part: pl.DataFrame) -> int:
        """Add the mentions of ``part`` (``STORED``'s columns, sorted by time) that ``path``
        does not hold; returns how many."""
        if not path.exists():  # a new partition: nothing to compare, nothing to sort
            durable(path, part.write_parquet)
            return part.height
        old = pl.read_parquet(path)
        keys = old.select(mention_key().alias("_key")).unique()
        part = part.join(
            keys, left_on=mention_key(), right_on="_key", how="anti", maintain_order="left"
        )
        if part.height == 0:
            return 0
        merged = pl.concat([old, part]).sort("timestamp", maintain_order=True)
        durable(path, merged.write_parquet)
        return part.height

    def newest(self, days: Mapping[str, Sequence[str]]) -> datetime | None:
        """The newest mention (read from the newest day's files only)."""
        last = max((d for names in days.values() for d in names), default=None)
        if last is None:
            return None
        files = [p.path for p in self.partitions((t, last) for t in days if last in days[t])]
        value = pl.scan_parquet(files).select(pl.col("timestamp").max()).collect().item()
        return value if isinstance(value, datetime) else None

    def chosen(
        self, window: timedelta, windows: int, end: datetime | None
    ) -> tuple[list[Partition], datetime]:
        """The partitions a scan at ``end`` (default: the newest mention) with ``windows``
        baseline windows of ``window`` reads, and that moment. InputError for an empty store."""
        days = self.days()
        end = end or self.newest(days)
        if end is None:
            raise InputError(
                self.root,
                "the mention store holds no mentions",
                hint=f"import exports first: stormwatch import FILE --store {self.root}",
            )
        end = end.astimezone(UTC)
        chosen = self.partitions(needed(days, *horizon(end, window, windows)))
        # a folder whose first write was cut short holds no file yet
        return [p for p in chosen if os.path.exists(p.path)], end

    def source(self, window: timedelta, windows: int, end: datetime | None = None) -> Source:
        """The partitions a scan needs (see :meth:`chosen`) as one input for ``analyse``."""
        parts, moment = self.chosen(window, windows, end)
        frame = pl.scan_parquet([p.path for p in parts], hive_partitioning=False)
        within = horizon(moment, window, windows)
        if not self.manifest().get("estimated") or not _to_estimate(frame, *within):
            frame = frame.drop("_estimate")  # nothing to estimate: no Python in the pass
        names = self.topic_columns()
        columns = {c: c for c in CANONICAL if c != TOPIC}
        return Source(
            path=str(self.root),
            frame=frame,
            columns={**columns, TOPIC: names[0] if len(names) == 1 else TOPIC},
            timestamp_formats=(),
            latest=moment,
            kind="store",
            preset="store",
        )


def _to_estimate(frame: pl.LazyFrame, start: datetime, end: datetime) -> bool:
    """Whether a mention with ``start < timestamp <= end`` and a text was imported without
    sentiment (a scan estimates it): three columns of the partitions read, once."""
    ts = pl.col("timestamp")
    wanted = pl.col("_estimate") & (ts > start) & (ts <= end) & pl.col("text").is_not_null()
    return bool(frame.select(wanted.any()).collect().item())


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    """The subdirectories of ``folder`` (none when it does not exist)."""
    try:
        with os.scandir(folder) as entries:
            return [e for e in entries if e.is_dir()]
    except FileNotFoundError:
        return []
