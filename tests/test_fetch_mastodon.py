"""Mastodon against a local server shaped as the API documents it: the hashtag timeline with
Link paging and min_id polling, boosts, deleted statuses, HTML, full-text search with a token."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fetch_helpers import NOW, Answer, Seen, make_http, serve
from stormwatch.fetch.base import iso
from stormwatch.fetch.errors import MastodonError, MissingCredentialError
from stormwatch.fetch.mastodon import key, next_max_id, target
from stormwatch.fetch.run import fetch_mentions
from stormwatch.fetch.store import MentionStore


def status(i: int, minutes_ago: float, **extra: Any) -> dict[str, Any]:
    account = {
        "id": str(i % 7),
        "username": f"user{i % 7}",
        "acct": f"user{i % 7}" if i % 2 else f"user{i % 7}@other.example",
        "display_name": "U",
        "url": "https://x",
        "bot": False,
        "followers_count": 100 + i,
        "following_count": 1,
        "statuses_count": 5,
    }
    base: dict[str, Any] = {
        "id": str(109000000000000000 + i),
        "created_at": iso(NOW - timedelta(minutes=minutes_ago)).replace("Z", ".000Z"),
        "account": account,
        "content": f"<p>Die Tür von <a href='x'>#acme</a> klemmt &amp; {i}</p>",
        "text": None,
        "spoiler_text": "",
        "language": "de",
        "reblogs_count": 1,
        "favourites_count": 2,
        "replies_count": 3,
        "quotes_count": 0,
        "url": f"https://mastodon.example/@u/{i}",
        "uri": f"https://mastodon.example/users/u/statuses/{i}",
        "reblog": None,
        "visibility": "public",
        "tags": [{"name": "acme", "url": "https://x/tags/acme"}],
    }
    base.update(extra)
    return base


def tag_timeline(statuses: list[dict[str, Any]], base: list[str]) -> Callable[[Seen], Answer]:
    """/api/v1/timelines/tag/acme: newest first, max_id / min_id / limit, Link header."""

    def handle(req: Seen) -> Answer:
        assert req.path == "/api/v1/timelines/tag/acme", req.path
        limit = min(int(req.arg("limit") or 20), 40)
        items = sorted(statuses, key=lambda s: int(s["id"]), reverse=True)
        if max_id := req.arg("max_id"):
            items = [s for s in items if int(s["id"]) < int(max_id)][:limit]
        elif min_id := req.arg("min_id"):
            items = [s for s in items if int(s["id"]) > int(min_id)][-limit:]
        else:
            items = items[:limit]
        headers = {}
        if items:
            url = f"{base[0]}/api/v1/timelines/tag/acme"
            headers["Link"] = (
                f'<{url}?max_id={items[-1]["id"]}>; rel="next", '
                f'<{url}?min_id={items[0]["id"]}>; rel="prev"'
            )
        return Answer(body=items, headers=headers)

    return handle


def fetch(url: str, store: MentionStore, query: str = "#acme", **kw: Any) -> Any:
    http, client = make_http()
    with client:
        return fetch_mentions(
            "mastodon",
            query,
            http=http,
            sink=store,
            now=kw.pop("now", NOW),
            env=kw.pop("env", {}),
            instance=url,
            **kw,
        )


def test_targets_and_keys() -> None:
    assert target("#Acme", None) == ("https://mastodon.social", "mastodon.social", "tag", "acme")
    assert target("mastodon.social#acme", None)[1:] == ("mastodon.social", "tag", "acme")
    assert target("acme door", "https://m.example/")[0] == "https://m.example"
    assert key("#acme", "http://127.0.0.1:8000") == "127.0.0.1:8000#acme"
    assert key("http://127.0.0.1:8000#acme", None) == "127.0.0.1:8000#acme"
    assert (
        next_max_id('<https://m/x?max_id=7163058>; rel="next", <https://m/x?min_id=9>; rel="prev"')
        == "7163058"
    )
    assert next_max_id(None) is None


def test_pages_back_to_since_then_polls_forward_with_min_id(tmp_path: Path) -> None:
    statuses = [status(i, 1000 - i * 10) for i in range(100)]  # every 10 min for 16.5 h
    base: list[str] = [""]
    store = MentionStore(tmp_path / "s")
    with serve(tag_timeline(statuses, base)) as server:
        base[0] = server.url
        first = fetch(server.url, store)
        assert first.stats.items == 100
        assert len(server.seen) == 4  # 40 + 40 + 20, then an empty page
        frame = pl.read_parquet(store.files())
        row = frame.filter(pl.col("raw_id") == "109000000000000001").row(0, named=True)
        assert row["text"] == "Die Tür von #acme klemmt & 1"
        assert row["author"] == "user1@127.0.0.1:" + server.url.rsplit(":", 1)[1]
        assert row["followers"] == 101
        assert row["engagement"] == 6
        assert row["language"] == "de"
        assert row["platform"] == "mastodon"
        cursor = store.cursor("mastodon", first.key)
        assert cursor["min_id"] == "109000000000000099"
        # new statuses arrive: the next run asks only for what is newer
        statuses += [status(i, 1) for i in range(100, 150)]
        server.seen.clear()
        later = fetch(server.url, store, now=NOW + timedelta(minutes=5))
        assert later.stats.items == 50
        assert [s.arg("min_id") for s in server.seen] == [
            "109000000000000099",
            "109000000000000139",
            "109000000000000149",
        ]
        assert store.cursor("mastodon", first.key)["min_id"] == "109000000000000149"


def test_stops_paging_at_since(tmp_path: Path) -> None:
    statuses = [status(i, 60 * 48 - i * 30) for i in range(96)]  # 48 hours
    base = [""]
    store = MentionStore(tmp_path / "s")
    with serve(tag_timeline(statuses, base)) as server:
        base[0] = server.url
        result = fetch(server.url, store)
        assert len(server.seen) == 2  # the second page reaches past 24 h
    assert result.stats.items == 48


def test_boosts_once_deleted_and_undated_dropped(tmp_path: Path) -> None:
    original = status(1, 30)
    statuses = [
        original,
        status(2, 20, reblog=original),  # a boost of a status already in the page
        status(3, 10, reblog=status(4, 15)),  # a boost of a status not otherwise seen
        status(5, 5, text="deleted source"),
        status(6, 4, created_at="not a date"),
    ]
    base = [""]
    store = MentionStore(tmp_path / "s")
    with serve(tag_timeline(statuses, base)) as server:
        base[0] = server.url
        result = fetch(server.url, store)
    ids = sorted(pl.read_parquet(store.files())["raw_id"].to_list())
    assert ids == ["109000000000000001", "109000000000000004"]
    assert result.stats.dropped == {
        "boosted status counted once": 1,
        "deleted": 1,
        "unparseable date": 1,
    }


def test_an_empty_timeline_and_an_unknown_hashtag(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "s")
    with serve(lambda r: Answer(body=[])) as server:
        assert fetch(server.url, store).stats.items == 0
    gone = Answer(404, {"error": "Record not found"})
    with serve(lambda r: gone) as server, pytest.raises(MastodonError, match="HTTP 404") as info:
        fetch(server.url, store)
    assert "hashtag" in (info.value.hint or "")


def test_full_text_search_needs_the_token(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "s")
    with pytest.raises(MissingCredentialError, match="STORMWATCH_MASTODON_TOKEN"):
        fetch("http://127.0.0.1:9", store, query="acme door")

    def search(req: Seen) -> Answer:
        assert req.path == "/api/v2/search"
        assert req.headers["authorization"] == "Bearer tok"
        offset = int(req.arg("offset") or 0)
        found = [status(i, 5 + i) for i in range(3)] if offset == 0 else []
        return Answer(body={"accounts": [], "statuses": found, "hashtags": []})

    with serve(search) as server:
        result = fetch(
            server.url, store, query="acme door", env={"STORMWATCH_MASTODON_TOKEN": "tok"}
        )
    assert result.stats.items == 3
    assert result.key.endswith(" acme door")


def test_rate_limit_headers_in_iso_time_are_waited_out(tmp_path: Path) -> None:
    statuses = [status(i, 100 - i) for i in range(60)]
    base = [""]
    inner = tag_timeline(statuses, base)
    reset = iso(NOW + timedelta(seconds=42))

    def limited(req: Seen) -> Answer:
        answer = inner(req)
        answer.headers.update(
            {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
        )
        return answer

    from fetch_helpers import FakeClock

    clock = FakeClock()
    http, client = make_http(clock)
    with serve(limited) as server, client:
        base[0] = server.url
        fetch_mentions(
            "mastodon",
            "#acme",
            http=http,
            sink=MentionStore(tmp_path / "s"),
            now=NOW,
            env={},
            instance=server.url,
        )
    assert clock.slept == [42.0]


def test_until_holds_back_newer_statuses_for_a_later_fetch(tmp_path: Path) -> None:
    statuses = [status(i, 100 - i) for i in range(100)]  # one a minute up to 1 minute ago
    base = [""]
    store = MentionStore(tmp_path / "s")
    with serve(tag_timeline(statuses, base)) as server:
        base[0] = server.url
        early = fetch(server.url, store, until=NOW - timedelta(minutes=50))
        assert early.stats.items == 50
        statuses += [status(i, 0.5) for i in range(100, 130)]
        for minutes in (30, 0):  # polls: first up to 30 min ago, then everything
            fetch(server.url, store, until=NOW - timedelta(minutes=minutes))
    ids = pl.read_parquet(store.files())["raw_id"].to_list()
    assert len(ids) == len(set(ids)) == 130
