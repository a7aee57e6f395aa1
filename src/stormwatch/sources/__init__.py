"""Sources: everything that gets raw mentions in. Nothing else in stormwatch does input I/O.

A reader turns one file into a :class:`Source`: a lazy frame whose columns already carry
canonical names (still raw strings) plus ``_file`` and ``_line``, and what was detected about
the file. ``pipeline.normalise`` turns that into typed canonical mentions.
"""

from __future__ import annotations

import stat
from pathlib import Path

from stormwatch.errors import InputError
from stormwatch.sources.interpret import interpret
from stormwatch.sources.source import ReadOptions, Source
from stormwatch.sources.table import RawTable


def open_tables(path: str | Path, *, defer_check: bool = False) -> list[RawTable]:
    """Open an export file as raw tables: CSV/TSV (any of the usual encodings), XLSX, a ZIP of
    CSVs (one table per member), Parquet or JSON Lines, told apart by their first bytes.
    ``defer_check``: a large CSV is checked for damage while it is read (``RawTable.damage``).

    Raises InputError naming the file (and line where possible), with a hint.
    """
    from stormwatch.sources.containers import open_file

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
    return open_file(p, str(p), defer_check=defer_check)


def _special(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def read_sources(
    path: str | Path, options: ReadOptions | None = None, *, defer_check: bool = False
) -> list[Source]:
    """Open one export file (an archive may hold several tables) as Sources
    (``defer_check``: see :func:`open_tables`)."""
    tables = open_tables(path, defer_check=defer_check)
    return [interpret(table, options or ReadOptions()) for table in tables]


def read_source(path: str | Path, options: ReadOptions | None = None) -> Source:
    """Open an export file that holds one table. Raises InputError naming the file (and line)."""
    sources = read_sources(path, options)
    if len(sources) != 1:
        raise InputError(path, f"holds {len(sources)} tables; use read_sources()")
    return sources[0]


__all__ = ["ReadOptions", "Source", "open_tables", "read_source", "read_sources"]
