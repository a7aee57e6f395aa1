"""What a reader makes of one file (:class:`Source`) and how files are to be read
(:class:`ReadOptions`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import polars as pl

from stormwatch.sources.timestamps import TimestampFormat


@dataclass(frozen=True)
class Source:
    """One input file, read lazily.

    ``frame`` has a String column per entry of ``columns`` (canonical name -> the file's header),
    ``topic`` when a topic column was found, and ``_file`` / ``_line``; a column the file stores
    typed keeps its type where the canonical column reads it (see ``sources.typed``). ``_line``
    is the line a record would start on if no record spanned several lines (cheap to compute
    for every row); ``physical_line`` turns it into the exact line an editor shows, for the few
    rows reported.
    """

    path: str
    frame: pl.LazyFrame
    columns: Mapping[str, str]
    timestamp_formats: tuple[TimestampFormat, ...]
    timezone: str = "UTC"
    notes: tuple[str, ...] = field(default=())
    #: Numbers are written the German way ("1.234" = 1234, "1,5" = 1.5).
    decimal_comma: bool = False
    #: A guess of the newest timestamp (from samples), or None. ``analyse`` verifies it.
    latest: datetime | None = None
    physical_line: Callable[[int], int] = field(default=lambda line: line, compare=False)
    #: Many record lines at once (see ``RawTable.locate``).
    locate: Callable[[Sequence[int]], list[int]] | None = field(default=None, compare=False)
    #: ``mentions``: one row per mention; ``series``: a pre-aggregated volume series (only
    #: ``timestamp`` and ``count``, maybe ``topic``), so only volume signals can be scored;
    #: ``store``: the mention store's canonical, typed mentions (see ``store.canonical``).
    kind: Literal["mentions", "series", "store"] = "mentions"
    #: The preset the columns were read with (``generic``: the header aliases).
    preset: str = "generic"
    #: See ``RawTable.damage``: wait for it before trusting anything read from ``frame``.
    damage: Future[bool] | None = field(default=None, compare=False)

    @property
    def topic_column(self) -> str | None:
        return self.columns.get("topic")


@dataclass(frozen=True)
class ReadOptions:
    """How to interpret the files: the topic column, the timezone for timestamps without an
    offset, a forced preset, a user mapping file, and day-first for ambiguous dates."""

    by: str | None = None
    timezone: str = "UTC"
    preset: str | None = None
    mapping: Path | None = None
    dayfirst: bool | None = None
    #: Timestamps after this are rejected as "future timestamp" (the CLI: wall clock + 1 day).
    not_after: datetime | None = None
