"""``stormwatch import`` and the mention store side of ``scan --store`` / ``--engine spark``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from stormwatch.cli.app import (
    _err,
    app,
    default_lang,
    guarded,
    problem_lines,
    read_options,
    tell,
)
from stormwatch.cli.options import By, Dayfirst, MappingFile, Preset, Quiet, Timezone
from stormwatch.settings import Settings

#: ``--engine spark``: the master when neither ``--spark-master`` nor this is set: local[*].
MASTER_ENV = "STORMWATCH_SPARK_MASTER"


@app.command("import")
@guarded
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Export files to add (as scan reads them: CSV/TSV, XLSX, ZIP, Parquet, JSONL).",
            metavar="FILE",
            show_default=False,
        ),
    ],
    store: Annotated[
        Path,
        typer.Option("--store", help="Mention store directory (created if missing)."),
    ],
    by: By = None,
    timezone: Timezone = "UTC",
    preset: Preset = None,
    mapping: MappingFile = None,
    dayfirst: Dayfirst = None,
    quiet: Quiet = False,
) -> None:
    """Add the mentions of exports to a mention store (Parquet, by topic and day), once each.

    Example:

    \b
        stormwatch import data/samples/siemens-fridge-2011.csv --store mentions/
    """
    from stormwatch.pipeline.analyse import load_sources
    from stormwatch.store.canonical import CanonicalStore
    from stormwatch.store.imports import import_sources

    not_after = datetime.now(UTC) + timedelta(days=1)  # as scan: no dates from the future
    options = replace(read_options(timezone, preset, mapping, dayfirst, not_after), by=by)
    sources = load_sources(files, options)
    done = import_sources(CanonicalStore(store), sources, options.not_after)
    if quiet:
        return
    lang = default_lang(os.environ)
    for line in problem_lines(done.input, lang):
        _err(line)
    for note in done.input.notes:
        tell("note", note, lang)
    s = done.input
    _err(
        f"Imported into {store}: {s.rows_read:,} rows read, {done.new:,} new, "
        f"{done.stored + s.rows_duplicate:,} duplicates ({done.stored:,} already stored, "
        f"{s.rows_duplicate:,} repeated across the files), {s.rows_rejected:,} rejected."
    )


def on_spark(engine: str, store: str | None, other_inputs: bool) -> bool:
    """Whether ``scan`` runs on Spark (``--engine``); usage errors for what Spark cannot do."""
    if engine not in ("polars", "spark"):
        raise typer.BadParameter("use polars or spark", param_hint="--engine")
    if engine == "spark" and (store is None or other_inputs):
        raise typer.BadParameter(
            "Spark reads the mention store only: give --store and no FILE or --fetch",
            param_hint="--engine",
        )
    return engine == "spark"


def store_sources(store: str | None, settings: Settings, now: datetime | None) -> list[Any]:
    """``scan --store DIR``: the imported mentions of the days the scan needs (one Source) and
    the mentions fetched into the same directory (one Source per source and query, the query
    naming the topic, as ``scan --fetch`` without ``TOPIC=``). None without ``--store``."""
    if store is None:
        return []
    from stormwatch.errors import InputError
    from stormwatch.fetch.store import MentionStore
    from stormwatch.sources import ReadOptions
    from stormwatch.store.canonical import CanonicalStore

    root = local_store(store)
    imported = CanonicalStore(root)
    found = (
        [imported.source(settings.window, settings.baseline_windows, now)]
        if imported.days()
        else []
    )
    fetched = MentionStore(root)
    plain = ReadOptions(by=settings.by)  # the fetch store's files are UTC, stormwatch's own
    for source, key in fetched.queries():
        if (part := fetched.source(source, key, plain)) is not None:
            found.append(part)
    if not found:
        raise InputError(
            root,
            "the mention store holds no mentions",
            hint=f"import exports first: stormwatch import FILE --store {root}",
        )
    return found


def local_store(store: str) -> Path:
    """``--store`` as a local directory; a URI (``s3a://``, ``hdfs://``) is for Spark only."""
    if "://" in store and not store.startswith("file://"):
        raise typer.BadParameter(
            "a URI store is read by Spark only; add --engine spark", param_hint="--store"
        )
    return Path(store.removeprefix("file://"))


def spark_conf(master: str | None, conf: Sequence[str], env: Mapping[str, str]) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` settings plus ``spark.master`` (``--spark-master``, else
    ``$STORMWATCH_SPARK_MASTER``, else ``local[*]``)."""
    out: dict[str, str] = {}
    for item in conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--spark-conf")
        out[key.strip()] = value
    out["spark.master"] = master or env.get(MASTER_ENV) or out.get("spark.master") or "local[*]"
    return out


def scan_spark(
    store: str | None,
    settings: Settings,
    now: datetime | None,
    handles: Sequence[str],
    conf: Mapping[str, str],
) -> Any:
    """``scan --engine spark``: the aggregation on Spark, the scoring here."""
    from stormwatch.engines.spark import analyse_on_spark, session

    assert store is not None  # on_spark() checked it
    spark = session(conf)
    return analyse_on_spark(spark, store, settings, now=now, brand_handles=handles)
