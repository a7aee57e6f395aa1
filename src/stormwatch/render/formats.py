"""Render a Report as JSON, CSV, Markdown or a rich table. Returns strings/renderables and never
prints: the CLI picks the stream. Every user-supplied string (topics, handles) is escaped for
the target format."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from stormwatch.__about__ import __version__
from stormwatch.models import AuthorStat, Rejects, Report, SignalResult, TopicResult
from stormwatch.pipeline.surge import ratio_text, surge
from stormwatch.render.context import (
    CSV_COLUMNS,
    compact,
    context_dict,
    csv_cells,
    explanation_lines,
)
from stormwatch.render.evidence import CSV_COLUMNS as EVIDENCE_COLUMNS
from stormwatch.render.evidence import csv_cells as evidence_cells
from stormwatch.render.evidence import markdown_lines, mention_dict, surge_dict
from stormwatch.settings import SIGNALS, Lang
from stormwatch.text.labels import CONTEXT as CONTEXT_LABELS
from stormwatch.text.labels import TABLE as LABELS
from stormwatch.text.numbers import format_decimal, format_int, format_share
from stormwatch.text.untrusted import clean

SPARK = "▁▂▃▄▅▆▇█"
LEVEL_STYLE = {"calm": "green", "watch": "yellow", "warning": "dark_orange", "storm": "bold red"}


def sparkline(counts: tuple[int, ...] | list[int]) -> str:
    """Counts as block characters scaled to the largest: (0, 5, 10) -> ``▁▅█``."""
    if not counts:
        return ""
    top = max(counts)
    if top == 0:
        return SPARK[0] * len(counts)
    return "".join(SPARK[min(len(SPARK) - 1, round(c / top * (len(SPARK) - 1)))] for c in counts)


def _compact(value: float, lang: Lang) -> str:
    """``1300000`` -> ``1.3M`` (en) or ``1,3 Mio.`` (de); ``109000`` -> ``109k`` / ``109 Tsd.``."""
    millions, thousands = ("M", "k") if lang == "en" else (" Mio.", " Tsd.")
    if value >= 1_000_000:
        return format_decimal(value / 1_000_000, lang) + millions
    if value >= 10_000:
        return format_decimal(value / 1000, lang, 0) + thousands
    return format_int(value, lang)


def describe_signal(sig: SignalResult, lang: Lang) -> str:
    """A short human phrase for a signal: ``volume 20× (+40)``."""
    labels = LABELS[lang]
    d = sig.detail
    if sig.name == "velocity":
        text = labels["velocity"].format(ratio=ratio_text(surge(sig, False), lang))
    elif sig.name == "influence":
        label = "engagement" if d.get("engagement_proxy") else "influence"
        text = labels[label].format(reach=_compact(d.get("reach", 0.0), lang))
    elif sig.name == "negativity":
        text = labels["negativity"].format(share=format_share(d.get("share_now", 0.0), lang))
    else:
        text = labels["spread"].format(authors=format_int(d.get("now", 0.0), lang))
    return f"{text} (+{sig.points:.0f})"


def _problems(items: Sequence[Rejects]) -> list[dict[str, Any]]:
    keys = ("file", "reason", "count", "first_line", "example")
    return [{k: getattr(r, k) for k in keys} for r in items]


def report_dict(report: Report) -> dict[str, Any]:
    """The documented JSON contract (see README, "JSON output")."""
    reasons: dict[str, int] = {}
    for r in report.input.rejects:
        reasons[r.reason] = reasons.get(r.reason, 0) + r.count
    return {
        "stormwatch_version": __version__,
        "evaluated_at": report.evaluated_at.isoformat().replace("+00:00", "Z"),
        "window": report.window,
        "baseline": report.baseline,
        "by": report.by,
        "lang": report.lang,
        "signals_available": list(report.signals_available),
        "input": {
            "files": list(report.input.files),
            "rows_read": report.input.rows_read,
            "rows_used": report.input.rows_used,
            "rows_rejected": report.input.rows_rejected,
            "rows_after_evaluation": report.input.rows_after_evaluation,
            "rows_duplicate": report.input.rows_duplicate,
            "rejected_by_reason": reasons,
            "rejects": _problems(report.input.rejects),
            "rows_with_unreadable_values": report.input.rows_with_unreadable_values,
            "unreadable": _problems(report.input.unreadable),
            "timezone": report.input.timezone,
            "formats": {
                path: {"preset": f.preset, "kind": f.kind, "timestamps": list(f.timestamps)}
                for path, f in report.input.formats.items()
            },
            "notes": list(report.input.notes),
            "sentiment_estimated": list(report.input.sentiment_estimated),
            "sentiment_estimator": report.input.sentiment_estimator,
        },
        "history_start": report.history_start.isoformat().replace("+00:00", "Z")
        if report.history_start
        else None,
        "baseline_windows": report.baseline_windows,
        "notes": list(report.notes),
        "topics": [_topic_dict(t) for t in report.topics],
    }


def _author(a: Any) -> dict[str, Any] | None:
    if a is None:
        return None
    return {
        "author": a.author,
        "followers": a.followers,
        "mentions": a.mentions,
        "negative": a.negative,
    }


def _topic_dict(t: TopicResult) -> dict[str, Any]:
    return {
        "rank": t.rank,
        "topic": t.topic,
        "score": t.score,
        "level": t.level,
        "held_below_warning": t.held,
        "mentions": t.mentions,
        "baseline_median": t.baseline,
        "signals": {n: t.signals[n].value for n in SIGNALS},
        "contributions": {n: t.signals[n].points for n in SIGNALS},
        "signals_raw": {n: t.signals[n].raw for n in SIGNALS},
        "signal_details": {n: dict(t.signals[n].detail) for n in SIGNALS},
        "top_authors": [_author(a) for a in t.top_authors],
        "top_critic": _author(t.top_critic),
        "critics": [
            {
                **(_author(a) or {}),
                "first_seen": a.first_seen.isoformat().replace("+00:00", "Z")
                if a.first_seen
                else None,
                "in_current_window": a.current,
            }
            for a in t.critics
        ],
        "surge": surge_dict(t),
        "top_mentions": [mention_dict(m) for m in t.top_mentions],
        "sparkline": list(t.sparkline),
        "themes": [
            {
                "term": x.term,
                "weight": round(x.weight, 2),
                "current_share": round(x.current_share, 3),
                "baseline_share": round(x.baseline_share, 3),
            }
            for x in t.themes
        ],
        "recommendations": [
            {"step": r.step, "title": r.title, "why": r.why, "action": r.action}
            for r in t.recommendations
        ],
        "context": context_dict(t.context),
    }


def to_json(report: Report) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"


#: A formula start (= + - @ tab CR) at the start of a cell, or after a ``;`` or ``,`` (where a
#: spreadsheet that splits on another delimiter than ours starts a cell), spaces allowed before
#: it; groups: what precedes it, the formula character. ``rejects`` applies it in polars.
FORMULA = r"(^|[;,] *|^ +)([=+\-@\t\r])"


def csv_safe(value: object) -> object:
    """Untrusted text for a CSV cell: one clean line, and an apostrophe before every formula
    start (OWASP CSV injection), so ``Polar;=1+1`` opened with ``;`` as the delimiter is text."""
    if isinstance(value, str):
        return re.sub(FORMULA, r"\1'\2", clean(value))
    return value


def csv_unsafe(value: str) -> str:
    """A cell written by ``csv_safe`` as it was (the apostrophes before formula starts
    removed), for reading back a file stormwatch wrote."""
    return re.sub(FORMULA.replace(")([", ")'(["), r"\1\2", value)


def to_csv(report: Report) -> str:
    """One row per topic: rank, topic, score, level, each signal's strength and points."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "rank",
            "topic",
            "score",
            "level",
            "mentions",
            "baseline_median",
            *(f"{n}" for n in SIGNALS),
            *(f"{n}_points" for n in SIGNALS),
            *CSV_COLUMNS,
            "top_critic",
            "top_critic_followers",
            "steps",
            "themes",
            *EVIDENCE_COLUMNS,
        ]
    )
    for t in report.topics:
        critic = t.top_critic
        writer.writerow(
            [
                t.rank,
                csv_safe(t.topic),
                t.score,
                t.level,
                t.mentions,
                t.baseline,
                *(t.signals[n].value for n in SIGNALS),
                *(t.signals[n].points for n in SIGNALS),
                *csv_cells(t.context),
                csv_safe(critic.author) if critic else "",
                critic.followers if critic else "",
                " ".join(str(r.step) for r in t.recommendations),
                csv_safe("; ".join(x.term for x in t.themes)),
                *evidence_cells(t, csv_safe),
            ]
        )
    return out.getvalue()


def title_line(report: Report, labels: dict[str, str]) -> str:
    n = len(report.topics)
    return labels["title"].format(
        count=labels["one" if n == 1 else "many"].format(n=n),
        at=report.evaluated_at.strftime(labels["at"]),
        window=report.window,
        baseline=report.baseline,
    )


def _md(text: str) -> str:
    """User text as one clean line with Markdown/HTML-significant characters escaped."""
    text = clean(text)
    for ch in "\\`*_[]<>|#":
        text = text.replace(ch, "\\" + ch)
    return text


def driver_lines(t: TopicResult, lang: Lang) -> list[str]:
    """The three strongest signals, and why the score was held below warning if it was."""
    found = [describe_signal(s, lang) for s in t.drivers[:3]]
    return [*found, LABELS[lang]["held"]] if t.held else found


def to_markdown(report: Report) -> str:
    from stormwatch.pipeline.checklist import load_checklist

    lang = report.lang
    labels = LABELS[lang]
    level_names = load_checklist(lang).levels
    lines = [
        "## " + title_line(report, labels),
        "",
        f"| {labels['rank']} | {labels['topic']} | {labels['score']} | {labels['level']} "
        f"| {labels['drivers']} | {labels['critic']} | {CONTEXT_LABELS[lang]['column']} |",
        "|---:|---|---:|---|---|---|---|",
    ]
    for t in report.topics:
        drivers = ", ".join(driver_lines(t, lang)) or labels["none"]
        critic = critic_text(t, lang)
        lines.append(
            f"| {t.rank} | {_md(t.topic)} | {format_decimal(t.score, lang)} | "
            f"{level_names[t.level]} | {drivers} "
            f"| {_md(critic)} "
            f"| {_md(compact(t.context, lang, sep=' · '))} |"
        )
    themed = [t for t in report.topics if t.themes]
    if themed:
        lines += [""]
        lines += [
            f"- **{_md(t.topic)}**, {labels['themes']}: {_md(themes_text(t))}" for t in themed
        ]
    for t in report.topics:
        lines += markdown_lines(t, lang, _md)
    for t in report.topics:
        if t.level in ("warning", "storm") and t.recommendations:
            lines += ["", f"### {_md(t.topic)} — {labels['steps']}", ""]
            lines += [f"{r.step}. **{r.title}**: {_md(r.why)}" for r in t.recommendations]
            if t.context is not None:
                lines += ["", f"**{CONTEXT_LABELS[lang]['context']}**", ""]
                lines += [f"- {k}: {_md(v)}" for k, v in explanation_lines(t.context, lang)]
    return "\n".join(lines) + "\n"


def themes_text(t: TopicResult) -> str:
    return ", ".join(clean(x.term) for x in t.themes)


def critic_short(a: AuthorStat, lang: Lang) -> str:
    followers = "?" if a.followers is None else _compact(a.followers, lang)
    return f"{clean(a.author, 60)} ({followers})"


def critic_text(t: TopicResult, lang: Lang, sep: str = " ") -> str:
    c = t.top_critic
    if c is None:
        return LABELS[lang]["none"]
    followers = "?" if c.followers is None else _compact(c.followers, lang)
    return f"{clean(c.author)}{sep}({followers})"
