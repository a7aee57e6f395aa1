"""The shared client's header arithmetic: Retry-After (seconds or an HTTP date) and the three
rate-limit header dialects (Mastodon: ISO time; Bluesky: epoch seconds; Reddit: seconds)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from fetch_helpers import NOW
from stormwatch.fetch.base import parse_time, strip_html
from stormwatch.fetch.client import USER_AGENT, limit_wait, retry_after


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("120", NOW) == 120.0
    assert retry_after("Fri, 04 Dec 2026 12:01:30 GMT", NOW) == 90.0
    assert retry_after("Fri, 04 Dec 2026 11:00:00 GMT", NOW) == 0.0  # in the past
    assert retry_after("soon", NOW) is None
    assert retry_after(None, NOW) is None


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        (
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2026-12-04T12:05:00.019685Z"},
            300.019685,
        ),
        ({"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW.timestamp()) + 42)}, 42.0),
        ({"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "17"}, 17.0),
        ({"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "17"}, None),
        ({"X-RateLimit-Remaining": "0"}, 60.0),  # no reset given: a minute
        ({}, None),
    ],
)
def test_rate_limit_headers(headers: dict[str, str], wait: float | None) -> None:
    import httpx

    got = limit_wait(httpx.Headers(headers), NOW)
    assert got == (pytest.approx(wait) if wait is not None else None)


def test_user_agent_names_stormwatch_and_its_version() -> None:
    from stormwatch import __version__

    assert USER_AGENT.startswith(f"stormwatch/{__version__} (")


def test_html_and_times() -> None:
    assert strip_html("<p>a<br>b &amp; <a href='x'>#c</a></p><p>d</p>") == "a\nb & #c\nd"
    assert strip_html(None) == ""
    assert parse_time("2019-12-08T03:48:33.901Z") == NOW.replace(
        year=2019, month=12, day=8, hour=3, minute=48, second=33, microsecond=901000
    )
    assert parse_time(int(NOW.timestamp())) == NOW
    assert parse_time("2026-12-04T13:00:00+01:00") == NOW
    assert parse_time("yesterday") is None
    assert parse_time(NOW.timestamp() + 1) == NOW + timedelta(seconds=1)
