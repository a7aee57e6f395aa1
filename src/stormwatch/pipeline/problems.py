"""What reading the inputs could not use: rows set aside (``_reject``) and values left empty in
rows that were used (``_unread``), per file and reason, with the first line and its raw value,
for the warnings on stderr and the JSON ``input`` block."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import polars as pl

from stormwatch.pipeline.normalise import DUPLICATE, REASONS, UNREADABLE
from stormwatch.sources import Source
from stormwatch.text.notes import Note

#: The raw column that shows what was wrong, per reason.
EXAMPLE_COLUMN = {
    **dict.fromkeys((*REASONS[:3], *REASONS[-3:]), "_raw_ts"),
    "negative follower count": "_raw_followers",
    "negative engagement": "_raw_engagement",
    "unreadable count": "_raw_count",
    "negative count": "_raw_count",
    **{reason: f"_raw_{name}" for name, reason in UNREADABLE.items()},
}

Collect = Callable[[Sequence[Source], pl.LazyFrame], pl.DataFrame]
Kind = Literal["_reject", "_unread"]
SCHEMA = {"_file": pl.String, "reason": pl.String, "count": pl.Int64, "line": pl.Int64}


def _example(reason: pl.Expr) -> pl.Expr:
    """The raw value that ``reason`` is about, from the row's own columns."""
    example = pl.lit(None, pl.String)
    for column in sorted(set(EXAMPLE_COLUMN.values())):
        reasons = [r for r, c in EXAMPLE_COLUMN.items() if c == column]
        example = pl.when(reason.is_in(reasons)).then(pl.col(column)).otherwise(example)
    return example


def problems(
    sources: Sequence[Source],
    mentions: pl.LazyFrame,
    collect: Collect,
    kind: Kind,
    summary: pl.DataFrame | None = None,
    at_lines: Callable[[Sequence[int]], pl.LazyFrame | None] | None = None,
) -> pl.DataFrame:
    """Per file and reason (``kind``: rows set aside, or values left empty): ``count``, the
    first record ``line`` and its raw ``example``. Counts come from the ``summary`` pass when
    given (``_reject`` only), else from a pass of their own; the examples cost one more pass,
    only when there is something to show: over the records at those lines alone where
    ``at_lines`` gives them (as ``mentions`` has them, or None), else over ``mentions``."""
    found = pl.col(kind).is_not_null() & (pl.col(kind) != DUPLICATE)
    if kind == "_unread":  # in the rows that were used; a rejected row is reported as such
        found = found & pl.col("_reject").is_null()
    if summary is None:
        firsts = collect(
            sources,
            mentions.filter(found)
            .group_by("_file", kind)
            .agg(pl.len().cast(pl.Int64).alias("count"), pl.col("_line").min().alias("line")),
        )
    else:
        firsts = (
            summary.filter(found)
            .group_by("_file", kind)
            .agg(pl.col("rows").sum().alias("count"), pl.col("line").min())
        )
    firsts = (
        firsts.rename({kind: "reason"})
        .select([pl.col(k).cast(v) for k, v in SCHEMA.items()])
        .sort("_file", "reason")
    )
    if firsts.height == 0:
        return firsts.with_columns(pl.lit(None, pl.String).alias("example"))
    lines = firsts.select("_file", "line").lazy()

    def examples_in(rows: pl.LazyFrame) -> pl.DataFrame:
        picked = rows.join(lines, left_on=["_file", "_line"], right_on=["_file", "line"])
        return collect(
            sources,
            picked.select(
                "_file",
                pl.col("_line").alias("line"),
                pl.col(kind).alias("reason"),
                _example(pl.col(kind)).alias("example"),
            ),
        ).unique(["_file", "line", "reason"])

    keys = ["_file", "line", "reason"]
    few = at_lines(firsts["line"].to_list()) if at_lines is not None else None
    examples = examples_in(few) if few is not None else None
    # a record not where its line says (blank XLSX rows dropped before the scan): read all
    if examples is None or firsts.join(examples, on=keys, how="anti").height:
        examples = examples_in(mentions)
    return firsts.join(examples, on=keys, how="left").sort("_file", "reason")


def problem_notes(source: Source, mentions: pl.LazyFrame) -> list[str]:
    """One line per reason for the rows of ``source`` set aside and the values left empty
    (``mentions``: its normalised rows), for commands that read a file whole (backtest)."""

    def collect(_: Sequence[Source], query: pl.LazyFrame) -> pl.DataFrame:
        return query.collect()

    notes: list[str] = []
    kinds: tuple[tuple[Kind, str], ...] = (
        ("_reject", "rows_left_out"),
        ("_unread", "rows_left_empty"),
    )
    for kind, key in kinds:
        found = problems([source], mentions, collect, kind)
        for r in found.iter_rows(named=True):
            notes.append(
                Note(
                    key,
                    file=source.path,
                    reason=r["reason"],
                    rows=Note("one_row") if r["count"] == 1 else Note("rows", count=r["count"]),
                    line=source.physical_line(r["line"]),
                    value=Note("empty") if r["example"] is None else repr(r["example"]),
                )
            )
    copies = mentions.filter(pl.col("_reject") == DUPLICATE).select(pl.len()).collect().item()
    if copies:
        notes.append(Note("duplicate_times", file=source.path, count=copies))
    return notes
