"""CSV / TSV reader: sniff the layout, match the header to the canonical schema, scan lazily."""

from __future__ import annotations

import csv
import functools
from datetime import datetime
from pathlib import Path

import polars as pl

from stormwatch.errors import InputError, SchemaError
from stormwatch.schema import closest_headers, default_topic_column, find_column, match_columns
from stormwatch.sources import Source
from stormwatch.sources.sniff import Layout, sniff_layout
from stormwatch.timestamps import CANDIDATES, TimestampFormat, detect_formats, parse_expr

SAMPLE_ROWS = 1000


def _missing_timestamp_hint(header: tuple[str, ...]) -> str:
    close = closest_headers(header, "timestamp")
    if close:
        return f"is {close[0]!r} the time of each mention? Rename that column to 'timestamp'"
    return "the export needs a date/time column per mention, e.g. 'timestamp' or 'date'"


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


def _latest(
    values: list[str], formats: tuple[TimestampFormat, ...], timezone: str
) -> datetime | None:
    """The newest of ``values`` parsed with ``formats`` (None when none parses)."""
    frame = pl.DataFrame({"raw": [v.strip() for v in values]}, schema={"raw": pl.String})
    newest = frame.select(parse_expr(pl.col("raw"), formats, timezone).max()).item()
    return newest if isinstance(newest, datetime) else None


def read_delimited(path: Path, *, by: str | None, timezone: str) -> Source:
    """Open a delimited text export (``,`` ``;`` or tab separated, UTF-8)."""
    layout = sniff_layout(path)
    header = layout.header
    columns = match_columns(header)
    if "timestamp" not in columns:
        raise SchemaError(path, "timestamp", header, hint=_missing_timestamp_hint(header))
    if by is not None:
        topic = find_column(header, by) or columns.get(by)
        if topic is None:
            raise InputError(
                path,
                f"no column {by!r} to group by; the file has: {', '.join(map(repr, header))}",
                line=layout.header_line,
                hint="name one of the file's columns with --by",
            )
    else:
        topic = default_topic_column(header, taken=columns.values())
    if topic is not None:
        columns["topic"] = topic

    def scan() -> pl.LazyFrame:
        return pl.scan_csv(
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

    ts_col = columns["timestamp"]
    try:
        sample = scan().select(pl.col(ts_col), pl.col("_row")).head(SAMPLE_ROWS).collect()
    except pl.exceptions.PolarsError as exc:
        raise InputError(path, f"cannot parse the file as CSV: {exc}") from None
    if sample.height == 0:
        raise InputError(
            path,
            "the file has a header but no rows",
            line=layout.header_line,
            hint="export the mentions again, with data",
        )
    values = [v for v in sample[ts_col].to_list() if v is not None and v.strip()]
    formats = detect_formats(values, timezone)
    if not formats:
        first = (
            sample.filter(pl.col(ts_col).str.strip_chars() != "").row(0, named=True)
            if values
            else None
        )
        examples = ", ".join(f.example for f in CANDIDATES[:3] + CANDIDATES[7:9])
        raise InputError(
            path,
            f"cannot read {first[ts_col]!r} as a timestamp" if first else "no timestamps at all",
            line=physical_line(
                path, layout, layout.header_line + 1 + (first["_row"] if first else 0)
            ),
            column=ts_col,
            hint=f"expected e.g. {examples}",
        )
    padded = any(v != v.strip() for v in values)
    frame = scan().select(
        pl.lit(str(path)).alias("_file"),
        (pl.col("_row").cast(pl.Int64) + layout.header_line + 1).alias("_line"),
        *(
            pl.col(original).str.strip_chars().alias(canonical)
            if canonical == "timestamp" and padded
            else pl.col(original).alias(canonical)
            for canonical, original in columns.items()
        ),
    )
    # Exports are sorted by time, newest first or last: the head and tail samples give a
    # good guess of the newest mention (analyse verifies it and rescans if it was wrong).
    latest = _latest(values + _tail_values(path, layout, ts_col), formats, timezone)
    return Source(
        str(path),
        frame,
        dict(columns),
        formats,
        timezone,
        latest=latest,
        physical_line=functools.partial(physical_line, path, layout),
    )
