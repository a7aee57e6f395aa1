"""Context indicators on real CSV exports: newcomers, concentration (step 11 for a one-author
burst), media pick-up and the platforms, and how they reach the JSON, CSV, Markdown and table."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import WriteCsv, iso
from stormwatch.cli.app import app
from stormwatch.models import Context, TopicResult
from stormwatch.pipeline.context import MEDIA_PATTERN

HEADER = ("timestamp", "brand", "author", "followers", "text", "sentiment", "platform")
T0 = datetime(2026, 11, 2, tzinfo=UTC)  # a Monday
HOURS = 48  # of calm history before the current window
NOW = T0 + timedelta(hours=HOURS + 1)  # the current window is the 49th hour
AT = iso(NOW)
Row = list[object]


def calm(per_hour: int = 2, platforms: tuple[str, ...] = ("twitter",)) -> list[Row]:
    """``per_hour`` neutral mentions an hour for ``HOURS`` hours from four regular authors,
    cycling through ``platforms``."""
    rows: list[Row] = []
    for h in range(HOURS):
        for i in range(per_hour):
            at = T0 + timedelta(hours=h, minutes=5 + i * 50 // per_hour)
            k = h * per_hour + i
            platform = platforms[k % len(platforms)]
            rows.append([iso(at), "acme", f"@reg{k % 4}", 100, "fridge", "neutral", platform])
    return rows


def now_rows(
    authors: list[str], sentiment: str = "negative", platform: str = "twitter"
) -> list[Row]:
    """One mention per entry of ``authors`` in the current window, a minute apart."""
    start = NOW - timedelta(minutes=55)
    return [
        [iso(start + timedelta(minutes=i)), "acme", a, 200, "door broken", sentiment, platform]
        for i, a in enumerate(authors)
    ]


def topic(path: Path) -> TopicResult:
    report = sw.analyse([path], now=NOW)
    (result,) = report.topics
    return result


def context(path: Path) -> Context:
    c = topic(path).context
    assert c is not None
    return c


def test_newcomers_and_amplification(write_csv: WriteCsv) -> None:
    new = [f"@new{i}" for i in range(1, 9)]
    rows = calm() + now_rows(["@reg0", *new, "@new1", "@new1"]) + now_rows(["@reg1"], "positive")
    c = context(write_csv(rows, header=HEADER))
    # 9 critical authors now (@reg1 only praised), 8 of them never seen in the baseline
    assert (c.critical_authors, c.newcomers, c.newcomer_share) == (9, 8, 0.889)
    assert (c.top_author, c.top_author_mentions, c.mentions, c.concentration) == (
        "@new1",
        3,
        12,
        0.25,
    )
    # 9 critical authors against a baseline of 2 an hour: z = 7 / sqrt(3) = 4.04 >= 2
    assert c.stage == "amplification"
    assert c.explanations["newcomers"] == (
        "8 of 9 critical authors (89%) are new to the topic: the criticism reaches beyond the "
        "usual network, as firestorms do"
    )
    assert c.explanations["concentration"] == (
        "the most active author, @new1, wrote 25% of the 12 mentions: not one author's campaign"
    )
    assert c.explanations["stage"] == (
        "amplification: 9 critical authors, more than usual, on social platforms"
    )


def test_usual_voices_are_no_newcomers_and_few_authors_are_a_single_complaint(
    write_csv: WriteCsv,
) -> None:
    # three regulars, loud enough to reach watch (newcomers are counted from watch up)
    result = topic(write_csv(calm() + now_rows(["@reg0", "@reg1", "@reg2"] * 6), header=HEADER))
    c = result.context
    assert c is not None
    assert result.level != "calm"
    assert (c.critical_authors, c.newcomers, c.newcomer_share) == (3, 0, 0.0)
    assert c.stage == "single complaint"
    assert c.explanations["newcomers"].endswith(": mostly the usual voices")


def test_calm_topics_carry_no_context(write_csv: WriteCsv) -> None:
    # the indicators come from the pass over the topics at watch or above: a calm export is
    # read once
    result = topic(write_csv(calm() + now_rows(["@reg0", "@reg1", "@reg0"]), header=HEADER))
    assert result.level == "calm"
    assert result.context is None


def test_without_history_nobody_is_called_new(write_csv: WriteCsv) -> None:
    result = topic(write_csv(now_rows(["@a", "@b"] * 10), header=HEADER))
    c = result.context
    assert c is not None  # 20 negative mentions: watch
    assert result.level != "calm"
    assert (c.critical_authors, c.newcomers, c.newcomer_share) == (2, 2, None)
    assert c.explanations["newcomers"] == (
        "2 critical authors; too little history to tell who is new"
    )


def test_one_author_burst_is_concentrated_and_gets_step_11(write_csv: WriteCsv) -> None:
    rows = calm() + now_rows(["@blogger"] * 20 + ["@x", "@y"])
    result = topic(write_csv(rows, header=HEADER))
    c = result.context
    assert c is not None
    assert (c.top_author, c.top_author_mentions, c.mentions, c.concentration) == (
        "@blogger",
        20,
        22,
        0.909,
    )
    assert c.stage == "single complaint"  # three critical authors
    assert c.explanations["concentration"] == (
        "@blogger wrote 91% of the 22 mentions (20 posts): one persistent author rather than a "
        "broad storm"
    )
    assert result.level != "calm"
    steps = {r.step: r.why for r in result.recommendations}
    assert steps[11] == (
        "@blogger wrote 91% of the 22 mentions in the last 1h (20 posts): one persistent "
        "author, not a broad storm. Answer once with the facts, then step back"
    )
    # The volume is one author's: no "growing audience" (step 3) for it.
    assert 3 not in steps


def test_media_pick_up(write_csv: WriteCsv) -> None:
    rows = calm(4, ("twitter", "twitter", "twitter", "Online News"))
    authors = [f"@n{i}" for i in range(30)]
    rows += now_rows(authors[:15], platform="News") + now_rows(authors[15:21], platform="Blogs")
    rows += now_rows(authors[21:], platform="Twitter")
    result = topic(write_csv(rows, header=HEADER))
    c = result.context
    assert c is not None
    assert (c.media_mentions, c.media_share, c.media_share_baseline) == (21, 0.7, 0.25)
    assert (c.platforms, c.platforms_baseline, c.new_platforms) == (3, 2, ("blogs", "news"))
    assert c.stage == "media pick-up"
    assert c.explanations["media"] == (
        "news and blogs carry 70% of the mentions now, 25% in the baseline; 3 platforms now, "
        "2 in the baseline; new: blogs, news: the media are picking it up"
    )
    assert result.level != "calm"
    steps = {r.step: r.why for r in result.recommendations}
    assert steps[3] == (
        "News and blogs carry 70% of the mentions, usually 25%: journalists are reading along"
    )


def test_a_media_share_that_does_not_rise_is_no_pick_up(write_csv: WriteCsv) -> None:
    rows = calm(4, ("news", "twitter"))
    rows += now_rows([f"@n{i}" for i in range(3)] * 3, platform="news")
    rows += now_rows([f"@t{i}" for i in range(3)] * 3, platform="twitter")
    c = context(write_csv(rows, header=HEADER))  # 18 critical mentions against 4: watch
    assert (c.media_mentions, c.media_share, c.media_share_baseline) == (9, 0.5, 0.5)
    # six critical authors against four an hour: z = 2 / sqrt(5) = 0.89 < 2, no more than usual
    assert c.stage == "steady"
    assert c.explanations["media"].endswith(": no media pick-up")


def test_without_a_platform_column_media_cannot_be_told(write_csv: WriteCsv) -> None:
    rows = [r[:6] for r in calm() + now_rows(["@a", "@b"] * 10)]
    c = context(write_csv(rows, header=HEADER[:6]))
    assert (c.media_mentions, c.media_share, c.media_share_baseline, c.platforms) == (
        0,
        None,
        None,
        0,
    )
    assert c.explanations["media"] == "no platform in the data: media pick-up cannot be told"


@pytest.mark.parametrize(
    ("value", "media"),
    [
        ("news", True),
        ("Online News", True),
        ("ONLINENEWS", True),
        ("blogs", True),
        ("Blog", True),
        ("Nachrichten", True),
        ("print", True),
        ("Press", True),
        ("Presse", True),
        ("Zeitung", True),
        ("TV", True),
        ("twitter", False),
        ("microblog", False),
        ("Weibo", False),
        ("facebook", False),
        ("forums", False),
    ],
)
def test_media_platform_names(value: str, media: bool) -> None:
    frame = pl.DataFrame({"p": [value]}).select(
        pl.col("p").str.strip_chars().str.to_lowercase().str.contains(MEDIA_PATTERN)
    )
    assert frame.item() is media


def test_context_in_every_output_format(write_csv: WriteCsv) -> None:
    path = write_csv(calm() + now_rows(["@blogger"] * 20 + ["@x", "@y"]), header=HEADER)
    runner = CliRunner()
    data = json.loads(runner.invoke(app, ["scan", str(path), "--at", AT, "-f", "json"]).stdout)
    ctx = data["topics"][0]["context"]
    assert ctx["stage"] == "single complaint"
    assert ctx["concentration"] == {
        "top_author": "@blogger",
        "top_author_mentions": 20,
        "mentions": 22,
        "share": 0.909,
    }
    assert ctx["newcomers"] == {"critical_authors": 3, "newcomers": 3, "share": 1.0}
    assert ctx["media"] == {
        "mentions": 0,
        "share": 0.0,
        "share_baseline": 0.0,
        "platforms": 1,
        "platforms_baseline": 1,
        "new_platforms": [],
    }
    assert ctx["response_gap"]["status"] == "unknown"
    assert ctx["reshares"] == {"now": 0, "baseline_median": 0.0}
    assert set(ctx["explanations"]) == {
        "stage",
        "newcomers",
        "concentration",
        "media",
        "reshares",
        "response_gap",
    }

    lines = runner.invoke(app, ["scan", str(path), "--at", AT, "-f", "csv"]).stdout.splitlines()
    row = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert {k: row[k] for k in ("stage", "newcomer_share", "concentration", "response_gap")} == {
        "stage": "single complaint",
        "newcomer_share": "1.0",
        "concentration": "0.909",
        "response_gap": "unknown",
    }
    assert (row["media_share"], row["media_share_baseline"], row["response_gap_hours"]) == (
        "0.0",
        "0.0",
        "",
    )

    md = runner.invoke(app, ["scan", str(path), "--at", AT, "-f", "markdown"]).stdout
    assert "| stage / reply |" in md
    assert "| single complaint · reply unknown (no --brand-handle) |" in md

    wide = {"COLUMNS": "200"}
    table = runner.invoke(app, ["scan", str(path), "--at", AT, "-f", "table"], env=wide).stdout
    assert "single complaint" in table
    assert "single complaint · reply unknown (no --brand-handle)" in table


def test_german_explanations(write_csv: WriteCsv) -> None:
    path = write_csv(calm() + now_rows(["@blogger"] * 20 + ["@x", "@y"]), header=HEADER)
    report = sw.analyse([path], sw.Settings(lang="de"), now=NOW)
    c = report.topics[0].context
    assert c is not None
    assert c.explanations["concentration"] == (
        "@blogger schrieb 91 % der 22 Erwähnungen (20 Beiträge): ein einzelner hartnäckiger "
        "Autor, kein breiter Sturm"
    )
    assert c.explanations["stage"] == (
        "Einzelbeschwerde: 3 kritische(r) Autor(en), noch nicht von anderen aufgegriffen"
    )


def test_reshares_spreading_fast_point_to_the_onlookers(write_csv: WriteCsv) -> None:
    # every calm mention is a reshare ("RT @reg0: …"): two an hour; 12 now
    rows = calm()
    for r in rows:
        r[4] = "RT @reg0: fridge"
    now = now_rows(["@reg2", "@reg3"] * 6)
    for r in now:
        r[4] = "rt @critic: door broken"  # any case
    result = topic(write_csv(rows + now, header=HEADER))
    c = result.context
    assert c is not None
    assert (c.reshares, c.reshares_median) == (12, 2.0)
    assert c.explanations["reshares"] == (
        "12 reshares in the current window, 2 per window usually: the criticism is being "
        "passed on fast"
    )
    why = {r.step: r.why for r in result.recommendations}
    assert why[3] == (
        "12 reshares in the last 1h, usually 2: the criticism is being passed on, write for "
        "the people who only see it shared"
    )
