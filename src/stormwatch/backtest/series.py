"""Series: the per-step counts the replay scores, from the sorted timestamps of each topic's
mentions: sums in ``(t - width, t]`` by cumulative sums, distinct authors exactly (one interval
per mention), and what the data in each step's horizon carries (presence)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from stormwatch.pipeline import velocity as vel


def in_window(ts: np.ndarray, weights: np.ndarray, times: np.ndarray, width: int) -> np.ndarray:
    """Σ weights of entries with ``t - width < ts <= t``, for every ``t`` in ``times``."""
    total = np.concatenate([[0.0], np.cumsum(weights)])
    upper = np.searchsorted(ts, times, side="right")
    lower = np.searchsorted(ts, times - width, side="right")
    result: np.ndarray = total[upper] - total[lower]
    return result


def distinct(
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


@dataclass
class Series:
    """One topic's per-step series (each of shape (steps,)); the reach behind critical
    mentions in the variants scan may pick at a step (critical = negative or every mention,
    reach = followers or engagement), filled where the input can need them."""

    total: np.ndarray
    per_step: np.ndarray  # all mentions in (t - step, t]
    critical: np.ndarray  # the critical (not positive) stream, per window
    critical_long: np.ndarray  # the same over LONG windows
    authors: np.ndarray  # distinct authors of the critical stream
    negative: np.ndarray
    rated: np.ndarray
    reach: dict[tuple[bool, bool], np.ndarray]  # (by sentiment, proxy) -> reach now
    usual: dict[tuple[bool, bool], np.ndarray]  # (by sentiment, proxy) -> reach per window


@dataclass(frozen=True)
class Presence:
    """Per step, what the data inside the horizon (the window and its baseline, across all
    topics) carries: exactly what scan decides over its horizon (``analysis._totals``)."""

    sentiment: np.ndarray
    followers: np.ndarray
    engagement: np.ndarray
    authors: np.ndarray
    fractional: np.ndarray  # a volume series' value that is not whole (no Poisson floor)


def horizon_presence(frame: pl.DataFrame, times: np.ndarray, horizon: int) -> Presence:
    """Whether any mention in ``(t - horizon, t]`` is rated, has followers, engagement or
    an author, for every step ``t``."""
    ts = frame["_us"].to_numpy()

    def any_in(flags: pl.Series) -> np.ndarray:
        result: np.ndarray = (
            in_window(ts, flags.fill_null(False).to_numpy().astype(float), times, horizon) > 0
        )
        return result

    return Presence(
        sentiment=any_in(frame["sentiment"].is_not_null()),
        followers=any_in(frame["followers"].is_not_null()),
        engagement=any_in(frame["engagement"].is_not_null()),
        authors=any_in(frame["_who"] >= 0),
        fractional=any_in(frame["count"] != frame["count"].floor()),
    )


def topic_series(
    part: pl.DataFrame,
    times: np.ndarray,
    width: int,
    stride: int,
    variants: list[tuple[bool, bool]],
) -> Series:
    """The per-step counts of one topic's mentions (``part``, sorted by time)."""
    ts = part["_us"].to_numpy()
    count = part["count"].to_numpy().astype(float)
    negative = (part["sentiment"] == "negative").fill_null(False).to_numpy()
    # Velocity and spread follow the critical (not positive) stream, as scan does: every
    # mention where nothing is rated.
    scored = ~(part["sentiment"] == "positive").fill_null(False).to_numpy()
    who = part["_who"].to_numpy()
    followers = part["followers"].fill_null(0).to_numpy().astype(float)
    engagement = part["engagement"].fill_null(0).to_numpy().astype(float)
    # Each author's largest follower count so far (causal: never one seen later).
    biggest = (
        part.select(pl.col("followers").fill_null(0).cum_max().over("_who"))
        .to_series()
        .to_numpy()
        .astype(float)
    )
    reach: dict[tuple[bool, bool], np.ndarray] = {}
    usual: dict[tuple[bool, bool], np.ndarray] = {}
    for by_sentiment, proxy in variants:
        critical = negative if by_sentiment else np.ones(ts.size, dtype=bool)
        behind = engagement if proxy else followers
        per_window = in_window(ts[critical], behind[critical], times, width)
        usual[by_sentiment, proxy] = per_window
        # The engagement of critical mentions is that same sum; followers count once per
        # distinct critical author.
        reach[by_sentiment, proxy] = (
            per_window
            if proxy
            else distinct(ts[critical], who[critical], biggest[critical], times, width)
        )
    return Series(
        total=in_window(ts, count, times, width),
        per_step=in_window(ts, count, times, stride),
        critical=in_window(ts[scored], count[scored], times, width),
        critical_long=in_window(ts[scored], count[scored], times, width * vel.LONG),
        authors=distinct(ts[scored], who[scored], np.ones(int(scored.sum())), times, width),
        negative=in_window(ts, negative.astype(float), times, width),
        rated=in_window(ts, part["sentiment"].is_not_null().to_numpy().astype(float), times, width),
        reach=reach,
        usual=usual,
    )
