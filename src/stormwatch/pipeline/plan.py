"""The one step whose cost grows with the mentions, written once for every engine: the summary
of mentions per topic and window that ``summarise`` returns and the scoring reads.

A :class:`Plan` is data: group keys and measures, each a column, an operation and an optional
condition (:class:`Is`, :class:`All`, :class:`Not`). :func:`to_polars` turns it into a polars
aggregation (the default, embedded engine); ``engines.spark`` turns the same plan into a Spark
one. Both see the mentions as ``normalise`` gives them, placed in windows by
``window.assign_windows`` (``window``, ``quarter``).

Operations (``where``: only the rows where the condition holds):

* ``rows``: how many rows; ``count``: how many non-null values of ``column``;
* ``sum``: the sum of ``column`` (0 when there is none); ``total`` measures sum mention counts,
  Float64 for a volume series with fractions, else Int64;
* ``n_unique``: distinct non-null values; ``min`` / ``max``: of ``column`` (null when none);
* ``fractional``: rows whose ``count`` is not whole (0 unless the plan is ``fractional``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl

from stormwatch.pipeline.window import AFTER, QUARTERS

Op = Literal["rows", "count", "sum", "n_unique", "min", "max", "fractional"]
Test = Literal["eq", "eq_missing", "ne_missing", "null", "not_null", "le"]


@dataclass(frozen=True)
class Is:
    """``column`` compared with ``value``: ``eq`` and ``le`` (null when the column is),
    ``eq_missing`` / ``ne_missing`` (null is a value: never equal to a string), ``null``,
    ``not_null``."""

    column: str
    test: Test
    value: str | int | bool | None = None


@dataclass(frozen=True)
class All:
    """Every condition holds."""

    parts: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    part: Cond


Cond = Is | All | Not


@dataclass(frozen=True)
class Key:
    """A group key: ``column``, or null where ``when`` does not hold."""

    name: str
    column: str
    when: Cond | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    op: Op
    column: str | None = None
    where: Cond | None = None
    total: bool = False


@dataclass(frozen=True)
class Plan:
    keys: tuple[Key, ...]
    measures: tuple[Measure, ...]
    #: The input holds a volume series whose values may have fractions (``total`` sums are
    #: then Float64).
    fractional: bool = False


#: The critical stream: every mention that is not positive (unrated ones included); the
#: conditions ``window.CRITICAL`` and ``window.NEGATIVE`` state for polars.
CRITICAL = Is("sentiment", "ne_missing", "positive")
NEGATIVE = Is("sentiment", "eq_missing", "negative")
OK = Is("_reject", "null")


def summary_plan(fractional: bool = False, windows: int | None = None) -> Plan:
    """The summary ``summarise`` documents: per ``_file`` (rejected rows only),
    ``_reject``, ``topic``, ``window`` and ``author`` (current window only), the rows, mentions,
    critical mentions (also per quarter), distinct critical authors (with ``windows``: only in
    the windows scored, 0..``windows``), the counts of what is known, reach and engagement sums,
    unread values, the first line and the time range."""
    # Distinct authors only where they are read: counting them in the "older" bucket (most of
    # a long export) made polars keep per-row state (10M rows: 1.8 GB -> 0.45 GB).
    scored = (
        CRITICAL
        if windows is None
        else All((CRITICAL, Not(Is("window", "eq", AFTER)), Is("window", "le", windows)))
    )
    return Plan(
        keys=(
            Key("_file", "_file", Not(OK)),
            Key("_reject", "_reject"),
            Key("topic", "topic"),
            Key("window", "window"),
            Key("author", "author", All((OK, Is("window", "eq", 0)))),
        ),
        measures=(
            Measure("rows", "rows"),
            Measure("mentions", "sum", "count", total=True),
            Measure("critical", "sum", "count", CRITICAL, total=True),
            *(
                Measure(
                    f"critical_q{q}",
                    "sum",
                    "count",
                    All((CRITICAL, Is("quarter", "eq", q))),
                    total=True,
                )
                for q in range(QUARTERS)
            ),
            Measure("fractional", "fractional", "count"),
            Measure("authors", "n_unique", "author", scored),
            Measure("with_authors", "count", "author"),
            Measure("negative", "rows", where=NEGATIVE),
            Measure("rated", "count", "sentiment"),
            Measure("with_followers", "count", "followers"),
            Measure("followers", "max", "followers"),
            # Reach behind all and behind negative mentions: a topic's usual reach (influence).
            Measure("followers_sum", "sum", "followers"),
            Measure("followers_negative", "sum", "followers", NEGATIVE),
            Measure("engagement_negative", "sum", "engagement", NEGATIVE),
            Measure("engagement", "sum", "engagement"),
            Measure("with_engagement", "count", "engagement"),
            Measure("unread", "rows", where=Is("_unread_any", "eq", True)),
            Measure("line", "min", "_line"),
            Measure("start", "min", "timestamp"),
            Measure("end", "max", "timestamp"),
        ),
        fractional=fractional,
    )


def polars_cond(cond: Cond) -> pl.Expr:
    """A condition as a polars boolean expression."""
    if isinstance(cond, All):
        out = polars_cond(cond.parts[0])
        for part in cond.parts[1:]:
            out = out & polars_cond(part)
        return out
    if isinstance(cond, Not):
        return ~polars_cond(cond.part)
    col = pl.col(cond.column)
    return {
        "eq": lambda: col == cond.value,
        "le": lambda: col <= cond.value,
        "eq_missing": lambda: col.eq_missing(cond.value),
        "ne_missing": lambda: col.ne_missing(cond.value),
        "null": col.is_null,
        "not_null": col.is_not_null,
    }[cond.test]()


def _polars_measure(m: Measure, fractional: bool, unit: bool) -> pl.Expr:
    dtype = pl.Float64 if m.total and fractional else pl.Int64
    if m.op == "rows" or (unit and m.op == "sum" and m.column == "count"):
        rows = pl.len() if m.where is None else polars_cond(m.where).sum()
        return rows.cast(pl.Int64)
    assert m.column is not None
    col = pl.col(m.column)
    if m.op == "fractional":
        return (col != col.floor()).sum().cast(pl.Int64) if fractional else pl.lit(0, pl.Int64)
    if m.where is not None:
        # A mask, not a filter: summed alike, without polars gathering each group's kept rows.
        col = pl.when(polars_cond(m.where)).then(col)
    if m.op == "count":
        return col.is_not_null().sum().cast(pl.Int64)
    if m.op == "sum":
        return col.sum().cast(dtype)
    if m.op == "n_unique":
        return col.drop_nulls().n_unique().cast(pl.Int64)
    return col.min() if m.op == "min" else col.max()


def to_polars(
    plan: Plan, rows: pl.LazyFrame, extra: Sequence[pl.Expr] = (), unit: bool = False
) -> pl.LazyFrame:
    """``plan`` over ``rows`` as one polars aggregation (one streaming pass), with ``extra``
    aggregations in the same groups (one group-by streams; a second query over the same scan
    made polars buffer the rows between them). ``unit``: every row's ``count`` is 1 (no
    count column), so its sums are row counts, which polars adds up a tenth faster."""
    keys = [
        (
            pl.col(k.column)
            if k.when is None
            else pl.when(polars_cond(k.when)).then(pl.col(k.column))
        ).alias(k.name)
        for k in plan.keys
    ]
    return rows.group_by(*keys).agg(
        *(_polars_measure(m, plan.fractional, unit).alias(m.name) for m in plan.measures),
        *extra,
    )


def summarise(
    windowed: pl.LazyFrame,
    fractional: bool = False,
    windows: int | None = None,
    extra: Sequence[pl.Expr] = (),
    unit: bool = False,
) -> pl.LazyFrame:
    """The single pass over the mentions: per group of

    * ``_file`` (rejected rows only; null for usable rows, so authors are counted across files),
    * ``_reject``, ``topic``, ``window``,
    * ``author`` for the current window only (null elsewhere),

    the rows, the mentions they stand for (``count``: 1 a row, or a volume series' value), the
    mentions (also by quarter of the window) and distinct authors of the critical stream (not
    positive; every mention when there is no sentiment, so one count serves both cases), rows
    with an author, negative / rated / with-followers counts, the largest follower count, rows
    with a value that could not be read (``unread``), the first record line and the time
    range. Small: topics x windows plus the
    current window's authors.

    ``fractional``: the input holds a volume series whose values may have fractions; the
    sums are then floats and ``fractional`` counts the rows whose value is not whole (velocity
    drops its Poisson floor for such data).

    ``windows``: the baseline windows; distinct ``authors`` are then counted only in the
    windows scored (0..``windows``) and are 0 for the older and after-the-moment groups, which
    nothing reads. ``extra``: more aggregations in the same groups (``passes.first_pass``).
    ``unit``: every row is one mention (see :func:`to_polars`).

    The aggregation is :func:`summary_plan`, the same for polars and Spark.
    """
    return to_polars(summary_plan(fractional, windows), windowed, extra, unit)
