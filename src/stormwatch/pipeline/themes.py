"""Themes: the words and two-word phrases that set a topic's current window apart from its
baseline ("tür schließt", "#rückruf", "door close" while the baseline talks about prices).

**Counting.** Texts are tokenised (:func:`term_occurrences`) into words, ``#hashtags`` and
two-word phrases, each counted once per text (binary document frequencies). Every *voice* has
one vote: an author when ``authors`` are given (the vote split equally over their texts), else
each text. A term's count ``y`` is the votes of the texts containing it, ``n`` the number of
voices: an author whose every post has the term adds 1 however often they post, so one account
repeating itself 200 times cannot make a theme, and prolific authors in a seven-day baseline do
not inflate it either.

**Statistic.** The log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn
2008, "Fightin' Words"), in its two-outcome (Beta) form. For a term with ``y_c`` of ``n_c``
current and ``y_b`` of ``n_b`` baseline votes, the pooled share ``p = (y_c + y_b) / (n_c + n_b)``
is the prior mean, ``a = α0·p``, ``b = α0·(1 − p)``::

    δ  = ln((y_c + a) / (n_c − y_c + b)) − ln((y_b + a) / (n_b − y_b + b))
    σ² = 1/(y_c + a) + 1/(n_c − y_c + b) + 1/(y_b + a) + 1/(n_b − y_b + b)
    weight = z = δ / σ,   lift = ((y_c + a) / (n_c + α0)) / ((y_b + a) / (n_b + α0))

``z`` weighs how much more often a term occurs now against how much evidence there is, so a
word three people used does not outrank one three hundred used, and the prior keeps a word that
was simply absent from a small baseline from looking infinitely new. A term is a theme when
``z ≥ MIN_Z``, ``lift ≥ MIN_LIFT``, and it occurs in at least ``min_texts`` current texts by at
least ``min_authors`` distinct authors. TF-IDF over the two windows as two documents was not
used: with two documents the IDF only tells "in both" from "in one", so the window's most
frequent words (the product, "door") win even when they are everyday talk.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

# α0 and MIN_Z were chosen on the bundled sample: no theme in any of 1,646 calm windows of the
# control brands (and of Siemens before the storm), the storm's own words in each of its phases.
PRIOR_STRENGTH = 50.0  # α0, in voices: shrinks small windows towards the pooled share
MIN_Z = 3.0  # one-sided, about p < 0.0015 before the many terms tested
MIN_LIFT = 2.0  # the smoothed share at least doubled
PHRASE_COVER = 2 / 3  # a phrase replaces its word when it covers this share of the word's texts
SAME_TEXTS = 0.8  # terms whose texts overlap this much (Jaccard) are one theme
MAX_CURRENT = 25_000  # larger inputs are sampled evenly (deterministic): see _sample
MAX_BASELINE = 30_000
STOP_LISTS = {"en": ("en", "social"), "de": ("de", "social")}

# Removed: URLs (with a scheme, www., or a domain), e-mail addresses and @handles. A handle names
# a person (or, in replies, the brand itself), not a subject; the influence signal names critics.
_DROP = (
    r"(?:https?://|www\.)\S+|\S+\.[a-z]{2,6}/\S*|\S*@\S+"
    r"|\S+\.(?:com|de|at|ch|net|org|eu|io|ly|co|uk|info|me|tv)\b\S*"
)
# Punctuation that ends a phrase: a two-word phrase never spans it.
_BREAK = r"[.,!?;:()\[\]{}\"“”„«»…|•–—/]+|\s-+\s"
_APOSTROPHES = ["’", "‘", "`", "´"]
_ENTITIES = ["&amp;", "&quot;", "&#39;", "&lt;", "&gt;", "&nbsp;"]
_ENTITY_TEXT = ["&", '"', "'", "<", ">", " "]
_SEP = "|"


@dataclass(frozen=True)
class Term:
    """One distinguishing term: ``weight`` is the z-score of its log-odds ratio (see the module
    docstring); the shares are the fractions of current and baseline texts that contain it."""

    term: str
    weight: float
    current_share: float
    baseline_share: float


@cache
def stop_words(lang: str | None = None) -> frozenset[str]:
    """The stop words for ``lang`` (``en``/``de``, a tag like ``de-AT``); both languages when
    ``None`` or unknown. Read from ``stormwatch/data/stopwords/*.txt``."""
    key = (lang or "").lower()[:2]
    names = STOP_LISTS.get(key, ("en", "de", "social"))
    words: set[str] = set()
    folder = resources.files("stormwatch").joinpath("data/stopwords")
    for name in names:
        text = folder.joinpath(f"{name}.txt").read_text("utf-8")
        words.update(w.strip() for w in text.splitlines() if w.strip() and w[0] != "#")
    return frozenset(words)


def normalise_words(names: str | Iterable[str]) -> frozenset[str]:
    """Brand names as the tokeniser sees them: ``"Bosch-Siemens"`` -> bosch, siemens;
    ``"@SiemensHome"`` -> siemenshome. One string is one name."""
    out: set[str] = set()
    for name in [names] if isinstance(names, str) else names:
        out.update(re.findall(r"\w+", unicodedata.normalize("NFC", name).lower()))
    return frozenset(out)


def _clean(texts: pl.Series) -> pl.Series:
    """Lower case, NFC (a decomposed ``u`` + diaeresis becomes ``ü``), typographic apostrophes
    and HTML entities replaced, URLs, e-mail addresses and @handles removed, phrase breaks
    marked with ``|``."""
    import polars as pl

    marked = texts.str.contains(r"\p{M}")
    if marked.any():  # NFC is slow; only texts with combining marks need it
        index = marked.arg_true()
        texts = texts.scatter(index, texts.gather(index).str.normalize("NFC"))
    return (
        texts.str.to_lowercase()
        .str.replace_many(_APOSTROPHES + _ENTITIES, ["'"] * len(_APOSTROPHES) + _ENTITY_TEXT)
        .str.replace_all(_DROP, " ")
        .str.replace_all(_BREAK, f" {_SEP} ")
        .str.replace_all(r"[^\w#'|]+", " ")
        .alias("text")
        .cast(pl.String)
    )


def term_occurrences(texts: pl.Series, drop: frozenset[str]) -> pl.LazyFrame:
    """Rows ``doc`` (the text's position) and ``term``, once per occurrence.

    Words are runs of letters and digits (umlauts and ß included; hyphens and apostrophes other
    than inside contractions split words, a possessive ``'s`` is removed); terms are words of at
    least two characters that are not all digits and not in ``drop`` (stop words, brands),
    ``#hashtags`` whose text is not in ``drop`` (kept: they name a campaign, and are shown with
    their ``#``), and two consecutive kept words within a phrase (stop words between them are
    skipped, punctuation and hashtags end a phrase).
    """
    import polars as pl

    docs = pl.DataFrame(
        {"doc": pl.int_range(0, len(texts), dtype=pl.UInt32, eager=True), "tok": _clean(texts)}
    )
    tok = pl.col("tok")
    body = tok.str.strip_chars_start("#")
    tokens = (
        docs.lazy()
        .with_columns(tok.str.split(" "))
        .explode("tok")
        .with_columns(tok.str.strip_chars("'").str.strip_suffix("'s"))
        .filter(tok != "")
        .with_columns(
            hashtag=tok.str.starts_with("#"),
            ok=(body.str.len_chars() >= 2)
            & ~body.is_in(list(drop))
            & (body.str.strip_chars("0123456789_'") != "")
            & ~body.str.contains("#", literal=True),
        )
        .filter(pl.col("ok") | pl.col("hashtag") | (tok == _SEP))
        .with_columns(word=pl.col("ok") & ~pl.col("hashtag"))
        .with_columns(
            next=tok.shift(-1),
            pair=pl.col("word")
            & pl.col("word").shift(-1).fill_null(False)
            & (pl.col("doc").shift(-1) == pl.col("doc")).fill_null(False),
        )
    )
    words = tokens.filter(pl.col("ok")).select(
        "doc", pl.when("hashtag").then("#" + body).otherwise(tok).alias("term")
    )
    phrases = tokens.filter("pair").select("doc", (tok + " " + pl.col("next")).alias("term"))
    return pl.concat([words, phrases])


def _sample(n: int, cap: int) -> list[int] | None:
    """Evenly spaced positions when ``n > cap`` (deterministic, and spread over the whole
    period when the texts are in time order); None: keep everything."""
    return [i * n // cap for i in range(cap)] if n > cap else None


def _voices(
    texts: Sequence[str | None], authors: Sequence[str | None] | None, cap: int
) -> pl.DataFrame:
    """``text``, ``voice`` and ``weight`` of the non-blank texts (at most ``cap``, evenly
    sampled). The voice is the author, or the text itself when the author is unknown; each
    voice weighs 1 in all, shared equally by its texts."""
    import polars as pl

    frame = pl.DataFrame(
        {
            "text": pl.Series(list(texts), dtype=pl.String),
            "author": pl.Series(
                list(authors) if authors is not None else [None] * len(texts), dtype=pl.String
            ),
        }
    ).filter(pl.col("text").str.strip_chars() != "")
    keep = _sample(frame.height, cap)
    if keep is not None:
        frame = frame[keep]
    anonymous = pl.col("author").is_null() | (pl.col("author") == "")
    voice = (
        pl.when(anonymous)
        .then(-1 - pl.int_range(0, pl.len(), dtype=pl.Int64))
        .otherwise(pl.col("author").rank("dense").cast(pl.Int64))
    )
    return frame.select("text", voice.alias("voice")).with_columns(
        weight=1.0 / pl.len().over("voice")
    )


def _occurrences(frame: pl.DataFrame, drop: frozenset[str]) -> pl.LazyFrame:
    """``doc``, ``term``, ``voice`` and ``weight`` of every term occurrence in the texts."""
    import polars as pl

    docs = frame.lazy().select("voice", "weight", doc=pl.int_range(0, pl.len(), dtype=pl.UInt32))
    return term_occurrences(frame["text"], drop).join(docs, on="doc")


def _tally(occurrences: pl.LazyFrame) -> pl.DataFrame:
    """Per term: the ``texts`` and distinct ``voices`` using it, and ``y``, the voices using
    it when each voice is split equally over its texts (a voice whose every text has the term
    counts 1, one with a quarter of its texts 0.25)."""
    import polars as pl

    return (
        occurrences.unique(["doc", "term"])
        .group_by("term")
        .agg(
            pl.len().cast(pl.Int64).alias("texts"),
            pl.col("voice").n_unique().cast(pl.Int64).alias("voices"),
            pl.col("weight").sum().alias("y"),
        )
        .collect()
    )


def _distinct(
    ranked: list[dict[str, Any]], occurrences: pl.DataFrame, top: int
) -> list[dict[str, Any]]:
    """The first ``top`` of ``ranked`` that say something new. Left out are

    * a word when a ranked phrase containing it occurs in ``PHRASE_COVER`` of its texts
      ("tür" under "tür schließt": the phrase says more);
    * a term whose texts are nearly those of a term already chosen (Jaccard ≥ ``SAME_TEXTS``:
      the words of one post shared a hundred times are one theme);
    * a phrase sharing a word with a chosen phrase in ``PHRASE_COVER`` of its texts (pieces of
      one longer phrase: "fridge close" after "door close" from "door won't close").
    """
    import polars as pl

    names = pl.Series([r["term"] for r in ranked], dtype=pl.String)
    grouped = (
        occurrences.filter(pl.col("term").is_in(names.implode()))
        .group_by("term")
        .agg(pl.col("doc").unique())
    )
    docs: dict[str, set[int]] = {term: set(ids) for term, ids in grouped.iter_rows()}
    words = {r["term"]: set(r["term"].split(" ")) for r in ranked}
    phrases = [r for r in ranked if len(words[r["term"]]) > 1]

    def covered(row: dict[str, Any]) -> bool:
        term = row["term"]
        return len(words[term]) == 1 and any(
            term in words[p["term"]] and p["texts"] >= PHRASE_COVER * row["texts"] for p in phrases
        )

    def repeats(term: str, other: str) -> bool:
        mine, theirs = docs[term], docs[other]
        shared = len(mine & theirs)
        if shared >= SAME_TEXTS * len(mine | theirs):
            return True
        phrase_pair = len(words[term]) > 1 and len(words[other]) > 1
        return (
            phrase_pair and bool(words[term] & words[other]) and shared >= PHRASE_COVER * len(mine)
        )

    chosen: list[dict[str, Any]] = []
    for row in ranked:
        if covered(row) or any(repeats(row["term"], c["term"]) for c in chosen):
            continue
        chosen.append(row)
        if len(chosen) == top:
            break
    return chosen


def _score(terms: pl.DataFrame, n_c: int, n_b: int) -> pl.DataFrame:
    """Add ``z`` (the prior-smoothed log-odds ratio over its standard error) and ``lift`` (the
    ratio of the smoothed shares), from voice counts ``y_c``, ``y_b`` (module docstring)."""
    import polars as pl

    y_c, y_b = pl.col("y_c"), pl.col("y_b")
    p = (y_c + y_b) / (n_c + n_b)
    a, b = PRIOR_STRENGTH * p, PRIOR_STRENGTH * (1 - p)
    return (
        terms.with_columns(a=a, b=b)
        .with_columns(
            delta=((y_c + pl.col("a")) / (n_c - y_c + pl.col("b"))).log()
            - ((y_b + pl.col("a")) / (n_b - y_b + pl.col("b"))).log(),
            var=1 / (y_c + pl.col("a"))
            + 1 / (n_c - y_c + pl.col("b"))
            + 1 / (y_b + pl.col("a"))
            + 1 / (n_b - y_b + pl.col("b")),
            lift=((y_c + pl.col("a")) / (n_c + PRIOR_STRENGTH))
            / ((y_b + pl.col("a")) / (n_b + PRIOR_STRENGTH)),
        )
        .with_columns(z=pl.col("delta") / pl.col("var").sqrt())
    )


def distinguishing_terms(
    current: Sequence[str | None],
    baseline: Sequence[str | None],
    *,
    top: int = 5,
    lang_hint: str | None = None,
    exclude: str | Iterable[str] = (),
    authors: Sequence[str | None] | None = None,
    baseline_authors: Sequence[str | None] | None = None,
    min_texts: int = 3,
    min_authors: int = 2,
) -> list[Term]:
    """The ``top`` terms (words, ``#hashtags``, two-word phrases) much more frequent in the
    ``current`` window's texts than in the ``baseline``'s, strongest first; [] when either is
    empty or nothing stands out.

    Args:
        current, baseline: the texts of one topic (None and blank texts are ignored).
        lang_hint: ``en`` or ``de`` (or a tag like ``de-AT``) to use that language's stop
            words only; both lists otherwise.
        exclude: names never to report (the brand, its handles), matched word by word.
        authors, baseline_authors: the author of each text (parallel lists; None = unknown).
            With them, each author counts once per term and a theme needs ``min_authors``.
        min_texts: the least number of current texts a theme occurs in.
        min_authors: the least number of distinct current authors using it (with ``authors``).

    More than ``MAX_CURRENT`` (25,000) current or ``MAX_BASELINE`` (30,000) baseline texts
    are sampled evenly, deterministically; the shares are then those of the sample.
    """
    import polars as pl

    if authors is not None and len(authors) != len(current):
        raise ValueError(f"{len(authors)} authors for {len(current)} current texts")
    if baseline_authors is not None and len(baseline_authors) != len(baseline):
        raise ValueError(f"{len(baseline_authors)} authors for {len(baseline)} baseline texts")
    if top <= 0:
        return []
    cur = _voices(current, authors, MAX_CURRENT)
    base = _voices(baseline, baseline_authors, MAX_BASELINE)
    if cur.height == 0 or base.height == 0:
        return []
    drop = stop_words(lang_hint) | normalise_words(
        [exclude] if isinstance(exclude, str) else exclude
    )
    found = _occurrences(cur, drop).collect()
    counts = _tally(found.lazy()).filter(pl.col("texts") >= min_texts)
    if authors is not None:
        counts = counts.filter(pl.col("voices") >= min_authors)
    if counts.height == 0:
        return []
    base_counts = _tally(
        _occurrences(base, drop).filter(pl.col("term").is_in(counts["term"].implode()))
    )
    terms = counts.join(base_counts, on="term", how="left", suffix="_b").with_columns(
        pl.col("texts_b", "y_b").fill_null(0)
    )
    n_c, n_b = cur["voice"].n_unique(), base["voice"].n_unique()
    scored = (
        _score(terms.rename({"y": "y_c"}), n_c, n_b)
        .filter((pl.col("z") >= MIN_Z) & (pl.col("lift") >= MIN_LIFT))
        .sort(["z", "term"], descending=[True, False])
    )
    rows = scored.head(4 * top + 10).rows(named=True)
    chosen = _distinct(rows, found, top)
    return [
        Term(
            term=r["term"],
            weight=r["z"],
            current_share=r["texts"] / cur.height,
            baseline_share=r["texts_b"] / base.height,
        )
        for r in chosen
    ]
