"""``stormwatch report``: the HTML report, ``scan --format html --out report.html`` with the
options a report needs (:mod:`stormwatch.report.html` renders it,
:mod:`stormwatch.report.history` draws its timelines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stormwatch.cli.app import Quiet, app, guarded
from stormwatch.cli.scan import scan


@app.command()
@guarded
def report(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Export files to read (as scan reads them); several are merged.",
            metavar="FILE",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")] = Path(
        "report.html"
    ),
    by: Annotated[
        str | None, typer.Option("--by", help="Column that names the topic (as scan).")
    ] = None,
    window: Annotated[
        str | None, typer.Option("--window", help="Current window length. [default: 1h]")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Trailing baseline. [default: 7d]")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="Evaluate as of this moment. [default: the newest mention]"),
    ] = None,
    timezone: Annotated[
        str,
        typer.Option("--timezone", help="Timezone of timestamps without an offset (IANA name)."),
    ] = "UTC",
    brand_handle: Annotated[
        list[str] | None,
        typer.Option("--brand-handle", help="The brand's own account, e.g. @acme (repeatable)."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the report: en or de. [default: the locale's]"),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML settings file. [default: $STORMWATCH_CONFIG]"),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="Read ambiguous dates as day first (or month first).",
            show_default=False,
        ),
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help="Read the files as this export format.")
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="TOML file naming the columns.")
    ] = None,
    estimate_sentiment: Annotated[
        bool | None,
        typer.Option(
            "--estimate-sentiment/--no-estimate-sentiment",
            help="Estimate missing sentiment from the texts. [default: on]",
            show_default=False,
        ),
    ] = None,
    sentiment_model: Annotated[
        Path | None, typer.Option("--sentiment-model", help="Model from train-sentiment.")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write a self-contained HTML report (timeline, critics, mentions, themes, steps).

    Example:

    \b
        stormwatch report data/samples/siemens-fridge-2011.csv --out report.html
    """
    scan(
        ctx=ctx,
        files=files,
        by=by,
        window=window,
        baseline=baseline,
        at=at,
        timezone=timezone,
        brand_handle=brand_handle,
        lang=lang,
        output_format="html",
        out=out,
        config=config,
        dayfirst=dayfirst,
        quiet=quiet,
        preset=preset,
        mapping=mapping,
        estimate_sentiment=estimate_sentiment,
        sentiment_model=sentiment_model,
    )
