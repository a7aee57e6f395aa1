"""What the input was, from the first pass's summary: the whole-input figures (:class:`Totals`),
the input block of the report (rows read, used, set aside, with their first examples), the notes
on what the data supports, and the error when no row is usable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from stormwatch.errors import InputError
from stormwatch.models import FileFormat, InputSummary, Rejects
from stormwatch.pipeline.normalise import DUPLICATE
from stormwatch.pipeline.passes import collect
from stormwatch.pipeline.problems import EXAMPLE_COLUMN, problems
from stormwatch.pipeline.score import MIN_BASELINE_WINDOWS
from stormwatch.pipeline.window import AFTER
from stormwatch.settings import Settings, format_duration
from stormwatch.sources import Source
from stormwatch.text.notes import Note


@dataclass(frozen=True)
class Totals:
    """Whole-input figures from the summary: rows (all read), duplicates, rejected, after the
    moment, with a value left empty; the first usable mention, the newest, the topics; the
    mentions inside the horizon and which columns carry data there."""

    rows: int
    duplicates: int
    rejected: int
    after: int
    unread: int
    start: datetime
    newest: datetime
    topics: list[str]
    in_horizon: int
    has_sentiment: bool
    has_followers: bool
    has_engagement: bool
    has_authors: bool
    #: Whole mentions, unless a volume series has fractional values in the horizon.
    counts: bool


def totals_of(summary: pl.DataFrame, windows: int) -> Totals | None:
    """The :class:`Totals`, or None when no mention is usable."""
    ok = summary.filter(pl.col("_reject").is_null())
    seen = ok.filter(pl.col("window") != AFTER)
    horizon = ok.filter(pl.col("window").is_between(0, windows))
    rows = int(summary["rows"].sum())
    duplicates = int(summary.filter(pl.col("_reject") == DUPLICATE)["rows"].sum())
    start, newest = seen["start"].min(), seen["end"].max()
    if not (isinstance(start, datetime) and isinstance(newest, datetime)):
        return None
    return Totals(
        rows=rows,
        duplicates=duplicates,
        rejected=rows - int(ok["rows"].sum()) - duplicates,
        after=int(ok.filter(pl.col("window") == AFTER)["rows"].sum()),
        unread=int(ok["unread"].sum()),
        start=start,
        newest=newest,
        topics=sorted(seen["topic"].unique().to_list()),
        in_horizon=int(horizon["rows"].sum()),
        has_sentiment=int(horizon["rated"].sum()) > 0,
        has_followers=int(horizon["with_followers"].sum()) > 0,
        has_engagement=int(horizon["with_engagement"].sum()) > 0,
        has_authors=int(horizon["with_authors"].sum()) > 0,
        counts=int(horizon["fractional"].sum()) == 0,
    )


def input_summary(
    sources: Sequence[Source],
    totals: Totals,
    rejects: pl.DataFrame,
    unread: pl.DataFrame | None,
    slow: int,
) -> InputSummary:
    locate = {s.path: s.physical_line for s in sources}

    def items(found: pl.DataFrame | None) -> tuple[Rejects, ...]:
        if found is None:
            return ()
        return tuple(
            Rejects(r["reason"], r["count"], f, locate[f](r["line"]), r["example"])
            for r in found.iter_rows(named=True)
            for f in (r["_file"],)
        )

    rows, rejected, after = totals.rows, totals.rejected, totals.after
    duplicates = totals.duplicates
    return InputSummary(
        files=tuple(s.path for s in sources),
        rows_read=rows,
        rows_used=rows - rejected - after - duplicates,
        rows_rejected=rejected,
        rows_after_evaluation=after,
        rows_duplicate=duplicates,
        notes=(
            *(note for s in sources for note in s.notes),
            *((_spelling_note(sources, slow),) if slow else ()),
        ),
        rejects=items(rejects),
        rows_with_unreadable_values=totals.unread,
        unreadable=items(unread),
        timezone=sources[0].timezone,
        formats={
            s.path: FileFormat(s.preset, s.kind, tuple(f.pattern for f in s.timestamp_formats))
            for s in sources
        },
    )


def _spelling_note(sources: Sequence[Source], count: int) -> str:
    """Timestamps the fast path (the sample's fixed-width spelling) did not read."""
    rows = Note("one_timestamp") if count == 1 else Note("timestamps", count=count)
    if len(sources) == 1:
        (source,) = sources
        spelling = source.timestamp_formats[0].exact
        return Note("slow_timestamps", file=source.path, rows=rows, spelling=spelling)
    return Note("slow_timestamps_files", rows=rows)


def no_usable_rows(
    sources: Sequence[Source],
    mentions: pl.LazyFrame,
    summary: pl.DataFrame | None,
    now: datetime | None,
) -> InputError:
    where = sources[0].path if len(sources) == 1 else "input"
    rejects = problems(sources, mentions, collect, "_reject", summary)
    rows_read = (
        int(summary["mentions"].sum()) if summary is not None else int(rejects["count"].sum())
    )
    if rows_read == 0:
        return InputError(where, "no mentions in the input", hint="export the mentions again")
    usable = rows_read - int(rejects["count"].sum())
    if usable and now is not None:
        return InputError(
            where,
            f"all {usable} usable mentions are after --at {now:%Y-%m-%dT%H:%M:%SZ}",
            hint="choose a later --at",
        )
    first = rejects.row(0, named=True)
    line = {s.path: s.physical_line for s in sources}[first["_file"]](first["line"])
    raw = EXAMPLE_COLUMN[first["reason"]]
    column = "timestamp" if raw == "_raw_ts" else raw.removeprefix("_raw_")
    return InputError(
        first["_file"],
        f"none of the {rows_read} rows is usable ({first['reason']}: {first['example']!r})",
        line=line,
        hint=f"check the {column} column of the export",
    )


def data_notes(settings: Settings, covered: int, row: Totals) -> tuple[str, ...]:
    notes: list[str] = []
    if covered < MIN_BASELINE_WINDOWS:
        notes.append(
            Note("short_baseline", covered=covered, window=format_duration(settings.window))
        )
    elif covered < settings.baseline_windows:
        notes.append(Note("partial_baseline", covered=covered, windows=settings.baseline_windows))
    if not row.in_horizon:  # nothing to say about columns without mentions to read them in
        newest = row.newest
        notes.append(
            Note("nothing_recent", baseline=format_duration(settings.baseline), newest=newest)
        )
        return tuple(notes)
    if not row.has_sentiment:
        notes.append(Note("no_sentiment"))
    if not row.has_followers and row.has_engagement:
        notes.append(Note("engagement_proxy"))
    elif not row.has_followers:
        notes.append(Note("no_followers"))
    if not row.has_authors:
        notes.append(Note("no_authors"))
    return tuple(notes)
