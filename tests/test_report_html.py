"""The HTML report: every figure it shows is the JSON output's, the CLI writes it (report and
scan --format html), and hostile text stays text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import SAMPLE, WriteCsv, storm_rows
from report_helpers import HOSTILE_HEADER, HOSTILE_TOPIC, figures, hostile_rows, json_value
from stormwatch.cli.main import app
from stormwatch.render.formats import report_dict
from stormwatch.report.history import histories
from stormwatch.report.html import to_html
from stormwatch.settings import Settings

runner = CliRunner()


def _shown(text: str, lang: str) -> tuple[float, int]:
    """A figure as shown (``1,000,000``, ``91.2``, ``64×``, ``21 %``): its value and the
    number of decimals shown."""
    digits = re.sub(r"[^\d.,-]", "", text)
    group, point = (".", ",") if lang == "de" else (",", ".")
    digits = digits.replace(group, "").replace(point, ".")
    decimals = len(digits.split(".", 1)[1]) if "." in digits else 0
    return float(digits), decimals


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_figure_shown_is_the_json_s(lang: str) -> None:
    settings = Settings(lang=lang)  # type: ignore[arg-type]
    report = sw.analyse(SAMPLE, settings)
    data = json.loads(json.dumps(report_dict(report)))
    page = to_html(report, histories(SAMPLE, report, settings))
    found = figures(page)
    keys = {key for key, _, _ in found}
    top = "topics.0"
    expected = {
        "evaluated_at",
        "input.rows_read",
        f"{top}.score",
        f"{top}.surge.now",
        f"{top}.surge.usual",
        f"{top}.surge.ratio",
        f"{top}.context.response_gap.episode_start",
        f"{top}.critics.0.followers",
        f"{top}.critics.2.first_seen",
        f"{top}.top_mentions.4.engagement",
        f"{top}.themes.0.current_share",
        f"{top}.recommendations.0.why",
    }
    assert expected <= keys
    for key, text, attrs in found:
        value = json_value(data, key)
        if "datetime" in attrs:  # a <time>: its moment is the JSON's
            assert attrs["datetime"] == value, key
        elif isinstance(value, str):
            assert text == value, key
        else:
            shown, decimals = _shown(text, lang)
            scale = float(attrs.get("data-scale") or 1)
            assert abs(shown - value * scale) <= 0.5 * 10**-decimals + 1e-9, (key, text, value)
    # The surge says the step's number: "129 critical mentions …, usually about 2 (64×)".
    step = json_value(data, f"{top}.recommendations.0.why")
    ratio = next(t for k, t, _ in found if k == f"{top}.surge.ratio")
    assert f"({ratio})" in step


def test_report_writes_the_file_scan_format_html_prints(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(SAMPLE), "--out", str(out)])
    assert (result.exit_code, result.stderr) == (0, f"Note: wrote {out}.\n")
    printed = runner.invoke(app, ["scan", str(SAMPLE), "--format", "html"])
    assert printed.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert printed.stdout == page
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<script" not in page
    # Nothing to load: the only links are the mentions' http(s) URLs, no src at all.
    links = re.findall(r"(?:src|href)=\"(?!#)([^\"]*)\"", page)
    assert links == re.findall(r"href=\"(https://[^\"]*)\"", page)
    assert len(links) == 5
    assert "@bigvoice_blog" in page
    german = runner.invoke(app, ["report", str(SAMPLE), "--lang", "de", "-o", str(out), "-q"])
    assert (german.exit_code, german.stderr) == (0, "")
    assert "Empfohlene nächste Schritte" in out.read_text(encoding="utf-8")


def test_report_will_not_overwrite_an_input_or_leave_half_a_file(tmp_path: Path) -> None:
    copy = tmp_path / "in.csv"
    copy.write_bytes(SAMPLE.read_bytes())
    result = runner.invoke(app, ["report", str(copy), "--out", str(copy)])
    assert result.exit_code == 2
    assert "is one of the input files" in result.stderr
    folder = tmp_path / "taken"
    folder.mkdir()  # --out names a directory: nothing is written, no part file is left
    result = runner.invoke(app, ["report", str(copy), "--out", str(folder)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {folder}: ")
    assert result.stderr.endswith("\nHint: choose a writable --out path\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "taken"]
    assert list(folder.iterdir()) == []


def test_hostile_text_is_text(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv(hostile_rows(), header=HOSTILE_HEADER)
    out = tmp_path / "hostile.html"
    result = runner.invoke(app, ["report", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "<img" not in page
    assert "<h1>fake" not in page
    assert "javascript:" not in page.replace("javascript:window.pwned=3", "")  # shown as text
    assert 'href="javascript' not in page
    assert "\u202e" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;Acme&quot;" in page
    assert HOSTILE_TOPIC not in page
    # The 10 kB word is cut to the excerpt's length, not carried whole.
    assert "x" * 300 not in page


def test_a_calm_export_gets_a_summary_and_no_timeline(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv(storm_rows(storm_hours=0))
    out = tmp_path / "calm.html"
    result = runner.invoke(app, ["report", str(path), "--out", str(out), "--lang", "de", "-q"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert '<p class="calm">Alle Themen sind ruhig.</p>' in page
    assert "<svg" not in page
    assert [k for k, _, _ in figures(page) if k.endswith(".score")] == [
        "topics.0.score",
        "topics.1.score",
    ]
