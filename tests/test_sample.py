"""The bundled synthetic Siemens sample, end to end: what `make demo` shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import SAMPLE
from stormwatch.cli.app import app


def test_sample_ranks_the_storm_first_at_storm_level() -> None:
    result = CliRunner().invoke(app, ["scan", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["input"]["rows_read"] == data["input"]["rows_used"] > 20_000
    levels = [(t["topic"], t["level"]) for t in data["topics"]]
    assert levels[0] == ("Siemens", "storm")
    assert {level for _, level in levels[1:]} == {"calm"}
    siemens = data["topics"][0]
    assert siemens["top_critic"]["author"] == "@bigvoice_blog"
    steps = [r["step"] for r in siemens["recommendations"]]
    assert {1, 2, 3, 8} <= set(steps)


@pytest.mark.parametrize(
    ("at", "level"),
    [
        ("2011-09-27T04:00:00Z", "calm"),  # the first complaint only
        ("2011-09-27T08:00:00Z", "warning"),  # the blogger joined, resharing starts
        ("2011-09-27T12:00:00Z", "storm"),
    ],
)
def test_sample_rises_on_the_first_day(at: str, level: str) -> None:
    report = sw.analyse([SAMPLE], now=datetime.fromisoformat(at))
    siemens = next(t for t in report.topics if t.topic == "Siemens")
    assert siemens.level == level
    assert all(t.level == "calm" for t in report.topics if t.topic != "Siemens")


def test_sample_before_the_storm_is_calm() -> None:
    report = sw.analyse([SAMPLE], now=datetime(2011, 9, 20, 12, tzinfo=UTC))
    assert {t.level for t in report.topics} == {"calm"}


def test_sample_storm_names_its_themes() -> None:
    report = sw.analyse([SAMPLE])
    siemens = report.topics[0]
    terms = [t.term for t in siemens.themes]
    # the press release of 21 November, and the complaints about it, set the hour apart
    assert terms[0] == "press release"
    assert len(terms) == 5
    assert all(t.weight >= 3 and t.current_share > 2 * t.baseline_share for t in siemens.themes)
    assert all(not t.themes for t in report.topics[1:])  # calm topics get none
    data = json.loads(sw.to_json(report))
    assert data["topics"][0]["themes"][0]["term"] == "press release"
    assert set(data["topics"][0]["themes"][0]) == {
        "term",
        "weight",
        "current_share",
        "baseline_share",
    }
