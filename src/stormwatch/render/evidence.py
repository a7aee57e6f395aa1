"""Render a topic's evidence — its surge, critics and top mentions — for the JSON, CSV and
Markdown outputs of :mod:`stormwatch.render.formats` (the lines themselves are ``evidence_text``'s,
shared with the table, the HTML report and the alert). Returns plain data and strings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stormwatch.models import TopicResult, TopMention
from stormwatch.pipeline.surge import Surge, surge
from stormwatch.render.evidence_text import (
    critic_line,
    critics,
    excerpt,
    mention_head,
    safe_url,
)
from stormwatch.settings import Lang
from stormwatch.text.labels import EVIDENCE as LABELS

#: The CSV columns, in order (after the themes).
CSV_COLUMNS = ("surge_ratio", "critics", "top_mentions")


def topic_surge(t: TopicResult) -> Surge:
    """The topic's surge (pipeline/surge.py); counted on critical mentions when the data has
    sentiment (its negativity signal is available)."""
    return surge(t.signals["velocity"], t.signals["negativity"].available)


def surge_dict(t: TopicResult) -> dict[str, Any]:
    """The ``surge`` object of a topic in the JSON output (README, "JSON output")."""
    rise = topic_surge(t)
    return {
        "now": rise.now,
        "usual": round(rise.usual, 3),
        "ratio": round(rise.ratio, 2),
        "critical_only": rise.critical,
    }


def mention_dict(m: TopMention) -> dict[str, Any]:
    """One of ``top_mentions`` in the JSON output."""
    return {
        "timestamp": m.timestamp.isoformat().replace("+00:00", "Z"),
        "author": m.author,
        "followers": m.followers,
        "engagement": m.engagement,
        "sentiment": m.sentiment,
        "text": m.text,
        "url": m.url,
    }


def csv_cells(t: TopicResult, safe: Callable[[object], object]) -> list[object]:
    """The values of :data:`CSV_COLUMNS`, text made ``safe`` for a spreadsheet: the surge
    ratio, the storm's critics (``; ``-separated), the top mentions' http(s) URLs."""
    return [
        round(topic_surge(t).ratio, 2),
        safe("; ".join(a.author for a in critics(t)) if t.critics else ""),
        safe(" ".join(u for m in t.top_mentions if (u := safe_url(m.url)))),
    ]


def _md_url(url: str) -> str:
    """An http(s) URL for a Markdown autolink: the characters that would end it escaped."""
    return url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def markdown_lines(t: TopicResult, lang: Lang, md: Callable[[str], str]) -> list[str]:
    """The critics and top mentions of a topic as Markdown (``md`` escapes user text)."""
    lines: list[str] = []
    if t.critics or t.top_mentions:
        lines += ["", f"### {md(t.topic)} — {LABELS[lang]['critics']}", ""]
        lines += [f"- {md(critic_line(a, lang))}" for a in critics(t)]
    if t.top_mentions:
        lines += ["", f"**{LABELS[lang]['mentions']}**", ""]
        for m in t.top_mentions:
            url = safe_url(m.url)
            link = f" <{_md_url(url)}>" if url else ""
            lines.append(f"- {md(mention_head(m, lang))}: “{md(excerpt(m))}”{link}")
    return lines
