"""Score: the one implementation of signal strengths -> points -> score -> level, for scan
(rows = topics), the replay (rows = steps) and the alerts built on either.

``points_i = 100 · w_i · strength_i / Σ w_j`` over the signals the data supports in that row
(a volume-only series can still reach 100), ``score = Σ points_i`` rounded to 0.1, and the
level is the number of bounds (watch, warning, storm) at or below the score.

A storm needs criticism: where a row's data has sentiment and shows no critical evidence (the
negative share not above its baseline share, and no more negative mentions than usual), the
score is held just below warning (``held``): a wave of neutral news or a campaign is worth
watching, not an alarm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from stormwatch.settings import LEVELS, SIGNALS, Thresholds, Weights

MIN_BASELINE_WINDOWS = 3  # fewer complete windows of history: volume signals are not scored
HELD_MARGIN = 0.1  # a held score stays this far below the warning bound


def available_signals(
    baseline_windows: int, *, has_followers: bool, has_sentiment: bool, has_authors: bool
) -> list[str]:
    """The signals the data supports (one row of :func:`availability`)."""
    mask = availability(
        np.array([baseline_windows]),
        has_reach=np.array([has_followers]),
        has_sentiment=np.array([has_sentiment]),
        has_authors=np.array([has_authors]),
    )
    return [name for name in SIGNALS if mask[name][0]]


def availability(
    covered: np.ndarray,
    *,
    has_reach: np.ndarray,
    has_sentiment: np.ndarray,
    has_authors: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per row, whether each signal counts: velocity and spread need ``MIN_BASELINE_WINDOWS``
    complete windows of history (spread also authors), influence follower counts or
    engagement, negativity sentiment. A row that supports none still ranks by volume (the
    volume signals then stay 0 until there is a baseline)."""
    history = covered >= MIN_BASELINE_WINDOWS
    mask = {
        "velocity": history,
        "influence": has_reach,
        "negativity": has_sentiment,
        "spread": history & has_authors,
    }
    none = ~np.any(np.stack([mask[n] for n in SIGNALS]), axis=0)
    mask["velocity"] = mask["velocity"] | none
    mask["spread"] = mask["spread"] | (none & has_authors)
    return {n: np.asarray(mask[n], dtype=bool) for n in SIGNALS}


def level_index(score: np.ndarray, thresholds: Thresholds) -> np.ndarray:
    """0 calm, 1 watch, 2 warning, 3 storm: the number of bounds at or below each score (the
    rule of ``Thresholds.level``)."""
    result: np.ndarray = np.searchsorted(np.asarray(thresholds.bounds), score, side="right")
    return result


@dataclass(frozen=True)
class Scored:
    """Per row: each signal's points, the score, its level index and whether it was held
    below warning for want of criticism."""

    points: dict[str, np.ndarray]
    score: np.ndarray
    level: np.ndarray
    held: np.ndarray


def score_rows(
    strengths: Mapping[str, np.ndarray],
    available: Mapping[str, np.ndarray],
    weights: Weights,
    thresholds: Thresholds,
    uncritical: np.ndarray | None = None,
) -> Scored:
    """Points, score and level per row (formulas in the module doc). ``uncritical``: rows
    whose data has sentiment but shows no critical evidence (see :func:`uncritical`)."""
    w = weights.as_dict()
    mask = {n: np.asarray(available[n], dtype=bool) for n in SIGNALS}
    total = sum(np.where(mask[n], w[n], 0.0) for n in SIGNALS)
    total = np.where(total > 0, total, 1.0)
    points = {
        n: np.where(mask[n], 100.0 * w[n] * np.nan_to_num(strengths[n]) / total, 0.0)
        for n in SIGNALS
    }
    score = np.round(np.sum([points[n] for n in SIGNALS], axis=0), 1)
    held = np.zeros(score.shape, dtype=bool)
    if uncritical is not None:
        ceiling = round(thresholds.warning - HELD_MARGIN, 1)
        held = uncritical & (score > ceiling)
        score = np.where(held, ceiling, score)
    return Scored(points, score, level_index(score, thresholds), held)


def uncritical(
    has_sentiment: np.ndarray, negativity: np.ndarray, negative_z: np.ndarray
) -> np.ndarray:
    """Rows with sentiment but no critical evidence: negativity strength 0 (the shrunk
    negative share not above the baseline share) and the negative count's robust z below 2
    (no more negative mentions than usual, see ``robust.robust_z``)."""
    critical = (np.nan_to_num(negativity) > 0) | (np.nan_to_num(negative_z) >= 2.0)
    result: np.ndarray = np.asarray(has_sentiment, dtype=bool) & ~critical
    return result


def score_topics(
    signals: pl.DataFrame,
    weights: Weights,
    available: Iterable[str],
    thresholds: Thresholds,
    has_sentiment: bool = False,
) -> pl.DataFrame:
    """Add ``points_<signal>``, ``score``, ``level`` and ``held`` to scan's signal rows;
    rank by score (ties: all mentions in the current window, ``total_now``, then the
    name)."""
    rows = signals.height
    names = set(available)
    mask = {n: np.full(rows, n in names) for n in SIGNALS}
    strengths = {n: signals[n].fill_null(0.0).to_numpy().astype(float) for n in SIGNALS}
    flag = None
    if has_sentiment:
        flag = uncritical(
            np.ones(rows, dtype=bool),
            signals["negativity"].fill_null(0.0).to_numpy(),
            signals["negative_z"].fill_null(0.0).to_numpy(),
        )
    scored = score_rows(strengths, mask, weights, thresholds, flag)
    return (
        signals.with_columns(
            *(pl.Series(f"points_{n}", scored.points[n]) for n in SIGNALS),
            pl.Series("score", scored.score),
            pl.Series("level", [LEVELS[int(i)] for i in scored.level], dtype=pl.String),
            pl.Series("held", scored.held),
        )
        .sort(["score", "total_now", "topic"], descending=[True, True, False])
        .with_row_index("rank", offset=1)
    )
