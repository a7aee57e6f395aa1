#!/usr/bin/env python3
"""Generate the bundled synthetic mention export ``data/samples/siemens-fridge-2011.csv``.

The file imitates a social-listening export covering four appliance brands from
2011-09-01T00:00Z to 2011-11-21T12:00Z (the last row falls just before 12:00 so
that no one-row partial hour bucket is created):

* ``Nordfrost``, ``Kaltwerk`` and ``Polarhaus`` are made-up control brands that
  only carry calm background chatter (European daily cycle, quieter weekends).
* ``Siemens`` carries the same kind of background (mostly Weibo, Beijing daily
  cycle) plus a storm loosely replaying the 2011 refrigerator-door case: a first
  complaint on 2011-09-27, a blogger with one million followers joining a few
  hours later, mass resharing by new authors, press pick-up, a stiff first reply
  on 2011-10-15, a slow decay, and a second, larger surge after refrigerators
  are smashed in front of the Beijing office on 2011-11-20; the press release of
  2011-11-21 lands inside that surge.

Every handle, text, number and URL is invented. Text is always English or
German; rows labelled ``zh`` carry English text, as a translated export would.

Run from anywhere: ``python3 scripts/make_sample.py``. Output is deterministic
(``random.Random(2011)``) and uses only the standard library.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "data" / "samples" / "siemens-fridge-2011.csv"

# fmt: off
COLUMNS = [
    "id", "timestamp", "brand", "author", "followers", "text",
    "sentiment", "engagement", "url", "platform", "language",
]
# fmt: on

UTC = dt.UTC
START = dt.datetime(2011, 9, 1, 0, 0, tzinfo=UTC)
END = dt.datetime(2011, 11, 21, 12, 0, tzinfo=UTC)  # exclusive
HOUR = dt.timedelta(hours=1)

STORM_BRAND = "Siemens"
CONTROL_BRANDS = ["Nordfrost", "Kaltwerk", "Polarhaus"]
BLOGGER = "@bigvoice_blog"
BLOGGER_FOLLOWERS = 1_000_000
BRAND_ACCOUNT = "@siemens_home"
BRAND_ACCOUNT_FOLLOWERS = 8_400

# Storm milestones (UTC).
FIRST_COMPLAINT = dt.datetime(2011, 9, 27, 3, 4, 12, tzinfo=UTC)
BLOGGER_JOINS = dt.datetime(2011, 9, 27, 6, 41, 37, tzinfo=UTC)
PRESS_PICKUP = dt.datetime(2011, 9, 29, 5, 0, tzinfo=UTC)
FIRST_REPLY = dt.datetime(2011, 10, 15, 7, 30, 5, tzinfo=UTC)
SMASHING = dt.datetime(2011, 11, 20, 4, 0, tzinfo=UTC)
PRESS_RELEASE = dt.datetime(2011, 11, 21, 8, 0, 41, tzinfo=UTC)
# Central European Summer Time ended on 2011-10-30 at 01:00 UTC.
CEST_END = dt.datetime(2011, 10, 30, 1, 0, tzinfo=UTC)

# Relative activity by local hour of day (0..23): quiet at night, peak in the evening.
# fmt: off
DAILY_CYCLE = [
    0.30, 0.20, 0.15, 0.15, 0.20, 0.30, 0.50, 0.80, 1.00, 1.10, 1.10, 1.10,
    1.15, 1.10, 1.05, 1.05, 1.10, 1.15, 1.25, 1.30, 1.25, 1.00, 0.75, 0.50,
]
# fmt: on
WEEKEND_FACTOR = 0.65
BACKGROUND_PEAK = 2.2  # mentions per hour per brand at a DAILY_CYCLE factor of 1.0

rng = random.Random(2011)


# --------------------------------------------------------------------------- time helpers


def beijing_offset(_: dt.datetime) -> int:
    return 8


def europe_offset(t: dt.datetime) -> int:
    return 2 if t < CEST_END else 1


def activity(t: dt.datetime, offset_hours: int, weekend: float = WEEKEND_FACTOR) -> float:
    """Relative activity at UTC time ``t`` for an audience living at ``offset_hours``."""
    local = t + dt.timedelta(hours=offset_hours)
    factor = DAILY_CYCLE[local.hour]
    if local.weekday() >= 5:
        factor *= weekend
    return factor


def soft(factor: float, depth: float) -> float:
    """Flatten a daily-cycle factor: depth 1 keeps it, depth 0 makes it constant."""
    return 1.0 - depth + depth * factor


def poisson(lam: float) -> int:
    if lam <= 0:
        return 0
    if lam < 30:
        limit, k, p = math.exp(-lam), 0, 1.0
        while True:
            p *= rng.random()
            if p <= limit:
                return k
            k += 1
    return max(0, round(rng.gauss(lam, math.sqrt(lam))))


def calm_count(lam: float) -> int:
    """Poisson count capped ~1.5 standard deviations above the mean: calm chatter never spikes."""
    return min(poisson(lam), math.ceil(lam + 1.5 * math.sqrt(lam)))


def times_in_hour(hour: dt.datetime, n: int) -> list[dt.datetime]:
    return sorted(hour + dt.timedelta(seconds=rng.randrange(3600)) for _ in range(n))


def hours(start: dt.datetime, end: dt.datetime):
    t = start
    while t < end:
        yield t
        t += HOUR


# --------------------------------------------------------------------------- authors

# fmt: off
SYLLABLES_ZH = [
    "xiao", "mei", "tian", "lan", "yun", "feng", "hai", "long", "bai", "jin", "ming",
    "hua", "shan", "yu", "xue", "chen", "kai", "le", "ping", "an", "qing", "zhu",
]
WORDS_EN = [
    "kitchen", "cool", "frosty", "home", "tech", "gadget", "chef", "daily", "city",
    "quiet", "sunny", "blue", "urban", "coffee", "pixel", "green", "north", "happy",
    "lazy", "fast", "retro", "smart", "cozy", "wild", "river",
]
WORDS_DE = [
    "kuechen", "haus", "koch", "sparfuchs", "technik", "nord", "sued", "wohn", "bastel",
    "kaffee", "garten", "stadt", "berg", "see", "familie", "heim", "mieter", "kalt",
]
SUFFIXES = ["fan", "mama", "papa", "life", "geek", "guy", "girl", "er", "nerd", "x", "blog", ""]
# fmt: on

_used_handles: set[str] = {BLOGGER, BRAND_ACCOUNT}
followers_of: dict[str, int] = {BLOGGER: BLOGGER_FOLLOWERS, BRAND_ACCOUNT: BRAND_ACCOUNT_FOLLOWERS}


def draw_followers() -> int:
    if rng.random() < 0.004:  # the rare large account
        return int(rng.lognormvariate(math.log(120_000), 0.8))
    return max(3, int(rng.lognormvariate(math.log(450), 1.15)))


def new_author(style: str) -> str:
    while True:
        if style == "zh":
            name = "".join(rng.choice(SYLLABLES_ZH) for _ in range(rng.choice((2, 2, 3))))
            sep = rng.choice(("", "", "_"))
        elif style == "de":
            name = rng.choice(WORDS_DE) + rng.choice(SUFFIXES)
            sep = rng.choice(("", "_"))
        else:
            name = rng.choice(WORDS_EN) + rng.choice(SUFFIXES)
            sep = rng.choice(("", "_"))
        handle = f"@{name}{sep}{rng.randrange(1, 1000)}"
        if handle not in _used_handles:
            _used_handles.add(handle)
            followers_of[handle] = draw_followers()
            return handle


class AuthorPool:
    """Authors of one audience: mostly newcomers, with a few regulars who post again."""

    def __init__(self, p_new: float) -> None:
        self.p_new = p_new
        self.authors: list[str] = []

    def pick(self, style: str) -> str:
        if not self.authors or rng.random() < self.p_new:
            handle = new_author(style)
            self.authors.append(handle)
            return handle
        # Skewed towards the earliest authors, who become the regulars.
        return self.authors[int(len(self.authors) * rng.random() ** 1.6)]


# fmt: off
NEWS_OUTLETS = [
    ("@appliance_daily", "en"), ("@techwire_news", "en"), ("@asia_biz_report", "en"),
    ("@consumer_watch", "en"), ("@china_market_news", "en"), ("@euro_business", "en"),
    ("@haushaltstechnik", "de"), ("@wirtschaft_aktuell", "de"), ("@netzreport_de", "de"),
    ("@markt_und_marke", "de"), ("@verbraucher_news", "de"), ("@digital_presse", "de"),
    ("@beijing_evening_en", "zh"), ("@shanghai_tech_en", "zh"), ("@home_living_cn", "zh"),
]
# fmt: on
for outlet, _lang in NEWS_OUTLETS:
    _used_handles.add(outlet)
    followers_of[outlet] = int(rng.lognormvariate(math.log(90_000), 1.0))


# --------------------------------------------------------------------------- texts

PRODUCTS_EN = [
    "fridge",
    "freezer",
    "dishwasher",
    "washing machine",
    "oven",
    "fridge-freezer",
    "dryer",
]
# Masculine nouns only, so one set of articles fits every German template; value = plural.
PRODUCTS_DE = {
    "Kühlschrank": "Kühlschränke",
    "Gefrierschrank": "Gefrierschränke",
    "Geschirrspüler": "Geschirrspüler",
    "Backofen": "Backöfen",
    "Wäschetrockner": "Wäschetrockner",
    "Herd": "Herde",
}


def model_code() -> str:
    return f"{rng.choice('KSTVX')}{rng.choice('GFLR')}-{rng.randrange(20, 99)}{rng.choice('ABCEX')}"


def fill(template: str, brand: str) -> str:
    others = [b for b in CONTROL_BRANDS if b != brand] or CONTROL_BRANDS
    return template.format(
        brand=brand,
        other=rng.choice(others),
        product=rng.choice(PRODUCTS_EN),
        produkt=rng.choice(list(PRODUCTS_DE)),
        produkte=rng.choice(list(PRODUCTS_DE.values())),
        model=model_code(),
        n=rng.randrange(2, 15),
        big=rng.choice((50, 120, 300, 800, 2000)),
        price=rng.choice((3999, 4599, 5299, 6899, 7999)),
        day=rng.randrange(3, 40),
    )


BACKGROUND = {
    ("en", "negative"): [
        "{brand} customer service kept me on hold for {n}0 minutes today.",
        "My {brand} {product} is making that rattling noise again.",
        "Delivery of my {brand} {product} is delayed by {n} days. Annoying.",
        "Second repair visit for the same {brand} {product}. Not impressed.",
        "The {brand} {model} looked great in the shop, but the shelves already cracked.",
        "Why is the spare part for a {brand} {product} so expensive?",
    ],
    ("en", "neutral"): [
        "Comparing {brand} and {other} for a new {product}, any advice?",
        "Does the {brand} {model} fit into a 60 cm niche?",
        "Looking at the {brand} {model}. Anyone using it?",
        "Which {brand} {product} uses the least energy?",
        "{brand} store in town has a sale on {product}s this week.",
        "Moving flats and need a new {product}. {brand} or {other}?",
        "Read a test of the {brand} {model} today.",
    ],
    ("en", "positive"): [
        "Our {brand} {product} has been running for {n} years without a problem.",
        "New {brand} {product} installed today, very quiet.",
        "Great service from {brand}, the technician came the next day.",
        "Really happy with the {brand} {model}. Worth the money.",
        "The {brand} {product} in our new kitchen looks fantastic.",
        "Energy bill went down after switching to a {brand} {product}.",
    ],
    ("de", "negative"): [
        "Der {brand} Kundendienst kommt erst in {n} Tagen. Ärgerlich.",
        "Mein {brand} {produkt} brummt seit gestern ziemlich laut.",
        "Lieferung vom {brand} {produkt} schon wieder verschoben.",
        "Schon die zweite Reparatur am selben {brand} {produkt}. Nicht gut.",
        "Ersatzteil für den {brand} {model} kostet fast so viel wie ein neues Gerät.",
    ],
    ("de", "neutral"): [
        "Hat jemand Erfahrung mit dem {brand} {model}?",
        "Welcher {produkt} ist leiser, {brand} oder {other}?",
        "Passt der {brand} {model} in eine 60er Nische?",
        "Wir brauchen einen neuen {produkt}. Lohnt sich {brand}?",
        "{brand} hat diese Woche {produkte} im Angebot.",
        "Testbericht zum {brand} {model} gelesen.",
    ],
    ("de", "positive"): [
        "Unser {brand} {produkt} läuft seit {n} Jahren ohne Probleme.",
        "Neuer {brand} {produkt} ist da, super leise!",
        "Toller Service von {brand}, der Techniker kam schon am nächsten Tag.",
        "Sehr zufrieden mit dem {brand} {model}.",
        "Der {brand} {produkt} in der neuen Küche sieht klasse aus.",
    ],
}

BACKGROUND_NEWS = {
    "en": [
        "{brand} presents a new {product} range for the winter season",
        "Test: the {brand} {model} scores well on energy use",
        "{brand} opens a new service centre",
        "Appliance market: {brand} and {other} gain share",
    ],
    "de": [
        "{brand} stellt neue {produkt}-Serie vor",
        "Test: {brand} {model} überzeugt beim Stromverbrauch",
        "{brand} eröffnet neues Servicezentrum",
        "Hausgerätemarkt: {brand} und {other} legen zu",
    ],
}

STORM = {
    ("en", "negative"): [
        "The door of my {brand} fridge won't close properly either. Bought it {n} months ago.",
        "Same problem here: the {brand} fridge door keeps springing open. So much for quality.",
        "RT @bigvoice_blog: {brand} fridge doors don't close. Who else has this problem?",
        "Why does {brand} ignore its Chinese customers? Fix the doors!",
        "My Japanese fridge has worked for years without any problem. Never again {brand}.",
        "{brand} is hiding the problem. We want a recall, not silence.",
        "Day {day} and still no word from {brand}. Unbelievable.",
        "I'm furious. Paid {price} yuan for a {brand} fridge that doesn't even close.",
        "The {brand} hotline told me the gap in the door is 'normal'. Seriously?",
        "Checked my fridge after reading @bigvoice_blog: the door gap is there too.",
        "Photos of my {brand} fridge door attached. It simply does not shut.",
        "They treat customers here worse than in Europe. Shame on you, {brand}.",
        "Food spoiled again because the {brand} door was open all night. Angry!",
        "Support @bigvoice_blog! {brand} must admit the fault.",
        "Not buying {brand} again until they answer us properly.",
        "Ridiculous how {brand} just keeps quiet while thousands complain.",
    ],
    ("en", "neutral"): [
        "Has anyone actually measured the door gap on the {brand} fridges?",
        "Following the {brand} fridge story. Curious how the company will respond.",
        "Is the {brand} door problem only in one model series?",
        "Thousands of reposts about {brand} fridge doors today. What is going on?",
    ],
    ("en", "positive"): [
        "My {brand} fridge works fine, the door closes without problems.",
        "Maybe wait for the facts before judging {brand}.",
    ],
    ("de", "negative"): [
        "Kühlschranktüren, die nicht schließen: {brand} bekommt in China gewaltig Ärger.",
        "Peinlich für {brand}: Ein Blogger mit einer Million Followern macht gegen sie mobil.",
        "Warum schweigt {brand} zu den Vorwürfen aus China? Das macht alles schlimmer.",
        "Bei uns schließt die {brand} Kühlschranktür auch nicht richtig.",
        "So verspielt man Vertrauen, {brand}. Wochenlang keine Antwort.",
    ],
    ("de", "neutral"): [
        "Der Kühlschrank-Streit um {brand} in China ist ein Lehrstück für Krisen-PR.",
        "Gibt es die Türprobleme bei {brand} auch bei Geräten in Deutschland?",
    ],
    ("de", "positive"): [
        "Unser {brand} Kühlschrank schließt einwandfrei. Erst mal abwarten.",
    ],
}

BLOGGER_POSTS = [
    "Day {day}: {brand} still refuses to admit the fridge door problem.",
    "Another {big} readers sent me photos of {brand} fridge doors that won't close.",
    "{brand}, why are Chinese customers worth less than European ones?",
    "My fridge door still does not close. {brand} has not called me once.",
    "Japanese brands would have replaced it long ago. {brand}, where are you?",
    "Thank you all for sharing! {brand} cannot ignore us forever.",
    "New test: paper slips straight through the {brand} door seal. Video follows.",
    "{brand} hotline again: 'no quality problem'. I have {big} messages saying otherwise.",
    "Still waiting for a real answer from {brand}. Not a lawyer's statement.",
    "If {brand} thinks this will go away, they are wrong.",
]
BLOGGER_SMASH_POSTS = [
    "Today we smashed {n} {brand} fridges in front of their Beijing office.",
    "Hammers ready. {brand} did not listen for two months, now they have to watch.",
    "Photos from the {brand} office in Beijing: the broken fridges speak for themselves.",
    "{brand}'s press release is late, stiff and blames the users. Nothing has changed.",
    "Thank you to everyone who came to the {brand} office today!",
    "{brand} answered with a press release, not with a single word to the customers.",
]

REPLY_REACTIONS = [
    "That {brand} statement reads like it came from a lawyer. Not one word of apology.",
    "Three weeks of silence and then this empty statement? Typical {brand}.",
    "Copy-paste PR. {brand} still doesn't get it.",
    "{brand} answers on its website, but not here where the customers are.",
    "'Meets all applicable standards' - my {brand} door still doesn't close.",
    "Who writes these statements at {brand}? Robots?",
    "The {brand} statement makes it worse. Just say sorry and fix the doors.",
]

SMASH_REACTIONS = [
    "He really smashed the fridges in front of the {brand} office in Beijing!",
    "Crowd outside the {brand} office, fridges smashed. {brand} has lost control of this.",
    "This is what happens when you ignore customers for two months, {brand}.",
    "Support the fridge smashing! {brand} must apologise now.",
    "Watching the video of the smashed {brand} fridges. Incredible.",
    "Reposting for everyone with a {brand} fridge that doesn't close.",
    "{brand} could have solved this in September with one honest reply.",
    "Boycott {brand} until they recall the fridges.",
    "I'm so angry. My {brand} fridge has the same door problem.",
    "The {brand} fridge smashing is trending everywhere. Well deserved.",
]
PRESS_RELEASE_REACTIONS = [
    "The {brand} press release comes two months too late.",
    "{brand} press release: still blaming the customers. Shameful.",
    "A press release instead of talking to us. {brand} learned nothing.",
    "Free inspection? We want new doors, {brand}!",
    "Read the {brand} press release. Wooden words, no apology.",
]

STORM_NEWS = {
    "en": [
        "Blogger's complaint about fridge doors puts {brand} under pressure in China",
        "{brand} fridge row spreads on Chinese microblogs",
        "Faulty doors? Chinese customers turn against {brand}",
        "{brand} silent as online anger over refrigerators grows",
        "Analysis: what the {brand} fridge row teaches about social media",
    ],
    "de": [
        "{brand} im Shitstorm: Kühlschranktüren sorgen in China für Ärger",
        "Blogger mit einer Million Followern attackiert {brand}",
        "Kühlschrank-Streit: {brand} schweigt zu Vorwürfen aus China",
        "Wie ein einzelner Kunde {brand} in Bedrängnis bringt",
    ],
}
SMASH_NEWS = {
    "en": [
        "Blogger smashes refrigerators outside {brand} office in Beijing",
        "Fridge protest in Beijing escalates {brand} dispute",
        "{brand} issues press release after fridge-smashing protest",
    ],
    "de": [
        "Blogger zertrümmert Kühlschränke vor {brand}-Büro in Peking",
        "Kühlschrank-Protest in Peking: {brand} unter Druck",
        "{brand} reagiert mit Pressemitteilung auf Kühlschrank-Protest",
    ],
}

FIRST_COMPLAINT_TEXT = (
    "The door of my new {brand} fridge doesn't close properly. Two service calls, nothing fixed."
)
FIRST_REPLY_TEXT = (
    "Statement: {brand} home appliances meet all applicable quality standards. "
    "Customers with questions may contact our service hotline."
)
PRESS_RELEASE_TEXT = (
    "Press release: {brand} home appliances confirms the quality of its refrigerators "
    "and offers free door inspections to concerned customers."
)


# --------------------------------------------------------------------------- rows

rows: list[dict] = []
_used_ids: set[int] = set()


def new_id() -> int:
    while True:
        candidate = rng.randrange(10**7, 10**8)
        if candidate not in _used_ids:
            _used_ids.add(candidate)
            return candidate


def engagement(followers: int, boost: float = 1.0) -> int:
    return int(rng.lognormvariate(0.0, 1.1) * math.sqrt(followers) * 0.4 * boost)


def add(
    t: dt.datetime,
    brand: str,
    author: str,
    *,
    text: str,
    sentiment: str,
    platform: str,
    language: str,
    boost: float = 1.0,
) -> None:
    mention_id = new_id()
    handle = author.lstrip("@")
    if platform == "weibo":
        url = f"https://weibo.example/{handle}/{mention_id}"
    elif platform == "twitter":
        url = f"https://twitter.example/{handle}/status/{mention_id}"
    elif platform == "forum":
        url = f"https://forum.example/t/{mention_id}"
    elif platform == "news":
        url = f"https://news.example/{handle}/{mention_id}"
    else:
        url = f"https://blog.example/{handle}/{mention_id}"
    followers = followers_of[author]
    rows.append(
        {
            "id": str(mention_id),
            "timestamp": t,
            "brand": brand,
            "author": author,
            "followers": followers,
            "text": text,
            "sentiment": sentiment,
            "engagement": engagement(followers, boost),
            "url": url,
            "platform": platform,
            "language": language,
        }
    )


def pick_sentiment(negative: float, neutral: float) -> str:
    r = rng.random()
    if r < negative:
        return "negative"
    if r < negative + neutral:
        return "neutral"
    return "positive"


def weighted(options: list[tuple[str, float]]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


# ------------------------------------------------------------------ background chatter


def background_mention(t: dt.datetime, brand: str, pool: AuthorPool, region: str) -> None:
    if region == "china":
        platform = weighted([("weibo", 0.85), ("forum", 0.1), ("blog", 0.05)])
        language = "zh"
    else:
        platform = weighted([("twitter", 0.5), ("forum", 0.31), ("blog", 0.14), ("news", 0.05)])
        language = weighted([("de", 0.65), ("en", 0.35)])
    text_language = "en" if language == "zh" else language
    if platform == "news":
        outlet = rng.choice([o for o, lang in NEWS_OUTLETS if lang == language])
        text = fill(rng.choice(BACKGROUND_NEWS[text_language]), brand)
        sentiment = pick_sentiment(0.05, 0.8)
        add(t, brand, outlet, text=text, sentiment=sentiment, platform="news", language=language)
        return
    sentiment = pick_sentiment(0.12, 0.48)
    author = pool.pick("zh" if language == "zh" else language)
    text = fill(rng.choice(BACKGROUND[(text_language, sentiment)]), brand)
    add(t, brand, author, text=text, sentiment=sentiment, platform=platform, language=language)


def generate_background() -> None:
    pools = {brand: AuthorPool(p_new=0.72) for brand in [STORM_BRAND, *CONTROL_BRANDS]}
    for hour in hours(START, END):
        for brand in CONTROL_BRANDS:
            lam = BACKGROUND_PEAK * activity(hour, europe_offset(hour))
            # The final hour gets exactly its expected count: the file ends at the usual level.
            n = round(lam) if hour + HOUR == END else calm_count(lam)
            for t in times_in_hour(hour, n):
                background_mention(t, brand, pools[brand], "europe")
        # Siemens: mostly Chinese Weibo audience, some European chatter.
        lam_cn = 0.65 * BACKGROUND_PEAK * activity(hour, beijing_offset(hour))
        lam_eu = 0.25 * BACKGROUND_PEAK * activity(hour, europe_offset(hour))
        for t in times_in_hour(hour, calm_count(lam_cn)):
            background_mention(t, STORM_BRAND, pools[STORM_BRAND], "china")
        for t in times_in_hour(hour, calm_count(lam_eu)):
            background_mention(t, STORM_BRAND, pools[STORM_BRAND], "europe")


# ------------------------------------------------------------------ the storm


def blogger_schedule() -> list[dt.datetime]:
    """Times of the blogger's posts: clusters on some days plus scattered single posts."""
    clusters = [  # (day, number of posts)
        (dt.date(2011, 9, 27), 14),
        (dt.date(2011, 9, 28), 24),
        (dt.date(2011, 9, 29), 18),
        (dt.date(2011, 10, 1), 12),
        (dt.date(2011, 10, 3), 10),
        (dt.date(2011, 10, 6), 15),
        (dt.date(2011, 10, 9), 8),
        (dt.date(2011, 10, 12), 10),
        (dt.date(2011, 10, 15), 14),
        (dt.date(2011, 10, 16), 8),
        (dt.date(2011, 10, 20), 10),
        (dt.date(2011, 10, 26), 8),
        (dt.date(2011, 11, 2), 8),
        (dt.date(2011, 11, 9), 6),
    ]
    times: list[dt.datetime] = [BLOGGER_JOINS]
    for day, count in clusters:
        base = dt.datetime(day.year, day.month, day.day, tzinfo=UTC)
        for _ in range(count):
            # Beijing daytime, 09:00-23:00 local = 01:00-15:00 UTC.
            t = base + dt.timedelta(seconds=rng.randrange(1 * 3600, 15 * 3600))
            if t > BLOGGER_JOINS:
                times.append(t)
    lo = dt.datetime(2011, 9, 30, tzinfo=UTC)
    span = (SMASHING - lo).total_seconds()
    for _ in range(50):
        times.append(lo + dt.timedelta(seconds=rng.randrange(int(span))))
    # The smashing day and the day after: the blogger posts all the time.
    span = (END - SMASHING).total_seconds()
    for _ in range(34):
        times.append(SMASHING + dt.timedelta(seconds=rng.randrange(int(span))))
    return sorted(times)


def storm_rate(t: dt.datetime, blogger_times: list[dt.datetime]) -> float:
    """Expected storm mentions per hour (on top of the background) starting at hour ``t``."""
    if t < FIRST_COMPLAINT:
        return 0.0
    mid = t + dt.timedelta(minutes=30)
    beijing = activity(mid, 8, weekend=1.0)
    rate = 0.0

    # A few replies to the first complaint before the blogger arrives.
    if mid < BLOGGER_JOINS + dt.timedelta(hours=3):
        rate += 1.5

    # Main wave: ramps up after the blogger joins, then decays through October.
    since = (mid - BLOGGER_JOINS).total_seconds() / 3600
    if since > 0:
        ramp = 1.0 / (1.0 + math.exp(-(since - 11.0) / 4.0))
        after_peak = max(0.0, since - 36.0)
        decay = 0.75 * math.exp(-after_peak / 24.0) + 0.25 * math.exp(-after_peak / 120.0)
        rate += 50.0 * ramp * decay * soft(beijing, 0.6)
        # Low residual interest that lasts into November.
        rate += 0.8 * soft(beijing, 0.8)

    # Each blogger post is reshared for a few hours.
    for bt in blogger_times:
        if bt > mid:
            break
        if bt < SMASHING:
            rate += 1.2 * math.exp(-(mid - bt).total_seconds() / (3 * 3600))

    # The stiff first reply draws a small negative wave.
    if mid > FIRST_REPLY:
        hours_since = (mid - FIRST_REPLY).total_seconds() / 3600
        rate += 22.0 * math.exp(-hours_since / 9.0) * soft(beijing, 0.5)

    # Smashed refrigerators in Beijing: the file's biggest surge, still at full strength at the end.
    if t >= SMASHING:
        since = (mid - SMASHING).total_seconds() / 3600
        rate += 130.0 * min(1.0, 0.35 + since / 4.0) * soft(beijing, 0.2)
    if mid > PRESS_RELEASE:
        rate += 25.0
    return rate


def storm_mention(t: dt.datetime, pool: AuthorPool, phase: str) -> None:
    platform = weighted([("weibo", 0.82), ("forum", 0.07), ("twitter", 0.06), ("blog", 0.05)])
    if platform in ("weibo", "forum"):
        language = "zh"
    elif platform == "twitter":
        language = weighted([("en", 0.55), ("de", 0.45)])
    else:
        language = rng.choice(["zh", "en", "de"])
    text_language = "en" if language == "zh" else language
    if phase == "smash":
        sentiment = pick_sentiment(0.9, 0.07)
    elif phase == "reply":
        sentiment = pick_sentiment(0.85, 0.11)
    else:
        sentiment = pick_sentiment(0.78, 0.15)
    if sentiment == "negative" and text_language == "en" and phase == "smash":
        text = rng.choice(SMASH_REACTIONS + (PRESS_RELEASE_REACTIONS if t > PRESS_RELEASE else []))
    elif sentiment == "negative" and text_language == "en" and phase == "reply":
        text = rng.choice(REPLY_REACTIONS)
    else:
        text = rng.choice(STORM[(text_language, sentiment)])
    author = pool.pick("zh" if language == "zh" else language)
    add(
        t,
        STORM_BRAND,
        author,
        text=fill(text, STORM_BRAND),
        sentiment=sentiment,
        platform=platform,
        language=language,
        boost=2.0,
    )


def news_rate(t: dt.datetime) -> float:
    mid = t + dt.timedelta(minutes=30)
    if mid < PRESS_PICKUP:
        return 0.0
    days = (mid - PRESS_PICKUP).total_seconds() / 86400
    rate = 2.0 * math.exp(-days / 4.0) + 0.05
    if mid > FIRST_REPLY:
        rate += 1.0 * math.exp(-(mid - FIRST_REPLY).total_seconds() / 86400)
    if t >= SMASHING:
        rate += 3.0
    return rate


def news_mention(t: dt.datetime) -> None:
    outlet, language = rng.choice(NEWS_OUTLETS)
    text_language = "en" if language == "zh" else language
    headlines = SMASH_NEWS if t >= SMASHING else STORM_NEWS
    sentiment = pick_sentiment(0.7 if t >= SMASHING else 0.55, 0.3)
    text = fill(rng.choice(headlines[text_language]), STORM_BRAND)
    add(
        t,
        STORM_BRAND,
        outlet,
        text=text,
        sentiment=sentiment,
        platform="news",
        language=language,
        boost=3.0,
    )


def generate_storm() -> None:
    blogger_times = blogger_schedule()
    pool = AuthorPool(p_new=0.78)
    smash_pool = AuthorPool(p_new=0.85)

    first_customer = new_author("zh")
    add(
        FIRST_COMPLAINT,
        STORM_BRAND,
        first_customer,
        text=FIRST_COMPLAINT_TEXT.format(brand=STORM_BRAND),
        sentiment="negative",
        platform="weibo",
        language="zh",
        boost=4.0,
    )

    for bt in blogger_times:
        if bt < SMASHING:
            templates = BLOGGER_POSTS
        else:  # no talk of the press release before it is out
            templates = [
                p for p in BLOGGER_SMASH_POSTS if bt > PRESS_RELEASE or "press release" not in p
            ]
        text = fill(rng.choice(templates), STORM_BRAND)
        boost = 40.0 if bt >= SMASHING or bt == BLOGGER_JOINS else 12.0
        add(
            bt,
            STORM_BRAND,
            BLOGGER,
            text=text,
            sentiment="negative",
            platform="weibo",
            language="zh",
            boost=boost,
        )

    # The brand's only two statements: off-channel, stiff, neutral in tone.
    for when, template, platform in (
        (FIRST_REPLY, FIRST_REPLY_TEXT, "blog"),
        (PRESS_RELEASE, PRESS_RELEASE_TEXT, "news"),
    ):
        add(
            when,
            STORM_BRAND,
            BRAND_ACCOUNT,
            text=template.format(brand=STORM_BRAND),
            sentiment="neutral",
            platform=platform,
            language="en",
        )

    start = FIRST_COMPLAINT.replace(minute=0, second=0)
    for hour in hours(start, END):
        for t in times_in_hour(hour, poisson(storm_rate(hour, blogger_times))):
            if t < FIRST_COMPLAINT:
                continue
            if t >= SMASHING:
                storm_mention(t, smash_pool, "smash")
            elif FIRST_REPLY < t < FIRST_REPLY + dt.timedelta(hours=30) and rng.random() < 0.7:
                storm_mention(t, pool, "reply")
            else:
                storm_mention(t, pool, "wave")
        for t in times_in_hour(hour, poisson(news_rate(hour))):
            news_mention(t)


# ------------------------------------------------------------------ output


def main() -> None:
    generate_background()
    generate_storm()
    rows.sort(key=lambda r: (r["timestamp"], r["id"]))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "timestamp": row["timestamp"].strftime("%Y-%m-%dT%H:%M:%SZ")})
    print(f"wrote {len(rows)} rows to {OUTPUT.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
