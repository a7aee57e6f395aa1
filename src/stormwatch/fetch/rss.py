"""Any RSS 2.0, RSS 1.0 (RDF) or Atom feed: a press room, a Google Alerts feed, a news search.

Parsed with the standard library; a feed that declares a DOCTYPE or entities is refused
(no entity expansion, no external references). Polled politely with ETag/If-None-Match and
Last-Modified/If-Modified-Since. Items are platform ``news``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from stormwatch.fetch.base import (
    Mention,
    Page,
    Request,
    SourceInfo,
    mention,
    parse_time,
    strip_html,
)
from stormwatch.fetch.client import Http
from stormwatch.fetch.errors import RssError

NAME = "rss"
ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
RSS1 = "{http://purl.org/rss/1.0/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
_ROOT_START = re.compile(rb"<[A-Za-z_]")  # declarations can only come before the root element
INFO = SourceInfo(
    name=NAME,
    title="RSS / Atom feed (any URL)",
    query="the feed URL, e.g. https://example.com/press/feed.xml",
    needs="nothing (the feed's own access rules)",
    root_env="(the feed URL itself)",
    limits="whatever the feed holds (often its last 10-50 items); polled with ETag and "
    "Last-Modified, so an unchanged feed costs one small request",
    terms="the publisher's; feeds are meant to be polled, not scraped more often than they change",
    followers="none; author = dc:creator / author, else the feed's host",
)


def key(query: str, instance: str | None = None) -> str:
    return query.strip()


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip()
    try:
        moment = parsedate_to_datetime(value)  # RFC 822 (RSS)
    except (TypeError, ValueError, IndexError):
        return parse_time(value)  # RFC 3339 (Atom, dc:date)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(element: ET.Element | None, *names: str) -> str | None:
    if element is None:
        return None
    for name in names:
        found = element.find(name)
        if found is not None and (found.text or "").strip():
            return (found.text or "").strip()
    return None


def _atom_link(entry: ET.Element) -> str | None:
    for link in entry.findall(f"{ATOM}link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def parse_feed(body: bytes, url: str) -> list[dict[str, Any]]:
    """The feed's items as plain dicts (id, title, link, published, author, summary)."""
    root_start = _ROOT_START.search(body)
    if _DECLARATION.search(body[: root_start.start() if root_start else len(body)]):
        raise RssError(
            f"rss: {url} declares a DOCTYPE or entities; refused",
            url=url,
            hint="stormwatch reads plain RSS/Atom only (entity declarations can be abused)",
        )
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise RssError(
            f"rss: {url} is not a readable feed ({exc})",
            url=url,
            hint="check the URL: it should give RSS or Atom XML, not a web page",
        ) from None
    items: list[dict[str, Any]] = []
    for item in [*root.iter("item"), *root.iter(f"{RSS1}item")]:
        ns = RSS1 if item.tag == f"{RSS1}item" else ""
        items.append(
            {
                "id": _text(item, "guid")
                or item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"),
                "title": _text(item, f"{ns}title"),
                "link": _text(item, f"{ns}link"),
                "published": _text(item, "pubDate", f"{DC}date"),
                "author": _text(item, f"{DC}creator", "author"),
                "summary": _text(item, f"{ns}description", f"{CONTENT}encoded"),
            }
        )
    for entry in root.iter(f"{ATOM}entry"):
        items.append(
            {
                "id": _text(entry, f"{ATOM}id"),
                "title": _text(entry, f"{ATOM}title"),
                "link": _atom_link(entry),
                "published": _text(entry, f"{ATOM}published", f"{ATOM}updated"),
                "author": _text(entry.find(f"{ATOM}author"), f"{ATOM}name"),
                "summary": _text(entry, f"{ATOM}summary", f"{ATOM}content"),
            }
        )
    if not items and root.tag not in ("rss", f"{ATOM}feed") and not root.tag.endswith("RDF"):
        raise RssError(f"rss: {url} is not an RSS or Atom feed", url=url)
    return items


def to_mention(item: dict[str, Any], host: str, dropped: Counter[str]) -> Mention | None:
    moment = _time(item.get("published"))
    if moment is None:
        dropped["unparseable date"] += 1
        return None
    raw_id = item.get("id") or item.get("link")
    if not raw_id:
        dropped["no id or link"] += 1
        return None
    parts = [strip_html(item.get("title")), strip_html(item.get("summary"))]
    return mention(
        raw_id,
        moment,
        author=item.get("author") or host,
        text="\n".join(p for p in parts if p),
        url=item.get("link"),
        platform="news",
    )


def pages(http: Http, request: Request) -> Iterator[Page]:
    http.error = RssError
    url = request.query.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RssError(f"rss: {url!r} is not a feed URL", hint="give an http(s):// feed URL")
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if request.cursor.get("etag"):
        headers["If-None-Match"] = request.cursor["etag"]
    if request.cursor.get("last_modified"):
        headers["If-Modified-Since"] = request.cursor["last_modified"]
    response = http.request("GET", url, headers=headers)
    if response.status_code == 304:  # unchanged since the last fetch
        yield Page([])
        return
    dropped: Counter[str] = Counter()
    found = [
        m
        for item in parse_feed(response.content, url)
        if (m := to_mention(item, parts.netloc, dropped))
        and request.since <= m["timestamp"] < request.until
    ]
    cursor = {
        "etag": response.headers.get("etag"),
        "last_modified": response.headers.get("last-modified"),
    }
    # No time cursor: a feed may add an item dated earlier; the store keeps each id once.
    yield Page(found, dropped, cursor=cursor)
