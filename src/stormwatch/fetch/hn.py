"""Hacker News through the Algolia HN Search API (``search_by_date``; no key).

A query returns at most 1,000 hits however it is paged, so the range is cut into time slices
(``created_at_i``) small enough to hold fewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from stormwatch.fetch.base import (
    Mention,
    Page,
    Request,
    SourceInfo,
    mention,
    parse_time,
    parts_for,
    strip_html,
    time_slices,
    total,
)
from stormwatch.fetch.client import Http
from stormwatch.fetch.errors import HnError

NAME = "hn"
# A repeated fetch starts this much early: Algolia indexes items a few minutes late
OVERLAP = timedelta(minutes=10)
ROOT = "https://hn.algolia.com/api/v1"
ROOT_ENV = "STORMWATCH_HN_URL"
HITS_CAP = 1000  # Algolia pages through this many hits at most
PER_PAGE = 500
INFO = SourceInfo(
    name=NAME,
    title="Hacker News (Algolia HN Search API)",
    query="search words, e.g. acme or '\"acme cloud\"'",
    needs="nothing (no key)",
    root_env=ROOT_ENV,
    limits="about 10,000 requests an hour per IP (community figure, no SLA); at most 1,000 "
    "hits per query, so stormwatch slices by time",
    terms="https://hn.algolia.com/api ; content belongs to its authors (news.ycombinator.com)",
    followers="none (Hacker News has no followers; points + comments count as engagement)",
)


def key(query: str, instance: str | None = None) -> str:
    return query.strip()


def to_mention(hit: dict[str, Any], dropped: Counter[str]) -> Mention | None:
    """One hit as a mention; None (counted in ``dropped``) for deleted or undated items."""
    moment = parse_time(hit.get("created_at_i")) or parse_time(hit.get("created_at"))
    if moment is None:
        dropped["unparseable date"] += 1
        return None
    tags = hit.get("_tags") or []
    if "comment" in tags or hit.get("comment_text") is not None:
        text = strip_html(hit.get("comment_text"))
    else:
        parts = [hit.get("title") or "", strip_html(hit.get("story_text"))]
        text = "\n".join(p for p in parts if p)
    if not hit.get("author") or not text or not hit.get("objectID"):
        dropped["deleted"] += 1
        return None
    return mention(
        hit["objectID"],
        moment,
        author=str(hit["author"]),
        text=text,
        url=f"https://news.ycombinator.com/item?id={hit['objectID']}",
        platform="hackernews",
        engagement=total(hit.get("points"), hit.get("num_comments")),
    )


def _page(http: Http, root: str, query: str, a: datetime, b: datetime, page: int) -> Any:
    data = http.get_json(
        f"{root}/search_by_date",
        params={
            "query": query,
            "tags": "(story,comment)",
            "numericFilters": f"created_at_i>={int(a.timestamp())},"
            f"created_at_i<{int(b.timestamp())}",
            "hitsPerPage": PER_PAGE,
            "page": page,
        },
    )
    if not isinstance(data, dict) or not isinstance(data.get("hits"), list):
        raise HnError("hn: the answer has no hits list", url=root, hint="check STORMWATCH_HN_URL")
    return data


def pages(http: Http, request: Request) -> Iterator[Page]:
    """Every hit in ``[since, until)``, oldest slice first, each slice paged to its end."""
    http.error = HnError
    root = request.env.get(ROOT_ENV, ROOT).rstrip("/")
    query = request.query

    def first(a: datetime, b: datetime) -> tuple[Any, int]:
        data = _page(http, root, query, a, b, 0)
        return data, parts_for(int(data.get("nbHits") or 0), HITS_CAP)

    for a, b, first_data in time_slices(request.since, request.until, first):
        data = first_data
        number = 0
        while True:
            dropped: Counter[str] = Counter()
            found = [m for h in data["hits"] if (m := to_mention(h, dropped)) is not None]
            number += 1
            last = not data["hits"] or number >= int(data.get("nbPages") or 0)
            yield Page(found, dropped, covered_to=b if last else None)
            if last:
                break
            data = _page(http, root, query, a, b, number)
