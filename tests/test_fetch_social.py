"""Bluesky and Reddit against a local server shaped as their APIs document them: login with
credentials from the environment, cursor/after paging, followers via getProfiles (25 a call,
cached), deleted items, and the clear error when a credential is missing."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from fetch_helpers import NOW, Answer, FakeClock, Seen, make_http, serve
from stormwatch.cli.app import app
from stormwatch.fetch.base import iso
from stormwatch.fetch.errors import MissingCredentialError
from stormwatch.fetch.run import fetch_mentions
from stormwatch.fetch.store import MentionStore

BSKY_ENV = {"STORMWATCH_BLUESKY_HANDLE": "me.bsky.social", "STORMWATCH_BLUESKY_APP_PASSWORD": "pw"}


def run(source: str, query: str, store: MentionStore, env: dict[str, str], **kw: Any) -> Any:
    http, client = make_http(kw.pop("clock", FakeClock()))
    with client:
        return fetch_mentions(source, query, http=http, sink=store, now=NOW, env=env, **kw)


def post(i: int, minutes_ago: int) -> dict[str, Any]:
    did = f"did:plc:author{i % 30}"
    return {
        "uri": f"at://{did}/app.bsky.feed.post/rk{i}",
        "cid": "bafy",
        "author": {"did": did, "handle": f"a{i % 30}.bsky.social", "displayName": "A"},
        "record": {
            "text": f"acme door {i}",
            "createdAt": iso(NOW - timedelta(minutes=minutes_ago)),
            "langs": ["de"],
        },
        "replyCount": 1,
        "repostCount": 2,
        "likeCount": 3,
        "quoteCount": 0,
        "indexedAt": iso(NOW - timedelta(minutes=minutes_ago)),
    }


def bluesky(posts: list[dict[str, Any]], profile_calls: list[list[str]]) -> Any:
    def handle(req: Seen) -> Answer:
        if req.path == "/com.atproto.server.createSession":
            assert json.loads(req.body) == {"identifier": "me.bsky.social", "password": "pw"}
            return Answer(body={"accessJwt": "jwt", "refreshJwt": "r", "did": "did:plc:me"})
        assert req.headers["authorization"] == "Bearer jwt"
        if req.path == "/app.bsky.actor.getProfiles":
            actors = req.query["actors"]
            assert len(actors) <= 25
            profile_calls.append(actors)
            return Answer(
                body={"profiles": [{"did": d, "followersCount": 1000 + len(d)} for d in actors]}
            )
        assert req.path == "/app.bsky.feed.searchPosts"
        since, until = req.arg("since") or "", req.arg("until") or ""
        found = [p for p in posts if since <= p["record"]["createdAt"] < until]
        found.sort(key=lambda p: p["record"]["createdAt"], reverse=True)
        start = int(req.arg("cursor") or 0)
        page = found[start : start + int(req.arg("limit") or 25)]
        body: dict[str, Any] = {"posts": page, "hitsTotal": len(found)}
        if start + len(page) < len(found):
            body["cursor"] = str(start + len(page))
        return Answer(body=body)

    return handle


def test_bluesky_pages_with_the_cursor_and_caches_followers(tmp_path: Path) -> None:
    posts = [post(i, 3 + i * 3) for i in range(300)]  # 15 hours, 30 authors
    calls: list[list[str]] = []
    store = MentionStore(tmp_path / "s")
    with serve(bluesky(posts, calls)) as server:
        env = {**BSKY_ENV, "STORMWATCH_BLUESKY_URL": server.url}
        result = run("bluesky", "acme", store, env)
    assert result.stats.items == 300
    assert sorted(d for batch in calls for d in batch) == sorted(
        {p["author"]["did"] for p in posts}
    )
    frame = pl.read_parquet(store.files())
    row = frame.filter(pl.col("raw_id") == "at://did:plc:author1/app.bsky.feed.post/rk1").row(
        0, named=True
    )
    assert row["url"] == "https://bsky.app/profile/a1.bsky.social/post/rk1"
    assert row["followers"] == 1000 + len("did:plc:author1")
    assert row["engagement"] == 6
    assert row["language"] == "de"
    # a second query of the same run uses the same session
    with serve(bluesky(posts, calls)) as server:
        env = {**BSKY_ENV, "STORMWATCH_BLUESKY_URL": server.url}
        run("bluesky", "acme door", store, env)
        run("bluesky", "acme fridge", store, env)
        logins = [s for s in server.seen if s.path == "/com.atproto.server.createSession"]
    assert len(logins) == 1


def test_bluesky_slices_time_past_the_cursor_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stormwatch.fetch.bluesky.SLICE_CAP", 40)
    posts = [post(i, 3 + i * 3) for i in range(300)]
    store = MentionStore(tmp_path / "s")
    with serve(bluesky(posts, [])) as server:
        env = {**BSKY_ENV, "STORMWATCH_BLUESKY_URL": server.url}
        result = run("bluesky", "acme", store, env)
        windows = {(s.arg("since"), s.arg("until")) for s in server.seen if s.arg("since")}
    assert result.stats.items == 300
    assert result.stats.duplicates == 0
    assert len(windows) > 8  # 6-hour slices halved until each holds at most 40
    assert store.cursor("bluesky", "acme")["to"] == iso(NOW)


def test_bluesky_without_credentials_names_the_variables(tmp_path: Path) -> None:
    with pytest.raises(MissingCredentialError) as info:
        run("bluesky", "acme", MentionStore(tmp_path / "s"), {})
    assert info.value.message == (
        "bluesky needs a handle and an app password: set STORMWATCH_BLUESKY_HANDLE and "
        "STORMWATCH_BLUESKY_APP_PASSWORD"
    )
    result = CliRunner().invoke(app, ["fetch", "bluesky", "acme"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: bluesky needs a handle and an app password: set ")
    assert "Hint: export STORMWATCH_BLUESKY_HANDLE" in result.stderr


def thing(kind: str, i: int, minutes_ago: int, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"x{i}",
        "name": f"{kind}_x{i}",
        "author": f"redditor{i}",
        "subreddit": "acme",
        "score": 5,
        "num_comments": 2,
        "permalink": f"/r/acme/comments/x{i}/",
        "created_utc": (NOW - timedelta(minutes=minutes_ago)).timestamp(),
    }
    if kind == "t3":
        data |= {"title": f"Acme door {i}", "selftext": "", "url": "https://example.com"}
    else:
        data |= {"body": f"me too {i}"}
    data.update(extra)
    return {"kind": kind, "data": data}


def reddit(items: dict[str, list[dict[str, Any]]]) -> Any:
    def handle(req: Seen) -> Answer:
        if req.path == "/api/v1/access_token":
            expected = base64.b64encode(b"cid:secret").decode()
            assert req.headers["authorization"] == f"Basic {expected}"
            assert req.body == b"grant_type=client_credentials"
            return Answer(body={"access_token": "tok", "token_type": "bearer", "expires_in": 86400})
        assert req.headers["authorization"] == "bearer tok"
        listing = items[req.path]
        start = int((req.arg("after") or "#0").split("#")[1])
        page = listing[start : start + 100]
        after = f"cursor#{start + 100}" if start + 100 < len(listing) else None
        return Answer(
            body={"kind": "Listing", "data": {"after": after, "before": None, "children": page}},
            headers={
                "X-Ratelimit-Used": "1",
                "X-Ratelimit-Remaining": "99",
                "X-Ratelimit-Reset": "60",
            },
        )

    return handle


def test_reddit_posts_and_comments_of_a_subreddit(tmp_path: Path) -> None:
    posts = [thing("t3", i, 5 + i * 5) for i in range(250)]  # to ~21 hours back
    posts.append(thing("t3", 900, 60 * 30))  # older than --since: paging stops there
    comments = [
        thing("t1", 1, 3),
        thing("t1", 2, 4, author="[deleted]", body="[deleted]"),
        thing("t1", 3, 6, body="[removed]"),
    ]
    env = {
        "STORMWATCH_REDDIT_CLIENT_ID": "cid",
        "STORMWATCH_REDDIT_CLIENT_SECRET": "secret",
    }
    store = MentionStore(tmp_path / "s")
    with serve(reddit({"/r/acme/new": posts, "/r/acme/comments": comments})) as server:
        env |= {"STORMWATCH_REDDIT_URL": server.url, "STORMWATCH_REDDIT_AUTH_URL": server.url}
        result = run("reddit", "r/acme", store, env)
    assert result.stats.items == 251
    assert result.stats.dropped == {"deleted": 2}
    frame = pl.read_parquet(store.files())
    assert frame["followers"].null_count() == frame.height
    row = frame.filter(pl.col("raw_id") == "t1_x1").row(0, named=True)
    assert row["url"] == "https://www.reddit.com/r/acme/comments/x1/"
    assert row["platform"] == "reddit"
    with pytest.raises(MissingCredentialError, match="STORMWATCH_REDDIT_CLIENT_ID"):
        run("reddit", "acme", store, {})


def test_reddit_search_waits_for_its_rate_limit_window(tmp_path: Path) -> None:
    posts = [thing("t3", i, 5 + i) for i in range(150)]
    inner = reddit({"/search": posts})

    def limited(req: Seen) -> Answer:
        if req.path == "/search":
            assert (req.arg("q"), req.arg("sort"), req.arg("type")) == ("acme", "new", "link")
        answer = inner(req)
        if req.path == "/search":
            answer.headers = {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "33"}
        return answer

    env = {"STORMWATCH_REDDIT_CLIENT_ID": "cid", "STORMWATCH_REDDIT_CLIENT_SECRET": "secret"}
    clock = FakeClock()
    with serve(limited) as server:
        env |= {"STORMWATCH_REDDIT_URL": server.url, "STORMWATCH_REDDIT_AUTH_URL": server.url}
        result = run("reddit", "acme", MentionStore(tmp_path / "s"), env, clock=clock)
    assert result.stats.items == 150
    assert clock.slept == [33.0]  # before the second page
