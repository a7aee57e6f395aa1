"""--mapping FILE.toml: the columns of a format nobody has seen yet, every form of value, and
the errors that name the key, the mapping file and the data file's columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import ROOT
from stormwatch.cli.app import app
from stormwatch.errors import ConfigError, InputError, SchemaError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import ReadOptions, read_sources
from stormwatch.sources.interpret import interpret
from stormwatch.sources.mapping import KEYS, load_mapping
from stormwatch.sources.presets.rules import Col, Const, Join, Numbers
from stormwatch.sources.schema import CANONICAL
from stormwatch.sources.table import RawTable

EXPORTS = ROOT / "tests" / "data" / "exports"
HEADER = ("Erstellt", "Verfasser", "Fans", "Beitrag", "Marke", "Datum")
ROWS = [("06.02.2026 15:03", "anna", "1.234", "Tür klemmt", "Acme", "01.01.2020")]


def table(header: tuple[str, ...] = HEADER, rows: list[tuple[Any, ...]] = ROWS) -> RawTable:
    frame = pl.DataFrame(rows, schema=dict.fromkeys(header, pl.String), orient="row")
    return RawTable("export.csv", header, frame.with_row_index("_row").lazy())


def mapping(tmp_path: Path, text: str, name: str = "columns.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read(tmp_path: Path, text: str, **options: Any) -> list[dict[str, Any]]:
    source = interpret(table(), ReadOptions(mapping=mapping(tmp_path, text), **options))
    return normalise(source, estimator=None).collect().select(*CANONICAL).to_dicts()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- the file --------------------------------------------------------------------------------


def test_every_form_of_value(tmp_path: Path) -> None:
    path = mapping(
        tmp_path,
        'timestamp = { join = ["Datum", "Uhrzeit"] }\n'
        'timestamp_format = ["%d.%m.%Y %H:%M", "epoch_ms", "%Y-%m-%dT%H:%M%z"]\n'
        'author = ["Verfasser", "Seite"]\nfollowers = "Fans"\nplatform = { value = "twitter" }\n'
        'engagement = { sum = ["Likes", "Shares"] }\ncount = { max = ["a"] }\n'
        'sentiment = false\npreset = "brandwatch"\ndecimal_comma = true\ndayfirst = false\n',
    )
    loaded = load_mapping(path)
    assert dict(loaded.rules) == {
        "timestamp": Join("Datum", "Uhrzeit"),
        "author": Col("Verfasser", "Seite"),
        "followers": Col("Fans"),
        "platform": Const("twitter"),
        "engagement": Numbers("sum", "Likes", "Shares"),
        "count": Numbers("max", "a"),
        "sentiment": None,
    }
    assert [(f.pattern, f.aware) for f in loaded.timestamp_formats] == [
        ("%d.%m.%Y %H:%M", False),
        ("epoch_ms", True),
        ("%Y-%m-%dT%H:%M%z", True),
    ]
    assert (loaded.preset, loaded.decimal_comma, loaded.dayfirst) == ("brandwatch", True, False)


def test_unknown_key_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = mapping(tmp_path, 'timestmp = "Erstellt"\n')
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert str(info.value) == f"{path}: timestmp: unknown key"
    assert info.value.hint == f"did you mean 'timestamp'? known: {', '.join(KEYS)}"
    assert (info.value.path, info.value.key) == (str(path), "timestmp")


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("author = 3", "author", "cannot use 3"),
        ("author = []", "author", "cannot use []"),
        ('author = { join = ["a"] }', "author", "cannot use {'join': ['a']}"),
        ('author = { column = "a" }', "author", "cannot use {'column': 'a'}"),
        ("timestamp_format = 1", "timestamp_format", "cannot use 1"),
        ('dayfirst = "yes"', "dayfirst", "expected true or false, not 'yes'"),
        ('preset = "hootsuite"', "preset", "unknown preset 'hootsuite'"),
        (
            'timestamp = false\ntimestamp_format = "%d"',
            "timestamp_format",
            "timestamp_format given, but timestamp = false",
        ),
    ],
)
def test_bad_values(tmp_path: Path, text: str, key: str, message: str) -> None:
    path = mapping(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_mapping(path)
    assert str(info.value) == f"{path}: {key}: {message}"


def test_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: mapping file not found$"):
        load_mapping(tmp_path / "nope.toml")
    bad = mapping(tmp_path, "timestamp = \n")
    with pytest.raises(ConfigError, match=r"columns\.toml: not valid TOML: "):
        load_mapping(bad)


# --- applied to a file -------------------------------------------------------------------------


def test_mapped_columns_with_a_format_and_the_aliases_for_the_rest(tmp_path: Path) -> None:
    text = (
        'timestamp = "Erstellt"\ntimestamp_format = "%d.%m.%Y %H:%M"\nauthor = "Verfasser"\n'
        'text = "Beitrag"\nplatform = { value = "facebook" }\ndecimal_comma = true\n'
    )
    source = interpret(table(), ReadOptions(mapping=mapping(tmp_path, text)))
    assert source.columns == {
        "timestamp": "Erstellt",  # not the alias match 'Datum'
        "author": "Verfasser",
        "text": "Beitrag",
        "platform": "= facebook",
        "followers": "Fans",  # by alias
        "topic": "Marke",  # by alias
    }
    assert [f.pattern for f in source.timestamp_formats] == ["%d.%m.%Y %H:%M"]
    assert source.decimal_comma
    assert normalise(source, estimator=None).collect().select(*CANONICAL).to_dicts() == [
        dict.fromkeys(CANONICAL)
        | {
            "timestamp": utc("2026-02-06 15:03"),
            "topic": "Acme",
            "author": "anna",
            "followers": 1234,
            "text": "Tür klemmt",
            "platform": "facebook",
            "count": 1,
        }
    ]


def test_false_drops_a_column_and_a_constant_topic(tmp_path: Path) -> None:
    [row] = read(tmp_path, 'timestamp = "Erstellt"\nfollowers = false\ntopic = { value = "X" }\n')
    assert (row["followers"], row["topic"], row["author"]) == (None, "X", "anna")


def test_by_beats_the_mapping_s_topic(tmp_path: Path) -> None:
    [row] = read(tmp_path, 'timestamp = "Erstellt"\ntopic = "Marke"\n', by="Verfasser")
    assert row["topic"] == "anna"


def test_a_mapping_can_start_from_a_preset(tmp_path: Path) -> None:
    header = ("Created", "Sender Screen Name", "Conversation Stream", "Permalink")
    rows = [("2026-02-06T15:03:00Z", "alice", "hi", "https://x/1")]
    path = mapping(tmp_path, 'preset = "sprinklr"\ntimestamp = "Created"\n')
    source = interpret(table(header, rows), ReadOptions(mapping=path))
    assert source.preset == "sprinklr"
    assert source.columns == {
        "timestamp": "Created",
        "author": "Sender Screen Name",
        "text": "Conversation Stream",
        "url": "Permalink",
    }


def test_a_mapping_overrides_a_recognised_preset(tmp_path: Path) -> None:
    header = ("Date", "Hit Sentence", "Opening Text", "Influencer", "Autor")
    rows = [("06-Feb-2026 03:03PM", "x", None, "@a", "b")]
    path = mapping(tmp_path, 'author = "Autor"\n')
    source = interpret(table(header, rows), ReadOptions(mapping=path))
    assert (source.preset, source.columns["author"]) == ("meltwater", "Autor")


def test_a_mapped_column_the_file_lacks(tmp_path: Path) -> None:
    path = mapping(tmp_path, 'timestamp = "Erstellt"\nauthor = "Autor"\n')
    with pytest.raises(InputError) as info:
        interpret(table(), ReadOptions(mapping=path))
    assert str(info.value) == (
        f"export.csv, line 1: no column 'Autor' (author in {path}); the file has: "
        "'Erstellt', 'Verfasser', 'Fans', 'Beitrag', 'Marke', 'Datum'"
    )
    assert info.value.hint == f"set author in {path} to one of the file's columns"


def test_a_misspelt_column_gets_a_suggestion(tmp_path: Path) -> None:
    path = mapping(tmp_path, 'timestamp = "erstelt"\n')
    with pytest.raises(InputError) as info:
        interpret(table(), ReadOptions(mapping=path))
    assert (
        info.value.hint
        == f'set timestamp in {path} to one of the file\'s columns, e.g. timestamp = "Erstellt"'
    )


def test_alternatives_need_only_one_column_but_a_join_needs_all(tmp_path: Path) -> None:
    [row] = read(tmp_path, 'timestamp = "Erstellt"\nauthor = ["Autor", "Verfasser"]\n')
    assert row["author"] == "anna"
    path = mapping(tmp_path, 'timestamp = { join = ["Erstellt", "Uhrzeit"] }\n')
    with pytest.raises(InputError, match=r"no column 'Uhrzeit' \(timestamp in "):
        interpret(table(), ReadOptions(mapping=path))


def test_a_timestamp_format_that_reads_nothing(tmp_path: Path) -> None:
    path = mapping(tmp_path, 'timestamp = "Erstellt"\ntimestamp_format = "%Y-%m-%d"\n')
    with pytest.raises(InputError) as info:
        interpret(table(), ReadOptions(mapping=path))
    assert str(info.value) == (
        "export.csv, line 2, column 'Erstellt': cannot read '06.02.2026 15:03' with "
        f"timestamp_format '%Y-%m-%d' from {path}"
    )
    assert info.value.hint == (
        f"fix timestamp_format in {path} (polars strptime patterns, "
        'e.g. "%d.%m.%Y %H:%M" for 23.11.2026 14:05)'
    )


def test_a_mapping_without_a_timestamp_says_what_to_add(tmp_path: Path) -> None:
    path = mapping(tmp_path, 'author = "Verfasser"\n')
    header = ("Erstellt", "Verfasser")
    with pytest.raises(SchemaError) as info:
        interpret(table(header, [("2026-02-06 15:03", "a")]), ReadOptions(mapping=path))
    assert info.value.hint == (
        "is 'Erstellt' the time of each mention? Rename that column to 'timestamp'; "
        f'or add timestamp = "Erstellt" to {path}; '
        "known export formats (--preset): " + ", ".join(_presets())
    )


def _presets() -> list[str]:
    from stormwatch.sources.presets import PRESETS

    return list(PRESETS)


def test_a_count_mapping_makes_a_series(tmp_path: Path) -> None:
    header = ("Tag", "Erwähnungen", "Quelle")
    rows = [("2026-02-06", "12", "web"), ("2026-02-07", "3", "web")]
    path = mapping(tmp_path, 'timestamp = "Tag"\ncount = "Erwähnungen"\ntopic = "Quelle"\n')
    source = interpret(table(header, rows), ReadOptions(mapping=path))
    assert source.kind == "series"
    assert normalise(source, estimator=None).collect()["count"].to_list() == [12, 3]


# --- the German fixture file (cp1252, ';', decimal comma) and the CLI ---------------------------

GERMAN = [
    (
        "2026-02-06 14:03",
        "Acme",
        "Jürgen Müller",
        1234,
        "Tür geht nicht zu – schon wieder",
        "negative",
        12,
    ),
    ("2026-02-06 15:10", "Acme", "Anna", 15000, "Rückruf?", "neutral", 1050),
    ("2026-02-07 08:00", "Globex", "Bäckerei Schmidt", None, "Läuft bei uns", "positive", 4),
]


def test_german_cp1252_file_with_its_mapping() -> None:
    options = ReadOptions(mapping=EXPORTS / "german-cp1252.mapping.toml", timezone="Europe/Berlin")
    (source,) = read_sources(EXPORTS / "german-cp1252.csv", options)
    frame = normalise(source, estimator=None).collect()
    got = frame.select(
        "timestamp", "topic", "author", "followers", "text", "sentiment", "engagement"
    ).rows()
    assert got == [(utc(ts), *rest) for ts, *rest in GERMAN]
    assert frame["platform"].to_list() == ["facebook"] * 3


def test_scan_with_mapping_and_preset_options(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["scan", str(EXPORTS / "german-cp1252.csv"), "--timezone", "Europe/Berlin"]
    result = runner.invoke(app, [*args, "--mapping", str(EXPORTS / "german-cp1252.mapping.toml")])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["input"]["rows_used"] == 3
    assert [t["topic"] for t in report["topics"]] == ["Globex", "Acme"]
    unmapped = runner.invoke(app, args)
    assert unmapped.exit_code == 1
    assert (
        "Hint: is 'Erwähnt am' the time of each mention? Rename that column to "
        "'timestamp'; or map it: pass --mapping FILE, a TOML file with the line "
        'timestamp = "Erwähnt am"; '
    ) in unmapped.stderr
    unknown = runner.invoke(app, [*args, "--preset", "hootsuite"])
    assert unknown.exit_code == 2  # a value the option does not accept: a usage error
    assert unknown.stderr.splitlines()[-1] == (
        "Error: Invalid value for --preset: unknown preset 'hootsuite'; known presets: "
        + ", ".join([*_presets(), "generic"])
    )
    bad = mapping(tmp_path, "author = 3\n")
    result = runner.invoke(app, [*args, "--mapping", str(bad)])
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        1,
        f"Error: {bad}: author: cannot use 3",
    )


def test_formats_command_lists_every_preset() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["formats", "--format", "json"])
    assert result.exit_code == 0
    names = [item["name"] for item in json.loads(result.stdout)]
    assert names == [*_presets(), "generic"]
    table_output = runner.invoke(app, ["formats", "-f", "table"], env={"COLUMNS": "200"})
    assert table_output.exit_code == 0
    for name in names:
        assert name in table_output.stdout
    assert "Hit Sentence" in table_output.stdout
    bad = runner.invoke(app, ["formats", "--format", "csv"])
    assert bad.exit_code == 2
