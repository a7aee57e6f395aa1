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


def horizon(moment: datetime, window: timedelta, windows: int) -> tuple[datetime, datetime]:
    """``(start, end)`` of the windows 0..``windows`` at ``moment``: the mentions with
    ``start < timestamp <= end`` are the ones a score reads."""
    return moment - (windows + 1) * window, moment


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
