"""analyse(): the whole pipeline, read -> normalise -> window -> signals -> score -> recommend.

Everything the signals need comes from one streaming aggregation over all inputs
(``plan.summarise``), so a file is read once. Without ``--at`` the evaluation moment is the
newest mention, which the readers guess from the head and tail of each file (exports are
sorted); if the pass finds a newer one, it runs once more with that moment.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from stormwatch.errors import ConfigError, InputError
from stormwatch.models import InputSummary, Report
from stormwatch.pipeline.assemble import topic_results
from stormwatch.pipeline.context import context_data
from stormwatch.pipeline.critics import storm_critics
from stormwatch.pipeline.evidence import top_mentions
from stormwatch.pipeline.inputs import Totals, data_notes, input_summary, no_usable_rows, totals_of
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.passes import Scan, collect
from stormwatch.pipeline.problems import problems
from stormwatch.pipeline.response import normalise_handles
from stormwatch.pipeline.score import available_signals, score_topics
from stormwatch.pipeline.signals import (
    critical_gate,
    influence_signal,
    usual_reach,
    window_signals,
)
from stormwatch.pipeline.theming import topic_themes
from stormwatch.pipeline.window import (
    count_authors,
    count_windows,
    fill_windows,
)
from stormwatch.sentiment.fill import empty_columns, estimator, flag_estimates
from stormwatch.settings import Settings, format_duration
from stormwatch.sources import ReadOptions, Source, read_sources

Input = str | Path | Source


def load_sources(
    inputs: Input | Iterable[Input], options: ReadOptions | None = None, defer_check: bool = False
) -> list[Source]:
    """Open every input (paths are read with :func:`read_sources`, ``defer_check`` as there);
    one path is a list of one, not a string of one-letter paths."""
    sources: list[Source] = []
    for item in [inputs] if isinstance(inputs, str | Path | Source) else inputs:
        if isinstance(item, Source):
            sources.append(item)
        else:
            sources.extend(read_sources(item, options, defer_check=defer_check))
    return sources


def _damaged(sources: Sequence[Source]) -> bool:
    """Whether a deferred damage check found a file that must be read again, repaired (a
    check that failed, e.g. on a file deleted meanwhile, counts: reading it again says why)."""
    return any(
        s.damage is not None and (s.damage.exception() is not None or s.damage.result())
        for s in sources
    )


def _as_aware(now: datetime | None) -> datetime | None:
    if now is None or now.tzinfo is not None:
        return now
    return now.replace(tzinfo=UTC)


def _newest(frame: pl.DataFrame) -> datetime | None:
    """The newest usable timestamp in a summary, including mentions after the moment."""
    value = frame.filter(pl.col("_reject").is_null())["end"].max()
    return value if isinstance(value, datetime) else None


def analyse(
    inputs: Input | Iterable[Input],
    settings: Settings | None = None,
    *,
    now: datetime | str | None = None,
    options: ReadOptions | None = None,
    brand_handles: Sequence[str] = (),
) -> Report:
    """Score every topic in ``inputs`` at the moment ``now`` (default: the newest mention).

    Args:
        inputs: an export file path, or several, or already opened :class:`Source` objects.
        settings: windows, weights, thresholds, language; defaults when omitted.
        now: the evaluation moment (naive = UTC), or a text as ``--at`` takes it
            (``"2011-09-27T08:00Z"``); mentions after it are ignored.
        options: how to read the files (timezone, preset, mapping, day-first); the topic
            column comes from ``settings.by``.
        brand_handles: the brand's own accounts (``@`` optional, any case): their posts count
            as replies for the response gap and weigh nothing in the score and the indicators.

    Raises:
        InputError / SchemaError for unreadable inputs, ConfigError for bad settings.
    """
    settings = settings or Settings()
    options = replace(options or ReadOptions(), by=settings.by)
    if isinstance(now, str):  # as --at reads it, in the timezone of the options
        from stormwatch.sources.timestamps import parse_moment

        try:
            now = parse_moment(now, options.timezone)
        except ValueError as exc:
            raise ConfigError(str(exc), key="now") from None
    given = _as_aware(now)
    # Large CSVs are checked for damage while the first pass reads them; in the rare case
    # that a file is damaged, the result is dropped and the files are read again, checked.
    sources = load_sources(inputs, options, defer_check=True)
    try:
        report = _analyse(sources, settings, given, options, brand_handles)
    except Exception:  # a damaged file may fail in any way
        if not _damaged(sources):
            raise
    else:
        if not _damaged(sources):
            return report
    return _analyse(load_sources(inputs, options), settings, given, options, brand_handles)


def _analyse(
    sources: list[Source],
    settings: Settings,
    given: datetime | None,
    options: ReadOptions,
    brand_handles: Sequence[str],
) -> Report:
    """:func:`analyse` of opened ``sources`` (``given``: the moment asked for, aware)."""
    if not sources:
        raise InputError("(no input)", "no input files given", hint="name at least one export")
    n = settings.baseline_windows
    handles = normalise_handles(brand_handles)
    estimate = estimator(settings.estimate_sentiment, settings.sentiment_model)
    scan = Scan(sources, settings, options, estimate, handles)
    mentions = normalise_all(sources, options.not_after, estimate)
    hints = [s.latest for s in sources if s.latest is not None]
    end = given or (max(hints) if hints else None)
    if end is None:  # no hint: one cheap pass over the timestamps
        ok = mentions.filter(pl.col("_reject").is_null())
        end = collect(sources, ok.select(pl.col("timestamp").max())).item()
    found = scan.pass_at(end) if end is not None else None
    if given is None and found is not None:
        newest = _newest(found.summary)
        if newest is not None and newest != end:  # the guess was not the newest usable mention
            end, found = newest, scan.pass_at(newest)
    if found is not None:
        usable = found.summary.filter(pl.col("_reject").is_null())
        scan.empty = empty_columns(sources, usable, estimate)
    if scan.empty and end is not None:  # only when nothing in the input is rated
        found = scan.pass_at(end)
    if end is not None:
        mentions = scan.scored_at(end)
    summary = found.summary if found is not None else None
    totals = totals_of(summary, n) if summary is not None else None
    if end is None or found is None or totals is None:
        raise no_usable_rows(sources, mentions, summary, given)
    at_lines = functools.partial(scan.rows_at, end, found)
    rejects = problems(sources, mentions, collect, "_reject", found.summary, at_lines)
    unread = None
    if totals.unread:
        unread = problems(sources, mentions, collect, "_unread", None, at_lines)
    inputs_summary = input_summary(sources, totals, rejects, unread, found.slow)
    inputs_summary = flag_estimates(inputs_summary, sources, estimate, scan.empty)
    return score_summary(
        settings,
        end,
        found.summary,
        totals,
        inputs_summary,
        functools.partial(scan.hot_rows, end, found),
        settings.by or _topic_column(sources),
        handles,
    )


def score_summary(
    settings: Settings,
    end: datetime,
    summary: pl.DataFrame,
    totals: Totals,
    inputs_summary: InputSummary,
    hot_rows: Callable[[list[str]], pl.DataFrame],
    by: str | None,
    handles: Sequence[str],
) -> Report:
    """Score the ``summary`` (the aggregation, from any engine) and explain it; ``hot_rows``:
    the horizon rows of the topics at watch or above (see ``_hot_rows``)."""
    n = settings.baseline_windows
    brand_known = bool(handles)
    counts = count_windows(summary, n)
    authors = count_authors(summary)
    covered = max(0, min(n, int((end - totals.start) / settings.window) - 1))
    grid = fill_windows(counts, totals.topics, n)
    proxy = not totals.has_followers
    # The reach behind critical mentions per window: negative ones, or all without sentiment.
    if proxy:
        critical_reach = "engagement_negative" if totals.has_sentiment else "engagement"
    else:
        critical_reach = "followers_negative" if totals.has_sentiment else "followers_sum"
    signals = (
        window_signals(grid, covered, settings, counts=totals.counts)
        .join(
            influence_signal(
                authors,
                totals.has_sentiment,
                proxy=proxy,
                usual=usual_reach(grid, critical_reach, covered),
            ),
            on="topic",
            how="left",
        )
        .with_columns(
            pl.col("reach").fill_null(0),
            pl.col("usual_reach").fill_null(0.0),
            pl.col("influence").fill_null(0.0),
            pl.lit(1.0 if not totals.has_followers else 0.0).alias("engagement_proxy"),
        )
    )
    # With sentiment, critics' reach counts as far as the talk is more critical than usual.
    weight = (
        pl.Series(critical_gate(signals["negativity"].to_numpy()))
        if totals.has_sentiment
        else pl.lit(1.0)
    )
    signals = signals.with_columns(
        weight.alias("reach_weight"), (pl.col("influence") * weight).alias("influence")
    )
    available = available_signals(
        covered,
        has_followers=totals.has_followers or totals.has_engagement,
        has_sentiment=totals.has_sentiment,
        has_authors=totals.has_authors,
    )
    scored = score_topics(
        signals, settings.weights, available, settings.thresholds, totals.has_sentiment
    )
    # Context and themes only for the topics at watch or above: a calm export is read once.
    hot = scored.filter(pl.col("level") != "calm")["topic"].to_list()
    rows = hot_rows(hot) if hot else None
    context = None
    critics = None
    if rows is not None:
        context = context_data(rows, hot, end, inputs_summary.timezone, brand_known)
        critics = storm_critics(
            rows, hot, settings.window, totals.has_sentiment, settings.top_authors
        )
    topics = topic_results(
        scored,
        grid,
        authors,
        settings,
        available,
        totals.has_sentiment,
        context,
        covered,
        critics,
    )
    starts = {
        t.topic: t.context.response.episode_start
        for t in topics
        if t.context is not None and t.context.response.episode_start is not None
    }
    themes = (
        topic_themes(rows, hot, totals.has_sentiment, starts, settings.window, handles)
        if rows is not None
        else {}
    )
    evidence = (
        top_mentions(rows, hot, settings.window, totals.has_sentiment) if rows is not None else {}
    )
    return Report(
        evaluated_at=end,
        window=format_duration(settings.window),
        baseline=format_duration(settings.baseline),
        by=by,
        lang=settings.lang,
        input=inputs_summary,
        topics=tuple(
            replace(t, themes=themes.get(t.topic, ()), top_mentions=evidence.get(t.topic, ()))
            for t in topics
        ),
        signals_available=tuple(available),
        history_start=totals.start,
        baseline_windows=covered,
        notes=data_notes(settings, covered, totals),
    )


def _topic_column(sources: Sequence[Source]) -> str | None:
    names = {s.topic_column for s in sources if s.topic_column}
    return names.pop() if len(names) == 1 else None
