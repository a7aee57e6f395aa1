"""The response gap on real CSV exports: the episode start, an open gap with its weekend and
evening flags, a brand reply closing it, the brand's own posts kept out of every count, and the
brand handles from `scan --brand-handle` and from a watch of the alert configuration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import stormwatch as sw
from alerts_helpers import write_config
from conftest import WriteCsv, iso
from stormwatch.alerts.config import load_alert_config
from stormwatch.cli.app import ExitCode, app
from stormwatch.errors import ConfigError
from stormwatch.models import TopicResult
from stormwatch.sources import ReadOptions

HEADER = ("timestamp", "brand", "author", "followers", "text", "sentiment", "platform")
T0 = datetime(2026, 11, 5, tzinfo=UTC)  # a Thursday
Row = list[object]
runner = CliRunner()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """November 2026, UTC (the 6th is a Friday, the 7th a Saturday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def row(moment: datetime, author: str, sentiment: str, followers: int = 100) -> Row:
    return [iso(moment), "acme", author, followers, "door broken", sentiment, "twitter"]


def praise(until: datetime) -> list[Row]:
    """One positive mention an hour from T0 to ``until``: history without criticism."""
    hours = int((until - T0) / timedelta(hours=1))
    return [
        row(T0 + timedelta(hours=h, minutes=30), f"@fan{h % 3}", "positive") for h in range(hours)
    ]


def storm(first: datetime, hours: int, per_hour: int = 10) -> list[Row]:
    """``per_hour`` negative mentions from new authors in each of ``hours`` consecutive hours,
    the first of them at ``first``."""
    rows: list[Row] = []
    for h in range(hours):
        start = first + timedelta(hours=h)
        rows += [
            row(start + timedelta(minutes=3 * i), f"@a{h}_{i}", "negative") for i in range(per_hour)
        ]
    return rows


NOW = at(7, 22)  # Saturday 22:00 UTC
#: An isolated complaint at 17:10, a quiet hour, then a storm from Saturday 19:10 to 22:00.
SATURDAY = [
    *praise(NOW),
    row(at(7, 17, 10), "@early", "negative"),
    *storm(at(7, 19, 10), 3),
    row(at(7, 18, 30), "@AcmeCare", "neutral"),  # the brand, before the storm: no reply to it
]
REPLY = at(7, 20, 40)
REPLY_ISO = "2026-11-07T20:40:00Z"


def analyse(path: Path, *handles: str, timezone: str = "UTC", now: datetime = NOW) -> TopicResult:
    report = sw.analyse(
        [path], now=now, options=ReadOptions(timezone=timezone), brand_handles=handles
    )
    (topic,) = report.topics
    assert report.input.timezone == timezone
    return topic


def test_an_open_gap_that_began_on_a_saturday_evening(write_csv: WriteCsv) -> None:
    topic = analyse(write_csv(SATURDAY, header=HEADER), "@acmecare")
    assert topic.context is not None
    gap = topic.context.response
    # The run of windows above the baseline median (0) reaches back to 19:00-20:00; the 17:10
    # complaint is cut off by the quiet hour after it.
    assert (gap.status, gap.episode_start, gap.replied_at) == ("open", at(7, 19, 10), None)
    assert (gap.hours, gap.evening, gap.weekend) == (2.83, True, True)
    assert topic.context.explanations["response_gap"] == (
        "open for 2.8 h: no reply from the brand's own accounts since the criticism began "
        "(Sat 2026-11-07 19:10 UTC), on a weekend evening"
    )
    assert topic.level != "calm"
    steps = {r.step: r.why for r in topic.recommendations}
    assert steps[10] == (
        "No reply from your own accounts for 2.8 h since the criticism began (Sat 2026-11-07 "
        "19:10 UTC, on a weekend evening): make sure someone can answer in the evenings and at "
        "weekends"
    )


def test_a_brand_reply_closes_the_gap_and_never_counts_as_criticism(write_csv: WriteCsv) -> None:
    rows = [
        *SATURDAY,
        # The brand apologises (rated negative!) from an account with a million followers.
        row(REPLY, "@AcmeCare", "negative", 1_000_000),
        row(at(7, 21, 50), "acmecare", "negative", 1_000_000),
    ]
    path = write_csv(rows, header=HEADER)
    topic = analyse(path, "ACMECARE")  # any case, @ optional
    assert topic.context is not None
    gap = topic.context.response
    assert (gap.status, gap.episode_start, gap.replied_at, gap.hours) == (
        "replied",
        at(7, 19, 10),
        REPLY,
        1.5,
    )
    assert topic.context.explanations["response_gap"] == (
        "closed: the brand replied 1.5 h after the criticism began (Sat 2026-11-07 19:10 UTC)"
    )
    assert 10 not in [r.step for r in topic.recommendations]
    # The brand's posts are no mentions, authors or critics of its own topic (11 mentions
    # now: the storm's 10 and one fan's praise) ...
    assert (topic.mentions, topic.context.critical_authors, topic.context.mentions) == (11, 10, 11)
    assert topic.top_critic is not None
    assert topic.top_critic.author != "acmecare"
    assert all(a.author.lower().lstrip("@") != "acmecare" for a in topic.top_authors)
    # ... while without the handle the same post is one more critical author with 1M followers.
    unknown = analyse(path)
    assert unknown.context is not None
    assert (unknown.mentions, unknown.context.critical_authors) == (12, 11)
    assert unknown.top_critic is not None
    assert unknown.top_critic.author.lower().lstrip("@") == "acmecare"


def test_without_brand_handles_the_gap_is_unknown(write_csv: WriteCsv) -> None:
    topic = analyse(write_csv(SATURDAY, header=HEADER))
    assert topic.context is not None
    gap = topic.context.response
    assert (gap.status, gap.hours, gap.replied_at) == ("unknown", None, None)
    # Not known as the brand's, its neutral post at 18:30 is criticism like any other and
    # links the 17:10 complaint to the storm.
    assert gap.episode_start == at(7, 17, 10)
    assert topic.context.explanations["response_gap"] == (
        "unknown: no brand handles given (scan --brand-handle, or brand_handles in a watch)"
    )
    assert 10 not in [r.step for r in topic.recommendations]


def test_evening_is_local_to_the_report_timezone(write_csv: WriteCsv) -> None:
    # Friday 17:30 UTC is 18:30 in Berlin (CET): evening there, not in UTC.
    now = at(6, 20)
    path = write_csv([*praise(now), *storm(at(6, 17, 30), 3)], header=HEADER)
    utc = analyse(path, "@acme", now=now)
    assert utc.context is not None
    assert (utc.context.response.hours, utc.context.response.evening) == (2.5, False)
    assert utc.context.response.weekend is False
    steps = {r.step: r.why for r in utc.recommendations}
    assert steps[10] == (
        "No reply from your own accounts for 2.5 h since the criticism began (Fri 2026-11-06 "
        "17:30 UTC): answer where the fire is"
    )
    berlin = analyse(path, "@acme", timezone="Europe/Berlin", now=now)
    assert berlin.context is not None
    assert (berlin.context.response.evening, berlin.context.response.weekend) == (True, False)
    assert berlin.context.explanations["response_gap"] == (
        "open for 2.5 h: no reply from the brand's own accounts since the criticism began "
        "(Fri 2026-11-06 18:30 Europe/Berlin), in the evening"
    )


def test_no_criticism_now_is_nothing_to_answer(write_csv: WriteCsv) -> None:
    # praise alone is no criticism: the topic stays calm and has no episode to answer
    topic = analyse(write_csv(praise(NOW), header=HEADER), "@acme")
    assert topic.level == "calm"
    assert topic.context is None


def test_brand_handle_option(write_csv: WriteCsv) -> None:
    path = write_csv([*SATURDAY, row(REPLY, "@AcmeCare", "neutral")], header=HEADER)
    args = ["scan", str(path), "--at", iso(NOW), "-f", "json"]
    result = runner.invoke(app, [*args, "--brand-handle", "@nobody", "--brand-handle", "AcmeCare"])
    assert result.exit_code == ExitCode.OK, result.output
    assert json.loads(result.stdout)["topics"][0]["context"]["response_gap"] == {
        "status": "replied",
        "episode_start": "2026-11-07T19:10:00Z",
        "replied_at": "2026-11-07T20:40:00Z",
        "hours": 1.5,
        "evening": True,
        "weekend": True,
        "timezone": "UTC",
    }
    table = runner.invoke(
        app, [*args[:-1], "table", "--brand-handle", "@AcmeCare"], env={"COLUMNS": "200"}
    )
    assert "replied after 1.5 h" in table.stdout
    bad = runner.invoke(app, [*args, "--brand-handle", "@"])
    assert bad.exit_code == ExitCode.ERROR
    assert bad.stderr == (
        "Error: brand handle '@' is empty\nHint: name the account, e.g. --brand-handle @acme\n"
    )


def test_brand_handles_in_an_alert_watch(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv([*SATURDAY, row(REPLY, "@AcmeCare", "neutral")], header=HEADER)
    config = write_config(
        tmp_path,
        [path],
        webhook="http://127.0.0.1:9/hook",
        notify_at="watch",
        watch_extra='brand_handles = ["@AcmeCare", "acme_help"]',
    )
    (watch,) = load_alert_config(config, env={}).watches
    assert watch.brand_handles == ("acmecare", "acme_help")
    result = runner.invoke(app, ["alert", "--config", str(config), "--at", iso(NOW), "--dry-run"])
    assert result.exit_code == ExitCode.OK, result.output
    payload, _ = json.JSONDecoder().raw_decode(result.stdout[result.stdout.index("{") :])
    gap = payload["alert"]["details"]["context"]["response_gap"]  # the topic as in scan's JSON
    assert (gap["status"], gap["replied_at"], gap["hours"]) == ("replied", REPLY_ISO, 1.5)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["@"]', "brand handle '@' is empty"),
        ('[""]', "expected a list of strings"),
        ("3", "expected a list of strings"),
    ],
)
def test_bad_brand_handles_in_a_watch(tmp_path: Path, value: str, message: str) -> None:
    config = write_config(
        tmp_path, [tmp_path / "x.csv"], smtp_port=25, watch_extra=f"brand_handles = {value}"
    )
    with pytest.raises(ConfigError) as info:
        load_alert_config(config, env={})
    assert info.value.key == "watch[1].brand_handles"
    assert str(info.value) == f"{config}: watch[1].brand_handles: {message}"
