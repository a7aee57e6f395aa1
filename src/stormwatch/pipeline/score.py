"""Score: a weighted sum of signal strengths on a 0..100 scale, and the level it falls in.

``points_i = 100 · w_i · strength_i / Σ w_j`` over the signals the data supports (a volume-only
series can still reach 100), ``score = Σ points_i``.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from stormwatch.settings import Thresholds, Weights

MIN_BASELINE_WINDOWS = 3  # fewer complete windows of history: volume signals are not scored


def available_signals(
    baseline_windows: int, *, has_followers: bool, has_sentiment: bool, has_authors: bool
) -> list[str]:
    """The signals the data supports. Data that supports none still ranks by volume (then the
    volume signals stay 0 until there is a baseline)."""
    history = baseline_windows >= MIN_BASELINE_WINDOWS
    available = [
        name
        for name, ok in (
            ("velocity", history),
            ("influence", has_followers),
            ("negativity", has_sentiment),
            ("spread", history and has_authors),
        )
        if ok
    ]
    return available or (["velocity", "spread"] if has_authors else ["velocity"])


def point_factors(weights: Weights, available: Iterable[str]) -> dict[str, float]:
    """Points per unit of strength: ``100 · w_i / Σ w_j`` over the available signals, 0 for
    the others, so the score is 0..100 whatever the data supports."""
    w = weights.as_dict()
    names = set(available)
    total = sum(w[n] for n in w if n in names) or 1.0
    return {n: (100.0 * w[n] / total if n in names else 0.0) for n in w}


def score_topics(
    signals: pl.DataFrame, weights: Weights, available: Iterable[str], thresholds: Thresholds
) -> pl.DataFrame:
    """Add ``points_<signal>``, ``score`` and ``level``; rank by score (ties: all mentions in
    the current window, ``total_now``, then the name)."""
    factors = point_factors(weights, available)
    points = [(pl.col(n).fill_null(0.0) * f).alias(f"points_{n}") for n, f in factors.items()]
    scored = signals.with_columns(points).with_columns(
        pl.sum_horizontal(f"points_{n}" for n in factors).round(1).alias("score")
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
        .sort(["score", "total_now", "topic"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )
