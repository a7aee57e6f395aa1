"""Backtest: NAB scoring by hand, labels, the causal replay (equal to scan), and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import T0, WriteCsv, storm_rows
from stormwatch.backtest import nab
from stormwatch.backtest.labels import Window, load_labels
from stormwatch.backtest.replay import replay
from stormwatch.backtest.run import backtest
from stormwatch.cli.main import app
from stormwatch.errors import InputError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sources import read_source

# --- NAB scoring -----------------------------------------------------------------------------


def test_scaled_sigmoid_edges() -> None:
    assert nab.scaled_sigmoid(-1.0) == pytest.approx(0.98661, abs=1e-5)
    assert nab.scaled_sigmoid(-0.5) == pytest.approx(0.84828, abs=1e-5)
    assert nab.scaled_sigmoid(0.0) == 0.0
    assert nab.scaled_sigmoid(3.0) == -1.0
    assert nab.probation_rows(15_902) == 750
    assert nab.probation_rows(1_000) == 150


def test_score_file_by_hand() -> None:
    # 2000 rows, probation 300; windows of width 100 at 500..599 and 1200..1299.
    windows = [(500, 599), (1200, 1299)]
    detections = [100, 400, 550, 560, 700, 1400]
    got = nab.score_file(2000, windows, detections)
    tp = nab.scaled_sigmoid(-(599 - 550 + 1) / 100) / nab.scaled_sigmoid(-1.0)  # first in window
    fp_before = nab.scaled_sigmoid(3.0) * 0.11  # 400: before any window
    fp_after_1 = nab.scaled_sigmoid((700 - 599) / 99) * 0.11
    fp_after_2 = nab.scaled_sigmoid((1400 - 1299) / 99) * 0.11
    assert got.raw == pytest.approx(tp - 1.0 + fp_before + fp_after_1 + fp_after_2)
    assert (got.windows, got.detected, got.false_positives) == (2, 1, 3)  # 100 is probation
    assert (got.null, got.perfect) == (-2.0, 2.0)
    assert nab.normalised([got]) == pytest.approx(100 * (got.raw + 2) / 4)
    assert nab.normalised([nab.score_file(2000, windows, [])]) == 0.0
    perfect = nab.score_file(2000, windows, [500, 1200])
    assert nab.normalised([perfect]) == pytest.approx(100.0)
    # The points short of 100: 25 points a window (100 / (perfect - null) = 25 per unit).
    lost = nab.lost([got])
    assert lost is not None
    assert lost.late == pytest.approx(25 * (1 - tp))
    assert lost.missed == pytest.approx(25 * 2)
    assert lost.false_alarms == pytest.approx(-25 * (fp_before + fp_after_1 + fp_after_2))
    assert lost.late + lost.missed + lost.false_alarms == pytest.approx(
        100 - 100 * (got.raw + 2) / 4
    )
    lost_none = nab.lost([perfect])
    assert lost_none == nab.Lost(0.0, 0.0, 0.0)
    assert f"{lost_none.false_alarms:.1f}" == "0.0"  # not "-0.0" in the table


def test_score_without_scored_windows_is_none_and_a_one_row_window_scores() -> None:
    # A window that ends inside probation (the first 300 of 2000 rows) is not scored.
    early = nab.score_file(2000, [(100, 200)], [150, 900])
    assert (early.windows, early.false_positives) == (0, 1)
    assert nab.normalised([early]) is None
    assert nab.lost([early]) is None
    # A window of one row: a detection after it is a false positive at position (i - hi) / 1.
    single = nab.score_file(2000, [(500, 500)], [500, 502])
    assert (single.windows, single.detected, single.false_positives) == (1, 1, 1)
    assert single.fp_score == pytest.approx(nab.scaled_sigmoid(2.0) * 0.11)


# --- labels ----------------------------------------------------------------------------------


def test_labels_load_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "windows.json"
    path.write_text(json.dumps({"a.csv": [["2015-03-03 04:37:53.000000", "2015-03-04 13:37:53"]]}))
    assert load_labels(path) == {
        "a.csv": [
            Window(
                datetime(2015, 3, 3, 4, 37, 53, tzinfo=UTC),
                datetime(2015, 3, 4, 13, 37, 53, tzinfo=UTC),
            )
        ]
    }
    path.write_text(json.dumps({"a.csv": [["2015-03-04", "2015-03-03"]]}))
    with pytest.raises(InputError, match=r"'a\.csv', window 1: ends before it starts"):
        load_labels(path)
    path.write_text(json.dumps({"a.csv": [["soon", "later"]]}))
    with pytest.raises(InputError, match=r"'a\.csv', window 1: 'soon' is not a timestamp"):
        load_labels(path)
    path.write_text('{\n  "a.csv": [["2015-03-03", "2015-03-04"]],\n  oops\n}')
    with pytest.raises(InputError) as caught:
        load_labels(path)
    assert str(caught.value) == (
        f"{path}, line 3: not valid JSON: Expecting property name enclosed in double quotes "
        "(column 3)"
    )
    assert caught.value.hint == (
        'expected e.g. {"file.csv": [["2015-03-03 04:37", "2015-03-04 13:37"]]}'
    )
    path.write_text('{"a.csv": [["2015-03-03", "2015-03-04"]], "a.csv": []}')
    with pytest.raises(InputError, match=r"'a\.csv' appears twice") as twice:
        load_labels(path)
    assert twice.value.hint == "put all windows of a key in one list"
    with pytest.raises(InputError, match="labels file not found"):
        load_labels(tmp_path / "missing.json")


# --- replay ----------------------------------------------------------------------------------


def test_replay_equals_scan_at_every_probed_step(write_csv: WriteCsv) -> None:
    path = write_csv(storm_rows())
    usable = normalise(read_source(path)).filter(pl.col("_reject").is_null()).collect()
    timeline = replay(usable, sw.Settings())
    assert timeline.times.size == (71 * 60 + 58 - 1) // 5 + 1  # 5-minute steps to the end
    for step in (0, 100, 500, timeline.times.size - 13, timeline.times.size - 1):
        moment = datetime.fromtimestamp(int(timeline.times[step]) / 1e6, UTC)
        report = sw.analyse([path], now=moment)
        for topic in report.topics:
            row = timeline.topics.index(topic.topic)
            assert timeline.mentions[row, step] == topic.mentions
            assert timeline.score[row, step] == topic.score, (moment, topic.topic)
            for name, signal in topic.signals.items():
                assert round(float(timeline.strengths[name][row, step]), 3) == signal.value


def test_replay_equals_scan_with_the_hour_of_the_week(tmp_path: Path) -> None:
    # 16 days of a 5-minute volume series with daily and weekly cycles (quiet weekends), scored
    # with a 14-day baseline: the hour of the week is in the expectation at the last steps.
    rng = np.random.default_rng(7)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    steps = np.arange(16 * 288)
    hour = (steps // 12) % 24
    weekend = ((steps // 288 + start.weekday()) % 7) >= 5
    rate = (4 + 3 * np.sin(2 * np.pi * (hour - 9) / 24)) * np.where(weekend, 0.5, 1.0)
    counts = rng.poisson(rate + 0.5)
    counts[-30:] += 25  # a surge at the end
    stamps = [(start + timedelta(minutes=5 * int(i))).isoformat() for i in steps]
    path = tmp_path / "volume.csv"
    pl.DataFrame({"timestamp": stamps, "value": counts}).write_csv(path)
    settings = sw.Settings(baseline=timedelta(days=14))
    usable = normalise(read_source(path)).filter(pl.col("_reject").is_null()).collect()
    timeline = replay(usable, settings)
    for step in (timeline.times.size - 40, timeline.times.size - 7, timeline.times.size - 1):
        moment = datetime.fromtimestamp(int(timeline.times[step]) / 1e6, UTC)
        (topic,) = sw.analyse([path], settings, now=moment).topics
        velocity = topic.signals["velocity"]
        assert "hour_of_week_index" in velocity.detail, moment
        assert timeline.score[0, step] == topic.score, moment
        assert round(float(timeline.strengths["velocity"][0, step]), 3) == velocity.value
    assert topic.level == "storm"


def test_replay_needs_a_step_that_divides_a_quarter_of_the_window(write_csv: WriteCsv) -> None:
    usable = normalise(read_source(write_csv(storm_rows()))).collect()
    for step in (7, 10):  # 10 minutes divide the hour, not its quarter
        with pytest.raises(ValueError, match="must divide a quarter of the window"):
            replay(usable, sw.Settings(), step=timedelta(minutes=step))
    assert replay(usable, sw.Settings(), step=timedelta(minutes=15)).times.size > 0


# --- the command -----------------------------------------------------------------------------


def test_backtest_cli_alerts_once_per_episode_and_scores(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(storm_rows())
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps(
            {
                "acme": [["2026-11-03T20:00:00Z", "2026-11-04T02:00:00Z"]],
                "nobody": [["2026-11-01T00:00:00Z", "2026-11-01T01:00:00Z"]],
            }
        )
    )
    result = CliRunner().invoke(app, ["backtest", str(path), "--labels", str(labels)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [(a["time"], a["topic"], a["kind"], a["level"]) for a in data["alerts"]] == [
        ("2026-11-03T22:08:00Z", "acme", "open", "warning"),
        ("2026-11-03T22:38:00Z", "acme", "escalate", "storm"),  # min_gap 30 minutes, as alert
    ]
    m = data["metrics"]
    assert (m["windows"], m["windows_hit"], m["first_alert_before_peak"]) == (1, 1, 1)
    assert m["hours_before_peak"] == [round(50 / 60, 2)]  # peak window count at 22:58
    assert m["false_alarm_episodes"] == 0
    # The steps run back from the last mention (23:58) every 5 minutes, so the window holds the
    # steps 20:03..23:58 (the data ends inside it): 48 steps, the first alert is the 26th.
    width, first = 48, 25
    expected = nab.scaled_sigmoid(-(width - 1 - first + 1) / width) / nab.scaled_sigmoid(-1.0)
    assert m["nab_standard"] == round(100 * (expected + 1) / 2, 1)
    assert set(m["nab_standard_by_stream"]) == {"mentions.csv:acme"}
    lost = round(50 * (1 - expected), 1)  # one window: 50 points a unit of raw score
    assert m["nab_points_lost"] == {"late": lost, "missed_windows": 0.0, "false_alarms": 0.0}
    assert "labels for 'nobody' match no input file or topic" in result.stderr
    assert "no labels for mentions.csv:globex" in result.stderr


def test_backtest_table_and_bad_options(write_csv: WriteCsv, tmp_path: Path) -> None:
    path = write_csv(storm_rows())
    table = CliRunner().invoke(app, ["backtest", str(path), "--format", "table"])
    assert table.exit_code == 0
    assert "2 alerts" in table.stdout and "STORM" in table.stdout  # noqa: PT018
    assert "labelled windows" not in table.stdout  # no labels, no windows
    labels = tmp_path / "labels.json"
    windows = [["2026-11-03T20:00:00Z", "2026-11-04T02:00:00Z"]]
    labels.write_text(json.dumps({"acme": windows, "globex": windows}))
    args = ["backtest", str(path), "--format", "table", "--labels", str(labels)]
    table = CliRunner(env={"COLUMNS": "120"}).invoke(app, args)
    assert table.exit_code == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if "11-03 20:00 – 11-04 02:00" in line]
    assert len(rows) == 2
    assert "mentions.csv:acme" in rows[0] and "11-03 22:08" in rows[0]  # noqa: PT018
    assert rows[0].split("│")[-2].strip() == "0.8"  # 50 minutes before the 22:58 peak
    assert "mentions.csv:globex" in rows[1] and "missed" in rows[1]  # noqa: PT018
    bad = CliRunner().invoke(app, ["backtest", str(path), "--notify-at", "panic"])
    assert bad.exit_code == 2
    assert "use watch, warning or storm" in bad.stderr
    # --min-gap: an escalation may follow the opening message 10 minutes later
    args = ["backtest", str(path), "--min-gap", "10m", "--format", "json"]
    alerts = json.loads(CliRunner().invoke(app, args).stdout)["alerts"]
    assert [(a["time"], a["level"]) for a in alerts] == [
        ("2026-11-03T22:08:00Z", "warning"),
        ("2026-11-03T22:18:00Z", "storm"),
    ]
    bad = CliRunner().invoke(app, ["backtest", str(path), "--min-gap", "soon"])
    assert bad.exit_code == 2
    assert "Invalid value for --min-gap: 'soon' is not a duration" in bad.stderr


def _nab_like(tmp_path: Path) -> tuple[Path, Path]:
    """A series shaped as NAB's Twitter files (``timestamp,value`` every 5 minutes, 10 days,
    a daily cycle, Poisson noise, a three-hour surge on day 8) and its windows file."""
    rng = np.random.default_rng(7)
    start = datetime(2015, 3, 1, tzinfo=UTC)
    steps = 10 * 288
    hours = np.arange(steps) / 12
    rate = 20 * (1.0 + 0.5 * np.sin(2 * np.pi * (hours % 24) / 24))
    surge = (hours >= 7 * 24 + 14) & (hours < 7 * 24 + 17)
    values = rng.poisson(np.where(surge, rate * 12, rate))
    lines = ["timestamp,value"] + [
        f"{start + timedelta(minutes=5 * i):%Y-%m-%d %H:%M:%S},{v}" for i, v in enumerate(values)
    ]
    series = tmp_path / "Twitter_volume_ACME.csv"
    series.write_text("\n".join(lines) + "\n")
    window = [
        f"{start + timedelta(hours=7 * 24 + 8):%Y-%m-%d %H:%M:%S}.000000",
        f"{start + timedelta(hours=7 * 24 + 22):%Y-%m-%d %H:%M:%S}.000000",
    ]
    labels = tmp_path / "windows.json"
    labels.write_text(json.dumps({series.name: [window]}))
    return series, labels


def test_backtest_on_a_nab_shaped_series(tmp_path: Path) -> None:
    series, labels = _nab_like(tmp_path)
    result = CliRunner().invoke(app, ["backtest", str(series), "--labels", str(labels)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["streams"][0]["steps"] == 10 * 288  # one step per row of the 5-minute series
    assert data["streams"][0]["signals"] == ["velocity"]
    assert data["metrics"]["windows"] == 1
    # a twelvefold surge for three hours: warned 15 minutes in, 40 minutes before its peak
    assert data["metrics"]["windows_hit"] == 1
    assert [(a["time"], a["level"]) for a in data["alerts"]] == [
        ("2015-03-08T14:15:00Z", "warning"),
        ("2015-03-08T14:45:00Z", "storm"),
    ]
    assert data["metrics"]["nab_standard"] == 94.8
    # the command's defaults are the library's (and so the benchmark's)
    library = backtest([series], labels=load_labels(labels))
    assert library.metrics is not None
    assert data["metrics"]["nab_standard"] == round(library.metrics.nab_score, 1)
    assert [a["time"] for a in data["alerts"]] == [
        a.time.isoformat().replace("+00:00", "Z") for a in library.alerts
    ]
    assert T0.year == 2026  # the fixtures' clock is independent of the series


def _series(path: Path, hours: float, value: int) -> Path:
    """A 5-minute volume series of ``hours`` hours, every value ``value``."""
    steps = int(hours * 12)
    times = [datetime(2015, 3, 1, tzinfo=UTC) + timedelta(minutes=5 * i) for i in range(steps)]
    lines = ["timestamp,value"] + [f"{t:%Y-%m-%d %H:%M:%S},{value}" for t in times]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_backtest_says_what_too_little_history_or_all_zeros_mean(tmp_path: Path) -> None:
    short = _series(tmp_path / "short.csv", 2, 5)
    zero = _series(tmp_path / "zero.csv", 48, 0)
    two_days = _series(tmp_path / "two-days.csv", 48, 5)
    result = CliRunner().invoke(app, ["backtest", str(short), str(zero), str(two_days)])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["alerts"] == []
    assert data["notes"] == [
        "short.csv: not enough history (1.917 h of data, a baseline needs 4 h): volume "
        "signals were never scored",
        "zero.csv: every count is 0: nothing to detect",
        "zero.csv: 47.92 h of data: scored against a flat baseline (the time-of-day index "
        "needs 3 days of history)",
        "two-days.csv: 47.92 h of data: scored against a flat baseline (the time-of-day "
        "index needs 3 days of history)",
    ]
    assert result.stderr.startswith("Note: short.csv: not enough history")


def test_backtest_reports_what_it_left_out_and_names_streams_apart(tmp_path: Path) -> None:
    one, two = tmp_path / "a", tmp_path / "b:c"  # a ':' in a directory name is not a member
    one.mkdir()
    two.mkdir()
    first = _series(one / "x.csv", 12, 5)
    second = _series(two / "x.csv", 12, 5)
    lines = second.read_text().splitlines()
    lines[3] = lines[3].replace(",5", ",-5")
    lines[5] = "soon,5"
    second.write_text("\n".join(lines) + "\n")
    labels = tmp_path / "labels.json"
    labels.write_text(
        json.dumps(
            {
                "x.csv": [["2015-03-01 06:00", "2015-03-01 07:00"]],
                str(second): [["2015-03-01 01:00", "2015-03-01 01:00"]],  # one step, early
            }
        )
    )
    result = CliRunner().invoke(
        app, ["backtest", str(first), str(second), "--labels", str(labels), "-f", "json"]
    )
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [s["name"] for s in data["streams"]] == [str(first), str(second)]
    assert f"{second}: bad timestamp: 1 row left out (first at line 6: 'soon')" in data["notes"]
    assert f"{second}: negative count: 1 row left out (first at line 4: '-5')" in data["notes"]
    assert "labels for 'x.csv' match several inputs: key them by the path as given" in data["notes"]
    assert data["metrics"]["windows"] == 1
    assert data["metrics"]["nab_standard"] is None  # it ends in probation: nothing to score
    assert data["metrics"]["nab_points_lost"] is None
    assert any("(NAB's probation)" in note for note in data["notes"])


def test_backtest_short_windows_and_too_much_work(tmp_path: Path) -> None:
    series = _series(tmp_path / "s.csv", 1, 5)
    ten_seconds = CliRunner().invoke(app, ["backtest", str(series), "--window", "10s"])
    assert ten_seconds.exit_code == 0, ten_seconds.stderr  # a step of a quarter: 2.5 s
    assert json.loads(ten_seconds.stdout)["streams"][0]["steps"] == 1 + 55 * 60 * 4 // 10
    longer = _series(tmp_path / "longer.csv", 4, 5)  # 1 s windows: refused before any work
    huge = CliRunner().invoke(app, ["backtest", str(longer), "--window", "1s"])
    assert huge.exit_code == 1
    assert huge.stderr.splitlines() == [
        "Error: replaying 1 topic(s) x 56,401 steps x 56,405 windows of history is too much "
        "work (3,181 million cells; at most 200 million, about a minute)",
        "Hint: use a longer --window or a shorter --baseline, or --by a column with fewer topics",
    ]


def test_a_time_repeated_in_a_volume_series_counts_once(tmp_path: Path) -> None:
    series = _series(tmp_path / "s.csv", 6, 5)
    lines = series.read_text().splitlines()
    series.write_text("\n".join([*lines, *lines[-3:]]) + "\n")  # the last bins exported twice
    result = CliRunner().invoke(app, ["backtest", str(series), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert (
        f"{series}: 3 duplicate rows (the same time again) counted once"
        in (json.loads(result.stdout)["notes"])
    )
    scan = CliRunner().invoke(app, ["scan", str(series), "-f", "json"])
    data = json.loads(scan.stdout)
    assert (data["input"]["rows_duplicate"], data["topics"][0]["mentions"]) == (3, 60)  # not 75


def test_backtest_scores_file_is_the_replay_and_ends_at_scan(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(storm_rows())
    out = tmp_path / "scores.csv"
    result = CliRunner().invoke(app, ["backtest", str(path), "--scores", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    scores = pl.read_csv(out)
    assert scores.columns == [
        "time", "stream", "topic", "score", "level",
        "velocity_points", "influence_points", "negativity_points", "spread_points",
    ]  # fmt: skip
    last = scores.filter(pl.col("time") == scores["time"].max())
    report = sw.analyse([path])  # scan at the newest mention: the replay's last step
    assert sorted(last.select("topic", "score", "level").rows()) == sorted(
        (t.topic, t.score, t.level) for t in report.topics
    )
    # the points (each rounded to 0.1) add up to the score
    total = scores.select(pl.sum_horizontal(pl.col("^.*_points$")).round(1) - pl.col("score"))
    assert total.to_series().abs().max() < 0.21
    refused = CliRunner().invoke(app, ["backtest", str(path), "--scores", str(path)])
    assert refused.exit_code == 2
    assert "must not be one of the input files" in refused.output


def test_backtest_reads_files_with_preset_mapping_and_dayfirst(
    write_csv: WriteCsv, tmp_path: Path
) -> None:
    runner = CliRunner()
    path = write_csv(
        [["05/01/2026 10:00", "acme", "@a", 1, "x", "neutral"]],
        header=("Datum", "brand", "author", "followers", "text", "sentiment"),
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text('timestamp = "Datum"\n')
    bad = runner.invoke(app, ["backtest", str(path), "--preset", "nope"])
    assert bad.exit_code == 2
    assert "unknown preset 'nope'" in bad.stderr
    ok = runner.invoke(
        app, ["backtest", str(path), "--mapping", str(mapping), "--dayfirst", "--format", "json"]
    )
    assert ok.exit_code == 0, ok.output
