"""`scan` estimates the sentiment of files without one, from their texts: per file, flagged in
the notes and the JSON, with the user's model when there is one, never touching files that
have sentiment, and off with --no-estimate-sentiment."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import T0, WriteCsv, iso
from stormwatch.cli.app import ExitCode, app
from stormwatch.errors import ConfigError
from stormwatch.pipeline.analyse import load_sources
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.sentiment.fill import BUILT_IN, Estimator
from stormwatch.sentiment.model import default_model_path, save_model
from stormwatch.sentiment.train import read_labelled, train
from stormwatch.settings import load_settings

runner = CliRunner()

NEGATIVE = (
    "This fridge is a disaster, worst service ever!",
    "Absolute Frechheit, nie wieder Acme!",
    "Der Kundenservice ist eine Katastrophe",
    "terrible, I want my money back",
)
CALM = ("Ordered a fridge today", "Neuer Kühlschrank ist da", "I love my new Acme fridge")
NO_SENTIMENT = ("timestamp", "brand", "author", "followers", "text")
LEXICON = "the built-in English/German lexicon (language detected per text)"
NOT_SCORED = (
    "no sentiment in the data: negativity is not scored and every mention counts as "
    "potentially critical for influence"
)


def rows(label: str | None = None, hours: int = 48, storm: int = 20) -> list[list[object]]:
    """`acme`: 3 calm mentions an hour (English and German), then in the last hour `storm`
    negative ones and one without text. ``label``: a sentiment column with this value."""
    out: list[list[object]] = []
    for h in range(hours - 1):
        for i in range(3):
            at = T0 + timedelta(hours=h, minutes=10 + 15 * i)
            out.append([iso(at), "acme", f"@fan{i}", 100, CALM[i]])
    last = T0 + timedelta(hours=hours - 1)
    for i in range(storm):
        at = last + timedelta(minutes=1 + 2 * i)
        out.append([iso(at), "acme", f"@angry{i}", 1000, NEGATIVE[i % len(NEGATIVE)]])
    out.append([iso(last + timedelta(minutes=59)), "acme", "@linkonly", 10, ""])
    return [[*r, label] for r in out] if label is not None else out


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


def sentiments(path: Path, estimator: Estimator | None = BUILT_IN) -> list[str | None]:
    mentions = normalise_all(load_sources([path]), estimator=estimator)
    return mentions.sort("_line").collect()["sentiment"].to_list()


@pytest.fixture
def unrated(write_csv: WriteCsv) -> Path:
    return write_csv(rows(), header=NO_SENTIMENT, name="unrated.csv")


def test_a_file_without_sentiment_is_estimated_from_its_english_and_german_texts(
    unrated: Path,
) -> None:
    report = sw.analyse([unrated])
    assert report.input.notes == (
        f"{unrated}: no sentiment column; sentiment estimated from text with {LEXICON}",
    )
    assert report.input.sentiment_estimated == (str(unrated),)
    assert report.input.sentiment_estimator == "lexicon"
    assert "negativity" in report.signals_available
    assert NOT_SCORED not in report.notes
    negativity = report.topics[0].signals["negativity"]
    assert negativity.available
    assert negativity.detail["share_now"] == 1.0  # 20 of 20 rated; the empty text is unrated
    labels = sentiments(unrated)
    assert labels[:3] == ["neutral", "neutral", "positive"]
    assert labels[-21:] == ["negative"] * 20 + [None]


def test_only_the_scored_windows_are_classified(unrated: Path) -> None:
    end = T0 + timedelta(hours=47, minutes=59)
    mentions = normalise_all(load_sources([unrated]), horizon=(end - timedelta(hours=3), end))
    labels = mentions.sort("_line").collect()["sentiment"].to_list()
    assert labels[:-27] == [None] * (len(labels) - 27)  # hours 0..44: not scored
    assert labels[-27:] == ["neutral", "neutral", "positive"] * 2 + ["negative"] * 20 + [None]


def test_a_file_with_sentiment_is_never_touched(write_csv: WriteCsv) -> None:
    data = rows("positive")
    for row in data[-21:-1]:
        row[5] = "Not Rated" if row[4] == NEGATIVE[0] else ""  # negative texts, left unrated
    data[-21][5] = "negative"
    path = write_csv(data, header=(*NO_SENTIMENT, "sentiment"), name="rated.csv")
    report = sw.analyse([path])
    assert report.input.notes == ()
    assert (report.input.sentiment_estimated, report.input.sentiment_estimator) == ((), None)
    assert sentiments(path)[-22:] == ["positive", "negative"] + [None] * 19 + ["positive"]
    assert sentiments(path) == sentiments(path, estimator=None)
    default = invoke("scan", str(path), "--format", "json")
    off = invoke("scan", str(path), "--format", "json", "--no-estimate-sentiment")
    assert default.exit_code == off.exit_code == ExitCode.OK
    assert json.loads(default.stdout) == json.loads(off.stdout)


def test_an_empty_sentiment_column_counts_as_none(write_csv: WriteCsv) -> None:
    path = write_csv(rows("Not Rated"), header=(*NO_SENTIMENT, "sentiment"), name="empty.csv")
    report = sw.analyse([path])
    assert report.input.notes == (
        f"{path}: the sentiment column is empty; sentiment estimated from text with {LEXICON}",
    )
    assert report.input.sentiment_estimated == (str(path),)
    assert "negativity" in report.signals_available
    assert report.topics[0].signals["negativity"].detail["share_now"] == 1.0


def test_only_the_file_without_sentiment_is_estimated(write_csv: WriteCsv, unrated: Path) -> None:
    rated = write_csv(
        [[iso(T0 + timedelta(hours=47, minutes=30)), "acme", "@press", 50, "Ordered", "Not Rated"]],
        header=(*NO_SENTIMENT, "sentiment"),
        name="rated.csv",
    )
    report = sw.analyse([rated, unrated])
    assert report.input.sentiment_estimated == (str(unrated),)
    mentions = normalise_all(load_sources([rated, unrated])).collect()
    assert mentions.filter(pl.col("_file") == str(rated))["sentiment"].to_list() == [None]


def test_json_output_and_the_note_on_stderr(unrated: Path) -> None:
    result = invoke("scan", str(unrated), "--format", "json")
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["input"]["sentiment_estimated"] == [str(unrated)]
    assert data["input"]["sentiment_estimator"] == "lexicon"
    note = f"{unrated}: no sentiment column; sentiment estimated from text with {LEXICON}"
    assert data["input"]["notes"] == [note]
    assert "negativity" in data["signals_available"]
    table = invoke("scan", str(unrated), "--format", "table")
    assert table.exit_code == ExitCode.OK
    assert f"Note: {note}\n" in table.stderr
    assert "Note:" not in invoke("scan", str(unrated), "--format", "json", "--quiet").stderr


def test_the_off_switch_flag_setting_and_environment(unrated: Path, tmp_path: Path) -> None:
    config = tmp_path / "off.toml"
    config.write_text("[scan]\nestimate_sentiment = false\n", encoding="utf-8")
    for args, env in (
        (["--no-estimate-sentiment"], None),
        (["--config", str(config)], None),
        ([], {"STORMWATCH_SCAN_ESTIMATE_SENTIMENT": "false"}),
    ):
        result = invoke("scan", str(unrated), "--format", "json", *args, env=env)
        assert result.exit_code == ExitCode.OK, result.stderr
        data = json.loads(result.stdout)
        assert data["input"]["sentiment_estimated"] == []
        assert data["input"]["sentiment_estimator"] is None
        assert data["input"]["notes"] == []
        assert "negativity" not in data["signals_available"]
        assert NOT_SCORED in data["notes"]
    on = invoke("scan", str(unrated), "-f", "json", "--config", str(config), "--estimate-sentiment")
    assert json.loads(on.stdout)["input"]["sentiment_estimated"] == [str(unrated)]
    assert sw.analyse([unrated], sw.Settings(estimate_sentiment=False)).input.notes == ()


def test_a_bad_setting_is_a_config_error(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[scan]\nestimate_sentiment = "maybe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"scan\.estimate_sentiment: expected true or false"):
        load_settings(config, {})


def _model(write_csv: WriteCsv, path: Path) -> Path:
    """A model that knows two made-up words the lexicon does not: zork bad, blip good."""
    labelled = [[f"zork {i}", "negative"] for i in range(12)]
    labelled += [[f"blip {i}", "positive"] for i in range(12)]
    data = read_labelled([write_csv(labelled, header=("text", "sentiment"), name="labels.csv")])
    return save_model(train(data, folds=2).model, path)


def _zork_file(write_csv: WriteCsv) -> Path:
    data = rows()
    for row in data[-21:-1]:
        row[4] = "zork zork"
    return write_csv(data, header=NO_SENTIMENT, name="zork.csv")


def test_a_trained_model_given_by_option_is_used(write_csv: WriteCsv, tmp_path: Path) -> None:
    model = _model(write_csv, tmp_path / "acme.json")
    path = _zork_file(write_csv)
    assert sentiments(path)[-21:] == ["neutral"] * 20 + [None]  # the lexicon knows no zork
    assert sentiments(path, Estimator(model))[-21:] == ["negative"] * 20 + [None]
    result = invoke("scan", str(path), "--format", "json", "--sentiment-model", str(model))
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(result.stdout)
    assert data["input"]["sentiment_estimator"] == str(model)
    assert data["input"]["notes"] == [
        f"{path}: no sentiment column; sentiment estimated from text with the trained model {model}"
    ]
    assert data["topics"][0]["signal_details"]["negativity"]["share_now"] == 1.0


def test_the_model_in_the_app_directory_is_the_default(write_csv: WriteCsv, tmp_path: Path) -> None:
    model = _model(write_csv, default_model_path({"STORMWATCH_CONFIG_DIR": str(tmp_path)}))
    env = {"STORMWATCH_CONFIG_DIR": str(tmp_path)}
    result = invoke("scan", str(_zork_file(write_csv)), "--format", "json", env=env)
    assert json.loads(result.stdout)["input"]["sentiment_estimator"] == str(model)
    missing = tmp_path / "missing.json"
    result = invoke("scan", str(_zork_file(write_csv)), "--sentiment-model", str(missing))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {missing}: sentiment model not found\n"
        "Hint: train a new one with: stormwatch train-sentiment LABELLED.csv\n"
    )
