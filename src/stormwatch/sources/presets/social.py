"""Presets for files collected from the platforms themselves: twarc2 CSV and snscrape JSON
Lines (Twitter/X), CrowdTangle CSV (Facebook, Instagram; legacy since August 2024)."""

from __future__ import annotations

from stormwatch.sources.presets import Preset
from stormwatch.sources.presets.rules import Col, Const, First, Numbers, Template, Unless
from stormwatch.sources.timestamps import TimestampFormat

TWARC2 = Preset(
    name="twarc2",
    vendor="twarc2 csv (DocNow/twarc-csv), tweets from the X API v2",
    signatures=(
        ("id", "created_at", "author.username", "public_metrics.like_count"),
        ("id", "created_at", "author_id", "__twarc.retrieved_at"),
    ),
    rules={
        "timestamp": Col("created_at"),
        "author": Col("author.username"),
        "followers": Col("author.public_metrics.followers_count"),
        "text": Col("text"),
        "engagement": Unless(
            Numbers(
                "sum",
                "public_metrics.retweet_count",
                "public_metrics.reply_count",
                "public_metrics.like_count",
                "public_metrics.quote_count",
            ),
            "referenced_tweets.retweeted.id",
        ),
        "url": Template("https://twitter.com/{}/status/{}", "author.username", "id"),
        "platform": Const("twitter"),
        "language": Col("lang"),
        "id": Col("id"),
    },
    timestamp_formats=(
        TimestampFormat("%Y-%m-%dT%H:%M:%S%.f%#z", True, "2019-09-06T20:38:01.000Z"),
    ),
    layout="CSV (UTF-8, ','), header in row 1",
    notes=(
        "retweet rows repeat the original tweet's public_metrics (merge_retweets): engagement "
        "is left empty on rows with referenced_tweets.retweeted.id, so it is not counted twice",
        "url is built from author.username and id",
    ),
)

SNSCRAPE = Preset(
    name="snscrape",
    vendor="snscrape --jsonl twitter-search (legacy, 2023 and before)",
    signatures=(
        ("date", "rawContent", "user.username"),
        ("date", "content", "user.username", "retweetCount"),
    ),
    rules={
        "timestamp": Col("date"),
        "author": Col("user.username", "username"),
        "followers": Col("user.followersCount"),
        "text": Col("rawContent", "content", "renderedContent"),
        "engagement": Numbers("sum", "retweetCount", "likeCount", "replyCount", "quoteCount"),
        "url": Col("url"),
        "platform": Const("twitter"),
        "language": Col("lang"),
        "id": Col("id.str", "id"),
    },
    layout="JSON Lines, one tweet per line; nested objects flattened to dotted names",
    notes=(
        "engagement = retweetCount + likeCount + replyCount + quoteCount",
        "deprecated duplicates (content, username) are read only when the new fields are absent",
    ),
)

_TZ_NOTE = (
    "Post Created ends in a timezone abbreviation (2024-01-05 10:00:00 EST): it is replaced by "
    "its UTC offset (-0500) and parsed with %z; CST is US Central, unknown ones are rejected"
)
_LEGACY = "CrowdTangle closed on 14 August 2024: legacy files only"

CROWDTANGLE_FACEBOOK = Preset(
    name="crowdtangle-facebook",
    vendor="CrowdTangle, Facebook page or group list CSV",
    signatures=(
        ("Post Created", "Total Interactions", "Likes at Posting"),
        ("Post Created", "Overperforming Score*"),
    ),
    rules={
        "timestamp": Col("Post Created", clean="timezone abbreviation -> offset"),
        "author": Col("User Name", "Page Name", "Group Name"),
        "followers": Numbers("max", "Likes at Posting", "Followers at Posting"),
        "text": Col("Message", "Description"),
        "engagement": Col("Total Interactions", clean="without thousands separators"),
        "url": Col("URL"),
        "platform": Const("facebook"),
    },
    timestamp_formats=(TimestampFormat("%Y-%m-%d %H:%M:%S %z", True, "2024-01-05 10:00:00 -0500"),),
    layout="CSV (UTF-8, ','), header in row 1",
    notes=(
        _TZ_NOTE,
        "followers = max(Likes at Posting, Followers at Posting)",
        "Total Interactions has thousands separators (1,234)",
        "the Overperforming Score (…) header (an em dash, double spaces) is matched by prefix",
        _LEGACY,
    ),
)

CROWDTANGLE_INSTAGRAM = Preset(
    name="crowdtangle-instagram",
    vendor="CrowdTangle, Instagram account list CSV",
    signatures=(("Account", "Followers at Posting", "Post Created"),),
    rules={
        "timestamp": Col("Post Created", clean="timezone abbreviation -> offset"),
        "author": Col("User Name", "Account"),
        "followers": Col("Followers at Posting", clean="without thousands separators"),
        "text": Col("Description", "Title"),
        "engagement": First(
            Col("Total Interactions", clean="without thousands separators"),
            Numbers("sum", "Likes", "Comments"),
        ),
        "url": Col("URL"),
        "platform": Const("instagram"),
    },
    timestamp_formats=CROWDTANGLE_FACEBOOK.timestamp_formats,
    layout="CSV (UTF-8 with BOM, ','), header in row 1",
    notes=(_TZ_NOTE, "engagement = Likes + Comments when there is no Total Interactions", _LEGACY),
)

SOCIAL: tuple[Preset, ...] = (TWARC2, SNSCRAPE, CROWDTANGLE_FACEBOOK, CROWDTANGLE_INSTAGRAM)
