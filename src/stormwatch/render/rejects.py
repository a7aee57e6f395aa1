"""The rows set aside while reading, for ``scan --rejects FILE``: each with its file, the line a
person finds it on, the reason and the raw fields, so nothing is lost without a trace."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

import polars as pl

from stormwatch.pipeline.analyse import Input, load_sources
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.window import horizon
from stormwatch.render.formats import FORMULA
from stormwatch.settings import Settings
from stormwatch.sources import ReadOptions

COLUMNS = ("file", "line", "reason", "timestamp", "topic", "author", "url", "id", "text")


def rejected_rows(
    inputs: Iterable[Input],
    settings: Settings | None = None,
    *,
    options: ReadOptions | None = None,
    at: datetime | None = None,
) -> pl.DataFrame:
    """Every rejected (or duplicate) row of ``inputs``, in file and line order; duplicates
    as a scan at ``at`` finds them (inside its horizon; without ``at``: all of them).

    ``timestamp`` is the raw text as it stands in the file. One more pass over the inputs.
    """
    settings = settings or Settings()
    options = replace(options or ReadOptions(), by=settings.by)
    sources = load_sources(inputs, options)
    within = None if at is None else horizon(at, settings.window, settings.baseline_windows)
    mentions = normalise_all(sources, options.not_after, horizon=within)
    rows = (
        mentions.filter(pl.col("_reject").is_not_null())
        .select(
            pl.col("_file").alias("file"),
            pl.col("_line").alias("line"),
            pl.col("_reject").alias("reason"),
            pl.col("_raw_ts").alias("timestamp"),
            "topic",
            "author",
            "url",
            "id",
            "text",
        )
        .collect(engine="streaming")
    )
    parts = []
    for source in sources:
        part = rows.filter(pl.col("file") == source.path).sort("line")
        if part.height:
            record_lines = part["line"].to_list()
            located = (
                source.locate(record_lines)
                if source.locate is not None
                else [source.physical_line(n) for n in record_lines]
            )
            part = part.with_columns(pl.Series("line", located, dtype=pl.Int64))
        parts.append(part)
    return pl.concat(parts) if parts else rows


def to_csv(rows: pl.DataFrame) -> str:
    """The rows as CSV, with spreadsheet formulas in user text neutralised (see
    ``render.csv_safe``)."""
    safe = [pl.col(c).str.replace_all(FORMULA, "${1}'${2}") for c in COLUMNS if c != "line"]
    return rows.with_columns(safe).select(COLUMNS).write_csv()
