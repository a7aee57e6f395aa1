"""RawTable: one table of text cells from an export file, before its columns mean anything.

Container readers (delimited text, XLSX, ZIP, Parquet, JSON Lines) produce RawTables;
``interpret`` maps a RawTable's columns to the canonical schema (by preset, mapping or alias).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl


def _same_line(line: int) -> int:
    return line


def _no_tail(column: str) -> list[str]:
    return []


@dataclass(frozen=True)
class RawTable:
    """Raw cells of one table.

    ``frame`` has one String column per name in ``header`` plus ``_row``, the 0-based record
    index. The *record line* of a row is ``header_line + 1 + _row``; ``physical_line`` maps it
    to the line (or sheet row) a person finds it on, counting newlines inside quoted cells.
    ``tail`` returns raw values of a column from the end of the table, cheaply where the
    container allows (a guess of the newest timestamp; empty when not cheap).
    """

    name: str
    header: tuple[str, ...]
    frame: pl.LazyFrame
    header_line: int = 1
    physical_line: Callable[[int], int] = field(default=_same_line, compare=False)
    tail: Callable[[str], list[str]] = field(default=_no_tail, compare=False)
    decimal_comma: bool = False
    notes: tuple[str, ...] = ()
