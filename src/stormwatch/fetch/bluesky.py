"""Bluesky: ``app.bsky.feed.searchPosts`` with an app password (unauthenticated search is
disabled), cursor paging inside time slices, followers from ``app.bsky.actor.getProfiles``
(25 actors a call) cached per DID for the run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from stormwatch.fetch.base import (
    Mention,
    Page,
    Request,
    SourceInfo,
    iso,
    mention,
    parse_time,
    parts_for,
    time_slices,
    to_int,
    total,
)
from stormwatch.fetch.client import Http
from stormwatch.fetch.errors import BlueskyError, MissingCredentialError

NAME = "bluesky"
# A repeated fetch starts this much early: search indexes posts a little late
OVERLAP = timedelta(minutes=10)
ROOT = "https://bsky.social/xrpc"
ROOT_ENV = "STORMWATCH_BLUESKY_URL"
HANDLE_ENV = "STORMWATCH_BLUESKY_HANDLE"
PASSWORD_ENV = "STORMWATCH_BLUESKY_APP_PASSWORD"
PER_PAGE = 100
SLICE_CAP = 2500  # more hits than this in a slice: halve it rather than page on
PROFILES_PER_CALL = 25
INFO = SourceInfo(
    name=NAME,
    title="Bluesky (app.bsky.feed.searchPosts)",
    query="search words (Lucene syntax), e.g. acme or '\"acme door\"'",
    needs=f"{HANDLE_ENV} and {PASSWORD_ENV} (an app password from Settings → App passwords; "
    "Bluesky disabled unauthenticated search)",
    root_env=ROOT_ENV,
    limits="per-account rate limits (RateLimit-* headers and Retry-After are honoured); 100 "
    "posts per page; searches are sliced by time past the cursor cap",
    terms="https://bsky.social/about/support/tos ; respect labels and deletions",
    followers="profile followersCount via app.bsky.actor.getProfiles (25 per call, cached)",
)


def key(query: str, instance: str | None = None) -> str:
    return query.strip()


def post_url(uri: str, handle: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` -> ``https://bsky.app/profile/handle/post/rkey``."""
    rkey = uri.rstrip("/").rsplit("/", 1)[-1]
    return f"https://bsky.app/profile/{handle}/post/{rkey}"


def to_mention(post: Mapping[str, Any], dropped: Counter[str]) -> Mention | None:
    record = post.get("record") or {}
    author = post.get("author") or {}
    moment = parse_time(record.get("createdAt")) or parse_time(post.get("indexedAt"))
    if moment is None:
        dropped["unparseable date"] += 1
        return None
    uri, handle = post.get("uri"), author.get("handle")
    if not uri or not handle:
        dropped["deleted"] += 1
        return None
    langs = record.get("langs") or []
    return mention(
        uri,
        moment,
        author=str(handle),
        text=str(record.get("text") or ""),
        url=post_url(str(uri), str(handle)),
        platform="bluesky",
        engagement=total(
            post.get("replyCount"),
            post.get("repostCount"),
            post.get("likeCount"),
            post.get("quoteCount"),
        ),
        language=langs[0] if langs and isinstance(langs[0], str) else None,
    ) | {"_did": author.get("did")}


#: Sessions of this process by (API root, handle): createSession is limited (30 per 5 minutes,
#: 300 a day per account), so the queries of one run share a session while it is fresh.
_SESSIONS: dict[tuple[str, str], tuple[dict[str, str], datetime]] = {}
SESSION_LIFE = timedelta(minutes=30)  # access tokens last about two hours


def login(http: Http, root: str, env: Mapping[str, str]) -> dict[str, str]:
    """The Authorization header of a session opened with the app password."""
    handle, password = env.get(HANDLE_ENV), env.get(PASSWORD_ENV)
    if not handle or not password:
        raise MissingCredentialError(
            NAME, (HANDLE_ENV, PASSWORD_ENV), "a handle and an app password"
        )
    cached = _SESSIONS.get((root, handle))
    if cached is not None and http.clock() - cached[1] < SESSION_LIFE:
        return cached[0]
    url = f"{root}/com.atproto.server.createSession"
    session = http.decode(
        http.request("POST", url, json={"identifier": handle, "password": password}), url
    )
    token = session.get("accessJwt") if isinstance(session, dict) else None
    if not token:
        raise BlueskyError("bluesky: the login answer has no accessJwt", url=url)
    headers = {"Authorization": f"Bearer {token}"}
    _SESSIONS[(root, handle)] = (headers, http.clock())
    return headers


def pages(http: Http, request: Request) -> Iterator[Page]:
    http.error = BlueskyError
    root = request.env.get(ROOT_ENV, ROOT).rstrip("/")
    headers = login(http, root, request.env)
    url = f"{root}/app.bsky.feed.searchPosts"
    followers: dict[str, int | None] = {}  # DID -> followers, for this run

    def search(a: datetime, b: datetime, cursor: str | None = None) -> Any:
        params = {"q": request.query, "sort": "latest", "since": iso(a), "until": iso(b)}
        params |= {"limit": str(PER_PAGE)} | ({"cursor": cursor} if cursor else {})
        data = http.get_json(url, params=params, headers=headers)
        if not isinstance(data, dict) or not isinstance(data.get("posts"), list):
            raise BlueskyError("bluesky: the answer has no posts list", url=url)
        return data

    def first(a: datetime, b: datetime) -> tuple[Any, int]:
        data = search(a, b)
        return data, parts_for(to_int(data.get("hitsTotal")) or 0, SLICE_CAP)

    for a, b, first_data in time_slices(
        request.since, request.until, first, step=timedelta(hours=6)
    ):
        data = first_data
        while True:
            dropped: Counter[str] = Counter()
            found = [
                m for p in data["posts"] if isinstance(p, dict) and (m := to_mention(p, dropped))
            ]
            _add_followers(http, root, headers, found, followers)
            cursor = data.get("cursor")
            last = not data["posts"] or not cursor
            yield Page(found, dropped, covered_to=b if last else None)
            if last:
                break
            data = search(a, b, cursor)


def _add_followers(
    http: Http,
    root: str,
    headers: Mapping[str, str],
    found: list[Mention],
    cache: dict[str, int | None],
) -> None:
    """Fill ``followers`` from getProfiles, 25 DIDs a call, each DID asked once a run."""
    missing = sorted({m["_did"] for m in found if m.get("_did") and m["_did"] not in cache})
    url = f"{root}/app.bsky.actor.getProfiles"
    for start in range(0, len(missing), PROFILES_PER_CALL):
        batch = missing[start : start + PROFILES_PER_CALL]
        data = http.get_json(url, params=[("actors", d) for d in batch], headers=headers)
        for d in batch:
            cache[d] = None
        for profile in (data or {}).get("profiles") or []:
            if isinstance(profile, dict) and profile.get("did"):
                cache[profile["did"]] = to_int(profile.get("followersCount"))
    for m in found:
        m["followers"] = cache.get(m.pop("_did", None) or "")
