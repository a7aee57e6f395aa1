"""The Spark engine gives what polars gives: the same summary table per topic and window (the
plan's result, which the scoring reads) and the same final report, on the bundled sample and on
simulated data, run in Spark's local mode (one session for the module: starting one costs
seconds)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from pyspark.sql import SparkSession
from typer.testing import CliRunner

from conftest import SAMPLE, WriteCsv, iso
from stormwatch.cli.main import ExitCode, app
from stormwatch.engines.spark import analyse_on_spark, days, open_scan, session, worker_python
from stormwatch.pipeline.analyse import analyse, load_sources
from stormwatch.pipeline.inputs import totals_of
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.plan import summarise
from stormwatch.pipeline.response import mark_brand
from stormwatch.pipeline.window import assign_windows, count_authors, count_windows, horizon
from stormwatch.render import formats as render
from stormwatch.sentiment.fill import Estimator
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


#: Texts of mentions without sentiment: English and German, critical or not, and texts that
#: stay unrated (blank, none). ``language`` as an export gives it: often, not always.
TEXTS = [
    ("the fridge is broken again, what a disaster", "en"),
    ("Der Kühlschrank ist kaputt, eine Frechheit!", "de"),
    ("your app works great, thank you", "en"),
    ("Die Lieferung war schnell und freundlich", ""),
    ("the delivery arrives on Tuesday", ""),
    ("die App hat eine neue Version", "de"),
    ("worst service ever, never again", ""),
    ("  ", "en"),
    ("", ""),
]
STORM = ("Rückruf sofort! Das ist ein Skandal, gefährlich und kaputt", "de")
#: Labelled mentions a model is trained on (text templates, a third of each class). For this
#: team a delivery on Tuesday is a complaint: the model tells it apart from the lexicon.
LABELLED = {
    "negative": ["is broken again", "is a disaster", "ist kaputt", "arrives on Tuesday"],
    "neutral": ["was in the news", "has a new version", "kommt am Dienstag", "ist neu"],
    "positive": ["works great", "is lovely", "ist super", "war schnell und freundlich"],
}
SUBJECTS = ["the fridge", "your app", "der Kühlschrank", "die Lieferung", "the delivery"]
UNRATED_END = datetime.fromisoformat("2026-11-11T18:00:00+00:00")


@pytest.fixture(scope="module")
def unrated_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store imported from a CSV without a sentiment column: 11 days of two brands (the first
    three outside a scan's 7-day horizon), Acme with a German storm in its last two hours."""
    folder = tmp_path_factory.mktemp("unrated")
    start = UNRATED_END - timedelta(days=11)
    rows = []
    for i in range(11 * 24 * 3):  # one mention every 20 minutes
        text, language = TEXTS[i % len(TEXTS)]
        rows.append(
            (start + timedelta(minutes=20 * i + 1), ("Acme", "Globex")[i % 2], text, language)
        )
    for i in range(80):
        rows.append((UNRATED_END - timedelta(minutes=1 + i), "Acme", *STORM))
    frame = pl.DataFrame(
        {
            "id": [f"m{i}" for i in range(len(rows))],
            "timestamp": [r[0] for r in rows],
            "brand": [r[1] for r in rows],
            "author": [f"@u{i % 97}" for i in range(len(rows))],
            "followers": [100 + i % 13 for i in range(len(rows))],
            "text": [r[2] or None for r in rows],
            "language": [r[3] or None for r in rows],
        }
    )
    path = folder / "unrated.csv"
    frame.write_csv(path, datetime_format=CSV_DATETIME)
    return _store(folder / "store", path)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentiment model trained with ``stormwatch train-sentiment`` on English and German."""
    folder = tmp_path_factory.mktemp("model")
    texts, labels = [], []
    for i in range(300):
        label = ("negative", "neutral", "positive")[i % 3]
        phrases = LABELLED[label]
        texts.append(f"{SUBJECTS[i % 5]} {phrases[(i // 3) % 4]} #{i % 7}")
        labels.append(label)
    frame = pl.DataFrame({"text": texts, "sentiment": labels})
    frame.write_csv(folder / "labelled.csv")
    out = folder / "model.json"
    result = CliRunner().invoke(
        app, ["train-sentiment", str(folder / "labelled.csv"), "-q", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out


def _sentiments(mentions: pl.LazyFrame) -> pl.DataFrame:
    return mentions.select("id", "sentiment").collect().sort("id")


@pytest.mark.parametrize("model", [False, True], ids=["lexicon", "model"])
def test_spark_estimates_the_sentiment_polars_estimates(
    spark: SparkSession, unrated_store: str, model_file: Path, model: bool
) -> None:
    settings = Settings(sentiment_model=model_file if model else None)
    estimate = Estimator(model_file if model else None)
    n = settings.baseline_windows
    scan = open_scan(spark, unrated_store, settings)
    assert scan.end == UNRATED_END - timedelta(minutes=1)
    on_spark = pl.from_arrow(scan.estimating(estimate).mentions.select("id", "sentiment").toArrow())
    assert isinstance(on_spark, pl.DataFrame)
    source = CanonicalStore(Path(unrated_store)).source(settings.window, n)
    within = horizon(scan.end, settings.window, n)
    on_polars = _sentiments(normalise_all([source], None, estimate, horizon=within))
    # every mention, estimated inside the horizon and unrated outside, as the polars scan has it
    assert_frame_equal(on_spark.sort("id"), on_polars)
    assert set(on_polars["sentiment"]) == {None, "negative", "neutral", "positive"}
    stored = source.frame.select("id", "timestamp", "text").collect()
    stamp = pl.col("timestamp")
    outside = ~((stamp > within[0]) & (stamp <= within[1]))
    blank = pl.col("text").str.strip_chars().str.len_chars().fill_null(0) == 0
    # read besides the horizon (see store.pruning): the store's first day (18), the day
    # before the horizon's (72), and that one's 00:00-17:00 (51)
    assert stored.filter(outside).height == 18 + 72 + 51
    unrated = stored.filter(outside | blank)["id"].sort()
    assert on_polars.filter(pl.col("sentiment").is_null())["id"].to_list() == unrated.to_list()
    tuesday = stored.join(on_polars, on="id").filter(
        pl.col("text").str.contains("Tuesday") & pl.col("sentiment").is_not_null()
    )
    assert set(tuesday["sentiment"]) == {"negative" if model else "neutral"}
    # and so the report, hot topic and all (its context and critics read the estimates)
    report = _report(analyse_on_spark(spark, unrated_store, settings))
    assert report == _report(analyse(source, settings))
    levels = {t["topic"]: t["level"] for t in report["topics"]}  # type: ignore[attr-defined]
    assert levels["Globex"] == "calm"
    assert levels["Acme"] != "calm"
    assert "negativity" in report["signals_available"]  # type: ignore[operator]


def test_cli_scan_on_spark_estimates_as_the_polars_scan_or_leaves_unrated(
    spark: SparkSession, unrated_store: str, model_file: Path
) -> None:
    runner = CliRunner()
    args = ["scan", "--store", unrated_store, "-f", "json"]
    spark_args = ["--engine", "spark", "--spark-master", "local[2]"]
    outputs, notes = {}, {}
    for extra in ([], ["--sentiment-model", str(model_file)], ["--no-estimate-sentiment"]):
        on_spark = runner.invoke(app, [*args, *extra, *spark_args])
        on_polars = runner.invoke(app, [*args, *extra])
        assert on_spark.exit_code == on_polars.exit_code == 0, on_spark.output
        assert on_spark.stderr == on_polars.stderr
        assert json.loads(on_spark.stdout) == json.loads(on_polars.stdout)
        outputs[tuple(extra[:1])] = json.loads(on_spark.stdout)
        notes[tuple(extra[:1])] = on_spark.stderr
    said = f"Note: {unrated_store}: mentions imported without sentiment; sentiment estimated "
    assert notes == {
        (): f"{said}from text with the built-in English/German lexicon (language detected per "
        "text)\n",
        ("--sentiment-model",): f"{said}from text with the trained model {model_file}\n",
        ("--no-estimate-sentiment",): "Note: no sentiment in the data: negativity is not "
        "scored and every mention counts as potentially critical for influence\n",
    }
    assert outputs[()]["input"]["sentiment_estimated"] == [unrated_store]
    assert outputs[("--no-estimate-sentiment",)]["input"]["sentiment_estimated"] == []
    unrated = outputs[("--no-estimate-sentiment",)]
    assert unrated["signals_available"] == ["velocity", "influence", "spread"]
    assert outputs[()]["signals_available"] == ["velocity", "influence", "negativity", "spread"]
    assert outputs[()] != outputs[("--sentiment-model",)]


def test_a_damaged_model_is_the_same_error_on_spark(
    spark: SparkSession, unrated_store: str, tmp_path: Path
) -> None:
    bad = tmp_path / "model.json"
    bad.write_text("{not json", encoding="utf-8")
    args = ["scan", "--store", unrated_store, "--sentiment-model", str(bad)]
    on_spark = CliRunner().invoke(app, [*args, "--engine", "spark", "--spark-master", "local[2]"])
    on_polars = CliRunner().invoke(app, args)
    assert on_spark.exit_code == on_polars.exit_code == ExitCode.ERROR
    assert on_spark.stderr == on_polars.stderr
    assert on_spark.stderr.splitlines() == [
        f"Error: {bad}: not a stormwatch sentiment model (not JSON: Expecting property name "
        "enclosed in double quotes: line 1 column 2 (char 1))",
        "Hint: train a new one with: stormwatch train-sentiment LABELLED.csv",
    ]


def test_the_executors_run_this_python_locally_and_the_configured_one_on_a_cluster() -> None:
    assert worker_python({"spark.master": "local[2]"}) == sys.executable
    assert worker_python({"spark.master": "spark://host:7077"}) is None
    conf = {"spark.master": "yarn", "spark.pyspark.python": "/opt/venv/bin/python"}
    assert worker_python(conf) == "/opt/venv/bin/python"
