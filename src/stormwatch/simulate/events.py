"""The injected events of ``stormwatch simulate``: firestorm, spam burst, campaign, news spike.

Each draws its mention times from the event's shape (:class:`stormwatch.simulate.spec.Event`) and
then every attribute in one vectorised draw; the formulas are in the classes' docstrings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from stormwatch.simulate import text as txt
from stormwatch.simulate.generate import (
    BIN,
    BLOG,
    FACEBOOK,
    FORUM,
    I64,
    INSTAGRAM,
    NEWS,
    TWITTER,
    Builder,
    Pool,
    categorical,
    context,
    cycle,
    event_times,
    languages,
    poisson_times,
    sentiments,
)

if TYPE_CHECKING:
    from stormwatch.simulate.spec import Campaign, Event, Firestorm, NewsSpike, SpamBurst


def _outlet(b: Builder, rng: np.random.Generator, language: np.ndarray) -> np.ndarray:
    """A news outlet writing in each mention's language."""
    n = len(language)
    return np.where(language == 1, b.outlets[1].pick(rng, n), b.outlets[0].pick(rng, n))


def firestorm(b: Builder, rng: np.random.Generator, e: Firestorm, index: int, pool: Pool) -> None:
    """Rising volume; at progress ``p = clip(x / rise, 0, 1)`` a mention is negative with
    ``negative_start + (negative_end − negative_start)·p``, positive with 0.04, on news or a
    blog with ``media_start + (media_end − media_start)·p`` (half each; news from outlets),
    else social; non-news authors are newcomers with ``newcomers`` (a fresh pool, Zipf 0.5,
    0.8 authors per expected mention), else the topic's regulars. Plus the amplifier."""
    topic = b.spec.topics[index]
    t, x = event_times(rng, e, topic)
    n = len(t)
    progress = np.clip(x / max(e.rise, 1e-9), 0.0, 1.0)
    negative = e.negative_start + (e.negative_end - e.negative_start) * progress
    sentiment = sentiments(rng, negative, 0.04, n)
    media = e.media_start + (e.media_end - e.media_start) * progress
    u = rng.random(n)
    social = {TWITTER: 0.6, FACEBOOK: 0.25, INSTAGRAM: 0.05, FORUM: 0.1}
    platform = np.where(u < media / 2, NEWS, np.where(u < media, BLOG, -1)).astype(np.int8)
    platform = np.where(platform < 0, categorical(rng, social, n), platform)
    language = languages(rng, topic, n)
    fresh = b.new_pool(rng, int(0.8 * n) + 10, 0.5)
    author = np.where(rng.random(n) < e.newcomers, fresh.pick(rng, n), pool.pick(rng, n))
    author = np.where(platform == NEWS, _outlet(b, rng, language), author)
    table = b.text_table(rng, txt.FIRESTORM, context(topic))
    boost = np.where(platform == NEWS, 3.0, 2.0)
    b.add(index, t, author, sentiment, platform, language, table, boost, rng)

    # The amplifier: a newcomer with ~1M followers, posting repeatedly in the topic's main
    # language, on a blog or on Twitter, at amplifier_rate per hour times the daily cycle.
    onset = int(e.onset.timestamp())
    first = onset + int(e.amplifier_join * 3600)
    last = int(e.peak_end.timestamp()) + int(e.amplifier_until * 3600)
    starts = np.arange(first, max(first, last), BIN, dtype=I64)
    rate = e.amplifier_rate * cycle(starts + BIN // 2, topic.utc_offset, 0.7)
    at = poisson_times(rng, starts, rate, BIN)
    if not len(at):  # the amplifier posts at least once when the window exists
        at = starts[:1]
    m = len(at)
    amp = b.add_authors(pl.Series([e.amplifier]), np.array([e.amplifier_followers]))
    table = b.text_table(rng, txt.AMPLIFIER, context(topic, amp=e.amplifier))
    language = np.full(m, int(topic.german >= 0.5), np.int8)
    platform = np.where(rng.random(m) < 0.5, BLOG, TWITTER).astype(np.int8)
    negative = np.zeros(m, np.int8)
    b.add(index, at, np.full(m, amp, I64), negative, platform, language, table, 10.0, rng)


def spam(b: Builder, rng: np.random.Generator, e: SpamBurst, index: int, pool: Pool) -> None:
    """One new author posting at the event's rate: 10 % negative, 75 % neutral, 15 % positive,
    mostly Twitter, in the topic's main language; little engagement."""
    topic = b.spec.topics[index]
    t, _ = event_times(rng, e, topic)
    n = len(t)
    spammer = b.new_pool(rng, 1, 1.0, np.array([e.followers])).first
    sentiment = sentiments(rng, 0.10, 0.15, n)
    platform = categorical(rng, {TWITTER: 0.9, INSTAGRAM: 0.1}, n)
    language = np.full(n, int(topic.german >= 0.5), np.int8)
    table = b.text_table(rng, txt.SPAM, context(topic))
    b.add(index, t, np.full(n, spammer, I64), sentiment, platform, language, table, 0.1, rng)


def campaign(b: Builder, rng: np.random.Generator, e: Campaign, index: int, pool: Pool) -> None:
    """Hashtag campaign: 5 % negative, 20 % neutral, 75 % positive; 2 % of mentions from five
    influencers (LogNormal median 150k followers, always positive), ``newcomers`` from a fresh
    pool, the rest regulars; Instagram, Twitter, Facebook, some blogs."""
    topic = b.spec.topics[index]
    t, _ = event_times(rng, e, topic)
    n = len(t)
    influencers = b.new_pool(rng, 5, 0.5, rng.lognormal(np.log(150_000), 0.5, 5))
    fresh = b.new_pool(rng, int(0.8 * n) + 10, 0.5)
    u = rng.random(n)
    author = np.where(u < e.newcomers, fresh.pick(rng, n), pool.pick(rng, n))
    star = u > 0.98
    author = np.where(star, influencers.pick(rng, n), author)
    sentiment = np.where(star, 2, sentiments(rng, 0.05, 0.75, n)).astype(np.int8)
    platform = categorical(rng, {INSTAGRAM: 0.35, TWITTER: 0.35, FACEBOOK: 0.25, BLOG: 0.05}, n)
    word = txt.CAMPAIGN_WORDS[int(rng.integers(len(txt.CAMPAIGN_WORDS)))]
    tag = "#" + "".join(c for c in topic.name if c.isalnum()) + word
    table = b.text_table(rng, txt.CAMPAIGN, context(topic, tag=tag))
    boost = np.where(star, 5.0, 1.5)
    b.add(index, t, author, sentiment, platform, languages(rng, topic, n), table, boost, rng)


def news(b: Builder, rng: np.random.Generator, e: NewsSpike, index: int, pool: Pool) -> None:
    """A news story: ``news_share`` from outlets on the news platform, the rest regulars
    sharing it on Twitter; 10 % negative, 75 % neutral, 15 % positive."""
    topic = b.spec.topics[index]
    t, _ = event_times(rng, e, topic)
    n = len(t)
    language = languages(rng, topic, n)
    outlet = rng.random(n) < e.news_share
    platform = np.where(outlet, NEWS, TWITTER).astype(np.int8)
    author = np.where(outlet, _outlet(b, rng, language), pool.pick(rng, n))
    sentiment = sentiments(rng, 0.10, 0.15, n)
    table = b.text_table(rng, txt.NEWS_SPIKE, context(topic))
    boost = np.where(outlet, 3.0, 1.0)
    b.add(index, t, author, sentiment, platform, language, table, boost, rng)


INJECTORS: dict[str, Callable[..., None]] = {
    "firestorm": firestorm,
    "spam": spam,
    "campaign": campaign,
    "news": news,
}


def inject(b: Builder, j: int, event: Event, topic: int, pool: Pool) -> None:
    """Add event number ``j`` on topic number ``topic`` (its regular authors: ``pool``)."""
    INJECTORS[event.kind](b, b.rng(1, j), event, topic, pool)
