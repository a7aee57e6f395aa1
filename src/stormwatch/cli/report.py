"""``stormwatch report``: the HTML report, ``scan --format html --out report.html`` with the
options a report needs (:mod:`stormwatch.report.html` renders it,
:mod:`stormwatch.report.history` draws its timelines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stormwatch.cli.app import app, guarded
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
    by: By = None,
    window: Window = None,
    baseline: Baseline = None,
    at: At = None,
    timezone: Timezone = "UTC",
    brand_handle: BrandHandles = None,
    lang: Language = None,
    config: Config = None,
    dayfirst: Dayfirst = None,
    preset: Preset = None,
    mapping: MappingFile = None,
    estimate_sentiment: EstimateSentiment = None,
    sentiment_model: SentimentModel = None,
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
