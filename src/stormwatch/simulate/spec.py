"""A storm simulator: realistic per-mention exports with known firestorms and decoys.

``simulate(spec, seed=…)`` returns the mentions (the canonical export columns, ``brand`` as the
topic) and the labelled firestorm windows. It is pure: no printing, no clock; the same spec and
seed give the same frame. Generation is vectorised (numpy per hour or per 5-minute bin, never per
mention), so a million mentions take a few seconds.

Background (per topic, per hour ``h``): ``λ_h = rate · daily(local hour) · weekly(local day) ·
D_day · G_h`` mentions, ``D_day ~ LogNormal(0, 0.15)`` a day's mood, ``G_h ~ Gamma(20, 1/20)``
hourly overdispersion, counts ``~ Poisson(λ_h)``; the daily and weekly profiles have mean 1, so
``rate`` is the mean hourly volume. 3 % of it are news outlets, 1.5 % the brand's own account.
Authors come from a per-topic pool with Zipf-like activity (weight ∝ rank^-0.6), so regulars
post again; followers are LogNormal(median 450, σ 1.15) with 0.4 % large accounts (median 120k).

Events (:class:`Firestorm`, :class:`SpamBurst`, :class:`Campaign`, :class:`NewsSpike`) add
mentions at ``topic.rate · shape(x) · cycle`` per hour, ``x`` the hours since onset (see
:class:`Event`); the cycle is the daily/weekly profile flattened by the event's ``cycle_depth``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import numpy as np
import polars as pl

from stormwatch.errors import StormwatchError
from stormwatch.simulate.text import AMPLIFIERS, BRANDS, PRODUCTS

#: Default first moment: a Monday, in the past (scan rejects timestamps far in the future).
DEFAULT_START = datetime(2026, 1, 5, tzinfo=UTC)
WARMUP_DAYS = 8  # the default schedule leaves a full 7-day baseline before the first event
CSV_DATETIME = "%Y-%m-%dT%H:%M:%SZ"
#: Upper bounds of the CLI (``--days``, ``--topics``) and of the mentions one run may make:
#: generation holds everything in memory, about 700 bytes a mention (10 million: ~7 GB, ~35 s).
MAX_DAYS = 3650
MAX_TOPICS = 200
MAX_MENTIONS = 10_000_000
COLUMNS = (
    "id",
    "timestamp",
    "brand",
    "author",
    "followers",
    "text",
    "sentiment",
    "engagement",
    "url",
    "platform",
    "language",
)

#: Firestorm windows per topic, as ``stormwatch backtest --labels`` reads them.
Labels = dict[str, list[tuple[datetime, datetime]]]


@dataclass(frozen=True)
class Topic:
    """One brand's background chatter. ``rate``: mean mentions per hour over a week;
    ``negative``/``positive``: sentiment shares (the rest neutral); ``german``: share of German
    mentions (the rest English); ``utc_offset``: the audience's local time is UTC + this many
    hours (no daylight saving); ``sector`` picks the products (appliances, electronics, outdoor)."""

    name: str
    rate: float = 10.0
    negative: float = 0.12
    positive: float = 0.38
    german: float = 0.5
    utc_offset: int = 1
    sector: str = "appliances"


@dataclass(frozen=True)
class Event:
    """An injected burst on ``topic`` starting at ``onset``. Its rate, in multiples of the
    topic's mean hourly rate, at ``x`` hours after onset:

    * ``peak · 2^((x − rise) / doubling)`` while ``x < rise`` (exponential growth),
    * ``peak`` while ``x < rise + hold``,
    * ``peak · 2^(−(x − rise − hold) / half_life)`` afterwards, and 0 from ``x = duration``;

    times the daily/weekly cycle flattened by ``cycle_depth`` (0: round the clock, 1: like the
    background). Hours are floats; ``peak`` is before the cycle.
    """

    topic: str
    onset: datetime
    peak: float = 3.0
    rise: float = 1.0
    doubling: float = 0.5
    hold: float = 2.0
    half_life: float = 1.0
    duration: float = 12.0
    cycle_depth: float = 0.5
    kind: ClassVar[str] = "event"

    @property
    def peak_start(self) -> datetime:
        """When the growth reaches ``peak``."""
        return self.onset + timedelta(hours=self.rise)

    @property
    def peak_end(self) -> datetime:
        """When the decay begins."""
        return self.onset + timedelta(hours=self.rise + self.hold)

    @property
    def end(self) -> datetime:
        return self.onset + timedelta(hours=self.duration)


@dataclass(frozen=True)
class Firestorm(Event):
    """Rising volume from mostly new authors, turning more negative (``negative_start`` at
    onset -> ``negative_end`` at the peak, linear), spreading to news and blogs (media share
    ``media_start`` -> ``media_end``), with one ``amplifier`` (~1M followers) posting negative
    mentions at ``amplifier_rate`` per hour from ``amplifier_join`` hours after onset until
    ``amplifier_until`` hours after the peak. ``newcomers``: share of mentions from authors
    never seen before. The labelled window runs from onset to ``label_after`` hours after the
    peak."""

    peak: float = 20.0
    rise: float = 14.0
    doubling: float = 3.0
    hold: float = 2.0
    half_life: float = 10.0
    duration: float = 72.0
    cycle_depth: float = 0.5
    negative_start: float = 0.55
    negative_end: float = 0.85
    newcomers: float = 0.85
    media_start: float = 0.03
    media_end: float = 0.25
    amplifier: str = "@bigvoice_blog"
    amplifier_followers: int = 1_000_000
    amplifier_join: float = 4.0
    amplifier_rate: float = 1.0
    amplifier_until: float = 12.0
    label_after: float = 4.0
    kind: ClassVar[str] = "firestorm"

    @property
    def window(self) -> tuple[datetime, datetime]:
        """The labelled window: onset to ``label_after`` hours after the peak hold ends."""
        return self.onset, self.peak_end + timedelta(hours=self.label_after)


@dataclass(frozen=True)
class SpamBurst(Event):
    """One new author (``followers``) posting neutral-ish promotions round the clock."""

    peak: float = 3.0
    rise: float = 0.5
    doubling: float = 0.25
    hold: float = 5.0
    half_life: float = 0.5
    duration: float = 8.0
    cycle_depth: float = 0.0
    followers: int = 180
    kind: ClassVar[str] = "spam"


@dataclass(frozen=True)
class Campaign(Event):
    """A brand campaign: mostly positive mentions with a hashtag, ``newcomers`` share from
    new authors, 2 % from a handful of positive influencers (~150k followers)."""

    peak: float = 4.0
    rise: float = 3.0
    doubling: float = 1.0
    hold: float = 6.0
    half_life: float = 3.0
    duration: float = 24.0
    newcomers: float = 0.6
    kind: ClassVar[str] = "campaign"


@dataclass(frozen=True)
class NewsSpike(Event):
    """A short, mostly neutral news story: ``news_share`` of its mentions from news outlets on
    the ``news`` platform, the rest regular authors sharing it."""

    peak: float = 2.5
    rise: float = 1.0
    doubling: float = 0.5
    hold: float = 2.0
    half_life: float = 1.5
    duration: float = 10.0
    cycle_depth: float = 0.3
    news_share: float = 0.8
    kind: ClassVar[str] = "news"


@dataclass(frozen=True)
class SimSpec:
    """What to simulate: ``days`` from ``start`` (aware), the topics, the events."""

    start: datetime
    days: float
    topics: tuple[Topic, ...]
    events: tuple[Event, ...] = field(default=())

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)


SLOT_DAYS = {"firestorm": 3, "spam": 1, "campaign": 1, "news": 1}
_ONSET_HOURS = {"firestorm": (6, 10), "spam": (0, 24), "campaign": (8, 14), "news": (6, 16)}


def default_spec(
    *,
    days: float = 21,
    topics: int | Sequence[str] = 6,
    storms: int = 1,
    decoys: bool = True,
    start: datetime = DEFAULT_START,
    seed: int = 0,
) -> SimSpec:
    """A seeded scenario: ``topics`` brands (a count, or names) with varied rates (log-uniform
    3-40 per hour), languages and sentiment; after an 8-day warm-up, ``storms`` firestorms
    (peak 15-30x, doubling 2.5-3.5 h) and, with ``decoys``, one spam burst, campaign and news
    spike each, on distinct topics while there are enough, one per slot (3 days a firestorm,
    1 day a decoy) at a random local hour. Raises StormwatchError when ``days`` is too short."""
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if storms < 0 or seed < 0:
        raise StormwatchError(f"storms and seed must not be negative ({storms}, {seed})")
    rng = np.random.default_rng([seed, 99])
    names = _topic_names(topics)
    sectors = dict(BRANDS)
    chosen: list[Topic] = []
    for name in names:
        german = float(rng.uniform(0.2, 0.8))
        offset = -5 if german < 0.35 and rng.random() < 0.5 else 1
        rate = float(np.exp(rng.uniform(np.log(3.0), np.log(40.0))))
        negative = float(rng.uniform(0.10, 0.15))
        positive = float(rng.uniform(0.30, 0.45))
        sector = sectors.get(name, tuple(PRODUCTS)[len(chosen) % len(PRODUCTS)])
        chosen.append(Topic(name, round(rate, 2), negative, positive, german, offset, sector))
    kinds: list[str] = ["firestorm"] * storms + (["spam", "campaign", "news"] if decoys else [])
    need = WARMUP_DAYS + sum(SLOT_DAYS[k] for k in kinds)
    if kinds and days < need:
        raise StormwatchError(
            f"--days {days:g} is too short for {storms} firestorm(s)"
            + (" and 3 decoys" if decoys else "")
            + f": the schedule needs {need} days",
            hint=f"use --days {need} or more, or fewer --storms",
        )
    order = [int(i) for i in rng.permutation(len(chosen))]
    by_kind = sorted(range(len(kinds)), key=lambda i: kinds[i] != "firestorm")
    assigned = {i: chosen[order[n % len(order)]] for n, i in enumerate(by_kind)}
    events: list[Event] = []
    day = WARMUP_DAYS
    for slot in rng.permutation(len(kinds)):
        kind, topic = kinds[slot], assigned[int(slot)]
        low, high = _ONSET_HOURS[kind]
        local = float(rng.uniform(low, high))
        onset = start + timedelta(days=day, minutes=round((local - topic.utc_offset) * 60))
        events.append(
            _event(kind, topic.name, onset, rng, storm=sum(e.kind == kind for e in events))
        )
        day += SLOT_DAYS[kind]
    return SimSpec(start, float(days), tuple(chosen), tuple(events))


def _event(kind: str, topic: str, onset: datetime, rng: np.random.Generator, storm: int) -> Event:
    if kind == "firestorm":
        name = AMPLIFIERS[storm % len(AMPLIFIERS)]
        if storm >= len(AMPLIFIERS):  # more storms than names: @bigvoice_blog2, …
            name += str(storm // len(AMPLIFIERS) + 1)
        return Firestorm(
            topic,
            onset,
            peak=round(float(rng.uniform(15.0, 30.0)), 1),
            doubling=round(float(rng.uniform(2.5, 3.5)), 2),
            amplifier=name,
            amplifier_followers=int(rng.uniform(0.8e6, 1.5e6)),
        )
    return {"spam": SpamBurst, "campaign": Campaign, "news": NewsSpike}[kind](topic, onset)


def _topic_names(topics: int | Sequence[str]) -> list[str]:
    if isinstance(topics, int):
        if topics < 1:
            raise StormwatchError("--topics must be at least 1")
        rounds = (topics + len(BRANDS) - 1) // len(BRANDS)
        names = [b if r == 0 else f"{b} {r + 1}" for r in range(rounds) for b, _ in BRANDS]
        return names[:topics]
    names = [str(t).strip() for t in topics]
    if not names or not all(names):
        raise StormwatchError("topic names must not be empty")
    if len(set(names)) != len(names):
        raise StormwatchError(f"topic names must be unique: {', '.join(names)}")
    return names


def expected_mentions(spec: SimSpec) -> float:
    """About how many background mentions ``spec`` makes: its topics' mean hourly rates over
    its hours (the events add some more)."""
    return sum(t.rate for t in spec.topics) * 24 * spec.days


def labels(spec: SimSpec) -> Labels:
    """The firestorm windows per topic, clipped to the simulated range, in onset order."""
    windows: Labels = {}
    for event in sorted(spec.events, key=lambda e: e.onset):
        if isinstance(event, Firestorm) and event.onset < spec.end:
            start, end = event.window
            windows.setdefault(event.topic, []).append((start, min(end, spec.end)))
    return windows


def labels_json(windows: Labels) -> str:
    """``{"<topic>": [["start", "end"], …]}`` with ISO-8601 UTC times, one topic a line."""

    def iso(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime(CSV_DATETIME)

    lines = [
        f"  {json.dumps(topic, ensure_ascii=False)}: "
        + json.dumps([[iso(a), iso(b)] for a, b in pairs])
        for topic, pairs in windows.items()
    ]
    return "{\n" + ",\n".join(lines) + "\n}\n" if lines else "{}\n"


def simulate(spec: SimSpec, *, seed: int) -> tuple[pl.DataFrame, Labels]:
    """The mentions of ``spec`` (sorted by time; columns :data:`COLUMNS`, ``timestamp`` as
    UTC datetimes, ``followers``/``engagement`` Int64, the rest strings) and its firestorm
    windows. Deterministic in ``seed``: each topic and event draws from its own stream, so
    adding an event leaves the rest of the data unchanged."""
    from stormwatch.simulate import events as simulate_events
    from stormwatch.simulate import generate as simulate_gen

    validate(spec)
    if seed < 0:
        raise StormwatchError(f"the seed must not be negative ({seed})")
    builder = simulate_gen.Builder(seed, spec)
    pools = [simulate_gen.background(builder, i) for i in range(len(spec.topics))]
    index = {t.name: i for i, t in enumerate(spec.topics)}
    for j, event in enumerate(spec.events):
        topic = index[event.topic]
        simulate_events.inject(builder, j, event, topic, pools[topic])
    return builder.frame(), labels(spec)


def validate(spec: SimSpec) -> None:
    """Raise StormwatchError naming the first impossible setting."""
    if spec.start.tzinfo is None:
        raise StormwatchError("the start must carry a timezone")
    if not 0 < spec.days <= MAX_DAYS:  # also NaN and inf, which no timedelta holds
        raise StormwatchError(f"days must be positive and at most {MAX_DAYS}, not {spec.days:g}")
    if not spec.topics:
        raise StormwatchError("no topics to simulate")
    names = [t.name for t in spec.topics]
    if len(set(names)) != len(names):
        raise StormwatchError(f"topic names must be unique: {names}")
    for t in spec.topics:
        shares_ok = t.negative >= 0 and t.positive >= 0 and t.negative + t.positive <= 1
        if not (t.rate > 0 and shares_ok and 0 <= t.german <= 1 and t.sector in PRODUCTS):
            raise StormwatchError(
                f"topic {t.name!r}: needs rate > 0, shares in 0..1 and a sector of "
                f"{', '.join(PRODUCTS)}"
            )
    for e in spec.events:
        if e.topic not in names:
            raise StormwatchError(f"{e.kind} on unknown topic {e.topic!r}; topics: {names}")
        positive = (e.peak, e.doubling, e.half_life, e.duration)
        if min(positive) <= 0 or e.rise < 0 or e.hold < 0 or not 0 <= e.cycle_depth <= 1:
            raise StormwatchError(
                f"{e.kind} on {e.topic!r}: peak, doubling, half_life and duration must be "
                "positive, rise and hold not negative, cycle_depth in 0..1"
            )
