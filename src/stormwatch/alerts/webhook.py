"""Webhooks: a JSON POST (``{"text": …, "alert": {…}}``, which Slack, Mattermost and Teams
incoming webhooks show as a message) through an injected ``httpx.Client``, with timeouts and
retries with exponential backoff on 429 and 5xx and on network errors.

The URL may hold a secret (Slack's do), so it never appears in errors: they name the host.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from stormwatch.__about__ import __version__
from stormwatch.alerts.compose import Content
from stormwatch.alerts.errors import DeliveryError
from stormwatch.text.untrusted import clean

MAX_DELAY = 30.0  # seconds; a cron run must not hang on one endpoint


def webhook_payload(content: Content) -> bytes:
    """The JSON body: a ``text`` summary for chat tools and the structured ``alert``."""
    body = {"text": content.chat, "alert": content.data}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def redact(url: str) -> str:
    """``https://hooks.slack.com/services/T/B/secret`` -> ``https://hooks.slack.com/…``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return min(MAX_DELAY, max(0.0, float(value)))
    except ValueError:
        return None  # an HTTP date or garbage: use our own backoff


def post_webhook(
    client: httpx.Client,
    url: str,
    payload: bytes,
    *,
    key: str,
    token: str | None = None,
    timeout: float = 10.0,
    retries: int = 3,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST ``payload``; returns the 2xx status. Tries ``1 + retries`` times on 429, 5xx and
    network errors, waiting ``backoff · 2^n`` seconds (or the server's ``Retry-After``, at
    most 30 s). Other statuses (4xx, redirects) and a timeout fail at once.

    ``key`` goes out as ``Idempotency-Key`` so a receiver can drop a repeated delivery.

    Raises:
        DeliveryError naming the host and the last status or error, never the URL.
    """
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"stormwatch/{__version__}",
        "Idempotency-Key": key,
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    where = redact(url)
    problem = "not tried"
    for attempt in range(retries + 1):
        delay = min(MAX_DELAY, backoff * 2**attempt)
        try:
            response = client.post(url, content=payload, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            # A slow receiver may have the POST: another one now could be a duplicate (a
            # receiver that ignores Idempotency-Key shows it twice). The next run retries.
            raise DeliveryError(
                f"webhook {where}: timed out after {timeout:g} s ({_attempts(attempt + 1)})"
            ) from None
        except httpx.TransportError as exc:
            problem = clean(f"{type(exc).__name__}: {exc}".replace(url, where), 300)
        else:
            if response.is_success:
                return response.status_code
            problem = f"HTTP {response.status_code}"
            if response.status_code != 429 and response.status_code < 500:
                raise DeliveryError(f"webhook {where}: {problem}")
            wanted = _retry_after(response)
            delay = delay if wanted is None else wanted
        if attempt < retries:
            sleep(delay)
    raise DeliveryError(f"webhook {where}: {problem} ({_attempts(retries + 1)})")


def _attempts(n: int) -> str:
    return f"{n} attempts" if n > 1 else "1 attempt"
