"""The loudest mentions of one topic in the current window, for the alert message.

The report carries counts, not texts, so this reads the inputs once more, only for a topic
that is about to be announced (rare), and only the few columns it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import polars as pl

from stormwatch.pipeline.analyse import Input, load_sources
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.sentiment.fill import BUILT_IN, Estimator
from stormwatch.sources import ReadOptions

MAX_TEXT = 280


@dataclass(frozen=True)
class Mention:
    """One mention as shown in a message. All strings are untrusted (from the export)."""

    timestamp: datetime
    author: str | None
    followers: int | None
    sentiment: str | None
    text: str
    url: str | None


def top_mentions(
    inputs: Sequence[Input],
    topic: str,
    end: datetime,
    window: timedelta,
    options: ReadOptions,
    limit: int = 3,
    estimator: Estimator | None = BUILT_IN,
    empty_sentiment: Sequence[str] = (),
) -> list[Mention]:
    """Up to ``limit`` mentions of ``topic`` with ``end - window < timestamp <= end`` that
    have text: negative ones first, then by followers and engagement, newest first.
    ``estimator`` and ``empty_sentiment`` fill sentiment in as the scan did (see
    ``pipeline.normalise``)."""
    if limit <= 0:
        return []
    sources = [s for s in load_sources(inputs, options) if s.kind == "mentions"]
    if not sources:
        return []
    mentions = normalise_all(sources, options.not_after, estimator, empty_sentiment)
    start = end - window
    rows = (
        mentions.filter(
            pl.col("_reject").is_null()
            & (pl.col("topic") == topic)
            & (pl.col("timestamp") > start)
            & (pl.col("timestamp") <= end)
            & (pl.col("text").str.strip_chars().str.len_chars() > 0)
        )
        .with_columns((pl.col("sentiment") == "negative").fill_null(False).alias("_neg"))
        .sort(
            ["_neg", "followers", "engagement", "timestamp"],
            descending=True,
            nulls_last=True,
        )
        .head(limit)
        .select("timestamp", "author", "followers", "sentiment", "text", "url")
        .collect()
    )
    return [
        Mention(
            r["timestamp"],
            r["author"],
            r["followers"],
            r["sentiment"],
            r["text"] if len(r["text"]) <= MAX_TEXT else r["text"][: MAX_TEXT - 1] + "…",
            r["url"],
        )
        for r in rows.iter_rows(named=True)
    ]
