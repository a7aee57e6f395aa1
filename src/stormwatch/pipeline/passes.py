"""Passes over the mentions: everything a scan needs from the whole input comes from one
streaming pass, the summary (``plan.summarise``), and the topics at watch or above cost a
second pass over only the rows of the horizon (:meth:`Scan.hot_rows`).

The pass reads the fast path first (timestamps in the sample's fixed-width spelling, sentiment
in an exact spelling, no Python; see ``normalise``) and runs again generously only when a row
needed more. The summary's group-by also counts, per group, the last record line and those
rows (:data:`EXTRA`), so the one pass tells where the horizon's rows lie. It is one query on
purpose: a second query over the same scan (``collect_all``) made polars' streaming engine
buffer the rows between the two (10M rows: 0.5 -> 1.3 GB).

Exports are sorted by time, so the horizon (the current window and the baseline) is one run of
records at the end (or the start) of a file; the second pass reads that run only: polars skips
the records before it without parsing them (a slice pushed into the scan). An unsorted file's
run is the whole file, as before; several files are read whole (the summary counts their
usable rows together, so it cannot tell their runs apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

import polars as pl

from stormwatch.errors import InputError
from stormwatch.pipeline.context import hot_columns
from stormwatch.pipeline.evidence import COLUMNS as EVIDENCE_COLUMNS
from stormwatch.pipeline.normalise import normalise, normalise_all, read_otherwise
from stormwatch.pipeline.plan import summarise
from stormwatch.pipeline.response import mark_brand
from stormwatch.pipeline.window import assign_windows, horizon
from stormwatch.sentiment.fill import Estimator
from stormwatch.settings import Settings
from stormwatch.sources import ReadOptions, Source

OK = pl.col("_reject").is_null()
#: The rows the fast path may miss before a scan reads everything again generously without
#: looking at them first (they would all be held in memory to look at).
MISSED_ROWS = 100_000
#: The first pass's aggregations beyond the summary's, in the same groups.
EXTRA = (
    pl.col("_line").max().alias("last_line"),
    pl.col("_slow").sum().cast(pl.Int64).alias("slow"),
)


@dataclass(frozen=True)
class FirstPass:
    """The first pass, collected: the summary (``plan.summarise``'s columns), and from
    the same groups the timestamps read with the general pattern and the record lines."""

    summary: pl.DataFrame
    #: timestamps the fixed-width twin did not read (see ``timestamps.parse_parts``); on the
    #: fast path: rows with a timestamp or sentiment it did not read (see ``normalise``)
    slow: int
    #: per group of the summary: ``topic``, ``window``, ``_reject``, ``line`` (first record
    #: line), ``last_line``
    lines: pl.DataFrame


def first_pass(
    windowed: pl.LazyFrame, fractional: bool, windows: int, unit: bool = False
) -> pl.LazyFrame:
    """The one query of the first pass over ``windowed`` (normalised mentions placed in
    windows; ``unit``: every row is one mention); :func:`collected` splits its result."""
    return summarise(windowed, fractional, windows, EXTRA, unit)


def collected(frame: pl.DataFrame) -> FirstPass:
    """The :func:`first_pass` result as a :class:`FirstPass`."""
    extra = [e.meta.output_name() for e in EXTRA]
    lines = frame.select("topic", "window", "_reject", "line", "last_line")
    return FirstPass(frame.drop(extra), int(frame["slow"].sum()), lines)


def horizon_sources(
    sources: Sequence[Source], lines: pl.DataFrame, topics: Sequence[str], windows: int
) -> list[Source]:
    """The one source of ``sources`` cut to the run of records that holds every usable
    mention of ``topics`` in windows 0..``windows``; the rows outside the run are never
    parsed. Several sources (or none of the topics' mentions inside): empty."""
    if len(sources) != 1:
        return []
    first = lines["line"].min()
    inside = lines.filter(
        OK & pl.col("topic").is_in(list(topics)) & pl.col("window").is_between(0, windows)
    )
    low, high = inside["line"].min(), inside["last_line"].max()
    if not isinstance(first, int) or not isinstance(low, int) or not isinstance(high, int):
        return []
    (source,) = sources
    return [replace(source, frame=source.frame.slice(low - first, high - low + 1))]


def collect(
    sources: Sequence[Source],
    query: pl.LazyFrame,
    engine: Literal["auto", "streaming"] = "streaming",
) -> pl.DataFrame:
    """Collect ``query`` (streaming: bounded memory); a polars error names the inputs."""
    try:
        return query.collect(engine=engine)
    except pl.exceptions.PolarsError as exc:
        where = ", ".join(s.path for s in sources) or "input"
        raise InputError(
            where,
            f"cannot read the data: {exc}".splitlines()[0],
            hint="the file may be damaged or cut off (download the export again); "
            "--debug shows the reader's whole message",
        ) from None


@dataclass
class Scan:
    """What every pass of one ``analyse`` call shares."""

    sources: Sequence[Source]
    settings: Settings
    options: ReadOptions
    estimate: Estimator | None
    handles: Sequence[str]
    #: files whose sentiment column turns out to be empty (estimated from their texts)
    empty: list[str] = field(default_factory=list)
    #: read timestamps and sentiment generously (see ``normalise``): set once a pass on the
    #: fast path finds a value it cannot read
    generous: bool = False

    def scored_at(self, moment: datetime, inputs: Sequence[Source] | None = None) -> pl.LazyFrame:
        """The mentions, with sentiment estimated and copies across files looked for in the
        windows scored."""
        within = horizon(moment, self.settings.window, self.settings.baseline_windows)
        return normalise_all(
            self.sources if inputs is None else inputs,
            self.options.not_after,
            self.estimate,
            self.empty,
            within,
            self.generous,
        )

    def pass_at(self, moment: datetime) -> FirstPass:
        """The first pass (see ``passes``) with the evaluation moment ``moment``: on the fast
        path, and again generously when the fast one could not read every timestamp and
        sentiment."""
        n = self.settings.baseline_windows
        marked = mark_brand(self.scored_at(moment), self.handles)  # the brand's posts weigh 0
        windowed = assign_windows(marked, moment, self.settings.window, n)
        series = any(s.kind == "series" for s in self.sources)
        # One mention a row: no count column, and no brand post set to count 0 (mark_brand).
        unit = not self.handles and all(
            s.kind == "mentions" and "count" not in s.columns for s in self.sources
        )
        found = collected(collect(self.sources, first_pass(windowed, series, n, unit)))
        if found.slow and not self.generous:
            if not self._read_differently():  # unreadable either way (a bad timestamp)
                return replace(found, slow=0)
            self.generous = True
            return self.pass_at(moment)
        return found

    def _read_differently(self) -> bool:
        """Whether the generous reading reads any row otherwise than the fast path: the rows
        the fast path marked are collected (a pass that needs two columns, where reading
        everything again generously needs all) and read generously; more than
        ``MISSED_ROWS`` of them are taken as a yes without looking."""
        for source in self.sources:
            if source.kind == "store":
                continue
            marked = normalise(source, estimator=None, generous=False).filter(pl.col("_slow"))
            looked = marked.head(MISSED_ROWS + 1).select(read_otherwise(source).alias("other"))
            missed = collect(self.sources, looked)
            if missed.height > MISSED_ROWS or missed["other"].any():
                return True
        return False

    def rows_at(self, end: datetime, found: FirstPass, lines: Sequence[int]) -> pl.LazyFrame | None:
        """The rows at record ``lines`` of the one input, as :meth:`scored_at` gives them,
        each read alone (polars skips the records before it, unparsed): the examples of
        ``problems`` without a pass over everything. None for several inputs or a store."""
        first = found.lines["line"].min()
        if len(self.sources) != 1 or self.sources[0].kind == "store" or not isinstance(first, int):
            return None
        (source,) = self.sources
        cut = [replace(source, frame=source.frame.slice(n - first, 1)) for n in sorted(set(lines))]
        return pl.concat([self.scored_at(end, [one]) for one in cut])

    def hot_rows(self, end: datetime, found: FirstPass, topics: list[str]) -> pl.DataFrame:
        """The mentions of ``topics`` inside the horizon (``hot_columns`` plus the evidence's),
        baseline in time order, for their context, critics and themes: read from only the run
        of records that holds them (see ``passes``), from the whole input when that run lost
        any (rows dropped before the scan, as blank XLSX rows, shift the run)."""
        cut = horizon_sources(self.sources, found.lines, topics, self.settings.baseline_windows)
        if cut:
            rows = self._hot_rows(self.scored_at(end, cut), end, topics)
            if rows.height == expected_rows(found.summary, topics, self.settings):
                return rows
        return self._hot_rows(self.scored_at(end), end, topics)

    def _hot_rows(self, mentions: pl.LazyFrame, end: datetime, hot: list[str]) -> pl.DataFrame:
        marked = mark_brand(mentions, self.handles)
        return horizon_rows(marked, end, self.settings, hot, self.sources)


def horizon_rows(
    marked: pl.LazyFrame,
    end: datetime,
    settings: Settings,
    hot: list[str],
    sources: Sequence[Source] = (),
) -> pl.DataFrame:
    """The usable mentions of ``hot`` in windows 0..n of ``marked`` (normalised, brand
    marked), with ``hot_columns`` and the evidence's columns, the baseline in time order; a
    polars error names ``sources``. Any engine's rows go through here."""
    n = settings.baseline_windows
    usable = marked.filter(OK & pl.col("topic").is_in(hot))
    query = (
        assign_windows(usable, end, settings.window, n)
        .filter(pl.col("window").is_between(0, n))
        .select(*hot_columns(), *EVIDENCE_COLUMNS)
        # Strings of their own: a kept row's text otherwise stays a view into the buffer of
        # its whole chunk of the file, which kept every chunk of the horizon alive (30M rows
        # with a storm: 1.24 GB at the peak instead of 0.51).
        .with_columns(pl.col(pl.String) + "")
    )
    rows = collect(sources, query)
    return rows.sort("window", descending=True, maintain_order=True)


def expected_rows(summary: pl.DataFrame, topics: list[str], settings: Settings) -> int:
    """The usable rows of ``topics`` in the windows scored, as the first pass counted them."""
    inside = summary.filter(
        pl.col("_reject").is_null()
        & pl.col("topic").is_in(topics)
        & pl.col("window").is_between(0, settings.baseline_windows)
    )
    return int(inside["rows"].sum())
