"""The vectorised generators behind :func:`stormwatch.simulate.spec.simulate`.

Counts are drawn per hour (background) or per 5-minute bin (events) and spread uniformly inside
them; every per-mention attribute (author, sentiment, platform, language, text) is one numpy
draw over all mentions of a component. Texts are pre-filled template variants picked by index.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from stormwatch.simulate import text as txt

if TYPE_CHECKING:
    from stormwatch.simulate.spec import Event, SimSpec, Topic

PLATFORMS = ("twitter", "facebook", "instagram", "forum", "blog", "news")
TWITTER, FACEBOOK, INSTAGRAM, FORUM, BLOG, NEWS = range(6)
LANGS = ("en", "de")
SENTIMENTS = ("negative", "neutral", "positive")
_SENT_KEYS = ("neg", "neu", "pos")
URL_HEAD = tuple(f"https://{p}.example/" for p in PLATFORMS)
URL_MID = ("/status/", "/posts/", "/p/", "/t/", "/", "/")
SOCIAL = {TWITTER: 0.45, FACEBOOK: 0.2, INSTAGRAM: 0.1, FORUM: 0.15, BLOG: 0.1}
BIN = 300  # seconds: the time resolution of events
VARIANTS = 5  # filled variants per template
_HANDLE_MOD = 10_000_019  # prime: author index -> handle number is a bijection below it

_DAILY = np.array(txt.DAILY) / np.mean(txt.DAILY)
_WEEKLY = np.array(txt.WEEKLY) / np.mean(txt.WEEKLY)
I64 = np.int64


def cycle(t: np.ndarray, offset: int, depth: float = 1.0) -> np.ndarray:
    """``1 − depth + depth · daily(local hour) · weekly(local weekday)`` at UTC epoch seconds
    ``t``, local = UTC + ``offset`` hours; mean 1 over a week."""
    local = t + offset * 3600
    hour = (local // 3600) % 24
    weekday = (local // 86400 + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    return np.asarray(1.0 - depth + depth * _DAILY[hour] * _WEEKLY[weekday])


def categorical(rng: np.random.Generator, probs: Mapping[int, float], n: int) -> np.ndarray:
    """``n`` draws of the keys of ``probs`` (weights, normalised here)."""
    keys = np.fromiter(probs, dtype=np.int8)
    cdf = np.cumsum(np.fromiter(probs.values(), dtype=float))
    pick = np.searchsorted(cdf / cdf[-1], rng.random(n), side="right")
    return keys[np.minimum(pick, len(keys) - 1)]


def sentiments(rng: np.random.Generator, negative: object, positive: object, n: int) -> np.ndarray:
    """0 negative, 1 neutral, 2 positive; shares may be scalars or per-mention arrays."""
    u = rng.random(n)
    neg, pos = np.asarray(negative, dtype=float), np.asarray(positive, dtype=float)
    return np.where(u < neg, 0, np.where(u < 1.0 - pos, 1, 2)).astype(np.int8)


def zipf_cdf(size: int, exponent: float) -> np.ndarray:
    """Cumulative activity of a pool where member ``i`` posts ∝ ``(i + 1)^-exponent``."""
    w = np.arange(1, size + 1, dtype=float) ** -exponent
    cdf: np.ndarray = np.cumsum(w) / w.sum()
    return cdf


@dataclass(frozen=True)
class Pool:
    """Consecutive authors ``first .. first + size − 1`` with a Zipf-like activity."""

    first: int
    cdf: np.ndarray

    def pick(self, rng: np.random.Generator, n: int) -> np.ndarray:
        at = np.searchsorted(self.cdf, rng.random(n), side="right")
        return self.first + np.minimum(at, len(self.cdf) - 1).astype(I64)


@dataclass
class _Batch:
    topic: int
    t: np.ndarray
    author: np.ndarray
    sentiment: np.ndarray
    platform: np.ndarray
    language: np.ndarray
    text: np.ndarray
    boost: np.ndarray


class Builder:
    """Collects authors, texts and mention batches, then assembles the frame."""

    def __init__(self, seed: int, spec: SimSpec) -> None:
        self.seed = seed
        self.spec = spec
        self.start = int(spec.start.timestamp())
        self.end = int(spec.end.timestamp())
        self._names: list[pl.Series] = []
        self._followers: list[np.ndarray] = []
        self.authors = 0
        self.texts: list[str] = []
        self.batches: list[_Batch] = []
        rng = self.rng(3, 0)
        self.outlets: dict[int, Pool] = {}
        for lang, code in enumerate(LANGS):
            named = list(txt.OUTLETS[code])
            regional = [c + p for c in txt.OUTLET_CITIES[code] for p in txt.OUTLET_PAPERS[code]]
            names = named + ["@" + r for r in regional]
            followers = rng.lognormal(np.log(60_000), 1.1, len(names))
            first = self.add_authors(pl.Series(names), followers)
            self.outlets[lang] = Pool(first, zipf_cdf(len(names), 0.8))

    def rng(self, *key: int) -> np.random.Generator:
        """An independent stream per component: (seed, *key)."""
        return np.random.default_rng([self.seed, *key])

    def add_authors(self, names: pl.Series, followers: np.ndarray) -> int:
        """Register authors; returns the index of the first."""
        first = self.authors
        self._names.append(names.cast(pl.String))
        self._followers.append(np.maximum(np.asarray(followers), 1).astype(I64))
        self.authors += len(names)
        return first

    def new_pool(
        self,
        rng: np.random.Generator,
        size: int,
        exponent: float,
        followers: np.ndarray | None = None,
    ) -> Pool:
        """``size`` new authors with ordinary handles and activity ∝ rank^-``exponent``;
        ``followers`` default to LogNormal(median 450, σ 1.15) with 0.4 % large accounts
        (LogNormal median 120k, σ 0.8)."""
        size = max(size, 1)
        first = self.authors
        number = (np.arange(first, first + size, dtype=I64) * 2_654_435 + 97) % _HANDLE_MOD
        word = pl.Series(txt.WORDS).gather(rng.integers(0, len(txt.WORDS), size))
        suffix = pl.Series(txt.SUFFIXES).gather(rng.integers(0, len(txt.SUFFIXES), size))
        sep = pl.Series(["", "_"]).gather(rng.integers(0, 2, size))
        names = pl.select(
            pl.concat_str([pl.lit("@"), word, suffix, sep, pl.Series(number).cast(pl.String)])
        ).to_series()
        if followers is None:
            small = rng.lognormal(np.log(450), 1.15, size)
            large = rng.lognormal(np.log(120_000), 0.8, size)
            followers = np.where(rng.random(size) < 0.004, large, np.maximum(small, 3))
        self.add_authors(names, followers)
        return Pool(first, zipf_cdf(size, exponent))

    def text_table(
        self, rng: np.random.Generator, templates: txt.Templates, ctx: Mapping[str, object]
    ) -> np.ndarray:
        """Fill ``VARIANTS`` variants of every template; returns ``[lang, sentiment, news] ->
        (offset, size)`` into :attr:`texts`. A missing group falls back to the other medium,
        then to the language's neutral texts, then to any text."""
        products_en, products_de = txt.PRODUCTS[str(ctx["sector"])]
        groups: dict[str, tuple[int, int]] = {}
        for key, items in templates.items():
            offset = len(self.texts)
            for template in items:
                for _ in range(VARIANTS):
                    fill = {
                        **ctx,
                        "product": products_en[rng.integers(len(products_en))],
                        "produkt": products_de[rng.integers(len(products_de))],
                        "n": int(rng.integers(2, 15)),
                        "model": f"{'KSTVX'[rng.integers(5)]}{rng.integers(20, 99)}",
                    }
                    self.texts.append(template.format(**fill))
            groups[key] = (offset, len(self.texts) - offset)
        table = np.zeros((2, 3, 2, 2), dtype=I64)
        anything = next(iter(groups.values()))
        for lang, code in enumerate(LANGS):
            for s, sk in enumerate(_SENT_KEYS):
                for news in (0, 1):
                    own, other = "-news" * news, "-news" * (1 - news)
                    keys = (
                        f"{code}-{sk}{own}",
                        f"{code}-{sk}{other}",
                        f"{code}-neu{own}",
                        f"{code}-neu{other}",
                    )
                    found = [groups[k] for k in keys if k in groups]
                    table[lang, s, news] = found[0] if found else anything
        return table

    def add(
        self,
        topic: int,
        t: np.ndarray,
        author: np.ndarray,
        sentiment: np.ndarray,
        platform: np.ndarray,
        language: np.ndarray,
        table: np.ndarray,
        boost: float | np.ndarray,
        rng: np.random.Generator,
    ) -> None:
        """One batch of mentions; texts are drawn from ``table`` by language, sentiment and
        whether the platform is news."""
        news = (platform == NEWS).astype(np.int8)
        slot = table[language, sentiment, news]
        text = slot[:, 0] + (rng.random(len(t)) * slot[:, 1]).astype(I64)
        keep = (t >= self.start) & (t < self.end)
        boosts = np.broadcast_to(np.asarray(boost, dtype=float), t.shape)
        parts = (t, author, sentiment, platform, language, text, boosts)
        self.batches.append(_Batch(topic, *(np.asarray(p)[keep] for p in parts)))

    def frame(self) -> pl.DataFrame:
        """All batches as the export, sorted by time; ids grow with time."""
        rng = self.rng(2, 0)
        cat = {
            name: np.concatenate([getattr(b, name) for b in self.batches] or [np.zeros(0, I64)])
            for name in ("t", "author", "sentiment", "platform", "language", "text", "boost")
        }
        topic = np.concatenate(
            [np.full(len(b.t), b.topic, dtype=I64) for b in self.batches] or [np.zeros(0, I64)]
        )
        order = np.argsort(cat["t"], kind="stable")
        cat = {k: v[order] for k, v in cat.items()}
        n = len(order)
        ids = 10**15 + np.cumsum(rng.integers(1, 4000, n, dtype=I64))
        names = pl.concat(self._names) if self._names else pl.Series([], dtype=pl.String)
        followers = np.concatenate(self._followers) if self._followers else np.zeros(0, I64)
        author_followers = followers[cat["author"]]
        engagement = rng.lognormal(0.0, 1.1, n) * np.sqrt(author_followers) * 0.4 * cat["boost"]
        id_str = pl.Series(ids).cast(pl.String)
        author = names.gather(cat["author"])
        platform = cat["platform"].astype(I64)
        url = pl.select(
            pl.concat_str(
                [
                    pl.Series(URL_HEAD).gather(platform),
                    author.str.strip_prefix("@"),
                    pl.Series(URL_MID).gather(platform),
                    id_str,
                ]
            )
        ).to_series()
        return pl.DataFrame(
            {
                "id": id_str,
                "timestamp": pl.from_epoch(pl.Series(cat["t"]), time_unit="s").dt.replace_time_zone(
                    "UTC"
                ),
                "brand": pl.Series([t.name for t in self.spec.topics]).gather(topic[order]),
                "author": author,
                "followers": pl.Series(author_followers, dtype=pl.Int64),
                "text": pl.Series(self.texts, dtype=pl.String).gather(cat["text"]),
                "sentiment": pl.Series(SENTIMENTS).gather(cat["sentiment"].astype(I64)),
                "engagement": pl.Series(engagement.astype(I64), dtype=pl.Int64),
                "url": url,
                "platform": pl.Series(PLATFORMS).gather(platform),
                "language": pl.Series(LANGS).gather(cat["language"].astype(I64)),
            }
        )


def poisson_times(
    rng: np.random.Generator, starts: np.ndarray, rate: np.ndarray, width: int
) -> np.ndarray:
    """Poisson counts per bin (``rate`` per hour, bins of ``width`` seconds from ``starts``),
    each mention at a uniform moment inside its bin."""
    counts = rng.poisson(np.maximum(rate, 0.0) * width / 3600.0)
    return np.repeat(starts, counts) + rng.integers(0, width, int(counts.sum()), dtype=I64)


def languages(rng: np.random.Generator, topic: Topic, n: int) -> np.ndarray:
    return (rng.random(n) < topic.german).astype(np.int8)


def context(topic: Topic, **extra: object) -> dict[str, object]:
    """Template values fixed for a component: the brand, a competitor of the same sector."""
    others = [b for b, _ in txt.BRANDS if b != topic.name]
    rivals = [b for b, sector in txt.BRANDS if sector == topic.sector and b != topic.name]
    rival = (rivals or others)[sum(map(ord, topic.name)) % len(rivals or others)]
    return {"brand": topic.name, "other": rival, "sector": topic.sector, **extra}


def background(b: Builder, index: int) -> Pool:
    """A topic's background chatter (module doc of :mod:`stormwatch.simulate.spec`): regular
    authors, 3 % news outlets, 1.5 % the brand's own account. Returns the regular pool."""
    topic = b.spec.topics[index]
    rng = b.rng(0, index)
    hours = np.arange(b.start, b.end, 3600, dtype=I64)
    local_day = (hours + topic.utc_offset * 3600) // 86400
    mood = rng.lognormal(0.0, 0.15, int(local_day.max() - local_day.min()) + 1)
    lam = (
        topic.rate
        * cycle(hours + 1800, topic.utc_offset)
        * mood[local_day - local_day.min()]
        * rng.gamma(20.0, 1 / 20.0, len(hours))
    )
    pool = b.new_pool(rng, int(0.25 * topic.rate * len(hours)) + 20, 0.6)
    table = b.text_table(rng, txt.BACKGROUND, context(topic))

    t = poisson_times(rng, hours, lam * 0.955, 3600)
    n = len(t)
    platform = categorical(rng, SOCIAL, n)
    language = languages(rng, topic, n)
    sentiment = sentiments(rng, topic.negative, topic.positive, n)
    b.add(index, t, pool.pick(rng, n), sentiment, platform, language, table, 1.0, rng)

    t = poisson_times(rng, hours, lam * 0.03, 3600)
    n = len(t)
    language = languages(rng, topic, n)
    author = np.where(language == 1, b.outlets[1].pick(rng, n), b.outlets[0].pick(rng, n))
    sentiment = sentiments(rng, 0.08, 0.2, n)
    b.add(index, t, author, sentiment, np.full(n, NEWS, np.int8), language, table, 3.0, rng)

    handle = "@" + "".join(c for c in topic.name.lower() if c.isalnum()) + "_official"
    account = b.add_authors(pl.Series([handle]), rng.lognormal(np.log(60_000), 0.7, 1))
    replies = b.text_table(rng, txt.BRAND_ACCOUNT, context(topic))
    t = poisson_times(rng, hours, lam * 0.015, 3600)
    n = len(t)
    platform = categorical(rng, {TWITTER: 0.6, FACEBOOK: 0.3, INSTAGRAM: 0.1}, n)
    sentiment = sentiments(rng, 0.0, 0.3, n)
    author = np.full(n, account, I64)
    b.add(index, t, author, sentiment, platform, languages(rng, topic, n), replies, 1.0, rng)
    return pool


def shape(event: Event, hours: np.ndarray) -> np.ndarray:
    """The event's rate in multiples of the topic's mean at ``hours`` after onset (see
    :class:`stormwatch.simulate.spec.Event`)."""
    e = event
    up = e.peak * np.exp2((np.minimum(hours, e.rise) - e.rise) / e.doubling)
    down = e.peak * np.exp2(-np.maximum(hours - e.rise - e.hold, 0.0) / e.half_life)
    rate = np.where(hours < e.rise, up, np.where(hours < e.rise + e.hold, e.peak, down))
    return np.where((hours >= 0) & (hours < e.duration), rate, 0.0)


def event_times(
    rng: np.random.Generator, event: Event, topic: Topic
) -> tuple[np.ndarray, np.ndarray]:
    """Mention times of an event and their hours since onset."""
    onset = int(event.onset.timestamp())
    starts = np.arange(onset, onset + int(event.duration * 3600), BIN, dtype=I64)
    x = (starts + BIN / 2 - onset) / 3600
    rate = (
        topic.rate * shape(event, x) * cycle(starts + BIN // 2, topic.utc_offset, event.cycle_depth)
    )
    t = poisson_times(rng, starts, rate, BIN)
    return t, (t - onset) / 3600
