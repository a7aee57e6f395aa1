"""Theming: which texts the themes of a hot topic compare (``stormwatch.pipeline.themes`` does the
comparing). From the pass over the topics at watch or above (``context.hot_columns`` plus the
text), the brand's own posts left out:

* **current** — the critical mentions (negative ones; every mention when the data has no
  sentiment) of the current window. When it has fewer than ``MIN_CURRENT`` of them and an
  episode of criticism is under way, the episode's earlier windows are added, newest first,
  until there are ``MIN_CURRENT`` (at most ``critics.CRITIC_SPAN`` back, never before the
  episode's start): a quiet hour inside a storm is smoothed over the storm's last hours
  instead of showing nothing.
* **baseline** — the topic's mentions in the baseline windows before the episode under way
  (``starts``: the response gap's ``episode_start``, see ``pipeline/response.py``), so a
  storm's own first hours do not hide what it is about; the whole baseline when that part has
  fewer than ``CALM_TEXTS`` texts or no episode is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

import polars as pl

from stormwatch.models import Term
from stormwatch.pipeline.critics import span_windows
from stormwatch.pipeline.response import BRAND

MIN_CURRENT = 30  # critical texts the current side is smoothed up to
CALM_TEXTS = 50  # texts before the episode needed to use them alone as the baseline


def _current(
    part: pl.DataFrame, critical: pl.Expr, start: datetime | None, window: timedelta
) -> pl.DataFrame:
    """The current side of one topic's texts (module docstring)."""
    now = part.filter(critical & (pl.col("window") == 0))
    if start is None or now.height >= MIN_CURRENT:
        return now
    episode = part.filter(
        critical & (pl.col("window") < span_windows(window)) & (pl.col("timestamp") >= start)
    )
    per = episode.group_by("window").len().sort("window").with_columns(pl.col("len").cum_sum())
    if per.height == 0:
        return now
    enough = per.filter(pl.col("len") >= MIN_CURRENT)["window"].min()
    last = enough if enough is not None else per["window"].max()
    return episode.filter(pl.col("window") <= last)


def topic_themes(
    rows: pl.DataFrame,
    hot: Sequence[str],
    has_sentiment: bool,
    starts: Mapping[str, datetime],
    window: timedelta,
    handles: Sequence[str] = (),
) -> dict[str, tuple[Term, ...]]:
    """The themes of each topic in ``hot``; the topic's name and the brand's ``handles`` are
    never themes."""
    texts = rows.filter(pl.col("text").is_not_null() & ~pl.col(BRAND))
    if texts.height == 0:
        return {}
    from stormwatch.pipeline.themes import distinguishing_terms

    critical = pl.col("negative") if has_sentiment else pl.lit(True)
    themes: dict[str, tuple[Term, ...]] = {}
    for topic in hot:
        part = texts.filter(pl.col("topic") == topic)
        start = starts.get(topic)
        now = _current(part, critical, start, window)
        base = part.filter(pl.col("window") > 0)
        if start is not None:
            calm = base.filter(pl.col("timestamp") < start)
            base = calm if calm.height >= CALM_TEXTS else base
        themes[topic] = tuple(
            distinguishing_terms(
                now["text"].to_list(),
                base["text"].to_list(),
                authors=now["author"].to_list(),
                baseline_authors=base["author"].to_list(),
                exclude=[topic, *handles],
            )
        )
    return themes
