"""``stormwatch train-sentiment``: fit a text model on labelled exports, save it as JSON."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from stormwatch.cli.app import _err, app, guarded, option_value, same_file


@app.command("train-sentiment")
@guarded
def train_sentiment(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Exports with a text and a sentiment column (most tools export both).",
            metavar="LABELLED",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to save the model (JSON). "
            "[default: sentiment-model.json in the app directory]",
            show_default=False,
        ),
    ] = None,
    folds: Annotated[
        int,
        typer.Option("--folds", min=2, max=20, help="Cross-validation folds for the scores."),
    ] = 5,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="Read the files as this export format, as for scan."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML file naming the columns, as for scan."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
) -> None:
    """Train a sentiment model on your own labelled exports, for files without sentiment.

    Reports cross-validated accuracy and macro-F1 on stderr and saves vocabulary, idf and
    coefficients as JSON (never pickle).

    Example:

        stormwatch train-sentiment brandwatch-2025-*.csv --out model.json
    """
    from stormwatch.sentiment.model import default_model_path, save_model
    from stormwatch.sentiment.train import read_labelled, require_labels, train
    from stormwatch.sources import ReadOptions

    if preset is not None:
        from stormwatch.sources.presets import get_preset

        option_value(get_preset, preset, "--preset")  # fails before any file is read
    if out is not None:
        _check_out(out, files, mapping)
    data = read_labelled(files, ReadOptions(preset=preset, mapping=mapping))
    say = (lambda _: None) if quiet else _err
    for note in data.notes:
        say(f"Note: {note}")
    require_labels(data)
    counts = ", ".join(f"{c} {n:,}" for c, n in data.counts().items())
    skipped = data.left_out()
    say(
        f"Training on {len(data.labels):,} labelled mentions ({counts})"
        + (f"; left out: {', '.join(skipped)}" if skipped else "")
    )
    result = train(data, folds=folds)
    say(
        f"Cross-validated ({result.folds} folds): accuracy {result.accuracy:.3f}, "
        f"macro-F1 {result.macro_f1:.3f}"
    )
    for label, m in result.per_class.items():
        say(
            f"  {label:<8}  precision {m['precision']:.3f}  recall {m['recall']:.3f}  "
            f"F1 {m['f1']:.3f}  ({int(m['support']):,} mentions)"
        )
    path = save_model(result.model, out if out is not None else default_model_path(os.environ))
    sizes = " + ".join(f"{len(b['vocabulary']):,} {b['kind']}" for b in result.model["blocks"])
    say(f"Saved the model ({sizes} features) to {path}")


def _check_out(out: Path, files: list[Path], mapping: Path | None) -> None:
    """Usage errors, before any training, for a model path that is a directory or an input."""
    if out.is_dir():
        raise typer.BadParameter(
            f"{out} is a directory; name the model file, e.g. {out / 'sentiment-model.json'}",
            param_hint="--out",
        )
    for path in [*files, *([mapping] if mapping is not None else [])]:
        if path.exists() and same_file(out, path):  # a missing input fails on its own
            what = "the --mapping file" if path is mapping else "one of the input files"
            alias = "" if str(path) == str(out) else f" ({path})"  # a link, or another spelling
            raise typer.BadParameter(
                f"{out} is {what}{alias}; the model would overwrite it", param_hint="--out"
            )
