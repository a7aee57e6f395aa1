"""The one HTTP client every source shares: timeouts, a descriptive User-Agent, retries with
backoff on 429/5xx and network errors (honouring ``Retry-After``), waiting out each API's
rate-limit headers, and a budget past which waiting becomes an error.

The clock and ``sleep`` are arguments, so tests run 429 storms in milliseconds.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from stormwatch.__about__ import __version__
from stormwatch.errors import FetchError
from stormwatch.fetch.errors import RateLimitedError

if TYPE_CHECKING:
    import httpx

USER_AGENT = (
    f"stormwatch/{__version__} (social-listening early warning; "
    "+https://github.com/stormwatch/stormwatch)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Rate-limit header families: (remaining, reset). Mastodon sends an ISO time, Bluesky epoch
#: seconds, Reddit seconds to the end of the window.
_LIMIT_HEADERS = (
    ("x-ratelimit-remaining", "x-ratelimit-reset"),
    ("ratelimit-remaining", "ratelimit-reset"),
)


def make_client(timeout: float = 30.0) -> httpx.Client:
    """The client the CLI passes in: timeouts, User-Agent, redirects followed, TLS verified."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=10.0),
        headers={"User-Agent": USER_AGENT},
        follow_redirects=True,
    )


@dataclass
class Stats:
    """What a fetch did so far, for the progress bar and the summary."""

    pages: int = 0
    items: int = 0  # new mentions written
    duplicates: int = 0  # mentions the store already held
    waits: int = 0  # rate-limit and retry waits
    waited: float = 0.0  # seconds spent in them
    paced: float = 0.0  # seconds spent keeping a source's pace (GDELT's), not in the budget
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> count


def _seconds_until(value: str, now: datetime) -> float | None:
    """A reset header as seconds from ``now``: an ISO time, epoch seconds or plain seconds."""
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return (moment - now).total_seconds()
    if number > 1e9:  # epoch seconds
        return number - now.timestamp()
    return number


def retry_after(value: str | None, now: datetime) -> float | None:
    """``Retry-After`` in seconds: a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max((moment - now).total_seconds(), 0.0)


def limit_wait(headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds to wait before the next request when the rate-limit headers say the budget
    is spent (remaining 0), else None."""
    for remaining_name, reset_name in _LIMIT_HEADERS:
        remaining = headers.get(remaining_name)
        if remaining is None:
            continue
        try:
            if float(remaining) > 0:
                return None
        except ValueError:
            return None
        reset = headers.get(reset_name)
        wait = _seconds_until(reset, now) if reset else None
        return max(wait if wait is not None else 60.0, 0.0)
    return None


def _snippet(text: str) -> str:
    """The start of a response body, safe to show: printable, short, quoted."""
    clean = "".join(c if c.isprintable() else " " for c in text[:80]).strip()
    return repr(clean)


@dataclass
class Http:
    """An ``httpx.Client`` with the retry and rate-limit policy of one source."""

    client: httpx.Client
    clock: Callable[[], datetime]
    sleep: Callable[[float], None] = time.sleep
    error: type[FetchError] = FetchError
    retries: int = 5
    backoff: float = 1.0  # first wait after a 5xx or a network error; doubles
    wait_budget: float = 900.0  # total seconds of waiting before giving up
    min_interval: float = 0.0  # at least this long between two requests (GDELT asks for it)
    stats: Stats = field(default_factory=Stats)
    on_wait: Callable[[Stats], None] | None = None
    _pending: float = 0.0
    _last: datetime | None = None

    def pause(self, seconds: float, url: str, why: str) -> None:
        """Wait ``seconds`` as a rate-limit wait (counted, within the budget)."""
        self._wait(seconds, url, why)

    def _wait(self, seconds: float, url: str, why: str) -> None:
        if seconds <= 0:
            return
        if self.stats.waited + seconds > self.wait_budget:
            raise RateLimitedError(
                f"{self.error.source}: {why} at {url}; waiting {seconds:.0f} s more would pass "
                f"the budget of {self.wait_budget:.0f} s",
                url=url,
                status=429,
                hint="run again later; what was fetched so far is kept and the next run resumes",
            )
        self.stats.waits += 1
        self.stats.waited += seconds
        if self.on_wait is not None:
            self.on_wait(self.stats)
        self.sleep(seconds)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        json: Any = None,
        auth: tuple[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying 429/5xx and network errors; other 4xx raise ``error``."""
        import httpx

        delay = self.backoff
        for attempt in range(self.retries + 1):
            if self._pending:
                pending, self._pending = self._pending, 0.0
                self._wait(pending, url, "the rate limit is spent")
            if self.min_interval and self._last is not None:
                gap = self.min_interval - (self.clock() - self._last).total_seconds()
                if gap > 0:
                    self.stats.paced += gap
                    self.sleep(gap)
            self._last = self.clock()
            last_try = attempt == self.retries
            try:
                response = self.client.request(
                    method, url, params=params, headers=headers, data=data, json=json, auth=auth
                )
            except httpx.TransportError as exc:
                if last_try:
                    raise self.error(
                        f"{self.error.source}: cannot reach {url}: {type(exc).__name__}",
                        url=url,
                        hint="check the network (and the API root's environment variable); "
                        "the next run resumes where this one stopped",
                    ) from None
                self._wait(delay, url, "the network failed")
                delay *= 2
                continue
            now = self.clock()
            self._pending = limit_wait(response.headers, now) or 0.0
            if response.status_code in RETRY_STATUSES and not last_try:
                after = retry_after(response.headers.get("retry-after"), now)
                # no Retry-After: the rate-limit reset if the headers give one, else backoff
                wait = after if after is not None else (self._pending or delay)
                self._pending = 0.0
                self._wait(wait, url, f"HTTP {response.status_code}")
                delay *= 2
                continue
            if response.status_code >= 400:
                raise self._status_error(response, url)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _status_error(self, response: httpx.Response, url: str) -> FetchError:
        code = response.status_code
        source = self.error.source
        if code == 429 or code >= 500:
            return RateLimitedError(
                f"{source}: HTTP {code} from {url} after {self.retries} retries",
                url=url,
                status=code,
                hint="the API is overloaded or rate-limiting; run again later",
            )
        hint = {
            401: "the credential was refused: check it (`stormwatch sources` names the variables)",
            403: "access denied: the API may need a credential or refuse this network",
            404: "not found: check the query (a Mastodon hashtag must exist on the instance)",
        }.get(code, "check the query and the API root")
        return self.error(f"{source}: HTTP {code} from {url}", url=url, status=code, hint=hint)

    def get_json(self, url: str, **kwargs: Any) -> Any:
        """GET ``url`` and decode JSON; a body that is not JSON is the source's error."""
        response = self.request("GET", url, **kwargs)
        return self.decode(response, url)

    def decode(self, response: httpx.Response, url: str) -> Any:
        """The JSON body of ``response``, or the source's error naming what came instead."""
        try:
            return response.json()
        except ValueError:
            raise self.error(
                f"{self.error.source}: the answer from {url} is not JSON: "
                f"{_snippet(response.text)}",
                url=url,
                status=response.status_code,
                hint="the API may be refusing requests (too many?) or the API root is wrong",
            ) from None
