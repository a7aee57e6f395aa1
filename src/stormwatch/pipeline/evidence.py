"""Evidence: the most engaged critical mentions of a hot topic, shown with its critics by
every output (table, JSON ``top_mentions``, CSV, Markdown, HTML report, alert message).

Taken from the same span as the critics (``critics.CRITIC_SPAN``, 24 hours, the current window
first) and from the same pass over the topics at watch or above, so no input is read again.
Critical mentions are the negative ones, or every mention when the data has no sentiment; the
brand's own posts and blank texts are left out, a text repeated word for word (reshares of
one post) is shown once, at its most engaged copy, and an author at most ``PER_AUTHOR`` times.
Ranked by engagement (likes, shares, comments), then followers, then the newest first;
``MAX_TEXT`` characters of text at most.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import polars as pl

from stormwatch.models import TopMention
from stormwatch.pipeline.critics import span_windows
from stormwatch.pipeline.response import BRAND

MAX_TEXT = 280  # characters of a mention's text shown; longer ones end in "…"
PER_AUTHOR = 2  # mentions per author at most: the evidence shows more than one voice
LIMIT = 5  # mentions kept per topic (the table shows the first, the alert ``mentions``)

#: The columns this needs from the hot topics' pass, besides ``context.hot_columns``.
COLUMNS = ("text", "url", "engagement", "sentiment")


def top_mentions(
    rows: pl.DataFrame,
    topics: Sequence[str],
    window: timedelta,
    has_sentiment: bool,
    limit: int = LIMIT,
) -> dict[str, tuple[TopMention, ...]]:
    """Up to ``limit`` most engaged critical mentions of each of ``topics`` from the hot
    topics' mentions (``context.hot_columns`` plus :data:`COLUMNS`)."""
    critical = pl.col("negative") if has_sentiment else pl.col("count") > 0
    text = pl.col("text").str.strip_chars()
    found = (
        rows.filter(
            pl.col("topic").is_in(list(topics))
            & ~pl.col(BRAND)
            & (pl.col("window") < span_windows(window))
            & critical
            & (text.str.len_chars() > 0)
        )
        .sort(
            ["topic", "engagement", "followers", "timestamp"],
            descending=[False, True, True, True],
            nulls_last=True,
        )
        .unique(["topic", "text"], keep="first", maintain_order=True)
        .filter(pl.int_range(pl.len()).over("topic", "author") < PER_AUTHOR)
        .group_by("topic", maintain_order=True)
        .head(limit)
    )
    out: dict[str, list[TopMention]] = {}
    for r in found.iter_rows(named=True):
        body: str = r["text"]
        out.setdefault(r["topic"], []).append(
            TopMention(
                timestamp=r["timestamp"],
                author=r["author"],
                followers=r["followers"],
                engagement=r["engagement"],
                sentiment=r["sentiment"],
                text=body if len(body) <= MAX_TEXT else body[: MAX_TEXT - 1] + "…",
                url=r["url"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}
