"""Timestamp formats: detect them once from a sample, then parse whole columns with one explicit
format each (never per-row guessing, which is slow and ambiguous).

A general pattern such as ``%Y-%m-%dT%H:%M:%S%.f%#z`` takes polars' slow path (chrono, ~4x
the time of the whole CSV read for the column). So the sample also picks the pattern's exact
fixed-width spelling (its *twin*, e.g. ``%Y-%m-%dT%H:%M:%S.%3fZ``), which polars parses on its
fast path; only the rows the twin rejects are parsed with the general pattern, and they are
counted (:func:`parse_parts`). A twin accepts a subset of what its pattern accepts and reads it
as the same instant, so the result is the same as with the general pattern alone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from stormwatch.errors import ConfigError

UTC_DTYPE = pl.Datetime("us", "UTC")
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)  # before any social network
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class TimestampFormat:
    """A strptime pattern (polars/chrono dialect), or ``epoch_s`` / ``epoch_ms``.

    ``aware`` formats carry their own UTC offset; naive ones are read in the assumed timezone.
    """

    pattern: str
    aware: bool
    example: str
    #: The fixed-width twin of ``pattern`` that the sample is written in (see :func:`twins`);
    #: None when the pattern is fixed-width already or no twin fits the sample.
    exact: str | None = None

    @property
    def is_epoch(self) -> bool:
        return self.pattern.startswith("epoch_")


# Tried in this order; the order only matters for ties.
CANDIDATES: tuple[TimestampFormat, ...] = (
    TimestampFormat("%Y-%m-%dT%H:%M:%S%.f%#z", True, "2026-11-23T14:05:00Z"),
    TimestampFormat("%Y-%m-%d %H:%M:%S%.f%#z", True, "2026-11-23 14:05:00+01:00"),
    TimestampFormat("%Y-%m-%dT%H:%M%#z", True, "2026-11-23T14:05+01:00"),
    TimestampFormat("%Y-%m-%dT%H:%M:%S%.f", False, "2026-11-23T14:05:00"),
    TimestampFormat("%Y-%m-%d %H:%M:%S%.f", False, "2026-11-23 14:05:00"),
    TimestampFormat("%Y-%m-%dT%H:%M", False, "2026-11-23T14:05"),
    TimestampFormat("%Y-%m-%d %H:%M", False, "2026-11-23 14:05"),
    TimestampFormat("%d.%m.%Y %H:%M:%S", False, "23.11.2026 14:05:00"),
    TimestampFormat("%d.%m.%Y %H:%M", False, "23.11.2026 14:05"),
    TimestampFormat("%d-%b-%Y %I:%M%p", False, "23-Nov-2026 02:05PM"),  # Meltwater
    TimestampFormat("%d-%b-%Y %H:%M", False, "23-Nov-2026 14:05"),
    TimestampFormat("%a %b %d %H:%M:%S %z %Y", True, "Mon Nov 23 14:05:00 +0000 2026"),
    TimestampFormat("%Y-%m-%d", False, "2026-11-23"),
    TimestampFormat("%d.%m.%Y", False, "23.11.2026"),
    TimestampFormat("epoch_s", True, "1795442700"),
    TimestampFormat("epoch_ms", True, "1795442700000"),
)

# Slash dates are ambiguous (01/02/2026): day-first and month-first spellings of each.
DAY_FIRST: tuple[TimestampFormat, ...] = (
    TimestampFormat("%d/%m/%Y %H:%M:%S", False, "23/11/2026 14:05:00"),
    TimestampFormat("%d/%m/%Y %H:%M", False, "23/11/2026 14:05"),
    TimestampFormat("%d/%m/%Y", False, "23/11/2026"),
)
MONTH_FIRST: tuple[TimestampFormat, ...] = (
    TimestampFormat("%m/%d/%Y %H:%M:%S", False, "11/23/2026 14:05:00"),
    TimestampFormat("%m/%d/%Y %I:%M %p", False, "11/23/2026 2:05 PM"),
    TimestampFormat("%m/%d/%Y %H:%M", False, "11/23/2026 14:05"),
    TimestampFormat("%m/%d/%Y", False, "11/23/2026"),
)


def candidates(dayfirst: bool | None = None) -> tuple[TimestampFormat, ...]:
    """All candidate formats; for ambiguous slash dates the preferred reading comes first
    (``dayfirst`` None: month-first, as a US export writes them, unless the data says so)."""
    if dayfirst is None:
        return CANDIDATES + MONTH_FIRST + DAY_FIRST
    return CANDIDATES + (DAY_FIRST if dayfirst else MONTH_FIRST)


_EPOCH = {"epoch_s": re.compile(r"^\d{9,10}(\.\d+)?$"), "epoch_ms": re.compile(r"^\d{12,13}$")}


def _parse_one(raw: pl.Expr, fmt: TimestampFormat, timezone: str) -> pl.Expr:
    if fmt.is_epoch:
        scale = 1_000_000 if fmt.pattern == "epoch_s" else 1_000
        number = (
            pl.when(raw.str.contains(_EPOCH[fmt.pattern].pattern))
            .then(raw.cast(pl.Float64, strict=False))
            .otherwise(None)
        )
        return (number * scale).cast(pl.Int64).cast(UTC_DTYPE)
    if fmt.aware:
        return raw.str.strptime(UTC_DTYPE, fmt.pattern, strict=False)
    naive = raw.str.strptime(pl.Datetime("us"), fmt.pattern, strict=False)
    return naive.dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")


#: Variable-width parts of a pattern and their fixed-width spellings, the first for each
#: part being the most common in exports (``.mmm``, ``Z``).
_VARIABLE = {
    "%.f": ("", ".%3f", ".%6f"),
    "%#z": ("Z", "+00:00"),
    "%:z": ("+00:00",),
    "%z": ("+0000",),
}


def twins(pattern: str) -> tuple[str, ...]:
    """The fixed-width spellings of ``pattern``: each variable part (``%.f`` fractions,
    ``%#z`` / ``%:z`` / ``%z`` offsets) replaced by one fixed spelling; offsets only by UTC's
    (``Z``, ``+00:00``), so a twin's wall time is the instant. Empty when nothing varies."""
    spellings = [""]
    rest = pattern
    while rest:
        part = next((p for p in _VARIABLE if rest.startswith(p)), None)
        if part is None:
            spellings = [s + rest[0] for s in spellings]
            rest = rest[1:]
        else:
            spellings = [s + fixed for s in spellings for fixed in _VARIABLE[part]]
            rest = rest[len(part) :]
    return () if spellings == [pattern] else tuple(spellings)


def _parse_twin(raw: pl.Expr, twin: str, fmt: TimestampFormat, timezone: str) -> pl.Expr:
    naive = raw.str.strptime(pl.Datetime("us"), twin, strict=False)
    if fmt.aware:  # the twin spells the offset as a UTC literal
        return naive.dt.replace_time_zone("UTC")
    return naive.dt.replace_time_zone(
        timezone, ambiguous="earliest", non_existent="null"
    ).dt.convert_time_zone("UTC")


def with_exact(
    formats: Sequence[TimestampFormat], values: Sequence[str], timezone: str = "UTC"
) -> tuple[TimestampFormat, ...]:
    """``formats`` with the first one's ``exact`` set to the twin that parses most of the
    sampled ``values`` (none parsed: left unset). Only the first: a later format's twin
    before the first's general pattern could read an ambiguous value differently."""
    if not formats or formats[0].is_epoch or not values:
        return tuple(formats)
    first, candidates_ = formats[0], twins(formats[0].pattern)
    if not candidates_:
        return tuple(formats)
    sample = pl.DataFrame({"raw": list(values)}, schema={"raw": pl.String})
    hits = sample.select(
        _parse_twin(pl.col("raw"), twin, first, timezone).is_not_null().sum().alias(str(i))
        for i, twin in enumerate(candidates_)
    ).row(0)
    best = max(range(len(candidates_)), key=lambda i: (hits[i], -i))
    if hits[best] == 0:
        return tuple(formats)
    return (replace(first, exact=candidates_[best]), *formats[1:])


def parse_parts(
    raw: pl.Expr,
    formats: Sequence[TimestampFormat],
    timezone: str = "UTC",
    generous: bool = True,
) -> tuple[pl.Expr, pl.Expr]:
    """``(value, slow)``: ``raw`` strings parsed to UTC datetimes (null where no format fits),
    and whether a row's value needed a general pattern because the first format's exact twin
    (the fast path) rejected it (always False without a twin).

    The general patterns see only the rows the twin rejected (the others are masked to null,
    which a parser skips), so a file written as its sample costs one fast parse.
    Values are not stripped (a full extra pass over the column): readers strip when the
    sample shows padded values. Dates outside 1990..2199 are no mention's (``-3-3-3`` parses
    as the year -3): they count as unparseable.

    ``generous=False``: only the fast path (the first format's twin, else the first format)
    runs, and ``slow`` marks every value it could not read. Where none is marked, the result
    is the generous one at the cost of one parse (masking the column for the general
    patterns alone costs a fifth of reading the file); where any is, read it again
    generously.
    """
    if not formats:
        return pl.lit(None, dtype=UTC_DTYPE), pl.lit(False)
    exact = formats[0].exact
    fast = _parse_twin(raw, exact, formats[0], timezone) if exact else None
    if not generous and (fast is not None or len(formats) > 1):
        value = fast if fast is not None else _parse_one(raw, formats[0], timezone)
        valid = value.is_between(EARLIEST, LATEST, closed="left")
        return pl.when(valid).then(value), value.is_null() & raw.is_not_null()
    rest = raw if fast is None else pl.when(fast.is_null()).then(raw)
    parsed = [_parse_one(rest, fmt, timezone) for fmt in formats]
    if fast is not None:
        parsed.insert(0, fast)
    value = parsed[0] if len(parsed) == 1 else pl.coalesce(parsed)
    valid = value.is_between(EARLIEST, LATEST, closed="left")
    slow = pl.lit(False) if fast is None else (fast.is_null() & valid).fill_null(False)
    return pl.when(valid).then(value), slow


def parse_expr(raw: pl.Expr, formats: Sequence[TimestampFormat], timezone: str = "UTC") -> pl.Expr:
    """An expression parsing ``raw`` strings to UTC datetimes; null where no format fits
    (see :func:`parse_parts`)."""
    return parse_parts(raw, formats, timezone)[0]


def cover(
    values: Sequence[str], pool: Sequence[TimestampFormat], timezone: str = "UTC"
) -> tuple[tuple[TimestampFormat, ...], list[str]]:
    """Greedy cover: take the format of ``pool`` that parses most of the still unparsed
    ``values``, repeat; ties go to the earlier format. Returns the chosen formats, most common
    first, and the values none of them parses."""
    remaining = pl.Series("raw", [v.strip() for v in values if v and v.strip()], pl.String)
    chosen: list[TimestampFormat] = []
    while remaining.len() and pool:
        hits = pl.DataFrame({"raw": remaining}).select(
            _parse_one(pl.col("raw"), fmt, timezone).is_not_null().alias(str(i))
            for i, fmt in enumerate(pool)
        )
        counts = [int(hits[str(i)].sum()) for i in range(len(pool))]
        best = max(range(len(pool)), key=lambda i: (counts[i], -i))
        if counts[best] == 0:
            break
        chosen.append(pool[best])
        remaining = remaining.filter(~hits[str(best)])
    return tuple(chosen), remaining.to_list()


def detect_formats(
    values: Sequence[str], timezone: str = "UTC", dayfirst: bool | None = None
) -> tuple[TimestampFormat, ...]:
    """The smallest set of candidate formats that parses the sample, most common first (see
    ``cover``). ``dayfirst`` True/False fixes how ``01/02/2026`` is read; None lets the sample
    decide (a value like 13/02 or 02/13 settles it), month-first on a tie. Empty when no
    candidate parses anything.
    """
    return cover(values, candidates(dayfirst), timezone)[0]


def check_timezone(name: str) -> str:
    """Validate an IANA timezone name (``Europe/Berlin``, ``UTC``)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"unknown timezone {name!r}", hint="use an IANA name such as UTC or Europe/Berlin"
        ) from None
    return name


def parse_moment(text: str, timezone: str = "UTC") -> datetime:
    """Parse one user-given moment (``--at``) in any supported format into an aware UTC datetime."""
    text = text.strip()  # parse_expr does not strip
    formats = detect_formats([text])  # in UTC, where every wall time exists; the zone comes below
    if not formats:
        raise ValueError(
            f"{text!r} is not a timestamp; expected e.g. 2026-11-23T14:05:00Z or 2026-11-23 14:05"
        )
    value = pl.select(parse_expr(pl.lit(text), formats, timezone)).item()
    if value is None:
        raise ValueError(f"{text!r} does not exist in timezone {timezone}")
    assert isinstance(value, datetime)
    return value.astimezone(UTC)
