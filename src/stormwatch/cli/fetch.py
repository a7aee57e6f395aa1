"""``stormwatch fetch`` and ``stormwatch sources``: a thin shell over :mod:`stormwatch.fetch`.

This module reads the clock and the environment and builds the HTTP client; the library gets
them as arguments. httpx is imported only when a fetch runs.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from stormwatch.cli.app import _err, app, default_lang, guarded, option_value, tell
from stormwatch.cli.options import Quiet
from stormwatch.settings import Lang, app_dir
from stormwatch.text.notes import Note

if TYPE_CHECKING:
    from stormwatch.fetch.client import Stats
    from stormwatch.fetch.run import FetchResult
    from stormwatch.settings import Settings
    from stormwatch.sources import Source

#: How the CLI waits (tests replace it, so rate-limit waits cost no time).
SLEEP = time.sleep
#: Seconds of rate-limit waiting a source may cost ``scan --fetch`` and ``alert`` (cron runs
#: every 15 minutes; past this the source is stale for this run and the next one resumes).
SCAN_WAIT_BUDGET = 120.0


def store_dir(explicit: Path | None, env: Mapping[str, str]) -> Path:
    """--store, else ``mentions`` in the app directory."""
    return explicit if explicit is not None else app_dir(env) / "mentions"


def moment_or_ago(value: str | None, option: str, now: datetime) -> datetime | None:
    """``24h`` (that long before ``now``) or a moment such as ``2026-12-01T00:00Z``."""
    if value is None:
        return None
    from stormwatch.settings import parse_duration
    from stormwatch.sources.timestamps import parse_moment

    try:
        return now - parse_duration(value)
    except ValueError:
        pass
    try:
        return parse_moment(value, "UTC")
    except ValueError as exc:
        raise typer.BadParameter(
            f"{exc}; or a duration before now such as 6h or 7d", param_hint=option
        ) from None


@contextmanager
def fetch_progress(show: bool, label: str, console: Any = None) -> Iterator[Any]:
    """A transient bar on stderr (items, pages, rate-limit waits); a no-op callback otherwise."""
    if not show:
        yield lambda stats: None
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True)
    label = escape(label)  # the query is the user's text, not markup

    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task(label, status="")

    def update(stats: Stats) -> None:
        progress.update(
            task,
            status=f"{stats.items:,} new · {stats.pages:,} pages · "
            f"{stats.waits} waits ({stats.waited:.0f} s)",
        )

    with progress:
        yield update


def summary(result: FetchResult, where: Path, lang: Lang = "en") -> list[str]:
    """What a fetch did, for stderr: new mentions, pages, duplicates, drops, waits (the notes
    in ``lang``)."""
    from stormwatch.text.notes import line

    s = result.stats
    pages = f"{s.pages:,} page{'' if s.pages == 1 else 's'}"
    lines = [
        f"Fetched {s.items:,} new mention{'' if s.items == 1 else 's'} from "
        f"{result.source} {result.key!r} into {where} ({pages}, "
        f"{s.duplicates:,} already held, {s.waits} rate-limit waits of {s.waited:.0f} s"
        + (f", {s.paced:.0f} s keeping the source's pace" if s.paced else "")
        + ")."
    ]
    if s.dropped:
        reasons = ", ".join(f"{n:,} {why}" for why, n in sorted(s.dropped.items()))
        lines.append(line("note", Note("fetch_left_out", reasons=reasons), lang))
    if result.stopped_at_limit:
        lines.append(line("note", Note("fetch_limit"), lang))
    return lines


def run_one(
    source: str,
    query: str,
    *,
    sink: Any,
    env: Mapping[str, str],
    now: datetime,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
    instance: str | None = None,
    show_progress: bool = False,
    stats: Stats | None = None,
) -> FetchResult:
    """Build the client and fetch one source and query into ``sink`` (counting in ``stats``,
    which the caller keeps when the fetch fails)."""
    from stormwatch.fetch.client import Http, Stats, make_client
    from stormwatch.fetch.run import fetch_mentions

    with make_client() as client, fetch_progress(show_progress, f"{source} {query}") as update:
        http = Http(
            client,
            clock=lambda: datetime.now(UTC),
            sleep=SLEEP,
            on_wait=update,
            stats=stats or Stats(),
        )
        return fetch_mentions(
            source,
            query,
            http=http,
            sink=sink,
            now=now,
            env=env,
            since=since,
            until=until,
            limit=limit,
            instance=instance,
            on_page=update,
        )


def scan_inputs(
    files: list[Path] | None,
    fetch_from: list[str] | None,
    env: Mapping[str, str],
    settings: Settings,
    quiet: bool,
    stored: bool = False,
) -> tuple[list[Path], list[Source]]:
    """The files given, and with ``--fetch`` the mention store's Sources (fetched first);
    ``stored``: ``--store`` gives mentions too, so files are not required."""
    if not files and not fetch_from and not stored:
        raise typer.BadParameter("give export files, or --fetch SOURCE:QUERY", param_hint="FILE")
    if not fetch_from:
        return list(files or ()), []
    fetched = fetch_for_scan(fetch_from, env, settings, quiet)
    if not files and not fetched:
        from stormwatch.errors import StormwatchError

        raise StormwatchError(
            "nothing to scan: the fetched sources hold no mentions yet",
            hint="widen the query, or check it with `stormwatch fetch SOURCE QUERY`",
        )
    return list(files or ()), fetched


def fetch_for_scan(
    texts: list[str], env: Mapping[str, str], settings: Settings, quiet: bool
) -> list[Source]:
    """``scan --fetch``: fetch each SOURCE:QUERY into the mention store (enough history for
    the baseline the first time, only what is new later); one input per query. A failing
    source is a warning while the store holds older mentions of it, an error when it holds
    none."""
    from stormwatch.errors import ConfigError
    from stormwatch.fetch.client import Http, make_client
    from stormwatch.fetch.run import fetch_specs, parse_spec
    from stormwatch.fetch.store import MentionStore
    from stormwatch.sources import ReadOptions

    try:
        specs = [parse_spec(t) for t in texts]
    except ConfigError as exc:
        raise typer.BadParameter(f"{exc.message}; {exc.hint}", param_hint="--fetch") from None
    store = MentionStore(store_dir(None, env))
    now = datetime.now(UTC)
    with make_client() as client:
        outcomes = fetch_specs(
            specs,
            store=store,
            make_http=lambda: Http(
                client, clock=lambda: datetime.now(UTC), sleep=SLEEP, wait_budget=SCAN_WAIT_BUDGET
            ),
            now=now,
            env=env,
            since=now - (settings.baseline + settings.window),
        )
    # the store's files are stormwatch's own: UTC, no preset, mapping or day-first
    options = ReadOptions(by=settings.by, not_after=now + timedelta(days=1))
    sources: list[Source] = []
    for outcome in outcomes:
        if outcome.error is not None:
            if not outcome.files:
                raise outcome.error
            if not quiet:
                since = outcome.stale_since.isoformat() if outcome.stale_since else Note("never")
                failed = Note(
                    "fetch_failed", spec=outcome.spec.text, error=outcome.error, since=since
                )
                tell("warning", failed, settings.lang)
        elif outcome.result is not None and not quiet:
            for line in summary(outcome.result, store.root, settings.lang):
                _err(line)
        found = store.source(outcome.spec.source, outcome.key, options, outcome.spec.topic)
        if found is not None:
            sources.append(found)
    return sources


@app.command()
@guarded
def fetch(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Argument(
            help="hn, mastodon, bluesky, reddit, gdelt or rss.",
            metavar="SOURCE",
            show_default=False,
        ),
    ],
    query: Annotated[
        str,
        typer.Argument(
            help="What to search for (a Mastodon #hashtag, an RSS/Atom feed URL, …; see "
            "`stormwatch sources`).",
            metavar="QUERY",
            show_default=False,
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Oldest mentions to fetch: a duration before now (24h) or a moment "
            "(2026-12-01T00:00Z). [default: 24h, or where the last fetch stopped]",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--until", help="Newest mentions to fetch, as --since. [default: now]"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write to this .csv, .parquet or .jsonl file (adds only mentions it does not "
            "hold yet) instead of the mention store.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=1, help="Stop after this many new mentions."),
    ] = None,
    instance: Annotated[
        str | None,
        typer.Option(
            "--instance",
            help="Mastodon instance: a host (mastodon.social) or a URL. [default: mastodon.social]",
        ),
    ] = None,
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Mention store directory. [default: mentions/ in the app directory]",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress and no summary on stderr.")
    ] = False,
) -> None:
    """Fetch mentions from a public API into the local mention store (or --out), newer than
    what it already holds.

    Examples:

    \b
        stormwatch fetch hn acme --since 6h --out acme.csv

    \b
        stormwatch fetch mastodon '#acme' --instance mastodon.social
    """
    from stormwatch.fetch.base import source_module
    from stormwatch.fetch.store import MentionStore, OutFile

    env = os.environ
    now = datetime.now(UTC)
    option_value(source_module, source, "SOURCE")  # an unknown source fails first (exit 2)
    if instance is not None and source != "mastodon":
        raise typer.BadParameter("is for mastodon only", param_hint="--instance")
    start = moment_or_ago(since, "--since", now)
    end = moment_or_ago(until, "--until", now)
    if start is not None and end is not None and start >= end:
        raise typer.BadParameter("must be before --until", param_hint="--since")
    if end is not None and end > now + timedelta(minutes=5):
        raise typer.BadParameter("is in the future", param_hint="--until")
    from stormwatch.errors import FetchError
    from stormwatch.fetch.client import Stats

    where = out if out is not None else store_dir(store, env)
    sink = OutFile(out) if out is not None else MentionStore(where)
    stats = Stats()
    try:
        result = run_one(
            source,
            query,
            sink=sink,
            env=env,
            now=now,
            since=start,
            until=end,
            limit=limit,
            instance=instance,
            show_progress=sys.stderr.isatty() and not quiet,
            stats=stats,
        )
    except FetchError:
        if stats.items and not quiet:
            kept = (
                Note("fetch_kept_one", where=str(where))
                if stats.items == 1
                else Note("fetch_kept", count=stats.items, where=str(where))
            )
            tell("note", kept, default_lang(env))
        raise
    if not quiet:
        for line in summary(result, where, default_lang(env)):
            _err(line)


@app.command()
@guarded
def sources(
    ctx: typer.Context,
    quiet: Quiet = False,  # nothing but errors goes to stderr here anyway
) -> None:
    """List the sources `stormwatch fetch` can read: what QUERY means, the credentials each
    needs (environment variables), the variable that replaces its API root, limits and terms.

    Example:

    \b
        stormwatch sources
    """
    from stormwatch.fetch.base import SOURCES, source_module

    for name in SOURCES:
        info = source_module(name).INFO
        typer.echo(f"{name}: {info.title}")
        for label, value in (
            ("query", info.query),
            ("needs", info.needs),
            ("API root", "$" + info.root_env if info.root_env[:1].isalpha() else info.root_env),
            ("followers", info.followers),
            ("limits", info.limits),
            ("terms", info.terms),
        ):
            typer.echo(f"  {label + ':':<11}{value}")
