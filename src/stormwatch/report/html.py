"""The HTML report (``stormwatch report``, ``scan --format html``): one self-contained file to
hand to management — no script, no network (a Content-Security-Policy of ``default-src
'none'`` says so to the browser), inline CSS and SVG only, readable on a phone and printable.

Per topic at watch or above: the summary line, the timeline (``history``, charts in
``report_svg``), the score's contributions, the drivers and explanations, the critics, the
most engaged critical mentions, the themes and the checklist steps with their reasons. Every
figure is the Report's, as ``scan --format json`` has it: a number shown carries its JSON path
in ``data-key`` (``topics.0.score``) so tests can check one against the other. Untrusted text
is cleaned (``untrusted.clean``: no control or bidi characters), HTML-escaped, wrapped in
``<bdi>`` (a right-to-left name cannot reorder the line) and links are http(s) only.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from datetime import datetime

from stormwatch.__about__ import __version__
from stormwatch.models import Report, TopicResult
from stormwatch.pipeline.checklist import load_checklist
from stormwatch.pipeline.surge import ratio_text, usual_text
from stormwatch.render.context import explanation_lines, gap_text
from stormwatch.render.evidence import topic_surge
from stormwatch.render.evidence_text import CRITICS_SHOWN, safe_url
from stormwatch.render.formats import describe_signal
from stormwatch.report.css import CSS
from stormwatch.report.history import History
from stormwatch.report.svg import LEVEL_COLOUR, contributions_svg, share_svg, timeline_svg
from stormwatch.settings import Lang
from stormwatch.text.labels import EVIDENCE, SIGNAL_NAMES, STAGE_NAMES
from stormwatch.text.labels import REPORT as LABELS
from stormwatch.text.numbers import format_decimal, format_int, format_share
from stormwatch.text.untrusted import clean


def _text(value: object, limit: int | None = None) -> str:
    """Untrusted text for HTML: one clean line, escaped, isolated from the text around it."""
    return f"<bdi>{html.escape(clean(value, limit), quote=True)}</bdi>"


def _num(key: str, shown: str, scale: float = 1.0) -> str:
    """A figure as shown, with the JSON path of its value (and the factor between the JSON
    value and what is shown, e.g. 100 for a share shown in %)."""
    extra = f' data-scale="{scale:g}"' if scale != 1.0 else ""
    return f'<span class="n" data-key="{key}"{extra}>{html.escape(shown)}</span>'


def _time(key: str, moment: datetime | None, fmt: str, none: str) -> str:
    if moment is None:
        return none
    iso = moment.isoformat().replace("+00:00", "Z")
    return f'<time data-key="{key}" datetime="{iso}">{html.escape(moment.strftime(fmt))}</time>'


def to_html(report: Report, histories: Mapping[str, History] | None = None) -> str:
    """The report as one self-contained HTML document."""
    lang: Lang = "de" if report.lang == "de" else "en"
    labels = LABELS[lang]
    levels = load_checklist(lang).levels
    meta = labels["meta"].format(
        at=_time("evaluated_at", report.evaluated_at, labels["at"], ""),
        window=html.escape(report.window),
        baseline=html.escape(report.baseline),
        rows=_num("input.rows_read", format_int(report.input.rows_read, lang)),
    )
    files = ", ".join(_text(f, 120) for f in report.input.files)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{html.escape(labels['title'])}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{html.escape(labels['title'])}</h1>",
        f'<p class="meta">{meta}</p><p class="meta files">{files}</p></header>',
        _summary(report, lang),
    ]
    hot = [(i, t) for i, t in enumerate(report.topics) if t.level != "calm"]
    for index, topic in hot:
        history = (histories or {}).get(topic.topic)
        out.append(_topic(index, topic, history, report.window, lang, levels))
    if len(hot) < len(report.topics):
        calm = labels["calm" if hot else "calm_all"]
        out.append(f'<p class="calm">{html.escape(calm)}</p>')
    notes = [*report.notes, *report.input.notes]
    if notes:
        out.append(f"<section class='notes'><h2>{html.escape(labels['notes'])}</h2><ul>")
        out += [f"<li>{_text(note)}</li>" for note in notes]
        out.append("</ul></section>")
    footer = html.escape(labels["footer"].format(version=__version__))
    out.append(f"<footer>{footer}</footer></body></html>")
    return "\n".join(out) + "\n"


def _summary(report: Report, lang: Lang) -> str:
    labels, levels = LABELS[lang], load_checklist(lang).levels
    heads = ("rank", "topic", "score", "level", "since", "stage", "surge")
    rows = [
        f"<section id='summary'><h2>{html.escape(labels['summary'])}</h2>"
        "<div class='scroll'><table class='summary'><thead><tr>"
        + "".join(f"<th>{html.escape(labels[h])}</th>" for h in heads)
        + "</tr></thead><tbody>"
    ]
    for i, t in enumerate(report.topics):
        key = f"topics.{i}"
        rise = topic_surge(t)
        gap = t.context.response if t.context else None
        since = _time(
            f"{key}.context.response_gap.episode_start",
            gap.episode_start if gap else None,
            labels["at"],
            labels["none"],
        )
        stage = (
            html.escape(STAGE_NAMES[lang][t.context.stage])
            if t.context and t.context.stage
            else labels["none"]
        )
        name = f'<a href="#topic-{i}">{_text(t.topic, 80)}</a>' if t.level != "calm" else ""
        rows.append(
            f'<tr class="level-{t.level}"><td>{_num(f"{key}.rank", str(t.rank))}</td>'
            f"<td>{name or _text(t.topic, 80)}</td>"
            f"<td>{_num(f'{key}.score', format_decimal(t.score, lang))}</td>"
            f"<td><span class='badge'>{html.escape(levels[t.level])}</span></td>"
            f"<td>{since}</td><td>{stage}</td>"
            f"<td>{_num(f'{key}.surge.now', format_int(rise.now, lang))} / "
            f"{_num(f'{key}.surge.usual', usual_text(rise, lang))} "
            f"({_num(f'{key}.surge.ratio', ratio_text(rise, lang))})</td></tr>"
        )
    rows.append("</tbody></table></div></section>")
    return "".join(rows)


def _topic(
    index: int,
    t: TopicResult,
    history: History | None,
    window: str,
    lang: Lang,
    levels: dict[str, str],
) -> str:
    labels = LABELS[lang]
    key = f"topics.{index}"
    colour = LEVEL_COLOUR[t.level]
    out = [
        f'<section class="topic level-{t.level}" id="topic-{index}" style="--level:{colour}">',
        f"<h2>{_num(f'{key}.rank', str(t.rank))}. {_text(t.topic, 120)} — "
        f"<span class='badge'>{html.escape(levels[t.level].upper())}</span> "
        f"{_num(f'{key}.score', format_decimal(t.score, lang))}</h2>",
    ]
    if t.context is not None:
        gap = gap_text(t.context.response, lang)
        stage = STAGE_NAMES[lang][t.context.stage] if t.context.stage else labels["none"]
        out.append(
            f"<p class='line'>{html.escape(labels['stage'])}: {html.escape(stage)} · "
            f"{_text(gap)}</p>"
        )
    if history is not None and history.times:
        marks = [(m.timestamp, clean(f"{m.author or '?'}: {m.text}", 140)) for m in t.top_mentions]
        names = {k: str(v) for k, v in levels.items()}
        out += [
            f"<h3>{html.escape(labels['timeline'])}</h3>",
            timeline_svg(history, marks, labels, names, labels["axis"]),
            _legend(labels),
            share_svg(history, labels, labels["axis"]),
        ]
    out.append(f"<h3>{html.escape(labels['why'])}</h3>")
    out.append(contributions_svg({n: s.points for n, s in t.signals.items()}, SIGNAL_NAMES[lang]))
    out.append("<ul class='drivers'>")
    out += [f"<li>{_text(describe_signal(s, lang))}</li>" for s in t.drivers]
    out.append("</ul>")
    if t.held:
        out.append(f"<p>{html.escape(labels['held'])}</p>")
    lines = explanation_lines(t.context, lang)
    if lines:
        out.append(f"<h3>{html.escape(labels['context'])}</h3><dl class='context'>")
        out += [f"<dt>{html.escape(k)}</dt><dd>{_text(v)}</dd>" for k, v in lines]
        out.append("</dl>")
    out.append(_critics(key, t, lang))
    out.append(_mentions(key, t, lang))
    if t.themes:
        out.append(f"<h3>{html.escape(labels['themes'])}</h3><ul class='themes'>")
        for j, term in enumerate(t.themes):
            shares = labels["themes_shares"].format(
                now=_num(
                    f"{key}.themes.{j}.current_share", format_share(term.current_share, lang), 100
                ),
                before=_num(
                    f"{key}.themes.{j}.baseline_share",
                    format_share(term.baseline_share, lang),
                    100,
                ),
            )
            out.append(f"<li><b>{_text(term.term, 80)}</b> <small>{shares}</small></li>")
        out.append("</ul>")
    if t.recommendations:
        out.append(f"<h3>{html.escape(labels['steps'])}</h3><ol class='steps'>")
        for j, r in enumerate(t.recommendations):
            why = f'<span data-key="{key}.recommendations.{j}.why">{_text(r.why)}</span>'
            action = f"<div class='action'>{_text(r.action)}</div>" if r.action else ""
            out.append(f'<li value="{r.step}"><b>{_text(r.title)}</b>: {why}{action}</li>')
        out.append("</ol>")
    out.append("</section>")
    return "\n".join(out)


def _legend(labels: dict[str, str]) -> str:
    items = (
        ("mentions", labels["legend_mentions"]),
        ("band", labels["legend_band"]),
        ("change", labels["legend_change"]),
        ("post", labels["legend_post"]),
    )
    return (
        "<p class='legend'>"
        + "".join(f"<span class='key {c}'></span>{html.escape(text)} " for c, text in items)
        + "</p>"
    )


def _critics(key: str, t: TopicResult, lang: Lang) -> str:
    labels = LABELS[lang]
    # The storm's critics (JSON ``critics``), else the current window's top critic.
    storm = bool(t.critics)
    found = list(t.critics[:CRITICS_SHOWN]) if storm else [t.top_critic] if t.top_critic else []
    if not found:
        return ""
    out = [
        f"<h3>{html.escape(EVIDENCE[lang]['critics'])}</h3><div class='scroll'>"
        f"<table class='critics'><thead><tr><th>{html.escape(labels['author'])}</th>"
        f"<th>{html.escape(labels['followers'])}</th>"
        f"<th>{html.escape(labels['mentions_col'])}</th>"
        f"<th>{html.escape(labels['first'])}</th></tr></thead><tbody>"
    ]
    for j, a in enumerate(found):
        path = f"{key}.critics.{j}" if storm else f"{key}.top_critic"
        followers = (
            labels["none"]
            if a.followers is None
            else _num(f"{path}.followers", format_int(a.followers, lang))
        )
        posts = (
            f"{_num(f'{path}.mentions', format_int(a.mentions, lang))} "
            f"({_num(f'{path}.negative', format_int(a.negative, lang))} "
            f"{html.escape(labels['negative'])})"
        )
        first = _time(f"{path}.first_seen", a.first_seen, labels["at"], labels["none"])
        out.append(
            f"<tr><td>{_text(a.author, 60)}</td><td>{followers}</td><td>{posts}</td>"
            f"<td>{first}</td></tr>"
        )
    out.append("</tbody></table></div>")
    return "".join(out)


def _mentions(key: str, t: TopicResult, lang: Lang) -> str:
    labels = LABELS[lang]
    if not t.top_mentions:
        return ""
    out = [f"<h3>{html.escape(EVIDENCE[lang]['mentions'])}</h3><ul class='mentions'>"]
    for j, m in enumerate(t.top_mentions):
        path = f"{key}.top_mentions.{j}"
        head = [f"<b>{_text(m.author or '?', 60)}</b>"]
        if m.followers is not None:
            head.append(
                f"{_num(f'{path}.followers', format_int(m.followers, lang))} "
                f"{html.escape(labels['followers'])}"
            )
        head.append(_time(f"{path}.timestamp", m.timestamp, labels["at"], ""))
        if m.engagement is not None:
            head.append(
                EVIDENCE[lang]["engagement"].format(
                    n=_num(f"{path}.engagement", format_int(m.engagement, lang))
                )
            )
        link = ""
        if url := safe_url(m.url):
            href = html.escape(url, quote=True)
            link = (
                f'<a class="url" href="{href}" rel="noopener noreferrer nofollow">'
                f"{_text(url, 80)}</a>"
            )
        out.append(
            f"<li><div class='head'>{' · '.join(head)}</div>"
            f"<blockquote>{_text(m.text)}</blockquote>{link}</li>"
        )
    out.append("</ul>")
    return "".join(out)
