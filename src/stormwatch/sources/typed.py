"""Typed columns: values a container stores typed (Parquet's numbers, datetimes and dates) read
as such, giving what the text path gives for their text, with no text made or parsed.

A reader offers such a column as a *twin* of its text cells (``RawTable.typed``); ``interpret``
reads the twin where the canonical column takes its type (:func:`accepts`), and
``pipeline.normalise`` converts it with the functions here. The text (:func:`as_text`) is made
only for the few rows shown as examples of problems.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from stormwatch.sources.timestamps import EARLIEST, LATEST, UTC_DTYPE, TimestampFormat

#: Canonical columns that read numbers: counts, and a sentiment score (by its sign).
NUMBERS = ("followers", "engagement", "count", "sentiment")

#: The integers an epoch format reads, as the digits its text pattern allows
#: (``timestamps._EPOCH``: 9-10 digits of seconds, 12-13 of milliseconds), and the factor to µs.
_EPOCH = {"epoch_s": (10**8, 10**10, 1_000_000), "epoch_ms": (10**11, 10**13, 1_000)}


def keeps_type(dtype: pl.DataType) -> bool:
    """Whether a reader offers a column of ``dtype`` typed: numbers, datetimes and dates."""
    return dtype.is_numeric() or isinstance(dtype, pl.Datetime | pl.Date)


def accepts(canonical: str, dtype: pl.DataType) -> bool:
    """Whether ``canonical`` reads a column of ``dtype`` typed: the timestamp a datetime, a date
    or an integer (epoch seconds or milliseconds, as the sample shows); counts and the
    sentiment (a score, by its sign) a number."""
    if canonical == "timestamp":
        return isinstance(dtype, pl.Datetime | pl.Date) or dtype.is_integer()
    return canonical in NUMBERS and dtype.is_numeric()


def timestamp_format(dtype: pl.DataType) -> TimestampFormat:
    """How a datetime or date column is read (``Source.timestamp_formats``): ``datetime``,
    aware when the column has a timezone, or ``date`` (midnight); nothing is parsed."""
    if isinstance(dtype, pl.Datetime):
        return TimestampFormat("datetime", dtype.time_zone is not None, str(dtype))
    return TimestampFormat("date", False, str(dtype))


def as_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A typed value as a cell's text: ISO 8601 for datetimes (``Z`` for UTC, else the offset;
    none when naive) and dates, seconds for durations, else polars' spelling (``1234``,
    ``0.5``)."""
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            return column.dt.to_string("%Y-%m-%dT%H:%M:%S%.f")
        if dtype.time_zone in ("UTC", "Etc/UTC", "Z"):
            return column.dt.to_string("%Y-%m-%dT%H:%M:%S%.fZ")
        return column.dt.to_string("%Y-%m-%dT%H:%M:%S%.f%:z")
    if isinstance(dtype, pl.Date):
        return column.dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Duration):
        return column.dt.total_microseconds().truediv(1e6).cast(pl.String)
    return column.cast(pl.String, strict=False)


def _local(naive: pl.Expr, timezone: str) -> pl.Expr:
    """Wall times in ``timezone`` as UTC, as ``timestamps`` reads naive text: a repeated hour
    takes its first instant, a skipped one is null."""
    aware = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    return aware.dt.convert_time_zone("UTC")


def _epoch(number: pl.Expr, fmt: TimestampFormat) -> pl.Expr:
    low, high, scale = _EPOCH[fmt.pattern]
    micros = pl.when(number.is_between(low, high, closed="left")).then(number.cast(pl.Int64))
    return (micros * scale).cast(UTC_DTYPE)


def read_timestamps(
    column: pl.Expr, dtype: pl.DataType, formats: Sequence[TimestampFormat], timezone: str
) -> pl.Expr:
    """A typed timestamp column as UTC datetimes (µs): an aware datetime converted, a naive one
    and a date (midnight) read in ``timezone``, an integer by ``formats`` (its epoch formats,
    the first that fits a value wins). Null outside 1990..2199, as for text."""
    if isinstance(dtype, pl.Datetime):
        micros = column.dt.cast_time_unit("us")
        if dtype.time_zone is None:
            value = _local(micros, timezone)
        else:
            value = micros.dt.convert_time_zone("UTC")
    elif isinstance(dtype, pl.Date):
        value = _local(column.cast(pl.Datetime("us")), timezone)
    else:
        epochs = [_epoch(column, fmt) for fmt in formats]
        value = epochs[0] if len(epochs) == 1 else pl.coalesce(epochs)
    return pl.when(value.is_between(EARLIEST, LATEST, closed="left")).then(value)


def whole(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A count as the text path reads its text (``normalise._integer``): an integer as it is,
    another number rounded (1234.0 is 1234); null where that is no Int64 (NaN, 1e20)."""
    if dtype.is_integer():
        return column.cast(pl.Int64, strict=False)
    return column.cast(pl.Float64).round(0).cast(pl.Int64, strict=False)


def decimal(column: pl.Expr) -> pl.Expr:
    """A volume series' value: fractions are kept (a metric of 0.08 is not 0 mentions)."""
    return column.cast(pl.Float64)
