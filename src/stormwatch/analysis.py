"""analyse(): the whole pipeline, read -> normalise -> window -> signals -> score -> recommend.

One lazy plan over all inputs, collected once (``collect_all`` shares the scan between the
window counts, the author counts and the row accounting).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl

from stormwatch.checklist import load_checklist
from stormwatch.errors import InputError
from stormwatch.models import (
    AuthorStat,
    InputSummary,
    Rejects,
    Report,
    SignalResult,
    TopicResult,
)
from stormwatch.pipeline.normalise import normalise
from stormwatch.pipeline.recommend import recommend
from stormwatch.pipeline.score import score_topics
from stormwatch.pipeline.signals import influence_signal, window_signals
from stormwatch.pipeline.window import assign_windows, count_authors, count_windows, fill_windows
from stormwatch.settings import SIGNALS, Settings, format_duration
from stormwatch.sources import Source, read_source

MIN_BASELINE_WINDOWS = 3

Input = str | Path | Source


def load_sources(
    inputs: Iterable[Input], *, by: str | None = None, timezone: str = "UTC"
) -> list[Source]:
    """Open every input (paths are read with :func:`read_source`)."""
    return [
        item if isinstance(item, Source) else read_source(item, by=by, timezone=timezone)
        for item in inputs
    ]


def _collect(
    sources: Sequence[Source],
    queries: list[pl.LazyFrame],
    engine: Literal["auto", "streaming"] = "auto",
) -> list[pl.DataFrame]:
    try:
        return pl.collect_all(queries, engine=engine)
    except pl.exceptions.PolarsError as exc:
        where = sources[0].path if len(sources) == 1 else ", ".join(s.path for s in sources)
        raise InputError(where, f"cannot read the data: {exc}".splitlines()[0]) from None


def _as_aware(now: datetime | None) -> datetime | None:
    if now is None or now.tzinfo is not None:
        return now
    return now.replace(tzinfo=UTC)


def analyse(
    inputs: Iterable[Input],
    settings: Settings | None = None,
    *,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> Report:
    """Score every topic in ``inputs`` at the moment ``now`` (default: the newest mention).

    Args:
        inputs: export file paths or already opened :class:`Source` objects.
        settings: windows, weights, thresholds, language; defaults when omitted.
        now: the evaluation moment (naive = UTC); mentions after it are ignored.
        timezone: assumed for timestamps without an offset.

    Raises:
        InputError / SchemaError for unreadable inputs, ConfigError for bad settings.
    """
    settings = settings or Settings()
    sources = load_sources(inputs, by=settings.by, timezone=timezone)
    if not sources:
        raise InputError("(no input)", "no input files given", hint="name at least one export")
    now = _as_aware(now)
    n_windows = settings.baseline_windows
    mentions = pl.concat([normalise(s) for s in sources], how="vertical_relaxed")
    # Pass 1 (streaming, tiny result): row accounting, and the evaluation moment if not given.
    # The end of the data must be known before windows can be counted back from it; a second
    # streaming pass is far cheaper than materialising every column to broadcast a max.
    accounts = _collect(sources, [_account(mentions, now)], engine="streaming")[0]
    ok = accounts.filter(pl.col("_reject").is_null())
    start, end = _time_range(ok, now)
    if start is None or end is None:
        summary = _summarise_input(
            sources,
            _totals(accounts, pl.DataFrame({"rated": [0], "with_followers": [0], "authors": [0]})),
            _reject_examples(sources, mentions, accounts),
        )
        raise _no_usable_rows(sources, summary, now)
    topics = ok.filter(pl.col("count") > pl.col("after")).select(pl.col("topic").unique())
    # Pass 2: window counts and the current window's authors, sharing one cached scan of the
    # rows inside the horizon (the filter is pushed into the scan).
    valid = mentions.filter(pl.col("_reject").is_null() & (pl.col("timestamp") <= end))
    windowed = assign_windows(valid, end, settings.window, n_windows).cache()
    counts, authors = _collect(sources, [count_windows(windowed), count_authors(windowed)])
    row = _totals(accounts, counts)
    summary = _summarise_input(sources, row, _reject_examples(sources, mentions, accounts))
    span = end - start
    covered = max(0, min(n_windows, int(span / settings.window) - 1))
    grid = fill_windows(counts, sorted(topics["topic"].to_list()), n_windows)
    signals = (
        window_signals(grid, covered)
        .join(influence_signal(authors, row["has_sentiment"]), on="topic", how="left")
        .with_columns(pl.col("reach").fill_null(0), pl.col("influence").fill_null(0.0))
    )
    available = [
        name
        for name, ok_ in (
            ("velocity", covered >= MIN_BASELINE_WINDOWS),
            ("influence", row["has_followers"]),
            ("negativity", row["has_sentiment"]),
            ("spread", covered >= MIN_BASELINE_WINDOWS and row["has_authors"]),
        )
        if ok_
    ]
    if not available:  # too short to compare, and nothing else to go on: still rank by volume
        available = ["velocity", "spread"]
    scored = score_topics(signals, settings.weights, available, settings.thresholds)
    notes = _notes(settings, covered, row)
    topics_out = _topic_results(scored, grid, authors, settings, available, row["has_sentiment"])
    return Report(
        evaluated_at=end,
        window=format_duration(settings.window),
        baseline=format_duration(settings.baseline),
        by=settings.by or _topic_column(sources),
        lang=settings.lang,
        input=summary,
        topics=topics_out,
        signals_available=tuple(available),
        history_start=row["start"],
        baseline_windows=covered,
        notes=notes,
    )


def _account(mentions: pl.LazyFrame, now: datetime | None) -> pl.LazyFrame:
    """Per file, reject reason and topic: rows, the first line, the time range of rows at or
    before ``now`` and the rows after it. Reads only the timestamp, follower and topic columns."""
    in_range = (pl.col("timestamp") <= now) if now is not None else pl.lit(True)
    return mentions.group_by("_file", "_reject", "topic").agg(
        pl.len().alias("count"),
        pl.col("_line").min().alias("line"),
        pl.col("timestamp").filter(in_range).min().alias("start"),
        pl.col("timestamp").filter(in_range).max().alias("end"),
        (~in_range).sum().alias("after"),
    )


def _reject_examples(
    sources: Sequence[Source], mentions: pl.LazyFrame, accounts: pl.DataFrame
) -> pl.DataFrame:
    """Per file and reason: count, first line and that line's raw timestamp. Costs one more
    streaming pass, only when some rows were rejected."""
    firsts = (
        accounts.filter(pl.col("_reject").is_not_null())
        .group_by("_file", "_reject")
        .agg(pl.col("count").sum(), pl.col("line").min())
        .sort("_file", "_reject")
    )
    if firsts.height == 0:
        return firsts.with_columns(pl.lit(None, pl.String).alias("example"))
    lines = firsts.select("_file", "line")
    examples = _collect(
        sources,
        [
            mentions.join(
                lines.lazy(), left_on=["_file", "_line"], right_on=["_file", "line"]
            ).select("_file", pl.col("_line").alias("line"), pl.col("_raw_ts").alias("example"))
        ],
        engine="streaming",
    )[0].unique(["_file", "line"])
    return firsts.join(examples, on=["_file", "line"], how="left").sort("_file", "_reject")


def _time_range(ok: pl.DataFrame, now: datetime | None) -> tuple[datetime | None, datetime | None]:
    """The first usable mention, and the evaluation moment (``now``, else the last mention)."""
    start, last = ok["start"].min(), ok["end"].max()
    end = now or last
    return (
        start if isinstance(start, datetime) else None,
        end if isinstance(end, datetime) else None,
    )


def _totals(accounts: pl.DataFrame, counts: pl.DataFrame) -> dict[str, Any]:
    """Whole-input figures from the accounting frame and the window counts."""
    ok = accounts.filter(pl.col("_reject").is_null())
    rows = int(accounts["count"].sum())
    return {
        "rows": rows,
        "rejected": rows - int(ok["count"].sum()),
        "after": int(ok["after"].sum()),
        "start": ok["start"].min(),
        "end": ok["end"].max(),
        "has_sentiment": int(counts["rated"].sum()) > 0,
        "has_followers": int(counts["with_followers"].sum()) > 0,
        "has_authors": int(counts["authors"].sum()) > 0,
    }


def _topic_column(sources: Sequence[Source]) -> str | None:
    names = {s.topic_column for s in sources if s.topic_column}
    return names.pop() if len(names) == 1 else None


def _summarise_input(
    sources: Sequence[Source], row: dict[str, Any], rejects: pl.DataFrame
) -> InputSummary:
    locate = {s.path: s.physical_line for s in sources}
    items = tuple(
        Rejects(r["_reject"], r["count"], r["_file"], locate[r["_file"]](r["line"]), r["example"])
        for r in rejects.iter_rows(named=True)
    )
    rows, rejected, after = row["rows"], row["rejected"], row["after"]
    return InputSummary(
        files=tuple(s.path for s in sources),
        rows_read=rows,
        rows_used=rows - rejected - after,
        rows_rejected=rejected,
        rows_after_evaluation=after,
        rejects=items,
        timezone=sources[0].timezone,
        timestamp_formats={s.path: tuple(f.pattern for f in s.timestamp_formats) for s in sources},
    )


def _no_usable_rows(
    sources: Sequence[Source], summary: InputSummary, now: datetime | None
) -> InputError:
    where = sources[0].path if len(sources) == 1 else "input"
    if summary.rows_read == 0:
        return InputError(where, "no mentions in the input", hint="export the mentions again")
    if summary.rows_after_evaluation:
        return InputError(
            where,
            f"all {summary.rows_after_evaluation} usable mentions are after "
            f"--at {now:%Y-%m-%dT%H:%M:%SZ}",
            hint="choose a later --at",
        )
    first = summary.rejects[0]
    return InputError(
        first.file,
        f"none of the {summary.rows_read} rows is usable ({first.reason}: {first.example!r})",
        line=first.first_line,
        hint="check the timestamp column of the export",
    )


def _notes(settings: Settings, covered: int, row: dict[str, object]) -> tuple[str, ...]:
    notes: list[str] = []
    if covered < MIN_BASELINE_WINDOWS:
        notes.append(
            f"not enough history for a baseline ({covered} complete "
            f"{format_duration(settings.window)} windows before the current one); "
            "volume and spread are not scored"
        )
    elif covered < settings.baseline_windows:
        notes.append(
            f"the baseline covers {covered} of {settings.baseline_windows} windows "
            "(the data starts later)"
        )
    if not row["has_sentiment"]:
        notes.append(
            "no sentiment in the data: negativity is not scored and every mention "
            "counts as potentially critical for influence"
        )
    if not row["has_followers"]:
        notes.append("no follower counts in the data: influence is not scored")
    if not row["has_authors"]:
        notes.append("no author column in the data: spread is not scored")
    return tuple(notes)


def _num(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)  # type: ignore[arg-type]


def _author_stats(frame: pl.DataFrame) -> dict[str, tuple[AuthorStat, ...]]:
    out: dict[str, list[AuthorStat]] = {}
    for r in frame.iter_rows(named=True):
        out.setdefault(r["topic"], []).append(
            AuthorStat(r["author"], r["followers"], r["mentions"], r["negative"])
        )
    return {k: tuple(v) for k, v in out.items()}


def _signal_results(r: dict[str, object], available: Sequence[str]) -> dict[str, SignalResult]:
    """Raw value, strength, points and the numbers behind each signal of one scored row."""
    measured: dict[str, tuple[object, dict[str, object]]] = {
        "velocity": (r["mentions_z"], {"now": r["mentions_now"], "median": r["mentions_median"]}),
        "influence": (r["reach"], {"reach": r["reach"]}),
        "negativity": (
            r["neg_share_now"],
            {
                "share_now": r["neg_share_now"],
                "share_baseline": r["neg_share_base"],
                "negative": r["negative_now"],
            },
        ),
        "spread": (r["authors_z"], {"now": r["authors_now"], "median": r["authors_median"]}),
    }
    return {
        name: SignalResult(
            name,
            round(_num(raw), 3),
            round(_num(r[name]), 3),
            round(_num(r[f"points_{name}"]), 1),
            name in available,
            {k: round(_num(v), 3) for k, v in detail.items()},
        )
        for name, (raw, detail) in measured.items()
        if name in SIGNALS
    }


def _topic_results(
    scored: pl.DataFrame,
    grid: pl.DataFrame,
    authors: pl.DataFrame,
    settings: Settings,
    available: Sequence[str],
    has_sentiment: bool,
) -> tuple[TopicResult, ...]:
    checklist = load_checklist(settings.lang)
    window = format_duration(settings.window)
    top = _author_stats(
        authors.sort(
            ["topic", "mentions", "followers", "author"],
            descending=[False, True, True, False],
            nulls_last=True,
        )
        .group_by("topic", maintain_order=True)
        .head(settings.top_authors)
    )
    critical = (pl.col("negative") > 0) if has_sentiment else pl.lit(True)
    critics = _author_stats(
        authors.filter(critical & pl.col("followers").is_not_null())
        .sort(["topic", "followers", "author"], descending=[False, True, False])
        .group_by("topic", maintain_order=True)
        .head(1)
    )
    spark = dict(
        grid.filter(pl.col("window") < settings.sparkline)
        .sort(["topic", "window"], descending=[False, True])
        .group_by("topic", maintain_order=True)
        .agg(pl.col("mentions"))
        .iter_rows()
    )
    results: list[TopicResult] = []
    for r in scored.iter_rows(named=True):
        signals = _signal_results(r, available)
        critic = critics.get(r["topic"], ())
        topic = TopicResult(
            rank=int(r["rank"]),
            topic=r["topic"],
            score=float(r["score"]),
            level=r["level"],
            mentions=int(r["mentions_now"]),
            baseline=round(_num(r["mentions_median"]), 3),
            signals=signals,
            top_authors=top.get(r["topic"], ()),
            top_critic=critic[0] if critic else None,
            sparkline=tuple(int(x) for x in spark.get(r["topic"], [])),
        )
        results.append(replace(topic, recommendations=recommend(topic, checklist, window)))
    return tuple(results)
