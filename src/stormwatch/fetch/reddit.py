"""Reddit through the OAuth API (``oauth.reddit.com``) with app-only credentials: search
posts (everywhere or in one subreddit), or follow a subreddit's new posts and comments.

Listings are newest first and capped at about 1,000 items; paging stops at ``--since``.
Reddit gives no follower counts: ``followers`` stays empty (score + comments are engagement).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from stormwatch.fetch.base import Mention, Page, Request, SourceInfo, mention, parse_time, total
from stormwatch.fetch.client import Http
from stormwatch.fetch.errors import MissingCredentialError, RedditError

NAME = "reddit"
# A repeated fetch starts this much early: listings settle a little late
OVERLAP = timedelta(minutes=5)
ROOT = "https://oauth.reddit.com"
ROOT_ENV = "STORMWATCH_REDDIT_URL"
AUTH_ROOT = "https://www.reddit.com"
AUTH_ENV = "STORMWATCH_REDDIT_AUTH_URL"
ID_ENV = "STORMWATCH_REDDIT_CLIENT_ID"
SECRET_ENV = "STORMWATCH_REDDIT_CLIENT_SECRET"
PER_PAGE = 100
MAX_PAGES = 10  # Reddit's listings end at about 1,000 items
DELETED = ("[deleted]", "[removed]")
INFO = SourceInfo(
    name=NAME,
    title="Reddit (OAuth API, app-only)",
    query="search words (acme), 'r/SUB words' (search one subreddit), or 'r/SUB' (its new "
    "posts and comments)",
    needs=f"{ID_ENV} and {SECRET_ENV} (a 'script' or 'web' app at reddit.com/prefs/apps; new "
    "apps need approval under the Responsible Builder Policy)",
    root_env=f"{ROOT_ENV} (and {AUTH_ENV} for the token)",
    limits="100 requests a minute per client id (X-Ratelimit-* headers are honoured); "
    "listings end at about 1,000 items",
    terms="https://redditinc.com/policies/data-api-terms ; delete what users deleted",
    followers="none: Reddit has no follower counts in listings (left empty)",
)


def key(query: str, instance: str | None = None) -> str:
    return query.strip()


def to_mention(thing: Mapping[str, Any], dropped: Counter[str]) -> Mention | None:
    kind, data = thing.get("kind"), thing.get("data") or {}
    moment = parse_time(data.get("created_utc"))
    if moment is None:
        dropped["unparseable date"] += 1
        return None
    if kind == "t1":
        text = str(data.get("body") or "")
    else:
        parts = [str(data.get("title") or ""), str(data.get("selftext") or "")]
        text = "\n".join(p for p in parts if p and p not in DELETED)
    author = data.get("author")
    if not author or author in DELETED or not text or text in DELETED:
        dropped["deleted"] += 1
        return None
    name = data.get("name") or f"{kind}_{data.get('id')}"
    permalink = data.get("permalink")
    return mention(
        name,
        moment,
        author=str(author),
        text=text,
        url=f"https://www.reddit.com{permalink}" if permalink else data.get("url"),
        platform="reddit",
        engagement=total(data.get("score"), data.get("num_comments")),
    )


#: Tokens of this process by (token URL, client id), shared by the queries of one run.
_TOKENS: dict[tuple[str, str], tuple[dict[str, str], datetime]] = {}
TOKEN_LIFE = timedelta(minutes=30)  # Reddit's last a day


def token(http: Http, env: Mapping[str, str]) -> dict[str, str]:
    """An app-only bearer token (client credentials grant)."""
    client_id, secret = env.get(ID_ENV), env.get(SECRET_ENV)
    if not client_id or not secret:
        raise MissingCredentialError(NAME, (ID_ENV, SECRET_ENV), "OAuth app credentials")
    url = f"{env.get(AUTH_ENV, AUTH_ROOT).rstrip('/')}/api/v1/access_token"
    cached = _TOKENS.get((url, client_id))
    if cached is not None and http.clock() - cached[1] < TOKEN_LIFE:
        return cached[0]
    answer = http.decode(
        http.request(
            "POST", url, data={"grant_type": "client_credentials"}, auth=(client_id, secret)
        ),
        url,
    )
    access = answer.get("access_token") if isinstance(answer, dict) else None
    if not access:
        raise RedditError(
            "reddit: no access token in the answer", url=url, hint=f"check {ID_ENV}/{SECRET_ENV}"
        )
    headers = {"Authorization": f"bearer {access}"}
    _TOKENS[(url, client_id)] = (headers, http.clock())
    return headers


def listings(query: str) -> list[tuple[str, dict[str, str]]]:
    """The listing paths and parameters a query reads."""
    if query.lower().startswith("r/"):
        sub, _, words = query[2:].partition(" ")
        sub = quote(sub.strip(), safe="")
        if not words.strip():
            return [(f"/r/{sub}/new", {}), (f"/r/{sub}/comments", {})]
        return [(f"/r/{sub}/search", {"q": words.strip(), "restrict_sr": "on", "sort": "new"})]
    return [("/search", {"q": query, "sort": "new", "t": "all", "type": "link"})]


def pages(http: Http, request: Request) -> Iterator[Page]:
    http.error = RedditError
    headers = token(http, request.env)
    root = request.env.get(ROOT_ENV, ROOT).rstrip("/")
    for path, params in listings(request.query):
        after: str | None = None
        for _ in range(MAX_PAGES):
            query = {**params, "limit": str(PER_PAGE), "raw_json": "1"}
            if after:
                query["after"] = after
            data = http.get_json(root + path, params=query, headers=headers)
            listing = data.get("data") if isinstance(data, dict) else None
            if not isinstance(listing, dict) or not isinstance(listing.get("children"), list):
                raise RedditError("reddit: the answer is not a Listing", url=root + path)
            dropped: Counter[str] = Counter()
            found = [m for t in listing["children"] if (m := to_mention(t, dropped))]
            older = [m for m in found if m["timestamp"] < request.since]
            yield Page(
                [m for m in found if request.since <= m["timestamp"] < request.until], dropped
            )
            after = listing.get("after")
            if not after or older or not listing["children"]:
                break
    yield Page([], covered_to=request.until, requests=0)
