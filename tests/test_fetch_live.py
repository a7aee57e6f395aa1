"""One real call per source, for a maintainer with credentials: `pytest -m live
tests/test_fetch_live.py`. Off by default (addopts `-m 'not live'`); a source whose
credentials are not in the environment is skipped. Writes only to a temporary store."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stormwatch.fetch.client import Http, make_client
from stormwatch.fetch.run import fetch_mentions
from stormwatch.fetch.store import MentionStore

# Read before conftest's autouse fixture clears STORMWATCH_* for every test.
ENV = dict(os.environ)

CASES = [
    ("hn", "python", (), None),
    ("mastodon", "#python", (), "mastodon.social"),
    ("gdelt", '"climate" sourcelang:english', (), None),
    ("rss", "https://hnrss.org/newest", (), None),
    (
        "bluesky",
        "python",
        ("STORMWATCH_BLUESKY_HANDLE", "STORMWATCH_BLUESKY_APP_PASSWORD"),
        None,
    ),
    (
        "reddit",
        "r/python",
        ("STORMWATCH_REDDIT_CLIENT_ID", "STORMWATCH_REDDIT_CLIENT_SECRET"),
        None,
    ),
]


@pytest.mark.live
@pytest.mark.parametrize(("source", "query", "needs", "instance"), CASES)
def test_one_real_call(
    source: str, query: str, needs: tuple[str, ...], instance: str | None, tmp_path: Path
) -> None:
    missing = [name for name in needs if not ENV.get(name)]
    if missing:
        pytest.skip(f"set {', '.join(missing)} to run this")
    now = datetime.now(UTC)
    with make_client() as client:
        http = Http(client, clock=lambda: datetime.now(UTC), wait_budget=60)
        result = fetch_mentions(
            source,
            query,
            http=http,
            sink=MentionStore(tmp_path / "store"),
            now=now,
            env=ENV,
            since=now - timedelta(hours=6),
            limit=50,
            instance=instance,
        )
    assert result.stats.pages >= 1
