"""Signals: per topic, raw measurements of the current window against the trailing baseline,
each mapped to a strength in 0..1.

Formulas (c = current window, b = the covered baseline windows of the topic):

* velocity: robust z of the mention count, ``z = (c - median(b)) / s`` with
  ``s = max(1.4826 · MAD(b), sqrt(median(b) + 1))`` (the Poisson floor keeps quiet topics from
  dividing by zero); strength ``clip((z - 2) / 8, 0, 1)``: z <= 2 is noise, z >= 10 is full.
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
  ``clip((log10(1 + R) - 4) / 2.5, 0, 1)``: 10,000 followers -> 0, ~3.2 million -> 1.
  Without follower counts, the engagement (likes, shares, comments) of those mentions is the
  proxy: ``clip((log10(1 + E) - 2) / 2.5, 0, 1)``: 100 interactions -> 0, ~32,000 -> 1.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

Z_FLOOR = 2.0
Z_FULL = 10.0
NEG_PSEUDO = 5.0
NEG_PRIOR = 0.15  # baseline negative share when the data offers none
REACH_LOG_FLOOR = 4.0
REACH_LOG_SPAN = 2.5
ENGAGEMENT_LOG_FLOOR = 2.0


def robust_z(now: np.ndarray, baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of each row of ``baseline`` (NaN = window not covered) and the robust z of
    ``now`` against it: ``(now - median) / max(1.4826 · MAD, sqrt(median + 1))``.

    Shapes: ``now`` (T,), ``baseline`` (T, n). Rows without any covered window give NaN.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no history yet
        median = np.nanmedian(baseline, axis=1)
        mad = np.nanmedian(np.abs(baseline - median[:, None]), axis=1)
    scale = np.maximum(1.4826 * mad, np.sqrt(median + 1.0))
    return median, (now - median) / scale


def strength_from_z(z: np.ndarray) -> np.ndarray:
    """``clip((z - 2) / 8, 0, 1)``; no history (NaN) is no evidence (0)."""
    return np.nan_to_num(np.clip((z - Z_FLOOR) / (Z_FULL - Z_FLOOR), 0.0, 1.0), nan=0.0)


def capped_baseline(negative: np.ndarray, rated: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Negative and rated sums over each row's baseline windows, each window weighted by its
    rated count capped at the row's median rated count (a storm already in the baseline must
    not make its own negativity look normal). NaN marks windows that are not covered."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        cap = np.maximum(np.nanmedian(rated, axis=1), 1.0)
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


def reach_strength(reach: np.ndarray, proxy: bool = False) -> np.ndarray:
    """``clip((log10(1 + R) - 4) / 2.5, 0, 1)`` for followers; from 2 for engagement."""
    floor = ENGAGEMENT_LOG_FLOOR if proxy else REACH_LOG_FLOOR
    return np.clip((np.log10(1.0 + reach) - floor) / REACH_LOG_SPAN, 0.0, 1.0)


def _matrix(grid: pl.DataFrame, column: str, windows: int) -> np.ndarray:
    """Topics x windows (0..n) as floats, rows in topic order."""
    return grid.sort("topic", "window")[column].to_numpy().astype(float).reshape(-1, windows + 1)


def window_signals(grid: pl.DataFrame, baseline_windows: int) -> pl.DataFrame:
    """Velocity, spread and negativity per topic from the zero-filled window grid.

    ``baseline_windows`` is how many trailing windows (1..n) the data actually covers.
    Velocity and spread measure the critical stream (``critical``, ``authors``): the mentions
    that are not positive — a surge of praise is no storm — which is every mention when the
    data has no sentiment. ``total_*`` always count every mention.
    """
    topics = grid["topic"].unique().sort()
    n = grid.height // len(topics) - 1 if len(topics) else 0  # windows 0..n per topic
    covered = np.arange(n + 1) <= baseline_windows

    def split(column: str) -> tuple[np.ndarray, np.ndarray]:
        m = _matrix(grid, column, n) if grid.height else np.zeros((0, n + 1))
        base = np.where(covered[None, 1:], m[:, 1:], np.nan)
        return m[:, 0], base

    total_now, total_base = split("mentions")
    mentions_now, mentions_base = split("critical")
    authors_now, authors_base = split("authors")
    negative_now, negative_b = split("negative")
    rated_now, rated_b = split("rated")
    total_median = robust_z(total_now, total_base)[0]
    mentions_median, mentions_z = robust_z(mentions_now, mentions_base)
    authors_median, authors_z = robust_z(authors_now, authors_base)
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
                **{k: pl.Series(v.astype(np.int64)) for k, v in ints.items()},
                "total_median": total_median,
                "mentions_median": mentions_median,
                "mentions_z": mentions_z,
                "authors_median": authors_median,
                "authors_z": authors_z,
                "negative_base": negative_base,
                "rated_base": rated_base,
                "neg_share_base": p0,
                "neg_share_now": share_now,
                "negativity": neg_strength,
                "velocity": strength_from_z(mentions_z),
                "spread": strength_from_z(authors_z),
            }
        )
        .select(
            "topic",
            "total_now",
            "total_median",
            "mentions_now",
            "mentions_median",
            "mentions_z",
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
            "velocity",
            "spread",
        )
        .with_columns(pl.col("^.*_(median|z)$").fill_nan(None))
    )


def influence_signal(
    authors: pl.DataFrame, has_sentiment: bool, proxy: bool = False
) -> pl.DataFrame:
    """Critical reach per topic from the current window's per-author counts: followers, or
    with ``proxy`` the engagement of the critical authors' mentions."""
    critical = pl.col("negative") > 0 if has_sentiment else pl.lit(True)
    column = "engagement" if proxy else "followers"
    reach = authors.group_by("topic").agg(
        pl.col(column).filter(critical).fill_null(0).sum().cast(pl.Int64).alias("reach")
    )
    return reach.with_columns(
        pl.Series("influence", reach_strength(reach["reach"].to_numpy().astype(float), proxy))
    )
