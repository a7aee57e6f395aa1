"""Interpret a RawTable: find which columns hold the canonical fields, detect the timestamp
format from a sample, and build the Source the pipeline reads."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from stormwatch.errors import InputError, SchemaError
from stormwatch.schema import closest_headers, default_topic_column, find_column, match_columns
from stormwatch.sources import ReadOptions, Source
from stormwatch.sources.table import RawTable
from stormwatch.timestamps import CANDIDATES, TimestampFormat, detect_formats, parse_expr

SAMPLE_ROWS = 1000


def _missing_timestamp_hint(header: tuple[str, ...]) -> str:
    close = closest_headers(header, "timestamp")
    if close:
        return f"is {close[0]!r} the time of each mention? Rename that column to 'timestamp'"
    return "the export needs a date/time column per mention, e.g. 'timestamp' or 'date'"


def _latest(
    values: list[str], formats: tuple[TimestampFormat, ...], timezone: str
) -> datetime | None:
    """The newest of ``values`` parsed with ``formats`` (None when none parses)."""
    frame = pl.DataFrame({"raw": [v.strip() for v in values]}, schema={"raw": pl.String})
    newest = frame.select(parse_expr(pl.col("raw"), formats, timezone).max()).item()
    return newest if isinstance(newest, datetime) else None


def _topic_column(table: RawTable, columns: dict[str, str], by: str | None) -> str | None:
    header = table.header
    if by is None:
        return default_topic_column(header, taken=columns.values())
    topic = find_column(header, by) or columns.get(by)
    if topic is None:
        raise InputError(
            table.name,
            f"no column {by!r} to group by; the file has: {', '.join(map(repr, header))}",
            line=table.header_line,
            hint="name one of the file's columns with --by",
        )
    return topic


def interpret(table: RawTable, options: ReadOptions | None = None) -> Source:
    """Map ``table``'s columns to the canonical schema and detect its timestamp format.

    Raises SchemaError without a timestamp column, InputError when no timestamp parses.
    """
    options = options or ReadOptions()
    by, timezone = options.by, options.timezone
    header = table.header
    columns = match_columns(header)
    if "timestamp" not in columns:
        raise SchemaError(table.name, "timestamp", header, hint=_missing_timestamp_hint(header))
    topic = _topic_column(table, columns, by)
    if topic is not None:
        columns["topic"] = topic
    ts_col = columns["timestamp"]
    try:
        sample = table.frame.select(pl.col(ts_col), pl.col("_row")).head(SAMPLE_ROWS).collect()
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise InputError(table.name, f"cannot parse the file: {message}") from None
    if sample.height == 0:
        raise InputError(
            table.name,
            "the file has a header but no rows",
            line=table.header_line,
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
            table.name,
            f"cannot read {first[ts_col]!r} as a timestamp" if first else "no timestamps at all",
            line=table.physical_line(table.header_line + 1 + (first["_row"] if first else 0)),
            column=ts_col,
            hint=f"expected e.g. {examples}",
        )
    padded = any(v != v.strip() for v in values)
    frame = table.frame.select(
        pl.lit(table.name).alias("_file"),
        (pl.col("_row").cast(pl.Int64) + table.header_line + 1).alias("_line"),
        *(
            pl.col(original).str.strip_chars().alias(canonical)
            if canonical == "timestamp" and padded
            else pl.col(original).alias(canonical)
            for canonical, original in columns.items()
        ),
    )
    # Exports are sorted by time, newest first or last: the head and tail samples give a
    # good guess of the newest mention (analyse verifies it and rescans if it was wrong).
    latest = _latest(values + table.tail(ts_col), formats, timezone)
    return Source(
        table.name,
        frame,
        dict(columns),
        formats,
        timezone,
        notes=table.notes,
        decimal_comma=table.decimal_comma,
        latest=latest,
        physical_line=table.physical_line,
    )
