"""Windows counted back from the evaluation moment, closed on the right, and their counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.pipeline.plan import summarise
from stormwatch.pipeline.window import (
    AFTER,
    assign_windows,
    count_authors,
    count_windows,
    fill_windows,
)

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
    "critical": pl.Int64,
    "authors": pl.Int64,
    "with_authors": pl.Int64,
    "negative": pl.Int64,
    "rated": pl.Int64,
    "with_followers": pl.Int64,
    "with_engagement": pl.Int64,
    "followers_sum": pl.Int64,
    "followers_negative": pl.Int64,
    "engagement": pl.Int64,
    "engagement_negative": pl.Int64,
    **dict.fromkeys(("critical_q0", "critical_q1", "critical_q2", "critical_q3"), pl.Int64),
}


def mentions(rows: list[tuple[object, ...]]) -> pl.LazyFrame:
    """Rows of (timestamp, topic, author, followers, sentiment); each counts one mention."""
    return pl.DataFrame(rows, schema=MENTION_SCHEMA, orient="row").lazy()


def counted(frame: pl.LazyFrame) -> pl.LazyFrame:
    """What normalise adds: one mention a row, no engagement column in these tests."""
    return frame.with_columns(
        pl.lit(1, pl.Int64).alias("count"), pl.lit(None, pl.Int64).alias("engagement")
    )


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
        NOW - 4 * H + US,  # a7: the oldest instant still in the baseline
        NOW - 4 * H,  # a8: beyond the baseline -> "older" (n + 1)
        NOW + US,  # a9: after now -> -1
        NOW + 2 * H,  # b0: far after now -> -1
        NOW - 100 * H,  # b1: far older -> n + 1
    )
    assert windows_of(assign_windows(frame, NOW, H, 3)) == [
        ("a0", 0),
        ("a1", 0),
        ("a10", AFTER),
        ("a11", 4),
        ("a2", 1),
        ("a3", 1),
        ("a4", 2),
        ("a5", 2),
        ("a6", 3),
        ("a7", 3),
        ("a8", 4),
        ("a9", AFTER),
    ]


def test_missing_timestamp_has_no_window() -> None:
    frame = mentions([(None, "t", "a", None, None)])
    assert windows_of(assign_windows(frame, NOW, H, 3)) == [("a", None)]


def test_window_column_is_int64_and_other_columns_are_kept() -> None:
    frame = mentions([(NOW - 30 * timedelta(minutes=1), "acme", "@x", 5, "negative")])
    got = assign_windows(frame, NOW, H, 2).collect()
    expected = pl.DataFrame(
        [(NOW - timedelta(minutes=30), "acme", "@x", 5, "negative", 0, 2)],  # 30-45 min old
        schema={**MENTION_SCHEMA, "window": pl.Int64, "quarter": pl.Int64},
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_quarters_split_each_window_newest_first() -> None:
    ages = [0, 14, 15, 44, 45, 59, 60, 75]  # minutes before now; 0 is now itself
    frame = at(*(NOW - timedelta(minutes=m) for m in ages))
    got = assign_windows(frame, NOW, H, 2).collect()
    assert got["window"].to_list() == [0, 0, 0, 0, 0, 0, 1, 1]
    assert got["quarter"].to_list() == [0, 0, 1, 2, 3, 3, 0, 1]


def test_other_window_widths() -> None:
    frame = at(NOW - timedelta(minutes=15), NOW - timedelta(minutes=16), NOW - timedelta(days=1))
    assert windows_of(assign_windows(frame, NOW, timedelta(minutes=15), 96)) == [
        ("a0", 1),
        ("a1", 1),
        ("a2", 96),
    ]
    assert windows_of(assign_windows(frame, NOW, timedelta(minutes=15), 95)) == [
        ("a0", 1),
        ("a1", 1),
        ("a2", 96),  # older than the baseline
    ]
    assert windows_of(assign_windows(frame, NOW, timedelta(days=1), 7)) == [
        ("a0", 0),
        ("a1", 0),
        ("a2", 1),
    ]


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


def summary_of(
    rows: list[tuple[object, ...]], windows: int = 3, unit: bool = False
) -> pl.DataFrame:
    """The summary of usable mentions (the reader adds _file, _line and _reject)."""
    frame = mentions(rows).with_columns(
        pl.lit("f.csv").alias("_file"),
        pl.int_range(2, len(rows) + 2).cast(pl.Int64).alias("_line"),
        pl.lit(None, pl.String).alias("_reject"),
        pl.lit(False).alias("_unread_any"),
    )
    return summarise(assign_windows(counted(frame), NOW, H, windows), unit=unit).collect()


def test_one_mention_a_row_sums_rows_to_the_same_summary() -> None:
    """``unit``: the counts are summed as rows, with the same values and types."""
    by_count = summary_of(ROWS).sort("topic", "window", "author")
    assert_frame_equal(summary_of(ROWS, unit=True).sort("topic", "window", "author"), by_count)


def test_count_windows() -> None:
    got = count_windows(summary_of(ROWS), 3)
    expected = pl.DataFrame(
        [
            # topic, window, mentions, critical (not positive) mentions, their distinct
            # authors (nulls not counted), rows with an author, negative, rated,
            # with_followers, with_engagement, followers behind all / negative mentions,
            # engagement of all / negative mentions, critical mentions by quarter of the
            # window (newest first: acme's at 0 and 10 minutes, none at 20 (positive), 30)
            ("acme", 0, 4, 3, 1, 3, 2, 3, 3, 0, 225, 220, 0, 0, 2, 0, 1, 0),
            ("acme", 1, 2, 2, 1, 2, 0, 1, 2, 0, 14, 0, 0, 0, 2, 0, 0, 0),
            ("globex", 0, 1, 1, 1, 1, 1, 1, 1, 0, 1000, 1000, 0, 0, 1, 0, 0, 0),
            ("globex", 2, 1, 0, 0, 1, 0, 1, 1, 0, 1000, 0, 0, 0, 0, 0, 0, 0),
        ],
        schema=COUNT_SCHEMA,
        orient="row",
    )
    assert_frame_equal(got, expected)


def test_count_windows_leaves_out_rows_after_now_older_ones_and_rejects() -> None:
    rows = [
        *ROWS,
        (NOW + US, "acme", "@late", 1, "negative"),
        (NOW - 9 * H, "acme", "@old", 1, None),
    ]
    summary = summary_of(rows)
    assert_frame_equal(count_windows(summary, 3), count_windows(summary_of(ROWS), 3))
    rejected = summary.with_columns(pl.lit("bad timestamp").alias("_reject"))
    assert count_windows(rejected, 3).height == 0


def test_summary_keeps_what_accounting_needs() -> None:
    rows = [
        *ROWS,
        (NOW + US, "acme", "@late", 1, "negative"),
        (NOW - 9 * H, "acme", "@old", 1, None),
    ]
    summary = summary_of(rows)
    assert int(summary["mentions"].sum()) == len(rows)
    by_window = dict(
        summary.group_by("window").agg(pl.col("mentions").sum()).sort("window").iter_rows()
    )
    assert by_window == {AFTER: 1, 0: 5, 1: 2, 2: 1, 4: 1}
    assert summary["line"].min() == 2
    assert summary["start"].min() == NOW - 9 * H
    assert summary["end"].max() == NOW + US


def test_authors_are_counted_across_files_once() -> None:
    frame = mentions(ROWS[:2] + ROWS[4:6]).with_columns(
        pl.Series("_file", ["a.csv", "b.csv", "a.csv", "b.csv"]),
        pl.lit(2, pl.Int64).alias("_line"),
        pl.lit(None, pl.String).alias("_reject"),
        pl.lit(False).alias("_unread_any"),
    )
    summary = summarise(assign_windows(counted(frame), NOW, H, 3)).collect()
    # @a in both files in window 0, @c in both files in window 1: one author each
    assert count_windows(summary, 3).select("window", "mentions", "authors").rows() == [
        (0, 2, 1),
        (1, 2, 1),
    ]


def test_count_windows_without_authors_counts_zero_authors() -> None:
    frame = at(NOW, NOW).with_columns(author=pl.lit(None, pl.String))
    summary = summarise(
        assign_windows(
            counted(frame).with_columns(
                pl.lit("f").alias("_file"),
                pl.lit(2, pl.Int64).alias("_line"),
                pl.lit(None, pl.String).alias("_reject"),
                pl.lit(False).alias("_unread_any"),
            ),
            NOW,
            H,
            1,
        )
    ).collect()
    assert count_windows(summary, 1).select("mentions", "authors").rows() == [(2, 0)]


def test_count_authors_in_the_current_window() -> None:
    got = count_authors(summary_of(ROWS))
    expected = pl.DataFrame(
        [
            ("acme", "@a", 2, 120, 2, 0),  # followers: the largest count seen
            ("acme", "@b", 1, None, 0, 0),
            ("globex", "@z", 1, 1_000, 1, 0),
        ],
        schema={
            "topic": pl.String,
            "author": pl.String,
            "mentions": pl.Int64,
            "followers": pl.Int64,
            "negative": pl.Int64,
            "engagement": pl.Int64,
        },
        orient="row",
    )
    assert_frame_equal(got, expected)


# --- fill_windows -----------------------------------------------------------------------------


def test_fill_windows_zero_fills_every_topic_and_window() -> None:
    counts = pl.DataFrame(
        [
            ("beta", 2, 3, 3, 2, 2, 1, 2, 3, 0, 0, 0, 0, 0, 1, 0, 2, 0),
            ("alpha", 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
        ],
        schema=COUNT_SCHEMA,
        orient="row",
    )
    got = fill_windows(counts, ["alpha", "beta", "gamma"], 2)
    expected = pl.DataFrame(
        [
            ("alpha", 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
            ("alpha", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("alpha", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("beta", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("beta", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("beta", 2, 3, 3, 2, 2, 1, 2, 3, 0, 0, 0, 0, 0, 1, 0, 2, 0),
            ("gamma", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("gamma", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
            ("gamma", 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
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
