"""The Spark engine: the aggregation plan (``pipeline.plan``) on Apache Spark, over the mention
store's Parquet layout (``store.canonical``) at a local path, an ``s3a://`` or ``hdfs://`` URI.

On the cluster: listing the partitions (through Hadoop's FileSystem, so any URI Spark reads),
the newest mention, the sentiment of mentions imported without one (estimated inside the
horizon by the same code as the polars scan's, in Python on the executors: see
``engines.estimates``), the summary per topic and window (the plan: the only step whose cost
grows with the mentions), and the horizon rows of the few topics at watch or above. Here:
everything after, exactly as the polars engine does it (``analysis.report``), so both give the
same report.

pyspark is imported only here (``pip install 'stormwatch[spark]'``); nothing here reads the
environment: the caller passes the Spark settings (``spark.master`` …).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import polars as pl

from stormwatch.errors import ConfigError, InputError, StormwatchError
from stormwatch.models import FileFormat, InputSummary, Report
from stormwatch.pipeline.plan import All, Cond, Measure, Not, Plan, summary_plan
from stormwatch.pipeline.response import mark_brand, normalise_handles
from stormwatch.pipeline.window import QUARTERS, horizon
from stormwatch.sentiment.fill import Estimator, estimator, with_estimates
from stormwatch.settings import Settings
from stormwatch.sources.schema import CANONICAL
from stormwatch.store.canonical import FILE, MANIFEST, TOPIC
from stormwatch.store.files import DAY, day_name, partition, partition_value
from stormwatch.store.pruning import needed

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

#: Defaults the caller's settings may override: timestamps as UTC, no web UI or progress bars.
DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
INSTALL = "install the extra: pip install 'stormwatch[spark]' (and Java 17)"
#: The mention columns the cluster sends back for the hot topics' context and themes.
HOT = (
    "topic",
    "timestamp",
    "count",
    "author",
    "followers",
    "sentiment",
    "engagement",
    "platform",
    "text",
    "url",
)


def session(conf: Mapping[str, str]) -> SparkSession:
    """A Spark session with ``conf`` (``spark.master`` and any ``spark.*`` setting) over
    :data:`DEFAULTS`. ConfigError when pyspark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("the Spark engine needs pyspark", hint=INSTALL) from None
    builder = SparkSession.builder.appName("stormwatch")
    for key, value in {**DEFAULTS, **conf}.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pyspark's own errors: no Java, a master it cannot reach
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise StormwatchError(
            f"cannot start Spark: {first}",
            hint="check --spark-master and that Java 17 is installed (JAVA_HOME)",
        ) from None
    python = worker_python(conf)
    if python is not None:
        spark.sparkContext.pythonExec = python
    return spark


def worker_python(conf: Mapping[str, str]) -> str | None:
    """The Python the executors run the sentiment estimate in: ``spark.pyspark.python`` when
    set; in local mode this interpreter (the one stormwatch is installed in; pyspark's own
    default is whatever ``python3`` is first on the PATH); on a cluster None, pyspark's default
    (``$PYSPARK_PYTHON``, else ``python3``)."""
    if "spark.pyspark.python" in conf:
        return conf["spark.pyspark.python"]
    return sys.executable if conf.get("spark.master", "").startswith("local") else None


def _hadoop_path(spark: SparkSession, *parts: str) -> Any:
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(parts[0])
    for part in parts[1:]:
        path = jvm.org.apache.hadoop.fs.Path(path, part)
    return path


def days(spark: SparkSession, root: str) -> dict[str, list[str]]:
    """Each topic's days (``YYYY-MM-DD``, oldest first) in the store at ``root`` (any URI
    Hadoop reads)."""
    base = _hadoop_path(spark, root)
    fs = base.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    found: dict[str, list[str]] = {}
    for status in fs.globStatus(_hadoop_path(spark, root, f"{TOPIC}=*/{DAY}=*/{FILE}")) or []:
        folder = status.getPath().getParent()
        topic = partition_value(TOPIC, folder.getParent().getName())
        day = day_name(folder.getName())
        if topic is not None and day is not None:
            found.setdefault(topic, []).append(day)
    return {topic: sorted(names) for topic, names in found.items()}


def paths(root: str, pairs: Sequence[tuple[str, str]]) -> list[str]:
    """The files of ``(topic, day)`` partitions under ``root``."""
    return [f"{root.rstrip('/')}/{partition(TOPIC, t, d)}/{FILE}" for t, d in pairs]


def manifest(spark: SparkSession, root: str) -> dict[str, Any]:
    """The store's ``store.json`` (topic columns, whether sentiment is to be estimated)."""
    path = _hadoop_path(spark, root, MANIFEST)
    fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    if not fs.exists(path):
        return {}
    text = "".join(r.value for r in spark.read.text(path.toString(), wholetext=True).collect())
    data = json.loads(text)
    return data if isinstance(data, dict) else {}


def _cond(cond: Cond) -> Column:
    from pyspark.sql import functions as F

    if isinstance(cond, All):
        out = _cond(cond.parts[0])
        for part in cond.parts[1:]:
            out = out & _cond(part)
        return out
    if isinstance(cond, Not):
        return ~_cond(cond.part)
    col = F.col(cond.column)
    if cond.test == "eq":
        return col == F.lit(cond.value)
    if cond.test == "le":
        return col <= F.lit(cond.value)
    if cond.test == "eq_missing":  # as polars: null is a value of its own
        return col.eqNullSafe(F.lit(cond.value))
    if cond.test == "ne_missing":
        return ~col.eqNullSafe(F.lit(cond.value))
    return col.isNull() if cond.test == "null" else col.isNotNull()


def _measure(m: Measure, fractional: bool) -> Column:
    """One measure with polars' results: sums of nothing are 0, counts are of non-null values."""
    from pyspark.sql import functions as F

    where = _cond(m.where) if m.where is not None else None
    if m.op == "rows":
        return F.count(F.lit(1)) if where is None else F.count(F.when(where, F.lit(1)))
    assert m.column is not None
    col = F.col(m.column) if where is None else F.when(where, F.col(m.column))
    if m.op == "fractional":
        if not fractional:
            return F.lit(0).cast("long")
        return F.count(F.when(col != F.floor(col), F.lit(1)))
    if m.op == "count":
        return F.count(col)
    if m.op == "sum":
        kind = "double" if m.total and fractional else "long"
        return F.coalesce(F.sum(col).cast(kind), F.lit(0).cast(kind))
    if m.op == "n_unique":
        return F.count_distinct(col)
    return F.min(col) if m.op == "min" else F.max(col)


def aggregate(plan: Plan, rows: DataFrame) -> DataFrame:
    """``plan`` over ``rows`` (the columns ``normalise`` gives, placed in windows) on Spark."""
    from pyspark.sql import functions as F

    keys = [
        (F.col(k.column) if k.when is None else F.when(_cond(k.when), F.col(k.column))).alias(
            k.name
        )
        for k in plan.keys
    ]
    measures = [_measure(m, plan.fractional).alias(m.name) for m in plan.measures]
    return rows.groupBy(*keys).agg(*measures)


def _floor_div(a: Column, b: int) -> Column:
    """``a // b`` rounded down for b > 0, as polars: exact (``a - pmod(a, b)`` is a multiple)."""
    from pyspark.sql import functions as F

    return ((a - F.pmod(a, F.lit(b))) / F.lit(b)).cast("long")


def assign_windows(rows: DataFrame, now: datetime, window: timedelta, windows: int) -> DataFrame:
    """``window.assign_windows`` on Spark: ``window`` (-1 after ``now``, 0 current, 1..n
    baseline, n+1 older) and ``quarter`` (0..3, 0 the newest part)."""
    from pyspark.sql import functions as F

    width = int(window.total_seconds() * 1_000_000)
    age = F.lit(_micros(now)) - F.unix_micros(F.col("timestamp"))
    raw = _floor_div(age, width)
    return rows.withColumns(
        {
            "window": F.greatest(F.least(raw, F.lit(windows + 1)), F.lit(-1)),
            "quarter": F.pmod(_floor_div(age * QUARTERS, width), F.lit(QUARTERS)),
        }
    )


def brand_marked(rows: DataFrame, handles: Sequence[str]) -> DataFrame:
    """``response.mark_brand`` on Spark: the brand's own posts count 0 and lose author,
    sentiment, followers, engagement and text (authors compared trimmed, without ``@``, in
    lower case)."""
    from pyspark.sql import functions as F

    names = normalise_handles(handles)
    if not names:
        return rows
    blank = r"(?U)^\s+|\s+$"
    author = F.regexp_replace(F.col("author"), blank, "")
    author = F.regexp_replace(F.lower(F.regexp_replace(author, "^@+", "")), blank, "")
    brand = F.coalesce(author.isin(list(names)), F.lit(False))
    return rows.withColumns(
        {
            "count": F.when(brand, F.lit(0).cast("long")).otherwise(F.col("count")),
            **{
                c: F.when(brand, F.lit(None)).otherwise(F.col(c))
                for c in ("author", "sentiment", "followers", "engagement", "text")
            },
        }
    )


def _micros(moment: datetime) -> int:
    delta = moment.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _as_polars(rows: list[Any], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Collected rows as polars, timestamps sent as microseconds since the epoch (pyspark
    would turn them into the driver's local time)."""
    stamp = pl.Datetime("us", "UTC")
    wire = {c: pl.Int64() if t == stamp else t for c, t in schema.items()}
    frame = pl.DataFrame([tuple(r) for r in rows], schema=wire, orient="row")
    return frame.with_columns(
        pl.col(c).cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
        for c, t in schema.items()
        if t == stamp
    )


def _wire(frame: DataFrame, schema: Mapping[str, pl.DataType]) -> DataFrame:
    from pyspark.sql import functions as F

    stamp = pl.Datetime("us", "UTC")
    return frame.select(
        *(F.unix_micros(F.col(c)).alias(c) if t == stamp else F.col(c) for c, t in schema.items())
    )


def summary_schema(plan: Plan) -> dict[str, pl.DataType]:
    """The polars types of the plan's result, as ``pipeline.plan.to_polars`` gives them."""
    given = {**CANONICAL, "_file": pl.String(), "_reject": pl.String(), "_line": pl.Int64()}
    out: dict[str, pl.DataType] = {k.name: given.get(k.column, pl.Int64()) for k in plan.keys}
    for m in plan.measures:
        if m.op in ("min", "max"):
            assert m.column is not None
            out[m.name] = given[m.column]
        else:
            out[m.name] = pl.Float64() if m.total and plan.fractional else pl.Int64()
    return out


@dataclass(frozen=True)
class StoreScan:
    """The partitions of the store at ``root`` a scan at ``end`` reads, on Spark (see
    :func:`open_scan`), with the horizon ``(start, end]``."""

    root: str
    end: datetime
    start: datetime
    mentions: DataFrame
    manifest: Mapping[str, Any]

    def _in_horizon(self) -> Column:
        from pyspark.sql import functions as F

        stamp = F.unix_micros(F.col("timestamp"))
        return (stamp > F.lit(_micros(self.start))) & (stamp <= F.lit(_micros(self.end)))

    def to_estimate(self) -> bool:
        """Whether a mention of the horizon with a text was imported without sentiment, so
        the report says its sentiment was estimated (``store.canonical._to_estimate``)."""
        from pyspark.sql import functions as F

        if not self.manifest.get("estimated"):
            return False
        wanted = F.col("_estimate") & self._in_horizon() & F.col("text").isNotNull()
        return bool(self.mentions.filter(wanted).take(1))

    def estimating(self, estimator: Estimator) -> StoreScan:
        """This scan with the sentiment of the mentions flagged ``_estimate`` estimated from
        their text and language inside the horizon, null outside it, as ``normalise._stored``
        does: ``estimator.labels`` on the executors (see ``engines.estimates``). Only those
        rows' two values go to Python (the others as nulls, which cost nothing there)."""
        if not self.manifest.get("estimated"):  # as the polars scan: no Python at all
            return self
        from pyspark.sql import functions as F

        try:  # pyarrow: part of stormwatch[spark], not of a bare pyspark
            from stormwatch.engines.estimates import sentiment_udf
        except ImportError as exc:
            raise ConfigError(
                f"the Spark engine estimates sentiment with pyarrow: {exc}",
                hint=f"{INSTALL}, or turn estimation off (--no-estimate-sentiment)",
            ) from None

        flagged = F.col("_estimate")
        wanted = flagged & self._in_horizon()
        labels = sentiment_udf(estimator)(
            F.when(wanted, F.col("text")), F.when(wanted, F.col("language"))
        )
        sentiment = F.when(flagged, labels).otherwise(F.col("sentiment"))
        return replace(self, mentions=self.mentions.withColumn("sentiment", sentiment))

    def summary(self, settings: Settings, brand_handles: Sequence[str] = ()) -> pl.DataFrame:
        """The summary plan on Spark: ``plan.summarise``'s table, as polars gives it."""
        from pyspark.sql import functions as F

        rows = self.mentions.select(
            F.lit(self.root).alias("_file"),
            F.lit(None).cast("long").alias("_line"),
            F.lit(None).cast("string").alias("_reject"),
            F.lit(False).alias("_unread_any"),
            *CANONICAL,
        )
        marked = brand_marked(rows, brand_handles)
        windowed = assign_windows(marked, self.end, settings.window, settings.baseline_windows)
        plan = summary_plan(windows=settings.baseline_windows)
        schema = summary_schema(plan)
        return _as_polars(_wire(aggregate(plan, windowed), schema).collect(), schema)

    def hot_rows(self, hot: Sequence[str]) -> pl.DataFrame:
        """The ``hot`` topics' mentions in the horizon, with the columns ``normalise`` gives,
        in the store's order (topic, time, then as imported), as polars reads them."""
        from pyspark.sql import functions as F

        picked = self.mentions.filter(F.col("topic").isin(list(hot)) & self._in_horizon())
        picked = picked.withColumn("_order", F.monotonically_increasing_id())
        columns = {c: CANONICAL[c] for c in HOT}
        ordered = _wire(picked.orderBy("topic", "timestamp", "_order"), columns)
        return _as_polars(ordered.collect(), columns).with_columns(
            pl.lit(None, pl.String).alias("_reject")
        )


def open_scan(
    spark: SparkSession, root: str, settings: Settings, now: datetime | None = None
) -> StoreScan:
    """The store at ``root`` as a scan at ``now`` (default: its newest mention) reads it.
    InputError for an empty store."""
    from pyspark.sql import functions as F

    listed = days(spark, root)
    if not listed:
        raise InputError(
            root,
            "the mention store holds no mentions",
            hint=f"import exports first: stormwatch import FILE --store {root}",
        )
    end = now
    if end is None:
        last = max(d for names in listed.values() for d in names)
        newest = spark.read.parquet(*paths(root, [(t, last) for t in listed if last in listed[t]]))
        latest = newest.select(F.unix_micros(F.max("timestamp")).alias("end")).collect()
        end = _as_polars(latest, {"end": pl.Datetime("us", "UTC")}).item()
    end = end.astimezone(UTC)
    start = horizon(end, settings.window, settings.baseline_windows)[0]
    mentions = spark.read.parquet(*paths(root, needed(listed, start, end)))
    return StoreScan(root, end, start, mentions, manifest(spark, root))


def analyse_on_spark(
    spark: SparkSession,
    root: str,
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    brand_handles: Sequence[str] = (),
) -> Report:
    """``analysis.analyse`` of the mention store at ``root`` with the aggregation on ``spark``:
    the same report as ``analyse`` of ``CanonicalStore(root).source(…)``.

    Mentions imported without sentiment are estimated inside the horizon as the polars scan
    estimates them (``settings.estimate_sentiment``, ``settings.sentiment_model``), on the
    executors. Raises InputError for an empty store, ConfigError for a bad model file.
    """
    from stormwatch.pipeline.analyse import score_summary
    from stormwatch.pipeline.inputs import totals_of
    from stormwatch.pipeline.passes import horizon_rows

    settings = settings or Settings()
    estimate = estimator(settings.estimate_sentiment, settings.sentiment_model)
    scan = open_scan(spark, root, settings, now)
    if estimate is not None:
        scan = scan.estimating(estimate)
    summary = scan.summary(settings, brand_handles)
    totals = totals_of(summary, settings.baseline_windows)
    if totals is None:
        rows = int(summary["rows"].sum())
        raise InputError(
            root,
            f"all {rows} mentions are after --at {scan.end:%Y-%m-%dT%H:%M:%SZ}",
            hint="choose a later --at",
        )
    summary_input = InputSummary(
        files=(root,),
        rows_read=totals.rows,
        rows_used=totals.rows - totals.after,
        rows_rejected=0,
        rows_after_evaluation=totals.after,
        formats={root: FileFormat("store", "store", ())},
    )
    if estimate is not None and scan.to_estimate():
        summary_input = with_estimates(summary_input, [(root, "why_stored")], estimate)

    def hot_rows(hot: list[str]) -> pl.DataFrame:
        marked = mark_brand(scan.hot_rows(hot).lazy(), brand_handles)
        return horizon_rows(marked, scan.end, settings, hot)

    names = [str(c) for c in scan.manifest.get("topic_columns", [])]
    by = settings.by or (names[0] if len(names) == 1 else TOPIC)
    handles = normalise_handles(brand_handles)
    return score_summary(settings, scan.end, summary, totals, summary_input, hot_rows, by, handles)
