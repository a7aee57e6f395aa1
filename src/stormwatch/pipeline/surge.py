"""Surge: the one "how many times the usual" of a topic, shown by the volume driver
(``volume 64×``), checklist step 1 ("129 critical mentions in the last 1h, usually about 2,
64×"), the JSON ``surge`` object and the HTML report.

Its basis is the velocity signal's, which is what the score uses: ``now`` = the critical (not
positive) mentions in the current window, or all mentions when the data has no sentiment;
``usual`` = the velocity's expected count for this window (baseline median × time-of-day
index), at least ``FLOOR`` (one mention: below that a ratio says nothing);
``ratio = now / usual``.
"""

from __future__ import annotations

from dataclasses import dataclass

from stormwatch.models import SignalResult
from stormwatch.settings import Lang
from stormwatch.text.numbers import format_decimal

FLOOR = 1.0  # mentions: the least usual count a ratio is taken against


@dataclass(frozen=True)
class Surge:
    now: float  # critical mentions in the current window (all without sentiment)
    usual: float  # expected in this window, at least FLOOR
    ratio: float  # now / usual
    critical: bool  # ``now`` counts critical mentions only (the data has sentiment)


def surge(velocity: SignalResult, critical: bool) -> Surge:
    """The surge from the velocity signal's detail (``now``, ``expected``, else ``median``);
    ``critical``: the data has sentiment, so the count is of critical mentions."""
    d = velocity.detail
    now = d.get("now", 0.0)
    usual = max(d.get("expected", d.get("median", 0.0)), FLOOR)
    return Surge(now, usual, now / usual, critical)


def ratio_text(s: Surge, lang: Lang) -> str:
    """``64×``, ``7.7×`` (en) or ``7,7×`` (de): whole from 10 up, one decimal below."""
    return format_decimal(s.ratio, lang, 0 if s.ratio >= 10 else 1) + "×"


def usual_text(s: Surge, lang: Lang) -> str:
    """The usual count as the step shows it: whole from 10 up, one decimal below (``2``,
    ``2.3``), so that now / usual is the ratio shown next to it."""
    whole = s.usual >= 10 or float(s.usual).is_integer()
    return format_decimal(s.usual, lang, 0 if whole else 1)
