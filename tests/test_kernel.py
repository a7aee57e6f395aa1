"""One kernel: ``scan --at t`` and the replay at step ``t`` compute the same signals, score and
level, for random exports (sentiment and followers present only in part, gaps, the same time
twice, several topics)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import stormwatch as sw
from stormwatch.backtest.replay import replay
from stormwatch.pipeline.normalise import normalise
from stormwatch.settings import LEVELS
from stormwatch.sources import read_source

T0 = datetime(2026, 3, 2, tzinfo=UTC)
# sentiment estimated from texts is an input stage of its own (sentiment/fill.py), not the kernel
SETTINGS = sw.Settings(window="1h", baseline="12h", record="6h", estimate_sentiment=False)
SENTIMENTS = ("negative", "neutral", "positive")


@st.composite
def exports(draw: st.DrawFn) -> list[dict[str, object]]:
    """Mentions over about a day and a half: bursts, gaps, repeated times; sentiment and
    follower counts only from a random moment on (or until it)."""
    topics = draw(st.lists(st.sampled_from(["acme", "globex", "initech"]), min_size=1,
                           max_size=3, unique=True))  # fmt: skip
    minutes = draw(st.lists(st.integers(0, 36 * 60), min_size=20, max_size=160))
    burst_at = draw(st.integers(12 * 60, 36 * 60))
    burst = draw(st.integers(0, 60))
    minutes += [burst_at - (i % 50) for i in range(burst)]
    rated_from = draw(st.integers(0, 36 * 60))
    rated_before = draw(st.booleans())  # sentiment until rated_from instead of from it
    with_followers = draw(st.sets(st.integers(0, 12)))  # authors whose export has a count
    rows = []
    for i, minute in enumerate(sorted(minutes)):
        rated = (minute < rated_from) if rated_before else (minute >= rated_from)
        number = draw(st.integers(0, 12))
        author = f"user{number}"
        rows.append(
            {
                "timestamp": (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "brand": topics[i % len(topics)],
                "author": author,
                # one follower count per author (the replay takes an author's largest so far)
                "followers": str(1000 * number**3) if number in with_followers else "",
                "sentiment": SENTIMENTS[draw(st.integers(0, 2))] if rated else "",
                "text": f"post {i}",
            }
        )
    return rows


def write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=exports(), probes=st.lists(st.floats(0.0, 1.0), min_size=3, max_size=3))
def test_scan_equals_the_replay_at_random_moments(
    tmp_path: Path, rows: list[dict[str, object]], probes: list[float]
) -> None:
    path = tmp_path / "export.csv"
    write(path, rows)
    usable = normalise(read_source(path)).filter(pl.col("_reject").is_null()).collect()
    timeline = replay(usable, SETTINGS)
    for probe in probes:
        step = int(probe * (timeline.times.size - 1))
        moment = datetime.fromtimestamp(int(timeline.times[step]) / 1e6, UTC)
        report = sw.analyse([path], SETTINGS, now=moment, options=sw.ReadOptions())
        for topic in report.topics:
            row = timeline.topics.index(topic.topic)
            where = (moment, topic.topic)
            assert timeline.mentions[row, step] == topic.mentions, where
            for name, signal in topic.signals.items():
                got = round(float(timeline.strengths[name][row, step]), 3)
                assert got == signal.value, (*where, name)
                assert round(float(timeline.points[name][row, step]), 1) == signal.points, where
            assert timeline.score[row, step] == topic.score, where
            assert LEVELS[int(timeline.level[row, step])] == topic.level, where
        # the signals that count are decided over the same horizon
        assert set(report.signals_available) <= set(timeline.available)
    assert np.all(timeline.score <= 100.0)
