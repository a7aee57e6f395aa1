"""``stormwatch alert``: the cron command. A thin shell over :mod:`stormwatch.alerts.run`.

This is the only alert module that reads the clock and the environment; it hands both to the
library. stdout stays empty unless something was sent (or ``--verbose``), because cron mails
any output; problems go to stderr, and the exit code says what happened (README, "Exit codes").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from stormwatch.cli.app import (
    ExitCode,
    _err,
    _moment,
    app,
    check_lang,
    config_path,
    default_lang,
    default_settings,
    guarded,
    problem_lines,
    tell,
)
from stormwatch.cli.options import Language, Quiet
from stormwatch.errors import ConfigError
from stormwatch.settings import app_dir
from stormwatch.text.notes import Note

if TYPE_CHECKING:
    from stormwatch.alerts.config import AlertConfig
    from stormwatch.alerts.deliver import RunResult
    from stormwatch.alerts.fetching import Fetching


def _summary(result: RunResult) -> None:
    from stormwatch.alerts.compose import format_moment
    from stormwatch.text.notes import PREFIX, say
    from stormwatch.text.untrusted import clean

    for name, report in result.reports.items():
        lang = report.lang
        hot = [f"{clean(t.topic, 40)} {t.level} {t.score:.0f}" for t in report.topics[:3]]
        typer.echo(
            f"watch {name}: {len(report.topics)} topics at "
            f"{format_moment(report.evaluated_at, lang)}; top: {', '.join(hot) or '-'}"
        )
        for line in result.fetched.get(name, ()):
            typer.echo(f"  fetched: {line}")
        for note in (*report.input.notes, *report.notes):
            typer.echo(f"  {PREFIX['note'][lang].lower()}: {clean(say(note, lang))}")
    if not (result.queued or result.sent or result.deferred):
        typer.echo("nothing to send")


def _report(result: RunResult, verbose: bool, dry_run: bool, quiet: bool) -> ExitCode:
    """Print what the run did and choose the exit code."""
    if verbose:
        _summary(result)
    if not quiet:  # rows left out and values left empty, as scan reports them
        for name, report in result.reports.items():
            lang = report.lang
            for line in problem_lines(report.input, lang, f"watch {name!r}: "):
                _err(line)
    if dry_run:
        typer.echo("dry run: nothing sent, no state changed")
        for text in result.preview:
            typer.echo(text)
    lang = next((r.lang for r in result.reports.values()), default_lang(os.environ))
    for d in result.sent:
        again = f" (attempt {d.attempts})" if d.attempts > 1 else ""
        typer.echo(f"sent: {d.summary} -> {d.destination}{again}")
        if d.refused:
            refused = Note("mail_refused", who=", ".join(d.refused), what=d.summary)
            tell("warning", refused, lang)
    for d in result.dropped:
        tell("warning", Note("dropped", what=d.summary, where=d.destination), lang)
    for d in result.deferred:
        attempt = f"attempt {d.attempts}; " if d.tried else ""
        _err(
            f"Deferred: {d.summary} -> {d.destination}: {d.error} "
            f"({attempt}kept in the outbox, {'the next' if d.tried else 'a later'} run retries)"
        )
    for warning in result.warnings:
        _err(f"Warning: {warning}")
    for name, exc in result.errors:
        _err(f"Error: watch {name!r}: {exc.message}" if name else f"Error: {exc.message}")
        if exc.hint:
            _err(f"Hint: {exc.hint}")
    if result.errors:
        return ExitCode.ERROR
    return ExitCode.DEFERRED if result.deferred else ExitCode.OK


def _fetching(cfg: AlertConfig, env: Mapping[str, str], stack: ExitStack) -> Fetching | None:
    """How watches with ``fetch = [...]`` fetch: the mention store `stormwatch fetch` fills,
    one client for every source (closed by ``stack``), history as long as the baseline."""
    if not any(w.fetch for w in cfg.watches):
        return None
    from stormwatch.alerts.fetching import Fetching
    from stormwatch.cli import fetch as cli_fetch
    from stormwatch.fetch.client import Http, make_client
    from stormwatch.fetch.store import MentionStore

    client = stack.enter_context(make_client())
    return Fetching(
        store=MentionStore(cli_fetch.store_dir(cfg.mentions_path, env)),
        make_http=lambda: Http(
            client,
            clock=lambda: datetime.now(UTC),
            sleep=cli_fetch.SLEEP,
            wait_budget=cli_fetch.SCAN_WAIT_BUDGET,
        ),
        env=env,
        history=cfg.settings.baseline + cfg.settings.window,
    )


@app.command()
@guarded
def alert(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="TOML file with [email], [[watch]], … "
            "[default: $STORMWATCH_CONFIG, else config.toml in the app directory]",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Run as of this moment (e.g. 2011-09-27T12:00Z), for replays and tests. "
            "[default: now; the data is evaluated at its newest mention]",
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Print what would be sent; send nothing, change no state."),
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Say what was checked even when nothing is sent."),
    ] = False,
    lang: Language = None,
    quiet: Quiet = False,
    reset_state: Annotated[
        bool,
        typer.Option(
            "--reset-state",
            help="The state file was removed on purpose: start afresh without the warning "
            "that the state was lost.",
        ),
    ] = False,
) -> None:
    """Check every watch once and send what is due: for cron or a systemd timer.

    Opens an episode when a topic reaches the watch's notify_at level, and sends one message
    when it opens, when it escalates and when it has been calm long enough (all clear).
    Undelivered messages stay queued and are retried on the next run.

    Example:

    \b
        stormwatch alert --config /etc/stormwatch/alerts.toml
    """
    env = os.environ
    check_lang(lang)
    moment = _moment(at, "UTC")
    path = config_path(config, env)
    if path is None:
        raise ConfigError(
            "no config file for alerts",
            hint="pass --config FILE, set STORMWATCH_CONFIG, or create "
            f"{app_dir(env) / 'config.toml'}",
        )
    import httpx

    from stormwatch.alerts.config import load_alert_config
    from stormwatch.alerts.errors import LockedError
    from stormwatch.alerts.run import run_alerts
    from stormwatch.sources.timestamps import check_timezone

    cfg = load_alert_config(
        path,
        env,
        {"lang": lang},
        defaults=default_settings(env),
        check_timezone=check_timezone,
    )
    state_path = cfg.state_path or app_dir(env) / "state.db"
    # TLS verified (httpx's default), no redirects: a webhook must not bounce elsewhere.
    with httpx.Client(verify=True, follow_redirects=False) as http, ExitStack() as stack:
        try:
            result = run_alerts(
                cfg,
                state_path=state_path,
                now=moment or datetime.now(UTC),
                at=moment,
                env=env,
                http=http,
                dry_run=dry_run,
                reset_state=reset_state,
                fetching=_fetching(cfg, env, stack),
            )
        except LockedError as exc:
            _err(f"stormwatch alert: {exc.message}")
            raise typer.Exit(ExitCode.LOCKED) from None
    code = _report(result, verbose, dry_run, quiet)
    if code != ExitCode.OK:
        raise typer.Exit(code)
