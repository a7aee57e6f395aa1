"""The Spark engine gives what polars gives: the same summary table per topic and window (the
plan's result, which the scoring reads) and the same final report, on the bundled sample and on
simulated data, run in Spark's local mode (one session for the module: starting one costs
seconds)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from conftest import SAMPLE, WriteCsv, iso
from stormwatch.cli.main import app
from stormwatch.engines.spark import analyse_on_spark, days, open_scan, session
from stormwatch.errors import ConfigError
from stormwatch.pipeline.analyse import analyse, load_sources
from stormwatch.pipeline.inputs import totals_of
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.plan import summarise
from stormwatch.pipeline.response import mark_brand
from stormwatch.pipeline.window import assign_windows, count_authors, count_windows
from stormwatch.render import formats as render
from stormwatch.settings import Settings, parse_duration
from stormwatch.simulate import CSV_DATETIME, default_spec, simulate
from stormwatch.sources import ReadOptions
from stormwatch.store.canonical import CanonicalStore
from stormwatch.store.imports import import_sources

pytestmark = pytest.mark.slow

KEYS = ["_file", "_reject", "topic", "window", "author"]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    conf = {"spark.master": "local[2]", "spark.sql.shuffle.partitions": "2"}
    spark = session(conf)
    spark.sparkContext.setLogLevel("ERROR")
    yield spark
    spark.stop()


def _store(path: Path, *files: Path) -> str:
    store = CanonicalStore(path)
    for f in files:
        import_sources(store, load_sources(f, ReadOptions()))
    return str(path)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _store(tmp_path_factory.mktemp("sample") / "store", SAMPLE)


@pytest.fixture(scope="module")
def simulated_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("simulated")
    frame, _ = simulate(default_spec(days=16, topics=5, seed=3), seed=3)
    path = folder / "sim.csv"
    frame.write_csv(path, datetime_format=CSV_DATETIME)
    return _store(folder / "store", path)


def _polars_summary(
    root: str, settings: Settings, now: datetime | None, handles: tuple[str, ...]
) -> pl.DataFrame:
    """What ``analyse`` aggregates for the store with polars."""
    n = settings.baseline_windows
    source = CanonicalStore(Path(root)).source(settings.window, n, now)
    end = now or source.latest
    assert end is not None
    marked = mark_brand(normalise_all([source], None, None), handles)
    return summarise(assign_windows(marked, end, settings.window, n), windows=n).collect()


def _report(data: object) -> dict[str, object]:
    out = json.loads(render.to_json(data))  # type: ignore[arg-type]
    assert isinstance(out, dict)
    return out


#: store, --at, window, baseline, brand handles, whether a topic is above calm (so that the
#: hot topics' rows come from Spark too)
CASES = [
    ("sample_store", None, "1h", "7d", (), True),
    ("sample_store", "2011-09-27T08:00:00+00:00", "1h", "7d", ("@bigvoice_blog",), True),
    ("sample_store", "2011-10-02T17:45:00+00:00", "30m", "2d", (), False),
    ("simulated_store", None, "1h", "7d", (), False),
    ("simulated_store", "2026-01-15T12:00:00+00:00", "2h", "5d", (), True),
]


@pytest.mark.parametrize(("store", "at", "window", "baseline", "handles", "hot"), CASES)
def test_spark_gives_the_window_table_and_the_report_polars_gives(
    request: pytest.FixtureRequest,
    spark: SparkSession,
    store: str,
    at: str | None,
    window: str,
    baseline: str,
    handles: tuple[str, ...],
    hot: bool,
) -> None:
    root = request.getfixturevalue(store)
    settings = Settings(window=parse_duration(window), baseline=parse_duration(baseline))
    n = settings.baseline_windows
    now = None if at is None else datetime.fromisoformat(at)
    on_spark = open_scan(spark, root, settings, now).summary(settings, handles)
    on_polars = _polars_summary(root, settings, now, handles)
    assert on_spark.height > 0
    # the whole table, column for column and type for type
    assert_frame_equal(on_spark.sort(KEYS, nulls_last=True), on_polars.sort(KEYS, nulls_last=True))
    # and so what the scoring reads of it
    assert_frame_equal(count_windows(on_spark, n), count_windows(on_polars, n))
    assert_frame_equal(count_authors(on_spark), count_authors(on_polars))
    assert totals_of(on_spark, n) == totals_of(on_polars, n)
    report = analyse_on_spark(spark, root, settings, now=now, brand_handles=handles)
    source = CanonicalStore(Path(root)).source(settings.window, n, now)
    expected = analyse(source, settings, now=now, brand_handles=handles)
    assert _report(report) == _report(expected)
    assert any(t.level != "calm" for t in report.topics) == hot


def test_spark_lists_the_partitions_through_hadoop_as_the_store_does(
    spark: SparkSession, sample_store: str
) -> None:
    assert days(spark, f"file://{sample_store}") == CanonicalStore(Path(sample_store)).days()


def test_spark_reads_a_topic_with_any_characters(
    spark: SparkSession, tmp_path: Path, write_csv: WriteCsv
) -> None:
    t = datetime.fromisoformat("2026-11-02T00:00:00+00:00")
    odd = "Acme / Co=1 %20 ü"
    rows = [
        [
            iso(t + timedelta(minutes=40 * i)),
            odd if i % 3 else "Plain",
            f"@u{i % 9}",
            5,
            "x",
            "negative",
        ]
        for i in range(300)
    ]
    root = _store(tmp_path / "store", write_csv(rows))
    settings = Settings()
    source = CanonicalStore(Path(root)).source(settings.window, settings.baseline_windows)
    on_spark = analyse_on_spark(spark, f"file://{root}", settings)
    assert [t.topic for t in on_spark.topics] == [t.topic for t in analyse(source).topics]
    assert {t.topic for t in on_spark.topics} == {odd, "Plain"}


def test_cli_scan_on_spark_prints_what_scan_of_the_store_prints(
    spark: SparkSession, sample_store: str
) -> None:
    runner = CliRunner()
    args = ["scan", "--store", sample_store, "--at", "2011-09-27T08:00Z", "-f", "json"]
    on_spark = runner.invoke(app, [*args, "--engine", "spark", "--spark-master", "local[2]"])
    on_polars = runner.invoke(app, args)
    assert on_spark.exit_code == on_polars.exit_code == 0, on_spark.output
    assert json.loads(on_spark.stdout) == json.loads(on_polars.stdout)


def test_spark_reads_the_store_only(sample_store: str) -> None:
    result = CliRunner().invoke(
        app, ["scan", str(SAMPLE), "--store", sample_store, "--engine", "spark"]
    )
    assert result.exit_code == 2
    assert "Spark reads the mention store only" in result.stderr


def test_spark_does_not_estimate_sentiment_but_says_so(
    spark: SparkSession, tmp_path: Path, write_csv: WriteCsv
) -> None:
    t = datetime.fromisoformat("2026-11-02T00:00:00+00:00")
    rows = [
        [iso(t + timedelta(minutes=30 * i)), "Acme", f"@u{i % 5}", 10, "awful broken mess"]
        for i in range(400)
    ]
    path = write_csv(rows, header=("timestamp", "brand", "author", "followers", "text"))
    root = _store(tmp_path / "store", path)
    with pytest.raises(ConfigError, match="the Spark engine cannot estimate sentiment"):
        analyse_on_spark(spark, root, Settings())
    plain = Settings(estimate_sentiment=False)
    source = CanonicalStore(Path(root)).source(plain.window, plain.baseline_windows)
    assert _report(analyse_on_spark(spark, root, plain)) == _report(analyse(source, plain))
