"""RawTable: one table of text cells from an export file, before its columns mean anything.

Container readers (delimited text, XLSX, ZIP, Parquet, JSON Lines) produce RawTables;
``interpret`` maps a RawTable's columns to the canonical schema (by preset, mapping or alias).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import polars as pl

#: The record-index column every RawTable frame carries; no header may take its name.
ROW = "_row"
#: The column of a repaired delimited file (``sources.repair``): why a record was set aside.
BAD = "_bad"
#: What a typed twin's name starts with (see ``RawTable.typed``): no header of a real file.
TYPED = "\x00typed:"


def _same_line(line: int) -> int:
    return line


def typed_name(header: str) -> str:
    """The column of ``frame`` holding the typed values of ``header`` (``RawTable.typed``)."""
    return TYPED + header


def _no_tail(column: str) -> list[Any]:
    return []


@dataclass(frozen=True)
class RawTable:
    """Raw cells of one table.

    ``frame`` has one String column per name in ``header`` plus ``_row``, the 0-based record
    index. The *record line* of a row is ``header_line + 1 + _row``; ``physical_line`` maps it
    to the line (or sheet row) a person finds it on, counting newlines inside quoted cells.
    Containers without a header line (Parquet, JSON Lines) use ``header_line=0``, so the record
    line is the record's 1-based number. ``tail`` returns raw values of a column from the end
    of the table, cheaply where the container allows (a guess of the newest timestamp; empty
    when not cheap): text cells, or a typed twin's values. ``notes`` are assumptions made while
    reading, each naming the file.

    ``typed``: columns the container stores typed (Parquet's numbers, datetimes, dates), header
    -> type. Their cells are text like any other's; ``frame`` also has each one's *twin*,
    ``typed_name(header)``, with the values as stored, which ``interpret`` reads where the
    canonical column takes that type (see ``sources.typed``).
    """

    name: str
    header: tuple[str, ...]
    frame: pl.LazyFrame
    header_line: int = 1
    physical_line: Callable[[int], int] = field(default=_same_line, compare=False)
    tail: Callable[[str], list[Any]] = field(default=_no_tail, compare=False)
    decimal_comma: bool = False
    notes: tuple[str, ...] = ()
    #: Many record lines at once (one read of the file), where ``physical_line`` would re-read.
    physical_lines: Callable[[Sequence[int]], list[int]] | None = field(default=None, compare=False)
    #: ``frame`` has the :data:`BAD` column: the file was repaired, some records set aside.
    flagged: bool = False
    #: The damage check still running (``open_tables(defer_check=True)``): True means the
    #: file needs repair, and ``frame`` (read as if it did not) must not be trusted.
    damage: Future[bool] | None = field(default=None, compare=False)
    typed: Mapping[str, pl.DataType] = field(default_factory=dict)

    def locate(self, record_lines: Sequence[int]) -> list[int]:
        """The physical lines of several record lines."""
        if self.physical_lines is not None:
            return self.physical_lines(record_lines)
        return [self.physical_line(line) for line in record_lines]


def unique_names(cells: Iterable[str | None]) -> list[str]:
    """Column names for header cells: empty cells become ``column_<n>`` (1-based position),
    repeats get ``_2``, ``_3``…, and nothing may be called ``_row`` (the record index) or
    ``_bad`` (see :data:`BAD`). A name like ``^a$`` gets a trailing space: polars would read it
    as a regular expression."""
    names: list[str] = []
    taken = {ROW, BAD}
    for position, cell in enumerate(cells, start=1):
        base = cell if cell is not None and cell.strip() else f"column_{position}"
        if base.startswith("^") and base.endswith("$"):
            base += " "
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name)
        names.append(name)
    return names
