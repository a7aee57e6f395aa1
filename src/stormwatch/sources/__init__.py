"""Sources: everything that gets raw mentions in. Nothing else in stormwatch does input I/O.

A reader turns one file into a :class:`Source`: a lazy frame whose columns already carry
canonical names (still raw strings) plus ``_file`` and ``_line``, and what was detected about
the file. ``pipeline.normalise`` turns that into typed canonical mentions.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import polars as pl

from stormwatch.errors import InputError
from stormwatch.sources.table import RawTable
from stormwatch.sources.timestamps import TimestampFormat


@dataclass(frozen=True)
class Source:
    """One input file, read lazily.

    ``frame`` has a String column per entry of ``columns`` (canonical name -> the file's header),
    ``topic`` when a topic column was found, and ``_file`` / ``_line``. ``_line`` is the line a
    record would start on if no record spanned several lines (cheap to compute for every row);
    ``physical_line`` turns it into the exact line an editor shows, for the few rows reported.
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
    #: ``timestamp`` and ``count``, maybe ``topic``), so only volume signals can be scored.
    kind: Literal["mentions", "series"] = "mentions"
    #: The preset the columns were read with (``generic``: the header aliases).
    preset: str = "generic"

    @property
    def topic_column(self) -> str | None:
        return self.columns.get("topic")


def open_tables(path: str | Path) -> list[RawTable]:
    """Open an export file as raw tables: CSV/TSV (any of the usual encodings), XLSX, a ZIP of
    CSVs (one table per member), Parquet or JSON Lines, told apart by their first bytes.

    Raises InputError naming the file (and line where possible), with a hint.
    """
    from stormwatch.sources.sniff import open_file

    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise InputError(p, "file not found", hint="check the path and the file name") from None
    except OSError as exc:
        raise InputError(p, f"cannot read the file: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        raise InputError(
            p, "is a directory, not a file", hint="name the export files, e.g. dir/*.csv"
        )
    if not stat.S_ISREG(mode):  # reading a FIFO blocks forever, a device never ends
        raise InputError(
            p,
            f"is {_special(mode)}, not a regular file",
            hint="save the export to a file first and pass that file",
        )
    return open_file(p, str(p))


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


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


def read_sources(path: str | Path, options: ReadOptions | None = None) -> list[Source]:
    """Open one export file (an archive may hold several tables) as Sources."""
    from stormwatch.sources.interpret import interpret

    return [interpret(table, options or ReadOptions()) for table in open_tables(path)]


def read_source(path: str | Path, options: ReadOptions | None = None) -> Source:
    """Open an export file that holds one table. Raises InputError naming the file (and line)."""
    sources = read_sources(path, options)
    if len(sources) != 1:
        raise InputError(path, f"holds {len(sources)} tables; use read_sources()")
    return sources[0]
