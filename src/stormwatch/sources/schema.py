"""The canonical mention schema every importer produces, and the header aliases it recognises.

Header matching is forgiving: names are compared after lower-casing and folding every run of
non-alphanumeric characters into ``_`` (``"Created At"`` == ``created-at`` == ``created_at``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import polars as pl

#: Canonical column -> polars dtype. ``topic`` is the grouping column (``--by``).
CANONICAL: dict[str, pl.DataType] = {
    "timestamp": pl.Datetime("us", "UTC"),
    "topic": pl.String(),
    "author": pl.String(),
    "followers": pl.Int64(),
    "text": pl.String(),
    "sentiment": pl.String(),
    "engagement": pl.Int64(),
    "url": pl.String(),
    "platform": pl.String(),
    "language": pl.String(),
    "id": pl.String(),
    "count": pl.Int64(),  # mentions a row stands for: 1, or the value of a volume series
}

SENTIMENTS = ("negative", "neutral", "positive")

#: Canonical column -> accepted header names (normalised), most specific first.
ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "timestamp",
        "date",
        "datetime",
        "date_time",
        "created_at",
        "created",
        "time",
        "published",
        "published_at",
        "posted_at",
        "post_date",
        "datum",
        "zeitstempel",
        "erstellt_am",
        "veroeffentlicht",
        "veroeffentlicht_am",
        "fecha",
        "fecha_de_publicacion",
    ),
    "author": (
        "author",
        "username",
        "user_name",
        "screen_name",
        "user",
        "handle",
        "author_name",
        "author_handle",
        "from_user",
        "account",
        "autor",
        "nutzer",
        "benutzer",
        "verfasser",
        "autor_a",
    ),
    "followers": (
        "followers",
        "followers_count",
        "follower_count",
        "author_followers",
        "user_followers",
        "user_followers_count",
        "follower",
        "fans",
        "abonnenten",
        "seguidores",
    ),
    "text": (
        "text",
        "full_text",
        "content",
        "message",
        "body",
        "snippet",
        "post",
        "tweet",
        "mention",
        "inhalt",
        "nachricht",
        "beitrag",
        "beitragstext",
        "textausschnitt",
        "texto",
    ),
    "sentiment": ("sentiment", "tonality", "tone", "stimmung", "tonalitaet", "sentimiento"),
    "engagement": (
        "engagement",
        "engagements",
        "interactions",
        "total_interactions",
        "interaktionen",
        "reaktionen",
        "interacciones",
    ),
    "url": ("url", "link", "permalink", "post_url", "mention_url", "enlace"),
    "platform": ("platform", "network", "channel", "site", "plattform", "kanal", "red_social"),
    "language": ("language", "lang", "sprache", "idioma"),
    "id": ("id", "mention_id", "post_id", "tweet_id", "status_id", "resource_id"),
}

#: Columns used as the topic when ``--by`` is not given, in order of preference.
TOPIC_DEFAULTS: tuple[str, ...] = (
    "brand",
    "query",
    "query_name",
    "topic",
    "keyword",
    "search",
    "project",
    "marke",
    "thema",
    "suchbegriff",
    "marca",
)

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def normalise_header(name: str) -> str:
    """``" Created At "`` -> ``created_at``; the key used for alias matching. German umlauts
    are spelt out and accents dropped (``Tonalität`` -> ``tonalitaet``, ``País`` -> ``pais``)."""
    text = name.strip().lower().replace("\ufeff", "").translate(_UMLAUTS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("_", text).strip("_")


def match_columns(header: Sequence[str]) -> dict[str, str]:
    """Map canonical names to the file's own header names, by alias (first alias wins).

    A header is used for one canonical column at most.
    """
    by_key: dict[str, str] = {}
    for name in header:
        by_key.setdefault(normalise_header(name), name)
    found: dict[str, str] = {}
    taken: set[str] = set()
    for canonical, aliases in ALIASES.items():
        for alias in aliases:
            original = by_key.get(alias)
            if original is not None and original not in taken:
                found[canonical] = original
                taken.add(original)
                break
    return found


def find_column(header: Sequence[str], wanted: str) -> str | None:
    """The header that ``wanted`` names: exact, then normalised, match."""
    if wanted in header:
        return wanted
    key = normalise_header(wanted)
    for name in header:
        if normalise_header(name) == key:
            return name
    return None


def default_topic_column(header: Sequence[str], taken: Iterable[str] = ()) -> str | None:
    """The first brand/query/topic-like header, or None (one topic for the whole file)."""
    used = set(taken)
    keys = {normalise_header(h): h for h in header if h not in used}
    for candidate in TOPIC_DEFAULTS:
        if candidate in keys:
            return keys[candidate]
    return None


def closest_headers(header: Sequence[str], canonical: str, limit: int = 3) -> list[str]:
    """Headers that look most like ``canonical``'s aliases (for error hints)."""
    import difflib

    # A header that is another column's own name (``sentiment``) is not a candidate.
    others = {a for c, aliases in ALIASES.items() if c != canonical for a in aliases}
    keys = {normalise_header(h): h for h in header if normalise_header(h) not in others}
    scores: dict[str, float] = {}
    for alias in ALIASES.get(canonical, (canonical,)):
        for key, original in keys.items():
            ratio = difflib.SequenceMatcher(None, alias, key).ratio()
            if alias in key:
                ratio = max(ratio, 0.8)
            scores[original] = max(scores.get(original, 0.0), ratio)
    ranked = sorted((s, h) for h, s in scores.items() if s >= 0.7)
    return [h for _, h in reversed(ranked)][:limit]


_SENTIMENT_WORDS: Mapping[str, tuple[str, ...]] = {
    "negative": (
        "negative",
        "neg",
        "negativ",
        "negativo",
        "negativa",
        "very negative",
        "sehr negativ",
        "muy negativo",
    ),
    "neutral": ("neutral", "neu", "neutro", "neutra", "mixed", "gemischt", "mixto"),
    "positive": (
        "positive",
        "pos",
        "positiv",
        "positivo",
        "positiva",
        "very positive",
        "sehr positiv",
        "muy positivo",
    ),
}


def _label_table() -> dict[str, str]:
    """Every spelling we accept, exactly as it may stand in a file: lower, Title, UPPER case,
    and small integers with an optional sign or Excel's leading apostrophe ("'-3")."""
    table: dict[str, str] = {}
    for label, words in _SENTIMENT_WORDS.items():
        for word in words:
            for spelling in (word, word.title(), word.capitalize(), word.upper()):
                table[spelling] = label
    for n in range(-10, 11):
        label = "negative" if n < 0 else "positive" if n > 0 else "neutral"
        for spelling in (str(n), f"+{n}" if n > 0 else str(n), f"{n}.0"):
            table[spelling] = label
            table["'" + spelling] = label
    return table


SENTIMENT_LABELS: Mapping[str, str] = _label_table()


#: Spellings (stripped, lower case) that say "no sentiment": empty, not an unreadable value.
UNRATED = frozenset(
    {
        "",
        "-",
        "n/a",
        "na",
        "none",
        "null",
        "unknown",
        "not rated",
        "unrated",
        "not_rated",
        "nicht bewertet",
        "unbekannt",
        "keine",
        "sin clasificar",
        "desconocido",
    }
)


def excel_text(raw: pl.Expr) -> pl.Expr:
    """A cell as typed: without surrounding spaces and Excel's leading apostrophe (its text
    guard, ``'1234``)."""
    return raw.str.strip_chars().str.strip_chars_start("'")


def number_text(raw: pl.Expr) -> pl.Expr:
    """``excel_text`` with the Unicode minus (``−3``) as a plain one, ready to cast."""
    return excel_text(raw).str.replace("\u2212", "-", literal=True)


def _tidy(raw: pl.Expr) -> pl.Expr:
    """A label as people type it (``number_text``), lower case, a decimal comma (``-0,5`` in a
    German file) made a point."""
    return number_text(raw).str.to_lowercase().str.replace(",", ".", literal=True)


def _by_sign(number: pl.Expr) -> pl.Expr:
    return (
        pl.when(number < 0)
        .then(pl.lit("negative"))
        .when(number > 0)
        .then(pl.lit("positive"))
        .when(number == 0)
        .then(pl.lit("neutral"))
    )


#: ``sentiment_marked``'s value for a cell that is neither a label nor a way of saying none.
UNREAD_MARK = "?"


def _label(raw: pl.Expr) -> pl.Expr:
    """The label of each spelling: exact, else tidied (see ``_tidy``: `` Negative ``,
    ``-0,5``) and looked up again or read as a number by its sign (``0.35``); null for "not
    rated" (``UNRATED``), ``UNREAD_MARK`` for anything else."""
    tidy = _tidy(raw)
    label = pl.coalesce(
        raw.replace_strict(SENTIMENT_LABELS, default=None, return_dtype=pl.String),
        tidy.replace_strict(SENTIMENT_LABELS, default=None, return_dtype=pl.String),
        _by_sign(tidy.cast(pl.Float64, strict=False)),
    )
    unread = label.is_null() & raw.is_not_null() & ~tidy.is_in(list(UNRATED))
    return pl.when(unread).then(pl.lit(UNREAD_MARK)).otherwise(label)


def _exact_table() -> dict[str, str | None]:
    """Every exact spelling with its label: ``SENTIMENT_LABELS``, and the spellings of "not
    rated" as people write them (``Not Rated``, ``UNKNOWN``), whose label is none."""
    table: dict[str, str | None] = dict(SENTIMENT_LABELS)
    for word in sorted(UNRATED - {""}):
        for spelling in (word, word.title(), word.capitalize(), word.upper()):
            table.setdefault(spelling, None)
    return table


#: The exact spellings as an enum, their labels in the same order: casting to the enum and
#: gathering the labels is one lookup a row (4x cheaper than ``replace_strict``), no Python.
_EXACT = _exact_table()
_SPELLINGS = pl.Enum(list(_EXACT))
_SPELLING_LABELS = pl.Series(list(_EXACT.values()), dtype=pl.String)


def sentiment_exact(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """``(label, missed)``: the label of each exact spelling (null for none and for a way of
    saying "not rated"), as :func:`sentiment_marked` gives it, with no string work and no
    Python; ``missed``: a value that is no exact spelling (`` Negative ``, ``-0,5``), for
    which only :func:`sentiment_marked` is right."""
    index = raw.cast(_SPELLINGS, strict=False).to_physical()
    return pl.lit(_SPELLING_LABELS).gather(index), raw.is_not_null() & index.is_null()


def _label_batch(batch: pl.Series) -> pl.Series:
    """``_label`` of a batch: one lookup when every value is an exact spelling (nearly
    always), else worked out once per distinct spelling (a sentiment column holds a
    handful), so no string work runs on every row."""
    index = batch.cast(_SPELLINGS, strict=False).to_physical()
    if index.null_count() == batch.null_count():
        return _SPELLING_LABELS.gather(index).alias(batch.name)
    spellings = batch.unique().drop_nulls()
    labels = pl.DataFrame({"raw": spellings}, schema={"raw": pl.String}).select(
        _label(pl.col("raw"))
    )
    return batch.replace_strict(spellings, labels.to_series(), default=None, return_dtype=pl.String)


def sentiment_marked(raw: pl.Expr) -> pl.Expr:
    """negative/neutral/positive, null for no sentiment, ``UNREAD_MARK`` for an unreadable
    value (see ``_label``)."""
    return raw.map_batches(_label_batch, return_dtype=pl.String, is_elementwise=True)


def score_marked(score: pl.Expr) -> pl.Expr:
    """``sentiment_marked`` of a numeric score column (Parquet): the label by its sign, as
    ``_label`` reads a number cell; never unreadable."""
    return _by_sign(score.cast(pl.Float64))


def unmarked(marked: pl.Expr) -> pl.Expr:
    """``sentiment_marked``'s labels with the unreadable mark as null."""
    return pl.when(marked == UNREAD_MARK).then(None).otherwise(marked)


def sentiment_expr(raw: pl.Expr) -> pl.Expr:
    """Normalise sentiment labels (en/de/es) and numbers (by sign) to negative/neutral/positive;
    anything else ("Not Rated", "Unknown", empty, unreadable) becomes null."""
    return unmarked(sentiment_marked(raw))


def unreadable_sentiment(raw: pl.Expr) -> pl.Expr:
    """True where ``raw`` holds a value that is neither a label nor a spelling of "not rated"."""
    return sentiment_marked(raw) == UNREAD_MARK
