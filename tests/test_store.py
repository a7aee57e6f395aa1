"""The mention store: `stormwatch import` writes canonical, de-duplicated mentions partitioned by
topic and day; `scan --store` reads only the partitions the scan needs and reports exactly what
a scan of the exports reports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from conftest import SAMPLE, WriteCsv, iso
from stormwatch.cli.main import app
from stormwatch.pipeline.analyse import analyse, load_sources
from stormwatch.render import formats as render
from stormwatch.settings import Settings
from stormwatch.sources import ReadOptions
from stormwatch.store.canonical import CanonicalStore
from stormwatch.store.imports import import_sources
from stormwatch.store.pruning import needed

runner = CliRunner()


def _report(inputs: object, settings: Settings, at: str | None) -> dict[str, object]:
    moment = None if at is None else datetime.fromisoformat(at)
    report = analyse(inputs, settings, now=moment)  # type: ignore[arg-type]
    data = json.loads(render.to_json(report))
    assert isinstance(data, dict)
    return data


def _without_input(data: dict[str, object]) -> dict[str, object]:
    """The report less its ``input`` block (which names the files read and their rows)."""
    return {k: v for k, v in data.items() if k != "input"}


def _imported(tmp_path: Path, *files: Path, name: str = "store") -> CanonicalStore:
    store = CanonicalStore(tmp_path / name)
    for f in files:
        import_sources(store, load_sources(f, ReadOptions()))
    return store


@pytest.mark.parametrize(
    ("at", "window", "baseline"),
    [
        (None, "1h", "7d"),
        ("2011-09-27T08:00:00+00:00", "1h", "7d"),
        ("2011-10-20T13:30:00+00:00", "30m", "2d"),
        ("2011-09-03T00:00:00+00:00", "1h", "7d"),  # less history than the baseline
    ],
)
def test_scan_of_the_store_reports_what_a_scan_of_the_export_does(
    tmp_path: Path, at: str | None, window: str, baseline: str
) -> None:
    from stormwatch.settings import parse_duration

    settings = Settings(window=parse_duration(window), baseline=parse_duration(baseline))
    store = _imported(tmp_path, SAMPLE)
    moment = None if at is None else datetime.fromisoformat(at)
    source = store.source(settings.window, settings.baseline_windows, moment)
    from_store = _report(source, settings, at)
    from_file = _report(SAMPLE, settings, at)
    assert _without_input(from_store) == _without_input(from_file)
    # fewer partitions than the store holds: only the days around the horizon, plus firsts
    assert len(store.chosen(settings.window, settings.baseline_windows, moment)[0]) < len(
        store.partitions()
    )


def test_the_store_is_partitioned_by_topic_and_day_in_parquet(tmp_path: Path) -> None:
    store = _imported(tmp_path, SAMPLE)
    parts = store.partitions()
    assert {p.topic for p in parts} == {"Siemens", "Kaltwerk", "Nordfrost", "Polarhaus"}
    first = parts[0]
    assert Path(first.path) == (
        tmp_path / "store" / f"topic={first.topic}" / f"day={first.day}" / "data.parquet"
    )
    frame = pl.read_parquet([p.path for p in parts])
    assert frame.height == 21_612
    assert frame.schema["timestamp"] == pl.Datetime("us", "UTC")
    # every row of a partition is of its topic and UTC day
    for p in parts[:5]:
        rows = pl.read_parquet(p.path)
        assert rows["topic"].unique().to_list() == [p.topic]
        assert rows["timestamp"].dt.date().unique().to_list() == [p.day]
        assert rows["timestamp"].is_sorted()
    assert not list((tmp_path / "store").rglob(".*.tmp"))  # written aside, renamed into place
    assert json.loads((tmp_path / "store" / "store.json").read_text()) == {
        "topic_columns": ["brand"],
        "estimated": False,
    }


def test_an_overlapping_second_import_adds_only_the_new_mentions(tmp_path: Path) -> None:
    rows = pl.read_csv(SAMPLE, infer_schema=False)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    rows.slice(0, 15_000).write_csv(first)
    rows.slice(10_000).write_csv(second)  # 5,000 rows in both exports
    store = CanonicalStore(tmp_path / "store")
    one = import_sources(store, load_sources(first, ReadOptions()))
    two = import_sources(store, load_sources(second, ReadOptions()))
    again = import_sources(store, load_sources(second, ReadOptions()))
    assert (one.new, one.stored) == (15_000, 0)
    assert (two.new, two.stored) == (21_612 - 15_000, 5_000)
    assert (again.new, again.stored) == (0, 21_612 - 10_000)
    assert pl.read_parquet([p.path for p in store.partitions()]).height == 21_612
    settings = Settings()
    source = store.source(settings.window, settings.baseline_windows)
    assert _without_input(_report(source, settings, None)) == _without_input(
        _report(SAMPLE, settings, None)
    )


def test_an_import_in_batches_stores_what_one_batch_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches of 1,000 mentions (22 of them, days split between batches) give the same
    partitions, row for row, and the same counts; the staging folder is gone afterwards."""
    from stormwatch.store import imports

    whole = _imported(tmp_path, SAMPLE, name="whole")
    monkeypatch.setattr(imports, "BATCH_ROWS", 1_000)
    sizes: list[int] = []
    batches = imports._batches

    def counted(sources: object, query: pl.LazyFrame) -> Iterator[pl.DataFrame]:
        for batch in batches(sources, query):  # type: ignore[arg-type]
            sizes.append(batch.height)
            yield batch

    monkeypatch.setattr(imports, "_batches", counted)
    store = CanonicalStore(tmp_path / "batched")
    done = import_sources(store, load_sources(SAMPLE, ReadOptions()))
    assert sizes == [1_000] * 21 + [612]
    assert (done.new, done.stored, done.input.rows_read) == (21_612, 0, 21_612)
    assert [(p.topic, p.day) for p in store.partitions()] == [
        (p.topic, p.day) for p in whole.partitions()
    ]
    for mine, theirs in zip(store.partitions(), whole.partitions(), strict=True):
        assert pl.read_parquet(mine.path).equals(pl.read_parquet(theirs.path))
    assert not (tmp_path / "batched" / ".staging").exists()
    again = import_sources(store, load_sources(SAMPLE, ReadOptions()))
    assert (again.new, again.stored) == (0, 21_612)


def test_keys_are_exact_values_so_near_twins_are_both_kept(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    header = ("timestamp", "brand", "author", "text", "id", "platform", "url")
    path = write_csv(
        [
            [iso(t), "Acme", "@a", "same text", "1", "x", ""],
            [iso(t), "Acme", "@a", "same text", "1", "y", ""],  # same id, other platform
            [iso(t), "Acme", "@a", "same text", "", "", "https://e.example/1"],
            [iso(t), "Acme", "@a", "same text", "", "", "https://e.example/1 "],
            [iso(t), "Acme", "@a", "same text.", "", "", ""],
            [iso(t), "Acme", "@a", "same text", "", "", ""],
            [iso(t), "Acme", "@b", "same text", "", "", ""],
        ],
        header=header,
    )
    store = CanonicalStore(tmp_path / "store")
    assert import_sources(store, load_sources(path, ReadOptions())).new == 7
    copy = write_csv(pl.read_csv(path, infer_schema=False).rows(), header=header, name="copy.csv")
    done = import_sources(store, load_sources(copy, ReadOptions()))
    assert (done.new, done.stored) == (0, 7)


def test_import_reports_its_counts_and_what_it_set_aside(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    path = write_csv(
        [
            [iso(t), "Acme", "@a", 10, "fine", "negative"],
            ["yesterday", "Acme", "@b", 10, "bad time", "negative"],
            [iso(t + timedelta(hours=1)), "Acme", "@c", -5, "negative followers", "neutral"],
            [iso(t + timedelta(hours=2)), "Acme", "@d", 7, "fine too", "positive"],
        ]
    )
    store = tmp_path / "store"
    result = runner.invoke(app, ["import", str(path), "--store", str(store)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == "Warning: 2 of 4 rows could not be used and were left out:"
    assert lines[1].startswith("  bad timestamp: 1 in ")
    assert lines[1].endswith("(first at line 3: 'yesterday')")
    assert lines[2].startswith("  negative follower count: 1 in ")
    assert lines[-1] == (
        f"Imported into {store}: 4 rows read, 2 new, 0 duplicates (0 already stored, "
        "0 repeated across the files), 2 rejected."
    )
    again = runner.invoke(app, ["import", str(path), str(path), "--store", str(store), "-q"])
    assert (again.exit_code, again.stderr) == (0, "")
    twice = runner.invoke(app, ["import", str(path), str(path), "--store", str(store)])
    assert twice.stderr.splitlines()[-1] == (
        f"Imported into {store}: 8 rows read, 0 new, 4 duplicates (2 already stored, "
        "2 repeated across the files), 4 rejected."
    )


def test_cli_scan_of_the_store_equals_scan_of_the_file(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert runner.invoke(app, ["import", str(SAMPLE), "--store", str(store), "-q"]).exit_code == 0
    at = "2011-09-27T08:00Z"
    stored = runner.invoke(app, ["scan", "--store", str(store), "--at", at, "-f", "json"])
    direct = runner.invoke(app, ["scan", str(SAMPLE), "--at", at, "-f", "json"])
    assert stored.exit_code == direct.exit_code == 0, stored.output
    a, b = json.loads(stored.stdout), json.loads(direct.stdout)
    assert _without_input(a) == _without_input(b)
    assert a["input"]["files"] == [str(store)]
    assert a["input"]["rows_rejected"] == 0


def test_scan_of_an_empty_store_says_how_to_fill_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "--store", str(tmp_path / "none"), "-f", "json"])
    assert result.exit_code == 1
    assert "the mention store holds no mentions" in result.stderr
    assert f"Hint: import exports first: stormwatch import FILE --store {tmp_path / 'none'}" in (
        result.stderr
    )


def test_a_uri_store_needs_the_spark_engine(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "--store", "s3a://bucket/mentions"])
    assert result.exit_code == 2
    assert "a URI store is read by Spark only; add --engine spark" in result.stderr


def test_a_topic_with_any_characters_is_one_partition(tmp_path: Path, write_csv: WriteCsv) -> None:
    t = datetime(2026, 11, 2, 9, tzinfo=UTC)
    odd = "Acme / Co=1 %20 ü"
    path = write_csv([[iso(t + timedelta(hours=h)), odd, "@a", 1, "x", ""] for h in range(3)])
    store = _imported(tmp_path, path)
    (part,) = store.partitions()
    assert part.topic == odd
    assert Path(part.path).parent.parent.name == "topic=Acme%20%2F%20Co%3D1%20%2520%20%C3%BC"
    settings = Settings()
    report = analyse(store.source(settings.window, settings.baseline_windows), settings)
    assert [t.topic for t in report.topics] == [odd]


def test_mentions_without_sentiment_are_estimated_at_scan_time_as_from_the_file(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    t = datetime(2026, 11, 2, tzinfo=UTC)
    texts = ["terrible awful broken", "great thanks", "ok", "worst service ever, angry"]
    rows = [
        [iso(t + timedelta(minutes=20 * i)), "Acme", f"@u{i % 7}", 100 + i, texts[i % 4]]
        for i in range(500)
    ]
    path = write_csv(rows, header=("timestamp", "brand", "author", "followers", "text"))
    store = _imported(tmp_path, path)
    assert json.loads((tmp_path / "store" / "store.json").read_text())["estimated"] is True
    settings = Settings()
    source = store.source(settings.window, settings.baseline_windows)
    from_store = _report(source, settings, None)
    assert _without_input(from_store) == _without_input(_report(path, settings, None))
    # the report says so, as for the file, naming the store and why
    said = from_store["input"]
    assert isinstance(said, dict)
    assert said["sentiment_estimated"] == [str(tmp_path / "store")]
    assert said["notes"] == [
        f"{tmp_path / 'store'}: mentions imported without sentiment; sentiment estimated from "
        "text with the built-in English/German lexicon (language detected per text)"
    ]


def test_a_store_whose_horizon_holds_only_rated_mentions_estimates_nothing(
    tmp_path: Path, write_csv: WriteCsv
) -> None:
    """Unrated mentions imported long before the horizon: no estimate, no Python, no note."""
    old = datetime(2026, 1, 5, tzinfo=UTC)
    unrated = write_csv(
        [[iso(old + timedelta(hours=h)), "Acme", "@u", 5, "awful"] for h in range(5)],
        header=("timestamp", "brand", "author", "followers", "text"),
        name="old.csv",
    )
    recent = datetime(2026, 11, 2, tzinfo=UTC)
    rated = write_csv(
        [[iso(recent + timedelta(hours=h)), "Acme", "@r", 5, "ok", "neutral"] for h in range(9)],
        name="new.csv",
    )
    store = _imported(tmp_path, unrated, rated)
    assert json.loads((tmp_path / "store" / "store.json").read_text())["estimated"] is True
    settings = Settings()
    source = store.source(settings.window, settings.baseline_windows)
    assert "_estimate" not in source.frame.collect_schema()
    said = _report(source, settings, None)["input"]
    assert isinstance(said, dict)
    assert (said["sentiment_estimated"], said["notes"]) == ([], [])


def test_a_volume_series_is_not_imported(tmp_path: Path, write_csv: WriteCsv) -> None:
    t = datetime(2026, 11, 2, tzinfo=UTC)
    path = write_csv(
        [[iso(t + timedelta(hours=h)), 5] for h in range(30)], header=("timestamp", "value")
    )
    result = runner.invoke(app, ["import", str(path), "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert "is a volume series (counts per time), not mentions" in result.stderr


def test_pruning_keeps_the_horizon_days_each_topics_first_and_the_newest_before() -> None:
    days = {
        "a": ["2026-01-01", "2026-01-05", "2026-01-09", "2026-01-10", "2026-01-12"],
        "b": ["2026-01-02", "2026-01-03"],  # only before the horizon: its first day
        "c": ["2026-01-11"],  # only after the moment: not seen
    }
    start = datetime(2026, 1, 9, 23, tzinfo=UTC)
    end = datetime(2026, 1, 10, 12, tzinfo=UTC)
    assert needed(days, start, end) == [
        ("a", "2026-01-01"),  # a's first mention (how much history there is)
        ("a", "2026-01-05"),  # the newest day before the horizon
        ("a", "2026-01-09"),
        ("a", "2026-01-10"),
        ("b", "2026-01-02"),  # b is listed, calm
    ]


def test_a_watch_scans_a_store_as_scan_does(tmp_path: Path) -> None:
    from alerts_helpers import write_config

    store = tmp_path / "store"
    assert runner.invoke(app, ["import", str(SAMPLE), "--store", str(store), "-q"]).exit_code == 0
    storm = "2011-09-27T14:00Z"
    smtp = 2525  # a dry run sends nothing
    stored = write_config(
        tmp_path, [], smtp_port=smtp, watch_extra=f'store = "{store}"', name="stored.toml"
    )
    direct = write_config(tmp_path, [SAMPLE], smtp_port=smtp, name="direct.toml")
    outputs = []
    for config in (stored, direct):
        result = runner.invoke(app, ["alert", "--config", str(config), "--at", storm, "--dry-run"])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert "Subject: [stormwatch] STORM Siemens 88" in outputs[0].splitlines()
    assert outputs[0].count("\n") > 20
    assert outputs[0] == outputs[1].replace(str(SAMPLE), str(store))


def test_scan_store_reads_fetched_mentions_in_the_same_directory(tmp_path: Path) -> None:
    from stormwatch.fetch.base import mention
    from stormwatch.fetch.store import MentionStore

    store = tmp_path / "store"
    assert runner.invoke(app, ["import", str(SAMPLE), "--store", str(store), "-q"]).exit_code == 0
    end = datetime(2011, 11, 21, 11, 0, tzinfo=UTC)
    fetched = [
        {
            **mention(
                i,
                end - timedelta(minutes=7 * i),
                author=f"@hn{i % 4}",
                text="door",
                url=None,
                platform="hn",
            ),
            "id": f"hn:{i}",
            "source": "hn",
            "query": "fridge",
            "fetched_at": end,
        }
        for i in range(60)
    ]
    assert MentionStore(store).write("hn", "fridge", fetched) == 60
    result = runner.invoke(app, ["scan", "--store", str(store), "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    topics = {t["topic"]: t for t in report["topics"]}
    assert set(topics) == {"Siemens", "Kaltwerk", "Nordfrost", "Polarhaus", "fridge"}
    assert report["input"]["rows_read"] > 60
    assert len(report["input"]["files"]) == 2  # the imported mentions, and one fetched query


def test_a_store_that_cannot_be_created_is_an_error_with_a_hint(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    store = blocker / "store"
    result = CliRunner().invoke(app, ["import", str(SAMPLE), "--store", str(store)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write {store / '.locks'}: Not a directory\n"
        "Hint: choose a store directory this user may create and write\n"
    )
