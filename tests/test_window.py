"""Windows counted back from the evaluation moment, closed on the right, and their counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.pipeline.window import assign_windows, count_authors, count_windows, fill_windows

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)
US = timedelta(microseconds=1)

MENTION_SCHEMA = {
    "timestamp": pl.Datetime("us", "UTC"),
    "topic": pl.String,
    "author": pl.String,
    "followers": pl.Int64,
    "sentiment": pl.String,
}
COUNT_SCHEMA = {
    "topic": pl.String,
    "window": pl.Int64,
    "mentions": pl.Int64,
    "authors": pl.Int64,
    "negative": pl.Int64,
    "rated": pl.Int64,
    "with_followers": pl.Int64,
}


def mentions(rows: list[tuple[object, ...]]) -> pl.LazyFrame:
    """Rows of (timestamp, topic, author, followers, sentiment)."""
    return pl.DataFrame(rows, schema=MENTION_SCHEMA, orient="row").lazy()


def at(*moments: datetime) -> pl.LazyFrame:
    return mentions([(m, "t", f"a{i}", None, None) for i, m in enumerate(moments)])


def windows_of(frame: pl.LazyFrame) -> list[tuple[str, int]]:
    return frame.select("author", "window").collect().sort("author").rows()


# --- assign_windows ---------------------------------------------------------------------------


def test_window_boundaries_are_closed_on_the_right() -> None:
    frame = at(
        NOW,  # a0: exactly now -> current window
        NOW - US,  # a1
        NOW - H,  # a2: exactly one window back -> window 1
        NOW - H - US,  # a3
        NOW - 2 * H,  # a4: closes window 2
        NOW - 3 * H + US,  # a5: just inside window 2
        NOW - 3 * H,  # a6: exactly now - 3h -> window 3, the last baseline window
        NOW - 4 * H + US,  # a7: the oldest instant still kept
        NOW - 4 * H,  # a8: beyond the baseline -> dropped
        NOW + US,  # a9: after now -> dropped
        NOW + 2 * H,  # a10: far after now -> dropped
    )
    assert windows_of(assign_windows(frame, NOW, H, 3)) == [
        ("a0", 0),
        ("a1", 0),
        ("a2", 1),
        ("a3", 1),
        ("a4", 2),
        ("a5", 2),
        ("a6", 3),
        ("a7", 3),
    ]


def test_window_column_is_int64_and_other_columns_are_kept() -> None:
    frame = mentions([(NOW - 30 * timedelta(minutes=1), "acme", "@x", 5, "negative")])
    got = assign_windows(frame, NOW, H, 2).collect()
    expected = pl.DataFrame(
        [(NOW - timedelta(minutes=30), "acme", "@x", 5, "negative", 0)],
        schema={**MENTION_SCHEMA, "window": pl.Int64},
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_now_none_uses_the_newest_timestamp() -> None:
    newest = NOW + timedelta(minutes=17)
    frame = at(newest, newest - H, newest - H - US, newest - 3 * H, NOW)
    assert windows_of(assign_windows(frame, None, H, 2)) == [
        ("a0", 0),
        ("a1", 1),
        ("a2", 1),
        ("a4", 0),
    ]


def test_other_window_widths() -> None:
    frame = at(NOW - timedelta(minutes=15), NOW - timedelta(minutes=16), NOW - timedelta(days=1))
    assert windows_of(assign_windows(frame, NOW, timedelta(minutes=15), 96)) == [
        ("a0", 1),
        ("a1", 1),
        ("a2", 96),
    ]
    assert windows_of(assign_windows(frame, NOW, timedelta(days=1), 7)) == [
        ("a0", 0),
        ("a1", 0),
        ("a2", 1),
    ]


def test_nothing_in_range_gives_an_empty_frame() -> None:
    got = assign_windows(at(NOW + H, NOW - 10 * H), NOW, H, 3).collect()
    assert got.height == 0
    assert got.schema["window"] == pl.Int64


# --- count_windows / count_authors -------------------------------------------------------------

ROWS = [
    # timestamp, topic, author, followers, sentiment
    (NOW, "acme", "@a", 100, "negative"),
    (NOW - timedelta(minutes=10), "acme", "@a", 120, "negative"),
    (NOW - timedelta(minutes=20), "acme", "@b", None, "positive"),
    (NOW - timedelta(minutes=30), "acme", None, 5, None),
    (NOW - H, "acme", "@c", 7, "neutral"),  # window 1
    (NOW - H - timedelta(minutes=5), "acme", "@c", 7, None),  # window 1
    (NOW - timedelta(minutes=1), "globex", "@z", 1_000, "negative"),
    (NOW - 2 * H - US, "globex", "@z", 1_000, "positive"),  # window 2
]


def test_count_windows() -> None:
    windowed = assign_windows(mentions(ROWS), NOW, H, 3)
    got = count_windows(windowed).collect().sort("topic", "window")
    expected = pl.DataFrame(
        [
            # topic, window, mentions, authors (nulls not counted), negative, rated, with_followers
            ("acme", 0, 4, 2, 2, 3, 3),
            ("acme", 1, 2, 1, 0, 1, 2),
            ("globex", 0, 1, 1, 1, 1, 1),
            ("globex", 2, 1, 1, 0, 1, 1),
        ],
        schema=COUNT_SCHEMA,
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_count_windows_without_authors_counts_zero_authors() -> None:
    windowed = assign_windows(at(NOW, NOW).with_columns(author=pl.lit(None, pl.String)), NOW, H, 1)
    assert count_windows(windowed).collect().select("mentions", "authors").rows() == [(2, 0)]


def test_count_authors_in_the_current_window() -> None:
    windowed = assign_windows(mentions(ROWS), NOW, H, 3)
    got = count_authors(windowed).collect().sort("topic", "author")
    expected = pl.DataFrame(
        [
            ("acme", "@a", 2, 120, 2),  # followers: the largest count seen
            ("acme", "@b", 1, None, 0),
            ("globex", "@z", 1, 1_000, 1),
        ],
        schema={
            "topic": pl.String,
            "author": pl.String,
            "mentions": pl.Int64,
            "followers": pl.Int64,
            "negative": pl.Int64,
        },
        orient="row",
    )
    assert_frame_equal(got, expected)


# --- fill_windows -----------------------------------------------------------------------------


def test_fill_windows_zero_fills_every_topic_and_window() -> None:
    counts = pl.DataFrame(
        [("beta", 2, 3, 2, 1, 2, 3), ("alpha", 0, 1, 1, 0, 1, 0)],
        schema=COUNT_SCHEMA,
        orient="row",
    )
    got = fill_windows(counts, ["alpha", "beta", "gamma"], 2)
    expected = pl.DataFrame(
        [
            ("alpha", 0, 1, 1, 0, 1, 0),
            ("alpha", 1, 0, 0, 0, 0, 0),
            ("alpha", 2, 0, 0, 0, 0, 0),
            ("beta", 0, 0, 0, 0, 0, 0),
            ("beta", 1, 0, 0, 0, 0, 0),
            ("beta", 2, 3, 2, 1, 2, 3),
            ("gamma", 0, 0, 0, 0, 0, 0),
            ("gamma", 1, 0, 0, 0, 0, 0),
            ("gamma", 2, 0, 0, 0, 0, 0),
        ],
        schema=COUNT_SCHEMA,
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_fill_windows_with_no_topics_is_empty() -> None:
    got = fill_windows(pl.DataFrame(schema=COUNT_SCHEMA), [], 3)
    assert_frame_equal(got, pl.DataFrame(schema=COUNT_SCHEMA))


@pytest.mark.parametrize("windows", [1, 168])
def test_fill_windows_grid_size(windows: int) -> None:
    got = fill_windows(pl.DataFrame(schema=COUNT_SCHEMA), ["a", "b"], windows)
    assert got.height == 2 * (windows + 1)
    assert got["window"].to_list() == list(range(windows + 1)) * 2
    assert got.select(pl.col("mentions").sum()).item() == 0
