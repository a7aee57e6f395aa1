"""The mention store's files: one layout for imported and fetched mentions.

``root/<key>=<value>/day=YYYY-MM-DD/<file>.parquet``: imported mentions are partitioned by
``topic`` (one ``data.parquet`` per topic and day, replaced whole), fetched ones by ``source``
(one file per fetch, merged per day by ``fetch.store``). Days are UTC dates of the mention's
timestamp. Values are percent-encoded (``quote(value, safe="")``), so any topic is one safe
directory name. Every write is durable before it returns: a temporary file beside the target,
synced, then renamed over it (a reader sees the old file or the new one, never half of one).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

from stormwatch.errors import StormwatchError

DAY = "day"


def partition(key: str, value: str, day: date | str) -> str:
    """The relative directory of one partition, e.g. ``topic=Acme%20Corp/day=2026-12-04``
    (``day``: a date or its ``YYYY-MM-DD``)."""
    return f"{key}={quote(value, safe='')}/{DAY}={day}"


#: A day folder's date: ``YYYY-MM-DD`` (so names sort as dates).
DAY_NAME = re.compile(r"\d{4}-\d{2}-\d{2}")


def partition_value(key: str, name: str) -> str | None:
    """The value of a folder named ``key=<quoted value>``, else None."""
    return unquote(name.removeprefix(f"{key}=")) if name.startswith(f"{key}=") else None


def day_name(name: str) -> str | None:
    """The ``YYYY-MM-DD`` of a folder named ``day=YYYY-MM-DD``, else None."""
    day = name.removeprefix(f"{DAY}=")
    return day if name.startswith(f"{DAY}=") and DAY_NAME.fullmatch(day) else None


def durable(path: Path, write: Callable[[Path], object]) -> None:
    """``write`` to a temporary file beside ``path``, sync it, then rename it into place."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
def exclusive(path: Path, busy: str) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` for the block; FetchError(``busy``) at once if another
    process holds it (two writers of one partition would both write what the other wrote)."""
    import fcntl  # Unix only, as cron and systemd timers are

    from stormwatch.errors import FetchError

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:  # the store's folder cannot be made or written: say so, no traceback
        raise StormwatchError(
            f"cannot write {path.parent}: {exc.strerror}",
            hint="choose a store directory this user may create and write",
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(busy, hint="wait for it to finish") from None
        yield
    finally:
        os.close(fd)


def read_json(path: Path, what: str, hint: str) -> dict[str, object]:
    """A small JSON object the store keeps beside its files ({} when there is none yet);
    StormwatchError naming ``what`` with ``hint`` when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise StormwatchError(f"cannot read {what} in {path}: {exc}", hint=hint) from None
    return data if isinstance(data, dict) else {}
