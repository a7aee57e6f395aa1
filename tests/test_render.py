"""Renderers: exact output on a hand-built Report, and escaping of user-supplied text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from rich.console import Console

from stormwatch.models import (
    AuthorStat,
    InputSummary,
    Recommendation,
    Report,
    SignalResult,
    TopicResult,
)
from stormwatch.render import formats as render


def _signals(points: dict[str, float]) -> dict[str, SignalResult]:
    details = {
        "velocity": {"now": 40.0, "median": 2.0},
        "influence": {"reach": 1_500_000.0},
        "negativity": {"share_now": 0.8, "share_baseline": 0.1, "negative": 32.0},
        "spread": {"now": 38.0, "median": 2.0},
    }
    return {
        name: SignalResult(name, 1.0, points[name] / 40, points[name], True, details[name])
        for name in details
    }


def make_report(topic: str = "acme", author: str = "@critic") -> Report:
    storm = TopicResult(
        rank=1,
        topic=topic,
        score=88.0,
        level="storm",
        mentions=40,
        baseline=2.0,
        signals=_signals({"velocity": 40.0, "influence": 20.0, "negativity": 16.0, "spread": 12.0}),
        top_authors=(AuthorStat(author, 1_500_000, 3, 3),),
        top_critic=AuthorStat(author, 1_500_000, 3, 3),
        sparkline=(0, 1, 2, 40),
        recommendations=(Recommendation(2, "Answer fast", f"{author} is angry", "Reply now."),),
    )
    calm = TopicResult(
        rank=2,
        topic="globex",
        score=0.0,
        level="calm",
        mentions=1,
        baseline=1.0,
        signals=_signals(dict.fromkeys(("velocity", "influence", "negativity", "spread"), 0.0)),
        top_authors=(),
        top_critic=None,
        sparkline=(1, 1),
    )
    return Report(
        evaluated_at=datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
        window="1h",
        baseline="7d",
        by="brand",
        lang="en",
        input=InputSummary(("a.csv",), 10, 9, 1, 0),
        topics=(storm, calm),
        signals_available=("velocity", "influence", "negativity", "spread"),
    )


def test_sparkline_scales_to_the_largest() -> None:
    assert render.sparkline((0, 5, 10)) == "▁▅█"
    assert render.sparkline((0, 0)) == "▁▁"
    assert render.sparkline(()) == ""


def test_describe_signal() -> None:
    sigs = make_report().topics[0].signals
    assert render.describe_signal(sigs["velocity"], "en") == "volume 20× (+40)"
    assert render.describe_signal(sigs["influence"], "en") == "reach 1.5M (+20)"
    assert render.describe_signal(sigs["influence"], "de") == "Reichweite 1,5 Mio. (+20)"
    assert render.describe_signal(sigs["negativity"], "de") == "negativ 80 % (+16)"
    assert render.describe_signal(sigs["spread"], "en") == "38 authors (+12)"


def test_json_contract() -> None:
    data = json.loads(render.to_json(make_report()))
    assert data["evaluated_at"] == "2026-11-23T14:00:00Z"
    assert data["input"]["files"] == ["a.csv"]
    first = data["topics"][0]
    assert first["contributions"] == {
        "velocity": 40.0,
        "influence": 20.0,
        "negativity": 16.0,
        "spread": 12.0,
    }
    assert first["top_critic"] == {
        "author": "@critic",
        "followers": 1_500_000,
        "mentions": 3,
        "negative": 3,
    }
    assert first["recommendations"] == [
        {"step": 2, "title": "Answer fast", "why": "@critic is angry", "action": "Reply now."}
    ]
    assert data["topics"][1]["top_critic"] is None


def test_csv_neutralises_formulas() -> None:
    out = render.to_csv(make_report(topic='=HYPERLINK("http://x")', author="+1 evil"))
    row = out.splitlines()[1]
    assert row.startswith('1,"\'=HYPERLINK(""http://x"")",88.0,storm,')
    assert ",'+1 evil,1500000,2" in row
    assert render.csv_safe("-3") == "'-3"
    assert render.csv_safe(5) == 5


def test_markdown_escapes_user_text() -> None:
    md = render.to_markdown(make_report(topic="a|b <script>", author="@x_y*"))
    assert "| a\\|b \\<script\\> |" in md
    assert "@x\\_y\\* (1.5M)" in md
    assert "<script>" not in md


def test_table_shows_user_text_literally() -> None:
    console = Console(record=True, width=160, color_system=None)
    console.print(render.to_table(make_report(topic="[bold]acme[/bold]")))
    text = console.export_text()
    assert "[bold]acme[/bold]" in text
    assert "STORM" in text
    assert "▁▁▁█" in text
    assert "2. Answer fast: @critic is angry" in text


def test_german_markdown_title_and_levels_read_german() -> None:
    import stormwatch as sw
    from conftest import SAMPLE
    from stormwatch.render.formats import to_markdown

    report = sw.analyse(SAMPLE, sw.Settings(lang="de"))
    lines = to_markdown(report).splitlines()
    assert lines[0] == (
        "## stormwatch — 4 Themen, Stand 21.11.2011 11:59 UTC (Zeitfenster 1h, Basis 7d)"
    )
    assert "| 1 | Siemens | 91,2 | Sturm |" in lines[4]  # a German decimal comma
    assert "| ruhig |" in lines[5]
