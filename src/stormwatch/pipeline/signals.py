"""Signals: per topic, raw measurements of the current window against the trailing baseline,
each mapped to a strength in 0..1.

Formulas (c = current window, b = the covered baseline windows of the topic):

* velocity: robust z of the mention count against its expected value,
  ``z = (c - e) / s`` with ``e = median(b) · d``, ``s = max(1.4826 · MAD(b) · d,
  sqrt(e + 1))`` (the Poisson floor keeps quiet topics from dividing by zero) and the
  time-of-day index ``d = (median(same hour on earlier days) + 1) / (median(b) + 1)`` (clipped to
  0.25..4; 1 until the baseline holds 3 days), so the evening peak is not news every
  evening; strength ``clip((z - 2) / 8, 0, 1)``: z <= 2 is noise, z >= 10 is full.
  Record gate: a storm outgrows anything the topic saw lately. With ``r = c / max(b over the
  record period)`` (default 3 days; the elevated windows directly before now, flat z >= 2,
  are the episode under way and left out), strength is capped at ``0.49 · clip((r - (R - 0.5)) /
  0.5, 0, 1)`` while ``r < R`` (``record_ratio``, default 1.5): volume like the last days'
  busiest hour cannot by itself raise a warning; nor can volume before the baseline holds a
  whole day (the daily peak not yet seen: capped at 0.49). Two scales: the same is computed on
  blocks of ``LONG`` windows (the current block against the earlier blocks of the baseline),
  which catches a storm that rises too slowly for one window, and velocity is the stronger.
  Explained alongside: the one-sided tail probability of z (normal approximation),
  acceleration ``c - c_prev`` (mentions per window,
  per window) and doubling time ``window · ln 2 / ln(c / c_prev)`` while growing.
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
  100 interactions -> 0, ~32,000 -> 1.
"""

from __future__ import annotations

import warnings
from datetime import timedelta

import numpy as np
import polars as pl

from stormwatch.settings import Settings

Z_FLOOR = 2.0
Z_FULL = 10.0
NEG_PSEUDO = 5.0
NEG_PRIOR = 0.15  # baseline negative share when the data offers none
REACH_LOG_FLOOR = 4.0
REACH_LOG_SPAN = 2.5
ENGAGEMENT_LOG_FLOOR = 2.0
SEASON_MIN_DAYS = 3  # same-hour windows needed before the time-of-day index is used
SEASON_CLIP = (0.25, 4.0)
RECORD_CAP = 0.49  # below the record: at most just under half strength
RECORD_SPAN = 0.5  # the cap rises from 0 to RECORD_CAP over this much of the ratio
LONG = 3  # velocity's slower scale: blocks of 3 windows (3 h by default), for slow rises


def _median_mad(baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no history yet
        median = np.nanmedian(baseline, axis=1)
        mad = np.nanmedian(np.abs(baseline - median[:, None]), axis=1)
    return median, mad


def robust_z(now: np.ndarray, baseline: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median of each row of ``baseline`` (NaN = window not covered) and the robust z of
    ``now`` against it: ``(now - median) / max(1.4826 · MAD, sqrt(median + 1))``.

    Shapes: ``now`` (T,), ``baseline`` (T, n). Rows without any covered window give NaN.
    """
    median, mad = _median_mad(baseline)
    scale = np.maximum(1.4826 * mad, np.sqrt(median + 1.0))
    return median, (now - median) / scale


def velocity(
    now: np.ndarray, baseline: np.ndarray, per_day: int, recent: int, ratio: float
) -> dict[str, np.ndarray]:
    """Velocity per row (formulas in the module doc): ``median``, time-of-day ``index``,
    ``expected``, ``z``, ``record`` (largest window of the last ``recent`` baseline windows
    before the run of elevated windows leading up to now), ``record_ratio`` and ``strength``.

    ``baseline`` column k-1 is the window k windows ago; ``per_day`` is how many windows make a
    day (0: the window does not divide a day, no time-of-day index).
    """
    median, mad = _median_mad(baseline)
    index = np.ones(now.shape)
    if per_day and baseline.shape[1] >= per_day * SEASON_MIN_DAYS:
        same = baseline[:, per_day - 1 :: per_day]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # +1 on both sides: a quiet topic's few mentions are noise, not a daily cycle
            seasonal = (np.nanmedian(same, axis=1) + 1.0) / (median + 1.0)
        enough = (~np.isnan(same)).sum(axis=1) >= SEASON_MIN_DAYS
        index = np.where(enough, np.clip(np.nan_to_num(seasonal, nan=1.0), *SEASON_CLIP), 1.0)
    expected = median * index
    z = (now - expected) / np.maximum(1.4826 * mad * index, np.sqrt(expected + 1.0))
    # The windows right before now that are themselves elevated (flat z >= 2) are the
    # episode under way: they are not part of the record it has to outgrow, or an ongoing
    # storm would look calm once it is its own record.
    flat_scale = np.maximum(1.4826 * mad, np.sqrt(median + 1.0))
    elevated = np.nan_to_num((baseline - median[:, None]) / flat_scale[:, None]) >= Z_FLOOR
    run = np.cumprod(elevated, axis=1).sum(axis=1)
    if baseline.shape[1] == 0:  # no baseline windows at all
        baseline = np.full((now.size, 1), np.nan)
        elevated = np.zeros(baseline.shape, dtype=bool)
        run = np.zeros(now.size, dtype=np.int64)
    recent_part = baseline[:, : max(1, recent)].copy()
    recent_part[np.arange(1, recent_part.shape[1] + 1)[None, :] <= run[:, None]] = np.nan
    covered = ~np.isnan(recent_part).all(axis=1)
    record = np.where(
        covered, np.nanmax(np.where(covered[:, None], recent_part, 0.0), axis=1), np.nan
    )
    record_ratio = now / np.maximum(np.nan_to_num(record), 1.0)
    rising = np.clip((record_ratio - (ratio - RECORD_SPAN)) / RECORD_SPAN, 0.0, 1.0)
    cap = np.where(record_ratio >= ratio, 1.0, RECORD_CAP * rising)
    # Less than a day of history: a surge cannot yet be told from the daily peak.
    young = (~np.isnan(baseline)).sum(axis=1) < max(per_day, 1)
    cap = np.where(young, np.minimum(cap, RECORD_CAP), cap)
    return {
        "median": median,
        "index": index,
        "expected": expected,
        "z": z,
        "record": record,
        "record_ratio": record_ratio,
        "strength": np.minimum(strength_from_z(z), cap),
    }


def growth(now: np.ndarray, previous: np.ndarray, window_hours: float) -> dict[str, np.ndarray]:
    """Acceleration ``now - previous`` (mentions per window, per window), the one-window growth
    factor and the doubling time in hours ``window · ln 2 / ln(now / previous)`` (NaN unless
    growing from a non-zero count)."""
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


def reach_strength(
    reach: np.ndarray, proxy: bool = False, usual: np.ndarray | float = 0.0
) -> np.ndarray:
    """``clip((log10(1 + R) - f) / 2.5, 0, 1)``, ``f = max(4, log10(1 + usual))`` for
    followers, ``max(2, …)`` for engagement."""
    floor = ENGAGEMENT_LOG_FLOOR if proxy else REACH_LOG_FLOOR
    floor = np.maximum(floor, np.log10(1.0 + np.nan_to_num(usual)))
    result: np.ndarray = np.clip((np.log10(1.0 + reach) - floor) / REACH_LOG_SPAN, 0.0, 1.0)
    return result


def _matrix(grid: pl.DataFrame, column: str, windows: int) -> np.ndarray:
    """Topics x windows (0..n) as floats, rows in topic order."""
    return grid.sort("topic", "window")[column].to_numpy().astype(float).reshape(-1, windows + 1)


def velocity_params(settings: Settings) -> tuple[int, int, float]:
    """Windows per day (0 when the window does not divide a day), windows in the record
    period (at least 1, at most the baseline) and the record ratio."""
    day = timedelta(days=1)
    per_day = int(day / settings.window) if day % settings.window == timedelta(0) else 0
    recent = max(1, min(settings.baseline_windows, int(settings.record / settings.window)))
    return per_day, recent, settings.record_ratio


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
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Velocity on the window and on blocks of ``LONG`` windows; the first result's
    ``strength`` is the stronger of the two."""
    short = velocity(now, baseline, per_day, recent, ratio)
    slow = velocity(now_long, baseline_long, *long_params(per_day, recent), ratio)
    return {**short, "strength": np.maximum(short["strength"], slow["strength"])}, slow


def window_signals(
    grid: pl.DataFrame, baseline_windows: int, settings: Settings | None = None
) -> pl.DataFrame:
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
    settings = settings or Settings()
    critical = _matrix(grid, "critical", n) if grid.height else np.zeros((0, n + 1))
    now_long, base_long = long_blocks(critical, baseline_windows)
    speed, slow = two_scales(
        mentions_now, mentions_base, now_long, base_long, *velocity_params(settings)
    )
    more = growth(
        mentions_now,
        np.nan_to_num(mentions_base[:, 0]) if n else mentions_now,
        settings.window.total_seconds() / 3600,
    )
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
                "mentions_median": speed["median"],
                "mentions_expected": speed["expected"],
                "season_index": speed["index"],
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
