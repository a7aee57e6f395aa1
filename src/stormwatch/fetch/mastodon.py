"""Mastodon: a hashtag's public timeline (``/api/v1/timelines/tag/:hashtag``, no token on
most instances) or full-text search (``/api/v2/search``, a user token required).

The first fetch pages back (``Link: rel="next"``, ``max_id``) to ``--since``; later fetches
poll forward from the newest id seen (``min_id``), storing the cursor after every page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from stormwatch.fetch.base import (
    Mention,
    Page,
    Request,
    SourceInfo,
    mention,
    parse_time,
    strip_html,
    to_int,
    total,
)
from stormwatch.fetch.client import Http
from stormwatch.fetch.errors import MastodonError, MissingCredentialError

NAME = "mastodon"
DEFAULT_INSTANCE = "mastodon.social"
TOKEN_ENV = "STORMWATCH_MASTODON_TOKEN"
PER_PAGE = 40
MAX_PAGES = 250  # 10,000 statuses per run at most; the next run goes on
SEARCH_PAGES = 25  # search is offset-paged without a time filter: 1,000 results at most
INFO = SourceInfo(
    name=NAME,
    title="Mastodon (hashtag timeline; full-text search with a token)",
    query="'#hashtag' (public timeline) or search words (needs a token); the instance comes "
    "from --instance or a prefix: mastodon.social#acme",
    needs=f"nothing for hashtags on most instances; {TOKEN_ENV} (a user access token with "
    "read:statuses) for full-text search or instances that disabled public preview",
    root_env="(--instance: a host or a URL)",
    limits="300 requests per 5 minutes per account and IP (X-RateLimit-* headers are "
    "honoured); at most 40 statuses per page",
    terms="each instance's own terms (see /about on the instance); respect authors' "
    "#nobot and opt-outs",
    followers="account.followers_count, from the status itself",
)


def target(query: str, instance: str | None) -> tuple[str, str, str, str]:
    """``(api root, host, kind, term)`` for a query: kind ``tag`` or ``search``."""
    query = query.strip()
    if instance is None and "#" in query and not query.startswith("#"):
        instance, _, tag = query.rpartition("#")
        query = "#" + tag
    instance = (instance or DEFAULT_INSTANCE).strip().rstrip("/")
    root = instance if "://" in instance else f"https://{instance}"
    host = urlsplit(root).netloc or instance
    if query.startswith("#"):
        return root, host, "tag", query[1:].lower()
    return root, host, "search", query


def key(query: str, instance: str | None = None) -> str:
    _, host, kind, term = target(query, instance)
    return f"{host}#{term}" if kind == "tag" else f"{host} {term}"


_NEXT = re.compile(r'<([^>]*)>\s*;\s*rel="?next"?')


def next_max_id(link: str | None) -> str | None:
    """``max_id`` of the ``rel="next"`` link of a ``Link`` header (RFC 8288)."""
    match = _NEXT.search(link or "")
    if not match:
        return None
    values = parse_qs(urlsplit(match.group(1)).query).get("max_id")
    return values[0] if values else None


def _newest(ids: list[str]) -> str:
    return max(ids, key=lambda i: (len(i), i))  # snowflake ids: longer is newer


def to_mention(
    status: Mapping[str, Any], host: str, seen: set[str], dropped: Counter[str]
) -> Mention | None:
    """A status (a boost: the boosted status, once) as a mention; None when dropped."""
    if status.get("reblog"):
        status = status["reblog"]
    raw_id = str(status.get("id") or "")
    if not raw_id:
        dropped["no id"] += 1
        return None
    if raw_id in seen:  # a boost and its original, or two boosts: the status counts once
        dropped["boosted status counted once"] += 1
        return None
    seen.add(raw_id)
    moment = parse_time(status.get("created_at"))
    if moment is None:
        dropped["unparseable date"] += 1
        return None
    if status.get("text") is not None:  # only deleted statuses carry their source text
        dropped["deleted"] += 1
        return None
    account = status.get("account") or {}
    acct = str(account.get("acct") or account.get("username") or "")
    if acct and "@" not in acct:
        acct = f"{acct}@{host}"
    parts = [status.get("spoiler_text") or "", strip_html(status.get("content"))]
    return mention(
        raw_id,
        moment,
        author=acct or None,
        text="\n".join(p for p in parts if p),
        url=status.get("url") or status.get("uri"),
        platform="mastodon",
        followers=to_int(account.get("followers_count")),
        engagement=total(
            status.get("reblogs_count"),
            status.get("favourites_count"),
            status.get("replies_count"),
            status.get("quotes_count"),
        ),
        language=status.get("language"),
    )


def _in_range(m: Mention, request: Request) -> bool:
    moment: datetime = m["timestamp"]
    return request.since <= moment < request.until


def pages(http: Http, request: Request) -> Iterator[Page]:
    http.error = MastodonError
    root, host, kind, term = target(request.query, request.instance)
    token = request.env.get(TOKEN_ENV)
    headers = {"Authorization": f"Bearer {token}"} if token else None
    if kind == "search":
        if not token:
            raise MissingCredentialError(
                NAME, (TOKEN_ENV,), "a user access token for full-text search (hashtags: #tag)"
            )
        yield from _search(http, request, root, host, term, headers)
        return
    url = f"{root}/api/v1/timelines/tag/{quote(term, safe='')}"
    seen: set[str] = set()
    min_id = request.cursor.get("min_id")
    if min_id:  # poll forward: every page is newer than the last, the cursor follows
        for _ in range(MAX_PAGES):
            poll = {"limit": PER_PAGE, "min_id": min_id}
            statuses = _statuses(http.get_json(url, params=poll, headers=headers), url)
            kept, beyond = _before(statuses, request.until)
            if kept:  # no --since here: everything after the newest status seen is wanted
                dropped: Counter[str] = Counter()
                found = [m for s in kept if (m := to_mention(s, host, seen, dropped))]
                min_id = _newest([str(s.get("id")) for s in kept])
                yield Page(found, dropped, cursor={"min_id": min_id})
            if beyond or not kept:  # the rest is after --until: a later fetch takes it
                return
        return
    newest: str | None = None
    max_id: str | None = None
    for _ in range(MAX_PAGES):  # page back to --since
        params: dict[str, Any] = {"limit": PER_PAGE}
        if max_id:
            params["max_id"] = max_id
        response = http.request("GET", url, params=params, headers=headers)
        statuses = _statuses(http.decode(response, url), url)
        if not statuses:
            break
        kept, _ = _before(statuses, request.until)
        if kept:  # polling later starts after the newest status stored, not after --until
            newest = newest or _newest([str(s.get("id")) for s in kept])
        dropped = Counter()
        found = [m for s in kept if (m := to_mention(s, host, seen, dropped))]
        yield Page([m for m in found if m["timestamp"] >= request.since], dropped)
        times = [t for s in statuses if (t := parse_time(s.get("created_at")))]
        max_id = next_max_id(response.headers.get("link"))
        if not max_id or (times and min(times) < request.since):
            break
    if newest:
        yield Page([], cursor={"min_id": newest}, requests=0)


def _before(statuses: list[dict[str, Any]], until: datetime) -> tuple[list[dict[str, Any]], bool]:
    """The statuses dated before ``until`` (undated ones too: they are dropped, counted),
    and whether any was not."""
    kept = [s for s in statuses if (t := parse_time(s.get("created_at"))) is None or t < until]
    return kept, len(kept) < len(statuses)


def _statuses(data: Any, url: str) -> list[dict[str, Any]]:
    if not isinstance(data, list):
        raise MastodonError(
            f"mastodon: {url} did not answer with a list of statuses",
            url=url,
            hint="check the instance (--instance) and the hashtag",
        )
    return [s for s in data if isinstance(s, dict)]


def _search(
    http: Http,
    request: Request,
    root: str,
    host: str,
    term: str,
    headers: Mapping[str, str] | None,
) -> Iterator[Page]:
    url = f"{root}/api/v2/search"
    seen: set[str] = set()
    for number in range(SEARCH_PAGES):
        params = {"q": term, "type": "statuses", "limit": PER_PAGE, "offset": number * PER_PAGE}
        data = http.get_json(url, params=params, headers=headers)
        statuses = _statuses(data.get("statuses") if isinstance(data, dict) else None, url)
        if not statuses:
            return
        dropped: Counter[str] = Counter()
        found = [m for s in statuses if (m := to_mention(s, host, seen, dropped))]
        yield Page([m for m in found if _in_range(m, request)], dropped)
        times = [t for s in statuses if (t := parse_time(s.get("created_at")))]
        if times and max(times) < request.since:  # search has no time filter: stop here
            return
