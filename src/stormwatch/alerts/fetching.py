"""What a watch reads: its input files (with its preset, mapping and day-first setting) and
the mentions its ``fetch = [...]`` sources brought into the mention store this run.

A failing source does not stop the others: the watch is scanned with what the store holds,
and the alert says which source is stale and since when.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from stormwatch.alerts.config import WatchConfig
from stormwatch.errors import InputError
from stormwatch.sources import ReadOptions, Source

if TYPE_CHECKING:
    from stormwatch.fetch.client import Http, Stats


@dataclass(frozen=True)
class Fetching:
    """How ``alert`` fetches: the mention store, one HTTP wrapper per source, credentials.
    ``history``: how far back the first fetch of a source reaches (the baseline)."""

    store: Any
    make_http: Callable[[], Http]
    env: Mapping[str, str]
    history: timedelta = timedelta(days=8)


@dataclass(frozen=True)
class WatchInputs:
    sources: list[Source]
    stale: list[str]  # one line per failing source, for the message and stderr
    fetched: list[str] = field(default_factory=list)  # what each source brought (--verbose)


def _fetched(spec: str, stats: Stats) -> str:
    pages = f"{stats.pages:,} page{'' if stats.pages == 1 else 's'}"
    left_out = sum(stats.dropped.values())
    return f"{spec}: {stats.items:,} new in {pages}" + (
        f", {left_out:,} left out" if left_out else ""
    )


def _moment(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never fetched"


def watch_inputs(
    watch: WatchConfig,
    options: ReadOptions,
    fetching: Fetching | None,
    now: datetime,
    *,
    fetch: bool,
    expand: Callable[[WatchConfig], list[str]],
) -> WatchInputs:
    """The watch's sources: the files of ``inputs`` read with its options, then the store's
    mentions of each ``fetch`` spec (fetched first when ``fetch``; a dry run only reads)."""
    from stormwatch.pipeline.analyse import load_sources

    read = replace(options, preset=watch.preset, mapping=watch.mapping, dayfirst=watch.dayfirst)
    sources = load_sources(expand(watch), read) if watch.inputs else []
    stale: list[str] = []
    fetched: list[str] = []
    if watch.fetch and fetching is not None:
        from stormwatch.fetch.base import source_module
        from stormwatch.fetch.run import fetch_specs, parse_spec

        specs = [parse_spec(s) for s in watch.fetch]
        if fetch:
            outcomes = fetch_specs(
                specs,
                store=fetching.store,
                make_http=fetching.make_http,
                now=now,
                env=fetching.env,
                since=now - fetching.history,
            )
            stale = [
                f"{o.spec.text} is stale (last fetched: {_moment(o.stale_since)}): {o.error}"
                for o in outcomes
                if o.error is not None
            ]
            fetched = [_fetched(o.spec.text, o.result.stats) for o in outcomes if o.result]
        # the store's files are stormwatch's own: UTC, no preset, mapping or day-first
        plain = replace(options, timezone="UTC")
        for spec in specs:
            key = source_module(spec.source).key(spec.query, None)
            if (found := fetching.store.source(spec.source, key, plain, spec.topic)) is not None:
                sources.append(found)
    if not sources:
        raise InputError(
            ", ".join(watch.fetch),
            "no mentions fetched yet" + (f" ({'; '.join(stale)})" if stale else ""),
            hint=f"check the fetch sources of watch {watch.name!r} with `stormwatch fetch`",
        )
    return WatchInputs(sources, stale, fetched)
