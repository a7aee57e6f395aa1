"""Explain: one sentence per context indicator, in English or German, saying the raw value and
what it means (``Context.explanations``; the thresholds are in ``pipeline/context.py``)."""

from __future__ import annotations

from stormwatch.models import Context, ResponseGap
from stormwatch.pipeline.context import NEWCOMER_HIGH, concentrated, media_up, reshares_fast
from stormwatch.settings import Lang
from stormwatch.text.numbers import format_hours, format_int, format_local, format_share

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "newcomers_none": "no critical authors in the current window",
        "newcomers_history": "{authors} critical authors; too little history to tell who is new",
        "newcomers_high": "{newcomers} of {authors} critical authors ({share}) are new to the "
        "topic: the criticism reaches beyond the usual network, as firestorms do",
        "newcomers_low": "{newcomers} of {authors} critical authors ({share}) are new to the "
        "topic: mostly the usual voices",
        "concentration_none": "no mentions with an author in the current window",
        "concentration_high": "{author} wrote {share} of the {mentions} mentions ({posts} "
        "posts): one persistent author rather than a broad storm",
        "concentration_low": "the most active author, {author}, wrote {share} of the {mentions} "
        "mentions: not one author's campaign",
        "media_none": "no platform in the data: media pick-up cannot be told",
        "media": "news and blogs carry {share} of the mentions now, {baseline} in the baseline; "
        "{platforms} platforms now, {platforms_baseline} in the baseline{new}",
        "media_new": "; new: {names}",
        "media_up": ": the media are picking it up",
        "media_flat": ": no media pick-up",
        "reshares_none": 'no reshares recognised (texts starting with "RT @")',
        "reshares": "{now} reshares in the current window, {median} per window usually",
        "reshares_fast": ": the criticism is being passed on fast",
        "reshares_flat": ": no faster than usual",
        "quiet": "quiet: no critical mentions in the current window",
        "single complaint": "single complaint: {authors} critical author(s), not taken up by "
        "others yet",
        "amplification": "amplification: {authors} critical authors, more than usual, on social "
        "platforms",
        "steady": "steady: {authors} critical authors, no more than usual",
        "media pick-up": "media pick-up: news and blogs carry {share} of the mentions "
        "(usually {baseline})",
        "stage_none": "unknown: the data has no author column",
        "gap_unknown": "unknown: no brand handles given (scan --brand-handle, or brand_handles "
        "in a watch)",
        "gap_quiet": "nothing to answer: no critical mentions in the current window",
        "gap_open": "open for {hours} h: no reply from the brand's own accounts since the "
        "criticism began ({start}){off}",
        "gap_replied": "closed: the brand replied {hours} h after the criticism began ({start})",
        "off_weekend": ", on a weekend",
        "off_evening": ", in the evening",
        "off_both": ", on a weekend evening",
    },
    "de": {
        "newcomers_none": "keine kritischen Autoren im aktuellen Fenster",
        "newcomers_history": "{authors} kritische Autoren; zu wenig Vorlauf, um Neue zu erkennen",
        "newcomers_high": "{newcomers} von {authors} kritischen Autoren ({share}) äußern sich "
        "erstmals zum Thema: Die Kritik reicht über das übliche Umfeld hinaus, wie bei Shitstorms",
        "newcomers_low": "{newcomers} von {authors} kritischen Autoren ({share}) äußern sich "
        "erstmals zum Thema: überwiegend die üblichen Stimmen",
        "concentration_none": "keine Erwähnungen mit Autor im aktuellen Fenster",
        "concentration_high": "{author} schrieb {share} der {mentions} Erwähnungen ({posts} "
        "Beiträge): ein einzelner hartnäckiger Autor, kein breiter Sturm",
        "concentration_low": "der aktivste Autor, {author}, schrieb {share} der {mentions} "
        "Erwähnungen: keine Kampagne eines Einzelnen",
        "media_none": "keine Plattform in den Daten: ob Medien berichten, ist nicht erkennbar",
        "media": "{share} der Erwähnungen stammen jetzt von Nachrichtenseiten und Blogs, in der "
        "Basis {baseline}; jetzt {platforms} Plattformen, in der Basis {platforms_baseline}{new}",
        "media_new": "; neu: {names}",
        "media_up": ": die Medien greifen es auf",
        "media_flat": ": keine Medienresonanz",
        "reshares_none": "keine Shares erkannt (Texte, die mit „RT @“ beginnen)",
        "reshares": "{now} Shares im aktuellen Fenster, üblich sind {median} je Fenster",
        "reshares_fast": ": die Kritik wird schnell weitergereicht",
        "reshares_flat": ": nicht schneller als üblich",
        "quiet": "ruhig: keine kritischen Erwähnungen im aktuellen Fenster",
        "single complaint": "Einzelbeschwerde: {authors} kritische(r) Autor(en), noch nicht "
        "von anderen aufgegriffen",
        "amplification": "Verstärkung: {authors} kritische Autoren, mehr als üblich, in sozialen "
        "Netzwerken",
        "steady": "gleichbleibend: {authors} kritische Autoren, nicht mehr als üblich",
        "media pick-up": "Medienresonanz: {share} der Erwähnungen stammen von Nachrichtenseiten "
        "und Blogs (üblich {baseline})",
        "stage_none": "unbekannt: die Daten haben keine Autorenspalte",
        "gap_unknown": "unbekannt: keine Marken-Accounts angegeben (scan --brand-handle oder "
        "brand_handles in einem [[watch]]-Abschnitt)",
        "gap_quiet": "nichts zu beantworten: keine kritischen Erwähnungen im aktuellen Fenster",
        "gap_open": "seit {hours} h offen: keine Antwort der eigenen Accounts seit Beginn der "
        "Kritik ({start}){off}",
        "gap_replied": "geschlossen: die Marke antwortete {hours} h nach Beginn der Kritik "
        "({start})",
        "off_weekend": ", am Wochenende",
        "off_evening": ", am Abend",
        "off_both": ", an einem Wochenendabend",
    },
}


def off_hours(gap: ResponseGap, lang: Lang) -> str:
    """``, on a weekend evening`` / ``, in the evening`` / ``, on a weekend`` / ``""``."""
    key = {(True, True): "off_both", (True, False): "off_weekend", (False, True): "off_evening"}
    name = key.get((gap.weekend, gap.evening))
    return TEXT[lang][name] if name else ""


def explain(c: Context, lang: Lang) -> dict[str, str]:
    """The sentences for ``newcomers``, ``concentration``, ``media``, ``reshares``, ``stage``
    and ``response_gap``."""
    t = TEXT[lang]
    authors = format_int(c.critical_authors, lang)
    if c.critical_authors == 0:
        newcomers = t["newcomers_none"]
    elif c.newcomer_share is None:
        newcomers = t["newcomers_history"].format(authors=authors)
    else:
        key = "newcomers_high" if c.newcomer_share >= NEWCOMER_HIGH else "newcomers_low"
        newcomers = t[key].format(
            newcomers=format_int(c.newcomers, lang),
            authors=authors,
            share=format_share(c.newcomer_share, lang),
        )
    if c.concentration is None or c.top_author is None:
        concentration = t["concentration_none"]
    else:
        concentration = t["concentration_high" if concentrated(c) else "concentration_low"].format(
            author=c.top_author,
            share=format_share(c.concentration, lang),
            mentions=format_int(c.mentions, lang),
            posts=format_int(c.top_author_mentions, lang),
        )
    share = format_share(c.media_share or 0.0, lang)
    baseline = format_share(c.media_share_baseline or 0.0, lang)
    if c.media_share is None and c.media_share_baseline is None:
        media = t["media_none"]
    else:
        new = t["media_new"].format(names=", ".join(c.new_platforms)) if c.new_platforms else ""
        media = t["media"].format(
            share=share,
            baseline=baseline,
            platforms=c.platforms,
            platforms_baseline=c.platforms_baseline,
            new=new,
        ) + (t["media_up"] if media_up(c) else t["media_flat"])
    if c.reshares == 0 and not c.reshares_median:
        reshares = t["reshares_none"]
    else:
        reshares = t["reshares"].format(
            now=format_int(c.reshares, lang), median=format_int(c.reshares_median or 0.0, lang)
        ) + (t["reshares_fast"] if reshares_fast(c) else t["reshares_flat"])
    stage = (
        t[c.stage].format(authors=authors, share=share, baseline=baseline)
        if c.stage
        else t["stage_none"]
    )
    return {
        "newcomers": newcomers,
        "concentration": concentration,
        "media": media,
        "reshares": reshares,
        "stage": stage,
        "response_gap": explain_gap(c.response, lang),
    }


def explain_gap(gap: ResponseGap, lang: Lang) -> str:
    """The sentence for the response gap (see ``pipeline/response.py``)."""
    t = TEXT[lang]
    if gap.status in ("unknown", "quiet") or gap.episode_start is None:
        return t["gap_unknown"] if gap.status == "unknown" else t["gap_quiet"]
    start = format_local(gap.episode_start, gap.timezone, lang)
    hours = format_hours(gap.hours or 0.0, lang)
    if gap.status == "replied":
        return t["gap_replied"].format(hours=hours, start=start)
    return t["gap_open"].format(hours=hours, start=start, off=off_hours(gap, lang))
