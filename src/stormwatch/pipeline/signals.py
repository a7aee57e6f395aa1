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
"""

from __future__ import annotations

import polars as pl

Z_FLOOR = 2.0
Z_FULL = 10.0
NEG_PSEUDO = 5.0
NEG_PRIOR = 0.15  # baseline negative share when the data offers none
REACH_LOG_FLOOR = 4.0
REACH_LOG_SPAN = 2.5


def _robust_z(name: str, base: pl.Expr) -> list[pl.Expr]:
    now = pl.col(name).filter(pl.col("window") == 0).first()
    hist = pl.col(name).filter(base)
    median = hist.median()
    mad = (hist - median).abs().median()
    scale = pl.max_horizontal(1.4826 * mad, (median + 1).sqrt())
    return [
        now.alias(f"{name}_now"),
        median.alias(f"{name}_median"),
        ((now - median) / scale).alias(f"{name}_z"),
    ]


def _strength_from_z(z: pl.Expr) -> pl.Expr:
    return ((z - Z_FLOOR) / (Z_FULL - Z_FLOOR)).clip(0.0, 1.0).fill_null(0.0)


def window_signals(grid: pl.DataFrame, baseline_windows: int) -> pl.DataFrame:
    """Velocity, spread and negativity per topic from the zero-filled window grid.

    ``baseline_windows`` is how many trailing windows (1..n) the data actually covers.
    """
    base = (pl.col("window") >= 1) & (pl.col("window") <= baseline_windows)
    capped = pl.min_horizontal(
        pl.col("rated"), pl.max_horizontal(pl.col("rated").filter(base).median(), pl.lit(1.0))
    )
    share = pl.col("negative") / pl.col("rated")
    per_topic = grid.group_by("topic").agg(
        *_robust_z("mentions", base),
        *_robust_z("authors", base),
        pl.col("negative").filter(pl.col("window") == 0).first().alias("negative_now"),
        pl.col("rated").filter(pl.col("window") == 0).first().alias("rated_now"),
        (share * capped).filter(base & (pl.col("rated") > 0)).sum().alias("negative_base"),
        capped.filter(base & (pl.col("rated") > 0)).sum().alias("rated_base"),
    )
    neg_sum = float(per_topic["negative_base"].sum())
    rated_sum = float(per_topic["rated_base"].sum())
    prior = neg_sum / rated_sum if rated_sum else NEG_PRIOR
    p0 = (
        (pl.col("negative_base") + NEG_PSEUDO * prior) / (pl.col("rated_base") + NEG_PSEUDO)
    ).clip(0.0, 0.99)
    shrunk = (pl.col("negative_now") + NEG_PSEUDO * pl.col("neg_share_base")) / (
        pl.col("rated_now") + NEG_PSEUDO
    )
    return (
        per_topic.with_columns(p0.alias("neg_share_base"))
        .with_columns(
            pl.when(pl.col("rated_now") > 0)
            .then(pl.col("negative_now") / pl.col("rated_now"))
            .otherwise(0.0)
            .alias("neg_share_now"),
            ((shrunk - pl.col("neg_share_base")) / (1 - pl.col("neg_share_base")))
            .clip(0.0, 1.0)
            .alias("negativity"),
            _strength_from_z(pl.col("mentions_z")).alias("velocity"),
            _strength_from_z(pl.col("authors_z")).alias("spread"),
        )
        .sort("topic")
    )


def influence_signal(authors: pl.DataFrame, has_sentiment: bool) -> pl.DataFrame:
    """Critical reach per topic from the current window's per-author counts."""
    critical = pl.col("negative") > 0 if has_sentiment else pl.lit(True)
    reach = authors.group_by("topic").agg(
        pl.col("followers").filter(critical).fill_null(0).sum().cast(pl.Int64).alias("reach")
    )
    return reach.with_columns(
        (((pl.col("reach").cast(pl.Float64) + 1).log(10) - REACH_LOG_FLOOR) / REACH_LOG_SPAN)
        .clip(0.0, 1.0)
        .alias("influence")
    )
