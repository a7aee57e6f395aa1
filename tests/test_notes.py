"""Notes and warnings in the user's language: English strings everywhere they are stored (JSON,
tests), German on stderr under --lang de, numbers written each language's way."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stormwatch.cli.main import ExitCode, app
from stormwatch.text.notes import CATALOGUE, Note, say

runner = CliRunner()


def test_a_note_is_its_english_text() -> None:
    note = Note("duplicates", count=12345)
    assert note == (
        "12,345 duplicate mentions (same id, URL, or author, time and text in another file; "
        "in a volume series, the same time) were counted once."
    )
    assert json.dumps([note]) == json.dumps([str(note)])
    assert note.text("de").startswith("12.345 doppelte Erwähnungen")


def test_a_note_survives_pickling_and_copies() -> None:
    note = Note(
        "window_outside", stream="a.csv", start=datetime(2026, 1, 2, 3, 4), end=datetime(2026, 1, 3)
    )
    for twin in (pickle.loads(pickle.dumps(note)), copy.deepcopy(note), copy.copy(note)):
        assert isinstance(twin, Note)
        assert twin == note
        assert twin.text("de") == (
            "a.csv: das Fenster 02.01.2026 03:04..03.01.2026 00:00 liegt außerhalb der Daten, "
            "nicht bewertet"
        )


def test_nested_notes_and_decimals_follow_the_language() -> None:
    note = Note("short_history", file="x.csv", span=0.5, needed=4.0)
    assert note == (
        "x.csv: not enough history (0.5 h of data, a baseline needs 4 h): volume signals were "
        "never scored"
    )
    assert note.text("de") == (
        "x.csv: zu wenig Vorlauf (0,5 h Daten, eine Basis braucht 4 h): Volumensignale wurden "
        "nie bewertet"
    )
    estimated = Note("estimated_model", file="f.csv", why=Note("why_no_column"), model="m.json")
    assert estimated.text("de") == (
        "f.csv: keine Tonalitätsspalte; Tonalität aus dem Text geschätzt, mit dem trainierten "
        "Modell m.json"
    )


def test_a_plain_string_is_said_as_it_is() -> None:
    assert say("made before notes were translatable", "de") == (
        "made before notes were translatable"
    )


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_sentence_has_both_languages_with_the_same_fields(key: str) -> None:
    import string

    fields = {
        lang: {f for _, f, _, _ in string.Formatter().parse(text) if f}
        for lang, text in CATALOGUE[key].items()
    }
    assert set(fields) == {"en", "de"}
    assert fields["en"] == fields["de"]


def _export(tmp_path: Path) -> Path:
    rows = ["timestamp,brand,text"]
    start = datetime(2026, 10, 1)
    rows += [f"{start + timedelta(hours=h):%Y-%m-%dT%H:%M:%SZ},acme,text {h}" for h in range(1300)]
    rows[1250] = "yesterday,acme,x"
    rows[1251] = "2026-13-01,acme,y"
    path = tmp_path / "de.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_scan_writes_its_notes_and_warnings_in_german(tmp_path: Path) -> None:
    path = _export(tmp_path)
    result = runner.invoke(app, ["scan", str(path), "--lang", "de", "-f", "json"])
    assert result.exit_code == ExitCode.OK
    assert result.stderr.splitlines() == [
        "Warnung: 2 von 1.300 Zeilen konnten nicht verwendet werden und wurden ausgelassen:",
        f"  bad timestamp: 2 in {path} (zuerst in Zeile 1251: 'yesterday')",
        f"Hinweis: {path}: keine Tonalitätsspalte; Tonalität aus dem Text geschätzt, mit dem "
        "eingebauten englisch-deutschen Lexikon (Sprache je Text erkannt)",
        "Hinweis: keine Follower-Zahlen in den Daten: Einfluss wird nicht bewertet",
        "Hinweis: keine Autorenspalte in den Daten: Ausbreitung wird nicht bewertet",
    ]
    # the JSON keeps the English sentences: it is read by programs
    assert json.loads(result.stdout)["notes"] == [
        "no follower counts in the data: influence is not scored",
        "no author column in the data: spread is not scored",
    ]
    english = runner.invoke(app, ["scan", str(path), "--lang", "en", "-f", "json"])
    assert english.stderr.splitlines()[0] == (
        "Warning: 2 of 1,300 rows could not be used and were left out:"
    )


def test_the_rejects_note_follows_the_language(tmp_path: Path) -> None:
    path = _export(tmp_path)
    out = tmp_path / "rejects.csv"
    args = ["scan", str(path), "-f", "json", "--rejects", str(out)]
    german = runner.invoke(app, [*args, "--lang", "de"])
    assert f"Hinweis: 2 ausgesonderte Zeilen nach {out} geschrieben." in german.stderr
    english = runner.invoke(app, [*args, "--lang", "en"])
    assert f"Note: wrote 2 set-aside rows to {out}." in english.stderr
