"""score_topics(): weighted points on 0..100, renormalised over the available signals, ranked."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.pipeline.score import score_topics
from stormwatch.settings import SIGNALS, Thresholds, Weights

SIGNAL_SCHEMA = {
    "topic": pl.String,
    "mentions_now": pl.Int64,
    "velocity": pl.Float64,
    "influence": pl.Float64,
    "negativity": pl.Float64,
    "spread": pl.Float64,
}
POINTS_SCHEMA = {f"points_{n}": pl.Float64 for n in SIGNALS}


def signals(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    """Rows of (topic, mentions_now, velocity, influence, negativity, spread); every mention
    counts in the scored stream (``total_now`` = ``mentions_now``)."""
    frame = pl.DataFrame(rows, schema=SIGNAL_SCHEMA, orient="row")
    return frame.with_columns(pl.col("mentions_now").alias("total_now"))


def score(
    rows: list[tuple[object, ...]],
    available: tuple[str, ...] = SIGNALS,
    weights: Weights | None = None,
    thresholds: Thresholds | None = None,
) -> pl.DataFrame:
    return score_topics(signals(rows), weights or Weights(), available, thresholds or Thresholds())


def test_all_signals_with_default_weights() -> None:
    got = score(
        [
            ("calm", 5, 0.0, 0.1, 0.0, 0.2),
            ("storm", 30, 1.0, 0.8, 0.5, 0.6),
            ("warn", 12, 0.5, 0.6, 0.5, 0.5),
        ]
    )
    # weights 40/25/20/15 sum to 100, so the points are strength x weight
    expected = pl.DataFrame(
        [
            (1, "storm", 30, 1.0, 0.8, 0.5, 0.6, 40.0, 20.0, 10.0, 9.0, 79.0, "storm"),
            (2, "warn", 12, 0.5, 0.6, 0.5, 0.5, 20.0, 15.0, 10.0, 7.5, 52.5, "warning"),
            (3, "calm", 5, 0.0, 0.1, 0.0, 0.2, 0.0, 2.5, 0.0, 3.0, 5.5, "calm"),
        ],
        schema={"rank": pl.UInt32, **SIGNAL_SCHEMA, **POINTS_SCHEMA, "score": pl.Float64,
                "level": pl.String},
        orient="row",
    )  # fmt: skip
    assert_frame_equal(got.drop("total_now", "held"), expected)
    assert got["held"].to_list() == [False, False, False]  # no sentiment: never held


def test_points_are_renormalised_over_the_available_signals() -> None:
    # Only velocity (40) and spread (15) are supported by the data: total 55.
    got = score([("a", 3, 0.5, 1.0, 1.0, 0.25)], available=("velocity", "spread")).row(
        0, named=True
    )
    assert got["points_velocity"] == pytest.approx(100 * 40 / 55 * 0.5)  # 36.36
    assert got["points_spread"] == pytest.approx(100 * 15 / 55 * 0.25)  # 6.82
    assert (got["points_influence"], got["points_negativity"]) == (0.0, 0.0)  # not available
    assert got["score"] == 43.2
    assert got["level"] == "watch"


def test_a_volume_only_series_can_reach_100() -> None:
    got = score([("a", 3, 1.0, 0.0, 0.0, 1.0)], available=("velocity", "spread")).row(0, named=True)
    assert (got["score"], got["level"]) == (100.0, "storm")


def test_unknown_available_names_are_ignored() -> None:
    got = score([("a", 1, 0.0, 1.0, 0.0, 0.0)], available=("influence", "sarcasm"))
    assert got.row(0, named=True)["points_influence"] == 100.0


def test_weights_need_not_sum_to_100() -> None:
    got = score([("a", 1, 1.0, 0.0, 0.5, 0.0)], weights=Weights(1, 1, 1, 1)).row(0, named=True)
    assert (got["points_velocity"], got["points_negativity"], got["score"]) == (25.0, 12.5, 37.5)


def test_null_strengths_count_as_zero() -> None:
    got = score([("a", 1, None, None, 0.5, None)]).row(0, named=True)
    assert (got["points_velocity"], got["points_influence"], got["score"]) == (0.0, 0.0, 10.0)


def test_nothing_available_scores_zero() -> None:
    got = score([("a", 1, 1.0, 1.0, 1.0, 1.0)], available=()).row(0, named=True)
    assert (got["score"], got["level"]) == (0.0, "calm")


def test_ties_go_to_volume_then_name() -> None:
    got = score(
        [
            ("zeta", 10, 0.5, 0.0, 0.0, 0.0),
            ("beta", 5, 0.5, 0.0, 0.0, 0.0),
            ("alpha", 5, 0.5, 0.0, 0.0, 0.0),
            ("top", 1, 0.6, 0.0, 0.0, 0.0),
            ("low", 99, 0.0, 0.0, 0.0, 0.0),
        ]
    )
    assert got.select("rank", "topic", "score").rows() == [
        (1, "top", 24.0),
        (2, "zeta", 20.0),  # 20.0 each: more mentions first ...
        (3, "alpha", 20.0),  # ... then by name
        (4, "beta", 20.0),
        (5, "low", 0.0),
    ]


@pytest.mark.parametrize(
    ("strength", "score_", "level"),
    [
        (0.249, 24.9, "calm"),
        (0.2496, 25.0, "watch"),  # the level follows the rounded score
        (0.25, 25.0, "watch"),
        (0.499, 49.9, "watch"),
        (0.5, 50.0, "warning"),
        (0.7494, 74.9, "warning"),
        (0.75, 75.0, "storm"),
        (1.0, 100.0, "storm"),
    ],
)
def test_level_boundaries(strength: float, score_: float, level: str) -> None:
    got = score([("a", 1, strength, 0.0, 0.0, 0.0)], available=("velocity",)).row(0, named=True)
    assert (got["score"], got["level"]) == (score_, level)
    assert Thresholds().level(got["score"]) == level


def test_custom_thresholds() -> None:
    t = Thresholds(watch=10, warning=20, storm=30)
    got = score(
        [(f"t{i}", 1, s, 0.0, 0.0, 0.0) for i, s in enumerate((0.099, 0.1, 0.2, 0.3))],
        available=("velocity",),
        thresholds=t,
    )
    assert got.select("topic", "level").rows() == [
        ("t3", "storm"),
        ("t2", "warning"),
        ("t1", "watch"),
        ("t0", "calm"),
    ]


def test_no_topics() -> None:
    got = score_topics(signals([]), Weights(), SIGNALS, Thresholds())
    assert got.height == 0
    assert got.columns == [
        "rank",
        *SIGNAL_SCHEMA,
        "total_now",
        *POINTS_SCHEMA,
        "score",
        "level",
        "held",
    ]


def test_a_storm_needs_criticism() -> None:
    """With sentiment, a row without critical evidence (negativity 0 and the negative count's
    z below 2) is held just below warning; critical evidence of either kind lets it rise."""
    frame = signals(
        [
            ("news wave", 29, 1.0, 0.0, 0.0, 1.0),  # velocity and spread only: 55 points
            ("complaint", 29, 1.0, 0.0, 0.3, 1.0),  # negative share above its baseline
            ("more negatives", 29, 1.0, 0.0, 0.0, 1.0),  # as many more negative mentions
        ]
    ).with_columns(pl.Series("negative_z", [1.9, 0.0, 2.0]))
    got = score_topics(frame, Weights(), SIGNALS, Thresholds(), has_sentiment=True)
    rows = {r["topic"]: (r["score"], r["level"], r["held"]) for r in got.iter_rows(named=True)}
    assert rows == {
        "news wave": (49.9, "watch", True),
        "complaint": (61.0, "warning", False),
        "more negatives": (55.0, "warning", False),
    }
    # the same rows without sentiment are not held
    plain = score_topics(frame, Weights(), SIGNALS, Thresholds())
    assert plain.filter(pl.col("topic") == "news wave")["score"].item() == 55.0
