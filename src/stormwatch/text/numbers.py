"""Numbers, shares, hours and moments written the way each language writes them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from stormwatch.settings import Lang

WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
}


def format_int(value: float, lang: Lang) -> str:
    """``1000000`` -> ``1,000,000`` (en) or ``1.000.000`` (de)."""
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "de" else text


def format_decimal(value: float, lang: Lang, digits: int = 1) -> str:
    """``7.65`` -> ``7.7`` (en) or ``7,7`` (de)."""
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "de" else text


def format_share(value: float, lang: Lang) -> str:
    """``0.64`` -> ``64%`` (en) or ``64 %`` (de)."""
    return f"{round(value * 100)} %" if lang == "de" else f"{round(value * 100)}%"


def format_hours(hours: float, lang: Lang) -> str:
    """``5.25`` -> ``5.3`` (en) or ``5,3`` (de): one decimal."""
    text = f"{hours:.1f}"
    return text.replace(".", ",") if lang == "de" else text


def format_local(moment: datetime, timezone: str, lang: Lang) -> str:
    """``Sat 2026-11-07 19:10 Europe/Berlin`` (en) or ``Sa 07.11.2026 19:10 Europe/Berlin``."""
    local = moment.astimezone(ZoneInfo(timezone))
    day = WEEKDAYS[lang][local.weekday()]
    stamp = local.strftime("%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M")
    return f"{day} {stamp} {timezone}"
