"""Signals on hand-built window grids; every expected number is worked out here by hand."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.pipeline.robust import nanmedian_rows
from stormwatch.pipeline.signals import influence_signal, window_signals
from stormwatch.pipeline.velocity import growth, velocity
from stormwatch.pipeline.window import CRITICAL_QUARTERS
from stormwatch.settings import Settings

GRID_SCHEMA = {
    "topic": pl.String,
    "window": pl.Int64,
    "mentions": pl.Int64,
    "authors": pl.Int64,
    "negative": pl.Int64,
    "rated": pl.Int64,
}
SIGNAL_SCHEMA = {
    "topic": pl.String,
    "mentions_now": pl.Int64,
    "mentions_median": pl.Float64,
    "mentions_z": pl.Float64,
    "authors_now": pl.Int64,
    "authors_median": pl.Float64,
    "authors_z": pl.Float64,
    "negative_now": pl.Int64,
    "rated_now": pl.Int64,
    "negative_base": pl.Float64,
    "rated_base": pl.Float64,
    "neg_share_base": pl.Float64,
    "neg_share_now": pl.Float64,
    "negativity": pl.Float64,
    "velocity": pl.Float64,
    "spread": pl.Float64,
}


def grid(**topics: dict[str, list[int]]) -> pl.DataFrame:
    """topic=dict(mentions=[w0, w1, ...], authors=[...], negative=[...], rated=[...])."""
    rows = []
    for topic, cols in topics.items():
        for w in range(len(cols["mentions"])):
            rows.append(
                (
                    topic,
                    w,
                    cols["mentions"][w],
                    cols["authors"][w],
                    cols["negative"][w],
                    cols["rated"][w],
                )
            )
    # Without sentiment labels the critical stream is every mention; all of a window's in its
    # newest quarter, so the record at quarter steps is the record of whole windows.
    frame = pl.DataFrame(rows, schema=GRID_SCHEMA, orient="row")
    return frame.with_columns(
        pl.col("mentions").alias("critical"),
        pl.col("mentions").alias("critical_q0"),
        *(pl.lit(0, pl.Int64).alias(name) for name in CRITICAL_QUARTERS[1:]),
    )


#: Daily windows: every baseline window is a day of history, so the hand-worked rows below
#: are past the first day (before it, volume alone is capped at 0.49).
DAILY = Settings(window=timedelta(days=1), baseline=timedelta(days=7))
HOURLY = Settings(window=timedelta(hours=1), baseline=timedelta(hours=22))


def strength(z: float) -> float:
    return min(max((z - 2) / 8, 0.0), 1.0)


def test_nanmedian_rows_by_hand_and_as_numpy() -> None:
    rows = np.array(
        [
            [3.0, 1.0, 2.0, np.nan],  # odd count: the middle one
            [4.0, np.nan, 1.0, 2.0],  # NaN anywhere is ignored
            [np.nan, 5.0, 1.0, np.nan],  # even count: the mean of the middle two
            [np.nan] * 4,  # no history
        ]
    )
    np.testing.assert_array_equal(nanmedian_rows(rows), [2.0, 2.0, 3.0, np.nan])
    no_windows = nanmedian_rows(np.zeros((2, 0)))
    assert no_windows.shape == (2,)
    assert np.isnan(no_windows).all()
    rng = np.random.default_rng(3)
    big = rng.poisson(20, (500, 41)).astype(float)
    big[rng.random(big.shape) < 0.3] = np.nan
    big[7] = np.nan
    with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
        expected = np.nanmedian(big, axis=1)
    np.testing.assert_array_equal(nanmedian_rows(big), expected)


def test_robust_z_and_negativity_by_hand() -> None:
    g = grid(
        a={
            "mentions": [20, 2, 4, 3, 5, 1],
            "authors": [10, 2, 2, 2, 2, 2],
            "negative": [6, 0, 1, 0, 1, 10],
            "rated": [10, 2, 2, 2, 2, 10],
        },
        b={
            "mentions": [3, 0, 0, 0, 0, 0],
            "authors": [3, 0, 0, 0, 0, 0],
            "negative": [3, 0, 0, 0, 0, 0],
            "rated": [3, 0, 0, 0, 0, 0],
        },
        c={
            "mentions": [100, 0, 10, 20, 30, 40],
            "authors": [50, 0, 5, 10, 15, 20],
            "negative": [0, 0, 0, 0, 0, 0],
            "rated": [0, 0, 0, 0, 0, 0],
        },
    )
    # a, mentions: baseline 2 4 3 5 1 -> median 3; |dev| 1 1 0 2 2 -> MAD 1;
    #   scale max(1.4826 * 1, sqrt(3 + 1)) = 2 (the Poisson floor); z = (20 - 3) / 2
    a_mz = (20 - 3) / 2
    # a, authors: baseline all 2 -> MAD 0; scale sqrt(2 + 1)
    a_az = (10 - 2) / math.sqrt(3)
    # a, negativity: median rated in the baseline is 2, so each window weighs min(rated, 2):
    #   shares 0, 1/2, 0, 1/2, 10/10 -> p0 = (0 + 1 + 0 + 1 + 2) / (2 + 2 + 2 + 2 + 2) = 0.4
    # p0 is then shrunk with 5 pseudo-mentions towards the capped share pooled over all
    #   topics: a contributes 4 of 10, b and c have nothing rated -> prior 0.4
    prior = 4 / 10
    a_p0 = (4 + 5 * prior) / (10 + 5)
    a_p = (6 + 5 * a_p0) / (10 + 5)
    # b: all-zero baseline -> median 0, MAD 0, scale sqrt(1) = 1
    b_z = (3 - 0) / 1
    # b has no rated baseline: p0 is the pooled prior itself
    b_p = (3 + 5 * prior) / (3 + 5)
    # c, mentions: baseline 0 10 20 30 40 -> median 20; |dev| 20 10 0 10 20 -> MAD 10;
    #   scale max(14.826, sqrt(21)) = 14.826
    c_mz = (100 - 20) / (1.4826 * 10)
    # c, authors: baseline 0 5 10 15 20 -> median 10, MAD 5; scale max(7.413, sqrt(11))
    c_az = (50 - 10) / (1.4826 * 5)
    c_p = (0 + 5 * prior) / (0 + 5)  # nothing rated now: the shrunk share is p0 itself

    expected = pl.DataFrame(
        [
            (
                "a", 20, 3.0, a_mz, 10, 2.0, a_az, 6, 10, 4.0, 10.0, a_p0, 0.6,
                (a_p - a_p0) / (1 - a_p0), strength(a_mz), strength(a_az),
            ),
            (
                "b", 3, 0.0, b_z, 3, 0.0, b_z, 3, 3, 0.0, 0.0, prior, 1.0,
                (b_p - prior) / (1 - prior), strength(b_z), strength(b_z),
            ),
            (
                "c", 100, 20.0, c_mz, 50, 10.0, c_az, 0, 0, 0.0, 0.0, prior, 0.0,
                (c_p - prior) / (1 - prior), strength(c_mz), strength(c_az),
            ),
        ],
        schema=SIGNAL_SCHEMA,
        orient="row",
    )  # fmt: skip
    got = window_signals(g, 5, DAILY)  # daily windows: a day of history from the first
    # without sentiment the scored stream is every mention: the totals are the same numbers
    assert got["total_now"].to_list() == got["mentions_now"].to_list()
    explained = (  # velocity's explanations, tested on their own below
        "mentions_expected", "season_index", "daily_index", "weekly_index", "tail_p", "record",
        "record_ratio", "mentions_long", "z_long", "acceleration", "doubling_hours",
    )  # fmt: skip
    dropped = got.drop("total_now", "total_median", "negative_z", *explained)
    assert_frame_equal(dropped, expected, abs_tol=1e-12)
    # the negative count's robust z (critical evidence, pipeline.score): c has none at all
    assert got.filter(pl.col("topic") == "c")["negative_z"].item() == 0.0
    # the hand-worked values, spelled out
    assert got["velocity"].to_list() == pytest.approx([0.8125, 0.125, 0.4244908], abs=1e-7)
    assert got["spread"].to_list() == pytest.approx([0.3273503, 0.125, 0.4244908], abs=1e-7)
    assert got["negativity"].to_list() == pytest.approx([2 / 9, 0.375, 0.0], abs=1e-12)


def test_only_the_covered_baseline_windows_count() -> None:
    g = grid(
        a={
            "mentions": [10, 1, 1, 1, 50, 50],
            "authors": [1, 1, 1, 1, 1, 1],
            "negative": [0, 0, 0, 0, 5, 5],
            "rated": [0, 1, 1, 1, 5, 5],
        }
    )
    got = window_signals(g, 3, DAILY).row(0, named=True)
    # windows 4 and 5 lie beyond the covered baseline and are ignored
    assert (got["mentions_median"], got["mentions_z"]) == (1.0, (10 - 1) / math.sqrt(2))
    assert got["velocity"] == pytest.approx(strength(9 / math.sqrt(2)))
    assert (got["negative_base"], got["rated_base"], got["neg_share_base"]) == (0.0, 3.0, 0.0)


def test_no_baseline_at_all() -> None:
    g = grid(a={"mentions": [5], "authors": [2], "negative": [1], "rated": [2]})
    got = window_signals(g, 0, DAILY).row(0, named=True)
    assert (got["mentions_median"], got["mentions_z"], got["velocity"]) == (None, None, 0.0)
    assert (got["authors_z"], got["spread"]) == (None, 0.0)
    # no baseline sentiment anywhere: the built-in prior of 15 % negative
    p = (1 + 5 * 0.15) / (2 + 5)
    assert got["neg_share_base"] == 0.15
    assert got["negativity"] == pytest.approx((p - 0.15) / 0.85, abs=1e-12)


@pytest.mark.parametrize(
    ("now", "velocity"),
    [
        (0, 0.0),  # z = 0
        (2, 0.0),  # z = 2: still noise
        (4, 0.25),  # z = 4
        (6, 0.5),  # z = 6
        (9, 0.875),  # z = 9
        (10, 1.0),  # z = 10: full strength
        (40, 1.0),  # z = 40: clipped
    ],
)
def test_velocity_strength_is_clipped_between_z_2_and_10(now: int, velocity: float) -> None:
    # An all-zero baseline: median 0, MAD 0, scale sqrt(0 + 1) = 1, so z = now.
    zeros = [0, 0, 0]
    g = grid(a={"mentions": [now, *zeros], "authors": [0, *zeros],
                "negative": [0, *zeros], "rated": [0, *zeros]})  # fmt: skip
    got = window_signals(g, 3, DAILY).row(0, named=True)
    assert (got["mentions_z"], got["velocity"]) == (float(now), velocity)


def test_activity_below_the_baseline_is_no_signal() -> None:
    g = grid(a={"mentions": [0, 5, 5, 5], "authors": [0, 3, 3, 3],
                "negative": [0] * 4, "rated": [0] * 4})  # fmt: skip
    got = window_signals(g, 3, DAILY).row(0, named=True)
    assert (got["mentions_z"], got["authors_z"]) == (-5 / math.sqrt(6), -3 / 2)
    assert (got["velocity"], got["spread"]) == (0.0, 0.0)


def test_negativity_needs_more_than_a_few_mentions() -> None:
    # Same 100 % negative share now, baseline 10 %: one mention is shrunk hard, twenty barely.
    base = {"negative": [1] * 4, "rated": [10] * 4}
    g = grid(
        few={"mentions": [1] + [10] * 4, "authors": [1] * 5,
             "negative": [1, *base["negative"]], "rated": [1, *base["rated"]]},
        many={"mentions": [20] + [10] * 4, "authors": [1] * 5,
              "negative": [20, *base["negative"]], "rated": [20, *base["rated"]]},
    )  # fmt: skip
    got = dict(window_signals(g, 4, DAILY).select("topic", "negativity").rows())
    p0 = 0.1
    assert got["few"] == pytest.approx(((1 + 5 * p0) / 6 - p0) / (1 - p0))  # 0.1667
    assert got["many"] == pytest.approx(((20 + 5 * p0) / 25 - p0) / (1 - p0))  # 0.8
    assert got["few"] == pytest.approx(1 / 6)
    assert got["many"] == pytest.approx(0.8)


def test_negativity_below_the_baseline_is_zero() -> None:
    g = grid(
        a={"mentions": [10, 10, 10], "authors": [1] * 3, "negative": [0, 5, 5], "rated": [10] * 3}
    )
    got = window_signals(g, 2, DAILY).row(0, named=True)
    assert (got["neg_share_base"], got["neg_share_now"], got["negativity"]) == (0.5, 0.0, 0.0)


def test_all_negative_baseline_is_clipped_below_one() -> None:
    g = grid(a={"mentions": [4, 4, 4], "authors": [1] * 3, "negative": [2, 4, 4], "rated": [4] * 3})
    got = window_signals(g, 2, DAILY).row(0, named=True)
    assert got["neg_share_base"] == 0.99
    p = (2 + 5 * 0.99) / (4 + 5)
    assert got["negativity"] == pytest.approx(max((p - 0.99) / 0.01, 0.0))
    assert got["negativity"] == 0.0


# --- influence ---------------------------------------------------------------------------------

AUTHOR_SCHEMA = {
    "topic": pl.String,
    "author": pl.String,
    "mentions": pl.Int64,
    "followers": pl.Int64,
    "negative": pl.Int64,
}
AUTHORS = pl.DataFrame(
    [
        ("a", "@critic", 2, 1_000_000, 1),
        ("a", "@fan", 1, 5_000_000, 0),  # not critical
        ("a", "@anon", 3, None, 2),  # critical, follower count unknown
        ("b", "@small", 1, 9_999, 1),
        ("c", "@ten_k", 1, 10_000, 1),
        ("d", "@happy", 1, 50_000, 0),
        ("e", "@huge", 1, 10_000_000, 3),
    ],
    schema=AUTHOR_SCHEMA,
    orient="row",
)


def influence(reach: int) -> float:
    return min(max((math.log10(1 + reach) - 4) / 2.5, 0.0), 1.0)


def test_influence_counts_the_reach_of_critical_authors() -> None:
    got = influence_signal(AUTHORS, has_sentiment=True).sort("topic")
    expected = pl.DataFrame(
        [
            ("a", 1_000_000, influence(1_000_000)),
            ("b", 9_999, 0.0),
            ("c", 10_000, influence(10_000)),
            ("d", 0, 0.0),
            ("e", 10_000_000, 1.0),
        ],
        schema={"topic": pl.String, "reach": pl.Int64, "influence": pl.Float64},
        orient="row",
    )
    assert_frame_equal(got.drop("usual_reach"), expected)
    assert got["usual_reach"].to_list() == [0.0] * 5  # no history given: nothing is usual
    values = dict(got.select("topic", "influence").rows())
    assert values["a"] == pytest.approx(0.8, abs=1e-6)  # 1,000,000 followers
    assert values["b"] == 0.0  # log10(10,000) = 4 exactly
    assert values["c"] == pytest.approx(0.0, abs=1e-4)  # 10,000 followers


def test_influence_without_sentiment_counts_every_author() -> None:
    got = dict(influence_signal(AUTHORS, has_sentiment=False).select("topic", "reach").rows())
    assert got == {"a": 6_000_000, "b": 9_999, "c": 10_000, "d": 50_000, "e": 10_000_000}


def test_influence_reaches_full_strength_near_3_2_million() -> None:
    full = round(10**6.5) - 1  # log10(1 + R) = 6.5
    authors = pl.DataFrame(
        [("a", "@x", 1, full, 1), ("b", "@y", 1, full - 1000, 1)],
        schema=AUTHOR_SCHEMA,
        orient="row",
    )
    got = dict(influence_signal(authors, has_sentiment=True).select("topic", "influence").rows())
    assert got["a"] == pytest.approx(1.0, abs=1e-9)
    assert 0.9999 < got["b"] < 1.0


def test_velocity_and_spread_follow_the_critical_stream() -> None:
    # A praise surge: 40 mentions now from 40 authors, but the critical stream (not positive)
    # stays at its usual 2 mentions from 2 authors.
    g = grid(
        a={
            "mentions": [40, 4, 4, 4, 4],
            "authors": [2, 2, 2, 2, 2],
            "negative": [1, 0, 0, 0, 0],
            "rated": [40, 4, 4, 4, 4],
        }
    ).with_columns(pl.Series("critical", [2, 2, 2, 2, 2]))
    got = window_signals(g, 4, DAILY).row(0, named=True)
    assert (got["velocity"], got["spread"]) == (0.0, 0.0)
    assert (got["total_now"], got["total_median"]) == (40, 4.0)
    assert (got["mentions_now"], got["mentions_median"]) == (2, 2.0)


def test_influence_is_measured_above_the_topics_usual_reach() -> None:
    # 1M followers behind critical mentions now; topic a usually has 100k behind them per
    # window, b 1k (below the 10k floor, so the floor holds)
    usual = pl.DataFrame({"topic": ["a", "b"], "usual_reach": [100_000.0, 1_000.0]})
    authors = pl.DataFrame(
        [("a", "@x", 1, 1_000_000, 1), ("b", "@y", 1, 1_000_000, 1)],
        schema=AUTHOR_SCHEMA,
        orient="row",
    )
    got = dict(influence_signal(authors, True, usual=usual).select("topic", "influence").rows())
    assert got["a"] == pytest.approx((math.log10(1_000_001) - math.log10(100_001)) / 2.5)
    assert got["b"] == pytest.approx((math.log10(1_000_001) - 4) / 2.5)


def test_the_evening_peak_is_expected_once_three_days_show_it() -> None:
    # hourly windows, 4 days of baseline: 10 mentions an hour, 40 at this hour every day
    day = [10.0] * 24
    day[23] = 40.0  # column k-1 is k windows ago: 24, 48, 72, 96 h ago is this hour
    baseline = np.array([day * 4])
    got = velocity(np.array([40.0]), baseline, per_day=24, recent=72, ratio=1.5)
    assert got["median"][0] == 10.0
    assert got["index"][0] == 41 / 11  # (40 at this hour + 1) / (10 overall + 1)
    assert got["expected"][0] == pytest.approx(10 * 41 / 11)
    assert got["z"][0] == pytest.approx((40 - 410 / 11) / math.sqrt(410 / 11 + 1))
    assert got["strength"][0] == 0.0  # z < 2: the usual peak is no news
    # without enough days the index is 1 and the same count is a surge
    flat = velocity(np.array([40.0]), baseline[:, :48], per_day=24, recent=72, ratio=1.5)
    assert flat["index"][0] == 1.0
    assert flat["z"][0] == pytest.approx(30 / math.sqrt(11))


def test_the_hour_of_the_week_counts_half_way_once_the_baseline_holds_two_weeks() -> None:
    # hourly windows: 40 mentions at this hour every day but on this weekday (10, like every
    # other hour); column k-1 is k windows ago, so columns 167 and 335 are this weekday
    weeks = np.full(14 * 24, 10.0)
    weeks[23::24] = 40.0
    weeks[167::168] = 10.0
    got = velocity(np.array([10.0]), np.array([weeks]), per_day=24, recent=72, ratio=1.5)
    assert got["median"][0] == 10.0
    assert got["daily_index"][0] == 41 / 11  # 12 of the 14 days say 40 at this hour
    assert got["weekly_index"][0] == 1.0  # the same hour of the last two weeks: 10 and 10
    assert got["index"][0] == pytest.approx(math.sqrt(41 / 11))
    assert got["expected"][0] == pytest.approx(10 * math.sqrt(41 / 11))
    # one week short of two samples: the time of day alone
    short = velocity(np.array([10.0]), np.array([weeks[:335]]), per_day=24, recent=72, ratio=1.5)
    assert short["index"][0] == 41 / 11
    assert math.isnan(short["weekly_index"][0])
    # windows that do not divide a day: flat
    flat = velocity(np.array([10.0]), np.array([weeks]), per_day=0, recent=72, ratio=1.5)
    assert flat["index"][0] == 1.0
    assert math.isnan(flat["daily_index"][0])
    assert math.isnan(flat["weekly_index"][0])


def test_volume_below_the_recent_record_cannot_raise_a_warning_alone() -> None:
    quiet = [10.0] * 72
    burst = quiet.copy()
    burst[30] = 100.0  # a burst 31 hours ago
    now = np.array([90.0, 150.0, 110.0])
    got = velocity(now, np.array([burst, burst, quiet]), per_day=24, recent=72, ratio=1.5)
    assert got["record"].tolist() == [100.0, 100.0, 10.0]
    assert got["record_ratio"].tolist() == pytest.approx([0.9, 1.5, 11.0])
    z = (now - 10) / math.sqrt(11)
    # 0.9x the record: cap 0.49 * clip((0.9 - 1.0) / 0.5) = 0; 1.5x: uncapped
    assert got["strength"].tolist() == pytest.approx([0.0, 1.0, 1.0])
    assert z[0] > 10  # the robust z alone would have said full strength
    halfway = velocity(np.array([125.0]), np.array([burst]), 24, 72, 1.5)
    assert halfway["strength"][0] == pytest.approx(0.49 * 0.5)


def test_an_ongoing_storm_is_not_its_own_record() -> None:
    # the last 5 windows are elevated (the episode under way); before them a quiet 10
    history = [100.0, 90.0, 80.0, 60.0, 40.0] + [10.0] * 67
    got = velocity(np.array([120.0]), np.array([history]), 24, 72, 1.5)
    assert got["record"][0] == 10.0
    assert got["strength"][0] == 1.0


def test_growth_acceleration_and_doubling_time() -> None:
    got = growth(np.array([40.0, 10.0, 5.0]), np.array([20.0, 10.0, 0.0]), window_hours=1.0)
    assert got["acceleration"].tolist() == [20.0, 0.0, 5.0]
    assert got["doubling_hours"][0] == pytest.approx(1.0)  # 20 -> 40 in one hour
    assert np.isnan(got["doubling_hours"][1:]).all()  # flat, or from zero: undefined


def test_before_a_whole_day_of_history_volume_alone_stays_below_warning() -> None:
    surge = np.array([200.0])
    hours = [10.0] * 23  # 23 hourly windows: the daily peak not seen yet
    assert velocity(surge, np.array([hours]), 24, 72, 1.5)["strength"][0] == 0.49
    day = [10.0] * 24
    assert velocity(surge, np.array([day]), 24, 72, 1.5)["strength"][0] == 1.0


def test_no_topics_give_an_empty_frame_with_every_column() -> None:
    empty = grid(a={"mentions": [1, 2], "authors": [1, 1], "negative": [0, 0], "rated": [0, 0]})
    got = window_signals(empty.clear(), 1, DAILY)
    assert got.height == 0
    assert got.columns == window_signals(empty, 1, DAILY).columns


def test_the_slow_scale_needs_the_current_window_above_normal() -> None:
    """A burst two windows ago still fills the current 3-window block; with the current window
    back at its usual level, that is no rise under way (it was velocity 1.0)."""
    quiet = [2] * 20
    after = grid(x={"mentions": [2, 100, 100, *quiet], "authors": [1] * 23, "negative": [0] * 23,
                        "rated": [0] * 23})  # fmt: skip
    got = window_signals(after, 22, HOURLY).row(0, named=True)
    assert got["z_long"] > 10  # the block is far above the earlier blocks ...
    assert got["velocity"] == 0.0  # ... but the window itself is not: no storm
    rising = grid(x={"mentions": [60, 100, 100, *quiet], "authors": [1] * 23, "negative": [0] * 23,
                         "rated": [0] * 23})  # fmt: skip
    assert window_signals(rising, 22, HOURLY)["velocity"].item() > 0.0


def test_an_episode_runs_through_one_quiet_window() -> None:
    from stormwatch.pipeline.velocity import episode_run

    e = np.array(
        [
            [True, True, False, True, False, False, True],  # burst, lull, burst: 4 back
            [False, True, True, False, False, True, True],  # quiet now, then the episode: 3
            [False, False, True, True, True, True, True],  # two quiet windows: no episode
            [True, True, True, True, True, True, True],  # all of it
        ]
    )
    assert episode_run(e).tolist() == [4, 3, 0, 7]
    assert episode_run(np.zeros((2, 0), dtype=bool)).tolist() == [0, 0]


def test_a_first_burst_of_the_same_episode_is_not_the_record() -> None:
    """A first burst (80), one quiet hour, then the main surge (100): the first burst belongs
    to the episode under way, so the surge is not capped below its record."""
    quiet = [2] * 26  # more than a day of history: volume is not capped as young
    g = grid(x={"mentions": [100, 3, 80, 60, *quiet], "authors": [1] * 30, "negative": [0] * 30,
                    "rated": [0] * 30})  # fmt: skip
    settings = Settings(window=timedelta(hours=1), baseline=timedelta(hours=29))
    got = window_signals(g, 29, settings).row(0, named=True)
    assert got["record"] == 2.0  # the busiest window before the episode
    assert got["velocity"] == 1.0
