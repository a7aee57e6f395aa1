"""The NAB scoring rules (Numenta Anomaly Benchmark, "standard" profile), written from the
benchmark's published definition so that stormwatch's alerts can be scored like the
published detectors.

Per data file of n rows with labelled windows (first and last timestamp of each):

* the first ``min(floor(0.15·n), 750)`` rows are probation: detections there are ignored;
* inside a window the best (= earliest) detection scores ``S(p) / S(-1)`` with
  ``S(p) = 2·sigmoid(-5p) - 1`` and ``p = -(right - i + 1) / width`` (≈ +1 at the left edge,
  0 at the right edge); a window without a detection scores ``-1`` (``fn`` weight);
* a detection outside every window scores ``0.11 · S(p)`` with ``p = 3`` before the first
  window, else ``p = |i - right_prev| / (width_prev - 1)`` (a detection just after a window
  costs little, one far away costs 0.11).

Normalised over a corpus: ``100 · (raw - null) / (perfect - null)``, where ``null`` is the
score without any detection (``-1`` a window) and ``perfect`` one detection at every left edge
(``+1`` a window).

Where the points go: ``100 - score`` splits exactly into what is lost to detecting late
(``Σ 1 - s`` over the windows hit), to missed windows (``2`` each) and to false alarms
(``-Σ fp``), each times ``100 / (perfect - null)`` (``lost``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

TP_WEIGHT = 1.0
FP_WEIGHT = 0.11
FN_WEIGHT = 1.0
PROBATION_PERCENT = 0.15


def scaled_sigmoid(position: float) -> float:
    """``2·sigmoid(-5·position) - 1``, and -1 from position 3 on."""
    if position >= 3.0:
        return -1.0
    return 2.0 / (1.0 + math.exp(5.0 * position)) - 1.0


def probation_rows(n_rows: int) -> int:
    """Rows at the start of a file that are not scored: 15 %, at most 750."""
    return int(min(math.floor(PROBATION_PERCENT * n_rows), PROBATION_PERCENT * 5000))


@dataclass(frozen=True)
class FileScore:
    """Raw NAB score of one file, and its parts."""

    raw: float
    null: float
    perfect: float
    windows: int
    detected: int
    false_positives: int  # detections outside every window (after probation)
    hit_score: float = 0.0  # Σ of the windows hit (each at most +1)
    fp_score: float = 0.0  # Σ of the false positives (each at least -0.11)


def score_file(
    n_rows: int, windows: Sequence[tuple[int, int]], detections: Sequence[int]
) -> FileScore:
    """Score detections (row indices) against windows (first and last row index, inclusive)."""
    probation = probation_rows(n_rows)
    max_tp = scaled_sigmoid(-1.0)
    ordered = sorted(windows)
    best: dict[int, float] = {}
    fp_score = 0.0
    false_positives = 0
    for i in sorted(set(detections)):
        if i < probation or i >= n_rows:
            continue
        inside = next((k for k, (lo, hi) in enumerate(ordered) if lo <= i <= hi), None)
        if inside is not None:
            lo, hi = ordered[inside]
            width = hi - lo + 1
            value = scaled_sigmoid(-(hi - i + 1) / width) * TP_WEIGHT / max_tp
            best[inside] = max(best.get(inside, -FN_WEIGHT), value)
            continue
        before = [(lo, hi) for lo, hi in ordered if hi < i]
        if before:
            lo, hi = before[-1]
            position = abs(i - hi) / float(max(hi - lo, 1))  # width - 1; a 1-row window: 1
        else:
            position = 3.0
        fp_score += scaled_sigmoid(position) * FP_WEIGHT
        false_positives += 1
    # Windows that end inside probation are not scored either (NAB marks those rows).
    scored = [k for k, (_, hi) in enumerate(ordered) if hi >= probation]
    tp_score = sum(best.get(k, -FN_WEIGHT) for k in scored)
    return FileScore(
        raw=tp_score + fp_score,
        null=-FN_WEIGHT * len(scored),
        perfect=TP_WEIGHT * len(scored),
        windows=len(scored),
        detected=sum(1 for k in scored if k in best),
        false_positives=false_positives,
        hit_score=sum(best[k] for k in scored if k in best),
        fp_score=fp_score,
    )


def normalised(scores: Sequence[FileScore]) -> float | None:
    """The NAB standard score of a corpus: 0 = no detections, 100 = perfect; None without a
    scored window (nothing to normalise by)."""
    raw = sum(s.raw for s in scores)
    null = sum(s.null for s in scores)
    perfect = sum(s.perfect for s in scores)
    if perfect == null:
        return None
    return 100.0 * (raw - null) / (perfect - null)


@dataclass(frozen=True)
class Lost:
    """The NAB points a corpus falls short of 100, by cause (they sum to ``100 - score``)."""

    late: float  # detected, but after the window's left edge
    missed: float  # windows without a detection
    false_alarms: float  # detections outside every window


def lost(scores: Sequence[FileScore]) -> Lost | None:
    """Split ``100 - normalised(scores)`` into lateness, missed windows and false alarms (None
    without a scored window)."""
    span = sum(s.perfect - s.null for s in scores)
    if not span:
        return None
    unit = 100.0 / span
    return Lost(
        late=unit * sum(s.detected * TP_WEIGHT - s.hit_score for s in scores),
        missed=unit * sum((s.windows - s.detected) * (TP_WEIGHT + FN_WEIGHT) for s in scores),
        false_alarms=unit * abs(sum(s.fp_score for s in scores)),  # each fp_score <= 0
    )
