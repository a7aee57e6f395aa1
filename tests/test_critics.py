"""The critics of a storm cover the last 24 hours, not only the current window."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import stormwatch as sw
from stormwatch.pipeline.critics import CRITIC_SPAN, span_windows

NOW = datetime(2026, 3, 9, 12, tzinfo=UTC)


def test_span_in_windows() -> None:
    assert timedelta(hours=24) == CRITIC_SPAN
    assert (span_windows(timedelta(hours=1)), span_windows(timedelta(hours=5))) == (24, 5)
    assert span_windows(timedelta(days=2)) == 1


def test_a_big_critic_of_two_hours_ago_leads_the_storm(tmp_path: Path) -> None:
    rows = []
    # four quiet days: one neutral mention an hour from rotating customers
    for hour in range(4 * 24, 3, -1):
        at = NOW - timedelta(hours=hour, minutes=30)
        rows.append((at, f"fan{hour % 9}", 200, "neutral"))
    # the storm: the blogger posts two hours ago, then dozens of customers complain
    rows.append((NOW - timedelta(hours=2, minutes=10), "bigblogger", 1_234_567, "negative"))
    for i in range(90):
        at = NOW - timedelta(minutes=150 - i * 5 // 3)
        rows.append((at, f"customer{i}", 50 + i, "negative"))
    rows.append((NOW - timedelta(hours=30), "oldcritic", 5_000_000, "negative"))  # > 24 h ago
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "brand", "author", "followers", "sentiment"])
        for at, author, followers, sentiment in rows:
            writer.writerow(
                [at.strftime("%Y-%m-%d %H:%M:%S"), "acme", author, followers, sentiment]
            )
    report = sw.analyse(path, now=NOW)
    topic = report.topics[0]
    assert topic.level in ("warning", "storm")
    assert topic.critics[0].author == "bigblogger"
    assert (topic.critics[0].followers, topic.critics[0].current) == (1_234_567, False)
    assert topic.critics[0].first_seen == NOW - timedelta(hours=2, minutes=10)
    assert topic.top_critic == topic.critics[0]
    assert [c.current for c in topic.critics[1:]] == [True] * 4  # today's loudest customers
    assert "oldcritic" not in {c.author for c in topic.critics}
    # the current window's authors alone do not name him
    assert "bigblogger" not in {a.author for a in topic.top_authors}
    as_json = sw.to_json(report)
    assert '"in_current_window": false' in as_json
    assert '"first_seen": "2026-03-09T09:50:00Z"' in as_json


def _wave(tmp_path: Path, sentiment: str) -> sw.Report:
    """Four days of two mentions an hour (one in six negative), then 29 mentions in the last
    hour from 29 new authors, all with ``sentiment``."""
    rows = []
    for hour in range(4 * 24, 0, -1):
        for k in range(2):
            at = NOW - timedelta(hours=hour, minutes=10 + 20 * k)
            mood = "negative" if (hour * 2 + k) % 6 == 0 else "neutral"
            rows.append((at, f"reader{(hour + k) % 15}", 300, mood))
    rows += [
        (NOW - timedelta(minutes=2 * i + 1), f"outlet{i}", 20_000, sentiment) for i in range(29)
    ]
    path = tmp_path / f"{sentiment}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["date", "brand", "author", "followers", "sentiment"])
        for at, author, followers, mood in rows:
            writer.writerow([at.strftime("%Y-%m-%d %H:%M:%S"), "acme", author, followers, mood])
    return sw.analyse(path, now=NOW)


def test_a_neutral_news_wave_is_watched_not_a_storm(tmp_path: Path) -> None:
    news = _wave(tmp_path, "neutral").topics[0]
    assert (news.level, news.score, news.held) == ("watch", 49.9, True)
    complaints = _wave(tmp_path, "negative").topics[0]
    assert complaints.level in ("warning", "storm")
    assert not complaints.held


def test_the_table_and_markdown_say_why_a_score_was_held(tmp_path: Path) -> None:
    report = _wave(tmp_path, "neutral")
    assert "held below warning: no more criticism than usual" in sw.to_markdown(report)
    german = replace(report, lang="de")
    assert "unter Warnung gehalten: nicht kritischer als üblich" in sw.to_markdown(german)
