"""The alert configuration: ``[alert]``, ``[email]``, ``[state]``, ``[[watch]]`` and
``[[webhook]]`` next to the ``[scan]``/``[weights]``/``[levels]`` sections of ``scan``.

One file serves both commands. Every key is checked: an unknown section or key is a
:class:`ConfigError` naming the file and the key. Secrets are never values in the file, only the
*names* of environment variables (``password_env``, ``url_env``, ``token_env``); this module
never reads the environment (the caller passes it to :func:`load_alert_config` for the scan
settings and resolves secrets at delivery time). Relative paths are relative to the config
file, so a cron job does not depend on its working directory.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from stormwatch.alerts.tables import TableReader, relative_to
from stormwatch.errors import ConfigError
from stormwatch.settings import CONFIG_KEYS, LEVELS, Level, Settings, load_settings, read_toml

Security = Literal["starttls", "ssl", "none"]
SECURITY: tuple[Security, ...] = ("starttls", "ssl", "none")
DEFAULT_PORT: dict[Security, int] = {"starttls": 587, "ssl": 465, "none": 25}

ALERT_KEYS = ("resolve_after", "min_gap", "chart", "mentions")
EMAIL_KEYS = (
    "host",
    "port",
    "security",
    "username",
    "password_env",
    "from",
    "to",
    "timeout",
    "ca_file",
)
STATE_KEYS = ("path", "mentions")
WATCH_KEYS = (
    "name", "inputs", "fetch", "by", "notify_at", "timezone", "resolve_after", "min_gap",
    "brand_handles", "preset", "mapping", "dayfirst", "store",
)  # fmt: skip
WEBHOOK_KEYS = ("name", "url", "url_env", "token_env", "timeout", "retries")
SECTIONS: dict[str, tuple[str, ...]] = {
    "alert": ALERT_KEYS,
    "email": EMAIL_KEYS,
    "state": STATE_KEYS,
    "watch": WATCH_KEYS,
    "webhook": WEBHOOK_KEYS,
    **{name: tuple(keys) for name, keys in CONFIG_KEYS.items()},
}
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


@dataclass(frozen=True)
class EmailConfig:
    """Where and how to send email. ``password_env`` names the variable holding the password."""

    host: str
    sender: str
    to: tuple[str, ...]
    port: int = 587
    security: Security = "starttls"
    username: str | None = None
    password_env: str | None = None
    timeout: float = 30.0
    ca_file: Path | None = None


@dataclass(frozen=True)
class WebhookConfig:
    """A JSON endpoint (Slack/Teams/Mattermost-compatible). The URL is either in the file
    (``url``) or, when it embeds a secret as Slack's do, in an environment variable."""

    name: str
    url: str | None = None
    url_env: str | None = None
    token_env: str | None = None
    timeout: float = 10.0
    retries: int = 3


@dataclass(frozen=True)
class WatchConfig:
    """A set of exports watched together; episodes are kept per watch and topic."""

    name: str
    inputs: tuple[str, ...]
    by: str | None = None
    notify_at: Level = "warning"
    timezone: str = "UTC"
    resolve_after: timedelta = timedelta(hours=6)
    min_gap: timedelta = timedelta(minutes=30)
    brand_handles: tuple[str, ...] = ()  # the brand's own accounts (lower case, no @)
    #: ``SOURCE:QUERY`` specs fetched into the mention store before each run
    fetch: tuple[str, ...] = ()
    preset: str | None = None  # how to read the inputs, as ``scan --preset``
    mapping: Path | None = None  # as ``scan --mapping``
    dayfirst: bool | None = None  # as ``scan --dayfirst/--monthfirst``
    store: Path | None = None  # a mention store `stormwatch import` fills, as ``scan --store``


@dataclass(frozen=True)
class AlertConfig:
    """Everything ``stormwatch alert`` needs besides the moment, the environment and clients."""

    path: Path
    settings: Settings
    watches: tuple[WatchConfig, ...]
    email: EmailConfig | None = None
    webhooks: tuple[WebhookConfig, ...] = ()
    state_path: Path | None = None  # None: the caller's default (the app directory)
    mentions_path: Path | None = None  # the mention store of fetch = …; None: the default
    chart: bool = True
    mentions: int = 3


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses, the only places plain http is allowed."""
    host = host.strip("[]").lower()
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: str) -> str | None:
    """Why ``url`` is not acceptable for a webhook (None when it is): https, or http to a
    loopback address only, so alerts and tokens never cross a network in clear. A URL that
    does not parse (``https://[x``, a port that is no number, a control character) is named
    here, not an unexpected error later."""
    import httpx

    try:
        parts = urlsplit(url)
        _ = parts.port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL) as exc:  # the message quotes the fault, not the URL
        return f"is not a valid URL ({exc})"
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and parts.hostname and is_loopback(parts.hostname):
        return None
    return "must be an https:// URL (plain http only to localhost)"


def _tables(path: Path, data: Mapping[str, Any], name: str, many: bool) -> list[dict[str, Any]]:
    value = data.get(name)
    if value is None:
        return []
    if many and isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    if not many and isinstance(value, dict):
        return [value]
    shape = f"[[{name}]] (an array of tables)" if many else f"[{name}] (a table)"
    raise ConfigError(f"must be written as {shape}", path=path, key=name)


def _email(r: TableReader) -> EmailConfig:
    security: Any = r.choice("security", SECURITY, "starttls")
    username = r.text("username")
    password_env = r.env_name("password_env")
    if password_env and not username:
        raise r.error("password_env", "needs username")
    if username and security == "none":
        raise r.error(
            "security",
            '"none" would send the password in clear',
            hint='use security = "starttls" or "ssl"',
        )
    to = r.strings("to", required=True)
    sender = r.text("from", required=True)
    assert sender is not None
    for key, address in (("from", sender), *(("to", a) for a in to)):
        if "@" not in address:
            raise r.error(key, f"{address!r} is not an email address")
    host = r.text("host", required=True)
    assert host is not None
    return EmailConfig(
        host=host,
        sender=sender,
        to=to,
        port=r.integer("port", DEFAULT_PORT[security], minimum=1, maximum=65535),
        security=security,
        username=username,
        password_env=password_env,
        timeout=r.number("timeout", 30.0),
        ca_file=r.local_path("ca_file"),
    )


def _webhook(r: TableReader, index: int) -> WebhookConfig:
    url, url_env = r.text("url"), r.env_name("url_env")
    if (url is None) == (url_env is None):
        raise r.error("url", "give exactly one of url and url_env")
    if url is not None and (problem := check_webhook_url(url)):
        raise r.error(
            "url",
            problem,
            hint="use the https:// URL the chat tool gave for the webhook (plain http only to "
            "a relay on this machine)",
        )
    return WebhookConfig(
        name=r.text("name", f"webhook{index}") or f"webhook{index}",
        url=url,
        url_env=url_env,
        token_env=r.env_name("token_env"),
        timeout=r.number("timeout", 10.0),
        retries=r.integer("retries", 3),
    )


def _watch(r: TableReader, defaults: WatchConfig) -> WatchConfig:
    name = r.text("name", required=True)
    assert name is not None
    level: Any = r.choice("notify_at", LEVELS[1:], defaults.notify_at)
    fetch = _fetch_specs(r)
    store = r.local_path("store")
    inputs = r.strings("inputs", required=not fetch and store is None)
    dayfirst = r.table.get("dayfirst")
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise r.error("dayfirst", "expected true or false")
    return WatchConfig(
        name=name,
        inputs=tuple(str(relative_to(r.path, Path(p).expanduser())) for p in inputs),
        fetch=fetch,
        store=store,
        preset=_preset(r),
        mapping=r.local_path("mapping"),
        dayfirst=dayfirst,
        by=r.text("by"),
        notify_at=level,
        timezone=r.text("timezone", "UTC") or "UTC",
        resolve_after=r.duration("resolve_after", defaults.resolve_after),
        min_gap=r.duration("min_gap", defaults.min_gap),
        brand_handles=_handles(r),
    )


def _fetch_specs(r: TableReader) -> tuple[str, ...]:
    """``fetch``: ``SOURCE:QUERY`` specs, each checked (``inputs`` become optional)."""
    from stormwatch.fetch.run import parse_spec

    specs = r.strings("fetch")
    for spec in specs:
        try:
            parse_spec(spec)
        except ConfigError as exc:
            raise r.error("fetch", exc.message, hint=exc.hint) from None
    return specs


def _preset(r: TableReader) -> str | None:
    """``preset``: a known export format (see ``stormwatch formats``)."""
    from stormwatch.sources.presets import get_preset

    preset = r.text("preset")
    if preset is not None:
        try:
            get_preset(preset)
        except ConfigError as exc:
            raise r.error("preset", exc.message.removeprefix("--preset: "), hint=exc.hint) from None
    return preset


def _handles(r: TableReader) -> tuple[str, ...]:
    """``brand_handles``: the brand's own accounts, as ``scan --brand-handle``."""
    from stormwatch.pipeline.response import normalise_handles

    handles = r.strings("brand_handles")
    try:
        return normalise_handles(handles)
    except ConfigError as exc:
        raise r.error("brand_handles", exc.message, hint='e.g. brand_handles = ["@acme"]') from None


def _unique(path: Path, section: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ConfigError(f"two entries are named {name!r}", path=path, key=f"{section}.name")
        seen.add(name)


def load_alert_config(
    path: str | Path,
    env: Mapping[str, str],
    overrides: Mapping[str, object] | None = None,
    defaults: Settings | None = None,
    check_timezone: Callable[[str], object] | None = None,
) -> AlertConfig:
    """Read and validate the alert configuration at ``path``.

    ``env``, ``overrides`` and ``defaults`` resolve the scan settings exactly as
    :func:`stormwatch.settings.load_settings` does (flag > ``STORMWATCH_*`` > file > default);
    the alert sections come from the file only. ``check_timezone`` validates each watch's
    timezone (raising ConfigError).

    Raises:
        ConfigError naming the file and the key.
    """
    p = Path(path)
    data = read_toml(p)
    for section in data:
        if section not in SECTIONS:
            raise ConfigError(
                "unknown section", path=p, key=section, hint=f"known: {', '.join(SECTIONS)}"
            )
    settings = load_settings(p, env, overrides, defaults)
    alert = TableReader(p, "alert", (_tables(p, data, "alert", False) or [{}])[0], ALERT_KEYS)
    defaults_watch = WatchConfig(
        name="",
        inputs=(),
        resolve_after=alert.duration("resolve_after", WatchConfig.resolve_after),
        min_gap=alert.duration("min_gap", WatchConfig.min_gap),
    )
    watches = [
        _watch(TableReader(p, f"watch[{i}]", table, WATCH_KEYS), defaults_watch)
        for i, table in enumerate(_tables(p, data, "watch", True), start=1)
    ]
    if not watches:
        raise ConfigError(
            "no [[watch]] section: nothing to watch",
            path=p,
            hint='add [[watch]] with name = "…" and inputs = ["exports/*.csv"] '
            '(or fetch = ["hn:acme"])',
        )
    _unique(p, "watch", [w.name for w in watches])
    for i, w in enumerate(watches, start=1):
        try:
            if check_timezone is not None:
                check_timezone(w.timezone)
        except ConfigError as exc:
            key = f"watch[{i}].timezone"
            raise ConfigError(exc.message, path=p, key=key, hint=exc.hint) from None
    emails = _tables(p, data, "email", False)
    email = _email(TableReader(p, "email", emails[0], EMAIL_KEYS)) if emails else None
    webhooks = [
        _webhook(TableReader(p, f"webhook[{i}]", table, WEBHOOK_KEYS), i)
        for i, table in enumerate(_tables(p, data, "webhook", True), start=1)
    ]
    _unique(p, "webhook", [w.name for w in webhooks])
    if email is None and not webhooks:
        raise ConfigError(
            "no [email] and no [[webhook]]: nowhere to send alerts",
            path=p,
            hint="add an [email] section or a [[webhook]]",
        )
    states = _tables(p, data, "state", False)
    state = TableReader(p, "state", states[0] if states else {}, STATE_KEYS)
    return AlertConfig(
        path=p,
        settings=settings,
        watches=tuple(watches),
        email=email,
        webhooks=tuple(webhooks),
        state_path=state.local_path("path"),
        mentions_path=state.local_path("mentions"),
        chart=alert.get("chart", bool, True, "true or false"),
        mentions=alert.integer("mentions", 3),
    )
