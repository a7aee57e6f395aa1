"""`stormwatch train-sentiment` and the JSON model: features equal scikit-learn's analyzers,
the loaded model predicts exactly what scikit-learn predicts, bad files and bad training data
are clear errors."""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner, Result

from conftest import T0, WriteCsv, iso
from stormwatch.cli.app import ExitCode, app
from stormwatch.errors import ConfigError
from stormwatch.sentiment import estimate
from stormwatch.sentiment import train as training
from stormwatch.sentiment.features import char_wb_ngrams, per_text, word_ngrams
from stormwatch.sentiment.model import FORMAT, load_model, model_from_dict, save_model

runner = CliRunner()

SUBJECTS = [
    "the fridge",
    "your app",
    "the delivery",
    "der Kühlschrank",
    "eure App",
    "die Lieferung",
]
PHRASES = {
    "negative": [
        "is broken again",
        "is a disaster",
        "was a waste of money",
        "ist kaputt",
        "ist eine Frechheit",
        "war eine Katastrophe",
    ],
    "neutral": [
        "arrives on Tuesday",
        "has a new version",
        "was in the news",
        "kommt am Dienstag",
        "hat eine neue Version",
        "stand in der Zeitung",
    ],
    "positive": [
        "works great",
        "is lovely",
        "was fast and friendly",
        "ist super",
        "funktioniert prima",
        "war schnell und freundlich",
    ],
}
TEXTS = [
    "The fridge is broken again!!",
    "Die Lieferung war schnell und freundlich",
    "your app has a new version",
    "Straße, Ärger & ÜBEL: 😡 #fail https://t.co/x",
    "  spaces\tand\nnew lines  ",
    "a",
    "it's don't y'all co-op 2026 x_y",
]


def labelled_rows(n: int = 300, seed: int = 1) -> list[list[object]]:
    """Synthetic labelled mentions from templates, about a third of each class."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(n):
        label = ("negative", "neutral", "positive")[i % 3]
        text = f"{rng.choice(SUBJECTS)} {rng.choice(PHRASES[label])} #{rng.randrange(50)}"
        rows.append([iso(training_t0(i)), "acme", f"@u{i}", 100, text, label])
    return rows


def training_t0(i: int) -> datetime:
    return T0 + timedelta(minutes=i)


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["train-sentiment", *args])


def test_features_equal_scikit_learns_analyzers() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    series = pl.Series(TEXTS)
    for kind, make, ngrams in [
        ("word", word_ngrams, (1, 2)),
        ("word", word_ngrams, (1, 3)),
        ("char_wb", char_wb_ngrams, (3, 5)),
        ("char_wb", char_wb_ngrams, (1, 4)),
    ]:
        analyzer = TfidfVectorizer(analyzer=kind, ngram_range=ngrams).build_analyzer()
        ours = per_text(make(series, ngrams), len(TEXTS))
        for text, features in zip(TEXTS, ours, strict=True):
            assert Counter(features) == Counter(analyzer(text)), (kind, ngrams, text)


@pytest.mark.parametrize("classes", [("negative", "neutral", "positive"), ("negative", "positive")])
def test_the_json_model_predicts_exactly_what_scikit_learn_predicts(
    classes: tuple[str, ...], tmp_path: Path
) -> None:
    rows = [r for r in labelled_rows(360, seed=2) if r[5] in classes]
    texts, labels = [str(r[4]) for r in rows], [str(r[5]) for r in rows]
    held_out = [f"{t} and more" for t in texts[-40:]] + TEXTS + ["völlig unbekannte Wörter"]
    clf, vectorisers = training._fit(training.featurise(texts[:-40]), labels[:-40])
    path = save_model(training.export(clf, vectorisers, {"rows": len(texts) - 40}), tmp_path / "m")
    model = load_model(path)
    x = training._transform(vectorisers, training.featurise(held_out))
    np.testing.assert_allclose(
        model.decision_function(held_out), clf.decision_function(x), 0, 1e-12
    )
    np.testing.assert_allclose(model.predict_proba(held_out), clf.predict_proba(x), 0, 1e-12)
    predicted = model.predict(held_out)
    assert predicted["sentiment"].to_list() == clf.predict(x).tolist()
    assert model.classes == classes
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{"format": "stormwatch-sentiment-model", "version": 1,')


def test_train_sentiment_reports_scores_and_saves_to_the_app_dir(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(labelled_rows())
    result = invoke(str(path))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stdout == ""
    model_path = tmp_path / "config" / "sentiment-model.json"
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "Training on 294 labelled mentions (negative 98, neutral 98, positive 98); "
        "left out: 6 repeated texts"
    )
    assert lines[1] == "Cross-validated (5 folds): accuracy 1.000, macro-F1 1.000"
    assert lines[2].startswith("  negative  precision 1.000  recall 1.000  F1 1.000  (98 ")
    assert lines[-1].startswith("Saved the model (")
    assert lines[-1].endswith(f"features) to {model_path}")
    model = load_model(model_path)
    assert model.training["cv_folds"] == 5
    got = model.predict(["Der Kühlschrank ist kaputt", "the app works great", None])
    assert got["sentiment"].to_list() == ["negative", "positive", None]
    assert invoke(str(path), "-q", "--out", str(tmp_path / "m.json")).stderr == ""

    texts = ["the fridge has a new version", "Frechheit!!", None]
    by_model = estimate(texts, model=model)
    assert by_model.columns == ["sentiment", "score", "arousal", "against", "language", "method"]
    assert by_model["sentiment"].to_list() == ["neutral", "negative", None]
    assert by_model["method"].to_list() == ["model", "model", None]
    assert by_model["arousal"].to_list() == [0.0, 1 - 0.5**1.5, None]  # from the lexicon
    by_lexicon = estimate(texts)
    assert by_lexicon["method"].to_list() == ["lexicon", "lexicon", None]


def test_a_hand_labelled_file_without_timestamps_is_read_by_its_headers(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    rows = [[r[4], r[5]] for r in labelled_rows(120)]
    path = write_csv(
        [*rows, ["", "negative"], ["text without label", "Not Rated"]], ("Inhalt", "Tonalität")
    )
    result = invoke(str(path), "--folds", "3", "--out", str(tmp_path / "m.json"))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"Note: {path}: no timestamp column; text and sentiment read by header",
        "Training on 120 labelled mentions (negative 40, neutral 40, positive 40); "
        "left out: 2 rows without text or sentiment",
    ]
    assert "Cross-validated (3 folds)" in result.stderr


def test_missing_columns_are_errors_with_hints(write_csv: WriteCsv) -> None:
    no_text = write_csv(
        [[iso(training_t0(1)), "x", "negative"]], ("timestamp", "author", "sentiment")
    )
    result = invoke(str(no_text))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {no_text}, line 1: no text column found; the file has: 'timestamp', 'author', "
        "'sentiment'\nHint: train-sentiment learns from the text of each mention: name the column "
        "'text' (or content, message, Inhalt, …), or map it with --mapping\n"
    )
    no_label = write_csv([["good"]], ("text",), name="t.csv")
    result = invoke(str(no_label))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {no_label}, line 1: no sentiment column found; the file has: 'text'\n"
        "Hint: train-sentiment learns from mentions labelled negative, neutral or positive: "
        "export them with the tool's sentiment (most exports have it), or add a 'sentiment' "
        "column\n"
    )


def test_bad_training_data_is_an_error(write_csv: WriteCsv) -> None:
    rows = labelled_rows()
    few = [r for r in rows if r[5] != "neutral"] + [r for r in rows if r[5] == "neutral"][:4]
    result = invoke(str(write_csv(few)))
    assert (result.exit_code, result.stderr) == (
        ExitCode.ERROR,
        "Training on 200 labelled mentions (negative 98, neutral 4, positive 98); left out: "
        "4 repeated texts\n"
        "Error: too few labelled mentions: neutral has 4 (at least 10 per class)\n"
        "Hint: label more mentions of that class, or leave its rows out (the model learns the "
        "classes it is shown)\n",
    )
    single = [r for r in rows if r[5] == "negative"]
    result = invoke("-q", str(write_csv(single, name="neg.csv")))
    assert (result.exit_code, result.stderr) == (
        ExitCode.ERROR,
        "Error: all 98 labelled mentions are negative: a model needs at least two classes\n"
        "Hint: add labelled mentions of another sentiment\n",
    )
    unrated = [[*r[:5], "Not Rated"] for r in rows[:20]]
    result = invoke("-q", str(write_csv(unrated, name="none.csv")))
    assert result.stderr.startswith("Error: no labelled mentions: no row has both a text and")
    assert invoke(str(write_csv(rows)), "--folds", "1").exit_code == ExitCode.USAGE


def test_unrecognised_labels_are_told_apart_from_missing_ones(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    rows = labelled_rows()
    odd = [[*r[:4], f"{r[4]} odd", ("meh", "great")[i % 2]] for i, r in enumerate(rows[:9])]
    unrated = [[*r[:4], f"{r[4]} unrated", "Not Rated"] for r in rows[:2]]
    textless = [[*rows[0][:4], "", "great"]]  # no text: never trained on, whatever its label
    # The first odd label on line 5 (header on 1): three usable rows before it.
    path = write_csv([*rows[:3], *odd, *unrated, *textless, *rows[3:]])
    result = invoke(str(path), "--out", str(tmp_path / "m.json"))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr.splitlines()[0] == (
        "Training on 294 labelled mentions (negative 98, neutral 98, positive 98); left out: "
        f"9 rows with a sentiment label that is not recognised (first at line 5 of {path}: "
        "'meh'), 3 rows without text or sentiment, 6 repeated texts"
    )


def test_a_multi_line_text_moves_the_line_of_the_first_unrecognised_label(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    rows = [[r[4], r[5]] for r in labelled_rows(120)]
    path = write_csv([["two\nlines", "negative"], ["so-so", "  Meh "], *rows], ("text", "tone"))
    result = invoke(str(path), "--folds", "3", "--out", str(tmp_path / "m.json"))
    assert result.exit_code == ExitCode.OK, result.stderr
    assert result.stderr.splitlines()[1] == (
        "Training on 121 labelled mentions (negative 41, neutral 40, positive 40); left out: "
        f"1 rows with a sentiment label that is not recognised (first at line 4 of {path}: "
        "'  Meh ')"
    )


def test_no_usable_row_is_an_error_before_training(write_csv: WriteCsv) -> None:
    odd = [[r[4], "meh" if i else "great"] for i, r in enumerate(labelled_rows(20))]
    path = write_csv([*odd, ["", ""], ["no label", "n/a"]], ("text", "sentiment"))
    result = invoke(str(path))
    assert (result.exit_code, result.stderr) == (
        ExitCode.ERROR,
        f"Note: {path}: no timestamp column; text and sentiment read by header\n"
        "Error: no labelled mentions: no row has both a text and a recognised sentiment; left "
        f"out: 20 rows with a sentiment label that is not recognised (first at line 2 of {path}: "
        "'great'), 2 rows without text or sentiment\n"
        "Hint: the sentiment column needs labels like negative/neutral/positive, "
        "negativ/positiv, or numbers by sign\n",
    )


def test_the_model_never_overwrites_an_input_or_a_directory(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(labelled_rows())
    before = path.read_bytes()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\ntext = "text"\n', encoding="utf-8")
    link = tmp_path / "link.csv"
    os.link(path, link)  # the same file by another name
    folder = tmp_path / "models"
    folder.mkdir()
    for args, message in [
        ([str(path), "-o", str(path)], f"{path} is one of the input files; the model would "),
        ([str(path), "--out", str(link)], f"{link} is one of the input files ({path}); the mod"),
        ([str(path), "--mapping", str(mapping), "-o", str(mapping)], f"{mapping} is the --mapp"),
        ([str(path), "-o", str(folder)], f"{folder} is a directory; name the model file, e.g. "),
    ]:
        result = invoke(*args)
        assert result.exit_code == ExitCode.USAGE, args
        assert result.stderr.splitlines()[-1].startswith(
            f"Error: Invalid value for --out: {message}"
        )
        assert "Training" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith(str(folder / "sentiment-model.json"))
    assert path.read_bytes() == before
    assert mapping.read_text(encoding="utf-8") == '[columns]\ntext = "text"\n'
    assert list(folder.iterdir()) == []


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "model.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _valid() -> dict[str, object]:
    return {
        "format": FORMAT,
        "version": 1,
        "classes": ["negative", "positive"],
        "blocks": [{"kind": "word", "ngram_range": [1, 1], "vocabulary": ["bad"], "idf": [1.5]}],
        "coef": [[-2.0]],
        "intercept": [0.5],
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(coef=[[-2.0, 1.0]]), "coef[0]: expected 1 numbers, found 2"),
        (lambda d: d.update(version=2), "sentiment model version 2 was made by a newer stormwatch"),
        (lambda d: d.update(format="other"), 'not a stormwatch sentiment model (no "format"'),
        (lambda d: d.update(classes=["negative", "angry"]), "classes: expected two or more of"),
        (lambda d: d.update(intercept=["x"]), "intercept: expected a list of finite numbers"),
        (lambda d: d["blocks"][0].update(kind="bpe"), "blocks[0].kind: unknown kind 'bpe'"),
        (lambda d: d["blocks"][0].update(vocabulary=["a", "a"]), "vocabulary: repeated terms"),
        (lambda d: d["blocks"][0].update(vocabulary=[]), "vocabulary: expected a non-empty list"),
        (lambda d: d["blocks"][0].update(idf=[True]), "blocks[0].idf: expected a list of finite"),
    ],
)
def test_damaged_or_foreign_models_are_config_errors(change, message, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data = _valid()
    assert load_model(_write(tmp_path, json.dumps(data))).predict(["bad"])["sentiment"][0] == (
        "negative"
    )
    change(data)
    with pytest.raises(ConfigError, match="^" + str(tmp_path).replace("\\", "\\\\")) as info:
        load_model(_write(tmp_path, json.dumps(data)))
    assert message in info.value.message
    assert info.value.hint


def test_unreadable_model_files_are_config_errors(tmp_path: Path) -> None:
    for content, message in [
        ("", "not a stormwatch sentiment model (not JSON: Expecting value"),
        (b"\x80\x04\x95pickle", "cannot read the sentiment model: not UTF-8 text"),
        ('{"format": "stormwatch-sentiment-model", "version": NaN}', "not JSON: NaN is not a"),
        ("[1, 2]", "not a stormwatch sentiment model"),
    ]:
        with pytest.raises(ConfigError) as info:
            load_model(_write(tmp_path, content))
        assert message in info.value.message
    with pytest.raises(ConfigError, match="sentiment model not found"):
        load_model(tmp_path / "missing.json")
    with pytest.raises(ConfigError, match="damaged sentiment model"):
        model_from_dict({**_valid(), "version": True}, tmp_path)
