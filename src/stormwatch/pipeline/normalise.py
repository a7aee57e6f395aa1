"""Normalise: raw string columns -> typed canonical mentions, with unusable rows marked."""

from __future__ import annotations

import polars as pl

from stormwatch.schema import CANONICAL, sentiment_expr
from stormwatch.sources import Source
from stormwatch.timestamps import parse_expr

#: The reject reasons, in the order they are checked.
REASONS = ("missing timestamp", "bad timestamp", "negative follower count")


def _integer(raw: pl.Expr) -> pl.Expr:
    # Exports write counts as "1234", "1234.0" or "'1234" (Excel's text guard, which
    # sentiment_expr accepts too); one float parse covers the first two.
    text = raw.str.strip_chars_start("'")
    return text.cast(pl.Float64, strict=False).round(0).cast(pl.Int64, strict=False)


def normalise(source: Source) -> pl.LazyFrame:
    """Typed canonical columns (see ``schema.CANONICAL``) plus ``_file``, ``_line``, ``_raw_ts``
    and ``_reject`` (null for usable rows, else the reason). Absent columns are typed nulls."""
    lf = source.frame
    present = set(source.columns)
    ts = parse_expr(pl.col("timestamp"), source.timestamp_formats, source.timezone)
    exprs: list[pl.Expr] = []
    for name, dtype in CANONICAL.items():
        if name not in present:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
        elif name == "timestamp":
            exprs.append(ts.alias("timestamp"))
        elif name in ("followers", "engagement"):
            exprs.append(_integer(pl.col(name)).alias(name))
        elif name == "sentiment":
            exprs.append(sentiment_expr(pl.col(name)).alias(name))
        else:
            exprs.append(pl.col(name))
    typed = lf.select(
        pl.col("_file"),
        pl.col("_line"),
        pl.col("timestamp").alias("_raw_ts"),
        *exprs,
    )
    if "topic" not in present:
        typed = typed.with_columns(pl.lit("all").alias("topic"))
    else:
        typed = typed.with_columns(pl.col("topic").fill_null("(none)"))
    reject = (
        pl.when(pl.col("_raw_ts").is_null())  # the CSV reader reads "" as null
        .then(pl.lit(REASONS[0]))
        .when(pl.col("timestamp").is_null())
        .then(pl.lit(REASONS[1]))
        .when(pl.col("followers") < 0)
        .then(pl.lit(REASONS[2]))
        .otherwise(None)
    )
    return typed.with_columns(reject.alias("_reject"))
