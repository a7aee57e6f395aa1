"""Write one small export per preset into this directory, in the vendor's real encoding,
delimiter and layout (headers verbatim from the export-formats reference), so the readers and
presets are tested on files shaped like the real ones. Deterministic; run it to regenerate:

    python tests/data/exports/make_fixtures.py

The cells are invented. Where a vendor's layout is only partly known (Brandwatch's preamble
text), the fixture says so in a comment below.
"""
# ruff: noqa: E501

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
Cell = str | int | None  # None: an empty cell; int: a number cell in XLSX


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.replace("\n", " ").split("|"))


def _row(header: Sequence[str], cells: dict[str, Cell]) -> tuple[Cell, ...]:
    """A row with ``cells`` by header name; the other cells empty."""
    assert set(cells) <= set(header), set(cells) - set(header)
    return tuple(cells.get(h) for h in header)


@dataclass(frozen=True)
class Fixture:
    """One export file: its name, header, rows and how it is written."""

    file: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    write: Callable[[Path, Fixture], None]


def _csv_text(fixture: Fixture, delimiter: str, newline: str, before: str = "") -> str:
    out = io.StringIO()
    out.write(before)
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(fixture.header)
    writer.writerows([["" if c is None else c for c in row] for row in fixture.rows])
    return out.getvalue()


def csv_writer(
    encoding: str = "utf-8", delimiter: str = ",", newline: str = "\n", before: str = ""
) -> Callable[[Path, Fixture], None]:
    def write(path: Path, fixture: Fixture) -> None:
        path.write_bytes(_csv_text(fixture, delimiter, newline, before).encode(encoding))

    return write


def xlsx_writer(sheet: str, above: Sequence[str | None]) -> Callable[[Path, Fixture], None]:
    """A workbook whose ``sheet`` has the rows ``above`` (a banner, or None: blank) first."""

    def write(path: Path, fixture: Fixture) -> None:
        import xlsxwriter  # type: ignore[import-untyped]

        book = xlsxwriter.Workbook(str(path))
        book.set_properties({"created": datetime(2026, 2, 7, 9, 0), "author": "stormwatch"})
        book.add_worksheet("Summary").write_string(0, 0, "Overview")
        ws = book.add_worksheet(sheet)
        for r, banner in enumerate(above):
            if banner is not None:
                ws.write_string(r, 0, banner)
        for r, row in enumerate((fixture.header, *fixture.rows), start=len(above)):
            for c, cell in enumerate(row):
                if isinstance(cell, int):
                    ws.write_number(r, c, cell)
                elif cell:
                    ws.write_string(r, c, cell)
        book.close()

    return write


def jsonl_writer(path: Path, fixture: Fixture) -> None:
    lines = [json.dumps(record, ensure_ascii=False) for record in SNSCRAPE_RECORDS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def epoch_ms(text: str) -> str:
    return str(int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000))


# fmt: off
# --- Brandwatch: CSV with a preamble (its text is not documented anywhere: invented) --------
BW = _names(
    "Query Id|Query Name|Date|Title|Url|Domain|Sentiment|Page Type|Language|Country|Author|"
    "Full Name|Full Text|Snippet|Resource Id|Thread Id|Twitter Followers|Twitter Retweets|"
    "Twitter Reply Count|Instagram Follower Count|Reach (new)|Engagement|Impressions"
)
BW_PREAMBLE = (
    "Brandwatch Consumer Research\r\nReport:,Mentions\r\nProject:,Acme monitoring\r\n"
    "Queries:,Acme Fridge; Globex\r\nDate range:,2026-02-06 00:00 - 2026-02-07 00:00\r\n\r\n"
)
BRANDWATCH = Fixture(
    "brandwatch.csv",
    BW,
    (
        _row(BW, {"Query Id": "1998822", "Query Name": "Acme Fridge", "Date": "2026-02-06 15:03:00.0", "Url": "https://twitter.com/alice_k/status/1887", "Domain": "twitter.com", "Sentiment": "negative", "Page Type": "twitter", "Language": "en", "Author": "alice_k", "Full Name": "Alice K", "Full Text": "Door won't close, third time this week", "Resource Id": "1887", "Twitter Followers": "1200", "Twitter Retweets": "3", "Twitter Reply Count": "1", "Reach (new)": "54000"}),
        _row(BW, {"Query Id": "1998822", "Query Name": "Acme Fridge", "Date": "2026-02-06 15:10:12.345", "Title": "Acme recalls fridges", "Url": "https://news.example/acme-recall", "Domain": "news.example", "Sentiment": "neutral", "Page Type": "news", "Language": "de", "Author": "Redaktion", "Snippet": "Acme ruft Kühlschränke zurück", "Resource Id": "1888", "Reach (new)": "900000", "Engagement": "15"}),
        _row(BW, {"Query Id": "2001001", "Query Name": "Globex", "Date": "2026-02-06 16:00:00.0", "Url": "https://www.instagram.com/p/xyz", "Domain": "instagram.com", "Sentiment": "positive", "Page Type": "instagram", "Language": "en", "Author": "bob.b", "Full Text": "Love the new model", "Resource Id": "1889", "Instagram Follower Count": "5400", "Engagement": "22"}),
    ),
    csv_writer(newline="\r\n", before=BW_PREAMBLE),
)

# --- Meltwater: UTF-16 LE with BOM, tab separated (2026 header) -------------------------------
MW = _names(
    "Date|Headline|URL|Opening Text|Hit Sentence|Source|Influencer|Country|Subregion|Language|"
    "Reach|Desktop Reach|Mobile Reach|Twitter Social Echo|Facebook Social Echo|"
    "Reddit Social Echo|National Viewership|Engagement|AVE|Sentiment|Key Phrases|Input Name|"
    "Keywords|Twitter Authority|Tweet Id|Twitter Id|Twitter Client|Twitter Screen Name|"
    "User Profile Url|Twitter Bio|Twitter Followers|Twitter Following|Alternate Date Format|"
    "Time|State|City|Social Echo Total|Editorial Echo|Views|Estimated Views|Likes|Replies|"
    "Retweets|Comments|Shares|Reactions|Threads|Is Verified|Parent URL|Document Tags|"
    "Document ID|Custom Categories"
)
MELTWATER = Fixture(
    "meltwater.csv",
    MW,
    (
        _row(MW, {"Date": "06-Feb-2026 03:03PM", "URL": "https://twitter.com/farmaextrado/status/1887", "Hit Sentence": "Esta nevera no cierra #acme", "Source": "Twitter", "Influencer": "@farmaextrado", "Country": "Unknown", "Language": "Spanish", "Reach": "5400", "Engagement": "12", "Sentiment": "Negative", "Input Name": "Acme", "Tweet Id": "1887", "Twitter Screen Name": "farmaextrado", "Twitter Followers": "5400", "Alternate Date Format": "06-Feb-26", "Time": "3:03 PM", "Likes": "10", "Retweets": "2", "Is Verified": "false", "Document ID": "mw-1"}),
        _row(MW, {"Date": "06-Feb-2026 11:45AM", "Headline": "Acme recalls fridges", "URL": "https://news.example/acme", "Opening Text": "Acme is recalling 10,000 fridges.", "Source": "News Example", "Country": "Germany", "Language": "English", "Reach": "900000", "Sentiment": "Not Rated", "Input Name": "Acme", "Alternate Date Format": "06-Feb-26", "Time": "11:45 AM", "Document ID": "mw-2"}),
        # An empty Date: the reader falls back to Alternate Date Format + Time.
        _row(MW, {"URL": "https://twitter.com/contento/status/1890", "Hit Sentence": "Mi Acme funciona bien", "Source": "Twitter", "Influencer": "@contento", "Language": "Spanish", "Engagement": "0", "Sentiment": "Positive", "Input Name": "Globex", "Twitter Followers": "80", "Alternate Date Format": "07-Feb-26", "Time": "9:15 AM", "Document ID": "mw-3"}),
    ),
    csv_writer(encoding="utf-16", delimiter="\t", newline="\r\n"),  # utf-16 = LE with BOM here
)

# --- Talkwalker: CSV, dotted API names; epoch ms, Excel apostrophes --------------------------
TW = _names(
    "url|indexed|published|search_indexed|title_snippet|content_snippet|title|content|root_url|"
    "domain_url|host_url|parent_url|lang|porn_level|fluency_level|spam_level|sentiment|"
    "source_type|post_type|cluster_id|meta_cluster_id|tags_internal|tags_marking|tags_customer|"
    "entity_urls|images.url|matched_profile|article_extended_attributes.twitter_retweets|"
    "article_extended_attributes.num_comments|source_extended_attributes.twitter_followers|"
    "source_extended_attributes.instagram_followers|extra_author_attributes.id|"
    "extra_author_attributes.name|extra_author_attributes.short_name|"
    "extra_author_attributes.world_data.country_code|extra_source_attributes.name|engagement|"
    "reach|provider|article_extended_attributes.twitter_likes|word_count"
)
TALKWALKER = Fixture(
    "talkwalker.csv",
    TW,
    (
        _row(TW, {"url": "https://twitter.com/alice_k/status/1887", "published": epoch_ms("2026-02-06T15:03:00"), "content": "Fridge door broken again", "lang": "en", "sentiment": "'-3", "source_type": "SOCIALMEDIA", "post_type": "TEXT", "source_extended_attributes.twitter_followers": "'1500", "extra_author_attributes.name": "Alice K", "extra_author_attributes.short_name": "alice_k", "engagement": "'12", "reach": "40000"}),
        _row(TW, {"url": "https://news.example/acme", "published": "'" + epoch_ms("2026-02-06T16:03:00"), "content_snippet": "Acme recalls fridges after complaints", "title": "Acme recall", "lang": "de", "sentiment": "0", "source_type": "ONLINENEWS", "post_type": "LINK", "extra_source_attributes.name": "News Example", "engagement": "3", "reach": "900000"}),
        _row(TW, {"url": "https://twitter.com/bob_b/status/1900", "published": epoch_ms("2026-02-06T17:03:00"), "content": "Best fridge ever", "lang": "en", "sentiment": "5", "source_type": "SOCIALMEDIA", "post_type": "TEXT", "source_extended_attributes.twitter_followers": "'250", "extra_author_attributes.short_name": "bob_b", "engagement": "0"}),
    ),
    csv_writer(),
)

# --- Brand24: XLSX, sheet Mentions, row 1 empty, header in row 2 with an empty first cell ----
B24 = ("", "ID", "Date", "Hrs", "Title", "Content", "Source", "Domain", "Category", "Sentiment", "Tags")
BRAND24 = Fixture(
    "brand24.xlsx",
    B24,
    (
        (None, "90001", "2026-02-06", "15:03:00", "Fridge complaint", "The door of my Acme fridge won't close", "https://forum.example/t/123", "forum.example", "forum", -1, None),
        (None, "90002", "2026-02-06", "15:45", "Acme recall", None, "https://news.example/acme", "news.example", "news", 0, "recall"),
        (None, "90003", "2026-02-07", "09:15:30", None, "Great fridge", "https://facebook.com/p/1", "facebook.com", "facebook", 1, None),
    ),
    xlsx_writer("Mentions", [None]),
)

# --- Sprinklr: XLSX, banner row 1, blank row 2, header row 3; day-first dates -----------------
SP = _names(
    "Conversation Stream|Campaign ID|Profile URL|User Name|Permalink|Created Time|snType column|"
    "Author Screen Name|Media Type|Sender Screen Name|Sender Follower Count|Sender Verified|"
    "Sentiment|Universal Message Id"
)
SPRINKLR = Fixture(
    "sprinklr.xlsx",
    SP,
    (
        _row(SP, {"Conversation Stream": "Door broken again @acme", "Profile URL": "https://twitter.com/alice_k", "User Name": "Alice K", "Permalink": "https://twitter.com/alice_k/status/1887", "Created Time": "06/02/2026 15:03:00", "snType column": "TWITTER", "Author Screen Name": "alice_k", "Media Type": "TEXT", "Sender Screen Name": "alice_k", "Sender Follower Count": 1200, "Sender Verified": "false", "Sentiment": "NEGATIVE", "Universal Message Id": "TWITTER_1887"}),
        _row(SP, {"Conversation Stream": "Acme recall in the news", "Permalink": "https://facebook.com/acme/posts/2", "Created Time": "13/02/2026 09:00:00", "snType column": "FACEBOOK", "Author Screen Name": "acme_news_fan", "Sentiment": "NEUTRAL", "Universal Message Id": "FACEBOOK_2"}),
        _row(SP, {"Conversation Stream": "Love it", "Permalink": "https://instagram.com/p/3", "Created Time": "07/02/2026 08:30:00", "snType column": "INSTAGRAM", "Sender Screen Name": "bob.b", "Sender Follower Count": 300, "Sentiment": "POSITIVE", "Universal Message Id": "INSTAGRAM_3"}),
    ),
    xlsx_writer("Raw Data", ["Acme Listening - Raw Data (exported 07/02/2026 09:00)", None]),
)

# --- YouScan (Spanish UI): XLSX, sheet Menciones, day-first dates ---------------------------
YS = _names(
    "Fecha|Texto|Sentimiento|Autor|Fuente|Engagement|Me gusta|Comentarios|Republicaciones|"
    "Visualizaciones|Alcance potencial|País|URL de la mención|Marca"
)
YOUSCAN = Fixture(
    "youscan-es.xlsx",
    YS,
    (
        ("06/02/2026 15:03", "La puerta de mi nevera Acme no cierra", "Negativo", "@farmaextrado", "twitter.com", "12", "10", "1", "1", "300", "5400", "España", "https://twitter.com/farmaextrado/status/1887", "Acme"),
        ("13/02/2026 09:00", "Acme retira neveras", "Neutral", "El Diario", "eldiario.es", "0", None, None, None, None, "900000", "España", "https://eldiario.es/acme", "Acme"),
        ("07/02/2026 08:30", "Me encanta", "Positivo", "@contento", "instagram.com", None, None, None, None, None, "80", "México", "https://instagram.com/p/4", "Globex"),
    ),
    xlsx_writer("Menciones", []),
)

# --- twarc2 csv: UTF-8, full header; a retweet repeats the original's public_metrics --------
TC = _names(
    "id|conversation_id|referenced_tweets.replied_to.id|referenced_tweets.retweeted.id|"
    "referenced_tweets.quoted.id|author_id|in_reply_to_user_id|in_reply_to_username|"
    "retweeted_user_id|retweeted_username|quoted_user_id|quoted_username|created_at|text|lang|"
    "source|public_metrics.impression_count|public_metrics.reply_count|"
    "public_metrics.retweet_count|public_metrics.quote_count|public_metrics.like_count|"
    "reply_settings|edit_history_tweet_ids|edit_controls.edits_remaining|"
    "edit_controls.editable_until|edit_controls.is_edit_eligible|possibly_sensitive|"
    "withheld.scope|withheld.copyright|withheld.country_codes|entities.annotations|"
    "entities.cashtags|entities.hashtags|entities.mentions|entities.urls|context_annotations|"
    "attachments.media|attachments.media_keys|attachments.poll.duration_minutes|"
    "attachments.poll.end_datetime|attachments.poll.id|attachments.poll.options|"
    "attachments.poll.voting_status|attachments.poll_ids|author.id|author.created_at|"
    "author.username|author.name|author.description|author.entities.description.cashtags|"
    "author.entities.description.hashtags|author.entities.description.mentions|"
    "author.entities.description.urls|author.url|author.location|author.pinned_tweet_id|"
    "author.profile_image_url|author.protected|author.public_metrics.followers_count|"
    "author.public_metrics.following_count|author.public_metrics.listed_count|"
    "author.public_metrics.tweet_count|author.verified|author.withheld.scope|"
    "author.withheld.copyright|author.withheld.country_codes|geo.coordinates.coordinates|"
    "geo.coordinates.type|geo.country|geo.country_code|geo.full_name|geo.geo.bbox|"
    "geo.geo.type|geo.id|geo.name|geo.place_id|geo.place_type|matching_rules|"
    "__twarc.retrieved_at|__twarc.url|__twarc.version"
)
_ORIGINAL = "1887000000000000001"
_METRICS = {"public_metrics.reply_count": "2", "public_metrics.retweet_count": "10", "public_metrics.quote_count": "1", "public_metrics.like_count": "30", "public_metrics.impression_count": "5000"}
_TWARC = {"__twarc.retrieved_at": "2026-02-07T09:00:00+00:00", "__twarc.url": "https://api.twitter.com/2/tweets/search/recent", "__twarc.version": "2.14.0"}
TWARC2 = Fixture(
    "twarc2.csv",
    TC,
    (
        _row(TC, {"id": _ORIGINAL, "conversation_id": _ORIGINAL, "author_id": "111", "created_at": "2026-02-06T15:03:00.000Z", "text": "My @acme fridge door won't close.\\nThird time!", "lang": "en", **_METRICS, "entities.mentions": '[{"start": 3, "end": 8, "username": "acme", "id": "999"}]', "author.id": "111", "author.username": "alice_k", "author.name": "Alice K", "author.public_metrics.followers_count": "1200", **_TWARC}),
        _row(TC, {"id": "1887000000000000002", "conversation_id": "1887000000000000002", "referenced_tweets.retweeted.id": _ORIGINAL, "author_id": "222", "retweeted_user_id": "111", "retweeted_username": "alice_k", "created_at": "2026-02-06T15:10:00.000Z", "text": "My @acme fridge door won't close.\\nThird time!", "lang": "en", **_METRICS, "author.id": "222", "author.username": "bob_b", "author.public_metrics.followers_count": "85", **_TWARC}),
        _row(TC, {"id": "1887000000000000003", "conversation_id": _ORIGINAL, "referenced_tweets.replied_to.id": _ORIGINAL, "author_id": "999", "in_reply_to_user_id": "111", "in_reply_to_username": "alice_k", "created_at": "2026-02-06T16:00:00.000Z", "text": "@alice_k Sorry to hear that! DM us.", "lang": "en", "public_metrics.reply_count": "0", "public_metrics.retweet_count": "0", "public_metrics.quote_count": "0", "public_metrics.like_count": "3", "author.id": "999", "author.username": "acme_support", "author.public_metrics.followers_count": "50000", **_TWARC}),
    ),
    csv_writer(),
)

# --- snscrape --jsonl twitter-search: nested JSON objects (the header is after flattening) ---
SNSCRAPE_RECORDS: list[dict[str, object]] = [
    {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/alice_k/status/1609", "date": "2023-01-01T12:00:00+00:00", "rawContent": "Fridge broke on New Year's Day", "renderedContent": "Fridge broke on New Year's Day", "id": 1609000000000000001, "user": {"_type": "snscrape.modules.twitter.User", "username": "alice_k", "id": 111, "displayname": "Alice K", "followersCount": 1200, "verified": False}, "replyCount": 2, "retweetCount": 10, "likeCount": 30, "quoteCount": 1, "lang": "en", "content": "Fridge broke on New Year's Day", "retweetedTweet": None, "quotedTweet": None, "hashtags": None},
    {"_type": "snscrape.modules.twitter.Tweet", "url": "https://twitter.com/acme_support/status/1610", "date": "2023-01-01T13:30:00+00:00", "rawContent": "@alice_k We're on it", "renderedContent": "@alice_k We're on it", "id": 1609000000000000002, "user": {"_type": "snscrape.modules.twitter.User", "username": "acme_support", "id": 999, "displayname": "Acme Support", "followersCount": 50000, "verified": True}, "replyCount": 0, "retweetCount": 0, "likeCount": 4, "quoteCount": 0, "lang": "en", "content": "@alice_k We're on it", "retweetedTweet": None, "quotedTweet": None, "hashtags": ["acme"]},
]
SNSCRAPE = Fixture(
    "snscrape.jsonl",
    ("_type", "url", "date", "rawContent", "renderedContent", "id", "user._type", "user.username", "user.id", "user.displayname", "user.followersCount", "user.verified", "replyCount", "retweetCount", "likeCount", "quoteCount", "lang", "content", "retweetedTweet", "quotedTweet", "hashtags"),
    tuple(
        tuple(
            None if v is None else json.dumps(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)
            for v in (*(r[k] for k in ("_type", "url", "date", "rawContent", "renderedContent", "id")), *(r["user"][k] for k in ("_type", "username", "id", "displayname", "followersCount", "verified")), *(r[k] for k in ("replyCount", "retweetCount", "likeCount", "quoteCount", "lang", "content", "retweetedTweet", "quotedTweet", "hashtags")))  # type: ignore[index]
        )
        for r in SNSCRAPE_RECORDS
    ),
    jsonl_writer,
)

# --- CrowdTangle: Facebook (4CAT's column set) and Instagram (UTF-8 with BOM) ----------------
OVERPERFORMING = "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x Angry 1x Care 1x )"
CF = (*_names(
    "Page Name|User Name|Facebook Id|Page Category|Page Admin Top Country|Page Description|"
    "Page Created|Likes at Posting|Followers at Posting|Post Created|Post Created Date|"
    "Post Created Time|Type|Total Interactions|Likes|Comments|Shares|Love|Wow|Haha|Sad|Angry|"
    "Care|Video Share Status|Is Video Owner?|Post Views|Total Views|"
    "Total Views For All Crossposts|Video Length|URL|Message|Link|Final Link|Image Text|"
    "Link Text|Description|Sponsor Id|Sponsor Name|Sponsor Category"
), OVERPERFORMING)
CROWDTANGLE_FACEBOOK = Fixture(
    "crowdtangle-facebook.csv",
    CF,
    (
        _row(CF, {"Page Name": "Acme Deutschland", "User Name": "acmede", "Facebook Id": "100000001", "Page Category": "BRAND", "Page Admin Top Country": "DE", "Likes at Posting": "10,500", "Followers at Posting": "12,000", "Post Created": "2024-01-05 10:00:00 EST", "Post Created Date": "2024-01-05", "Post Created Time": "10:00:00", "Type": "Status", "Total Interactions": "1,234", "Likes": "1,000", "Comments": "200", "Shares": "34", "Video Length": "N/A", "URL": "https://www.facebook.com/acmede/posts/1", "Message": "We hear you: a fix for the fridge door is coming", OVERPERFORMING: "2.50"}),
        _row(CF, {"Page Name": "Kühlschrank-Freunde", "Facebook Id": "100000002", "Page Category": "COMMUNITY", "Likes at Posting": "25,000", "Post Created": "2024-07-05 10:00:00 EDT", "Post Created Date": "2024-07-05", "Post Created Time": "10:00:00", "Type": "Link", "Total Interactions": "87", "Likes": "80", "Comments": "7", "Video Length": "N/A", "URL": "https://www.facebook.com/kuehlschrank/posts/2", "Link": "https://news.example/acme", "Description": "Acme recalls fridges", OVERPERFORMING: "-1.20"}),
        _row(CF, {"Page Name": "Acme France", "User Name": "acmefr", "Facebook Id": "100000003", "Likes at Posting": "900", "Followers at Posting": "950", "Post Created": "2024-01-05 16:00:00 CET", "Post Created Date": "2024-01-05", "Post Created Time": "16:00:00", "Type": "Status", "Total Interactions": "0", "Video Length": "N/A", "URL": "https://www.facebook.com/acmefr/posts/3", "Message": "Bonjour", OVERPERFORMING: "1.00"}),
    ),
    csv_writer(),
)
CI = _names("Account|User Name|Followers at Posting|Post Created|Type|Likes|Comments|Views|URL|Link|Photo|Title|Description")
CROWDTANGLE_INSTAGRAM = Fixture(
    "crowdtangle-instagram.csv",
    CI,
    (
        ("Acme", "acme", "250,000", "2024-01-05 10:00:00 EST", "Photo", "1,200", "80", None, "https://www.instagram.com/p/abc/", None, "https://scontent.example/abc.jpg", None, "New fridge line"),
        ("Fridge Fan", "fridgefan", "3,400", "2024-01-06 09:30:00 PST", "Video", "150", "12", "2,000", "https://www.instagram.com/p/def/", None, None, "Unboxing", None),
    ),
    csv_writer(encoding="utf-8-sig"),
)

# --- German Excel "CSV": cp1252, ';', decimal comma, dd.mm.yyyy; read with a --mapping file --
DE = ("Erwähnt am", "Verfasser", "Fans", "Beitrag", "Stimmung", "Marke", "Reaktionen")
GERMAN = Fixture(
    "german-cp1252.csv",
    DE,
    (
        ("06.02.2026 15:03", "Jürgen Müller", "1.234", "Tür geht nicht zu – schon wieder", "negativ", "Acme", "12"),
        ("06.02.2026 16:10", "Anna", "15.000", "Rückruf?", "neutral", "Acme", "1.050"),
        ("07.02.2026 09:00", "Bäckerei Schmidt", None, "Läuft bei uns", "positiv", "Globex", "3,5"),
    ),
    csv_writer(encoding="cp1252", delimiter=";", newline="\r\n"),
)
GERMAN_MAPPING = """\
# Columns of german-cp1252.csv (a made-up German tool's export) for --mapping
timestamp = "Erwähnt am"
timestamp_format = "%d.%m.%Y %H:%M"
author = "Verfasser"
text = "Beitrag"
engagement = "Reaktionen"
platform = { value = "facebook" }
decimal_comma = true
"""

# --- A pre-aggregated mention-volume series, German style ------------------------------------
SERIES = Fixture(
    "volume-series.csv",
    ("Datum", "Marke", "Anzahl"),
    (
        ("06.02.2026 00:00", "Acme", "12"),
        ("06.02.2026 00:00", "Globex", "3"),
        ("06.02.2026 01:00", "Acme", "9"),
        ("06.02.2026 01:00", "Globex", "0"),
    ),
    csv_writer(delimiter=";", newline="\r\n"),
)

#: Preset name (or case) -> fixture.
FIXTURES: dict[str, Fixture] = {
    "brandwatch": BRANDWATCH,
    "meltwater": MELTWATER,
    "talkwalker": TALKWALKER,
    "brand24": BRAND24,
    "sprinklr": SPRINKLR,
    "youscan": YOUSCAN,
    "twarc2": TWARC2,
    "snscrape": SNSCRAPE,
    "crowdtangle-facebook": CROWDTANGLE_FACEBOOK,
    "crowdtangle-instagram": CROWDTANGLE_INSTAGRAM,
    "german-mapping": GERMAN,
    "series": SERIES,
}

# fmt: on


def main(out: Path = HERE) -> list[Path]:
    """Write every fixture (and the German mapping file) into ``out``."""
    written = []
    for fixture in FIXTURES.values():
        path = out / fixture.file
        fixture.write(path, fixture)
        written.append(path)
    mapping = out / "german-cp1252.mapping.toml"
    mapping.write_text(GERMAN_MAPPING, encoding="utf-8")
    return [*written, mapping]


if __name__ == "__main__":
    for path in main():
        print(path.relative_to(HERE.parent.parent.parent))
