"""Window: place each mention in a window counted back from the evaluation moment.

Windows are closed on the right: window ``k`` holds mentions with
``now - (k+1)·window < timestamp <= now - k·window``. Window 0 is the current window,
1..n the trailing baseline. Nothing after ``now`` is kept, so ``--at`` cannot see the future.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl


def now_expr(now: datetime | None) -> pl.Expr:
    """The evaluation moment: the given time, else the newest timestamp in the data."""
    if now is None:
        return pl.col("timestamp").max()
    return pl.lit(now).cast(pl.Datetime("us", "UTC"))


def assign_windows(
    mentions: pl.LazyFrame, now: datetime | None, window: timedelta, windows: int
) -> pl.LazyFrame:
    """Add ``window`` (0 = current, 1..``windows`` = baseline); drop rows outside that range."""
    width_us = int(window.total_seconds() * 1_000_000)
    age_us = (now_expr(now) - pl.col("timestamp")).dt.total_microseconds()
    return mentions.with_columns((age_us // width_us).alias("window")).filter(
        (pl.col("window") >= 0) & (pl.col("window") <= windows)
    )


def count_windows(windowed: pl.LazyFrame) -> pl.LazyFrame:
    """Per topic and window: mentions, distinct authors, negative and rated mentions."""
    return windowed.group_by("topic", "window").agg(
        pl.len().cast(pl.Int64).alias("mentions"),
        pl.col("author").drop_nulls().n_unique().cast(pl.Int64).alias("authors"),
        (pl.col("sentiment") == "negative").sum().cast(pl.Int64).alias("negative"),
        pl.col("sentiment").is_not_null().sum().cast(pl.Int64).alias("rated"),
        pl.col("followers").is_not_null().sum().cast(pl.Int64).alias("with_followers"),
    )


def count_authors(windowed: pl.LazyFrame) -> pl.LazyFrame:
    """Per topic and author in the current window: posts, followers (max seen), negative posts."""
    return (
        windowed.filter((pl.col("window") == 0) & pl.col("author").is_not_null())
        .group_by("topic", "author")
        .agg(
            pl.len().cast(pl.Int64).alias("mentions"),
            pl.col("followers").max().alias("followers"),
            (pl.col("sentiment") == "negative").sum().cast(pl.Int64).alias("negative"),
        )
    )


def fill_windows(counts: pl.DataFrame, topics: list[str], windows: int) -> pl.DataFrame:
    """Every topic x window 0..``windows``, zero-filled: a quiet hour is a real 0, and leaving
    it out would inflate the baseline and hide velocity."""
    grid = pl.DataFrame({"topic": topics}, schema={"topic": pl.String}).join(
        pl.DataFrame({"window": pl.int_range(0, windows + 1, eager=True).cast(pl.Int64)}),
        how="cross",
    )
    filled = grid.join(counts, on=["topic", "window"], how="left")
    return filled.with_columns(
        pl.col("mentions", "authors", "negative", "rated", "with_followers").fill_null(0)
    ).sort("topic", "window")
