"""One cron run of ``stormwatch alert``: lock, analyse each watch, step its episodes, queue
the messages in the outbox (one transaction per watch), then deliver everything the outbox
holds, this run's messages and any left over from earlier runs.

Nothing here reads the clock or the environment: ``now``, ``env``, the SMTP factory and the
HTTP client are arguments, so tests replay a day in seconds against local servers.
"""

from __future__ import annotations

import email
import email.policy
import glob
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from stormwatch.alerts import chart
from stormwatch.alerts.compose import compose
from stormwatch.alerts.config import AlertConfig, WatchConfig, check_webhook_url
from stormwatch.alerts.deliver import RunResult, Secrets, deliver
from stormwatch.alerts.episodes import Notice, Policy, step
from stormwatch.alerts.errors import StateError
from stormwatch.alerts.fetching import Fetching, watch_inputs
from stormwatch.alerts.mail import SmtpFactory, build_email, connect_smtp, message_id
from stormwatch.alerts.mentions import Mention, top_mentions
from stormwatch.alerts.state import OutboxItem, StateStore, open_state, run_lock
from stormwatch.alerts.webhook import webhook_payload
from stormwatch.errors import ConfigError, InputError, StormwatchError
from stormwatch.models import Report
from stormwatch.sentiment.fill import estimator
from stormwatch.settings import Settings
from stormwatch.sources import ReadOptions, Source

CHART_SPAN = timedelta(days=7)
_UNRECORDED = (
    "this run's messages are sent without being recorded, and the next run that can write "
    "records them"
)


def resolve_secrets(config: AlertConfig, env: Mapping[str, str]) -> Secrets:
    """Read the secrets the config names from ``env``; a missing one is a ConfigError that
    names the variable (never its value)."""

    def need(name: str, key: str) -> str:
        value = env.get(name)
        if not value:
            raise ConfigError(
                f"environment variable {name} is not set",
                path=config.path,
                key=key,
                hint=f"export {name} in the environment of the cron job or systemd unit "
                "(never in the config file or on the command line)",
            )
        return value

    password = None
    if config.email is not None and config.email.password_env:
        password = need(config.email.password_env, "email.password_env")
    urls: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for i, hook in enumerate(config.webhooks, start=1):
        if hook.url_env:
            url = need(hook.url_env, f"webhook[{i}].url_env")
            if problem := check_webhook_url(url):
                raise ConfigError(
                    f"the URL in {hook.url_env} {problem}",
                    path=config.path,
                    hint=f"set {hook.url_env} to the https:// URL the chat tool gave for the "
                    "webhook, without quotes or spaces",
                )
            urls[hook.name] = url
        if hook.token_env:
            tokens[hook.name] = need(hook.token_env, f"webhook[{i}].token_env")
    return Secrets(password, urls, tokens)


def expand_inputs(watch: WatchConfig) -> list[str]:
    """The files the watch's globs match, sorted; no match at all is an InputError."""
    files = sorted({f for pattern in watch.inputs for f in glob.glob(pattern, recursive=True)})
    if not files:
        raise InputError(
            ", ".join(watch.inputs),
            "no file matches",
            hint=f"check inputs of watch {watch.name!r} (relative paths start at the config file)",
        )
    return files


def _watch_settings(config: AlertConfig, watch: WatchConfig) -> Settings:
    base = config.settings
    windows = min(base.baseline_windows, int(CHART_SPAN / base.window)) + 1
    return replace(base, by=watch.by or base.by, sparkline=windows)


def _outgoing(
    config: AlertConfig,
    notice: Notice,
    report: Report,
    sources: Sequence[Source],
    options: ReadOptions,
    result: RunResult,
    with_chart: bool,
    stale: Sequence[str] = (),
) -> list[OutboxItem]:
    """Render one notice for every destination."""
    lang = config.settings.lang
    mentions: list[Mention] = []
    if notice.kind != "resolve":
        try:
            settings = config.settings
            mentions = top_mentions(
                sources,
                notice.topic,
                report.evaluated_at,
                settings.window,
                options,
                config.mentions,
                estimator(settings.estimate_sentiment, settings.sentiment_model),
                report.input.sentiment_estimated,
            )
        except StormwatchError as exc:  # the alert matters more than its examples
            result.warnings.append(f"watch {notice.watch!r}: top mentions left out: {exc}")
    topic = next((t for t in report.topics if t.topic == notice.topic), None)
    with_chart = with_chart and config.chart and config.email is not None
    png = None
    if with_chart and topic is not None and chart.available():
        png = chart.volume_chart(
            topic.sparkline,
            report.evaluated_at,
            config.settings.window,
            level=notice.level,
            score=notice.score,
            lang=lang,
        )
    cid = message_id(f"{notice.key}.chart", config.email.sender) if png and config.email else None
    content = compose(
        notice,
        report,
        mentions,
        lang=lang,
        chart_cid=cid,
        chart_missing=with_chart and not chart.available(),
        stale=stale,
    )
    items: list[OutboxItem] = []
    if config.email is not None:
        msg = build_email(
            content,
            sender=config.email.sender,
            to=config.email.to,
            message_id=message_id(notice.key, config.email.sender),
            date=notice.at,
            lang=lang,
            chart_png=png,
            chart_cid=cid,
            headers={
                "X-Stormwatch-Watch": notice.watch,
                "X-Stormwatch-Kind": notice.kind,
                "X-Stormwatch-Level": notice.level,
            },
        )
        items.append(OutboxItem(notice.key, "email", content.subject, msg.as_bytes(), notice.at))
    payload = webhook_payload(content)
    for hook in config.webhooks:
        items.append(
            OutboxItem(notice.key, f"webhook:{hook.name}", content.subject, payload, notice.at)
        )
    return items


def _preview(items: Sequence[OutboxItem]) -> list[str]:
    """--dry-run: each message as it would go out (email: headers and the text part)."""
    out = []
    for item in items:
        if item.destination == "email":
            wire = item.payload.replace(b"\r\n", b"\n")  # SMTP line ends, for a terminal
            msg = email.message_from_bytes(wire, policy=email.policy.default)
            head = "\n".join(f"{k}: {msg[k]}" for k in ("From", "To", "Subject", "Message-ID"))
            body = msg.get_body(("plain",))
            text = body.get_content() if body is not None else ""
            out.append(f"--- email ---\n{head}\n\n{text}")
        else:
            data = json.loads(item.payload)
            text = json.dumps(data, indent=2, ensure_ascii=False)
            out.append(f"--- {item.destination} ---\n{text}\n")
    return out


def _process_watch(
    config: AlertConfig,
    watch: WatchConfig,
    store: StateStore,
    now: datetime,
    at: datetime | None,
    result: RunResult,
    dry_run: bool,
    fetching: Fetching | None = None,
) -> None:
    from stormwatch.pipeline.analyse import analyse

    settings = _watch_settings(config, watch)
    # Without --at a timestamp more than a day ahead of the run is an error in the export
    # and must not become the evaluation moment (as in `scan`).
    options = ReadOptions(
        by=settings.by,
        timezone=watch.timezone,
        not_after=None if at is not None else now + timedelta(days=1),
    )
    inputs = watch_inputs(watch, options, fetching, now, fetch=not dry_run, expand=expand_inputs)
    result.warnings += [f"watch {watch.name!r}: {line}" for line in inputs.stale]
    result.fetched[watch.name] = inputs.fetched
    sources = inputs.sources
    report = analyse(sources, settings, now=at, options=options, brand_handles=watch.brand_handles)
    result.reports[watch.name] = report
    policy = Policy(
        watch.name, watch.notify_at, watch.resolve_after, watch.min_gap, settings.thresholds
    )
    episodes, notices = step(store.episodes(watch.name), report, now, policy)
    items: list[OutboxItem] = []
    for notice in notices:
        # a dry run shows text only, so it spares itself matplotlib
        items += _outgoing(
            config, notice, report, sources, options, result, not dry_run, inputs.stale
        )
    if dry_run:
        result.queued += notices
        result.preview += _preview(items)
        return
    try:
        result.queued += store.record(watch.name, episodes, notices, items)
    except StateError as exc:
        # Nothing of this run is stored, so the next run that can write finds the same
        # changes again; until then the alert must not wait for free space.
        result.queued += notices
        result.unrecorded += items
        exc.hint = "; ".join(h for h in (exc.hint, _UNRECORDED) if h)
        raise


def run_alerts(
    config: AlertConfig,
    *,
    state_path: Path,
    now: datetime,
    at: datetime | None = None,
    env: Mapping[str, str],
    http: httpx.Client,
    smtp_factory: SmtpFactory = connect_smtp,
    dry_run: bool = False,
    reset_state: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    fetching: Fetching | None = None,
) -> RunResult:
    """Run every watch once and deliver the outbox.

    Args:
        now: the run's moment (the clock, or ``--at``); episodes and messages are dated by it.
        at: evaluate the data as of this moment (``--at``); None: at each watch's newest
            mention.
        env: where the secrets named in the config are looked up.
        dry_run: change nothing, send nothing; ``RunResult.preview`` says what would go out.
        reset_state: the state file was removed on purpose: no warning that it was lost.
        fetching: where and how watches with ``fetch = [...]`` fetch (a dry run reads the
            mention store without fetching).

    Raises:
        LockedError when another run holds the lock; StateError for an unusable state file;
        ConfigError for a missing secret. A watch whose inputs fail is reported in
        ``RunResult.errors`` and the others still run.
    """
    result = RunResult()
    if dry_run:
        store = open_state(state_path, readonly=True)
        _warn_if_lost(store, reset_state, result)
        try:
            _run_watches(config, store, now, at, result, dry_run=True, fetching=fetching)
            for item in store.outbox():
                result.preview.append(
                    f"=== pending: {item.summary} -> {item.destination} "
                    f"({item.attempts} attempts; last error: {item.last_error})"
                )
        finally:
            store.close()
        return result
    secrets = resolve_secrets(config, env)
    with run_lock(state_path):
        store = open_state(state_path, now=now)
        _warn_if_lost(store, reset_state, result)
        try:
            _run_watches(config, store, now, at, result, dry_run=False, fetching=fetching)
            deliver(config, store, secrets, now, result, smtp_factory, http, sleep)
        finally:
            store.close()
    return result


def _warn_if_lost(store: StateStore, reset_state: bool, result: RunResult) -> None:
    """Said once: the run that finds the state lost creates a new one."""
    if store.lost is not None and not reset_state:
        result.warnings.append(
            f"the state file {store.path} was lost (deleted or emptied; the lost one was created "
            f"{store.lost}): open storms are announced again, as new, with new message ids. "
            "If that was intended, run with --reset-state"
        )


def _run_watches(
    config: AlertConfig,
    store: StateStore,
    now: datetime,
    at: datetime | None,
    result: RunResult,
    dry_run: bool,
    fetching: Fetching | None = None,
) -> None:
    for watch in config.watches:
        try:
            _process_watch(config, watch, store, now, at, result, dry_run, fetching)
        except (InputError, ConfigError, StateError) as exc:  # one broken export must not
            result.errors.append((watch.name, exc))  # silence the rest
