"""Presets for social-listening tools: Brandwatch, Meltwater, Talkwalker, Brand24, Sprinklr,
YouScan. Headers and quirks are from the export-formats reference (vendor docs and code
that reads real exports); guesses are marked as such in the notes."""

from __future__ import annotations

from stormwatch.sources.presets import Preset
from stormwatch.sources.presets.rules import Col, First, Join, Numbers
from stormwatch.sources.timestamps import TimestampFormat

REACH_NOTE = "reach (an audience estimate) is not followers and is not mapped"
ZONE_NOTE = "{} has no UTC offset: it is in the account's display zone, give it with --timezone"

BRANDWATCH = Preset(
    name="brandwatch",
    vendor="Brandwatch Consumer Research (ex Brandwatch Analytics), mention export",
    signatures=(
        ("Date", "Full Text", "Query Id"),
        ("Date", "Full Text", "Resource Id"),
        ("Date", "Full Text", "Thread Id"),
    ),
    rules={
        "timestamp": Col("Date"),
        "author": Col("Author", "Full Name"),
        "followers": Col("Twitter Followers", "Instagram Follower Count"),
        "text": Col("Full Text", "Snippet", "Title"),
        "sentiment": Col("Sentiment"),
        "engagement": First(
            Col("Engagement"),
            Numbers(
                "sum",
                "Twitter Retweets",
                "Twitter Reply Count",
                "Facebook Likes",
                "Facebook Comments",
                "Facebook Shares",
            ),
        ),
        "url": Col("Url", "Original Url", "Thread URL"),
        "platform": Col("Page Type", "Domain", clean="lower-case"),
        "language": Col("Language"),
        "id": Col("Resource Id"),
    },
    topic=("Query Name", "Query Id"),
    timestamp_formats=(TimestampFormat("%Y-%m-%d %H:%M:%S%.f", False, "2026-02-06 15:03:00.0"),),
    layout="CSV (UTF-8) with a metadata preamble before the header row (about 6 lines; "
    "XLSX about 9 rows); large downloads come zipped",
    notes=(
        "Date is UTC unless the account displays another zone (then give --timezone)",
        "followers: Twitter Followers, else Instagram Follower Count; " + REACH_NOTE,
        "engagement: Engagement, else the sum of the Twitter and Facebook counts",
    ),
)

MELTWATER = Preset(
    name="meltwater",
    vendor="Meltwater (Explore / Media Intelligence), CSV export",
    signatures=(("Date", "Hit Sentence", "Opening Text"),),
    rules={
        "timestamp": First(Col("Date"), Join("Alternate Date Format", "Time")),
        "author": Col("Influencer", "Twitter Screen Name"),
        "followers": Col("Twitter Followers"),
        "text": Col("Hit Sentence", "Opening Text", "Headline"),
        "sentiment": Col("Sentiment"),
        "engagement": Col("Engagement"),
        "url": Col("URL", "Parent URL"),
        "platform": Col("Source", clean="lower-case"),
        "language": Col("Language", clean="language name -> ISO code"),
        "id": Col("Document ID", "Tweet Id"),
    },
    topic=("Input Name",),
    timestamp_formats=(
        TimestampFormat("%d-%b-%Y %I:%M%p", False, "06-Feb-2026 03:03PM"),
        TimestampFormat("%d-%b-%y %I:%M %p", False, "06-Feb-26 3:03 PM"),
    ),
    layout="UTF-16 LE with BOM, tab separated, header in row 1 "
    "(older files start with an unnamed index column)",
    notes=(
        ZONE_NOTE.format("Date (06-Feb-2026 03:03PM)"),
        "sentiment 'Not Rated' and 'Unknown' are empty",
        "Language is an English name (Spanish) and becomes an ISO code (es)",
        "Source is the network for social posts and the outlet for news; " + REACH_NOTE,
    ),
)

TALKWALKER = Preset(
    name="talkwalker",
    vendor="Talkwalker / Hootsuite Listening (Lumen), CSV or XLSX export",
    signatures=(
        ("published", "search_indexed", "source_type"),
        ("published", "url", "extra_author_attributes.name"),
    ),
    rules={
        "timestamp": Col("published", clean="without leading '"),
        "author": Col(
            "extra_author_attributes.short_name",
            "extra_author_attributes.name",
            "extra_source_attributes.name",
        ),
        "followers": Col(
            "source_extended_attributes.twitter_followers",
            "article_extended_attributes.twitter_followers",
            "source_extended_attributes.instagram_followers",
            "source_extended_attributes.facebook_followers",
        ),
        "text": Col("content", "content_snippet", "title", "title_snippet"),
        "sentiment": Col("sentiment"),
        "engagement": Col("engagement"),
        "url": Col("url"),
        "platform": Col("source_type", clean="lower-case"),
        "language": Col("lang"),
    },
    timestamp_formats=(TimestampFormat("epoch_ms", True, "1770390180000"),),
    layout="CSV (UTF-8, ',') or XLSX, header in row 1, dotted API field names",
    notes=(
        "published is epoch milliseconds in API-style files and a formatted, "
        "locale-dependent date in UI exports",
        "numbers may carry Excel's leading ' ('-3): it is ignored",
        "sentiment is a number: below 0 negative, 0 neutral, above 0 positive",
        "reach is kept apart from followers and not mapped",
    ),
)

BRAND24 = Preset(
    name="brand24",
    vendor="Brand24, XLSX mention export",
    signatures=(("ID", "Date", "Hrs"),),
    rules={
        "timestamp": Join("Date", "Hrs"),
        "author": Col("Author", "Domain"),
        "text": Col("Content", "Title"),
        "sentiment": Col("Sentiment"),
        "url": Col("Source"),
        "platform": Col("Category", "Domain", clean="lower-case"),
        "id": Col("ID"),
    },
    timestamp_formats=(
        TimestampFormat("%Y-%m-%d %H:%M:%S", False, "2026-02-06 15:03:00"),
        TimestampFormat("%Y-%m-%d %H:%M", False, "2026-02-06 15:03"),
    ),
    layout="XLSX, sheet 'Mentions', row 1 empty, header in row 2 (its first cell empty)",
    notes=(
        "the timestamp is Date (2026-02-06) and Hrs (15:03) joined; it has no UTC offset: "
        "it is in the project's zone, give it with --timezone",
        "Source holds the mention's URL, Domain the site (the author when there is no Author)",
        "sentiment 1 / 0 / -1 or words; no follower or engagement columns were observed",
    ),
)

_DAYFIRST_NOTE = "dates are day first (06/02/2026 is 6 February) unless ReadOptions.dayfirst says"

SPRINKLR = Preset(
    name="sprinklr",
    vendor="Sprinklr listening, raw-data or widget export",
    signatures=(
        ("Created Time", "Conversation Stream", "Permalink"),
        ("Created Time", "Conversation Stream", "Sender Screen Name"),
        ("Created Time", "Conversation Stream", "snTypeColumn"),
        ("Created Time", "Conversation Stream", "snType column"),
    ),
    rules={
        "timestamp": Col("Created Time"),
        "author": Col("Sender Screen Name", "Author Screen Name", "User Name", "From User"),
        "followers": Col("Sender Follower Count"),
        "text": Col("Conversation Stream", "Message"),
        "sentiment": Col("Sentiment"),
        "engagement": Col("Earned Engagements (Recalibrated) (SUM)", "Earned Engagements"),
        "url": Col("Permalink"),
        "platform": Col("snType column", "snTypeColumn", "Platform", clean="lower-case"),
        "id": Col("Universal Message Id"),
        "count": Col("Mentions (SUM)"),
    },
    dayfirst=True,
    layout="XLSX: dashboard banner in row 1, row 2 blank, header in row 3",
    notes=(
        _DAYFIRST_NOTE,
        "a widget export's Mentions (SUM) says how many mentions a row stands for",
        "Reach (SUM) is not followers and is not mapped",
    ),
)

YOUSCAN = Preset(
    name="youscan",
    vendor="YouScan, XLSX/CSV export (headers in the UI language: English, Spanish, German)",
    signatures=(
        ("Date", "Author", "Text snippet"),
        ("Fecha", "Texto", "Sentimiento"),
        ("Datum", "Autor", "Quelle", "Potenzielle Reichweite"),
    ),
    rules={
        "timestamp": First(Join("Date", "Time"), Join("Fecha", "Hora"), Join("Datum", "Uhrzeit")),
        "author": Col("Author", "Autor"),
        "text": Col("Text snippet", "Text", "Content", "Texto", "Textausschnitt"),
        "sentiment": Col("Sentiment", "Sentimiento", "Stimmung", "Tonalität"),
        "engagement": Col("Engagement"),
        "url": Col("URL", "URL de la mención", "Link"),
        "platform": Col("Source", "Platform", "Fuente", "Quelle", "Plattform", clean="lower-case"),
    },
    dayfirst=True,
    layout="XLSX (Spanish: sheet 'Menciones') or CSV, header in row 1",
    notes=(
        _DAYFIRST_NOTE,
        "English and Spanish headers are observed; the German ones (Datum, Autor, Quelle, "
        "Potenzielle Reichweite, Stimmung) are inferred: please send a sample",
        "Alcance potencial / potential reach is not followers and is not mapped",
    ),
)

LISTENING: tuple[Preset, ...] = (BRANDWATCH, MELTWATER, TALKWALKER, BRAND24, SPRINKLR, YOUSCAN)
