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
author's largest follower count in the whole input instead of within the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from stormwatch.errors import ConfigError
from stormwatch.pipeline import signals as sig
from stormwatch.pipeline import velocity as vel
from stormwatch.pipeline.robust import nanmedian_rows, robust_z, strength_from_z
from stormwatch.pipeline.score import available_signals, point_factors
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
    baseline: np.ndarray  # median mentions per window in the baseline
    strengths: dict[str, np.ndarray]
    points: dict[str, np.ndarray]
    score: np.ndarray
    level: np.ndarray  # index into LEVELS (0 calm .. 3 storm), before hysteresis
    available: tuple[str, ...]


def _in_window(ts: np.ndarray, weights: np.ndarray, times: np.ndarray, width: int) -> np.ndarray:
    """Σ weights of entries with ``t - width < ts <= t``, for every ``t`` in ``times``."""
    total = np.concatenate([[0.0], np.cumsum(weights)])
    upper = np.searchsorted(ts, times, side="right")
    lower = np.searchsorted(ts, times - width, side="right")
    result: np.ndarray = total[upper] - total[lower]
    return result


def _distinct(
    ts: np.ndarray, who: np.ndarray, weights: np.ndarray, times: np.ndarray, width: int
) -> np.ndarray:
    """Σ of one weight per distinct ``who`` with an entry in ``(t - width, t]``, for each ``t``.

    ``ts`` sorted; ``who`` < 0 means unknown (not counted)."""
    known = who >= 0
    ts, who, weights = ts[known], who[known], weights[known]
    if ts.size == 0:
        return np.zeros(times.size)
    order = np.lexsort((ts, who))  # by author, then time
    nxt = np.full(ts.size, np.iinfo(np.int64).max, dtype=np.int64)
    same = who[order][1:] == who[order][:-1]
    nxt[order[:-1][same]] = ts[order][1:][same]
    ends = np.minimum(nxt, ts + width)
    by_end = np.argsort(ends, kind="stable")
    started = np.concatenate([[0.0], np.cumsum(weights)])[np.searchsorted(ts, times, side="right")]
    ended_cum = np.concatenate([[0.0], np.cumsum(weights[by_end])])
    ended = ended_cum[np.searchsorted(ends[by_end], times, side="right")]
    result: np.ndarray = started - ended
    return result


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
    k = np.arange(first, first + windows)
    idx = np.arange(series.size)[rows][:, None] - k[None, :] * lag
    out = np.where(idx >= 0, series[np.clip(idx, 0, None)], np.nan)
    return np.where(k[None, :] <= covered[rows][:, None], out, np.nan)


def replay(mentions: pl.DataFrame, settings: Settings, step: timedelta | None = None) -> Timeline:
    """Score every topic at every step from the first to the last mention.

    ``mentions``: normalised, usable mentions (``timestamp``, ``topic``, ``count``, ``author``,
    ``followers``, ``sentiment``). ``step`` defaults to a twelfth of the window (a quarter
    where a twelfth is not a whole microsecond) and must divide a quarter of it (velocity's
    record is taken at quarter-window steps). Raises ConfigError when the replay would be
    too much work (``MAX_CELLS``).
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
    has_sentiment = bool(frame["sentiment"].is_not_null().any())
    has_followers = bool(frame["followers"].is_not_null().any())
    proxy = not has_followers  # engagement stands in for reach (see pipeline.signals)
    has_authors = bool((frame["_who"] >= 0).any())

    per_topic: dict[str, list[np.ndarray]] = {
        k: [] for k in ("total", "c", "c_long", "a", "neg", "rated", "reach", "usual")
    }
    for topic in topics:
        part = frame.filter(pl.col("topic") == topic)
        ts = part["_us"].to_numpy()
        count = part["count"].to_numpy().astype(float)
        negative = (part["sentiment"] == "negative").fill_null(False).to_numpy()
        rated = part["sentiment"].is_not_null().to_numpy()
        who = part["_who"].to_numpy()
        followers = part["followers"].fill_null(0).to_numpy().astype(float)
        per_topic["total"].append(_in_window(ts, count, times, width))
        # Velocity and spread follow the critical (not positive) stream when there is
        # sentiment, as in scan (pipeline.signals.window_signals).
        scored = ~(part["sentiment"] == "positive").fill_null(False).to_numpy()
        if not has_sentiment:
            scored = np.ones(ts.size, dtype=bool)
        per_topic["c"].append(_in_window(ts[scored], count[scored], times, width))
        per_topic["c_long"].append(_in_window(ts[scored], count[scored], times, width * vel.LONG))
        per_topic["a"].append(
            _distinct(ts[scored], who[scored], np.ones(int(scored.sum())), times, width)
        )
        per_topic["neg"].append(_in_window(ts, negative.astype(float), times, width))
        per_topic["rated"].append(_in_window(ts, rated.astype(float), times, width))
        critical = negative if has_sentiment else np.ones(ts.size, dtype=bool)
        # The reach behind critical mentions per window, for the topic's usual reach.
        behind = part["engagement" if proxy else "followers"].fill_null(0).to_numpy()
        usual = _in_window(ts[critical], behind[critical].astype(float), times, width)
        per_topic["usual"].append(usual)
        if proxy:  # the engagement of critical mentions is that same sum
            per_topic["reach"].append(usual)
        else:
            biggest = _author_max(who, followers)
            per_topic["reach"].append(
                _distinct(ts[critical], who[critical], biggest[critical], times, width)
            )
    return _score(
        topics,
        times,
        per_topic,
        covered,
        lag,
        n,
        settings,
        has_reach=has_followers or bool(frame["engagement"].is_not_null().any()),
        proxy=proxy,
        has_sentiment=has_sentiment,
        has_authors=has_authors,
    )


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


def _author_max(who: np.ndarray, followers: np.ndarray) -> np.ndarray:
    """Each entry's author's largest follower count in the input."""
    if who.size == 0:
        return followers
    codes = np.where(who >= 0, who, 0)
    biggest = np.zeros(int(codes.max()) + 1)
    np.maximum.at(biggest, codes, followers)
    return np.where(who >= 0, biggest[codes], followers)


def _score(
    topics: tuple[str, ...],
    times: np.ndarray,
    series: dict[str, list[np.ndarray]],
    covered: np.ndarray,
    lag: int,
    n: int,
    settings: Settings,
    *,
    has_reach: bool,
    proxy: bool,
    has_sentiment: bool,
    has_authors: bool,
) -> Timeline:
    """Signals, points, score and level per topic and step."""
    steps = times.size
    shape = (len(topics), steps)
    strength = {name: np.zeros(shape) for name in SIGNALS}
    medians = np.zeros(shape)
    neg_base = np.zeros(shape)
    rated_base = np.zeros(shape)
    per_day, _, ratio = vel.velocity_params(settings)
    recent = _record_windows(settings, n)
    blocks = (n + 1) // vel.LONG - 1  # baseline blocks of LONG windows, as scan has them
    covered_long = vel.long_covered(covered)
    # Steps in chunks, so memory stays bounded whatever the window, baseline and span.
    chunk = max(1, CHUNK_CELLS // _widest(settings, n))
    for t in range(len(topics)):
        c, a, c_long = series["c"][t], series["a"][t], series["c_long"][t]
        for first_row in range(0, steps, chunk):
            rows = slice(first_row, first_row + chunk)
            speed, _ = vel.two_scales(
                c[rows],
                _lagged(c, lag, n, covered, rows=rows),
                c_long[rows],
                _lagged(c_long, lag * vel.LONG, blocks, covered_long, rows=rows),
                per_day,
                recent,
                ratio,
                _lagged(c, lag // QUARTERS, QUARTERS * recent + 1, QUARTERS * covered, 0, rows),
            )
            medians[t, rows] = np.nan_to_num(speed["median"])
            strength["velocity"][t, rows] = speed["strength"]
            spread_z = robust_z(a[rows], _lagged(a, lag, n, covered, rows=rows))[1]
            strength["spread"][t, rows] = strength_from_z(spread_z)
            nb, rb = sig.capped_baseline(
                _lagged(series["neg"][t], lag, n, covered, rows=rows),
                _lagged(series["rated"][t], lag, n, covered, rows=rows),
            )
            neg_base[t, rows], rated_base[t, rows] = nb, rb
            usual = nanmedian_rows(_lagged(series["usual"][t], lag, n, covered, rows=rows))
            strength["influence"][t, rows] = sig.reach_strength(
                series["reach"][t][rows], proxy, usual
            )
    # The negativity prior is pooled over all topics at each step, as scan does.
    pooled_rated = rated_base.sum(axis=0)
    prior = np.where(
        pooled_rated > 0, neg_base.sum(axis=0) / np.maximum(pooled_rated, 1e-12), sig.NEG_PRIOR
    )
    for t in range(len(topics)):
        strength["negativity"][t] = sig.negativity(
            series["neg"][t], series["rated"][t], neg_base[t], rated_base[t], prior
        )[2]
        if has_sentiment:
            strength["influence"][t] *= sig.critical_gate(strength["negativity"][t])
    points: dict[str, np.ndarray] = {name: np.zeros(shape) for name in SIGNALS}
    used: set[str] = set()
    # Which signals count depends on the history available at each step.
    for history in np.unique(covered):
        cols = covered == history
        available = available_signals(
            int(history),
            has_followers=has_reach,
            has_sentiment=has_sentiment,
            has_authors=has_authors,
        )
        used.update(available)
        for name, factor in point_factors(settings.weights, available).items():
            points[name][:, cols] = strength[name][:, cols] * factor
    score = np.round(np.sum(list(points.values()), axis=0), 1)
    th = settings.thresholds
    level = np.select([score >= th.storm, score >= th.warning, score >= th.watch], [3, 2, 1], 0)
    return Timeline(
        topics=topics,
        times=times,
        mentions=np.array(series["total"]),
        baseline=medians,
        strengths=strength,
        points=points,
        score=score,
        level=level,
        available=tuple(n for n in SIGNALS if n in used),
    )


__all__ = ["LEVELS", "Timeline", "replay"]
