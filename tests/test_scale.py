"""The fast paths of a scan lose nothing: timestamps read by their fixed-width twin (the rest
by the general pattern, counted), the hot topics' rows read from only the horizon's run of
records (the whole input when the run is not one)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import stormwatch as sw
from conftest import HEADER, WriteCsv, storm_rows
from stormwatch.pipeline.passes import Scan, horizon_sources
from stormwatch.settings import Settings
from stormwatch.sources import ReadOptions, read_source
from stormwatch.sources.repair import needs_repair
from stormwatch.sources.schema import sentiment_exact, sentiment_marked
from stormwatch.sources.timestamps import TimestampFormat, parse_parts, twins, with_exact

ISO_Z = TimestampFormat("%Y-%m-%dT%H:%M:%S%.f%#z", True, "2026-11-23T14:05:00Z")
SPACE_NAIVE = TimestampFormat("%Y-%m-%d %H:%M:%S%.f", False, "2026-11-23 14:05:00")


def test_twins_spell_out_fractions_and_utc_offsets() -> None:
    assert twins(ISO_Z.pattern) == (
        "%Y-%m-%dT%H:%M:%SZ",
        "%Y-%m-%dT%H:%M:%S+00:00",
        "%Y-%m-%dT%H:%M:%S.%3fZ",
        "%Y-%m-%dT%H:%M:%S.%3f+00:00",
        "%Y-%m-%dT%H:%M:%S.%6fZ",
        "%Y-%m-%dT%H:%M:%S.%6f+00:00",
    )
    assert twins("%a %b %d %H:%M:%S %z %Y") == ("%a %b %d %H:%M:%S +0000 %Y",)
    assert twins("%d.%m.%Y %H:%M") == ()  # fixed-width already


def test_the_sample_picks_its_twin() -> None:
    millis = ["2026-11-23T14:05:00.123Z", "2026-11-23T15:05:00.000Z", "2026-11-23T16:05:00Z"]
    assert with_exact([ISO_Z], millis)[0].exact == "%Y-%m-%dT%H:%M:%S.%3fZ"
    plain = ["2026-11-23 14:05:00", "2026-11-23 14:06:00.5"]
    assert with_exact([SPACE_NAIVE], plain)[0].exact == "%Y-%m-%d %H:%M:%S"
    offsets = ["2026-11-23T14:05:00+01:00"]  # no UTC spelling: the general pattern only
    assert with_exact([ISO_Z], offsets)[0].exact is None
    german = TimestampFormat("%d.%m.%Y %H:%M", False, "23.11.2026 14:05")
    assert with_exact([german], ["23.11.2026 14:05"]) == (german,)


SPELLINGS = (
    "%Y-%m-%dT%H:%M:%S.%3fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%6fZ",
    "%Y-%m-%dT%H:%M:%S+00:00",
    "%Y-%m-%dT%H:%M:%S.%3f+01:00",
    "%Y-%m-%dT%H:%M:%S-05:30",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%3f",
    "%Y-%m-%dT%H:%M:%S.%1fZ",
)
moments = st.datetimes(datetime(1985, 1, 1), datetime(2210, 1, 1))
cells = st.one_of(
    st.tuples(moments, st.sampled_from(SPELLINGS)).map(lambda m: m[0].strftime(m[1])),
    st.text(alphabet="0123456789-:TZ.+ ", max_size=26),
    st.none(),
)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(cells, min_size=1, max_size=40),
    zone=st.sampled_from(["UTC", "Europe/Berlin"]),
)
def test_the_twin_and_the_fallback_read_what_the_general_pattern_reads(
    values: list[str | None], zone: str
) -> None:
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    raw = pl.col("raw")
    for general in (ISO_Z, SPACE_NAIVE):
        twin = next(t for t in twins(general.pattern) if ".%3f" in t)
        value, slow = parse_parts(raw, (replace(general, exact=twin),), zone)
        plain, never = parse_parts(raw, (general,), zone)
        by_twin = raw.str.strptime(pl.Datetime("us"), twin, strict=False).is_not_null()
        got = frame.select(
            value.alias("ts"), slow.alias("slow"), never.alias("never"), by_twin.alias("twin")
        )
        assert_frame_equal(got.select("ts"), frame.select(plain.alias("ts")))
        assert not got["never"].any()
        assert got["slow"].to_list() == [  # read, but not by the twin
            ts is not None and not fast
            for ts, fast in zip(got["ts"].to_list(), got["twin"].to_list(), strict=True)
        ]


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(cells, min_size=1, max_size=40),
    zone=st.sampled_from(["UTC", "Europe/Berlin"]),
    twin=st.booleans(),
)
def test_the_fast_path_alone_is_right_where_it_marks_nothing(
    values: list[str | None], zone: str, twin: bool
) -> None:
    """generous=False: a value is the generous one, or null and marked (read it again)."""
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    raw = pl.col("raw")
    fmt = replace(ISO_Z, exact="%Y-%m-%dT%H:%M:%S.%3fZ") if twin else ISO_Z
    formats = (fmt, SPACE_NAIVE)
    fast, marked = parse_parts(raw, formats, zone, generous=False)
    generous, _ = parse_parts(raw, formats, zone)
    got = frame.select(fast.alias("fast"), marked.alias("marked"), generous.alias("generous"))
    for value, mark, right, cell in zip(*got.to_dict().values(), values, strict=True):
        if mark:  # only a cell the fast path could not read
            assert cell is not None
            assert value is None
        else:
            assert value == right


def test_one_format_without_a_twin_is_the_fast_path_already() -> None:
    raw = pl.col("raw")
    frame = pl.DataFrame({"raw": ["23.11.2026 14:05", "garbage", None]})
    german = TimestampFormat("%d.%m.%Y %H:%M", False, "23.11.2026 14:05")
    value, marked = parse_parts(raw, (german,), "UTC", generous=False)
    got = frame.select(value.alias("v"), marked.alias("m"))
    assert got["v"].to_list() == [datetime(2026, 11, 23, 14, 5, tzinfo=UTC), None, None]
    assert got["m"].to_list() == [False, False, False]  # nothing to read again


def test_a_scan_reads_generously_only_when_the_fast_path_missed_a_row(
    write_csv: WriteCsv,
) -> None:
    clean, _ = _scan(write_csv(_rows(None), name="clean.csv"))
    clean.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    assert not clean.generous
    mixed, _ = _scan(write_csv(_rows("%Y-%m-%d %H:%M:%S+00:00"), name="mixed.csv"))
    found = mixed.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    assert mixed.generous
    assert found.slow == len(range(1, len(storm_rows()), 3))


SENTIMENT_CELLS = st.one_of(
    st.sampled_from(["negative", "Positive", "NEUTRAL", "-3", "'2", "Not Rated", "unknown", "N/A"]),
    st.sampled_from([" Negative ", "-0,5", "0.35", "Negativ", "so-so", ""]),
    st.text(max_size=8),
    st.none(),
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(SENTIMENT_CELLS, min_size=1, max_size=40))
def test_exact_sentiment_spellings_read_as_the_generous_lookup_reads_them(
    values: list[str | None],
) -> None:
    """The fast path's label is the generous one wherever it does not mark the cell."""
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    label, missed = sentiment_exact(pl.col("raw"))
    got = frame.select(
        label.alias("fast"), missed.alias("missed"), sentiment_marked(pl.col("raw")).alias("all")
    )
    for fast, mark, right, cell in zip(*got.to_dict().values(), values, strict=True):
        if mark:
            assert cell is not None
        else:
            assert fast == right


def test_a_sentiment_spelling_the_fast_path_misses_is_read_generously(
    write_csv: WriteCsv,
) -> None:
    rows = _rows(None)
    plain, _ = _scan(write_csv(rows, name="plain.csv"))
    plain.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    rows[3][5] = "Not Rated"  # an exact way of saying none: still the fast path
    unrated, _ = _scan(write_csv(rows, name="unrated.csv"))
    unrated.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    rows[4][5] = " Negative "  # padded: only the generous lookup reads it
    padded, _ = _scan(write_csv(rows, name="padded.csv"))
    found = padded.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    assert (plain.generous, unrated.generous, padded.generous) == (False, False, True)
    assert found.slow == 0  # no timestamp needed the general pattern


def test_an_unreadable_timestamp_does_not_send_the_scan_to_the_generous_reading(
    write_csv: WriteCsv,
) -> None:
    """The fast path marks it; read generously it is unreadable too, so the fast pass stands
    (one look at the marked rows, not a second pass over everything)."""
    rows = _rows(None)
    rows[7][0] = "not a date"
    scan, _ = _scan(write_csv(rows, name="bad.csv"))
    found = scan.pass_at(datetime(2026, 11, 24, tzinfo=UTC))
    assert (scan.generous, found.slow) == (False, 0)
    report = sw.analyse([write_csv(rows, name="bad2.csv")])
    assert (report.input.rows_rejected, report.input.rejects[0].reason) == (1, "bad timestamp")
    assert report.input.rejects[0].example == "not a date"


def test_the_examples_of_problems_are_read_from_their_records_alone(
    write_csv: WriteCsv,
) -> None:
    rows = _rows(None)
    rows[40][0], rows[90][3] = "not a date", -5
    path = write_csv(rows, name="bad.csv")
    scan, _ = _scan(path)
    end = datetime(2026, 11, 24, tzinfo=UTC)
    found = scan.pass_at(end)
    picked = scan.rows_at(end, found, [92, 42])
    assert picked is not None
    got = picked.select("_line", "_reject", "_raw_ts", "followers").collect()
    assert got.rows() == [
        (42, "bad timestamp", "not a date", rows[40][3]),
        (92, "negative follower count", rows[90][0], -5),
    ]
    inp = sw.analyse([path]).input
    assert [(r.reason, r.first_line, r.example) for r in inp.rejects] == [
        ("bad timestamp", 42, "not a date"),
        ("negative follower count", 92, "-5"),
    ]


def _rows(spelling: str | None) -> list[list[object]]:
    """storm_rows with their timestamps written the usual way (``.mmmZ``), or every third
    one in ``spelling`` (the same instant)."""
    rows = storm_rows()
    for i, row in enumerate(rows):
        at = datetime.strptime(str(row[0]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        written = at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if spelling is not None and i % 3 == 1:
            written = at.astimezone(UTC).strftime(spelling)
        row[0] = written
    return rows


def test_rows_in_another_spelling_are_all_read_and_counted(write_csv: WriteCsv) -> None:
    uniform = sw.analyse([write_csv(_rows(None), name="uniform.csv")])
    path = write_csv(_rows("%Y-%m-%d %H:%M:%S+00:00"), name="mixed.csv")
    mixed = sw.analyse([path])
    n = len(storm_rows())
    assert (mixed.input.rows_read, mixed.input.rows_used, mixed.input.rows_rejected) == (n, n, 0)
    assert mixed.topics == uniform.topics
    assert mixed.input.notes == (
        f"{path}: {len(range(1, n, 3))} timestamps not written as %Y-%m-%dT%H:%M:%S.%3fZ (as "
        "the first rows are) were read with the general pattern (slower), none lost",
    )
    assert uniform.input.notes == ()


def test_a_bad_timestamp_among_other_spellings_is_rejected_not_lost(write_csv: WriteCsv) -> None:
    rows = _rows("%Y-%m-%dT%H:%M:%SZ")
    rows[5][0] = "2026-13-45T99:00:00.000Z"
    report = sw.analyse([write_csv(rows)])
    inp = report.input
    assert inp.rows_read == inp.rows_used + inp.rows_rejected + inp.rows_duplicate
    assert (inp.rows_rejected, inp.rejects[0].reason) == (1, "bad timestamp")
    assert inp.rejects[0].example == "2026-13-45T99:00:00.000Z"


def _scan(path: Path) -> tuple[Scan, list[sw.Source]]:
    settings_ = Settings()
    sources = [read_source(path, ReadOptions(by="brand"))]
    return Scan(sources, settings_, ReadOptions(by="brand"), None, ()), sources


def test_hot_rows_come_from_the_horizon_run_only(write_csv: WriteCsv) -> None:
    path = write_csv(storm_rows(hours=400))  # 400 h: the horizon is the last 169
    scan, sources = _scan(path)
    end = sources[0].latest
    assert end is not None
    found = scan.pass_at(end)
    cut = horizon_sources(sources, found.lines, ["acme"], 168)
    total = sources[0].frame.select(pl.len()).collect().item()
    assert cut[0].frame.select(pl.len()).collect().item() < total * 0.5
    whole = scan._hot_rows(scan.scored_at(end), end, ["acme"])
    assert whole.height == 2 * 167 + 2 * 30
    assert_frame_equal(scan._hot_rows(scan.scored_at(end, cut), end, ["acme"]), whole)
    assert_frame_equal(scan.hot_rows(end, found, ["acme"]), whole)


def test_rows_dropped_before_the_scan_fall_back_to_the_whole_input(write_csv: WriteCsv) -> None:
    path = write_csv(storm_rows(hours=400))
    scan, sources = _scan(path)
    # as blank XLSX rows: records gone before the scan, so record lines and positions differ
    thinned = replace(sources[0], frame=sources[0].frame.filter(pl.col("_line") % 7 != 3))
    scan = replace(scan, sources=[thinned])
    end = thinned.latest
    assert end is not None
    found = scan.pass_at(end)
    whole = scan._hot_rows(scan.scored_at(end), end, ["acme"])
    cut = horizon_sources([thinned], found.lines, ["acme"], 168)
    assert scan._hot_rows(scan.scored_at(end, cut), end, ["acme"]).height < whole.height
    assert_frame_equal(scan.hot_rows(end, found, ["acme"]), whole)


def test_examples_of_problems_in_an_unsorted_file(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    random.Random(3).shuffle(rows)
    rows[10][3] = -5  # negative followers
    rows[20][3] = "lots"  # unreadable followers: the row is used
    report = sw.analyse([write_csv(rows, header=HEADER)])
    (reject,) = report.input.rejects
    (unread,) = report.input.unreadable
    assert (reject.reason, reject.count, reject.first_line, reject.example) == (
        "negative follower count",
        1,
        12,
        "-5",
    )
    assert (unread.reason, unread.count, unread.first_line, unread.example) == (
        "unreadable follower count",
        1,
        22,
        "lots",
    )


def test_the_damaged_csv_check_sees_every_block(tmp_path: Path) -> None:
    block = 1 << 22  # needs_repair's block
    path = tmp_path / "big.csv"
    body = b"a" * (block - 1) + b'"' + b"b" * 10 + b'"' + b"c" * block  # a pair across blocks
    path.write_bytes(body)
    assert not needs_repair(path)
    path.write_bytes(body + b'"')  # one more, in the third block: odd
    assert needs_repair(path)
    path.write_bytes(body + b"\x00")  # a NUL, last byte
    assert needs_repair(path)
    path.write_bytes(b"")
    assert not needs_repair(path)


def test_examples_after_a_dropped_blank_row_are_found_all_the_same(tmp_path: Path) -> None:
    """A blank sheet row is dropped before the scan, so a record is not where its line says:
    the examples are then read from everything, and stay right."""
    import xlsxwriter

    path = tmp_path / "gap.xlsx"
    rows = _rows(None)
    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet("Mentions")
        sheet.write_row(0, 0, HEADER)
        for i, row in enumerate(rows[:30]):
            sheet.write_row(i + 1 + (i >= 10), 0, row)  # sheet row 12 stays blank
        sheet.write(21, 0, "not a date")  # the 20th mention, on sheet row 22
    inp = sw.analyse([path]).input
    assert [(r.reason, r.first_line, r.example) for r in inp.rejects] == [
        ("bad timestamp", 22, "not a date"),
    ]
