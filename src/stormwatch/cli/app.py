"""The stormwatch command line: a thin typer shell over the library.

One error boundary (:func:`guarded`): a StormwatchError becomes ``Error: …`` and ``Hint: …`` on
stderr and exit code 1; ``--debug`` shows the traceback instead. Heavy modules (polars, the
pipeline) are imported inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import enum
import functools
import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer

from stormwatch.__about__ import __version__
from stormwatch.errors import StormwatchError
from stormwatch.settings import LEVELS, Settings, app_dir, load_settings, parse_duration


class ExitCode(enum.IntEnum):
    """Exit codes are part of the interface (README, "Exit codes")."""

    OK = 0
    ERROR = 1  # bad input, bad config
    USAGE = 2  # bad flags (click's own)
    ALERT = 3  # --fail-on LEVEL reached
    DEFERRED = 4  # alert: a message could not be delivered yet; it stays queued for the next run
    LOCKED = 5  # alert: another run holds the lock; this one did nothing
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM: scratch files removed, nothing else done


Format = Literal["table", "json", "csv", "markdown"]
F = TypeVar("F", bound=Callable[..., Any])

app = typer.Typer(
    name="stormwatch",
    help="Early warning for online firestorms: reads social-listening exports, ranks topics "
    "by escalation (0-100: calm, watch, warning, storm) and says what to do next.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _err(message: str) -> None:
    """Every line for stderr: messages quote file names, headers and cells, which may hold
    terminal escapes."""
    from stormwatch.text.untrusted import clean_lines

    typer.echo(clean_lines(message), err=True)


def guarded(fn: F) -> F:
    """The single error boundary around every command."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx: typer.Context = kwargs["ctx"]
        debug = bool((ctx.find_root().obj or {}).get("debug", False))
        try:
            return fn(*args, **kwargs)
        except StormwatchError as exc:
            if debug:
                raise
            _err(f"Error: {exc.message}")
            if exc.hint:
                _err(f"Hint: {exc.hint}")
            raise typer.Exit(ExitCode.ERROR) from None
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise  # usage errors (exit 2), exits and Ctrl-C are typer's to report
        except Exception as exc:  # a bug: say so, don't dump a traceback on analysts
            if debug:
                raise
            _err(f"Error: unexpected {type(exc).__name__}: {exc}")
            _err("Hint: this is a bug in stormwatch; rerun with --debug and report the traceback")
            raise typer.Exit(ExitCode.ERROR) from None
        except BaseException as exc:  # polars' PanicException is no Exception
            if debug or type(exc).__name__ != "PanicException":
                raise
            _err(f"Error: polars failed: {(str(exc).splitlines() or ['?'])[0]}")
            from stormwatch.cli.startup import MEMORY_HINT

            _err(f"Hint: {MEMORY_HINT}; else this is a bug: rerun with --debug and report it")
            raise typer.Exit(ExitCode.ERROR) from None

    return wrapper  # type: ignore[return-value]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"stormwatch {__version__}")
        raise typer.Exit()


@app.callback()
@guarded
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks instead of one-line errors.")
    ] = False,
) -> None:
    """Early warning for online firestorms."""
    ctx.obj = {"debug": debug}
    from stormwatch.cli.startup import check_address_space

    check_address_space()


def default_lang(env: Mapping[str, str]) -> Literal["en", "de"]:
    """German when the locale says so (LC_ALL > LC_MESSAGES > LANG), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "de" if value.lower().startswith("de") else "en"
    return "en"


def config_path(explicit: Path | None, env: Mapping[str, str]) -> Path | None:
    """--config, else $STORMWATCH_CONFIG, else config.toml in the app dir when it exists."""
    if explicit is not None:
        return explicit
    if env.get("STORMWATCH_CONFIG"):
        return Path(env["STORMWATCH_CONFIG"])
    candidate = app_dir(env) / "config.toml"
    return candidate if candidate.is_file() else None


def _duration(value: str | None, option: str) -> timedelta | None:
    """``value`` as a duration; a bad one is a usage error that names ``option``."""
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None


def option_value(check: Callable[[str], Any], value: str, option: str) -> Any:
    """``check(value)``, with its ConfigError as a usage error of ``option`` (exit 2): a value
    the option does not accept, as click reports its own."""
    from stormwatch.errors import ConfigError

    try:
        return check(value)
    except ConfigError as exc:
        hint = f"; {exc.hint}" if exc.hint else ""
        raise typer.BadParameter(
            f"{exc.message.removeprefix(option + ': ')}{hint}", param_hint=option
        ) from None


def _moment(value: str | None, timezone: str) -> datetime | None:
    if value is None:
        return None
    from stormwatch.sources.timestamps import parse_moment

    try:
        return parse_moment(value, timezone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--at") from None


def problem_lines(summary: Any, whose: str = "") -> list[str]:
    """The warnings about an ``InputSummary``'s rows left out and values left empty, each
    reason with its count, file, first line and raw value; ``whose`` (e.g. ``watch 'a': ``)
    goes in front of the count."""
    lines = []
    for total, items, what in (
        (summary.rows_rejected, summary.rejects, "could not be used and {were} left out"),
        (
            summary.rows_with_unreadable_values,
            summary.unreadable,
            "{were} used with a value that could not be read and was left empty",
        ),
    ):
        if total:
            verb = what.format(were="was" if total == 1 else "were")
            lines.append(f"Warning: {whose}{total:,} of {summary.rows_read:,} rows {verb}:")
        for r in items:
            value = "empty" if r.example is None else repr(r.example)
            lines.append(
                f"  {r.reason}: {r.count:,} in {r.file} (first at line {r.first_line}: {value})"
            )
    return lines


def _report_input(summary: Any, quiet: bool) -> None:
    if quiet:
        return
    for line in problem_lines(summary):
        _err(line)
    for note in summary.notes:
        _err(f"Note: {note}")
    if summary.rows_duplicate:
        _err(
            f"Note: {summary.rows_duplicate:,} duplicate mentions (same id, URL, or author, time "
            "and text in another file; in a volume series, the same time) were counted once."
        )
    if summary.rows_after_evaluation:
        _err(f"Note: {summary.rows_after_evaluation:,} mentions after --at were ignored.")


def same_file(a: Path, b: Path) -> bool:
    """One file by two names: the same path, or (both existing) a link to it. For outputs
    that must not overwrite an input (``--rejects``, ``--out``, ``--labels``)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, RuntimeError):  # unreadable, or a symlink loop: its own error follows
        return False


def _write_rejects(
    path: Path, files: list[Path], settings: Settings, options: Any, quiet: bool
) -> None:
    from stormwatch.render import rejects

    rows = rejects.rejected_rows(files, settings, options=options)
    try:
        path.write_text(rejects.to_csv(rows), encoding="utf-8")
    except OSError as exc:
        from stormwatch.errors import StormwatchError

        raise StormwatchError(
            f"cannot write {path}: {exc.strerror}", hint="choose a writable --rejects path"
        ) from None
    if not quiet:
        _err(
            f"Note: wrote {rows.height:,} set-aside row{'' if rows.height == 1 else 's'} to {path}."
        )


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
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="Column that names the topic (brand, query, hashtag, …). "
            "Default: a brand/query/topic column when the file has one, else one topic.",
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option("--window", help="Current window length, e.g. 1h, 30m. [default: 1h]"),
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", help="Trailing baseline, e.g. 7d. [default: 7d]")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Evaluate as of this moment (e.g. 2011-09-28T12:00Z); "
            "later mentions are ignored. [default: the newest mention]",
        ),
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
        typer.Option(
            "--lang",
            help="Language of the recommendations: en or de. [default: from the locale, else en]",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv or markdown. [default: table on a terminal, json otherwise]",
        ),
    ] = None,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit with code 3 when a topic is at or above this level (watch, warning, storm).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="TOML settings file. [default: $STORMWATCH_CONFIG]"),
    ] = None,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Write the rows that could not be used (and duplicates) to this CSV file, "
            "with file, line and reason.",
            show_default=False,
        ),
    ] = None,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="Read ambiguous dates like 01/02/2026 as day first (or month first). "
            "[default: decided by the data, month first on a tie]",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No warnings, notes or progress on stderr.")
    ] = False,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            help="Read the files as this export format (see `stormwatch formats`). "
            "[default: recognised from the header]",
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help='TOML file naming the columns of an unknown format, e.g. timestamp = "Erstellt".',
        ),
    ] = None,
    estimate_sentiment: Annotated[
        bool | None,
        typer.Option(
            "--estimate-sentiment/--no-estimate-sentiment",
            help="Estimate the sentiment of files without one from their texts (flagged in the "
            "notes). [default: on]",
            show_default=False,
        ),
    ] = None,
    sentiment_model: Annotated[
        Path | None,
        typer.Option(
            "--sentiment-model",
            help="Model from train-sentiment for that. [default: the one in the app directory "
            "if saved there, else the built-in lexicon]",
        ),
    ] = None,
) -> None:
    """Rank topics by escalation score, with the reasons and the next steps.

    Example:

        stormwatch scan data/samples/siemens-fridge-2011.csv --at 2011-09-28T12:00Z
    """
    env = os.environ
    fmt = output_format or ("table" if sys.stdout.isatty() else "json")
    if fmt not in ("table", "json", "csv", "markdown"):
        raise typer.BadParameter("use table, json, csv or markdown", param_hint="--format")
    if lang is not None and lang not in ("en", "de"):
        raise typer.BadParameter("use en or de", param_hint="--lang")
    if fail_on is not None and fail_on not in LEVELS[1:]:
        raise typer.BadParameter("use watch, warning or storm", param_hint="--fail-on")
    from stormwatch.sources.timestamps import check_timezone

    option_value(check_timezone, timezone, "--timezone")
    from stormwatch.sentiment.fill import installed_model

    settings = load_settings(
        config_path(config, env),
        env,
        {
            "by": by,
            "window": _duration(window, "--window"),
            "baseline": _duration(baseline, "--baseline"),
            "lang": lang,
            "estimate_sentiment": estimate_sentiment,
            "sentiment_model": sentiment_model,
        },
        defaults=Settings(lang=default_lang(env), sentiment_model=installed_model(env)),
    )
    now = _moment(at, timezone)
    handles = tuple(brand_handle or ())
    from stormwatch.cli.fetch import scan_inputs

    files, fetched = scan_inputs(files, fetch_from, env, settings, quiet)
    if rejects is not None and any(f.exists() and same_file(rejects, f) for f in files):
        raise typer.BadParameter(
            f"{rejects} is one of the input files; it would be overwritten",
            param_hint="--rejects",
        )

    from stormwatch.cli import progress
    from stormwatch.pipeline.analyse import analyse
    from stormwatch.render import formats as render
    from stormwatch.sources import ReadOptions

    if preset is not None:
        from stormwatch.sources.presets import get_preset

        option_value(get_preset, preset, "--preset")  # fails before any file is read
    options = ReadOptions(
        timezone=timezone,
        dayfirst=dayfirst,
        preset=preset,
        mapping=mapping,
        # A timestamp more than a day ahead of the clock is an error in the export, and must
        # not become the evaluation moment.
        not_after=datetime.now(UTC) + timedelta(days=1),
    )
    size = progress.input_size(files)
    if progress.wanted(size, is_terminal=sys.stderr.isatty(), quiet=quiet):
        from rich.console import Console

        with progress.reading_progress(Console(stderr=True), size):
            report = analyse(
                [*files, *fetched], settings, now=now, options=options, brand_handles=handles
            )
    else:
        report = analyse(
            [*files, *fetched], settings, now=now, options=options, brand_handles=handles
        )
    _report_input(report.input, quiet)
    if rejects is not None:
        _write_rejects(rejects, files, settings, options, quiet)
    if not quiet:
        for note in report.notes:
            _err(f"Note: {note}")
    if fmt == "json":
        sys.stdout.write(render.to_json(report))
    elif fmt == "csv":
        sys.stdout.write(render.to_csv(report))
    elif fmt == "markdown":
        sys.stdout.write(render.to_markdown(report))
    else:
        from rich.console import Console

        Console(file=sys.stdout).print(render.to_table(report))
    if fail_on is not None and report.at_or_above(fail_on):
        raise typer.Exit(ExitCode.ALERT)


def main(prog_name: str = "stormwatch") -> None:
    """Console-script entry point: prepares the process (see :mod:`stormwatch.cli.startup`), then
    runs the command."""
    from stormwatch.cli import startup

    startup.prepare(ExitCode.TERMINATED)
    app(prog_name=prog_name)


__all__ = ["ExitCode", "app", "main"]

# The other commands live in their own modules and register themselves on `app`.
from stormwatch.cli import alert as cli_alert  # noqa: E402, F401
