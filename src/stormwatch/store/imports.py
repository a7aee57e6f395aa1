"""``stormwatch import``: read exports as a scan reads them and add their usable mentions to the
store. Rows a scan would set aside are counted and reported, not stored; copies of a mention in
several of the files are stored once, as a scan counts them once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from stormwatch.errors import InputError
from stormwatch.models import FileFormat, InputSummary, Rejects
from stormwatch.pipeline.normalise import DUPLICATE, normalise_all
from stormwatch.pipeline.problems import problems
from stormwatch.sentiment.fill import estimates
from stormwatch.sources import Source
from stormwatch.store.canonical import STORED, CanonicalStore


@dataclass(frozen=True)
class Imported:
    """What an import read (``input``: rows read, used, set aside, copies across the files, and
    why) and what it added: ``new`` mentions, ``stored`` ones the store already held."""

    input: InputSummary
    new: int
    stored: int


def _collect(sources: Sequence[Source], query: pl.LazyFrame) -> pl.DataFrame:
    try:
        return query.collect(engine="streaming")
    except pl.exceptions.PolarsError as exc:
        where = ", ".join(s.path for s in sources)
        raise InputError(where, f"cannot read the data: {exc}".splitlines()[0]) from None


#: Mentions a batch of an import holds (about 75 MB of them in memory).
BATCH_ROWS = 500_000


def _batches(sources: Sequence[Source], query: pl.LazyFrame) -> Iterator[pl.DataFrame]:
    """``query``'s rows in batches of about ``BATCH_ROWS``, in order, from the streaming
    engine; a polars error names the inputs."""
    try:
        yield from query.collect_batches(chunk_size=BATCH_ROWS, engine="streaming")
    except pl.exceptions.PolarsError as exc:
        where = ", ".join(s.path for s in sources)
        raise InputError(where, f"cannot read the data: {exc}".splitlines()[0]) from None


def import_sources(
    store: CanonicalStore, sources: Sequence[Source], not_after: datetime | None = None
) -> Imported:
    """Add the usable mentions of ``sources`` to ``store``. ``not_after``: as for a scan, later
    timestamps are rejected ("future timestamp"). InputError for a volume series (the store
    holds mentions) and for unreadable files."""
    for s in sources:
        if s.kind != "mentions":
            raise InputError(
                s.path,
                "is a volume series (counts per time), not mentions",
                hint="scan a volume series directly; the store holds mentions",
            )
    mentions = normalise_all(sources, not_after, estimator=None)
    # First the counts (and which files are rated) in one streaming aggregation, then the
    # usable mentions in batches: an import of any size holds one batch at a time.
    tally = _collect(
        sources,
        mentions.group_by("_file", "_reject").agg(
            pl.len().alias("rows"),
            pl.col("sentiment").is_not_null().sum().alias("rated"),
            pl.col("_unread").is_not_null().sum().alias("unread"),
        ),
    )
    ok = tally.filter(pl.col("_reject").is_null())
    # A file with texts but no sentiment (or an empty column) is estimated at scan time.
    rated = set(ok.filter(pl.col("rated") > 0)["_file"].to_list())
    estimated = [s.path for s in sources if estimates(s, empty=s.path not in rated)]
    usable = mentions.filter(pl.col("_reject").is_null()).select(
        *(c for c in STORED if c != "_estimate"),
        pl.col("_file").is_in(estimated).alias("_estimate"),
    )
    added = store.add(
        _batches(sources, usable),
        sorted({s.topic_column for s in sources if s.topic_column}),
    )
    read, used = int(tally["rows"].sum()), int(ok["rows"].sum())
    duplicates = int(tally.filter(pl.col("_reject") == DUPLICATE)["rows"].sum())
    locate = {s.path: s.physical_line for s in sources}

    def items(kind: str) -> tuple[Rejects, ...]:
        found = problems(sources, mentions, _collect, kind)  # type: ignore[arg-type]
        return tuple(
            Rejects(
                r["reason"], r["count"], r["_file"], locate[r["_file"]](r["line"]), r["example"]
            )
            for r in found.iter_rows(named=True)
        )

    rejected = read - used - duplicates
    unread = int(ok["unread"].sum())
    summary = InputSummary(
        files=tuple(s.path for s in sources),
        rows_read=read,
        rows_used=used,
        rows_rejected=rejected,
        rows_after_evaluation=0,
        rows_duplicate=duplicates,
        rejects=items("_reject") if rejected else (),
        rows_with_unreadable_values=unread,
        unreadable=items("_unread") if unread else (),
        notes=tuple(note for s in sources for note in s.notes),
        timezone=sources[0].timezone if sources else "UTC",
        formats={
            s.path: FileFormat(s.preset, s.kind, tuple(f.pattern for f in s.timestamp_formats))
            for s in sources
        },
    )
    return Imported(summary, added.new, added.stored)
