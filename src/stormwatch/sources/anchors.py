"""Anchor columns: find the header row of an export by the column names it is known to use.

Exports put preambles, banners and blank rows above the header (Brandwatch: several lines of
report metadata; Sprinklr: a banner row and a blank row; Brand24: a blank first row), and the
number of those rows varies between versions. Instead of a fixed ``skiprows`` the readers score
the first rows by how many cells are known header names and take the best one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from stormwatch.sources.schema import ALIASES, TOPIC_DEFAULTS, normalise_header

#: How many non-empty rows may come before the header.
MAX_HEADER_ROWS = 20

# Verbatim headers of real vendor exports (see docs: export-formats), beyond the aliases.
_VENDOR_HEADERS = """
Full Text|Query Id|Query Name|Resource Id|Thread Id|Thread Author|Thread URL|Title|Domain|Url
Original Url|Page Type|Twitter Followers|Twitter Retweets|Twitter Reply Count|Reach|Impressions
Snippet|Country|Checked|Added|Updated|Full Name|Account Type|Expanded URLs|Media URLs
Hit Sentence|Headline|Opening Text|Influencer|Input Name|Keywords|Tweet Id|Twitter Screen Name
Document ID|Parent URL|Alternate Date Format|Social Echo Total|Key Phrases|Twitter Id|Source
Hrs|Category|Tags|Date|Time|ID
Conversation Stream|Permalink|Created Time|User Name|Sender Screen Name|Sender Follower Count
Author Screen Name|From User|snType column|snTypeColumn|Universal Message Id|Media Type
Profile URL|Campaign ID|Message
published|content|title|lang|source_type|post_type|reach|indexed|search_indexed|root_url
extra_author_attributes.name|extra_author_attributes.short_name|extra_source_attributes.name
source_extended_attributes.twitter_followers|article_extended_attributes.twitter_followers
Fecha|Texto|Sentimiento|Autor|Fuente|Me gusta|Comentarios|Alcance potencial|País|URL de la mención
Text snippet|Published|Views|Platform
Mention Date|Post Created|Post Created Date|Followers at Posting|Likes at Posting|Page Name
Total Interactions|Link|Description|Type
created_at|author_id|conversation_id|author.username|author.name|text|public_metrics.like_count
author.public_metrics.followers_count|public_metrics.retweet_count|public_metrics.reply_count
date|rawContent|renderedContent|user.username|user.followersCount|user.displayname|likeCount
retweetCount|replyCount|quoteCount|url
created_utc|body|selftext|subreddit|permalink|score|num_comments
authorName|publishedAt|videoId|channelTitle|isReplyTo
Tone|Radarly Id|Screen Name|Post Type|published_at|original_url|source_name|tone
Network|Profile|Post|Engagements
"""

#: Normalised names (``schema.normalise_header``) that mark a header row.
KNOWN_HEADERS: frozenset[str] = frozenset(
    {alias for aliases in ALIASES.values() for alias in aliases}
    | set(TOPIC_DEFAULTS)
    | {normalise_header(name) for name in _VENDOR_HEADERS.replace("\n", "|").split("|")}
) - {""}


def header_score(cells: Iterable[str | None]) -> int:
    """How many cells are known header names (after ``schema.normalise_header``)."""
    return sum(1 for cell in cells if cell and normalise_header(cell) in KNOWN_HEADERS)


def is_blank(cells: Sequence[str | None]) -> bool:
    """A row without any non-whitespace cell."""
    return not any(cell and cell.strip() for cell in cells)


def choose_header(rows: Sequence[Sequence[str | None]]) -> int:
    """Index of the header among ``rows`` (the first non-empty rows of a table, at most
    :data:`MAX_HEADER_ROWS`): the earliest row with the best score, if it names at least two
    known columns or is the only row that names one; else the first row (then the user sees
    its names in the "no timestamp column" error and can map them)."""
    scores = [header_score(row) for row in rows[:MAX_HEADER_ROWS]]
    if not scores:
        return 0
    best = max(scores)
    if best >= 2 or (best == 1 and scores.count(1) == 1):
        return scores.index(best)
    return 0
