"""Critics: who drives a storm. The loudest critics of a hot topic over the last
``CRITIC_SPAN`` (24 hours, or the horizon when shorter), not only of the current window: a
critic with a million followers who posted two hours ago still leads the storm.

Critical mentions are the negative ones, or every mention when the data has no sentiment
(as for influence). Per author: posts in the span, the largest follower count seen, negative
posts, the first critical mention, and whether one falls in the current window. Ranked by
follower count (reach), then posts, then name; the brand's own posts are left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from stormwatch.models import AuthorStat
from stormwatch.pipeline.response import BRAND

CRITIC_SPAN = timedelta(hours=24)


def span_windows(window: timedelta) -> int:
    """How many windows (the current one first) make up ``CRITIC_SPAN``."""
    return max(1, math.ceil(CRITIC_SPAN / window))


def storm_critics(
    rows: pl.DataFrame,
    topics: Sequence[str],
    window: timedelta,
    has_sentiment: bool,
    limit: int,
) -> dict[str, tuple[AuthorStat, ...]]:
    """The top ``limit`` critics of each of ``topics`` from the hot topics' mentions
    (``context.hot_columns``)."""
    critical = pl.col("negative") if has_sentiment else pl.col("count") > 0
    found = (
        rows.filter(
            pl.col("topic").is_in(list(topics))
            & ~pl.col(BRAND)
            & pl.col("author").is_not_null()
            & (pl.col("window") < span_windows(window))
            & critical
        )
        .group_by("topic", "author")
        .agg(
            pl.col("followers").max().alias("followers"),
            pl.col("count").sum().cast(pl.Int64).alias("mentions"),
            pl.col("negative").sum().cast(pl.Int64).alias("negative"),
            pl.col("timestamp").min().alias("first_seen"),
            (pl.col("window") == 0).any().alias("current"),
        )
        .sort(
            ["topic", "followers", "mentions", "author"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("topic", maintain_order=True)
        .head(limit)
    )
    out: dict[str, list[AuthorStat]] = {}
    for r in found.iter_rows(named=True):
        out.setdefault(r["topic"], []).append(
            AuthorStat(
                r["author"],
                r["followers"],
                r["mentions"],
                r["negative"],
                first_seen=r["first_seen"],
                current=r["current"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}
