"""normalise(): raw string columns -> typed canonical mentions, with unusable rows marked."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.pipeline.normalise import (
    DUPLICATE,
    RAW_VALUES,
    REASONS,
    mark_duplicates,
    normalise,
)
from stormwatch.sources import ReadOptions, read_source
from stormwatch.sources.schema import CANONICAL

SCHEMA = {
    "_file": pl.String,
    "_line": pl.Int64,
    "_raw_ts": pl.String,
    **CANONICAL,
    "_reject": pl.String,
    "_unread": pl.String,
    "_unread_any": pl.Boolean,
    "_slow": pl.Boolean,
}
RAW = [f"_raw_{n}" for n in RAW_VALUES]


def normalised(tmp_path: Path, text: str, **kwargs: object) -> tuple[Path, pl.DataFrame]:
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    frame = normalise(read_source(path, ReadOptions(**kwargs))).collect()  # type: ignore[arg-type]
    return path, frame.drop(RAW)  # the raw values are asserted where they matter


def expected(path: Path, rows: list[dict[str, object]]) -> pl.DataFrame:
    """Full normalised rows; columns not given are null (``count`` is 1: one mention a row)."""
    return pl.DataFrame(
        [
            {"_file": str(path), "count": 1, "_unread_any": False, "_slow": False, **row}
            for row in rows
        ],
        schema=SCHEMA,
        orient="row",
    ).select(list(SCHEMA))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_schema_and_column_order(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("timestamp\n2026-11-23T14:05:00Z\n", encoding="utf-8")
    frame = normalise(read_source(path)).collect()
    assert frame.schema == pl.Schema({**SCHEMA, **dict.fromkeys(RAW, pl.String)})


def test_typed_rows(tmp_path: Path) -> None:
    path, frame = normalised(
        tmp_path,
        "timestamp,author,followers,text,sentiment,engagement,url,platform,language,id,brand\n"
        "2026-11-23T14:05:00Z,@alice,1234.0,Door broken,Negative,'7,https://x/1,twitter,en,1,Acme\n"
        "2026-11-23T15:05:00+01:00,@bob,'1234,Fine,positive,3.6,,facebook,de,2,Globex\n",
    )
    assert_frame_equal(
        frame,
        expected(
            path,
            [
                {
                    "_line": 2,
                    "_raw_ts": "2026-11-23T14:05:00Z",
                    "timestamp": utc(2026, 11, 23, 14, 5),
                    "topic": "Acme",
                    "author": "@alice",
                    "followers": 1234,
                    "text": "Door broken",
                    "sentiment": "negative",
                    "engagement": 7,
                    "url": "https://x/1",
                    "platform": "twitter",
                    "language": "en",
                    "id": "1",
                },
                {
                    "_line": 3,
                    "_raw_ts": "2026-11-23T15:05:00+01:00",
                    "timestamp": utc(2026, 11, 23, 14, 5),
                    "_slow": True,  # the sample's spelling is ...Z: the general pattern
                    "topic": "Globex",
                    "author": "@bob",
                    "followers": 1234,
                    "text": "Fine",
                    "sentiment": "positive",
                    "engagement": 4,
                    "platform": "facebook",
                    "language": "de",
                    "id": "2",
                },
            ],
        ),
    )


@pytest.mark.parametrize(
    ("raw", "count"),
    [
        ("1234", 1234),
        ("1234.0", 1234),
        ("'1234", 1234),  # Excel's text guard
        ("'1234.0", 1234),
        (" 1234 ", 1234),  # padded
        ("\u22123", -3),  # the Unicode minus
        ("1e3", 1000),
        ("0", 0),
        ("2.4", 2),
        ("2.6", 3),
        ("-3", -3),
        ("", None),
        ("12abc", None),
        ("1,234", None),  # thousands separators are not guessed
        ("n/a", None),
        ("99999999999999999999999", None),  # beyond Int64
    ],
)
def test_follower_counts(tmp_path: Path, raw: str, count: int | None) -> None:
    _, frame = normalised(tmp_path, f'timestamp,followers\n2026-11-23,"{raw}"\n')
    assert frame["followers"].to_list() == [count]


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("negative", "negative"),
        ("Negative", "negative"),
        ("NEGATIVE", "negative"),
        ("neg", "negative"),
        ("negativ", "negative"),  # German
        ("sehr negativ", "negative"),
        ("negativo", "negative"),  # Spanish
        ("Negativa", "negative"),
        ("neutral", "neutral"),
        ("Neutro", "neutral"),
        ("mixed", "neutral"),
        ("gemischt", "neutral"),
        ("positive", "positive"),
        ("Positiv", "positive"),
        ("positivo", "positive"),
        ("-3", "negative"),
        ("'-3", "negative"),
        ("-0.5", "negative"),
        ("0", "neutral"),
        ("0.0", "neutral"),
        ("2", "positive"),
        ("+2", "positive"),
        ("0.35", "positive"),
        ("Negative ", "negative"),  # padded
        (" negativ", "negative"),
        ("-0,5", "negative"),  # a German decimal comma
        ("\u22121", "negative"),  # the Unicode minus
        ("Not Rated", None),
        ("unknown", None),
        ("", None),
        ("angry", None),  # unreadable: counted (see test_unreadable_values)
    ],
)
def test_sentiment_labels(tmp_path: Path, raw: str, label: str | None) -> None:
    _, frame = normalised(tmp_path, f'timestamp,sentiment\n2026-11-23,"{raw}"\n')
    assert frame["sentiment"].to_list() == [label]


def test_reject_reasons(tmp_path: Path) -> None:
    _, frame = normalised(
        tmp_path,
        "timestamp,author,followers,brand\n"
        "2026-11-23T14:05:00Z,ok,10,Acme\n"
        ",no-time,10,Acme\n"
        '"",quoted-empty,10,Acme\n'
        "yesterday,bad-time,10,Acme\n"
        "2026-11-23T14:06:00Z,minus,-5,Acme\n"
        "soon,bad-time-and-minus,-5,Acme\n"
        "2026-11-23T14:07:00Z,zero,0,Acme\n",
    )
    assert REASONS == (
        "missing timestamp",
        "bad timestamp",
        "future timestamp",
        "negative follower count",
        "negative engagement",
        "unreadable count",
        "negative count",
        "unclosed quote",
        "malformed quoting",
        "NUL byte",
    )
    assert frame.select("_line", "author", "_reject").rows() == [
        (2, "ok", None),
        (3, "no-time", "missing timestamp"),
        (4, "quoted-empty", "missing timestamp"),
        (5, "bad-time", "bad timestamp"),
        (6, "minus", "negative follower count"),
        (7, "bad-time-and-minus", "bad timestamp"),  # the first reason wins
        (8, "zero", None),
    ]
    assert frame.filter(pl.col("_line") == 5).select("_raw_ts", "timestamp").rows() == [
        ("yesterday", None)
    ]


def test_reject_reasons_of_engagement_and_counts(tmp_path: Path) -> None:
    _, mentions = normalised(
        tmp_path,
        "timestamp,author,engagement\n"
        "2026-11-23T14:05:00Z,ok,3\n"
        "2026-11-23T14:06:00Z,minus,-1\n"
        "2026-11-23T14:07:00Z,empty,\n",
    )
    assert mentions.select("author", "engagement", "_reject").rows() == [
        ("ok", 3, None),
        ("minus", -1, "negative engagement"),
        ("empty", None, None),
    ]
    good = "".join(
        f"2026-11-22T{h:02d}:{m:02d}:00Z,5\n" for h in range(20) for m in range(0, 60, 5)
    )
    _, series = normalised(
        tmp_path,
        "timestamp,value\n"
        "2026-11-23T14:00:00Z,7\n"
        "2026-11-23T14:05:00Z,-2\n"
        "2026-11-23T14:10:00Z,lots\n"
        "2026-11-23T14:15:00Z,\n" + good,  # 240 good rows: 2 bad ones are still a series
    )
    assert series.head(4).select("_line", "count", "_reject").rows() == [
        (2, 7, None),
        (3, -2, "negative count"),
        (4, None, "unreadable count"),
        (5, 1, None),  # an empty count is one mention
    ]


def test_unreadable_values_are_left_empty_and_named(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "timestamp,author,followers,engagement,sentiment,brand\n"
        "2026-11-23T14:05:00Z,ok,10,3,negative,Acme\n"
        "2026-11-23T14:06:00Z,f,abc,3,negative,Acme \n"
        "2026-11-23T14:07:00Z,e,10,many,Not Rated, Acme\n"
        "2026-11-23T14:08:00Z,s,10,3,angry,Acme\n"
        "2026-11-23T14:09:00Z,all,abc,many,angry,Acme\n",
        encoding="utf-8",
    )
    frame = normalise(read_source(path)).collect()
    assert frame.select(
        "author", "topic", "followers", "engagement", "sentiment", "_reject", "_unread"
    ).rows() == [
        ("ok", "Acme", 10, 3, "negative", None, None),
        ("f", "Acme", None, 3, "negative", None, "unreadable follower count"),
        ("e", "Acme", 10, None, None, None, "unreadable engagement"),  # Not Rated is empty
        ("s", "Acme", 10, 3, None, None, "unreadable sentiment"),
        ("all", "Acme", None, None, None, None, "unreadable follower count"),  # the first
    ]
    assert frame["_unread_any"].to_list() == [False, True, True, True, True]
    assert frame.filter(pl.col("author") == "all").select(RAW).row(0) == (
        "abc",
        "many",
        None,  # the file has no count column
        "angry",
    )


def test_topic_is_all_without_a_topic_column(tmp_path: Path) -> None:
    _, frame = normalised(tmp_path, "timestamp,author\n2026-11-23,a\n2026-11-24,b\n")
    assert frame["topic"].to_list() == ["all", "all"]


def test_empty_topic_is_none_in_parentheses(tmp_path: Path) -> None:
    _, frame = normalised(
        tmp_path, 'timestamp,brand\n2026-11-23,Acme\n2026-11-23,\n2026-11-23,""\n'
    )
    assert frame["topic"].to_list() == ["Acme", "(none)", "(none)"]


def test_by_column_becomes_the_topic(tmp_path: Path) -> None:
    _, frame = normalised(
        tmp_path, "timestamp,brand,Campaign\n2026-11-23,Acme,launch\n", by="Campaign"
    )
    assert frame["topic"].to_list() == ["launch"]


def test_naive_timestamps_are_read_in_the_given_zone(tmp_path: Path) -> None:
    _, frame = normalised(
        tmp_path,
        "Datum;Autor\n23.11.2026 14:05;a\n15.07.2026 12:00;b\n29.03.2026 02:30;c\n",
        timezone="Europe/Berlin",
    )
    assert frame.select("_raw_ts", "timestamp", "_reject").rows() == [
        ("23.11.2026 14:05", utc(2026, 11, 23, 13, 5), None),
        ("15.07.2026 12:00", utc(2026, 7, 15, 10, 0), None),
        ("29.03.2026 02:30", None, "bad timestamp"),  # in the spring DST gap
    ]


def test_padded_timestamps_are_stripped(tmp_path: Path) -> None:
    _, frame = normalised(tmp_path, "timestamp,author\n 2026-11-23T14:05:00Z ,a\n")
    assert frame.select("timestamp", "_reject").rows() == [(utc(2026, 11, 23, 14, 5), None)]


def test_mixed_timestamp_formats_in_one_column(tmp_path: Path) -> None:
    _, frame = normalised(
        tmp_path,
        "timestamp\n2026-11-23T14:05:00Z\n23.11.2026 15:05\n1795442700\n"
        "Mon Nov 23 14:05:00 +0000 2026\n",
    )
    assert frame["timestamp"].to_list() == [
        utc(2026, 11, 23, 14, 5),
        utc(2026, 11, 23, 15, 5),
        utc(2026, 11, 23, 14, 5),
        utc(2026, 11, 23, 14, 5),
    ]
    assert frame["_reject"].to_list() == [None] * 4


def test_future_timestamps_are_rejected_when_a_limit_is_given(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "timestamp,followers\n2026-11-23T14:05:00Z,-1\n2099-01-01T00:00:00Z,-1\n"
        "2026-11-24T00:00:00Z,1\n",
        encoding="utf-8",
    )
    limit = datetime(2026, 11, 24, tzinfo=UTC)
    got = normalise(read_source(path), not_after=limit).collect()
    assert got["_reject"].to_list() == ["negative follower count", "future timestamp", None]
    unlimited = normalise(read_source(path)).collect()
    assert unlimited["_reject"].to_list() == ["negative follower count"] * 2 + [None]


def test_duplicates_across_files_keep_the_first_copy(tmp_path: Path) -> None:
    rows = [
        # by platform + id (the URL differs)
        ("2026-11-23T10:00:00Z", "@a", "x", "twitter", "1", "https://a/1"),
        ("2026-11-23T10:00:00Z", "@a", "x", "twitter", "1", "https://a/1?utm=2"),
        # same id on another platform: a different mention
        ("2026-11-23T10:00:00Z", "@a", "x", "facebook", "1", None),
        # no id: by URL
        ("2026-11-23T11:00:00Z", "@b", "y", None, None, "https://b/2"),
        ("2026-11-23T11:30:00Z", "@b", "y", None, None, "https://b/2"),
        # no id, no URL: by author + time + text (time compared as an instant)
        ("2026-11-23T12:00:00Z", "@c", "z", None, None, None),
        ("2026-11-23T13:00:00+01:00", "@c", "z", None, None, None),
        ("2026-11-23T12:00:00Z", "@c", "other text", None, None, None),
    ]
    frame = pl.DataFrame(
        rows, schema=["timestamp", "author", "text", "platform", "id", "url"], orient="row"
    )
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    frame.head(4).write_csv(first)
    frame.tail(4).write_csv(second)
    both = pl.concat([normalise(read_source(first)), normalise(read_source(second))])
    got = mark_duplicates(both).collect()
    assert got["_reject"].to_list() == [
        None,
        DUPLICATE,
        None,
        None,
        DUPLICATE,
        None,
        DUPLICATE,
        None,
    ]
