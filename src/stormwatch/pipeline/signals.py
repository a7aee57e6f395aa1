"""Signals: per topic, raw measurements of the current window against the trailing baseline,
each mapped to a strength in 0..1.

Formulas (c = current window, b = the covered baseline windows of the topic):

* velocity: see ``pipeline.velocity`` (robust z against a time-of-day expectation, a record
  gate and two scales).
* spread: the same robust z on distinct authors per window.
* negativity: negative share of rated mentions now, shrunk towards the baseline share ``p0`` with
  5 pseudo-mentions, ``p = (neg + 5·p0) / (rated + 5)``;
  strength ``clip((p - p0) / (1 - p0), 0, 1)``.
  ``p0`` weights each baseline window's share by its rated count capped at the median rated count,
  so a storm that is already in the baseline does not make its own negativity look normal, and
  is itself shrunk with 5 pseudo-mentions towards the share pooled over all topics (0.15 when
  no topic has sentiment), so a few baseline mentions cannot set it to 0 or 1.
* influence: reach ``R`` = summed followers of the distinct authors of critical (negative)
  mentions now, or of all authors when the data has no sentiment; strength
  ``clip((log10(1 + R) - f) / 2.5, 0, 1)`` with ``f = max(4, log10(1 + U))``: 10,000 followers
  -> 0, ~3.2 million -> 1, measured above the topic's usual reach ``U`` = the median over the
  baseline windows of the followers behind critical mentions (so an outlet that always
  writes about the topic is not news). Without follower counts, the engagement (likes,
  shares, comments) of those mentions is the proxy, with floor ``max(2, log10(1 + U))``:
  100 interactions -> 0, ~32,000 -> 1. With sentiment, the strength is multiplied by
  ``clip(negativity / 0.2, 0, 1)`` (see ``critical_gate``): reach behind critical mentions
  counts as the conversation turns more critical than usual.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from stormwatch.pipeline.robust import nanmedian_rows, robust_z, strength_from_z
from stormwatch.pipeline.velocity import (
    growth,
    long_blocks,
    sliding,
    tail_probability,
    two_scales,
    velocity_params,
)
from stormwatch.pipeline.window import CRITICAL_QUARTERS, QUARTERS
from stormwatch.settings import Settings

NEG_PSEUDO = 5.0
CRITICAL_FULL = 0.2  # negativity strength from which critics' reach counts fully
NEG_PRIOR = 0.15  # baseline negative share when the data offers none
REACH_LOG_FLOOR = 4.0
REACH_LOG_SPAN = 2.5
ENGAGEMENT_LOG_FLOOR = 2.0


def capped_baseline(negative: np.ndarray, rated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Negative and rated sums over each row's baseline windows, each window weighted by its
    rated count capped at the row's median rated count (a storm already in the baseline must
    not make its own negativity look normal). NaN marks windows that are not covered."""
    cap = np.maximum(nanmedian_rows(rated), 1.0)  # NaN without history: no window is used
    used = ~np.isnan(rated) & (np.nan_to_num(rated) > 0)
    weight = np.where(used, np.minimum(np.nan_to_num(rated), cap[:, None]), 0.0)
    share = np.where(used, np.nan_to_num(negative) / np.where(used, rated, 1.0), 0.0)
    return (share * weight).sum(axis=1), weight.sum(axis=1)


def negativity(
    negative_now: np.ndarray,
    rated_now: np.ndarray,
    negative_base: np.ndarray,
    rated_base: np.ndarray,
    prior: float | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Share now, baseline share ``p0`` and strength, per row (formulas in the module doc)."""
    p0 = np.clip((negative_base + NEG_PSEUDO * prior) / (rated_base + NEG_PSEUDO), 0.0, 0.99)
    share_now = np.where(rated_now > 0, negative_now / np.maximum(rated_now, 1), 0.0)
    shrunk = (negative_now + NEG_PSEUDO * p0) / (rated_now + NEG_PSEUDO)
    return share_now, p0, np.clip((shrunk - p0) / (1 - p0), 0.0, 1.0)


def reach_strength(
    reach: np.ndarray, proxy: bool | np.ndarray = False, usual: np.ndarray | float = 0.0
) -> np.ndarray:
    """``clip((log10(1 + R) - f) / 2.5, 0, 1)``, ``f = max(4, log10(1 + usual))`` for
    followers, ``max(2, …)`` for engagement."""
    base = np.where(proxy, ENGAGEMENT_LOG_FLOOR, REACH_LOG_FLOOR)
    floor = np.maximum(base, np.log10(1.0 + np.nan_to_num(usual)))
    # Counts are never negative (normalise rejects such rows); the guard keeps log10 finite.
    log_reach = np.log10(1.0 + np.maximum(reach, 0.0))
    result: np.ndarray = np.clip((log_reach - floor) / REACH_LOG_SPAN, 0.0, 1.0)
    return result


def critical_gate(negativity: np.ndarray) -> np.ndarray:
    """``clip(negativity / 0.2, 0, 1)``: how much the reach behind critical mentions counts,
    from the negativity strength. A spike of ordinary coverage brings its usual few negative
    mentions, some of them from outlets with large followings; that is volume (velocity), not
    a critic with reach. From a negativity of 0.2 (e.g. 28 % negative where 10 % is usual)
    the reach counts fully, so an amplified complaint loses nothing."""
    result: np.ndarray = np.clip(negativity / CRITICAL_FULL, 0.0, 1.0)
    return result


def _matrix(grid: pl.DataFrame, column: str, windows: int) -> np.ndarray:
    """Topics x windows (0..n) as floats, rows in topic order."""
    return grid.sort("topic", "window")[column].to_numpy().astype(float).reshape(-1, windows + 1)


def window_signals(
    grid: pl.DataFrame,
    baseline_windows: int,
    settings: Settings | None = None,
    counts: bool = True,
) -> pl.DataFrame:
    """Velocity, spread and negativity per topic from the zero-filled window grid.

    ``baseline_windows`` is how many trailing windows (1..n) the data actually covers.
    Velocity and spread measure the critical stream (``critical``, ``authors``): the mentions
    that are not positive — a surge of praise is no storm — which is every mention when the
    data has no sentiment. ``total_*`` always count every mention. ``counts``: False for a
    volume series with fractional values (see ``velocity.velocity``).
    """
    topics = grid["topic"].unique().sort()
    n = grid.height // len(topics) - 1 if len(topics) else 0  # windows 0..n per topic
    covered = np.arange(n + 1) <= baseline_windows

    def matrix(column: str) -> np.ndarray:
        return _matrix(grid, column, n) if grid.height else np.zeros((0, n + 1))

    def split(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The current window and the covered baseline windows (NaN beyond them)."""
        return m[:, 0], np.where(covered[None, 1:], m[:, 1:], np.nan)

    critical = matrix("critical")  # also summed in blocks for velocity's slower scale
    total_now, total_base = split(matrix("mentions"))
    mentions_now, mentions_base = split(critical)
    authors_now, authors_base = split(matrix("authors"))
    negative_now, negative_b = split(matrix("negative"))
    rated_now, rated_b = split(matrix("rated"))
    total_median = robust_z(total_now, total_base)[0]
    settings = settings or Settings()
    now_long, base_long = long_blocks(critical, baseline_windows)
    # the critical stream by quarter window (column 4k+q: quarter q of window k, newest first)
    quarters = np.stack([matrix(name) for name in CRITICAL_QUARTERS], axis=2)
    fine = sliding(quarters.reshape(len(critical), QUARTERS * (n + 1)), baseline_windows)
    speed, slow = two_scales(
        mentions_now, mentions_base, now_long, base_long, *velocity_params(settings), fine, counts
    )
    more = growth(
        mentions_now,
        np.nan_to_num(mentions_base[:, 0]) if n else mentions_now,
        settings.window.total_seconds() / 3600,
    )
    authors_median, authors_z = robust_z(authors_now, authors_base)
    negative_z = robust_z(negative_now, negative_b)[1]  # critical evidence (pipeline.score)
    negative_base, rated_base = capped_baseline(negative_b, rated_b)
    rated_sum = float(rated_base.sum())
    prior = float(negative_base.sum()) / rated_sum if rated_sum else NEG_PRIOR
    share_now, p0, neg_strength = negativity(
        negative_now, rated_now, negative_base, rated_base, prior
    )
    ints = {
        "total_now": total_now,
        "mentions_now": mentions_now,
        "authors_now": authors_now,
        "negative_now": negative_now,
        "rated_now": rated_now,
    }
    return (
        pl.DataFrame(
            {
                "topic": topics,
                **{k: pl.Series(np.rint(v).astype(np.int64)) for k, v in ints.items()},
                "total_median": total_median,
                "mentions_median": speed["median"],
                "mentions_expected": speed["expected"],
                "season_index": speed["index"],
                "daily_index": speed["daily_index"],
                "weekly_index": speed["weekly_index"],
                "mentions_z": speed["z"],
                "tail_p": tail_probability(speed["z"]),
                "record": speed["record"],
                "record_ratio": speed["record_ratio"],
                "mentions_long": now_long,
                "z_long": slow["z"],
                "acceleration": more["acceleration"],
                "doubling_hours": more["doubling_hours"],
                "authors_median": authors_median,
                "authors_z": authors_z,
                "negative_base": negative_base,
                "rated_base": rated_base,
                "neg_share_base": p0,
                "neg_share_now": share_now,
                "negativity": neg_strength,
                "negative_z": negative_z,
                "velocity": speed["strength"],
                "spread": strength_from_z(authors_z),
            }
        )
        .select(
            "topic",
            "total_now",
            "total_median",
            "mentions_now",
            "mentions_median",
            "mentions_expected",
            "season_index",
            "daily_index",
            "weekly_index",
            "mentions_z",
            "tail_p",
            "record",
            "record_ratio",
            "mentions_long",
            "z_long",
            "acceleration",
            "doubling_hours",
            "authors_now",
            "authors_median",
            "authors_z",
            "negative_now",
            "rated_now",
            "negative_base",
            "rated_base",
            "neg_share_base",
            "neg_share_now",
            "negativity",
            "negative_z",
            "velocity",
            "spread",
        )
        .with_columns(pl.col("^.*_(median|z|expected|p|hours)$", "record").fill_nan(None))
    )


def usual_reach(grid: pl.DataFrame, column: str, baseline_windows: int) -> pl.DataFrame:
    """Per topic: the median of ``column`` (reach behind critical mentions) over the covered
    baseline windows; 0 without history."""
    return (
        grid.filter(pl.col("window").is_between(1, max(baseline_windows, 0)))
        .group_by("topic")
        .agg(pl.col(column).median().cast(pl.Float64).alias("usual_reach"))
    )


def influence_signal(
    authors: pl.DataFrame,
    has_sentiment: bool,
    proxy: bool = False,
    usual: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Critical reach per topic from the current window's per-author counts: followers, or
    with ``proxy`` the engagement of the critical authors' mentions; measured above the
    topic's ``usual_reach`` (see ``usual_reach``)."""
    critical = pl.col("negative") > 0 if has_sentiment else pl.lit(True)
    column = "engagement" if proxy else "followers"
    reach = authors.group_by("topic").agg(
        pl.col(column).filter(critical).fill_null(0).sum().cast(pl.Int64).alias("reach")
    )
    if usual is None:
        usual = pl.DataFrame(schema={"topic": pl.String, "usual_reach": pl.Float64})
    reach = reach.join(usual, on="topic", how="left").with_columns(
        pl.col("usual_reach").fill_null(0.0)
    )
    strength = reach_strength(
        reach["reach"].to_numpy().astype(float), proxy, reach["usual_reach"].to_numpy()
    )
    return reach.with_columns(pl.Series("influence", strength))
