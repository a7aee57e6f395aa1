"""Labelled mentions for ``train-sentiment``: every row of export files with a text and a
sentiment label, read through the same sources and normalisation as a scan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from stormwatch.errors import SchemaError
from stormwatch.pipeline.normalise import normalise
from stormwatch.sentiment.train import Labelled
from stormwatch.sources import ReadOptions
from stormwatch.sources.schema import match_columns, sentiment_expr, unreadable_sentiment
from stormwatch.text.notes import Note

TEXT_HINT = (
    "train-sentiment learns from the text of each mention: name the column 'text' (or content, "
    "message, Inhalt, …), or map it with --mapping"
)
SENTIMENT_HINT = (
    "train-sentiment learns from mentions labelled negative, neutral or positive: export them "
    "with the tool's sentiment (most exports have it), or add a 'sentiment' column"
)


#: Record line -> the physical line a person finds it on.
Locate = Callable[[int], int]


def _table_frame(table: Any, options: ReadOptions) -> tuple[pl.DataFrame, Locate, str | None]:
    """One table's ``text``, ``sentiment`` (normalised), ``raw`` (the label as written) and
    ``_line`` (record line) columns, the function giving a record line's physical line, and a
    note."""
    from stormwatch.sources.interpret import interpret

    try:
        source = interpret(table, options)
    except SchemaError as exc:
        if exc.missing != "timestamp" or options.mapping is not None:
            raise
        # Hand-labelled files often have no timestamp: read the two columns by their headers.
        columns = match_columns(table.header)
        for name, hint in (("text", TEXT_HINT), ("sentiment", SENTIMENT_HINT)):
            if name not in columns:
                raise SchemaError(table.name, name, table.header, hint=hint) from None
        raw = pl.col(columns["sentiment"]).cast(pl.String)
        frame = table.frame.select(
            pl.col(columns["text"]).alias("text"),
            sentiment_expr(raw).alias("sentiment"),
            raw.alias("raw"),
            (pl.col("_row").cast(pl.Int64) + table.header_line + 1).alias("_line"),
        ).collect()
        note = Note("read_by_header", file=table.name)
        return frame, table.physical_line, note
    for name, hint in (("text", TEXT_HINT), ("sentiment", SENTIMENT_HINT)):
        if name not in source.columns:
            raise SchemaError(table.name, name, table.header, hint=hint)
    # No estimator: a model must learn from the labels people gave, never from guesses.
    mentions = normalise(source, estimator=None)
    frame = mentions.select(
        "text", "sentiment", pl.col("_raw_sentiment").alias("raw"), "_line"
    ).collect()
    return frame, source.physical_line, None


def read_labelled(paths: Sequence[str | Path], options: ReadOptions | None = None) -> Labelled:
    """Labelled mentions from export files: every row with a text and a sentiment, each
    distinct text once. Raises InputError/SchemaError for unreadable files or missing columns."""
    from stormwatch.sources import open_tables

    options = options or ReadOptions()
    frames: list[pl.DataFrame] = []
    notes: list[str] = []
    first: tuple[str, int, str] | None = None
    for path in paths:
        for table in open_tables(path):
            frame, locate, note = _table_frame(table, options)
            frame = frame.with_columns(pl.col("text").str.strip_chars()).with_columns(
                # A row with text whose label we cannot read: told apart from an unrated one.
                ((pl.col("text").str.len_chars() > 0) & unreadable_sentiment(pl.col("raw"))).alias(
                    "unrecognised"
                )
            )
            frames.append(frame.select("text", "sentiment", "unrecognised"))
            if first is None:
                wrong = frame.filter("unrecognised").head(1)
                if wrong.height:
                    first = (table.name, locate(wrong["_line"][0]), wrong["raw"][0])
            if note:
                notes.append(note)
    rows = pl.concat(frames)
    usable = rows.filter(pl.col("text").str.len_chars() > 0, pl.col("sentiment").is_not_null())
    distinct = usable.unique("text", keep="first", maintain_order=True)
    unrecognised = int(rows["unrecognised"].sum())
    return Labelled(
        texts=distinct["text"].to_list(),
        labels=distinct["sentiment"].to_list(),
        unlabelled=rows.height - usable.height - unrecognised,
        duplicates=usable.height - distinct.height,
        notes=tuple(notes),
        unrecognised=unrecognised,
        first_unrecognised=first,
    )
