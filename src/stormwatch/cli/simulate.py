"""``stormwatch simulate``: write a synthetic export with known firestorms and decoys."""

from __future__ import annotations

import os
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stormwatch.cli.app import _err, app, default_lang, guarded, same_file, tell

if TYPE_CHECKING:
    from stormwatch.simulate import Labels, SimSpec
from stormwatch.cli.options import Quiet
from stormwatch.errors import StormwatchError
from stormwatch.text.notes import Note

#: A value that reads as a number (``-3``, ``2.5``) is a count, never a topic's name.
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)")


def _topics(value: str) -> int | list[str]:
    """``6`` -> six made-up brands; ``acme,globex`` -> those names; ``-3``, ``2.5``, ``201``
    are usage errors."""
    from stormwatch.simulate import MAX_TOPICS

    text = value.strip()
    if _NUMBER.fullmatch(text):
        digits = text.removeprefix("+")
        count = int(digits) if digits.isdecimal() and len(digits) < 10 else 0
        if not 1 <= count <= MAX_TOPICS:
            raise typer.BadParameter(
                f"expected a count from 1 to {MAX_TOPICS} or comma-separated names, not {text}",
                param_hint="--topics",
            )
        return count
    names = [n.strip() for n in text.split(",")]
    if not all(names):
        raise typer.BadParameter("a count or comma-separated names", param_hint="--topics")
    if len(names) > MAX_TOPICS:
        raise typer.BadParameter(
            f"at most {MAX_TOPICS} topics, not {len(names)} names", param_hint="--topics"
        )
    return names


def _outputs(out: str, labels: Path | None) -> None:
    """Usage errors for files that cannot be written: a directory, or labels on the CSV."""
    target = None if out == "-" else Path(out)
    if target is not None and target.is_dir():
        raise typer.BadParameter(
            f"{out} is a directory; name the CSV file, e.g. {target / 'sim.csv'}",
            param_hint="--out",
        )
    if labels is None:
        return
    if str(labels) == "-":  # Path("-") would be a file named "-": only --out means stdout
        raise typer.BadParameter(
            "name a JSON file; - (stdout) is only for --out", param_hint="--labels"
        )
    if labels.is_dir():
        raise typer.BadParameter(
            f"{labels} is a directory; name the JSON file, e.g. {labels / 'labels.json'}",
            param_hint="--labels",
        )
    if target is not None and same_file(target, labels):
        raise typer.BadParameter(
            f"{labels} is the --out file; the labels would replace the CSV",
            param_hint="--labels",
        )


@app.command()
@guarded
def simulate(
    ctx: typer.Context,
    days: Annotated[
        float,
        typer.Option(
            "--days", min=1.0, help="Length of the export in days, at most 3650 (ten years)."
        ),
    ] = 21.0,
    topics: Annotated[
        str,
        typer.Option(
            "--topics",
            help="Number of topics (made-up brands, 1-200), or comma-separated names.",
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
            help="Write the firestorm windows to this JSON file (not stdout), as backtest "
            "--labels reads them.",
            show_default=False,
        ),
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Write a realistic synthetic mention export: calm topics with daily and weekly cycles,
    firestorms (rising volume and negativity, newcomers, a ~1M-follower amplifier, media
    pick-up) and decoys that should not alarm (spam burst, campaign, news spike).

    Example:

    \b
        stormwatch simulate --days 28 --out sim.csv --labels sim-labels.json
    """
    from stormwatch.simulate import (
        CSV_DATETIME,
        MAX_DAYS,
        MAX_MENTIONS,
        default_spec,
        expected_mentions,
        labels_json,
    )
    from stormwatch.simulate import simulate as run_simulation
    from stormwatch.sources.timestamps import parse_moment

    try:
        first = parse_moment(start, "UTC")
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--start") from None
    if not days <= MAX_DAYS:  # inf and NaN too (NaN passes typer's min: no order)
        raise typer.BadParameter(f"at most {MAX_DAYS} days, not {days:g}", param_hint="--days")
    count = _topics(topics)
    _outputs(out, labels)
    spec = default_spec(
        days=days, topics=count, storms=storms, decoys=decoys, start=first, seed=seed
    )
    volume = expected_mentions(spec)
    if volume > MAX_MENTIONS:  # each is held in memory until written: fail before, not after
        raise StormwatchError(
            f"--days {days:g} with {len(spec.topics)} topics would make about "
            f"{volume / 1e6:,.1f} million mentions; simulate makes at most "
            f"{MAX_MENTIONS // 1_000_000} million",
            hint=f"use --days {int(MAX_MENTIONS * days // volume)} or fewer, or fewer --topics",
        )
    frame, windows = run_simulation(spec, seed=seed)
    csv = frame.write_csv(datetime_format=CSV_DATETIME)
    if out == "-":
        sys.stdout.write(csv)
    else:
        _write(Path(out), csv)
    if labels is not None:
        _write(labels, labels_json(windows))
    if not quiet:
        _summary(spec, frame.height, seed, out, labels, windows)


def _summary(
    spec: SimSpec, mentions: int, seed: int, out: str, labels: Path | None, windows: Labels
) -> None:
    """What was simulated, on stderr."""
    _err(
        f"Simulated {mentions:,} mentions of {len(spec.topics)} topics, "
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
        tell("note", Note("future_data"), default_lang(os.environ))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except IsADirectoryError:  # checked before simulating; a directory made since
        raise StormwatchError(
            f"cannot write {path}: it is a directory", hint="name a file, not a directory"
        ) from None
    except FileNotFoundError as exc:
        raise StormwatchError(
            f"cannot write {path}: {exc.strerror or exc}", hint="check the directory exists"
        ) from None
    except OSError as exc:
        raise StormwatchError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="check the path and that you may write there",
        ) from None
