"""Replay: the escalation score of every topic at every step of a time grid, causally.

Instead of re-running the pipeline per step, each quantity is computed once for all steps:
the mentions, negative and rated counts in the window ``(t - window, t]`` from cumulative sums
over the sorted timestamps, and the distinct (critical) authors exactly with one interval per
mention — the last mention of an author inside a window ``(t - w, t]`` is the one whose next
mention by that author comes after ``t``, so mention ``i`` counts for the steps
``t`` in ``[ts_i, min(ts_i + w, next_i))``. The baseline at step ``j`` is the same series ``k``
windows earlier (``k = 1..n``), so the signal functions of ``pipeline.signals`` apply to a
steps x windows matrix exactly as ``scan`` applies them to topics x windows. At a step ``t``
the result equals ``stormwatch scan --at t`` up to one detail: influence uses each critical
author's largest follower count up to ``t`` instead of within the window (the same where an
author's count does not change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from stormwatch.backtest.series import Presence, Series, horizon_presence, topic_series
from stormwatch.errors import ConfigError
from stormwatch.pipeline import signals as sig
from stormwatch.pipeline import velocity as vel
from stormwatch.pipeline.robust import nanmedian_rows, robust_z, strength_from_z
from stormwatch.pipeline.score import availability, score_rows, uncritical
from stormwatch.pipeline.window import QUARTERS
from stormwatch.settings import LEVELS, SIGNALS, Settings

US = 1_000_000
MAX_CELLS = 200_000_000  # about a minute of replay on the development machine
CHUNK_CELLS = 2_000_000  # steps x baseline windows computed at once: bounded memory


@dataclass(frozen=True)
class Timeline:
    """Per-step results for all topics: arrays of shape (topics, steps)."""

    topics: tuple[str, ...]
    times: np.ndarray  # (steps,) int64 microseconds since the epoch, UTC
    mentions: np.ndarray
    step_mentions: np.ndarray  # mentions in (t - step, t]: the finest peak of a burst
    baseline: np.ndarray  # median mentions per window in the baseline
    strengths: dict[str, np.ndarray]
    points: dict[str, np.ndarray]
    score: np.ndarray
    level: np.ndarray  # index into LEVELS (0 calm .. 3 storm), before hysteresis
    available: tuple[str, ...]
    # Velocity's basis per step: critical (not positive) mentions in the window, their
    # expected count and its scale (the usual spread); negative and rated mentions.
    critical: np.ndarray
    expected: np.ndarray
    scale: np.ndarray
    negative: np.ndarray
    rated: np.ndarray


def _lagged(
    series: np.ndarray,
    lag: int,
    windows: int,
    covered: np.ndarray,
    first: int = 1,
    rows: slice = slice(None),
) -> np.ndarray:
    """(steps, windows) for the steps ``rows``: ``series`` k·lag steps earlier for k =
    first..first+windows-1 (the window k windows before each step); NaN where the data does
    not cover it (``k > covered[j]``). With ``lag`` a quarter window, ``first`` 0 and
    ``covered`` in quarters, it is ``velocity``'s ``fine``."""
    windows = max(windows, 0)
    k = np.arange(first, first + windows)
    # A strided view instead of fancy indexing: element [j, i] is series[j - (first+i)·lag],
    # NaN before the series starts (the padding).
    pad = max(first + windows - 1, 0) * lag
    padded = np.concatenate([np.full(pad, np.nan), series.astype(float)])
    start = padded[pad - first * lag :]
    view = np.lib.stride_tricks.as_strided(
        start,
        shape=(series.size, windows),
        strides=(start.strides[0], -lag * start.strides[0]),
        writeable=False,
    )
    result: np.ndarray = np.where(k[None, :] <= covered[rows][:, None], view[rows], np.nan)
    return result


def replay(mentions: pl.DataFrame, settings: Settings, step: timedelta | None = None) -> Timeline:
    """Score every topic at every step from the first to the last mention.

    ``mentions``: normalised, usable mentions (``timestamp``, ``topic``, ``count``, ``author``,
    ``followers``, ``engagement``, ``sentiment``). ``step`` defaults to a twelfth of the
    window (a quarter where a twelfth is not a whole microsecond) and must divide a quarter
    of it (velocity's record is taken at quarter-window steps). Raises ConfigError when the
    replay would be too much work (``MAX_CELLS``).
    """
    width = settings.window // timedelta(microseconds=1)
    stride = step // timedelta(microseconds=1) if step else _default_stride(width)
    if stride <= 0 or width % (stride * QUARTERS):
        raise ValueError("the replay step must divide a quarter of the window")
    lag = width // stride
    frame = mentions.sort("timestamp").with_columns(
        pl.col("timestamp").dt.epoch("us").alias("_us"),
        pl.col("author")
        .cast(pl.Categorical)
        .to_physical()
        .cast(pl.Int64)
        .fill_null(-1)
        .alias("_who"),
    )
    start, end = int(frame["_us"].min()), int(frame["_us"].max())  # type: ignore[arg-type]
    # Baseline windows before the data are never covered: no need to carry them.
    n = min(settings.baseline_windows, (end - start) // width + 1)
    # The grid ends at the newest mention, as scan's default evaluation moment does.
    times = end - np.arange((end - start) // stride, -1, -1, dtype=np.int64) * stride
    # Complete windows of history before each step's current window (as scan counts them).
    covered = np.clip((times - start) // width - 1, 0, n)
    topics = tuple(sorted(frame["topic"].unique().to_list()))
    _check_work(len(topics), times.size, _widest(settings, n))
    presence = horizon_presence(frame, times, (settings.baseline_windows + 1) * width)
    # The reach variants scan may use at some step (by sentiment or not, followers or
    # engagement): computed only where some step needs them.
    variants = [
        (by_sentiment, proxy)
        for by_sentiment in (True, False)
        if (presence.sentiment == by_sentiment).any()
        for proxy in (True, False)
        if (presence.followers != proxy).any()
    ]
    series = [
        topic_series(frame.filter(pl.col("topic") == t), times, width, stride, variants)
        for t in topics
    ]
    return _score(topics, times, series, covered, presence, lag, n, settings)


def _default_stride(width: int) -> int:
    """A twelfth of the window (µs), else a quarter: the step must divide a quarter."""
    return width // 12 if width % 12 == 0 else width // QUARTERS


def _record_windows(settings: Settings, n: int) -> int:
    """Velocity's record windows, at most the ``n`` the data covers (the rest are never
    covered either)."""
    return min(vel.velocity_params(settings)[1], n)


def _widest(settings: Settings, n: int) -> int:
    """The widest matrix a step needs: ``n`` baseline windows or the quarter-step record."""
    return max(n, QUARTERS * _record_windows(settings, n) + 1)


def _check_work(topics: int, steps: int, windows: int) -> None:
    """Refuse a replay of more than ``MAX_CELLS`` topic x step x window cells (``windows``:
    the widest matrix a step needs, baseline or quarter-step record; the default replay of a
    NAB file is 4.6 million, under a second)."""
    cells = topics * steps * max(windows, 1)
    if cells > MAX_CELLS:
        raise ConfigError(
            f"replaying {topics:,} topic(s) x {steps:,} steps x {windows:,} windows of history "
            f"is too much work ({cells / 1e6:,.0f} million cells; at most "
            f"{MAX_CELLS / 1e6:,.0f} million, about a minute)",
            hint="use a longer --window or a shorter --baseline, or --by a column with fewer "
            "topics",
        )


def _score(
    topics: tuple[str, ...],
    times: np.ndarray,
    series: list[Series],
    covered: np.ndarray,
    presence: Presence,
    lag: int,
    n: int,
    settings: Settings,
) -> Timeline:
    """Signals, points, score and level per topic and step, with scan's own functions."""
    steps = times.size
    shape = (len(topics), steps)
    strength = {name: np.zeros(shape) for name in SIGNALS}
    medians = np.zeros(shape)
    expected = np.zeros(shape)
    scale = np.zeros(shape)
    neg_base = np.zeros(shape)
    rated_base = np.zeros(shape)
    negative_z = np.zeros(shape)
    per_day, _, ratio = vel.velocity_params(settings)
    recent = _record_windows(settings, n)
    blocks = (n + 1) // vel.LONG - 1  # baseline blocks of LONG windows, as scan has them
    covered_long = vel.long_covered(covered)
    proxy = ~presence.followers  # engagement stands in for reach (see pipeline.signals)
    # A signal whose data is absent at every step is 0 throughout (as scan computes it):
    # a volume series costs velocity alone.
    any_authors = bool(presence.authors.any())
    any_sentiment = bool(presence.sentiment.any())
    any_reach = bool((presence.followers | presence.engagement).any())
    # Steps in chunks, so memory stays bounded whatever the window, baseline and span.
    chunk = max(1, CHUNK_CELLS // _widest(settings, n))
    for t, s in enumerate(series):
        c = s.critical
        for first_row in range(0, steps, chunk):
            rows = slice(first_row, first_row + chunk)
            speed, _ = vel.two_scales(
                c[rows],
                _lagged(c, lag, n, covered, rows=rows),
                s.critical_long[rows],
                _lagged(s.critical_long, lag * vel.LONG, blocks, covered_long, rows=rows),
                per_day,
                recent,
                ratio,
                _lagged(c, lag // QUARTERS, QUARTERS * recent + 1, QUARTERS * covered, 0, rows),
                ~presence.fractional[rows],
            )
            medians[t, rows] = np.nan_to_num(speed["median"])
            expected[t, rows] = np.nan_to_num(speed["expected"])
            scale[t, rows] = np.nan_to_num(speed["scale"])
            strength["velocity"][t, rows] = speed["strength"]
            if any_authors:
                authors_b = _lagged(s.authors, lag, n, covered, rows=rows)
                strength["spread"][t, rows] = strength_from_z(
                    robust_z(s.authors[rows], authors_b)[1]
                )
            if any_sentiment:
                negative_b = _lagged(s.negative, lag, n, covered, rows=rows)
                negative_z[t, rows] = robust_z(s.negative[rows], negative_b)[1]
                rated_b = _lagged(s.rated, lag, n, covered, rows=rows)
                neg_base[t, rows], rated_base[t, rows] = sig.capped_baseline(negative_b, rated_b)
            if any_reach:
                strength["influence"][t, rows] = _influence(
                    s, rows, presence.sentiment[rows], proxy[rows], lag, n, covered
                )
    # The negativity prior is pooled over all topics at each step, as scan does.
    pooled_rated = rated_base.sum(axis=0)
    prior = np.where(
        pooled_rated > 0, neg_base.sum(axis=0) / np.maximum(pooled_rated, 1e-12), sig.NEG_PRIOR
    )
    available = availability(
        covered,
        has_reach=presence.followers | presence.engagement,
        has_sentiment=presence.sentiment,
        has_authors=presence.authors,
    )
    points: dict[str, np.ndarray] = {name: np.zeros(shape) for name in SIGNALS}
    score = np.zeros(shape)
    level = np.zeros(shape, dtype=np.int64)
    for t, s in enumerate(series):
        strength["negativity"][t] = sig.negativity(
            s.negative, s.rated, neg_base[t], rated_base[t], prior
        )[2]
        gate = sig.critical_gate(strength["negativity"][t])
        strength["influence"][t] *= np.where(presence.sentiment, gate, 1.0)
        flag = uncritical(presence.sentiment, strength["negativity"][t], negative_z[t])
        scored = score_rows(
            {name: strength[name][t] for name in SIGNALS},
            available,
            settings.weights,
            settings.thresholds,
            flag,
        )
        for name in SIGNALS:
            points[name][t] = scored.points[name]
        score[t], level[t] = scored.score, scored.level
    used = {name for name in SIGNALS if available[name].any()}
    return Timeline(
        topics=topics,
        times=times,
        mentions=np.array([s.total for s in series]),
        step_mentions=np.array([s.per_step for s in series]),
        baseline=medians,
        strengths=strength,
        points=points,
        score=score,
        level=level,
        available=tuple(name for name in SIGNALS if name in used),
        critical=np.array([s.critical for s in series]),
        expected=expected,
        scale=scale,
        negative=np.array([s.negative for s in series]),
        rated=np.array([s.rated for s in series]),
    )


def _influence(
    s: Series,
    rows: slice,
    by_sentiment: np.ndarray,
    proxy: np.ndarray,
    lag: int,
    n: int,
    covered: np.ndarray,
) -> np.ndarray:
    """Influence strength for the steps ``rows`` of one topic, each step with the variant
    scan would use there (critical = negative where the horizon has sentiment; engagement
    where it has no follower counts), before the negativity gate."""
    result = np.zeros(by_sentiment.size)
    for key, reach in s.reach.items():
        pick = (by_sentiment == key[0]) & (proxy == key[1])
        if not pick.any():
            continue
        usual = nanmedian_rows(_lagged(s.usual[key], lag, n, covered, rows=rows))
        result = np.where(pick, sig.reach_strength(reach[rows], key[1], usual), result)
    return result


__all__ = ["LEVELS", "Timeline", "replay"]
