"""The typer app every command registers on, and what the commands share: the error boundary,
exit codes, defaults from the environment, duration and moment options.

One error boundary (:func:`guarded`): a StormwatchError becomes ``Error: …`` and ``Hint: …`` on
stderr and exit code 1; ``--debug`` shows the traceback instead. Heavy modules (polars, the
pipeline) are imported inside the commands so ``--help`` stays fast.
"""

from __future__ import annotations

import enum
import functools
import re
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from stormwatch.__about__ import __version__
from stormwatch.errors import StormwatchError
from stormwatch.settings import Lang, Settings, app_dir, load_settings, parse_duration


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


F = TypeVar("F", bound=Callable[..., Any])


#: The placeholder each option's value gets in ``--help`` (typer would show Python types such
#: as ``<list[Path]>``); an option missing here shows its own name in capitals.
METAVARS = {
    "--at": "MOMENT",
    "--baseline": "DURATION",
    "--brand-handle": "HANDLE",
    "--by": "COLUMN",
    "--config": "FILE",
    "--days": "DAYS",
    "--fail-on": "LEVEL",
    "--fetch": "SOURCE:QUERY",
    "--folds": "N",
    "--format": "FORMAT",
    "--instance": "HOST",
    "--labels": "FILE",
    "--lang": "en|de",
    "--limit": "N",
    "--mapping": "FILE",
    "--min-gap": "DURATION",
    "--notify-at": "LEVEL",
    "--out": "FILE",
    "--preset": "NAME",
    "--rejects": "FILE",
    "--resolve-after": "DURATION",
    "--scores": "FILE",
    "--seed": "N",
    "--sentiment-model": "FILE",
    "--since": "WHEN",
    "--start": "MOMENT",
    "--store": "DIR",
    "--storms": "N",
    "--timezone": "ZONE",
    "--topics": "N|NAMES",
    "--until": "WHEN",
    "--window": "DURATION",
}
_TYPE_LABEL = re.compile(r" <[^>]*>(?:\.\.\.)?$")


class _Command(TyperCommand):
    """A command whose ``--help`` shows placeholders people read (``--window DURATION``,
    ``FILE...``), not Python types."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        sections: dict[str, list[tuple[str, str]]] = {"Arguments": [], "Options": []}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, text = _TYPE_LABEL.sub("", record[0]), record[1]
            if param.param_type_name == "argument":
                sections["Arguments"].append((name, text))
                continue
            if not getattr(param, "is_flag", False) and not getattr(param, "count", False):
                longest = max(param.opts, key=len)
                name += " " + METAVARS.get(longest, longest.lstrip("-").upper())
            sections["Options"].append((name, text))
        for title, rows in sections.items():
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class _App(typer.Typer):
    """Every command of the app is a :class:`_Command`."""

    def command(self, *args: Any, cls: Any = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or _Command, **kwargs)


class _Commands(TyperGroup):
    """The root group: ``--debug`` works before or after the command's name (``stormwatch scan
    --debug x.csv`` as ``stormwatch --debug scan x.csv``); ``--`` ends the options as usual."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            args = ["--debug", *(a for i, a in enumerate(args) if i >= end or a != "--debug")]
        return super().parse_args(ctx, args)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with the first sentence of its help, whole (click cuts it to 45
        characters and "...")."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            first = (command.short_help or command.help or "").strip().split("\n\n")[0]
            rows.append((name, " ".join(first.split()).split(": ")[0].rstrip(".")))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = _App(
    name="stormwatch",
    cls=_Commands,
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


def default_settings(env: Mapping[str, str]) -> Settings:
    """What every command starts from before the config file, ``STORMWATCH_*`` and flags: the
    locale's language and the sentiment model train-sentiment saved in the app directory."""
    from stormwatch.sentiment.fill import installed_model

    return Settings(lang=default_lang(env), sentiment_model=installed_model(env))


def command_settings(
    config: Path | None, env: Mapping[str, str], flags: Mapping[str, Any]
) -> Settings:
    """A command's settings: flag > ``STORMWATCH_*`` > config file > :func:`default_settings`."""
    return load_settings(config_path(config, env), env, flags, defaults=default_settings(env))


def check_lang(lang: str | None) -> None:
    """``--lang``: en or de (a usage error, exit 2, otherwise)."""
    if lang is not None and lang not in ("en", "de"):
        raise typer.BadParameter("use en or de", param_hint="--lang")


def pick_format(value: str | None, allowed: tuple[str, ...]) -> str:
    """``--format``: one of ``allowed``; unset, a table on a terminal and JSON into a pipe."""
    fmt = value or ("table" if sys.stdout.isatty() else "json")
    if fmt not in allowed:
        listed = f"{', '.join(allowed[:-1])} or {allowed[-1]}"
        raise typer.BadParameter(f"use {listed}", param_hint="--format")
    return fmt


def read_options(
    timezone: str,
    preset: str | None,
    mapping: Path | None,
    dayfirst: bool | None,
    not_after: datetime | None = None,
) -> Any:
    """The :class:`~stormwatch.sources.ReadOptions` of the shared reading flags, each checked
    before any file is read (a bad value is a usage error of its flag)."""
    from stormwatch.sources import ReadOptions
    from stormwatch.sources.presets import get_preset
    from stormwatch.sources.timestamps import check_timezone

    option_value(check_timezone, timezone, "--timezone")
    if preset is not None:
        option_value(get_preset, preset, "--preset")
    return ReadOptions(
        timezone=timezone, preset=preset, mapping=mapping, dayfirst=dayfirst, not_after=not_after
    )


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


def tell(kind: str, text: str, lang: Lang) -> None:
    """A note or warning on stderr, in ``lang`` (``kind``: note or warning)."""
    from stormwatch.text.notes import line

    _err(line(kind, text, lang))


def problem_lines(summary: Any, lang: Lang, whose: str = "") -> list[str]:
    """The warnings about an ``InputSummary``'s rows left out and values left empty, each
    reason with its count, file, first line and raw value; ``whose`` (e.g. ``watch 'a': ``)
    goes in front of the count."""
    from stormwatch.text.notes import Note, line

    lines = []
    for total, items, key in (
        (summary.rows_rejected, summary.rejects, "unusable"),
        (summary.rows_with_unreadable_values, summary.unreadable, "unreadable"),
    ):
        if total:
            head = Note(
                key if total > 1 else f"{key}_one", whose=whose, count=total, rows=summary.rows_read
            )
            lines.append(line("warning", head, lang))
        for r in items:
            value = Note("empty") if r.example is None else repr(r.example)
            detail = Note(
                "problem",
                reason=r.reason,
                count=r.count,
                file=r.file,
                line=r.first_line,
                value=value,
            )
            lines.append(f"  {detail.text(lang)}")
    return lines


def _report_input(summary: Any, quiet: bool, lang: Lang) -> None:
    from stormwatch.text.notes import Note

    if quiet:
        return
    for line in problem_lines(summary, lang):
        _err(line)
    for note in summary.notes:
        tell("note", note, lang)
    if summary.rows_duplicate:
        tell("note", Note("duplicates", count=summary.rows_duplicate), lang)
    if summary.rows_after_evaluation:
        tell("note", Note("after_at", count=summary.rows_after_evaluation), lang)


def same_file(a: Path, b: Path) -> bool:
    """One file by two names: the same path, or (both existing) a link to it. For outputs
    that must not overwrite an input (``--rejects``, ``--out``, ``--labels``)."""
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except (OSError, RuntimeError):  # unreadable, or a symlink loop: its own error follows
        return False
