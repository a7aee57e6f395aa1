"""Timestamp formats: detection from a sample, column parsing to UTC, single moments, zones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from stormwatch.errors import ConfigError
from stormwatch.sources.timestamps import (
    CANDIDATES,
    UTC_DTYPE,
    check_timezone,
    detect_formats,
    parse_expr,
    parse_moment,
)

ISO_Z = "%Y-%m-%dT%H:%M:%S%.f%#z"
ISO_SPACE_OFFSET = "%Y-%m-%d %H:%M:%S%.f%#z"
ISO_MINUTES_OFFSET = "%Y-%m-%dT%H:%M%#z"
ISO_NAIVE = "%Y-%m-%dT%H:%M:%S%.f"
SPACE_NAIVE = "%Y-%m-%d %H:%M:%S%.f"
SPACE_MINUTES = "%Y-%m-%d %H:%M"
T_MINUTES = "%Y-%m-%dT%H:%M"
GERMAN_SECONDS = "%d.%m.%Y %H:%M:%S"
GERMAN_MINUTES = "%d.%m.%Y %H:%M"
TWITTER = "%a %b %d %H:%M:%S %z %Y"
DATE = "%Y-%m-%d"
GERMAN_DATE = "%d.%m.%Y"


def patterns(values: Sequence[str], timezone: str = "UTC") -> list[str]:
    return [f.pattern for f in detect_formats(values, timezone)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# --- detect_formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2026-11-23T14:05:00Z", "2026-11-23T14:05:00.123Z"], [ISO_Z]),
        (["2026-11-23T14:05:00+01:00", "2026-11-23T14:05:00-0500"], [ISO_Z]),
        (["2026-11-23 14:05:00+01:00", "2026-11-23 14:05:00Z"], [ISO_SPACE_OFFSET]),
        (["2026-11-23T14:05+01:00"], [ISO_MINUTES_OFFSET]),
        (["2026-11-23T14:05:00", "2026-11-23T14:05:00.5"], [ISO_NAIVE]),
        (["2026-11-23 14:05:00"], [SPACE_NAIVE]),
        (["2026-11-23 14:05"], [SPACE_MINUTES]),
        (["2026-11-23T14:05"], [T_MINUTES]),
        (["23.11.2026 14:05", "01.02.2026 00:00"], [GERMAN_MINUTES]),
        (["23.11.2026 14:05:07"], [GERMAN_SECONDS]),
        (["Mon Nov 23 14:05:00 +0000 2026", "Tue Nov 24 09:00:00 +0000 2026"], [TWITTER]),
        (["2026-11-23"], [DATE]),
        (["23.11.2026"], [GERMAN_DATE]),
        (["1795442700", "1795446300"], ["epoch_s"]),
        (["1795442700.5"], ["epoch_s"]),
        (["1795442700000", "1795442700123"], ["epoch_ms"]),
    ],
)
def test_detects_one_format(values: list[str], expected: list[str]) -> None:
    assert patterns(values) == expected


def test_every_candidate_detects_its_own_example() -> None:
    for fmt in CANDIDATES:
        assert detect_formats([fmt.example]) == (fmt,), fmt.pattern


@pytest.mark.parametrize(
    "values",
    [
        [],
        ["", "   "],
        ["garbage", "yesterday", "n/a"],
        ["12345678"],  # 8 digits: too short for epoch seconds
        ["13.25.2026 14:05"],  # month 25
        ["2026-02-30 10:00"],  # 30 February
        ["23/13/2026 14:05"],  # neither day nor month can be 23 and 13
    ],
)
def test_garbage_detects_nothing(values: list[str]) -> None:
    assert detect_formats(values) == ()


def test_greedy_cover_takes_the_most_common_format_first() -> None:
    values = [
        "23.11.2026 14:05",
        "23.11.2026 14:06",
        "23.11.2026 14:07",
        "2026-11-23T14:05:00Z",
        "2026-11-23T15:05:00Z",
        "1795442700",
        "junk",
    ]
    assert patterns(values) == [GERMAN_MINUTES, ISO_Z, "epoch_s"]


def test_greedy_cover_ties_go_to_the_earlier_candidate() -> None:
    # one value each: aware ISO comes before naive ISO in CANDIDATES
    assert patterns(["2026-11-23T14:05:00", "2026-11-23T14:05:00Z"]) == [ISO_Z, ISO_NAIVE]
    # the seconds format wins the tie against the minutes format it precedes
    assert patterns(["2026-11-23 14:05", "2026-11-23 14:05:00"]) == [SPACE_NAIVE, SPACE_MINUTES]
    assert patterns(["2026-11-23", "2026-11-24 10:00"]) == [SPACE_MINUTES, DATE]


def test_detection_strips_values() -> None:
    assert patterns(["  2026-11-23T14:05:00Z  "]) == [ISO_Z]


def test_detection_skips_values_that_do_not_exist_in_the_zone() -> None:
    # 02:30 on the last Sunday of March does not exist in Berlin: counted as unparsed.
    assert patterns(["2026-03-29 02:30"], "Europe/Berlin") == []
    assert patterns(["2026-03-29 02:30", "2026-03-29 03:30"], "Europe/Berlin") == [SPACE_MINUTES]


# --- parse_expr -------------------------------------------------------------------------------


def parse(values: list[str | None], timezone: str = "UTC") -> pl.DataFrame:
    formats = detect_formats([v for v in values if v], timezone)
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    return frame.select(parse_expr(pl.col("raw"), formats, timezone).alias("ts"))


def expected(values: list[datetime | None]) -> pl.DataFrame:
    return pl.DataFrame({"ts": values}, schema={"ts": UTC_DTYPE})


def test_parse_iso_with_z_and_offsets_to_utc() -> None:
    got = parse(
        [
            "2026-11-23T14:05:00Z",
            "2026-11-23T14:05:00.123456Z",
            "2026-11-23T14:05:00+01:00",
            "2026-11-23T14:05:00-05:30",
            "nope",
            None,
        ]
    )
    assert_frame_equal(
        got,
        expected(
            [
                utc(2026, 11, 23, 14, 5),
                utc(2026, 11, 23, 14, 5, 0, 123456),
                utc(2026, 11, 23, 13, 5),
                utc(2026, 11, 23, 19, 35),
                None,
                None,
            ]
        ),
    )


def test_parse_naive_values_in_utc() -> None:
    got = parse(["2026-11-23 14:05:00", "2026-11-23 14:05:00.250"])
    assert_frame_equal(
        got, expected([utc(2026, 11, 23, 14, 5), utc(2026, 11, 23, 14, 5, 0, 250000)])
    )


def test_parse_naive_values_in_europe_berlin_across_dst() -> None:
    got = parse(
        [
            "2026-01-15 12:00",  # winter, CET = UTC+1
            "2026-07-15 12:00",  # summer, CEST = UTC+2
            "2026-03-29 01:59",  # last minute before the spring gap (CET)
            "2026-03-29 02:30",  # inside the gap: does not exist
            "2026-03-29 03:00",  # first minute after the gap (CEST)
            "2026-10-25 01:30",  # before the autumn fold (CEST)
            "2026-10-25 02:30",  # inside the fold: the earlier (CEST) reading
            "2026-10-25 03:00",  # after the fold (CET)
        ],
        timezone="Europe/Berlin",
    )
    assert_frame_equal(
        got,
        expected(
            [
                utc(2026, 1, 15, 11, 0),
                utc(2026, 7, 15, 10, 0),
                utc(2026, 3, 29, 0, 59),
                None,
                utc(2026, 3, 29, 1, 0),
                utc(2026, 10, 24, 23, 30),
                utc(2026, 10, 25, 0, 30),
                utc(2026, 10, 25, 2, 0),
            ]
        ),
    )


def test_aware_values_ignore_the_assumed_zone() -> None:
    got = parse(["2026-07-15T12:00:00Z", "2026-07-15T12:00:00+02:00"], timezone="Europe/Berlin")
    assert_frame_equal(got, expected([utc(2026, 7, 15, 12, 0), utc(2026, 7, 15, 10, 0)]))


def test_parse_german_dates_in_berlin() -> None:
    got = parse(["23.11.2026 14:05", "23.11.2026 14:05:07"], timezone="Europe/Berlin")
    assert_frame_equal(got, expected([utc(2026, 11, 23, 13, 5), utc(2026, 11, 23, 13, 5, 7)]))


def test_parse_twitter_v1() -> None:
    got = parse(["Mon Nov 23 14:05:00 +0000 2026", "Mon Nov 23 14:05:00 +0100 2026"])
    assert_frame_equal(got, expected([utc(2026, 11, 23, 14, 5), utc(2026, 11, 23, 13, 5)]))


def test_parse_epoch_seconds_and_milliseconds() -> None:
    got = parse(["1795442700", "1795442700000", "1795442700.5", "1795442700123", "17954427"])
    assert_frame_equal(
        got,
        expected(
            [
                utc(2026, 11, 23, 14, 5),
                utc(2026, 11, 23, 14, 5),
                utc(2026, 11, 23, 14, 5, 0, 500000),
                utc(2026, 11, 23, 14, 5, 0, 123000),
                None,
            ]
        ),
    )


def test_parse_mixed_column_uses_every_detected_format() -> None:
    got = parse(["23.11.2026 14:05", "2026-11-23T15:05:00Z", "1795442700", "junk"])
    assert_frame_equal(
        got,
        expected(
            [utc(2026, 11, 23, 14, 5), utc(2026, 11, 23, 15, 5), utc(2026, 11, 23, 14, 5), None]
        ),
    )


def test_parse_date_only() -> None:
    assert_frame_equal(parse(["2026-11-23"]), expected([utc(2026, 11, 23)]))
    assert_frame_equal(parse(["23.11.2026"], "Europe/Berlin"), expected([utc(2026, 11, 22, 23)]))


def test_parse_without_formats_is_all_null() -> None:
    frame = pl.DataFrame({"raw": ["2026-11-23T14:05:00Z", "x"]})
    got = frame.with_columns(parse_expr(pl.col("raw"), ()).alias("ts")).select("ts")
    assert_frame_equal(got, expected([None, None]))


# --- parse_moment -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "timezone", "moment"),
    [
        ("2026-11-23T14:05:00Z", "UTC", utc(2026, 11, 23, 14, 5)),
        ("2026-11-23T14:05:00Z", "Europe/Berlin", utc(2026, 11, 23, 14, 5)),
        ("2026-11-23T14:05+01:00", "UTC", utc(2026, 11, 23, 13, 5)),
        ("2026-11-23 14:05", "UTC", utc(2026, 11, 23, 14, 5)),
        ("2026-11-23 14:05", "Europe/Berlin", utc(2026, 11, 23, 13, 5)),
        ("2026-07-01 00:00", "Europe/Berlin", utc(2026, 6, 30, 22, 0)),
        ("23.11.2026 14:05", "UTC", utc(2026, 11, 23, 14, 5)),
        ("2026-11-23", "UTC", utc(2026, 11, 23)),
        ("1795442700", "Europe/Berlin", utc(2026, 11, 23, 14, 5)),
        ("  2026-11-23T14:05:00Z ", "UTC", utc(2026, 11, 23, 14, 5)),
    ],
)
def test_parse_moment(text: str, timezone: str, moment: datetime) -> None:
    got = parse_moment(text, timezone)
    assert got == moment
    assert got.tzinfo is UTC


@pytest.mark.parametrize("text", ["tomorrow", "", "2026-13-01"])
def test_parse_moment_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="is not a timestamp") as info:
        parse_moment(text)
    assert str(info.value) == (
        f"{text!r} is not a timestamp; expected e.g. 2026-11-23T14:05:00Z or 2026-11-23 14:05"
    )


def test_parse_moment_in_the_spring_gap() -> None:
    with pytest.raises(ValueError, match="does not exist") as info:
        parse_moment("2026-03-29 02:30", "Europe/Berlin")
    assert str(info.value) == "'2026-03-29 02:30' does not exist in timezone Europe/Berlin"


# --- check_timezone ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["UTC", "Europe/Berlin", "America/New_York"])
def test_check_timezone_accepts_iana_names(name: str) -> None:
    assert check_timezone(name) == name


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "CEST+2"])
def test_check_timezone_rejects_unknown_names(name: str) -> None:
    with pytest.raises(ConfigError) as info:
        check_timezone(name)
    assert str(info.value) == f"unknown timezone {name!r}"
    assert info.value.hint == "use an IANA name such as UTC or Europe/Berlin"


def test_meltwater_dates() -> None:
    formats = detect_formats(["06-Feb-2026 03:03PM", "06-Feb-2026 11:59AM"])
    assert [f.pattern for f in formats] == ["%d-%b-%Y %I:%M%p"]
    assert_frame_equal(
        parse(["06-Feb-2026 03:03PM"]), expected([datetime(2026, 2, 6, 15, 3, tzinfo=UTC)])
    )


@pytest.mark.parametrize(
    ("values", "dayfirst", "expected"),
    [
        (["13/02/2026 10:00", "01/02/2026 10:00"], None, "%d/%m/%Y %H:%M"),  # 13 settles it
        (["02/13/2026 10:00", "01/02/2026 10:00"], None, "%m/%d/%Y %H:%M"),
        (["01/02/2026 10:00"], None, "%m/%d/%Y %H:%M"),  # a tie reads month-first
        (["01/02/2026 10:00"], True, "%d/%m/%Y %H:%M"),
        (["01/02/2026 10:00"], False, "%m/%d/%Y %H:%M"),
        (["11/23/2026 2:05 PM"], None, "%m/%d/%Y %I:%M %p"),
    ],
)
def test_slash_dates_and_dayfirst(values: list[str], dayfirst: bool | None, expected: str) -> None:
    assert detect_formats(values, dayfirst=dayfirst)[0].pattern == expected


def test_dayfirst_excludes_the_other_reading() -> None:
    assert detect_formats(["02/13/2026 10:00"], dayfirst=True) == ()


def test_implausible_years_do_not_parse() -> None:
    got = parse(["2026-11-23", "-3-3-3", "1970-01-01", "2300-01-01"])
    assert got["ts"].to_list() == [datetime(2026, 11, 23, tzinfo=UTC), None, None, None]
