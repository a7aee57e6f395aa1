"""Context indicators of every scored topic: spread and concentration, media pick-up and the
response gap. They add no score points; they feed the recommendations and the explanations.

They are measured for the topics at watch or above (the others have none), from the one
extra streaming pass over those topics' mentions inside the horizon that also finds their
themes (:func:`hot_columns`; the brand's own posts set aside by ``response.mark_brand``):
:func:`context_data` makes three small frames of it and :func:`context_frame` turns them, with
the scored rows, into one row per topic. A calm export is read once.

Formulas (now = the current window 0, baseline = windows 1..n):

* **newcomer share** = critical authors now (authors of mentions that are not positive) who
  wrote nothing on the topic in the baseline / all critical authors now. Firestorms are carried
  by people from outside the brand's usual network (Lamba, Malik & Pfeffer 2015). None without
  critical authors now, or with fewer than ``MIN_BASELINE_WINDOWS`` complete baseline windows
  (then everyone would look new).
* **concentration** = mentions now by the topic's top author (most mentions) / all mentions
  now. ``>= CONCENTRATION_HIGH`` with ``>= CONCENTRATION_POSTS`` posts by that author is one
  persistent author (the 200-post blogger), not a broad storm: checklist step 11.
* **media share** = mentions from news, blog, press and broadcast platforms (``platform``
  matching ``MEDIA_PATTERN``, case-insensitive: ``news``, ``Online News``, ``blogs``,
  ``Nachrichten``, ``print``, ``press``, ``TV``, …; ``microblog`` is not a blog) / mentions with
  a platform, now and pooled over the baseline; **platforms** = distinct platform values now,
  over the whole baseline, and the ones now that the baseline did not have.
* **reshares** = mentions now whose text is a reshare (``RESHARE_PATTERN``: it starts with
  ``RT @``, the convention of Twitter/X exports), against the median per baseline window
  (quiet windows count 0): ``reshare_ratio = reshares / max(median, 1)``. At least
  ``RESHARE_FAST_MIN`` reshares and a ratio >= ``RESHARE_FAST`` is "being passed on fast".
* **stage**, the first that applies: ``quiet`` (no critical mention now); ``media pick-up``
  (>= ``MEDIA_MIN_MENTIONS`` media mentions now and a media share at least ``MEDIA_SHARE_RISE``
  above the baseline's); None when the data has no authors; ``single complaint`` (at most
  ``FEW_AUTHORS`` critical authors); ``amplification`` (more, and the spread z — distinct critical
  authors against the baseline, as the spread signal — is >= ``RISING_Z`` or unknown for lack of
  a baseline; social only, as media did not pick it up); ``steady`` (more, but no more than
  usual).
* **response gap**: see ``pipeline/response.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from stormwatch.models import Context, ResponseGap
from stormwatch.pipeline.response import (
    BRAND,
    episode_starts,
    response_gaps,
)
from stormwatch.pipeline.score import MIN_BASELINE_WINDOWS
from stormwatch.pipeline.window import CRITICAL, NEGATIVE

#: A platform value that names news, blog, press or broadcast media (lower-cased first).
MEDIA_PATTERN = (
    r"(?:^|[^a-z])(?:online ?|print ?)?(?:news|nachrichten|blogs?|weblogs?|press|presse|print"
    r"|zeitung(?:en)?|newspapers?|magazines?|zeitschriften?|tv|radio|broadcast)(?:$|[^a-z])"
)
MEDIA_MIN_MENTIONS = 3  # media mentions now needed for "media pick-up"
MEDIA_SHARE_RISE = 0.10  # media share now minus baseline share, at least (10 points)
FEW_AUTHORS = 3  # at most this many critical authors now: "single complaint"
RISING_Z = 2.0  # spread z from which the authors are "rising" (the spread signal's floor)
NEWCOMER_HIGH = 0.5  # newcomer share from which the criticism comes from outside
CONCENTRATION_HIGH = 0.5  # top author's share of the mentions now: one persistent author …
CONCENTRATION_POSTS = 5  # … with at least this many posts now
RESHARE_PATTERN = r"^\s*(?i:rt) @"  # a reshare's text: "RT @author: …"
RESHARE_FAST = 3.0  # reshares now / the baseline median from which they spread fast …
RESHARE_FAST_MIN = 10  # … with at least this many reshares now
STAGES = ("quiet", "single complaint", "amplification", "steady", "media pick-up")


@dataclass(frozen=True)
class ContextData:
    """The collected context pass plus what is needed to read it."""

    topics: tuple[str, ...]  # the topics measured: those at watch or above
    authors: pl.DataFrame  # per topic: critical_authors, newcomers, top_author, top_mentions
    windows: pl.DataFrame  # per topic and window: mentions, critical, media, platforms, …
    posts: pl.DataFrame  # topic, timestamp of the brand's own posts
    now: datetime
    timezone: str
    brand_known: bool


def _platform() -> pl.Expr:
    value = pl.col("platform").str.strip_chars().str.to_lowercase()
    return pl.when(value != "").then(value)


def hot_columns() -> list[pl.Expr]:
    """The columns the pass over the topics at watch or above keeps per mention (on mentions
    marked by ``response.mark_brand`` and placed in windows)."""
    return [
        pl.col("topic", "window", "timestamp", "count", "author", "followers", BRAND),
        (CRITICAL & (pl.col("count") > 0)).alias("critical"),
        (NEGATIVE & (pl.col("count") > 0)).alias("negative"),
        _platform().alias("platform"),
        pl.col("text").str.contains(RESHARE_PATTERN).fill_null(False).alias("reshare"),
    ]


def context_data(
    rows: pl.DataFrame, topics: Sequence[str], now: datetime, timezone: str, brand_known: bool
) -> ContextData:
    """The context frames of ``topics`` (those at watch or above) from their mentions in
    windows 0..n (``rows``, with :func:`hot_columns`); ``timezone`` is the report's (evening,
    weekend)."""
    public = rows.filter(~pl.col(BRAND))
    platform = pl.col("platform")
    per_window = public.group_by("topic", "window").agg(
        pl.col("count").sum().cast(pl.Int64).alias("mentions"),
        pl.col("count").filter(pl.col("critical")).sum().cast(pl.Int64).alias("critical"),
        pl.col("timestamp").filter(pl.col("critical")).min().alias("first_critical"),
        pl.col("count").filter(platform.str.contains(MEDIA_PATTERN)).sum().alias("media"),
        pl.col("count").filter(platform.is_not_null()).sum().alias("with_platform"),
        platform.drop_nulls().unique().alias("platforms"),
        pl.col("count").filter(pl.col("reshare")).sum().cast(pl.Int64).alias("reshares"),
    )
    per_author = (
        public.filter(pl.col("author").is_not_null())
        .group_by("topic", "author")
        .agg(
            pl.col("count").filter(pl.col("window") == 0).sum().alias("now"),
            (pl.col("critical") & (pl.col("window") == 0)).any().alias("critical_now"),
            (pl.col("window") > 0).any().alias("in_baseline"),
        )
    )
    authors = per_author.group_by("topic").agg(
        pl.col("critical_now").sum().cast(pl.Int64).alias("critical_authors"),
        (pl.col("critical_now") & ~pl.col("in_baseline")).sum().cast(pl.Int64).alias("newcomers"),
        pl.col("now").max().cast(pl.Int64).alias("top_mentions"),
        pl.col("author")
        .sort_by(["now", "author"], descending=[True, False])
        .first()
        .alias("top_author"),
    )
    posts = rows.filter(pl.col(BRAND)).select("topic", "timestamp")
    return ContextData(tuple(topics), authors, per_window, posts, now, timezone, brand_known)


def _media(windows: pl.DataFrame) -> pl.DataFrame:
    """Per topic: media mentions and shares now and in the baseline, and the platforms."""
    now, base = pl.col("window") == 0, pl.col("window") > 0

    def platforms(part: pl.Expr) -> pl.Expr:
        return pl.col("platforms").filter(part).explode().drop_nulls().unique().sort()

    def share(part: pl.Expr) -> pl.Expr:
        known = pl.col("with_platform").filter(part).sum()
        return pl.when(known > 0).then(pl.col("media").filter(part).sum() / known)

    sums = windows.group_by("topic").agg(
        pl.col("mentions").filter(now).sum().cast(pl.Int64).alias("all_now"),
        pl.col("media").filter(now).sum().cast(pl.Int64).alias("media_mentions"),
        share(now).alias("media_share"),
        share(base).alias("media_share_baseline"),
        platforms(now).alias("now"),
        platforms(base).alias("base"),
    )
    return sums.select(
        pl.exclude("now", "base"),
        pl.col("now").list.len().cast(pl.Int64).alias("platforms"),
        pl.col("base").list.len().cast(pl.Int64).alias("platforms_baseline"),
        pl.col("now").list.set_difference("base").list.sort().alias("new_platforms"),
    )


def stage_expr() -> pl.Expr:
    """The stage from the joined per-topic columns (see the module doc)."""
    media_up = (pl.col("media_mentions") >= MEDIA_MIN_MENTIONS) & (
        pl.col("media_share").fill_null(0.0)
        >= pl.col("media_share_baseline").fill_null(0.0) + MEDIA_SHARE_RISE
    )
    rising = pl.col("authors_z").is_null() | (pl.col("authors_z") >= RISING_Z)
    many = pl.col("critical_authors") > FEW_AUTHORS
    return (
        pl.when(pl.col("critical_now") == 0)
        .then(pl.lit("quiet"))
        .when(media_up)
        .then(pl.lit("media pick-up"))
        .when(pl.col("top_mentions") == 0)  # no mention now has an author
        .then(pl.lit(None, pl.String))
        .when(~many)
        .then(pl.lit("single complaint"))
        .when(rising)
        .then(pl.lit("amplification"))
        .otherwise(pl.lit("steady"))
    )


def context_frame(data: ContextData, scored: pl.DataFrame, covered: int) -> pl.DataFrame:
    """One row per measured topic with every indicator (see the module doc for the formulas).

    ``scored`` needs ``topic``, ``mentions_median`` and ``authors_z``; ``covered`` is the number
    of complete baseline windows."""
    topics = scored.filter(pl.col("topic").is_in(data.topics)).select(
        "topic", "mentions_median", "authors_z"
    )
    now = data.windows.filter(pl.col("window") == 0).select(
        "topic", pl.col("critical").alias("critical_now")
    )
    starts = episode_starts(data.windows, topics.select("topic", "mentions_median"))
    gaps = response_gaps(
        starts, data.posts, topics.select("topic"), data.now, data.timezone, data.brand_known
    )
    history = covered >= MIN_BASELINE_WINDOWS
    frame = (
        topics.join(data.authors, on="topic", how="left")
        .join(_media(data.windows), on="topic", how="left")
        .join(now, on="topic", how="left")
        .join(_reshares(data.windows, covered), on="topic", how="left")
        .join(gaps, on="topic", how="left")
        .with_columns(
            pl.col("critical_authors", "newcomers", "top_mentions", "critical_now")
            .fill_null(0)
            .cast(pl.Int64),
            pl.col("media_mentions", "platforms", "platforms_baseline").fill_null(0),
            pl.col("all_now", "reshares").fill_null(0),
            pl.col("new_platforms").fill_null([]),
        )
    )
    return frame.with_columns(
        pl.when((pl.col("critical_authors") > 0) & pl.lit(history))
        .then(pl.col("newcomers") / pl.col("critical_authors"))
        .alias("newcomer_share"),
        pl.when((pl.col("all_now") > 0) & (pl.col("top_mentions") > 0))
        .then(pl.col("top_mentions") / pl.col("all_now"))
        .alias("concentration"),
        stage_expr().alias("stage"),
    )


def _reshares(windows: pl.DataFrame, covered: int) -> pl.DataFrame:
    """Per topic: ``reshares`` now and ``reshares_median`` over the covered baseline windows
    (windows without mentions count 0; null without a baseline)."""
    now = windows.filter(pl.col("window") == 0).select("topic", "reshares")
    if covered < 1:
        return now.with_columns(pl.lit(None, pl.Float64).alias("reshares_median"))
    grid = (
        windows.select("topic")
        .unique()
        .join(pl.DataFrame({"window": pl.int_range(1, covered + 1, eager=True)}), how="cross")
        .join(windows.select("topic", "window", "reshares"), on=["topic", "window"], how="left")
    )
    median = grid.group_by("topic").agg(
        pl.col("reshares").fill_null(0).median().cast(pl.Float64).alias("reshares_median")
    )
    return median.join(now, on="topic", how="left")


def reshares_fast(c: Context) -> bool:
    """Reshares now at least ``RESHARE_FAST`` times the baseline median (and at least
    ``RESHARE_FAST_MIN`` of them)."""
    return c.reshares >= RESHARE_FAST_MIN and c.reshares >= RESHARE_FAST * max(
        c.reshares_median or 0.0, 1.0
    )


def media_up(c: Context) -> bool:
    """The media share rose enough for the "media pick-up" stage (as :func:`stage_expr`)."""
    return (
        c.media_mentions >= MEDIA_MIN_MENTIONS
        and (c.media_share or 0.0) >= (c.media_share_baseline or 0.0) + MEDIA_SHARE_RISE
    )


def concentrated(c: Context) -> bool:
    """One persistent author: concentration >= ``CONCENTRATION_HIGH`` with at least
    ``CONCENTRATION_POSTS`` posts by the top author now."""
    return (c.concentration or 0.0) >= CONCENTRATION_HIGH and (
        c.top_author_mentions >= CONCENTRATION_POSTS
    )


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(float(value), digits)


def contexts(frame: pl.DataFrame, timezone: str = "UTC") -> dict[str, Context]:
    """The :class:`Context` of every topic in ``frame`` (from :func:`context_frame`), without
    explanations (sentences are made by :mod:`stormwatch.pipeline.explain`); ``timezone`` is
    the report's."""
    out: dict[str, Context] = {}
    for r in frame.iter_rows(named=True):  # one row per topic, not per mention
        response = ResponseGap(
            status=r["response_status"],
            episode_start=r["episode_start"],
            replied_at=r["replied_at"],
            hours=_round(r["response_hours"], 2),
            evening=bool(r["evening"]),
            weekend=bool(r["weekend"]),
            timezone=timezone,
        )
        context = Context(
            mentions=r["all_now"],
            critical_authors=r["critical_authors"],
            newcomers=r["newcomers"],
            newcomer_share=_round(r["newcomer_share"]),
            top_author=r["top_author"] if r["top_mentions"] else None,
            top_author_mentions=r["top_mentions"],
            concentration=_round(r["concentration"]),
            media_mentions=r["media_mentions"],
            media_share=_round(r["media_share"]),
            media_share_baseline=_round(r["media_share_baseline"]),
            platforms=r["platforms"],
            platforms_baseline=r["platforms_baseline"],
            new_platforms=tuple(r["new_platforms"]),
            reshares=r["reshares"],
            reshares_median=_round(r["reshares_median"]),
            stage=r["stage"],
            response=response,
        )
        out[r["topic"]] = context
    return out
