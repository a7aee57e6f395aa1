"""Score: a weighted sum of signal strengths on a 0..100 scale, and the level it falls in.

``points_i = 100 · w_i · strength_i / Σ w_j`` over the signals the data supports (a volume-only
series can still reach 100), ``score = Σ points_i``.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from stormwatch.settings import Thresholds, Weights


def score_topics(
    signals: pl.DataFrame, weights: Weights, available: Iterable[str], thresholds: Thresholds
) -> pl.DataFrame:
    """Add ``points_<signal>``, ``score`` and ``level``; rank by score (ties: volume, name)."""
    w = weights.as_dict()
    names = [n for n in w if n in set(available)]
    total = sum(w[n] for n in names) or 1.0
    points = [
        (pl.col(n).fill_null(0.0) * (100.0 * w[n] / total)).alias(f"points_{n}")
        if n in names
        else pl.lit(0.0).alias(f"points_{n}")
        for n in w
    ]
    scored = signals.with_columns(points).with_columns(
        pl.sum_horizontal(f"points_{n}" for n in w).round(1).alias("score")
    )
    level = (
        pl.when(pl.col("score") >= thresholds.storm)
        .then(pl.lit("storm"))
        .when(pl.col("score") >= thresholds.warning)
        .then(pl.lit("warning"))
        .when(pl.col("score") >= thresholds.watch)
        .then(pl.lit("watch"))
        .otherwise(pl.lit("calm"))
    )
    return (
        scored.with_columns(level.alias("level"))
        .sort(["score", "mentions_now", "topic"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )
