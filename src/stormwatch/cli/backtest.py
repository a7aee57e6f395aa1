"""``stormwatch backtest``: replay exports causally and measure the alerts against labels."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from stormwatch.alerts.episodes import Policy
from stormwatch.cli.app import (
    _duration,
    _err,
    app,
    config_path,
    default_lang,
    guarded,
    option_value,
    same_file,
)
from stormwatch.settings import LEVELS, Settings, format_duration, load_settings


@app.command()
@guarded
def backtest(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Exports to replay; each file is its own stream.",
            metavar="FILE",
            show_default=False,
        ),
    ],
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="JSON file of labelled storm windows per file name or "
            "topic (NAB's windows format); adds metrics.",
            show_default=False,
        ),
    ] = None,
    notify_at: Annotated[
        str,
        typer.Option("--notify-at", help="Level that opens an episode: watch, warning or storm."),
    ] = Policy.notify_at,
    resolve_after: Annotated[
        str, typer.Option("--resolve-after", help="Calm time that closes an episode.")
    ] = format_duration(Policy.resolve_after),
    min_gap: Annotated[
        str,
        typer.Option(
            "--min-gap", help="Least time between two messages of an episode, as for alert."
        ),
    ] = format_duration(Policy.min_gap),
    window: Annotated[
        str | None, typer.Option("--window", help="Current window length. [default: 1h]")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Trailing baseline. [default: 7d]")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Column that names the topic, as for scan.")
    ] = None,
    timezone: Annotated[
        str, typer.Option("--timezone", help="Timezone of timestamps without an offset.")
    ] = "UTC",
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="table or json. [default: table on a terminal, json otherwise]"
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file, as for scan.")
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", help="Read the files as this export format, as for scan."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML file naming the columns, as for scan."),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="Read ambiguous dates day first (or month first), as for scan.",
        ),
    ] = None,
    scores: Annotated[
        Path | None,
        typer.Option(
            "--scores",
            help="Write the replay's series to this CSV file: one row per step and stream "
            "(time, stream, topic, score, level, each signal's points).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Replay exports step by step (each decision uses only data up to that step), list the
    alerts an episode-based cron job would have sent and, with --labels, score them.

    Example:

        stormwatch backtest Twitter_volume_*.csv --labels windows.json
    """
    fmt = output_format or ("table" if sys.stdout.isatty() else "json")
    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    if notify_at not in LEVELS[1:]:
        raise typer.BadParameter("use watch, warning or storm", param_hint="--notify-at")
    from stormwatch.backtest import render
    from stormwatch.backtest.labels import load_labels
    from stormwatch.backtest.run import backtest as run_backtest
    from stormwatch.sources import ReadOptions
    from stormwatch.sources.timestamps import check_timezone

    env = os.environ
    option_value(check_timezone, timezone, "--timezone")
    settings = load_settings(
        config_path(config, env),
        env,
        {
            "by": by,
            "window": _duration(window, "--window"),
            "baseline": _duration(baseline, "--baseline"),
        },
        defaults=Settings(lang=default_lang(env)),
    )
    calm, gap = _duration(resolve_after, "--resolve-after"), _duration(min_gap, "--min-gap")
    assert calm is not None  # the options have defaults
    assert gap is not None
    policy = Policy(
        "backtest",
        notify_at=notify_at,
        resolve_after=calm,
        min_gap=gap,
        thresholds=settings.thresholds,
    )
    windows = load_labels(labels, timezone) if labels is not None else None
    if preset is not None:
        from stormwatch.sources.presets import get_preset

        option_value(get_preset, preset, "--preset")
    options = ReadOptions(timezone=timezone, preset=preset, mapping=mapping, dayfirst=dayfirst)
    if scores is not None and any(
        same_file(scores, f) for f in [*files, *([labels] if labels else [])]
    ):
        raise typer.BadParameter("must not be one of the input files", param_hint="--scores")
    result = run_backtest(
        files, settings, policy=policy, labels=windows, options=options, scores=scores is not None
    )
    if scores is not None and result.scores is not None:
        try:
            scores.write_text(render.scores_csv(result.scores), encoding="utf-8")
        except OSError as exc:
            raise typer.BadParameter(
                f"cannot write it: {exc.strerror}", param_hint="--scores"
            ) from None
    for note in result.notes:
        _err(f"Note: {note}")
    if fmt == "json":
        sys.stdout.write(json.dumps(render.to_dict(result), ensure_ascii=False, indent=2) + "\n")
    else:
        from rich.console import Console

        Console(file=sys.stdout).print(render.to_table(result))
