"""Presets: recognised by their header, and the exact canonical rows each vendor export gives,
both from an in-memory RawTable (the mapping alone) and from the fixture file written in the
vendor's real encoding and layout (tests/data/exports, made by make_fixtures.py)."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest

from conftest import ROOT
from stormwatch.errors import ConfigError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import ReadOptions, read_sources
from stormwatch.sources.interpret import interpret
from stormwatch.sources.presets import (
    PRESETS,
    describe_all,
    detect_preset,
    get_preset,
    preset_names,
)
from stormwatch.sources.presets.rules import (
    Col,
    Const,
    First,
    Header,
    Join,
    Numbers,
    Template,
    Unless,
    tz_abbreviation_to_offset,
)
from stormwatch.sources.schema import CANONICAL
from stormwatch.sources.table import RawTable

EXPORTS = ROOT / "tests" / "data" / "exports"


def _load_fixtures() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", EXPORTS / "make_fixtures.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_fixtures"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


FX = _load_fixtures()


def raw_table(header: tuple[str, ...], rows: list[tuple[Any, ...]], name: str = "t") -> RawTable:
    """A RawTable as a container reader makes it: String cells, empty header cells named
    ``column_<n>``, numbers as text."""
    names = tuple(h or f"column_{i}" for i, h in enumerate(header, start=1))
    cells = [[None if c is None else str(c) for c in row] for row in rows]
    frame = pl.DataFrame(cells, schema=dict.fromkeys(names, pl.String), orient="row")
    return RawTable(name, names, frame.with_row_index("_row").lazy())


def fixture_table(key: str) -> RawTable:
    fixture = FX.FIXTURES[key]
    return raw_table(fixture.header, list(fixture.rows), name=fixture.file)


def rows(source: Any) -> list[dict[str, Any]]:
    frame = normalise(source, estimator=None).collect()
    assert frame["_reject"].null_count() == frame.height, frame.filter(
        pl.col("_reject").is_not_null()
    )
    return frame.select(*CANONICAL).to_dicts()


def m(at: str, **fields: Any) -> dict[str, Any]:
    """An expected canonical row: ``at`` in UTC, topic ``all`` and count 1 unless given."""
    row: dict[str, Any] = dict.fromkeys(CANONICAL)
    row.update(timestamp=datetime.fromisoformat(at).replace(tzinfo=UTC), topic="all", count=1)
    row.update(fields)
    return row


# fmt: off
TW_URL = "https://twitter.com/{}/status/{}"
EXPECTED: dict[str, list[dict[str, Any]]] = {
    "brandwatch": [
        m("2026-02-06 15:03", topic="Acme Fridge", author="alice_k", followers=1200, text="Door won't close, third time this week", sentiment="negative", engagement=4, url=TW_URL.format("alice_k", 1887), platform="twitter", language="en", id="1887"),  # noqa: E501
        m("2026-02-06 15:10:12.345", topic="Acme Fridge", author="Redaktion", text="Acme ruft Kühlschränke zurück", sentiment="neutral", engagement=15, url="https://news.example/acme-recall", platform="news", language="de", id="1888"),  # noqa: E501
        m("2026-02-06 16:00", topic="Globex", author="bob.b", followers=5400, text="Love the new model", sentiment="positive", engagement=22, url="https://www.instagram.com/p/xyz", platform="instagram", language="en", id="1889"),  # noqa: E501
    ],
    "meltwater": [
        m("2026-02-06 15:03", topic="Acme", author="@farmaextrado", followers=5400, text="Esta nevera no cierra #acme", sentiment="negative", engagement=12, url=TW_URL.format("farmaextrado", 1887), platform="twitter", language="es", id="mw-1"),  # noqa: E501
        m("2026-02-06 11:45", topic="Acme", text="Acme is recalling 10,000 fridges.", url="https://news.example/acme", platform="news example", language="en", id="mw-2"),  # noqa: E501
        m("2026-02-07 09:15", topic="Globex", author="@contento", followers=80, text="Mi Acme funciona bien", sentiment="positive", engagement=0, url=TW_URL.format("contento", 1890), platform="twitter", language="es", id="mw-3"),  # noqa: E501
    ],
    "talkwalker": [
        m("2026-02-06 15:03", author="alice_k", followers=1500, text="Fridge door broken again", sentiment="negative", engagement=12, url=TW_URL.format("alice_k", 1887), platform="socialmedia", language="en"),  # noqa: E501
        m("2026-02-06 16:03", author="News Example", text="Acme recalls fridges after complaints", sentiment="neutral", engagement=3, url="https://news.example/acme", platform="onlinenews", language="de"),  # noqa: E501
        m("2026-02-06 17:03", author="bob_b", followers=250, text="Best fridge ever", sentiment="positive", engagement=0, url=TW_URL.format("bob_b", 1900), platform="socialmedia", language="en"),  # noqa: E501
    ],
    "brand24": [
        m("2026-02-06 15:03", author="forum.example", text="The door of my Acme fridge won't close", sentiment="negative", url="https://forum.example/t/123", platform="forum", id="90001"),  # noqa: E501
        m("2026-02-06 15:45", author="news.example", text="Acme recall", sentiment="neutral", url="https://news.example/acme", platform="news", id="90002"),  # noqa: E501
        m("2026-02-07 09:15:30", author="facebook.com", text="Great fridge", sentiment="positive", url="https://facebook.com/p/1", platform="facebook", id="90003"),  # noqa: E501
    ],
    "sprinklr": [
        m("2026-02-06 15:03", author="alice_k", followers=1200, text="Door broken again @acme", sentiment="negative", url=TW_URL.format("alice_k", 1887), platform="twitter", id="TWITTER_1887"),  # noqa: E501
        m("2026-02-13 09:00", author="acme_news_fan", text="Acme recall in the news", sentiment="neutral", url="https://facebook.com/acme/posts/2", platform="facebook", id="FACEBOOK_2"),  # noqa: E501
        m("2026-02-07 08:30", author="bob.b", followers=300, text="Love it", sentiment="positive", url="https://instagram.com/p/3", platform="instagram", id="INSTAGRAM_3"),  # noqa: E501
    ],
    "youscan": [
        m("2026-02-06 15:03", topic="Acme", author="@farmaextrado", text="La puerta de mi nevera Acme no cierra", sentiment="negative", engagement=12, url=TW_URL.format("farmaextrado", 1887), platform="twitter.com"),  # noqa: E501
        m("2026-02-13 09:00", topic="Acme", author="El Diario", text="Acme retira neveras", sentiment="neutral", engagement=0, url="https://eldiario.es/acme", platform="eldiario.es"),  # noqa: E501
        m("2026-02-07 08:30", topic="Globex", author="@contento", text="Me encanta", sentiment="positive", url="https://instagram.com/p/4", platform="instagram.com"),  # noqa: E501
    ],
    "twarc2": [
        m("2026-02-06 15:03", author="alice_k", followers=1200, text="My @acme fridge door won't close.\\nThird time!", engagement=43, url=TW_URL.format("alice_k", "1887000000000000001"), platform="twitter", language="en", id="1887000000000000001"),  # noqa: E501
        # The retweet repeats the original's metrics: no engagement of its own.
        m("2026-02-06 15:10", author="bob_b", followers=85, text="My @acme fridge door won't close.\\nThird time!", url=TW_URL.format("bob_b", "1887000000000000002"), platform="twitter", language="en", id="1887000000000000002"),  # noqa: E501
        m("2026-02-06 16:00", author="acme_support", followers=50000, text="@alice_k Sorry to hear that! DM us.", engagement=3, url=TW_URL.format("acme_support", "1887000000000000003"), platform="twitter", language="en", id="1887000000000000003"),  # noqa: E501
    ],
    "snscrape": [
        m("2023-01-01 12:00", author="alice_k", followers=1200, text="Fridge broke on New Year's Day", engagement=43, url=TW_URL.format("alice_k", 1609), platform="twitter", language="en", id="1609000000000000001"),  # noqa: E501
        m("2023-01-01 13:30", author="acme_support", followers=50000, text="@alice_k We're on it", engagement=4, url=TW_URL.format("acme_support", 1610), platform="twitter", language="en", id="1609000000000000002"),  # noqa: E501
    ],
    "crowdtangle-facebook": [
        m("2024-01-05 15:00", author="acmede", followers=12000, text="We hear you: a fix for the fridge door is coming", engagement=1234, url="https://www.facebook.com/acmede/posts/1", platform="facebook"),  # noqa: E501
        m("2024-07-05 14:00", author="Kühlschrank-Freunde", followers=25000, text="Acme recalls fridges", engagement=87, url="https://www.facebook.com/kuehlschrank/posts/2", platform="facebook"),  # noqa: E501
        m("2024-01-05 15:00", author="acmefr", followers=950, text="Bonjour", engagement=0, url="https://www.facebook.com/acmefr/posts/3", platform="facebook"),  # noqa: E501
    ],
    "crowdtangle-instagram": [
        m("2024-01-05 15:00", author="acme", followers=250000, text="New fridge line", engagement=1280, url="https://www.instagram.com/p/abc/", platform="instagram"),  # noqa: E501
        m("2024-01-06 17:30", author="fridgefan", followers=3400, text="Unboxing", engagement=162, url="https://www.instagram.com/p/def/", platform="instagram"),  # noqa: E501
    ],
}
# fmt: on


# --- recognition ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_fixture_header_is_recognised(name: str) -> None:
    preset = detect_preset(FX.FIXTURES[name].header)
    assert preset is not None
    assert preset.name == name


@pytest.mark.parametrize(
    "header",
    [
        ("timestamp", "author", "text"),
        ("Date", "Author", "Full Text"),  # Brandwatch-like, but no Query/Resource/Thread Id
        ("Datum", "Autor", "Inhalt", "Stimmung"),
        ("Post Created", "Message"),
    ],
)
def test_other_headers_are_generic(header: tuple[str, ...]) -> None:
    assert detect_preset(header) is None


def test_the_most_specific_signature_wins() -> None:
    # Both Sprinklr (3 anchors) and YouScan's German signature (4) match: YouScan wins.
    header = ("Created Time", "Conversation Stream", "Permalink", "Datum", "Autor", "Quelle")
    assert detect_preset((*header, "Potenzielle Reichweite")) == PRESETS["youscan"]
    assert detect_preset(header) == PRESETS["sprinklr"]


def test_header_names_are_matched_normalised_and_by_prefix() -> None:
    header = Header(
        ["\ufeffAccount", "followers at posting", "POST-CREATED", "Overperforming Score (x)"]
    )
    assert header.find("Account") == "\ufeffAccount"
    assert header.find("Followers at Posting") == "followers at posting"
    assert header.find("Post Created") == "POST-CREATED"
    assert header.find("Overperforming Score*") == "Overperforming Score (x)"
    assert header.find("Overperforming Rank*") is None
    assert detect_preset(header.names) == PRESETS["crowdtangle-instagram"]


def test_get_preset_by_name_and_unknown_names() -> None:
    assert get_preset("Meltwater") == PRESETS["meltwater"]
    assert get_preset("crowdtangle_facebook") == PRESETS["crowdtangle-facebook"]
    assert get_preset("generic") is None
    with pytest.raises(ConfigError) as info:
        get_preset("hootsuite")
    assert str(info.value) == "--preset: unknown preset 'hootsuite'"
    assert info.value.hint == "known presets: " + ", ".join(preset_names())
    assert preset_names()[-1] == "generic"


def test_descriptions_are_json_and_name_every_preset() -> None:
    described = json.loads(json.dumps(describe_all()))
    assert [d["name"] for d in described] == preset_names()
    melt = described[1]
    assert melt["columns"]["timestamp"] == "Date | Alternate Date Format + Time"
    assert melt["timestamp_formats"] == ["%d-%b-%Y %I:%M%p", "%d-%b-%y %I:%M %p"]
    assert melt["recognised_by"] == [["Date", "Hit Sentence", "Opening Text"]]
    for item in described[:-1]:
        assert item["columns"]["timestamp"], item["name"]
        assert item["layout"], item["name"]
        assert item["notes"], item["name"]


def test_followers_never_come_from_reach() -> None:
    for preset in PRESETS.values():
        followers = preset.rules.get("followers")
        read = followers.columns() if followers else ()
        assert not any("reach" in c.lower() or "alcance" in c.lower() for c in read), preset.name


# --- each preset: exact canonical rows ----------------------------------------------------------


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_rows_from_a_raw_table(name: str) -> None:
    source = interpret(fixture_table(name))
    assert source.preset == name
    assert source.kind == "mentions"
    assert rows(source) == EXPECTED[name]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_preset_rows_from_the_fixture_file(name: str) -> None:
    path = EXPORTS / FX.FIXTURES[name].file
    (source,) = read_sources(path)
    assert source.preset == name
    assert rows(source) == EXPECTED[name]


def test_fixture_files_are_reproducible(tmp_path: Path) -> None:
    for written in FX.main(tmp_path):
        committed = EXPORTS / written.name
        assert written.read_bytes() == committed.read_bytes(), written.name


def test_source_columns_say_where_each_value_came_from() -> None:
    source = interpret(fixture_table("crowdtangle-facebook"))
    assert source.columns == {
        "timestamp": "Post Created (timezone abbreviation -> offset)",
        "author": "User Name | Page Name",
        "followers": "max(Likes at Posting, Followers at Posting)",
        "text": "Message | Description",
        "engagement": "Total Interactions (without thousands separators)",
        "url": "URL",
        "platform": "= facebook",
    }
    assert [f.pattern for f in source.timestamp_formats] == ["%Y-%m-%d %H:%M:%S %z"]
    assert (source.preset, source.notes) == ("crowdtangle-facebook", ())


# --- vendor quirks -----------------------------------------------------------------------------


def test_meltwater_not_rated_and_unknown_sentiment_are_empty() -> None:
    header = ("Date", "Hit Sentence", "Opening Text", "Sentiment")
    labels = ["Not Rated", "Unknown", "Negative", "Neutral"]
    table = raw_table(header, [("06-Feb-2026 03:03PM", "x", None, s) for s in labels])
    assert [r["sentiment"] for r in rows(interpret(table))] == [None, None, "negative", "neutral"]


def test_youscan_english_date_and_time_columns() -> None:
    header = ("Author", "Text snippet", "URL", "Date", "Time", "Source", "Sentiment", "Views")
    table = raw_table(
        header, [("@a", "hola", "https://t/1", "06.02.2026", "15:03", "Twitter", "Negative", "9")]
    )
    source = interpret(table)
    assert (source.preset, source.columns["timestamp"]) == ("youscan", "Date + Time")
    assert rows(source) == [
        m(
            "2026-02-06 15:03",
            author="@a",
            text="hola",
            sentiment="negative",
            url="https://t/1",
            platform="twitter",
        )
    ]


def test_youscan_german_headers() -> None:
    header = ("Datum", "Uhrzeit", "Autor", "Text", "Stimmung", "Quelle", "Potenzielle Reichweite")
    table = raw_table(
        header, [("06.02.2026", "15:03", "anna", "Tür klemmt", "Negativ", "Facebook", "900")]
    )
    source = interpret(table)
    assert source.preset == "youscan"
    assert rows(source) == [
        m(
            "2026-02-06 15:03",
            author="anna",
            text="Tür klemmt",
            sentiment="negative",
            platform="facebook",
        )
    ]


def test_talkwalker_formatted_dates_follow_dayfirst() -> None:
    header = ("published", "search_indexed", "source_type", "content")
    table = raw_table(header, [("06/02/2026 15:03", None, "BLOG", "x")])
    day = rows(interpret(table, ReadOptions(dayfirst=True)))[0]["timestamp"]
    month = rows(interpret(table, ReadOptions(dayfirst=False)))[0]["timestamp"]
    assert (day.month, month.month) == (2, 6)


def test_a_preset_s_dayfirst_gives_way_to_the_option() -> None:
    table = fixture_table("sprinklr")
    table = RawTable(table.name, table.header, table.frame.head(1))
    assert rows(interpret(table))[0]["timestamp"].month == 2  # Sprinklr writes day first
    assert rows(interpret(table, ReadOptions(dayfirst=False)))[0]["timestamp"].month == 6


def test_crowdtangle_unknown_timezone_abbreviations_are_rejected_not_guessed() -> None:
    header = ("Account", "Followers at Posting", "Post Created")
    table = raw_table(
        header, [("a", "1", "2024-01-05 10:00:00 EST"), ("b", "1", "2024-01-05 10:00:00 XYZ")]
    )
    frame = normalise(interpret(table), estimator=None).collect()
    assert frame["_reject"].to_list() == [None, "bad timestamp"]
    assert frame["_raw_ts"].to_list() == ["2024-01-05 10:00:00 -0500", "2024-01-05 10:00:00 XYZ"]


@pytest.mark.parametrize(
    ("raw", "rewritten"),
    [
        ("2024-01-05 10:00:00 EST", "2024-01-05 10:00:00 -0500"),
        ("2024-07-05 10:00:00 edt", "2024-07-05 10:00:00 -0400"),
        ("2024-01-05 10:00:00  CET", "2024-01-05 10:00:00 +0100"),
        ("2024-01-05 10:00:00 UTC", "2024-01-05 10:00:00 +0000"),
        ("2024-01-05 10:00:00", "2024-01-05 10:00:00"),
        ("2024-01-05 10:00:00 ABCD", "2024-01-05 10:00:00 ABCD"),
    ],
)
def test_timezone_abbreviations_become_offsets(raw: str, rewritten: str) -> None:
    assert pl.select(tz_abbreviation_to_offset(pl.lit(raw))).item() == rewritten


def test_a_forced_preset_says_which_anchors_the_file_lacks() -> None:
    table = raw_table(("Date", "Full Text", "Author"), [("2026-02-06 15:03:00", "x", "a")])
    source = interpret(table, ReadOptions(preset="brandwatch"))
    assert source.preset == "brandwatch"
    assert source.notes == ("t: --preset brandwatch, but the file lacks 'Query Id'",)
    assert rows(source) == [m("2026-02-06 15:03", author="a", text="x")]


def test_generic_forces_the_aliases_on_a_recognised_header() -> None:
    table = fixture_table("brandwatch")
    source = interpret(table, ReadOptions(preset="generic"))
    assert source.preset == "generic"
    assert source.columns["text"] == "Full Text"
    assert source.columns["topic"] == "Query Name"


# --- rules -------------------------------------------------------------------------------------


def evaluate(rule: Any, data: dict[str, list[str | None]]) -> list[Any]:
    frame = pl.DataFrame(data, schema=dict.fromkeys(data, pl.String))
    bound = rule.bind(Header(list(data)))
    return frame.with_columns(bound.expr.alias("v"))["v"].to_list()


def test_col_takes_the_first_non_empty_column_row_by_row() -> None:
    data = {"a": ["1", "", None, " "], "b": ["x", "2", "3", None]}
    assert evaluate(Col("a", "b", "missing"), data) == ["1", "2", "3", None]
    assert Col("missing").bind(Header(["a"])) is None
    assert evaluate(Col("A", clean="lower-case"), {"a": [" TWITTER "]}) == ["twitter"]


def test_numbers_sum_and_max_read_separators_and_apostrophes() -> None:
    data = {"a": ["1,234", "'5", None, "1.500", "12.0"], "b": ["10", None, None, "x", "3"]}
    assert evaluate(Numbers("sum", "a", "b"), data) == ["1244", "5", None, "1500", "15"]
    assert evaluate(Numbers("max", "a", "b"), data) == ["1234", "5", None, "1500", "12"]


def test_join_strips_spreadsheet_date_and_time_artefacts() -> None:
    data = {
        "d": ["2026-02-06", "2026-02-06 00:00:00", "2026-02-06", None],
        "t": ["15:03", "1899-12-31 16:04:00", None, "9:00"],
    }
    assert evaluate(Join("d", "t"), data) == [
        "2026-02-06 15:03",
        "2026-02-06 16:04:00",
        "2026-02-06",
        None,
    ]


def test_template_const_first_and_unless() -> None:
    data = {"user": ["a", None], "id": ["1", "2"], "rt": [None, "9"], "n": ["5", "5"]}
    assert evaluate(Template("https://x/{}/{}", "user", "id"), data) == ["https://x/a/1", None]
    assert evaluate(Const("twitter"), data) == ["twitter", "twitter"]
    assert evaluate(First(Col("user"), Col("id")), data) == ["a", "2"]
    assert evaluate(Unless(Col("n"), "rt"), data) == ["5", None]
    assert Unless(Col("n"), "rt").describe() == "n, empty where rt is set"
