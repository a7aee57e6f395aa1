"""A volume series with fractional values (a metric such as 0.08) keeps its fractions: it is
scored on its own scale, not rounded to whole mentions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

import stormwatch as sw
from stormwatch.backtest.replay import replay
from stormwatch.pipeline.normalise import normalise
from stormwatch.settings import LEVELS
from stormwatch.sources import read_source

T0 = datetime(2026, 2, 2, tzinfo=UTC)


def series(tmp_path: Path, surge: float) -> Path:
    """Four days of 5-minute values around 0.08, the last hour at ``surge``."""
    rng = np.random.default_rng(7)
    steps = 4 * 288
    values = 0.08 + 0.01 * rng.standard_normal(steps)
    values[-12:] = surge
    path = tmp_path / "metric.csv"
    pl.DataFrame(
        {
            "timestamp": [T0 + timedelta(minutes=5 * i) for i in range(steps)],
            "value": np.round(values, 4),
        }
    ).write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")
    return path


def test_fractional_values_are_kept(tmp_path: Path) -> None:
    frame = normalise(read_source(series(tmp_path, 0.5))).collect()
    assert frame["count"].dtype == pl.Float64
    assert frame["count"].tail(1).item() == 0.5
    assert frame["_reject"].null_count() == frame.height


def test_a_surge_of_a_metric_is_seen_and_its_quiet_is_calm(tmp_path: Path) -> None:
    report = sw.analyse(series(tmp_path, 0.5))
    topic = report.topics[0]
    assert topic.level == "storm"  # six times its level; rounded, every value was 0
    velocity = topic.signals["velocity"].detail
    assert 0.9 < velocity["median"] < 1.0  # an hour of 12 values around 0.08
    assert velocity["now"] == 6.0  # the hour's sum: 12 x 0.5
    calm = sw.analyse(series(tmp_path, 0.08)).topics[0]
    assert calm.level == "calm"


def test_the_replay_scores_a_metric_as_scan_does(tmp_path: Path) -> None:
    path = series(tmp_path, 0.5)
    usable = normalise(read_source(path)).filter(pl.col("_reject").is_null()).collect()
    timeline = replay(usable, sw.Settings())
    for step in (-1, -6, -200):
        moment = datetime.fromtimestamp(int(timeline.times[step]) / 1e6, UTC)
        topic = sw.analyse(path, now=moment).topics[0]
        assert timeline.score[0, step] == topic.score
        assert LEVELS[int(timeline.level[0, step])] == topic.level
