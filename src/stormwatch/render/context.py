"""Render the context indicators of a topic (``TopicResult.context``) for the JSON, CSV,
Markdown and table outputs of :mod:`stormwatch.render.formats`. Returns plain data and strings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stormwatch.models import Context, ResponseGap
from stormwatch.pipeline.explain import STAGE_NAMES, format_hours
from stormwatch.settings import Lang

#: The CSV columns, in order (between the signals and the top critic).
CSV_COLUMNS = (
    "stage",
    "newcomer_share",
    "concentration",
    "media_share",
    "media_share_baseline",
    "response_gap",
    "response_gap_hours",
)
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "column": "stage / reply",
        "context": "Context",
        "unknown": "reply unknown (no --brand-handle)",
        "open": "no reply for {hours} h",
        "replied": "replied after {hours} h",
        "weekend": "weekend",
        "evening": "evening",
        "newcomers": "newcomers",
        "concentration": "concentration",
        "media": "media",
        "reshares": "reshares",
        "stage": "stage",
        "response_gap": "response gap",
    },
    "de": {
        "column": "Phase / Antwort",
        "context": "Kontext",
        "unknown": "Antwort unbekannt (kein --brand-handle)",
        "open": "seit {hours} h keine Antwort",
        "replied": "beantwortet nach {hours} h",
        "weekend": "Wochenende",
        "evening": "Abend",
        "newcomers": "neue Autoren",
        "concentration": "Konzentration",
        "media": "Medien",
        "reshares": "Shares",
        "stage": "Phase",
        "response_gap": "Antwortlücke",
    },
}


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat().replace("+00:00", "Z")


def context_dict(c: Context | None) -> dict[str, Any] | None:
    """The ``context`` object of a topic in the JSON output (README, "JSON output")."""
    if c is None:
        return None
    gap = c.response
    return {
        "stage": c.stage,
        "newcomers": {
            "critical_authors": c.critical_authors,
            "newcomers": c.newcomers,
            "share": c.newcomer_share,
        },
        "concentration": {
            "top_author": c.top_author,
            "top_author_mentions": c.top_author_mentions,
            "mentions": c.mentions,
            "share": c.concentration,
        },
        "media": {
            "mentions": c.media_mentions,
            "share": c.media_share,
            "share_baseline": c.media_share_baseline,
            "platforms": c.platforms,
            "platforms_baseline": c.platforms_baseline,
            "new_platforms": list(c.new_platforms),
        },
        "reshares": {"now": c.reshares, "baseline_median": c.reshares_median},
        "response_gap": {
            "status": gap.status,
            "episode_start": _iso(gap.episode_start),
            "replied_at": _iso(gap.replied_at),
            "hours": gap.hours,
            "evening": gap.evening,
            "weekend": gap.weekend,
            "timezone": gap.timezone,
        },
        "explanations": dict(c.explanations),
    }


def csv_cells(c: Context | None) -> list[object]:
    """The values of :data:`CSV_COLUMNS`; empty cells for unknown values."""
    if c is None:
        return [""] * len(CSV_COLUMNS)
    values = (
        c.stage,
        c.newcomer_share,
        c.concentration,
        c.media_share,
        c.media_share_baseline,
        c.response.status,
        c.response.hours,
    )
    return ["" if v is None else v for v in values]


def gap_text(gap: ResponseGap, lang: Lang) -> str:
    """``no reply 5.5 h (weekend, evening)``, ``replied after 0.5 h``, ``reply unknown (no
    --brand-handle)`` or ``—``."""
    labels = LABELS[lang]
    if gap.status == "unknown":
        return labels["unknown"]
    if gap.status not in ("open", "replied") or gap.hours is None:
        return "—"
    text = labels[gap.status].format(hours=format_hours(gap.hours, lang))
    flags = [labels[f] for f, on in (("weekend", gap.weekend), ("evening", gap.evening)) if on]
    return f"{text} ({', '.join(flags)})" if flags and gap.status == "open" else text


def stage_text(c: Context | None, lang: Lang) -> str:
    """The stage in ``lang``, ``—`` when unknown."""
    if c is None or c.stage is None:
        return "—"
    return STAGE_NAMES[lang][c.stage]


def compact(c: Context | None, lang: Lang, sep: str = "\n") -> str:
    """Stage and response gap for one table cell."""
    if c is None:
        return "—"
    return f"{stage_text(c, lang)}{sep}{gap_text(c.response, lang)}"


def explanation_lines(c: Context | None, lang: Lang) -> list[tuple[str, str]]:
    """(label, sentence) for each indicator, in a fixed order."""
    if c is None:
        return []
    labels = LABELS[lang]
    order = ("stage", "newcomers", "concentration", "media", "reshares", "response_gap")
    return [(labels[k], c.explanations[k]) for k in order if k in c.explanations]
