"""Evidence as text: the critics and top mentions of a topic (``TopicResult.critics``,
``TopicResult.top_mentions``) in the words every output uses — the table, Markdown, the HTML
report and the alert message share these lines, so they say the same thing.

All strings are untrusted: they come back cleaned (``untrusted.clean``: one line, no control
or bidi characters); escaping for the target format is the caller's. A URL is kept only when
it is http(s).
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from stormwatch.models import AuthorStat, TopicResult, TopMention
from stormwatch.settings import Lang
from stormwatch.text.labels import EVIDENCE as LABELS
from stormwatch.text.numbers import format_int
from stormwatch.text.untrusted import clean

CRITICS_SHOWN = 3  # the loudest critics every output names
EXCERPT = 100  # characters of a mention in the compact table

SENTIMENT_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "de": {"negative": "negativ", "positive": "positiv", "neutral": "neutral"},
}


def format_moment(moment: datetime, lang: Lang) -> str:
    """``2011-11-21 04:14 UTC`` (en) or ``21.11.2011 04:14 UTC`` (de)."""
    return moment.strftime(LABELS[lang]["at"])


def critics(topic: TopicResult) -> list[AuthorStat]:
    """The storm's loudest critics (``pipeline/critics.py``); without them (a data set the
    pass did not cover), the top critic, then other current authors with negative posts,
    by followers. At most ``CRITICS_SHOWN``."""
    if topic.critics:
        return list(topic.critics[:CRITICS_SHOWN])
    found = [topic.top_critic] if topic.top_critic else []
    others = sorted(
        (a for a in topic.top_authors if a.negative and a not in found),
        key=lambda a: -(a.followers or 0),
    )
    return (found + others)[:CRITICS_SHOWN]


def critic_line(a: AuthorStat, lang: Lang) -> str:
    """``@blog: 1,000,000 followers, 25 of 25 mentions negative, first 2011-11-20 12:08 UTC``."""
    followers = "?" if a.followers is None else format_int(a.followers, lang)
    text = LABELS[lang]["critic"].format(
        author=clean(a.author, 60), followers=followers, negative=a.negative, mentions=a.mentions
    )
    if a.first_seen is not None:
        text += ", " + LABELS[lang]["first_seen"].format(at=format_moment(a.first_seen, lang))
    return text


def mention_head(m: TopMention, lang: Lang) -> str:
    """``@blog (1,000,000), 2011-11-21 04:14 UTC, negative, 132,211 interactions``."""
    who = clean(m.author or "?", 60)
    if m.followers is not None:
        who += f" ({format_int(m.followers, lang)})"
    parts = [who, format_moment(m.timestamp, lang)]
    if m.sentiment:
        parts.append(SENTIMENT_NAMES[lang].get(m.sentiment, clean(m.sentiment, 20)))
    if m.engagement is not None:
        parts.append(LABELS[lang]["engagement"].format(n=format_int(m.engagement, lang)))
    return ", ".join(parts)


def excerpt(m: TopMention, limit: int = EXCERPT) -> str:
    """The mention's text, one clean line of at most ``limit`` characters."""
    return clean(m.text, limit)


def safe_url(url: str | None) -> str | None:
    """``url`` cleaned when it is an http(s) link without spaces; None otherwise (a
    ``javascript:`` URL is never shown as a link)."""
    if not url:
        return None
    url = clean(url, 500)
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # e.g. "http://[" in an export: no link
        return None
    return url if scheme in ("http", "https") and " " not in url else None
