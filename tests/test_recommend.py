"""Checklist data and the signal -> step mapping."""

from __future__ import annotations

import string
from dataclasses import replace

import pytest

from stormwatch.models import AuthorStat, SignalResult, TopicResult
from stormwatch.pipeline.checklist import load_checklist
from stormwatch.pipeline.recommend import format_int, format_share, recommend

PLACEHOLDERS = {
    "monitor": {"current", "window", "baseline"},
    "influencer": {"author", "followers"},
    "onlookers": {"authors", "window", "baseline"},
    "open_tone": {"share", "baseline_share"},
    "empathy": {"share"},
    "personality": {"level"},
    "ownership": {"level"},
    "persistent_author": {"author", "share", "mentions"},
    "no_sentiment": set(),
}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_checklist_files_are_complete(lang: str) -> None:
    checklist = load_checklist(lang)  # type: ignore[arg-type]
    assert sorted(checklist.steps) == list(range(1, 12))
    assert all(s.title for s in checklist.steps.values())
    assert all(s.action for s in checklist.steps.values())
    assert set(checklist.levels) == {"calm", "watch", "warning", "storm"}
    for key, expected in PLACEHOLDERS.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(checklist.reasons[key]) if f}
        assert fields == expected, key


def test_number_formats() -> None:
    assert (format_int(1_234_567, "en"), format_int(1_234_567, "de")) == ("1,234,567", "1.234.567")
    assert (format_share(0.642, "en"), format_share(0.642, "de")) == ("64%", "64 %")


def topic(level: str = "storm", **strengths: float) -> TopicResult:
    values = {"velocity": 0.0, "influence": 0.0, "negativity": 0.0, "spread": 0.0, **strengths}
    details = {
        "velocity": {"now": 40, "median": 2},
        "influence": {"reach": 1_000_000},
        "negativity": {"share_now": 0.9, "share_baseline": 0.1},
        "spread": {"now": 35, "median": 2},
    }
    return TopicResult(
        rank=1,
        topic="acme",
        score=80.0,
        level=level,  # type: ignore[arg-type]
        mentions=40,
        baseline=2.0,
        signals={n: SignalResult(n, 0.0, v, 0.0, True, details[n]) for n, v in values.items()},
        top_authors=(AuthorStat("@loud", 1_000_000, 4, 4), AuthorStat("@b", 10, 1, 1)),
        top_critic=AuthorStat("@loud", 1_000_000, 4, 4),
        sparkline=(),
    )


def test_calm_gets_no_steps() -> None:
    assert recommend(topic("calm", velocity=1.0), load_checklist("en"), "1h") == ()


def test_watch_with_only_velocity() -> None:
    steps = recommend(topic("watch", velocity=0.6), load_checklist("en"), "1h")
    assert [s.step for s in steps] == [1, 3]
    assert steps[0].why == load_checklist("en").reasons["monitor"].format(
        current="40", window="1h", baseline="2"
    )


def test_storm_with_everything() -> None:
    steps = recommend(
        topic("storm", velocity=1, influence=0.8, negativity=0.7, spread=1),
        load_checklist("de"),
        "1h",
    )
    assert [s.step for s in steps] == [1, 2, 3, 4, 5, 8, 9]
    assert "@loud" in steps[1].why
    assert "1.000.000" in steps[1].why
    assert "90 %" in steps[3].why


def test_influence_needs_a_known_critic() -> None:
    t = replace(topic("warning", influence=0.9), top_critic=None)
    assert 2 not in [s.step for s in recommend(t, load_checklist("en"), "1h")]


def test_one_persistent_author_points_to_step_11() -> None:
    t = replace(
        topic("watch", velocity=0.3), mentions=10, top_authors=(AuthorStat("@troll", 50, 6, 6),)
    )
    steps = recommend(t, load_checklist("en"), "1h")
    assert [s.step for s in steps] == [1, 11]
    assert "@troll" in steps[1].why
    assert "60%" in steps[1].why
