"""Response gap: how long the current episode of criticism has gone without a reply from the
brand's own accounts.

Definitions (all per topic, on the mentions up to the evaluation moment ``now``):

* **brand-authored**: a mention whose author, compared case-insensitively and without a leading
  ``@``, is one of the brand handles (``scan --brand-handle``, ``brand_handles`` of a watch).
  Such a mention is the brand speaking, not a mention by the public: :func:`mark_brand` keeps
  its row (it is read, counted in the input figures and can be the newest mention) but gives it
  no weight in any count the score, the themes or the context indicators make, so the brand's
  replies are never critical mentions, authors, reach or volume.
* **episode**: the run of consecutive windows, counted back from the current window 0, whose
  critical mentions (not positive) exceed the topic's baseline median of critical mentions
  (the velocity median; 0 without a baseline). When window 0 itself is not above the median
  but has critical mentions, the episode is window 0 alone; without critical mentions now there
  is no episode (status ``quiet``). The run reaches back at most over the baseline.
* **episode start**: the first critical mention in the episode's earliest window.
* **reply**: the first brand-authored mention after the episode start (and not after ``now``).
  With one, the status is ``replied`` and ``hours`` = reply - start; without, ``open`` and
  ``hours`` = now - start. Hours are decimal hours rounded to 0.01.
* **off hours**: the episode started in the evening (local hour >= ``EVENING_HOUR``, until
  midnight) or on a weekend (Saturday, Sunday) in the report's timezone.

Without brand handles the gap cannot be measured: status ``unknown`` (not an error).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import polars as pl

from stormwatch.errors import ConfigError

BRAND = "_brand"  # column: the mention is brand-authored
EVENING_HOUR = 18  # an episode starting at 18:00 local time or later began in the evening
WEEKEND_DAYS = (6, 7)  # ISO weekday numbers (polars: Monday = 1) of Saturday and Sunday
STATUSES = ("unknown", "quiet", "open", "replied")
#: Columns a brand-authored row loses, so that no count can see it.
_SET_ASIDE = ("author", "sentiment", "followers", "engagement", "text")


def normalise_handles(handles: Iterable[str]) -> tuple[str, ...]:
    """``["@Acme", "acme_help "]`` -> ``("acme", "acme_help")``: lower case, no ``@``, no
    surrounding blanks, duplicates removed in order.

    Raises:
        ConfigError for a handle that is empty once the ``@`` is removed.
    """
    out: list[str] = []
    for raw in handles:
        handle = _normal(raw)
        if not handle:
            raise ConfigError(
                f"brand handle {raw!r} is empty", hint="name the account, e.g. --brand-handle @acme"
            )
        if handle not in out:
            out.append(handle)
    return tuple(out)


def _normal(value: str) -> str:
    return value.strip().lstrip("@").strip().lower()


def brand_expr(handles: Iterable[str]) -> pl.Expr:
    """True where the author is one of the (normalised) ``handles``; False for no author."""
    names = [_normal(h) for h in handles]
    author = pl.col("author").str.strip_chars().str.strip_chars_start("@").str.to_lowercase()
    return author.str.strip_chars().is_in(names).fill_null(False)


def mark_brand(mentions: pl.LazyFrame, handles: Iterable[str]) -> pl.LazyFrame:
    """Add the boolean column ``_brand`` and set brand-authored rows aside: ``count`` 0 and no
    author, sentiment, followers, engagement or text (timestamp, topic, platform and the row
    itself stay). Without handles every row has ``_brand`` False and nothing else changes."""
    names = normalise_handles(handles)
    if not names:
        return mentions.with_columns(pl.lit(False).alias(BRAND))
    marked = mentions.with_columns(brand_expr(names).alias(BRAND))
    brand = pl.col(BRAND)
    return marked.with_columns(
        pl.when(brand).then(pl.lit(0, pl.Int64)).otherwise(pl.col("count")).alias("count"),
        *(pl.when(brand).then(None).otherwise(pl.col(c)).alias(c) for c in _SET_ASIDE),
    )


def episode_starts(per_window: pl.DataFrame, medians: pl.DataFrame) -> pl.DataFrame:
    """Per topic with critical mentions now: ``episode_window`` (the earliest window of the
    episode) and ``episode_start`` (its first critical mention).

    Args:
        per_window: ``topic``, ``window``, ``critical`` (count), ``first_critical`` (datetime)
            for the windows that have mentions; missing windows count as 0.
        medians: ``topic``, ``mentions_median`` (baseline median of critical mentions; null
            without a baseline).
    """
    frame = per_window.join(medians, on="topic", how="left").with_columns(
        (pl.col("critical") > pl.col("mentions_median").fill_null(0.0)).alias("hot")
    )
    # Hot windows in window order: the leading ones with window == position form the run
    # that starts at window 0 (a missing or cold window breaks it).
    run = (
        frame.filter(pl.col("hot"))
        .sort("topic", "window")
        .filter(pl.col("window") == pl.int_range(pl.len()).over("topic"))
        .group_by("topic")
        .agg(pl.col("window").max().alias("run_window"))
    )
    now = frame.filter((pl.col("window") == 0) & (pl.col("critical") > 0)).select("topic")
    first = now.join(run, on="topic", how="left").with_columns(
        pl.col("run_window").fill_null(0).cast(pl.Int64).alias("episode_window")
    )
    return first.join(
        frame.select("topic", pl.col("window").alias("episode_window"), "first_critical"),
        on=["topic", "episode_window"],
        how="left",
    ).select("topic", "episode_window", pl.col("first_critical").alias("episode_start"))


def response_gaps(
    starts: pl.DataFrame,
    posts: pl.DataFrame,
    topics: pl.DataFrame,
    now: datetime,
    timezone: str,
    known: bool,
) -> pl.DataFrame:
    """Per topic of ``topics``: ``response_status``, ``episode_start``, ``replied_at``,
    ``response_hours``, ``evening``, ``weekend`` (definitions in the module doc).

    Args:
        starts: from :func:`episode_starts`.
        posts: ``topic``, ``timestamp`` of the brand's own posts in windows 0..n.
        topics: one column ``topic``, the topics to report.
        now: the evaluation moment (aware).
        timezone: IANA name of the report's timezone, for evening and weekend.
        known: whether brand handles were given; without, every status is ``unknown``.
    """
    replies = (
        posts.join(starts.select("topic", "episode_start"), on="topic")
        .filter(pl.col("timestamp") > pl.col("episode_start"))
        .group_by("topic")
        .agg(pl.col("timestamp").min().alias("replied_at"))
    )
    local = pl.col("episode_start").dt.convert_time_zone(timezone)
    end = pl.coalesce("replied_at", pl.lit(now).cast(pl.Datetime("us", "UTC")))
    started = pl.col("episode_start").is_not_null()
    status = (
        pl.when(pl.lit(not known))
        .then(pl.lit("unknown"))
        .when(~started)
        .then(pl.lit("quiet"))
        .when(pl.col("replied_at").is_not_null())
        .then(pl.lit("replied"))
        .otherwise(pl.lit("open"))
    )
    return (
        topics.join(starts.select("topic", "episode_start"), on="topic", how="left")
        .join(replies, on="topic", how="left")
        .with_columns(
            status.alias("response_status"),
            ((end - pl.col("episode_start")).dt.total_seconds() / 3600.0)
            .round(2)
            .alias("response_hours"),
            (local.dt.hour() >= EVENING_HOUR).fill_null(False).alias("evening"),
            local.dt.weekday().is_in(WEEKEND_DAYS).fill_null(False).alias("weekend"),
        )
        .with_columns(
            # Without handles only the episode start is known; nothing about replies.
            pl.when(pl.lit(known)).then(pl.col(c)).otherwise(None).alias(c)
            for c in ("replied_at", "response_hours")
        )
        .select(
            "topic",
            "response_status",
            "episode_start",
            "replied_at",
            "response_hours",
            "evening",
            "weekend",
        )
    )
