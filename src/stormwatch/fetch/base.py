"""What every source shares: the request it gets, the pages it yields, time slicing, the
fetched-mention record, and small helpers (HTML to text, ISO times, the sources' registry)."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from stormwatch.fetch.client import Http

#: The columns a fetch writes, in order: the canonical ones, then where each mention came from.
COLUMNS = (
    "timestamp",
    "author",
    "followers",
    "text",
    "engagement",
    "url",
    "platform",
    "language",
    "id",
    "source",
    "query",
    "raw_id",
    "fetched_at",
)

Mention = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """One fetch: the query, the time range, the cursor stored by earlier runs, credentials."""

    query: str
    since: datetime
    until: datetime
    cursor: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    instance: str | None = None


@dataclass(frozen=True)
class Page:
    """Mentions as one API page gave them. ``covered_to``: everything up to this moment has
    now been yielded (the time cursor may advance once the page is stored); ``cursor``: other
    cursor fields to store with it (Mastodon's min_id, a feed's ETag)."""

    mentions: list[Mention]
    dropped: Counter[str] = field(default_factory=Counter)
    covered_to: datetime | None = None
    cursor: Mapping[str, Any] = field(default_factory=dict)
    requests: int = 1


class SourceModule(Protocol):
    """What a source module provides (see ``stormwatch.fetch.hn`` for an example)."""

    NAME: str
    INFO: SourceInfo

    def key(self, query: str, instance: str | None) -> str: ...

    def pages(self, http: Http, request: Request) -> Iterator[Page]: ...


@dataclass(frozen=True)
class SourceInfo:
    """What ``stormwatch sources`` prints for a source."""

    name: str
    title: str
    query: str  # what QUERY means
    needs: str  # credentials and their environment variables
    root_env: str  # the variable that replaces the API root
    limits: str
    terms: str
    followers: str


# --- helpers ------------------------------------------------------------------------------------

_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?>", re.I)
_SPACE = re.compile(r"[ \t\r\f\v]+")


def strip_html(text: str | None) -> str:
    """Sanitised HTML (``<p>``, ``<br>``, ``<a>``, ``<span>``) as plain text."""
    if not text:
        return ""
    plain = html.unescape(_TAG.sub("", _BREAK.sub("\n", text)))
    lines = (_SPACE.sub(" ", line).strip() for line in plain.split("\n"))
    return "\n".join(line for line in lines if line)


def parse_time(value: Any) -> datetime | None:
    """An RFC 3339 / ISO time or epoch seconds as an aware UTC datetime; None if unreadable."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC)
        moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """``2026-12-04T10:00:00Z`` (microseconds kept when there are any)."""
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def to_int(value: Any) -> int | None:
    try:
        return None if value is None or isinstance(value, bool) else int(value)
    except (TypeError, ValueError):
        return None


def total(*values: Any) -> int | None:
    """The sum of the counts that are there (None when none is)."""
    numbers = [n for n in (to_int(v) for v in values) if n is not None]
    return sum(numbers) if numbers else None


def mention(
    raw_id: Any,
    timestamp: datetime,
    *,
    author: str | None,
    text: str,
    url: str | None,
    platform: str,
    followers: int | None = None,
    engagement: int | None = None,
    language: str | None = None,
) -> Mention:
    """A fetched mention in the canonical shape (the fetch adds id, source, query, fetched_at)."""
    return {
        "timestamp": timestamp,
        "author": author,
        "followers": followers,
        "text": text,
        "engagement": engagement,
        "url": url,
        "platform": platform,
        "language": language,
        "raw_id": str(raw_id),
    }


def time_slices(
    since: datetime,
    until: datetime,
    first_page: Callable[[datetime, datetime], tuple[Any, int]],
    *,
    step: timedelta = timedelta(days=1),
    smallest: timedelta = timedelta(seconds=1),
) -> Iterator[tuple[datetime, datetime, Any]]:
    """Walk ``[since, until)`` oldest first in slices of at most ``step``. ``first_page(a, b)``
    fetches a slice's first page and says into how many parts the slice must be cut to hold
    no more than the API pages through (1: it fits; the hit count tells when the API gives
    one, else 2); such a slice is cut (down to ``smallest``) and fetched again. Yields each
    slice with its first page; the caller pages on and reports the slice as covered."""
    pending: list[tuple[datetime, datetime]] = []
    start = since
    while start < until:
        end = min(start + step, until)
        pending.append((start, end))
        start = end
    while pending:
        a, b = pending.pop(0)
        page, parts = first_page(a, b)
        if parts > 1 and b - a > smallest:
            width = max((b - a) / parts, smallest)
            cuts = [a + width * i for i in range(parts) if a + width * i < b]
            pending[:0] = list(zip(cuts, [*cuts[1:], b], strict=True))
            continue
        yield a, b, page


def parts_for(hits: int, cap: int) -> int:
    """How many equal time slices ``hits`` need so each likely holds under ``cap`` (with
    room to spare, as hits are not spread evenly)."""
    return 1 if hits <= cap else -(-hits * 5 // (cap * 4))


# --- the registry ---------------------------------------------------------------------------------

SOURCES = ("hn", "mastodon", "bluesky", "reddit", "gdelt", "rss")


def source_module(name: str) -> SourceModule:
    """The module of source ``name`` (imported on demand)."""
    from importlib import import_module

    from stormwatch.errors import ConfigError

    if name not in SOURCES:
        raise ConfigError(f"unknown source {name!r}", hint=f"use one of: {', '.join(SOURCES)}")
    module: Any = import_module(f"stormwatch.fetch.{name}")
    return module  # type: ignore[no-any-return]
