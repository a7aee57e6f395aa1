"""CSV / TSV reader: sniff the layout and scan the cells lazily as a RawTable."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import polars as pl

from stormwatch.sources.sniff import Layout, sniff_layout
from stormwatch.sources.table import RawTable


def physical_line(path: Path, layout: Layout, record_line: int) -> int:
    """The exact 1-based line where the record numbered ``record_line`` (header line + 1 + row
    index) starts, counting quoted newlines: reads the file with the csv module up to it."""
    target = record_line - layout.header_line - 1
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        for _ in range(layout.header_line - 1):
            fh.readline()
        reader = csv.reader(fh, delimiter=layout.delimiter)
        next(reader, None)  # the header
        for index in range(target + 1):
            start = reader.line_num + 1
            if next(reader, None) is None:
                break
            if index == target:
                return layout.header_line - 1 + start
    return record_line


def _tail_values(path: Path, layout: Layout, column: str, size: int = 64 * 1024) -> list[str]:
    """Raw values of ``column`` in the last ``size`` bytes (whole lines only). A record cut by
    the boundary may yield garbage, which simply fails to parse."""
    index = layout.header.index(column)
    with path.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - size))
        data = fh.read()
    lines = data.decode("utf-8", errors="replace").splitlines()[1:]
    return [row[index] for row in csv.reader(lines, delimiter=layout.delimiter) if len(row) > index]


def open_delimited(path: Path) -> RawTable:
    """Open a delimited text export (``,`` ``;`` or tab separated) as a RawTable."""
    layout = sniff_layout(path)

    frame = pl.scan_csv(
        path,
        separator=layout.delimiter,
        skip_lines=layout.header_line - 1,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
        raise_if_empty=False,
        row_index_name="_row",
        null_values=[""],  # a quoted empty field ("") is missing too, like an unquoted one
    )
    return RawTable(
        name=str(path),
        header=layout.header,
        frame=frame,
        header_line=layout.header_line,
        physical_line=functools.partial(physical_line, path, layout),
        tail=functools.partial(_tail_values, path, layout),
    )
