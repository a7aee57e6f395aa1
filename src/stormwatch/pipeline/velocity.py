"""Velocity: robust z of the mention count against its expected value,
``z = (c - e) / s`` with ``e = median(b) · d``, ``s = max(1.4826 · MAD(b) · d,
sqrt(e + 1))`` (the Poisson floor keeps quiet topics from dividing by zero) and the
time-of-day index ``d = (median(same hour on earlier days) + 1) / (median(b) + 1)`` (clipped to
0.25..4; 1 until the baseline holds 3 days), so the evening peak is not news every
evening. Once the baseline holds 2 weeks (``--baseline 14d`` or more) the hour of the week
counts too: ``d = sqrt(d_day · d_week)`` with ``d_week`` the same formula over the same hour
of earlier weeks — the geometric mean, because two to four weekly samples are noisy, so the
weekly pattern is trusted half-way. Strength ``clip((z - 2) / 8, 0, 1)``: z <= 2 is noise,
z >= 10 is full.
Record gate: a storm outgrows anything the topic saw lately. With ``r = c / record``, the
record the busiest window of the record period (default 3 days) at quarter-window steps (a
burst that straddles two whole windows counted back from now is counted whole; the elevated
windows before now, flat z >= 2, are the episode under way and left out, through a lull of
one quiet window: see ``episode_run``), strength
is capped at ``0.49 · clip((r - (R - 0.5)) / 0.5, 0, 1)`` while ``r < R`` (``record_ratio``,
default 1.5): volume like the last days' busiest hour cannot by itself raise a warning; nor
can volume before the baseline holds a whole day (the daily peak not yet seen: capped at
0.49). Two scales: the same is computed on blocks of ``LONG`` windows (the current block
against the earlier blocks of the baseline), which catches a storm that rises too slowly for
one window, and velocity is the stronger — the slow scale only while the current window is
itself above normal (its z >= 2): a block that still holds a burst of hours ago, with the
current window back to its usual level, is no rise under way.
Explained alongside: the one-sided tail probability of z (normal approximation),
acceleration ``c - c_prev`` (mentions per window, per window) and doubling time
``window · ln 2 / ln(c / c_prev)`` while growing.

Formulas use c = the current window's count and b = the covered baseline windows.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from stormwatch.pipeline.robust import Z_FLOOR, median_mad, nanmedian_rows, strength_from_z
from stormwatch.pipeline.window import QUARTERS
from stormwatch.settings import Settings

SEASON_MIN_DAYS = 3  # same-hour windows needed before the time-of-day index is used
SEASON_MIN_WEEKS = 2  # same-hour-of-week windows needed before the hour of the week is used
SEASON_CLIP = (0.25, 4.0)
RECORD_CAP = 0.49  # below the record: at most just under half strength
RECORD_SPAN = 0.5  # the cap rises from 0 to RECORD_CAP over this much of the ratio
METRIC_FLOOR = 1e-9  # a metric's least scale and record: far below any value it takes
LONG = 3  # velocity's slower scale: blocks of 3 windows (3 h by default), for slow rises


def velocity(
    now: np.ndarray,
    baseline: np.ndarray,
    per_day: int,
    recent: int,
    ratio: float,
    fine: np.ndarray | None = None,
    counts: bool | np.ndarray = True,
) -> dict[str, np.ndarray]:
    """Velocity per row (formulas in the module doc): ``median``, seasonal ``index``,
    its parts ``daily_index`` and ``weekly_index`` (NaN while not used), ``expected``, the
    ``scale`` of the z (the usual spread), ``z``,
    ``record`` (largest window of the last ``recent`` baseline windows before the run of
    elevated windows leading up to now), ``record_ratio`` and ``strength``.

    ``baseline`` column k-1 is the window k windows ago; ``per_day`` is how many windows make a
    day (0: the window does not divide a day, no time-of-day index). ``fine`` column i is the
    count of the window that ends i quarter-windows before now (NaN where the data does not
    cover it): with it the record is the busiest of those, else of the whole windows.
    ``counts``: per row (or for all), whether the values are whole mentions; a volume series
    with fractional values (a metric, not a count) has no Poisson floor and no floor of one
    mention under its record.
    """
    unit = np.where(counts, 1.0, 0.0)  # the Poisson floor's +1, and the record's floor
    median, mad = median_mad(baseline)
    daily = _seasonal(baseline, median, per_day, SEASON_MIN_DAYS)
    weekly = _seasonal(baseline, median, 7 * per_day, SEASON_MIN_WEEKS)
    flat_or_daily = np.nan_to_num(daily, nan=1.0)
    index = np.where(np.isnan(weekly), flat_or_daily, np.sqrt(flat_or_daily * weekly))
    expected = median * index
    scale = np.maximum(1.4826 * mad * index, _floor(expected, unit))
    z = (now - expected) / scale
    # The windows right before now that are themselves elevated (flat z >= 2) are the
    # episode under way: they are not part of the record it has to outgrow, or an ongoing
    # storm would look calm once it is its own record.
    flat_scale = np.maximum(1.4826 * mad, _floor(median, unit))
    elevated = np.nan_to_num((baseline - median[:, None]) / flat_scale[:, None]) >= Z_FLOOR
    run = episode_run(elevated)
    if baseline.shape[1] == 0:  # no baseline windows at all
        baseline = np.full((now.size, 1), np.nan)
        run = np.zeros(now.size, dtype=np.int64)
    if fine is None:  # whole windows 1..recent, i.e. quarter steps 4, 8, ..
        recent_part = baseline[:, : max(1, recent)].copy()
        steps = QUARTERS * np.arange(1, recent_part.shape[1] + 1)
    else:  # every quarter step from the first window without overlap with the current one
        recent_part = fine[:, : QUARTERS * max(1, recent) + 1].copy()
        steps = np.arange(recent_part.shape[1])
    recent_part[steps[None, :] < QUARTERS * (run[:, None] + 1)] = np.nan
    covered = ~np.isnan(recent_part).all(axis=1)
    record = np.where(
        covered, np.nanmax(np.where(covered[:, None], recent_part, 0.0), axis=1), np.nan
    )
    record_ratio = now / np.maximum(np.nan_to_num(record), np.maximum(unit, METRIC_FLOOR))
    rising = np.clip((record_ratio - (ratio - RECORD_SPAN)) / RECORD_SPAN, 0.0, 1.0)
    cap = np.where(record_ratio >= ratio, 1.0, RECORD_CAP * rising)
    # Less than a day of history: a surge cannot yet be told from the daily peak.
    young = (~np.isnan(baseline)).sum(axis=1) < max(per_day, 1)
    cap = np.where(young, np.minimum(cap, RECORD_CAP), cap)
    return {
        "median": median,
        "index": index,
        "daily_index": daily,
        "weekly_index": weekly,
        "expected": expected,
        "scale": scale,
        "z": z,
        "record": record,
        "record_ratio": record_ratio,
        "strength": np.minimum(strength_from_z(z), cap),
    }


def _floor(mean: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """The least scale of a z: ``sqrt(mean + 1)`` for counts (Poisson), ``METRIC_FLOOR`` for
    a metric (``unit`` 0)."""
    result: np.ndarray = np.maximum(np.sqrt(np.maximum(mean, 0.0) + unit) * unit, METRIC_FLOOR)
    return result


def episode_run(elevated: np.ndarray) -> np.ndarray:
    """Per row of ``elevated`` (column k-1: the window k windows before now is elevated), how
    many windows back the episode under way reaches: to its last elevated window before two
    quiet windows in a row. One quiet window (a lull between a first burst and the main
    surge) does not end an episode, so the first burst is not the record the surge must
    outgrow."""
    rows, cols = elevated.shape
    if cols == 0:
        return np.zeros(rows, dtype=np.int64)
    quiet = ~elevated
    ends = quiet & np.concatenate([quiet[:, 1:], np.ones((rows, 1), dtype=bool)], axis=1)
    stop = np.where(ends.any(axis=1), ends.argmax(axis=1), cols)
    index = np.arange(cols)[None, :]
    last = np.where(elevated & (index < stop[:, None]), index, -1).max(axis=1)
    result: np.ndarray = last + 1
    return result


def _seasonal(baseline: np.ndarray, median: np.ndarray, period: int, needed: int) -> np.ndarray:
    """``(median of the windows one, two, … periods ago + 1) / (median + 1)``, clipped to
    ``SEASON_CLIP``; NaN where fewer than ``needed`` of them are covered (or ``period`` is 0)."""
    if not period or baseline.shape[1] < period * needed:
        return np.full(median.shape, np.nan)
    same = baseline[:, period - 1 :: period]
    # +1 on both sides: a quiet topic's few mentions are noise, not a cycle
    index = np.clip((nanmedian_rows(same) + 1.0) / (median + 1.0), *SEASON_CLIP)
    enough = (~np.isnan(same)).sum(axis=1) >= needed
    return np.where(enough, index, np.nan)


def growth(now: np.ndarray, previous: np.ndarray, window_hours: float) -> dict[str, np.ndarray]:
    """Acceleration ``now - previous`` (mentions per window, per window) and the doubling time
    in hours ``window · ln 2 / ln(now / previous)`` (NaN unless growing from a non-zero
    count)."""
    growing = (now > previous) & (previous > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        doubling = np.where(
            growing, window_hours * np.log(2.0) / np.log(now / np.maximum(previous, 1e-12)), np.nan
        )
    return {"acceleration": now - previous, "doubling_hours": doubling}


def tail_probability(z: np.ndarray) -> np.ndarray:
    """One-sided ``P(Z >= z)`` under a standard normal: how unusual the count is."""
    from math import erfc, sqrt

    return np.array([0.5 * erfc(v / sqrt(2.0)) if np.isfinite(v) else np.nan for v in z.ravel()])


def velocity_params(settings: Settings) -> tuple[int, int, float]:
    """Windows per day (0 when the window does not divide a day), windows in the record
    period (at least 1, at most the baseline) and the record ratio."""
    day = timedelta(days=1)
    per_day = int(day / settings.window) if day % settings.window == timedelta(0) else 0
    recent = max(1, min(settings.baseline_windows, int(settings.record / settings.window)))
    return per_day, recent, settings.record_ratio


def sliding(buckets: np.ndarray, covered: int) -> np.ndarray:
    """From rows x quarter buckets (bucket 4k+q: quarter q of window k, newest first) the
    ``fine`` counts of ``velocity``: column i sums buckets i..i+3, the window ending i quarters
    before now; NaN where it reaches beyond the ``covered`` baseline windows."""
    sums = np.lib.stride_tricks.sliding_window_view(buckets, QUARTERS, axis=1).sum(axis=2)
    fine: np.ndarray = sums.astype(float)
    fine[:, QUARTERS * covered + 1 :] = np.nan
    return fine


def long_params(per_day: int, recent: int) -> tuple[int, int]:
    """``velocity_params``' windows per day and record windows in blocks of ``LONG``."""
    return (per_day // LONG if per_day % LONG == 0 else 0), max(1, recent // LONG)


def long_covered(covered: np.ndarray) -> np.ndarray:
    """Complete baseline blocks of ``LONG`` windows when ``covered`` windows are complete."""
    result: np.ndarray = np.maximum((covered + 1) // LONG - 1, 0)
    return result


def long_blocks(counts: np.ndarray, covered: int) -> tuple[np.ndarray, np.ndarray]:
    """From topics x windows (0..n): the current block (windows 0..LONG-1) and the baseline
    blocks j = 1.. (windows j·LONG .. j·LONG+LONG-1), NaN beyond the complete ones."""
    blocks = counts.shape[1] // LONG
    if blocks < 1:  # fewer windows than a block: all of them are the current one
        return counts.sum(axis=1).astype(float), np.zeros((counts.shape[0], 0))
    summed = counts[:, : blocks * LONG].reshape(counts.shape[0], blocks, LONG).sum(axis=2)
    base = summed[:, 1:].astype(float)
    base[:, int(long_covered(np.array(covered))) :] = np.nan
    return summed[:, 0].astype(float), base


def two_scales(
    now: np.ndarray,
    baseline: np.ndarray,
    now_long: np.ndarray,
    baseline_long: np.ndarray,
    per_day: int,
    recent: int,
    ratio: float,
    fine: np.ndarray | None = None,
    counts: bool | np.ndarray = True,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Velocity on the window (its record from ``fine``) and on blocks of ``LONG`` windows (the
    blocks' record from whole blocks: the slow scale is for sustained rises, and a rolling
    block record cost a labelled storm in the NAB files); the first result's ``strength`` is the
    stronger of the two, the slow one counting only where the window's own z is at least 2.
    ``counts``: see ``velocity``."""
    short = velocity(now, baseline, per_day, recent, ratio, fine, counts)
    slow = velocity(now_long, baseline_long, *long_params(per_day, recent), ratio, None, counts)
    # A slow rise is under way only while the current window is itself above normal.
    rising = np.nan_to_num(short["z"], nan=0.0) >= Z_FLOOR
    slow_strength = np.where(rising, slow["strength"], 0.0)
    return {**short, "strength": np.maximum(short["strength"], slow_strength)}, slow
