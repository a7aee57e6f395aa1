"""The storm simulator: determinism, schema, background cycles, each event's signature, the
CLI (its CSV reads back with scan, its labels with backtest), and the detection test of issue 4
(every firestorm warns before its peak and ranks first; decoys stay at watch or below)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from stormwatch.backtest.labels import Window, load_labels
from stormwatch.cli.main import ExitCode, app
from stormwatch.errors import StormwatchError
from stormwatch.models import TopicResult
from stormwatch.simulate import (
    COLUMNS,
    MAX_DAYS,
    MAX_MENTIONS,
    Campaign,
    Event,
    Firestorm,
    NewsSpike,
    SimSpec,
    SpamBurst,
    Topic,
    default_spec,
    expected_mentions,
    labels_json,
    simulate,
)
from stormwatch.simulate.generate import shape

H = timedelta(hours=1)


@pytest.fixture(scope="module")
def scenario() -> tuple[SimSpec, pl.DataFrame]:
    """Two firestorms and the three decoys on six topics (seed 1)."""
    spec = default_spec(seed=1, storms=2)
    frame, _ = simulate(spec, seed=1)
    return spec, frame


def window(frame: pl.DataFrame, topic: str, start: datetime, end: datetime) -> pl.DataFrame:
    inside = pl.col("timestamp").is_between(start, end, closed="left")
    return frame.filter((pl.col("brand") == topic) & inside)


def share(frame: pl.DataFrame, column: str, *values: str) -> float:
    return float(np.mean(frame[column].is_in(list(values)).to_numpy())) if frame.height else 0.0


def event(spec: SimSpec, kind: type[Event]) -> Event:
    return next(e for e in spec.events if isinstance(e, kind))


# --- the library -----------------------------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data() -> None:
    spec = default_spec(seed=7, days=12, storms=1, decoys=False)
    first, labels = simulate(spec, seed=7)
    again, labels_again = simulate(spec, seed=7)
    assert first.equals(again)
    assert labels == labels_again
    other, _ = simulate(spec, seed=8)
    assert not first.equals(other)
    assert default_spec(seed=7, days=12, storms=1, decoys=False) == spec


def test_schema_and_types(scenario: tuple[SimSpec, pl.DataFrame]) -> None:
    spec, frame = scenario
    assert tuple(frame.columns) == COLUMNS
    assert frame.schema["timestamp"] == pl.Datetime("us", "UTC")
    assert frame.schema["followers"] == frame.schema["engagement"] == pl.Int64
    strings = set(COLUMNS) - {"timestamp", "followers", "engagement"}
    assert all(frame.schema[c] == pl.String for c in strings)
    assert frame.null_count().sum_horizontal().item() == 0
    assert frame["id"].is_unique().all()
    assert frame["timestamp"].is_sorted()
    assert frame["timestamp"].min() >= spec.start  # type: ignore[operator]
    assert frame["timestamp"].max() < spec.end  # type: ignore[operator]
    assert set(frame["brand"].unique()) == {t.name for t in spec.topics}
    assert set(frame["sentiment"].unique()) == {"negative", "neutral", "positive"}
    assert set(frame["language"].unique()) == {"en", "de"}
    assert set(frame["platform"].unique()) <= {
        "twitter",
        "facebook",
        "instagram",
        "forum",
        "blog",
        "news",
    }
    assert frame["followers"].min() >= 1  # type: ignore[operator]
    assert frame["engagement"].min() >= 0  # type: ignore[operator]
    assert frame["url"].str.starts_with("https://").all()
    assert not frame["text"].str.contains("{", literal=True).any()  # every template filled


def test_background_has_daily_and_weekly_cycles_and_regular_authors() -> None:
    spec = default_spec(seed=3, days=28, storms=0, decoys=False)
    frame, labels = simulate(spec, seed=3)
    assert spec.events == ()
    assert labels == {}
    for topic in spec.topics:
        mine = frame.filter(pl.col("brand") == topic.name)
        local = mine["timestamp"] + timedelta(hours=topic.utc_offset)
        hour, weekday = local.dt.hour().to_numpy(), local.dt.weekday().to_numpy()
        night = np.sum((hour >= 1) & (hour <= 4)) / 4  # mentions per local hour
        day = np.sum((hour >= 10) & (hour <= 19)) / 10
        assert night < 0.3 * day, topic
        weekend, week = np.sum(weekday >= 6) / 2, np.sum(weekday <= 5) / 5
        assert 0.45 < weekend / week < 0.9, topic
        assert mine.height / (spec.days * 24) == pytest.approx(topic.rate, rel=0.2)
        assert share(mine, "sentiment", "negative") == pytest.approx(topic.negative, abs=0.03)
        assert mine["author"].n_unique() < 0.4 * mine.height  # regulars post again
        assert 250 < mine["followers"].median() < 900  # type: ignore[operator]


def test_firestorm_signature(scenario: tuple[SimSpec, pl.DataFrame]) -> None:
    spec, frame = scenario
    storm = event(spec, Firestorm)
    assert isinstance(storm, Firestorm)
    before = window(frame, storm.topic, storm.onset - timedelta(days=7), storm.onset)
    early = window(frame, storm.topic, storm.onset, storm.onset + 3 * H)
    late = window(frame, storm.topic, storm.peak_start - 3 * H, storm.peak_start)
    day_before = window(frame, storm.topic, storm.onset - 21 * H, storm.onset - 18 * H)
    assert late.height > 3 * early.height > 3 * day_before.height  # rising volume
    assert share(late, "sentiment", "negative") > 0.6
    assert share(before, "sentiment", "negative") < 0.2
    seen = set(before["author"])
    newcomers = len(set(late["author"]) - seen) / late["author"].n_unique()
    assert newcomers > 0.7
    assert share(late, "platform", "news") > 0.08
    assert share(before, "platform", "news") < 0.05
    amplifier = frame.filter(pl.col("author") == storm.amplifier)
    assert storm.amplifier not in seen
    assert amplifier.height >= 5
    assert 800_000 <= amplifier["followers"][0] <= 1_500_000
    assert (amplifier["sentiment"] == "negative").all()
    assert (amplifier["brand"] == storm.topic).all()
    joined = amplifier["timestamp"].min()
    assert isinstance(joined, datetime)
    assert joined >= storm.onset + timedelta(hours=storm.amplifier_join)


def test_decoy_signatures(scenario: tuple[SimSpec, pl.DataFrame]) -> None:
    spec, frame = scenario
    for kind in (SpamBurst, Campaign, NewsSpike):
        decoy = event(spec, kind)
        during = window(frame, decoy.topic, decoy.peak_start, decoy.peak_end)
        before = window(frame, decoy.topic, decoy.onset - timedelta(days=7), decoy.onset)
        per_hour = before.height / 168
        assert during.height / (decoy.hold * per_hour) > 2.0, kind  # a spike
        top_author, posts = during["author"].value_counts(sort=True).row(0)
        if kind is SpamBurst:
            assert posts > 0.5 * during.height  # one author dominates
            assert top_author not in set(before["author"])
            assert share(during, "sentiment", "neutral") > 0.55
        else:
            assert posts < 0.1 * during.height
        if kind is Campaign:
            assert share(during, "sentiment", "positive") > 0.6
            assert share(before, "sentiment", "positive") < 0.5
        if kind is NewsSpike:
            assert share(during, "platform", "news") > 0.45
            assert share(before, "platform", "news") < 0.05
            assert share(during, "sentiment", "neutral") > 0.55


def test_event_shape_grows_by_its_doubling_time_and_decays_by_its_half_life() -> None:
    storm = Firestorm("a", datetime(2026, 1, 1, tzinfo=UTC), peak=16, rise=12, doubling=3)
    x = np.array([-1.0, 0.0, 9.0, 12.0, 13.9, 14.0 + storm.half_life, 72.0])
    assert shape(storm, x).tolist() == pytest.approx([0, 1, 8, 16, 16, 8, 0])


def test_default_schedule() -> None:
    spec = default_spec(seed=4, storms=2)
    assert [t.name for t in spec.topics][:3] == ["Nordfrost", "Brightline", "Havsten"]
    kinds = sorted(e.kind for e in spec.events)
    assert kinds == ["campaign", "firestorm", "firestorm", "news", "spam"]
    assert len({e.topic for e in spec.events}) == 5  # distinct topics while there are enough
    assert min(e.onset for e in spec.events) >= spec.start + timedelta(days=8)  # a baseline
    assert max(e.end for e in spec.events if e.kind != "firestorm") <= spec.end
    _, labels = simulate(spec, seed=4)
    storms = [e for e in spec.events if isinstance(e, Firestorm)]
    assert labels == {s.topic: [(s.onset, s.peak_end + 4 * H)] for s in storms}
    assert default_spec(topics=["acme", "globex"], storms=1).topics[0].name == "acme"
    assert len(default_spec(topics=14, storms=0).topics) == 14
    with pytest.raises(StormwatchError, match="too short for 4 firestorm") as info:
        default_spec(storms=4)
    assert info.value.hint == "use --days 23 or more, or fewer --storms"


def test_invalid_specs_are_errors() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    good = SimSpec(start, 3, (Topic("acme"),), (SpamBurst("acme", start + 24 * H),))
    assert simulate(good, seed=0)[0].height > 0
    cases = {
        "unknown topic 'globex'": replace(good, events=(SpamBurst("globex", start),)),
        "topic names must be unique": replace(good, topics=(Topic("acme"), Topic("acme"))),
        "topic 'acme': needs rate > 0": replace(good, topics=(Topic("acme", rate=0),)),
        "must carry a timezone": replace(good, start=start.replace(tzinfo=None)),
        "days must be positive": replace(good, days=0),
        "must be positive": replace(good, events=(SpamBurst("acme", start, doubling=0),)),
    }
    for message, spec in cases.items():
        with pytest.raises(StormwatchError, match=message):
            simulate(spec, seed=0)


def test_a_million_mentions_take_seconds() -> None:
    spec = default_spec(days=60, topics=40, storms=3, seed=5)
    began = time.perf_counter()
    frame, _ = simulate(spec, seed=5)
    assert frame.height > 800_000
    assert time.perf_counter() - began < 15  # ~1 s on the 2-core development machine


# --- the CLI ---------------------------------------------------------------------------------


def test_cli_writes_a_csv_that_scan_reads_and_labels_that_backtest_reads(tmp_path: Path) -> None:
    runner = CliRunner()
    out, labels = tmp_path / "sim.csv", tmp_path / "labels.json"
    args = ["simulate", "--days", "12", "--topics", "acme,globex", "--seed", "3", "--storms", "1"]
    result = runner.invoke(app, [*args, "--no-decoys", "--out", str(out), "--labels", str(labels)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "Simulated" in result.stderr
    assert "firestorm" in result.stderr
    frame = pl.read_csv(out)
    assert tuple(frame.columns) == COLUMNS
    assert frame["timestamp"][0].endswith("Z")
    spec = default_spec(days=12, topics=["acme", "globex"], seed=3, storms=1, decoys=False)
    expected, windows = simulate(spec, seed=3)
    assert frame.height == expected.height
    storm = spec.events[0]
    assert load_labels(labels) == {storm.topic: [Window(*windows[storm.topic][0])]}
    assert json.loads(labels.read_text()) == json.loads(labels_json(windows))

    scan = runner.invoke(app, ["scan", str(out), "--format", "json", "--at", "2026-01-15T00:00Z"])
    assert scan.exit_code == 0, scan.stderr
    report = json.loads(scan.stdout)
    assert report["by"] == "brand"
    assert report["input"]["formats"][str(out)]["preset"] == "generic"
    assert report["input"]["rows_rejected"] == report["input"]["rows_duplicate"] == 0
    assert report["signals_available"] == ["velocity", "influence", "negativity", "spread"]
    assert {t["topic"] for t in report["topics"]} == {"acme", "globex"}

    replay = runner.invoke(app, ["backtest", str(out), "--labels", str(labels), "-f", "json"])
    assert replay.exit_code == 0, replay.stderr
    metrics = json.loads(replay.stdout)["metrics"]
    hits = (metrics["windows"], metrics["windows_hit"], metrics["first_alert_before_peak"])
    assert hits == (1, 1, 1)

    stdout = runner.invoke(app, [*args, "--no-decoys"])
    assert stdout.exit_code == 0
    assert stdout.stdout == out.read_text(encoding="utf-8")  # the same file, on stdout


def test_cli_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    short = runner.invoke(app, ["simulate", "--days", "10", "--out", str(tmp_path / "x.csv")])
    assert short.exit_code == ExitCode.ERROR
    assert "Error: --days 10 is too short for 1 firestorm(s) and 3 decoys" in short.stderr
    assert "Hint: use --days 14 or more" in short.stderr
    target = str(tmp_path / "missing" / "x.csv")
    nowhere = runner.invoke(app, ["simulate", "--storms", "0", "--no-decoys", "--out", target])
    assert nowhere.exit_code == ExitCode.ERROR
    assert f"Error: cannot write {target}" in nowhere.stderr
    twice = runner.invoke(app, ["simulate", "--topics", "acme,acme"])
    assert twice.exit_code == ExitCode.ERROR
    assert twice.stderr == (
        "Error: topic names must be unique: acme, acme\n"
        "Hint: name each topic once, e.g. --topics acme,globex\n"
    )
    usage = (["--topics", "0"], ["--topics", "a,,b"], ["--start", "soon"], ["--seed", "-1"])
    for bad in (*usage, ["--days", "0"], ["--storms", "-1"]):
        result = runner.invoke(app, ["simulate", *bad])
        assert result.exit_code == ExitCode.USAGE, bad


def _last_line(args: list[str]) -> tuple[int, str]:
    """Exit code and the last line on stderr of ``stormwatch simulate ARGS``."""
    result = CliRunner().invoke(app, ["simulate", *args])
    return result.exit_code, result.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "inf"], "Invalid value for --days: at most 3650 days, not inf"),
        (["--days", "1e9"], "Invalid value for --days: at most 3650 days, not 1e+09"),
        (["--days", "3650.5"], "Invalid value for --days: at most 3650 days, not 3650.5"),
        (["--days", "nan"], "Invalid value for --days: at most 3650 days, not nan"),
        *(
            (
                [f"--topics={count}"],
                "Invalid value for --topics: expected a count from 1 to 200 or comma-separated "
                f"names, not {count}",
            )
            for count in ("-3", "0", "201", "3000", "2.5", "99999999999999999999")
        ),
        (
            ["--topics", ",".join(f"t{i}" for i in range(201))],
            "Invalid value for --topics: at most 200 topics, not 201 names",
        ),
    ],
)
def test_cli_days_and_topics_out_of_range_are_usage_errors(
    args: list[str], message: str, tmp_path: Path
) -> None:
    out = tmp_path / "x.csv"
    assert _last_line([*args, "-o", str(out)]) == (ExitCode.USAGE, f"Error: {message}")
    assert not out.exists()


def test_cli_topics_count_with_a_plus_and_names_that_are_not_numbers(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    quick = ["--days", "1", "--storms", "0", "--no-decoys", "-o", str(out)]
    for topics, brands in [("+2", {"Nordfrost", "Brightline"}), ("3M,-acme", {"3M", "-acme"})]:
        result = CliRunner().invoke(app, ["simulate", "--topics", topics, *quick])
        assert result.exit_code == ExitCode.OK, result.stderr
        assert set(pl.read_csv(out)["brand"].unique()) == brands


def test_cli_refuses_more_mentions_than_memory_holds_before_simulating(tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    args = ["--days", "3650", "--topics", "200", "-o", str(out)]
    result = CliRunner().invoke(app, ["simulate", *args])
    assert (result.exit_code, result.stderr) == (
        ExitCode.ERROR,
        "Error: --days 3650 with 200 topics would make about 233.7 million mentions; simulate "
        "makes at most 10 million\nHint: use --days 156 or fewer, or fewer --topics\n",
    )
    assert not out.exists()
    spec = default_spec(days=156, topics=200, storms=0, decoys=False)
    assert expected_mentions(spec) <= MAX_MENTIONS < expected_mentions(replace(spec, days=157))


def test_library_rejects_days_no_timedelta_holds() -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    for days in (float("inf"), float("nan"), 1e9, MAX_DAYS + 1):
        spec = SimSpec(start, days, (Topic("acme"),))
        with pytest.raises(StormwatchError, match="days must be positive and at most 3650"):
            simulate(spec, seed=0)


def test_cli_output_files_never_overwrite_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    quick = ["simulate", "--days", "1", "--storms", "0", "--no-decoys", "--topics", "1"]
    same = tmp_path / "same.csv"
    for labels in (same, tmp_path / "sub" / ".." / "same.csv"):
        result = runner.invoke(app, [*quick, "-o", str(same), "--labels", str(labels)])
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for --labels: {labels} is the --out file; the labels would "
            "replace the CSV"
        )
    assert not same.exists()
    same.write_text("kept\n", encoding="utf-8")
    link = tmp_path / "link.json"
    os.link(same, link)  # another name for the same file
    result = runner.invoke(app, [*quick, "-o", str(same), "--labels", str(link)])
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for --labels: {link} is the --out file; the labels would "
        "replace the CSV"
    )
    assert same.read_text(encoding="utf-8") == "kept\n"

    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    for out in ("-", "sim.csv"):
        result = runner.invoke(app, [*quick, "-o", out, "--labels", "-"])
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.splitlines()[-1] == (
            "Error: Invalid value for --labels: name a JSON file; - (stdout) is only for --out"
        )
    assert list(cwd.iterdir()) == []  # no file named "-", no CSV


def test_cli_a_directory_for_a_file_is_a_usage_error(tmp_path: Path) -> None:
    quick = ["--days", "1", "--storms", "0", "--no-decoys"]
    folder = tmp_path / "out"
    folder.mkdir()
    assert _last_line([*quick, "-o", str(folder)]) == (
        ExitCode.USAGE,
        f"Error: Invalid value for --out: {folder} is a directory; name the CSV file, "
        f"e.g. {folder / 'sim.csv'}",
    )
    assert _last_line([*quick, "-o", str(tmp_path / "x.csv"), "--labels", str(folder)]) == (
        ExitCode.USAGE,
        f"Error: Invalid value for --labels: {folder} is a directory; name the JSON file, "
        f"e.g. {folder / 'labels.json'}",
    )
    assert not (tmp_path / "x.csv").exists()


# --- detection (issue 4): firestorms warn before their peak, decoys do not --------------------
#
# analyse() as of moments before each firestorm's peak and during each decoy's plateau, on the
# default scenario with two firestorms and the three decoys. To keep this fast, each event gets a
# file cut to what those moments can see: mentions after `now` never reach a signal, and eight
# days before the first moment cover the 7-day baseline fully, so the scores are the ones the
# whole file gives.

# Seed 7's news spike carries a negative article by a 349,000-follower paper that seldom
# covers the topic: it once raised a warning through influence, now held to the critical share.
DETECTION_SEEDS = (0, 1, 2, 7)
STORM_STEP = timedelta(hours=1)  # firestorms: every hour from onset until warning + rank 1
DECOY_STEP = timedelta(minutes=15)  # decoys: every 15 minutes from peak to an hour after it
ALARM = ("warning", "storm")


@dataclass(frozen=True)
class Scenario:
    seed: int
    spec: SimSpec
    frame: pl.DataFrame = field(repr=False)


def _moments(first: datetime, last: datetime, step: timedelta) -> list[datetime]:
    return [first + k * step for k in range(int((last - first) / step) + 1)]


def _evaluate(
    frame: pl.DataFrame, path: Path, topic: str, moments: list[datetime]
) -> Iterator[tuple[datetime, TopicResult, TopicResult]]:
    """(moment, the topic's result, the first-ranked result) at each moment."""
    from stormwatch.pipeline.analyse import analyse, load_sources

    seen = pl.col("timestamp").is_between(moments[0] - timedelta(days=8), moments[-1])
    frame.filter(seen).write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%SZ")
    sources = load_sources([path])
    for moment in moments:
        report = analyse(sources, now=moment)
        yield moment, next(t for t in report.topics if t.topic == topic), report.topics[0]


def _describe(result: TopicResult) -> str:
    signals = ", ".join(
        f"{name} {s.points:.1f} pts (raw {s.raw:.3g})" for name, s in result.signals.items()
    )
    critic = result.top_critic
    loudest = f"; top critic {critic.author} ({critic.followers:,})" if critic else ""
    return (
        f"{result.topic} {result.score} {result.level} (rank {result.rank}), "
        f"{result.mentions} mentions: {signals}{loudest}"
    )


@pytest.fixture(scope="module", params=DETECTION_SEEDS, ids=lambda s: f"seed{s}")
def detection(request: pytest.FixtureRequest) -> Scenario:
    spec = default_spec(seed=request.param, storms=2)
    return Scenario(request.param, spec, simulate(spec, seed=request.param)[0])


def test_detector_firestorms_warn_before_peak_and_rank_first(
    detection: Scenario, tmp_path: Path
) -> None:
    storms = [e for e in detection.spec.events if isinstance(e, Firestorm)]
    assert len(storms) == 2
    for storm in storms:
        moments = _moments(storm.onset + STORM_STEP, storm.peak_start - H / 60, STORM_STEP)
        seen = []
        for moment, result, top in _evaluate(
            detection.frame, tmp_path / "f.csv", storm.topic, moments
        ):
            seen.append(f"{moment:%m-%d %H:%M} {_describe(result)}; first: {top.topic}")
            if result.level in ALARM and result.rank == 1:
                break
        else:
            pytest.fail(
                f"seed {detection.seed}: the firestorm on {storm.topic} never reached warning "
                "at rank 1 before its peak:\n" + "\n".join(seen)
            )


def test_detector_decoys_stay_at_watch_or_below(detection: Scenario, tmp_path: Path) -> None:
    """Each decoy's highest score from its peak to an hour after, at every replay step (5
    minutes; the replay is scan's kernel at each step, see test_kernel.py). Seed 0's news spike
    carries a negative headline from a 1.1M-follower outlet that always covers the topic:
    influence is measured above the topic's usual reach, so it stays at watch."""
    from stormwatch.backtest.run import backtest
    from stormwatch.settings import Settings

    decoys = [e for e in detection.spec.events if not isinstance(e, Firestorm)]
    first = min(d.peak_start for d in decoys) - timedelta(days=8)
    path = tmp_path / "d.csv"
    seen = pl.col("timestamp").is_between(first, max(d.peak_end for d in decoys) + H)
    detection.frame.filter(seen).write_csv(path, datetime_format="%Y-%m-%dT%H:%M:%SZ")
    series = backtest([path], Settings(), scores=True).scores
    assert series is not None
    alarms = []
    for decoy in decoys:
        span = pl.col("time").is_between(decoy.peak_start + DECOY_STEP, decoy.peak_end + H)
        steps = series.filter(span, pl.col("topic") == decoy.topic)
        assert steps.height >= 4 * (decoy.peak_end + H - decoy.peak_start) // H
        worst = steps.sort("score").row(-1, named=True)
        if worst["level"] in ALARM:
            alarms.append(f"{decoy.kind} at {worst['time']:%Y-%m-%dT%H:%MZ}: {worst}")
    assert not alarms, f"seed {detection.seed}: decoys above watch:\n" + "\n".join(alarms)
