"""interpret(): volume series, the errors that say how to fix a file, the newest-mention guess
for computed timestamps, and how presets meet --by."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import stormwatch as sw
from conftest import ROOT
from stormwatch.errors import InputError, SchemaError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import ReadOptions, read_source
from stormwatch.sources.interpret import interpret
from stormwatch.sources.presets import PRESETS
from stormwatch.sources.table import RawTable

EXPORTS = ROOT / "tests" / "data" / "exports"
NAB = Path("/work/shared/bench/nab-dev")  # Numenta Anomaly Benchmark tweet volumes (MIT)
PRESET_LIST = ", ".join(PRESETS)


def table(
    header: tuple[str, ...], rows: list[tuple[Any, ...]], tail: dict[str, list[str]] | None = None
) -> RawTable:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row")
    tails = tail or {}
    return RawTable(
        "export.csv",
        header,
        frame.with_row_index("_row").lazy(),
        tail=lambda column: tails.get(column, []),
    )


# --- volume series -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value"),
    [
        (("timestamp", "value"), "104"),
        (("Date", "Mentions"), "7"),
        (("Datum", "Anzahl"), "1.204"),
        (("date", "volume"), "0"),
        (("time", "count"), "'12"),
        (("column_1", "timestamp", "value"), "3"),  # an unnamed index column is ignored
    ],
)
def test_timestamp_plus_one_number_is_a_volume_series(header: tuple[str, ...], value: str) -> None:
    cells = ["2026-02-06 15:00", value] if len(header) == 2 else ["0", "2026-02-06 15:00", value]
    source = interpret(table(header, [tuple(cells)]))
    assert source.kind == "series"
    assert source.columns == {"timestamp": header[-2], "count": header[-1]}
    assert source.notes == (
        f"export.csv: a mention-volume series ({header[-1]} per {header[-2]}): "
        "only volume signals can be scored",
    )


def test_a_series_may_have_a_topic_column() -> None:
    source = interpret(table(("Datum", "Marke", "Anzahl"), [("06.02.2026", "Acme", "12")]))
    assert (source.kind, source.columns["count"], source.topic_column) == (
        "series",
        "Anzahl",
        "Marke",
    )


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        (("timestamp", "author"), ("2026-02-06", "12")),  # an alias: a mention with an author
        (("timestamp", "sentiment"), ("2026-02-06", "1")),
        (("timestamp", "id"), ("2026-02-06", "1887")),
        (("timestamp", "value"), ("2026-02-06", "-3")),  # negative: not a count
        (("timestamp", "value"), ("2026-02-06", "many")),
        (("timestamp", "a", "b"), ("2026-02-06", "1", "2")),  # two numbers: which one?
    ],
)
def test_not_a_series(header: tuple[str, ...], cells: tuple[str, ...]) -> None:
    source = interpret(table(header, [cells]))
    assert source.kind == "mentions"
    assert "count" not in source.columns


def test_the_series_fixture_weights_each_row_by_its_count() -> None:
    source = read_source(EXPORTS / "volume-series.csv")
    assert source.kind == "series"
    frame = normalise(source).collect()
    assert frame.select("topic", "count").rows() == [
        ("Acme", 12),
        ("Globex", 3),
        ("Acme", 9),
        ("Globex", 0),
    ]
    report = sw.analyse([source], sw.Settings(window=timedelta(hours=1)))
    assert {t.topic: t.mentions for t in report.topics} == {"Acme": 9, "Globex": 0}
    assert "influence" not in report.signals_available


def _nab_rows(path: Path) -> list[tuple[datetime, int]]:
    with path.open(newline="") as fh:
        return [
            (datetime.fromisoformat(r["timestamp"]).replace(tzinfo=UTC), int(r["value"]))
            for r in csv.DictReader(fh)
        ]


@pytest.mark.skipif(not NAB.is_dir(), reason="the NAB files are not on this machine")
def test_nab_tweet_volume_end_to_end() -> None:
    path = NAB / "Twitter_volume_AAPL.csv"
    data = _nab_rows(path)
    settings = sw.Settings(window=timedelta(minutes=30), baseline=timedelta(days=2))
    # A labelled anomaly of the benchmark (labels.json): a storm on volume alone.
    at = datetime(2015, 3, 3, 21, 7, 53, tzinfo=UTC)
    report = sw.analyse([path], settings, now=at)
    assert report.signals_available == ("velocity",)
    assert report.input.rows_read == len(data)
    assert any("mention-volume series" in note for note in report.input.notes)
    [topic] = report.topics
    in_window = sum(v for t, v in data if at - timedelta(minutes=30) < t <= at)
    assert (topic.topic, topic.mentions) == ("all", in_window)
    assert topic.level == "storm"
    quiet = sw.analyse([path], settings, now=datetime(2015, 3, 1, 12, 2, 53, tzinfo=UTC))
    assert quiet.topics[0].level == "calm"


# --- errors that say how to fix the file -------------------------------------------------------


def test_no_timestamp_column_suggests_columns_by_their_values_first() -> None:
    header = ("Wann", "Erstellt von", "Text")
    with pytest.raises(SchemaError) as info:
        interpret(table(header, [("23.11.2026 14:05", "anna", "x")]))
    assert info.value.hint == (
        "is 'Wann' the time of each mention? Rename that column to 'timestamp'; or map it: "
        'pass --mapping FILE, a TOML file with the line timestamp = "Wann"; '
        "other candidates: 'Erstellt von'; "
        f"known export formats (--preset): {PRESET_LIST}"
    )


def test_epoch_like_numbers_are_not_suggested_as_timestamps() -> None:
    header = ("post", "views")
    with pytest.raises(SchemaError) as info:
        interpret(table(header, [("1795442700000", "1795442700")]))
    assert info.value.hint == (
        "the export needs a date/time column per mention, e.g. 'timestamp' or 'date'; "
        "or map it: pass --mapping FILE, a TOML file with the line "
        'timestamp = "the column with the date and time"; '
        f"known export formats (--preset): {PRESET_LIST}"
    )


def test_a_preset_without_its_timestamp_column_says_what_it_reads() -> None:
    header = ("Datum", "Hrs", "ID", "Content")
    with pytest.raises(SchemaError) as info:
        interpret(table(header, [("2026-02-06", "15:03", "1", "x")]), ReadOptions(preset="brand24"))
    assert str(info.value) == (
        "export.csv, line 1: no timestamp column found; "
        "the file has: 'Datum', 'Hrs', 'ID', 'Content'"
    )
    assert info.value.hint == (
        "the brand24 preset reads the time from Date + Hrs, which the file lacks; "
        'or map it: pass --mapping FILE, a TOML file with the line timestamp = "Datum"'
    )


def test_unreadable_timestamps_suggest_a_timestamp_format() -> None:
    with pytest.raises(InputError) as info:
        interpret(table(("Date", "author"), [("yesterday", "a")]))
    assert (
        str(info.value)
        == "export.csv, line 2, column 'Date': cannot read 'yesterday' as a timestamp"
    )
    assert info.value.hint is not None
    assert info.value.hint.endswith(
        "; or give the format with --mapping FILE, a TOML file with the line "
        'timestamp_format = "%d/%m/%Y %H:%M" (a strptime pattern)'
    )


def test_unreadable_computed_timestamps_name_their_columns() -> None:
    header = ("", "ID", "Date", "Hrs")
    with pytest.raises(InputError) as info:
        interpret(table(header, [(None, "1", "soon", "later")]))
    assert str(info.value) == (
        "export.csv, line 2, column 'Date + Hrs': cannot read 'soon later' as a timestamp"
    )


# --- the newest-mention guess, --by and presets --------------------------------------------------


def test_the_newest_guess_uses_the_tail_of_computed_timestamps() -> None:
    header = ("ID", "Date", "Hrs")
    rows = [("1", "2026-02-06", "15:03"), ("2", "2026-02-06", "16:00")]
    tail = {"Date": ["2026-02-07", "2026-02-08"], "Hrs": ["09:00", "10:30"]}
    source = interpret(table(header, rows, tail))
    assert source.latest == datetime(2026, 2, 8, 10, 30, tzinfo=UTC)
    uneven = interpret(table(header, rows, {"Date": ["2026-02-09"], "Hrs": []}))
    assert uneven.latest == datetime(2026, 2, 6, 16, 0, tzinfo=UTC)


def test_padded_computed_timestamps_are_stripped() -> None:
    header = ("Date", "Hit Sentence", "Opening Text")
    source = interpret(table(header, [(" 06-Feb-2026 03:03PM ", "x", None)]))
    assert normalise(source).collect()["timestamp"].to_list() == [
        datetime(2026, 2, 6, 15, 3, tzinfo=UTC)
    ]


def test_by_a_canonical_name_groups_by_a_preset_s_computed_column() -> None:
    header = ("id", "created_at", "author.username", "public_metrics.like_count", "lang")
    rows = [("1", "2026-02-06T15:03:00.000Z", "alice", "3", "de")]
    source = interpret(table(header, rows), ReadOptions(by="platform"))
    assert source.topic_column == "= twitter"
    assert normalise(source).collect()["topic"].to_list() == ["twitter"]
    by_header = interpret(table(header, rows), ReadOptions(by="lang"))
    assert by_header.topic_column == "lang"


def test_by_an_unknown_column_lists_the_columns() -> None:
    with pytest.raises(InputError) as info:
        interpret(table(("timestamp", "author"), [("2026-02-06", "a")]), ReadOptions(by="brand"))
    assert str(info.value) == (
        "export.csv, line 1: no column 'brand' to group by; the file has: 'timestamp', 'author'"
    )
