"""``stormwatch scan``: rank topics by escalation in export files (or fetched mentions)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from stormwatch.cli.app import (
    ExitCode,
    _duration,
    _moment,
    _report_input,
    app,
    check_lang,
    command_settings,
    guarded,
    pick_format,
    read_options,
    same_file,
    tell,
)
from stormwatch.cli.options import (
    At,
    Baseline,
    BrandHandles,
    By,
    Config,
    Dayfirst,
    EstimateSentiment,
    Language,
    MappingFile,
    Preset,
    Quiet,
    SentimentModel,
    Timezone,
    Window,
)
from stormwatch.settings import LEVELS, Lang, Settings
from stormwatch.text.notes import Note


def _write_rejects(
    path: Path, files: list[Path], settings: Settings, options: Any, quiet: bool, at: datetime
) -> None:
    from stormwatch.render import rejects

    rows = rejects.rejected_rows(files, settings, options=options, at=at)
    try:
        path.write_text(rejects.to_csv(rows), encoding="utf-8")
    except OSError as exc:
        from stormwatch.errors import StormwatchError

        raise StormwatchError(
            f"cannot write {path}: {exc.strerror}", hint="choose a writable --rejects path"
        ) from None
    if not quiet:
        wrote = (
            Note("wrote_reject", path=str(path))
            if rows.height == 1
            else Note("wrote_rejects", count=rows.height, path=str(path))
        )
        tell("note", wrote, settings.lang)


@app.command()
@guarded
def scan(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Export files to read (CSV/TSV, XLSX, ZIP of CSVs, Parquet, JSON Lines); "
            "several are merged.",
            metavar="FILE",
            show_default=False,
        ),
    ] = None,
    fetch_from: Annotated[
        list[str] | None,
        typer.Option(
            "--fetch",
            help="Fetch SOURCE:QUERY (e.g. hn:acme, mastodon:mastodon.social#acme; "
            "acme=bluesky:acme names the topic) into the mention store first, newer than it "
            "holds, and scan it with the files (repeatable).",
            show_default=False,
        ),
    ] = None,
    by: By = None,
    window: Window = None,
    baseline: Baseline = None,
    at: At = None,
    timezone: Timezone = "UTC",
    brand_handle: BrandHandles = None,
    lang: Language = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv, markdown or html (a self-contained report, see `stormwatch "
            "report`). [default: table on a terminal, json otherwise]",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Write the output to this file instead of standard output.",
            show_default=False,
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit with code 3 when a topic is at or above this level (watch, warning, storm).",
        ),
    ] = None,
    config: Config = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Write the rows that could not be used (and duplicates) to this CSV file, "
            "with file, line and reason.",
            show_default=False,
        ),
    ] = None,
    dayfirst: Dayfirst = None,
    quiet: Quiet = False,
    preset: Preset = None,
    mapping: MappingFile = None,
    estimate_sentiment: EstimateSentiment = None,
    sentiment_model: SentimentModel = None,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Scan the mention store that `stormwatch import` fills (only the days the "
            "scan needs), with the files if any. Spark also reads s3a:// and hdfs:// URIs.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Aggregate the mentions with polars (here) or spark (the store only; "
            "scoring stays here).",
        ),
    ] = "polars",
    spark_master: Annotated[
        str | None,
        typer.Option(
            "--spark-master",
            help="With --engine spark: spark.master, e.g. spark://host:7077 or yarn. "
            "[default: $STORMWATCH_SPARK_MASTER, else local[*]]",
            show_default=False,
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option(
            "--spark-conf",
            help="With --engine spark: a Spark setting KEY=VALUE (repeatable), e.g. "
            "spark.hadoop.fs.s3a.endpoint=….",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Rank topics by escalation score, with the reasons and the next steps.

    Example:

    \b
        stormwatch scan data/samples/siemens-fridge-2011.csv --lang de
    """
    env = os.environ
    fmt = pick_format(output_format, ("table", "json", "csv", "markdown", "html"))
    check_lang(lang)
    if fail_on is not None and fail_on not in LEVELS[1:]:
        raise typer.BadParameter("use watch, warning or storm", param_hint="--fail-on")
    options = read_options(
        timezone,
        preset,
        mapping,
        dayfirst,
        # A timestamp more than a day ahead of the clock is an error in the export, and must
        # not become the evaluation moment.
        not_after=datetime.now(UTC) + timedelta(days=1),
    )
    settings = command_settings(
        config,
        env,
        {
            "by": by,
            "window": _duration(window, "--window"),
            "baseline": _duration(baseline, "--baseline"),
            "lang": lang,
            "estimate_sentiment": estimate_sentiment,
            "sentiment_model": sentiment_model,
        },
    )
    now = _moment(at, timezone)
    handles = tuple(brand_handle or ())
    from stormwatch.cli import store as stored_mentions

    if stored_mentions.on_spark(engine, store, bool(files or fetch_from)):
        if fmt == "html":
            raise typer.BadParameter(
                "the HTML report replays the mentions here: use --engine polars",
                param_hint="--format",
            )
        conf = stored_mentions.spark_conf(spark_master, spark_conf or (), env)
        report = stored_mentions.scan_spark(store, settings, now, handles, conf)
        _finish(report, fmt, out, fail_on, quiet, settings.lang, lambda: {})
        return
    from stormwatch.cli.fetch import scan_inputs

    stored = stored_mentions.store_sources(store, settings, now)
    files, fetched = scan_inputs(files, fetch_from, env, settings, quiet, bool(stored))
    fetched = [*stored, *fetched]
    for output, flag in ((rejects, "--rejects"), (out, "--out")):
        if output is not None and any(f.exists() and same_file(output, f) for f in files):
            raise typer.BadParameter(
                f"{output} is one of the input files; it would be overwritten", param_hint=flag
            )
    inputs: list[Any] = [*files, *fetched]
    report = _analysed(inputs, files, settings, now, options, handles, quiet)
    paths = files

    def write_rejects() -> None:
        if rejects is not None:
            _write_rejects(rejects, paths, settings, options, quiet, report.evaluated_at)

    def timelines() -> Any:  # the html format's only: the replay is imported when asked for
        from stormwatch.report.history import histories

        return histories(inputs, report, settings, options, handles)

    _finish(report, fmt, out, fail_on, quiet, settings.lang, timelines, write_rejects)


def _analysed(
    inputs: list[Any],
    files: list[Path],
    settings: Settings,
    now: datetime | None,
    options: Any,
    handles: tuple[str, ...],
    quiet: bool,
) -> Any:
    """``analyse`` of ``inputs``, with a progress bar on a terminal for large ``files``."""
    from stormwatch.cli import progress
    from stormwatch.pipeline.analyse import analyse

    def run() -> Any:
        return analyse(inputs, settings, now=now, options=options, brand_handles=handles)

    size = progress.input_size(files)
    if not progress.wanted(size, is_terminal=sys.stderr.isatty(), quiet=quiet):
        return run()
    from rich.console import Console

    with progress.reading_progress(Console(stderr=True), size):
        return run()


def _finish(
    report: Any,
    fmt: str,
    out: Path | None,
    fail_on: str | None,
    quiet: bool,
    lang: Lang,
    timelines: Callable[[], Any],
    after_input: Callable[[], None] | None = None,
) -> None:
    """The warnings and notes on stderr (``after_input`` runs between them), the report on
    stdout or ``out``; exit 3 at ``fail_on``."""
    from stormwatch.cli.output import emit

    _report_input(report.input, quiet, lang)
    if after_input is not None:
        after_input()
    if not quiet:
        for note in report.notes:
            tell("note", note, lang)
    emit(fmt, report, out, timelines)
    if out is not None and not quiet:
        tell("note", Note("wrote", path=str(out)), lang)
    if fail_on is not None and report.at_or_above(fail_on):
        raise typer.Exit(ExitCode.ALERT)
