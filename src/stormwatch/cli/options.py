"""The options several commands share, declared once: the same flag means the same thing, with
the same help, in ``scan``, ``report``, ``backtest``, ``alert`` and ``train-sentiment``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Only errors on stderr: no notes or progress.")
]
By = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="Column that names the topic (brand, query, hashtag, …). "
        "Default: a brand/query/topic column when the file has one, else one topic.",
    ),
]
Window = Annotated[
    str | None,
    typer.Option("--window", help="Current window length, e.g. 1h, 30m. [default: 1h]"),
]
Baseline = Annotated[
    str | None, typer.Option("--baseline", help="Trailing baseline, e.g. 7d. [default: 7d]")
]
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Evaluate as of this moment (e.g. 2011-09-28T12:00Z); "
        "later mentions are ignored. [default: the newest mention]",
    ),
]
Timezone = Annotated[
    str,
    typer.Option("--timezone", help="Timezone of timestamps without an offset (IANA name)."),
]
BrandHandles = Annotated[
    list[str] | None,
    typer.Option("--brand-handle", help="The brand's own account, e.g. @acme (repeatable)."),
]
Language = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of the output and of the notes: en or de. "
        "[default: [scan] lang, else the locale, else en]",
    ),
]
Config = Annotated[
    Path | None,
    typer.Option("--config", help="TOML settings file. [default: $STORMWATCH_CONFIG]"),
]
Dayfirst = Annotated[
    bool | None,
    typer.Option(
        "--dayfirst/--monthfirst",
        help="Read ambiguous dates like 01/02/2026 as day first (or month first). "
        "[default: decided by the data, month first on a tie]",
        show_default=False,
    ),
]
Preset = Annotated[
    str | None,
    typer.Option(
        "--preset",
        help="Read the files as this export format (see `stormwatch formats`). "
        "[default: recognised from the header]",
    ),
]
MappingFile = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help='TOML file naming the columns of an unknown format, e.g. timestamp = "Erstellt".',
    ),
]
EstimateSentiment = Annotated[
    bool | None,
    typer.Option(
        "--estimate-sentiment/--no-estimate-sentiment",
        help="Estimate the sentiment of files without one from their texts (flagged in the "
        "notes). [default: on]",
        show_default=False,
    ),
]
SentimentModel = Annotated[
    Path | None,
    typer.Option(
        "--sentiment-model",
        help="Model from train-sentiment for that. [default: the one in the app directory "
        "if saved there, else the built-in lexicon]",
    ),
]
