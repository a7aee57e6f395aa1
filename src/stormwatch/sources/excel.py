"""XLSX (and XLS / ODS) reader: pick the mentions sheet, find its header row, cells as text.

Read with ``polars.read_excel`` (calamine engine, via fastexcel). Every cell comes back as text
the way a person sees it: dates as ISO 8601 (``2026-02-06T15:03:00``), whole numbers without
``.0``. Rows keep their sheet numbers, so ``_line`` is the row a person finds in Excel.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from stormwatch.errors import InputError
from stormwatch.sources.anchors import MAX_HEADER_ROWS, choose_header, header_score, is_blank
from stormwatch.sources.schema import normalise_header
from stormwatch.sources.sniff import decimal_comma
from stormwatch.sources.table import ROW, RawTable, unique_names

#: Sheets that hold the mentions by name: Brand24 ("Mentions"), YouScan in Spanish.
MENTION_SHEETS = ("mentions", "menciones")
#: Rows read from each sheet to choose one (blank rows count).
PROBE_ROWS = 100
TAIL_ROWS = 1000

_HINT = "export the mentions again, or save the mentions sheet as CSV"


def _sheet_names(path: Path, name: str) -> list[str]:
    import fastexcel

    try:
        return list(fastexcel.read_excel(path).sheet_names)
    except Exception as exc:  # fastexcel raises its own (CalamineError, ...) for damaged files
        raise InputError(
            name, f"cannot read the workbook: {_first_line(exc)}", hint=_HINT
        ) from None


def _first_line(exc: BaseException) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0]


def _read(path: Path, name: str, sheet: str, rows: int | None = None) -> pl.DataFrame:
    """All cells of ``sheet`` as text, leading blank rows kept (row i = sheet row i + 1)."""
    options: dict[str, Any] = {"header_row": None, "skip_rows": 0}
    if rows is not None:
        options["n_rows"] = rows
    try:
        return pl.read_excel(
            path,
            sheet_name=sheet,
            has_header=False,
            infer_schema_length=0,  # every column as String
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
            read_options=options,
        )
    except Exception as exc:  # damaged sheet XML, unsupported cell types, ...
        raise InputError(
            name, f"cannot read sheet {sheet!r}: {_first_line(exc)}", hint=_HINT
        ) from None


def _candidates(frame: pl.DataFrame) -> list[tuple[int, list[str | None]]]:
    """The first non-empty rows of a sheet with their 0-based row index."""
    found: list[tuple[int, list[str | None]]] = []
    for index, row in enumerate(frame.head(PROBE_ROWS).iter_rows()):
        cells = list(row)
        if not is_blank(cells):
            found.append((index, cells))
            if len(found) == MAX_HEADER_ROWS:
                break
    return found


def _best_sheet(path: Path, name: str, sheets: list[str]) -> tuple[str, bool]:
    """``Mentions``/``Menciones``, else the first sheet whose header row scores best; and
    whether that was a guess among several sheets."""
    for sheet in sheets:
        if normalise_header(sheet) in MENTION_SHEETS:
            return sheet, False
    scored: list[tuple[int, str]] = []
    for sheet in sheets:
        rows = [cells for _, cells in _candidates(_read(path, name, sheet, PROBE_ROWS))]
        if rows:
            scored.append((header_score(rows[choose_header(rows)]), sheet))
    if not scored:
        raise InputError(name, "the workbook is empty", hint=_HINT)
    best = max(score for score, _ in scored)
    if best == 0 and len(scored) > 1:
        listed = ", ".join(repr(s) for s in sheets)
        raise InputError(
            name,
            f"no sheet has mention columns (sheets: {listed})",
            hint="stormwatch looks for a header row with columns such as Date, Author or Full "
            "Text in the first rows of each sheet; " + _HINT,
        )
    return next(sheet for score, sheet in scored if score == best), len(scored) > 1


_DATETIME = r"^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)$"


def _as_text(values: pl.Series) -> pl.Series:
    """calamine writes date cells as ``2026-02-06 15:03:00``; ISO 8601 wants the ``T``. A
    column whose dates are all at midnight holds days (Brand24's ``Date`` next to ``Hrs``), so
    it keeps just the day. A time without a date sits on Excel's day zero: just the time."""
    values = values.str.replace(r"^1899-12-3[01] (\d\d:\d\d:\d\d(?:\.\d+)?)$", "${1}")
    stamps = values.filter(values.str.contains(_DATETIME))
    if stamps.is_empty():
        return values
    if stamps.str.ends_with(" 00:00:00").all():
        return values.str.replace(r"^(\d{4}-\d\d-\d\d) 00:00:00$", "${1}")
    return values.str.replace(_DATETIME, "${1}T${2}")


def open_excel(path: Path, name: str | None = None) -> RawTable:
    """Open the mentions sheet of a workbook as a RawTable."""
    name = name or str(path)
    sheets = _sheet_names(path, name)
    sheet, guessed = _best_sheet(path, name, sheets)
    cells = _read(path, name, sheet)
    candidates = _candidates(cells)
    if not candidates:
        raise InputError(name, f"sheet {sheet!r} is empty", hint=_HINT)
    header_index, header_cells = candidates[choose_header([c for _, c in candidates])]
    header = tuple(unique_names(header_cells))
    data = (
        cells.slice(header_index + 1)
        .rename(dict(zip(cells.columns, header, strict=True)))
        .with_row_index(ROW)
        .filter(~pl.all_horizontal(pl.exclude(ROW).is_null()))  # blank rows: layout, not data
    )
    data = data.with_columns(_as_text(data[column]) for column in header)
    sample = [[cell or "" for cell in row] for row in data.head(200).drop(ROW).iter_rows()]

    def tail(column: str) -> list[str]:
        if column not in header:
            return []
        return [v for v in data[column].tail(TAIL_ROWS).to_list() if v is not None]

    return RawTable(
        name=name,
        header=header,
        frame=data.lazy(),
        header_line=header_index + 1,  # so header_line + 1 + _row is the sheet row
        tail=tail,
        decimal_comma=decimal_comma(sample, ","),
        notes=(f"{name}: read sheet {sheet!r}, the one that looks like mentions",)
        if guessed
        else (),
    )
