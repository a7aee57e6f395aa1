"""Delivery of the outbox: every message once per run, removed only when accepted, with a
budget per destination so a failing endpoint is not hammered.

A destination that fails is not tried again in the same run (its other messages wait), a
webhook that times out is not retried within the run (a slow receiver may have the POST), and
a message that failed :data:`BACKOFF_AFTER` times waits longer between runs, up to an hour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx

from stormwatch.alerts.config import AlertConfig, WebhookConfig
from stormwatch.alerts.episodes import Notice
from stormwatch.alerts.errors import DeliveryError, StateError
from stormwatch.alerts.mail import Mailer, SmtpFactory
from stormwatch.alerts.mail import tls_context as mail_tls_context
from stormwatch.alerts.state import OutboxItem, StateStore
from stormwatch.alerts.webhook import post_webhook
from stormwatch.errors import StormwatchError
from stormwatch.models import Report

_RESENT = "a message sent but not marked as sent is sent again by the next run, with the same id"


@dataclass(frozen=True)
class Secrets:
    """Values of the environment variables the config names. Kept in memory only."""

    password: str | None = None
    webhook_urls: Mapping[str, str] = field(default_factory=dict)
    webhook_tokens: Mapping[str, str] = field(default_factory=dict)


#: Failed attempts of a message after which it waits between runs: BACKOFF_FIRST, doubling,
#: at most BACKOFF_MAX (a cron run every 15 minutes retries at once until then).
BACKOFF_AFTER = 3
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=1)


@dataclass(frozen=True)
class Delivery:
    """The outcome of one outbox item in this run; ``tried`` is False for a message held
    back (its destination failed earlier in the run, or it waits for its next try)."""

    summary: str
    destination: str
    error: str | None = None
    attempts: int = 1
    refused: tuple[str, ...] = ()  # email recipients the server refused (others accepted)
    tried: bool = True


@dataclass
class RunResult:
    """What a run did, for the CLI to report and pick its exit code."""

    reports: dict[str, Report] = field(default_factory=dict)
    queued: list[Notice] = field(default_factory=list)
    sent: list[Delivery] = field(default_factory=list)
    deferred: list[Delivery] = field(default_factory=list)
    dropped: list[Delivery] = field(default_factory=list)
    #: where it happened (a watch's name, or "" for the run), and what
    errors: list[tuple[str, StormwatchError]] = field(default_factory=list)
    #: messages the state file refused to record (a full disk): sent all the same, once
    unrecorded: list[OutboxItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    preview: list[str] = field(default_factory=list)  # --dry-run: what would be sent
    fetched: dict[str, list[str]] = field(default_factory=dict)  # watch -> what it fetched


def next_try(item: OutboxItem) -> datetime | None:
    """When a message that failed often may be tried again (None: now)."""
    if item.attempts < BACKOFF_AFTER or item.last_attempt_at is None:
        return None
    doublings = min(item.attempts - BACKOFF_AFTER, 16)  # a message may fail for months
    wait: timedelta = min(BACKOFF_MAX, BACKOFF_FIRST * 2**doublings)
    return item.last_attempt_at + wait


def _held_back(item: OutboxItem, failing: set[str], now: datetime) -> str | None:
    """Why ``item`` is not tried in this run, if it is not."""
    if item.destination in failing:
        return "not tried: this destination failed earlier in this run"
    due = next_try(item)
    if due is not None and now < due:
        return f"waiting until {due:%Y-%m-%d %H:%M} UTC after {item.attempts} failed attempts"
    return None


def _describe_destination(config: AlertConfig, destination: str) -> str:
    if destination == "email" and config.email is not None:
        return "email to " + ", ".join(config.email.to)
    return destination.replace("webhook:", "webhook ", 1)


def deliver(
    config: AlertConfig,
    store: StateStore,
    secrets: Secrets,
    now: datetime,
    result: RunResult,
    smtp_factory: SmtpFactory,
    http: httpx.Client,
    sleep: Callable[[float], None],
) -> None:
    """Try every outbox item once (webhooks with their own retries); remove what was
    accepted, keep the rest with the reason. Messages the state file refused to record go
    first. A destination that fails gets no more tries in this run, and a message that failed
    often waits for :func:`next_try`. A state file that cannot be written stops the delivery
    (a message sent but not removed is sent again by the next run, with the same Message-ID /
    Idempotency-Key)."""
    hooks: dict[str, WebhookConfig] = {h.name: h for h in config.webhooks}
    failing: set[str] = set()
    mailer = None
    if config.email is not None:
        context = mail_tls_context(config.email)
        mailer = Mailer(config.email, secrets.password, smtp_factory, context)
    try:
        for item in [*result.unrecorded, *store.outbox()]:
            recorded = item.id is not None
            where = _describe_destination(config, item.destination)
            name = item.destination.removeprefix("webhook:")
            gone = (item.destination == "email" and mailer is None) or (
                item.destination.startswith("webhook:") and name not in hooks
            )
            if gone:  # the user removed the destination from the config
                if recorded:
                    store.delivered(item.id)
                result.dropped.append(Delivery(item.summary, item.destination, "not configured"))
                continue
            if held := _held_back(item, failing, now):
                result.deferred.append(
                    Delivery(item.summary, where, held, item.attempts, tried=False)
                )
                continue
            refused: tuple[str, ...] = ()
            try:
                if mailer is not None and item.destination == "email":
                    refused = tuple(mailer.send(item.payload))
                else:
                    hook = hooks[name]
                    post_webhook(
                        http,
                        secrets.webhook_urls.get(name) or hook.url or "",
                        item.payload,
                        key=item.key,
                        token=secrets.webhook_tokens.get(name),
                        timeout=hook.timeout,
                        retries=hook.retries,
                        sleep=sleep,
                    )
            except DeliveryError as exc:
                failing.add(item.destination)
                if recorded:
                    store.failed(item.id, exc.message, now)
                result.deferred.append(
                    Delivery(item.summary, where, exc.message, item.attempts + 1)
                )
            else:  # reported as sent even if the state file then fails to say so
                result.sent.append(Delivery(item.summary, where, None, item.attempts + 1, refused))
                if recorded:
                    store.delivered(item.id)
    except StateError as exc:
        exc.hint = "; ".join(h for h in (exc.hint, _RESENT) if h)
        result.errors.append(("", exc))
    finally:
        if mailer is not None:
            mailer.close()
