"""What an alert says: subject, plain text, HTML, the chat ``text`` and the structured alert,
in English or German. Pure: a Notice, the watch's Report and the top mentions in, strings out.

Everything from an export (topics, handles, mention text, URLs) is untrusted: control and
bidi characters are removed everywhere, headers get one short line, HTML is escaped (links
only for http/https), and chat text is escaped and fenced as code so it cannot ping
``@channel`` or forge links.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from stormwatch.__about__ import __version__
from stormwatch.alerts.episodes import Notice
from stormwatch.alerts.mentions import Mention
from stormwatch.models import AuthorStat, Report, TopicResult
from stormwatch.pipeline.checklist import load_checklist
from stormwatch.pipeline.recommend import format_int
from stormwatch.render.formats import describe_signal, report_dict
from stormwatch.settings import Lang
from stormwatch.text.untrusted import clean

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "all_clear": "ALL CLEAR",
        "was": "was",
        "watch": 'Watch "{watch}", evaluated {at} (window {window}, baseline {baseline})',
        "calm_since": "Calm since {since}; the episode opened {opened}.",
        "why": "Why",
        "critics": "Top critics",
        "themes": "Themes",
        "critic": "{author}: {followers} followers, {negative} of {mentions} mentions negative",
        "mentions": "Top mentions in the last {window}",
        "steps": "Recommended next steps",
        "topics": "Ranking",
        "stale": "Sources not up to date (the ranking uses what was fetched before)",
        "chart": "Mentions per {window}, last 7 days; band: usual range; dot: now",
        "no_chart": "(No chart: install stormwatch[charts] to get one.)",
        "footer": "Sent by stormwatch {version}. Episode opened {opened}.",
    },
    "de": {
        "all_clear": "ENTWARNUNG",
        "was": "vorher",
        "watch": "Watch „{watch}“, ausgewertet {at} (Fenster {window}, Basis {baseline})",
        "calm_since": "Ruhig seit {since}; die Episode begann {opened}.",
        "why": "Warum",
        "critics": "Wichtigste Kritiker",
        "themes": "Themen",
        "critic": "{author}: {followers} Follower, {negative} von {mentions} Erwähnungen negativ",
        "mentions": "Wichtigste Erwähnungen der letzten {window}",
        "steps": "Empfohlene nächste Schritte",
        "topics": "Rangliste",
        "stale": "Quellen nicht aktuell (die Rangliste nutzt das zuvor Abgerufene)",
        "chart": "Erwähnungen pro {window}, letzte 7 Tage; Band: üblicher Bereich; Punkt: jetzt",
        "no_chart": "(Kein Diagramm: stormwatch[charts] installieren.)",
        "footer": "Gesendet von stormwatch {version}. Episode begann {opened}.",
    },
}
LEVEL_COLOUR = {"calm": "#2e7d32", "watch": "#b58900", "warning": "#e65100", "storm": "#c62828"}


def chat(text: object, limit: int = 80) -> str:
    """Untrusted text for a chat message: escaped as Slack wants (& < >) and fenced as inline
    code, so ``<!channel>``, ``@all``, links and Markdown stay inert."""
    value = clean(text, limit).replace("`", "'")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"`{value}`"


def _esc(text: object, limit: int | None = None) -> str:
    return html.escape(clean(text, limit), quote=True)


def _safe_url(url: str | None) -> str | None:
    if not url:
        return None
    url = clean(url, 500)
    try:
        scheme = urlsplit(url).scheme
    except ValueError:  # e.g. "http://[" in an export: no link
        return None
    return url if scheme in ("http", "https") and " " not in url else None


def format_moment(moment: datetime, lang: Lang) -> str:
    return moment.strftime("%d.%m.%Y %H:%M UTC" if lang == "de" else "%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class Content:
    """One alert in every shape it is sent in."""

    subject: str
    text: str
    html: str
    chat: str
    data: dict[str, Any]


def headline(notice: Notice, lang: Lang, topic: str) -> str:
    """``STORM acme 87 (was warning 61)`` with ``topic`` already made safe for the target."""
    levels = load_checklist(lang).levels
    labels = LABELS[lang]
    head = labels["all_clear"] if notice.kind == "resolve" else levels[notice.level].upper()
    text = f"{head} {topic} {notice.score:.0f}"
    if notice.previous_level is not None and notice.previous_score is not None:
        was = levels[notice.previous_level]
        text += f" ({labels['was']} {was} {notice.previous_score:.0f})"
    return text


def subject(notice: Notice, lang: Lang) -> str:
    """``[stormwatch] STORM acme 87 (was warning 61)``: one line, whatever the topic holds."""
    return f"[stormwatch] {headline(notice, lang, clean(notice.topic, 60))}"


def _critics(topic: TopicResult) -> list[AuthorStat]:
    """The top critic, then other current authors with negative posts, by followers."""
    found = [topic.top_critic] if topic.top_critic else []
    others = sorted(
        (a for a in topic.top_authors if a.negative and a not in found),
        key=lambda a: -(a.followers or 0),
    )
    return (found + others)[:3]


def _critic_line(a: AuthorStat, lang: Lang) -> str:
    followers = "?" if a.followers is None else format_int(a.followers, lang)
    return LABELS[lang]["critic"].format(
        author=clean(a.author, 60), followers=followers, negative=a.negative, mentions=a.mentions
    )


SENTIMENT_NAMES: dict[str, dict[str, str]] = {
    "en": {},
    "de": {"negative": "negativ", "positive": "positiv", "neutral": "neutral"},
}


def _mention_head(m: Mention, lang: Lang) -> str:
    who = clean(m.author or "?", 60)
    if m.followers is not None:
        who += f" ({format_int(m.followers, lang)})"
    parts = [who, m.timestamp.strftime("%H:%M UTC")]
    if m.sentiment:
        parts.append(SENTIMENT_NAMES[lang].get(m.sentiment, m.sentiment))
    return ", ".join(parts)


def _listed(report: Report) -> list[TopicResult]:
    return list(report.topics[:10])


def _plain(
    notice: Notice,
    report: Report,
    topic: TopicResult | None,
    mentions: Sequence[Mention],
    lang: Lang,
    stale: Sequence[str] = (),
) -> str:
    labels, levels = LABELS[lang], load_checklist(lang).levels
    lines = [headline(notice, lang, clean(notice.topic, 60)), ""]
    lines.append(
        labels["watch"].format(
            watch=clean(notice.watch, 60),
            at=format_moment(report.evaluated_at, lang),
            window=report.window,
            baseline=report.baseline,
        )
    )
    if notice.kind == "resolve" and notice.calm_since is not None:
        lines.append(
            labels["calm_since"].format(
                since=format_moment(notice.calm_since, lang),
                opened=format_moment(notice.opened_at, lang),
            )
        )
    if topic is not None and notice.kind != "resolve":
        if topic.drivers:
            lines += ["", labels["why"]]
            lines += [f"  - {describe_signal(s, lang)}" for s in topic.drivers]
        if critics := _critics(topic):
            lines += ["", labels["critics"]]
            lines += [f"  - {_critic_line(a, lang)}" for a in critics]
        if topic.themes:
            lines += ["", f"{labels['themes']}: " + ", ".join(clean(t.term) for t in topic.themes)]
        if mentions:
            lines += ["", labels["mentions"].format(window=report.window)]
            for m in mentions:
                lines.append(f"  - {_mention_head(m, lang)}:")
                lines.append(f'    "{clean(m.text)}"')
                if url := _safe_url(m.url):
                    lines.append(f"    {url}")
        if topic.recommendations:
            lines += ["", labels["steps"]]
            for r in topic.recommendations:
                lines.append(f"  {r.step}. {r.title}: {clean(r.why)}")
                if r.action:
                    lines.append(f"     {clean(r.action)}")
    if stale:
        lines += ["", labels["stale"], *(f"  - {clean(line)}" for line in stale)]
    lines += ["", labels["topics"]]
    for t in _listed(report):
        lines.append(f"  {t.rank:>3}  {clean(t.topic, 40):<40} {t.score:>5.0f}  {levels[t.level]}")
    opened = format_moment(notice.opened_at, lang)
    lines += ["", "-- ", labels["footer"].format(version=__version__, opened=opened)]
    return "\n".join(lines) + "\n"


def _html(
    notice: Notice,
    report: Report,
    topic: TopicResult | None,
    mentions: Sequence[Mention],
    lang: Lang,
    chart_cid: str | None,
    chart_note: str | None,
    stale: Sequence[str] = (),
) -> str:
    labels, levels = LABELS[lang], load_checklist(lang).levels
    colour = LEVEL_COLOUR[notice.level]
    head = html.escape(headline(notice, lang, clean(notice.topic, 60)))
    out = [
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>',
        '<body style="font-family:sans-serif;font-size:14px;color:#222">',
        f'<h2 style="color:{colour};margin:0 0 4px">{head}</h2>',
        "<p style='color:#555;margin:0 0 12px'>"
        + html.escape(
            labels["watch"].format(
                watch=clean(notice.watch, 60),
                at=format_moment(report.evaluated_at, lang),
                window=report.window,
                baseline=report.baseline,
            )
        )
        + "</p>",
    ]
    if notice.kind == "resolve" and notice.calm_since is not None:
        text = labels["calm_since"].format(
            since=format_moment(notice.calm_since, lang),
            opened=format_moment(notice.opened_at, lang),
        )
        out.append(f"<p>{html.escape(text)}</p>")

    def section(title: str, items: list[str]) -> None:
        if items:
            out.append(f"<h3 style='margin:16px 0 4px'>{html.escape(title)}</h3><ul>")
            out.extend(f"<li>{item}</li>" for item in items)
            out.append("</ul>")

    if topic is not None and notice.kind != "resolve":
        section(labels["why"], [html.escape(describe_signal(s, lang)) for s in topic.drivers])
        section(labels["critics"], [_esc(_critic_line(a, lang)) for a in _critics(topic)])
        section(labels["themes"], [_esc(t.term) for t in topic.themes])
        items = []
        for m in mentions:
            item = f"<b>{_esc(_mention_head(m, lang))}</b><br>“{_esc(m.text)}”"
            if url := _safe_url(m.url):
                item += f'<br><a href="{html.escape(url, quote=True)}">{_esc(url, 80)}</a>'
            items.append(item)
        section(labels["mentions"].format(window=report.window), items)
        section(
            labels["steps"],
            [
                f"<b>{r.step}. {_esc(r.title)}</b>: {_esc(r.why)}"
                + (f"<br><span style='color:#555'>{_esc(r.action)}</span>" if r.action else "")
                for r in topic.recommendations
            ],
        )
    if chart_cid:
        alt = html.escape(labels["chart"].format(window=report.window), quote=True)
        out.append(f'<p><img src="cid:{chart_cid.strip("<>")}" alt="{alt}" width="700"></p>')
    elif chart_note:
        out.append(f"<p style='color:#555'>{html.escape(chart_note)}</p>")
    section(labels["stale"], [_esc(line) for line in stale])
    out.append(f"<h3 style='margin:16px 0 4px'>{html.escape(labels['topics'])}</h3>")
    out.append("<table cellpadding='3' style='border-collapse:collapse'>")
    for t in _listed(report):
        out.append(
            f"<tr><td align='right'>{t.rank}</td><td>{_esc(t.topic, 80)}</td>"
            f"<td align='right'>{t.score:.0f}</td>"
            f"<td style='color:{LEVEL_COLOUR[t.level]}'>{html.escape(levels[t.level])}</td></tr>"
        )
    out.append("</table>")
    footer = labels["footer"].format(
        version=__version__, opened=format_moment(notice.opened_at, lang)
    )
    out.append(f"<p style='color:#888;font-size:12px'>{html.escape(footer)}</p></body></html>")
    return "\n".join(out) + "\n"


def _chat(notice: Notice, report: Report, topic: TopicResult | None, lang: Lang) -> str:
    labels = LABELS[lang]
    head = headline(notice, lang, chat(notice.topic, 60))
    at = format_moment(report.evaluated_at, lang)
    lines = [f"*[stormwatch] {head}* ({chat(notice.watch, 40)}, {at})"]
    if topic is not None and notice.kind != "resolve":
        if topic.drivers:
            drivers = ", ".join(describe_signal(s, lang) for s in topic.drivers)
            lines.append(f"{labels['why']}: {drivers}")
        if critics := _critics(topic):
            a = critics[0]
            followers = "?" if a.followers is None else format_int(a.followers, lang)
            lines.append(f"{labels['critics']}: {chat(a.author, 60)} ({followers})")
        if topic.recommendations:
            steps = "; ".join(f"{r.step}. {r.title}" for r in topic.recommendations)
            lines.append(f"{labels['steps']}: {steps}")
    return "\n".join(lines)


def _data(notice: Notice, report: Report, topic: TopicResult | None, lang: Lang) -> dict[str, Any]:
    """The structured alert: the notice plus the topic as in ``scan --format json``."""
    detail = None
    if topic is not None:
        detail = next(t for t in report_dict(report)["topics"] if t["topic"] == topic.topic)
    return {
        "id": notice.key,
        "kind": notice.kind,
        "watch": notice.watch,
        "topic": notice.topic,
        "level": notice.level,
        "score": notice.score,
        "previous": None
        if notice.previous_level is None
        else {"level": notice.previous_level, "score": notice.previous_score},
        "at": notice.at.isoformat().replace("+00:00", "Z"),
        "evaluated_at": report.evaluated_at.isoformat().replace("+00:00", "Z"),
        "opened_at": notice.opened_at.isoformat().replace("+00:00", "Z"),
        "subject": subject(notice, lang),
        "lang": lang,
        "details": detail,
    }


def compose(
    notice: Notice,
    report: Report,
    mentions: Sequence[Mention] = (),
    *,
    lang: Lang = "en",
    chart_cid: str | None = None,
    chart_missing: bool = False,
    stale: Sequence[str] = (),
) -> Content:
    """Every shape of one alert. ``chart_cid``: the Content-ID the HTML's chart refers to;
    ``chart_missing``: a chart was wanted but matplotlib is not installed (the HTML says so);
    ``stale``: sources whose fetch failed, and since when they are out of date."""
    topic = next((t for t in report.topics if t.topic == notice.topic), None)
    note = LABELS[lang]["no_chart"] if chart_missing else None
    return Content(
        subject=subject(notice, lang),
        text=_plain(notice, report, topic, mentions, lang, stale),
        html=_html(notice, report, topic, mentions, lang, chart_cid, note, stale),
        chat=_chat(notice, report, topic, lang),
        data={**_data(notice, report, topic, lang), "stale_sources": list(stale)},
    )
