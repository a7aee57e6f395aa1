"""Window: place each mention in a window counted back from the evaluation moment, and count
everything the later stages need in one aggregation.

Windows are closed on the right: window ``k`` holds mentions with
``now - (k+1)·window < timestamp <= now - k·window``. Window 0 is the current window,
1..n the trailing baseline, n+1 everything older; -1 marks mentions after ``now``, which are
counted (to be reported) but never reach a signal, so ``--at`` cannot see the future.
Each window is also cut into ``QUARTERS`` equal parts (``quarter`` 0 the newest), so that
velocity's record can be the busiest window at any quarter-window step, not only at whole
windows counted back from ``now``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import polars as pl

AFTER = -1
QUARTERS = 4
#: The critical stream: every mention that is not positive (unrated ones included).
CRITICAL = pl.col("sentiment").ne_missing("positive")
NEGATIVE = pl.col("sentiment").eq_missing("negative")
#: The critical mentions in each quarter of a window (``critical_q0`` the newest).
CRITICAL_QUARTERS = tuple(f"critical_q{q}" for q in range(QUARTERS))
COUNTS = (
    "mentions", "critical", "authors", "with_authors", "negative", "rated",
    "with_followers", "with_engagement", "followers_sum", "followers_negative",
    "engagement", "engagement_negative", *CRITICAL_QUARTERS,
)  # fmt: skip


def assign_windows(
    mentions: pl.LazyFrame, now: datetime, window: timedelta, windows: int
) -> pl.LazyFrame:
    """Add ``window``: 0 current, 1..``windows`` baseline, ``windows + 1`` older, -1 after
    ``now``; and ``quarter`` (0..3, 0 the newest part of the window); null where the timestamp
    is missing."""
    width_us = int(window.total_seconds() * 1_000_000)
    age_us = (
        pl.lit(now).cast(pl.Datetime("us", "UTC")) - pl.col("timestamp")
    ).dt.total_microseconds()
    raw = age_us // width_us  # floor division: a mention 1 µs after `now` is in window -1
    return mentions.with_columns(
        raw.clip(AFTER, windows + 1).alias("window"),
        (age_us * QUARTERS // width_us % QUARTERS).alias("quarter"),
    )


def _masked(column: str, keep: pl.Expr) -> pl.Expr:
    """``column`` where ``keep`` holds, else null: summed, the same as a ``filter`` but
    without making polars gather the kept rows of every group."""
    return pl.when(keep).then(pl.col(column))


def summarise(
    windowed: pl.LazyFrame,
    fractional: bool = False,
    windows: int | None = None,
    extra: Sequence[pl.Expr] = (),
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
    windows scored (0..``windows``) and are 0 for the older and after-the-moment groups,
    which nothing reads. The mask (``when/then``, not ``filter``) keeps polars from holding
    per-row state for the older bucket, most of a long export (10M rows: 1.8 GB -> 0.45 GB).

    ``extra``: more aggregations in the same groups (``passes.first_pass``: one group-by
    streams; a second query over the same scan made polars buffer the rows between them).
    """
    ok = pl.col("_reject").is_null()
    total = pl.Float64 if fractional else pl.Int64
    counted = CRITICAL if windows is None else CRITICAL & pl.col("window").is_between(0, windows)
    return windowed.group_by(
        pl.when(~ok).then(pl.col("_file")).alias("_file"),
        "_reject",
        "topic",
        "window",
        pl.when(ok & (pl.col("window") == 0)).then(pl.col("author")).alias("author"),
    ).agg(
        pl.len().cast(pl.Int64).alias("rows"),
        pl.col("count").sum().cast(total).alias("mentions"),
        _masked("count", CRITICAL).sum().cast(total).alias("critical"),
        *(
            _masked("count", CRITICAL & (pl.col("quarter") == q)).sum().cast(total).alias(name)
            for q, name in enumerate(CRITICAL_QUARTERS)
        ),
        (
            (pl.col("count") != pl.col("count").floor()).sum().cast(pl.Int64)
            if fractional
            else pl.lit(0, pl.Int64)
        ).alias("fractional"),
        pl.when(counted)
        .then(pl.col("author"))
        .drop_nulls()
        .n_unique()
        .cast(pl.Int64)
        .alias("authors"),
        pl.col("author").is_not_null().sum().cast(pl.Int64).alias("with_authors"),
        NEGATIVE.sum().cast(pl.Int64).alias("negative"),
        pl.col("sentiment").is_not_null().sum().cast(pl.Int64).alias("rated"),
        pl.col("followers").is_not_null().sum().cast(pl.Int64).alias("with_followers"),
        pl.col("followers").max().alias("followers"),
        # Reach behind all and behind negative mentions: a topic's usual reach (influence).
        pl.col("followers").sum().cast(pl.Int64).alias("followers_sum"),
        _masked("followers", NEGATIVE).sum().cast(pl.Int64).alias("followers_negative"),
        _masked("engagement", NEGATIVE).sum().cast(pl.Int64).alias("engagement_negative"),
        pl.col("engagement").sum().cast(pl.Int64).alias("engagement"),
        pl.col("engagement").is_not_null().sum().cast(pl.Int64).alias("with_engagement"),
        pl.col("_unread_any").sum().cast(pl.Int64).alias("unread"),
        pl.col("_line").min().alias("line"),
        pl.col("timestamp").min().alias("start"),
        pl.col("timestamp").max().alias("end"),
        *extra,
    )


def _usable(summary: pl.DataFrame, windows: int) -> pl.DataFrame:
    return summary.filter(pl.col("_reject").is_null() & pl.col("window").is_between(0, windows))


def count_windows(summary: pl.DataFrame, windows: int) -> pl.DataFrame:
    """Per topic and window 0..``windows``: mentions, distinct authors, negative, rated and
    with-followers counts."""
    return (
        _usable(summary, windows)
        .group_by("topic", "window")
        .agg(
            # Window 0 has one group per author (each counting 1 distinct author), the others
            # one group per topic: either way the sum is the number of distinct authors.
            pl.col(*COUNTS).sum(),
        )
        .sort("topic", "window")
    )


def count_authors(summary: pl.DataFrame) -> pl.DataFrame:
    """Per topic and author in the current window: posts, followers (max seen), negative posts
    and summed engagement."""
    return (
        summary.filter(
            pl.col("_reject").is_null() & (pl.col("window") == 0) & pl.col("author").is_not_null()
        )
        .select("topic", "author", "mentions", "followers", "negative", "engagement")
        .sort("topic", "author")
    )


def fill_windows(counts: pl.DataFrame, topics: list[str], windows: int) -> pl.DataFrame:
    """Every topic x window 0..``windows``, zero-filled: a quiet hour is a real 0, and leaving
    it out would inflate the baseline and hide velocity."""
    grid = pl.DataFrame({"topic": topics}, schema={"topic": pl.String}).join(
        pl.DataFrame({"window": pl.int_range(0, windows + 1, eager=True).cast(pl.Int64)}),
        how="cross",
    )
    filled = grid.join(counts, on=["topic", "window"], how="left")
    return filled.with_columns(pl.col(*COUNTS).fill_null(0)).sort("topic", "window")
