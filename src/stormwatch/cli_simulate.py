"""``stormwatch simulate``: write a synthetic export with known firestorms and decoys."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from stormwatch.cli import _err, app, guarded
from stormwatch.errors import StormwatchError


def _topics(value: str) -> int | list[str]:
    """``6`` -> six made-up brands; ``acme,globex`` -> those names."""
    text = value.strip()
    if text.isdigit():
        if int(text) < 1:
            raise typer.BadParameter("at least 1 topic", param_hint="--topics")
        return int(text)
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise typer.BadParameter("a count or comma-separated names", param_hint="--topics")
    return names


@app.command()
@guarded
def simulate(
    ctx: typer.Context,
    days: Annotated[
        float, typer.Option("--days", min=1.0, help="Length of the export in days.")
    ] = 21.0,
    topics: Annotated[
        str,
        typer.Option(
            "--topics", help="Number of topics (made-up brands), or comma-separated names."
        ),
    ] = "6",
    seed: Annotated[
        int, typer.Option("--seed", min=0, help="Random seed; same seed, same file.")
    ] = 0,
    start: Annotated[
        str, typer.Option("--start", help="First moment (UTC unless it says otherwise).")
    ] = "2026-01-05T00:00Z",
    storms: Annotated[
        int, typer.Option("--storms", min=0, help="Number of firestorms to inject.")
    ] = 1,
    decoys: Annotated[
        bool,
        typer.Option(
            "--decoys/--no-decoys", help="Also inject a spam burst, a campaign and a news spike."
        ),
    ] = True,
    out: Annotated[str, typer.Option("--out", "-o", help="CSV file to write; - for stdout.")] = "-",
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="Write the firestorm windows as JSON, as backtest --labels reads them.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a realistic synthetic mention export: calm topics with daily and weekly cycles,
    firestorms (rising volume and negativity, newcomers, a ~1M-follower amplifier, media
    pick-up) and decoys that should not alarm (spam burst, campaign, news spike).

    Example:

        stormwatch simulate --days 28 --storms 2 --out sim.csv --labels sim-labels.json
    """
    from stormwatch.simulate import CSV_DATETIME, default_spec, labels_json
    from stormwatch.simulate import simulate as run_simulation
    from stormwatch.timestamps import parse_moment

    try:
        first = parse_moment(start, "UTC")
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--start") from None
    spec = default_spec(
        days=days, topics=_topics(topics), storms=storms, decoys=decoys, start=first, seed=seed
    )
    frame, windows = run_simulation(spec, seed=seed)
    csv = frame.write_csv(datetime_format=CSV_DATETIME)
    if out == "-":
        sys.stdout.write(csv)
    else:
        _write(Path(out), csv)
    if labels is not None:
        _write(labels, labels_json(windows))
    _err(
        f"Simulated {frame.height:,} mentions of {len(spec.topics)} topics, "
        f"{_iso(spec.start)} to {_iso(spec.end)} (seed {seed})"
        + ("" if out == "-" else f" -> {out}")
    )
    for event in sorted(spec.events, key=lambda e: e.onset):
        _err(
            f"  {event.kind:<9} {event.topic:<12} onset {_iso(event.onset)}  "
            f"peak {_iso(event.peak_start)}  x{event.peak:g}"
        )
    if labels is not None:
        _err(f"Labels of {sum(map(len, windows.values()))} firestorm window(s) -> {labels}")
    if spec.end > datetime.now(UTC) + timedelta(days=1):
        _err("Note: the data reaches into the future; scan rejects timestamps a day ahead")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise StormwatchError(
            f"cannot write {path}: {exc.strerror or exc}", hint="check the directory exists"
        ) from None
