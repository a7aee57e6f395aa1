"""One fetch of one source and query into a sink: resume from the stored cursor, write each
page as it arrives, advance the cursor only after the page is durable."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from stormwatch.fetch.base import Page, Request, iso, parse_time, source_module
from stormwatch.fetch.client import Http, Stats
from stormwatch.fetch.store import Sink

DEFAULT_SINCE = timedelta(hours=24)


@dataclass(frozen=True)
class FetchResult:
    """What one fetch did: the query key it was stored under, and the counts."""

    source: str
    key: str
    since: datetime
    until: datetime
    stats: Stats
    stopped_at_limit: bool = False


def start_from(
    since: datetime, cursor: Mapping[str, Any], overlap: timedelta = timedelta(0)
) -> tuple[datetime, datetime]:
    """Where to start, and where the covered range will begin: at the end of the covered
    range when ``since`` falls inside it (only what is newer is asked for; ``overlap`` before
    it, for posts an API indexes late), else ``since`` itself (a backfill further back, or
    after a gap)."""
    covered_from, covered_to = parse_time(cursor.get("from")), parse_time(cursor.get("to"))
    if covered_from and covered_to and covered_from <= since <= covered_to:
        return max(covered_to - overlap, since), covered_from
    return since, since


def _merge(old: Mapping[str, Any], page: Page, covered_from: datetime) -> dict[str, Any]:
    cursor = {**old, **page.cursor}
    if page.covered_to is not None:
        cursor["from"] = iso(covered_from)
        cursor["to"] = iso(page.covered_to)
    return cursor


def fetch_mentions(
    source: str,
    query: str,
    *,
    http: Http,
    sink: Sink,
    now: datetime,
    env: Mapping[str, str],
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    instance: str | None = None,
    on_page: Callable[[Stats], None] | None = None,
) -> FetchResult:
    """Fetch ``query`` from ``source`` into ``sink``, newer than what the sink already holds.

    Raises:
        FetchError (per source) for refused credentials, bad answers and exhausted rate
        limits; ConfigError for an unknown source. Pages stored before the error stay stored
        and the cursor points just past them.
    """
    module = source_module(source)
    key = module.key(query, instance)
    until = until or now
    since = since or until - DEFAULT_SINCE
    with sink.lock(source, key):
        cursor = sink.cursor(source, key)
        overlap = getattr(module, "OVERLAP", timedelta(0))
        start, covered_from = start_from(since, cursor, overlap)
        request = Request(query, start, until, cursor, env, instance)
        return _pages_into(module, key, request, covered_from, http, sink, now, limit, on_page)


def _pages_into(
    module: Any,
    key: str,
    request: Request,
    covered_from: datetime,
    http: Http,
    sink: Sink,
    now: datetime,
    limit: int | None,
    on_page: Callable[[Stats], None] | None,
) -> FetchResult:
    """Write every page of ``module`` into ``sink``; the cursor follows the stored pages."""
    source, cursor = module.NAME, dict(request.cursor)
    start, until = request.since, request.until
    stats = http.stats
    for page in module.pages(http, request):
        stats.pages += page.requests
        stats.dropped.update(page.dropped)
        rows = [
            {
                **m,
                "id": f"{source}:{m['raw_id']}",
                "source": source,
                "query": key,
                "fetched_at": now,
            }
            for m in page.mentions
        ]
        new = sink.write(source, key, rows)
        stats.items += new
        stats.duplicates += len(rows) - new
        if page.covered_to is not None or page.cursor:
            cursor = _merge(cursor, page, covered_from)
            sink.set_cursor(source, key, cursor)
        if on_page is not None:
            on_page(stats)
        if limit is not None and stats.items >= limit:
            return FetchResult(source, key, start, until, stats, stopped_at_limit=True)
    sink.set_cursor(source, key, {**cursor, "last_ok": iso(now)})
    sink.finish(source, key, now)
    return FetchResult(source, key, start, until, stats)


# --- several sources at once (scan --fetch, [[watch]] fetch = …) -------------------------------


@dataclass(frozen=True)
class Spec:
    """``hn:acme``, ``mastodon:mastodon.social#acme``, ``rss:https://…``: a source and query,
    and optionally the topic its mentions count for (``acme=gdelt:"Acme" sourcelang:german``;
    default: the query)."""

    source: str
    query: str
    topic: str | None = None

    @property
    def text(self) -> str:
        return f"{self.topic}={self.source}:{self.query}" if self.topic else self.source_query

    @property
    def source_query(self) -> str:
        return f"{self.source}:{self.query}"


def parse_spec(text: str) -> Spec:
    """``[TOPIC=]SOURCE:QUERY`` as a :class:`Spec`; ConfigError for a bad one."""
    from stormwatch.errors import ConfigError
    from stormwatch.fetch.base import SOURCES

    topic, eq, rest = text.partition("=")
    if not eq or ":" in topic or not topic.strip():  # no label: the "=" is the query's
        topic, rest = "", text
    source, sep, query = rest.partition(":")
    source = source.strip().lower()
    if not sep or not query.strip() or source not in SOURCES:
        raise ConfigError(
            f"{text!r} is not SOURCE:QUERY",
            hint="e.g. hn:acme, mastodon:mastodon.social#acme or acme=bluesky:acme (a topic "
            f"first); sources: {', '.join(SOURCES)}",
        )
    return Spec(source, query.strip(), topic.strip() or None)


@dataclass(frozen=True)
class Outcome:
    """One spec's fetch: the store files that hold its mentions, and the result or error.
    ``stale_since`` (on error) is the last successful fetch, None if there never was one."""

    spec: Spec
    key: str
    files: list[Any]
    result: FetchResult | None = None
    error: Exception | None = None
    stale_since: datetime | None = None


def fetch_specs(
    specs: list[Spec],
    *,
    store: Any,
    make_http: Callable[[], Http],
    now: datetime,
    env: Mapping[str, str],
    since: datetime | None = None,
) -> list[Outcome]:
    """Fetch every spec incrementally into the mention ``store``. A failing source (network,
    401, 429 past its budget) is recorded in its outcome and in the store's cursor, and the
    others still run; what the store held before stays."""
    from stormwatch.errors import StormwatchError

    outcomes = []
    for spec in specs:
        module = source_module(spec.source)
        key = module.key(spec.query, None)
        try:
            result = fetch_mentions(
                spec.source, spec.query, http=make_http(), sink=store, now=now, env=env, since=since
            )
        except StormwatchError as exc:
            cursor = store.cursor(spec.source, key)
            store.set_cursor(
                spec.source, key, {**cursor, "last_error": exc.message, "error_at": iso(now)}
            )
            stale = parse_time(cursor.get("last_ok"))
            files = store.files(spec.source, key)
            outcomes.append(Outcome(spec, key, files, error=exc, stale_since=stale))
            continue
        outcomes.append(Outcome(spec, key, store.files(spec.source, key), result))
    return outcomes
