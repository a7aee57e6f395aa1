"""The built-in English + German sentiment classifier: a lexicon with negation, intensifiers,
high-arousal terms and "against them" language, vectorised with polars.

How a text is scored (all steps are column operations over every token of every text):

1. Tokens: words (``don't`` stays one token), emoji, emoticons and runs of punctuation; URLs
   and @handles are skipped. Words are folded (lower case, ä -> ae, ß -> ss).
2. Language per text: stop words and lexicon hits of each language (plus umlauts for German)
   decide, unless the export's ``language`` column says ``en``/``de``.
3. Each word's points (-3..+3, :mod:`stormwatch.sentiment.lexdata`) are multiplied by the
   modifiers of the two words before it (``very`` x1.5, ``extremely`` x2, ``slightly`` x0.5),
   by -0.5 when a negator (``not``, ``never``, ``kein``, ``nicht``…) stands up to three words
   before it in the same clause (German also after it: ``gefällt mir nicht.``), by 1.5 in ALL
   CAPS, and by 0.5 before / 1.5 after ``but``/``aber``. Punctuation and ``but`` end a clause.
4. Phrases (``never again``, ``nie wieder``, ``thanks for nothing``) add their points; every
   ``!`` (up to four) adds 0.3 in the direction of the sum. ``score = s / sqrt(s² + 15)`` lies
   in -1..1; ``score <= -0.05`` is negative, ``>= 0.05`` positive, else neutral.
5. ``arousal`` (0..1) = ``1 - 0.5**a``, where ``a`` counts high-arousal words and stems
   (``outrage``, ``Skandal``, ``Abzocke``, ``Shitstorm``, 😡), plus 0.5 for ``!!``/``?!`` and
   0.5 for shouting (at least two ALL-CAPS words, half the words or more).
6. ``against``: "us against them" phrases (``you people``, ``ihr da oben``, ``die Firma``…)
   in a text that is not positive.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from stormwatch.sentiment.lexdata import LANGS, fold_expr, lexicon

#: Tokens: URLs and @handles (dropped), words with an inner apostrophe, emoticons, emoji,
#: punctuation runs. ``:D`` only before a non-letter, so "Hinweis:Das" is no smiley.
TOKEN = (
    r"(?:https?://|www\.)\S+|@[\w.]+"
    r"|[\p{L}\p{N}]+(?:['’][\p{L}]+)?"
    r"|:-?[()/]|:-?[dD]\b|:'\(|;-?\)|<3"
    r"|\p{Extended_Pictographic}"
    r"|[.,;:!?]+"
)
NEGATION_SCOPE = 3  # words after (German: also before) a negator that it flips
NEGATED = -0.5  # "not good" is mildly negative, "not bad" mildly positive
CAPS = 1.5
BEFORE_CONTRAST, AFTER_CONTRAST = 0.5, 1.5
EXCLAMATION, MAX_EXCLAMATIONS = 0.3, 4
ALPHA = 15.0  # score = s / sqrt(s² + ALPHA)
THRESHOLD = 0.05
CHUNK = 200_000  # texts classified at once

OUTPUT_SCHEMA = {
    "sentiment": pl.String,
    "score": pl.Float64,
    "arousal": pl.Float64,
    "against": pl.Boolean,
    "language": pl.String,
}


def _series(values: pl.Series | Sequence[str | None] | None, name: str) -> pl.Series | None:
    if values is None:
        return None
    if isinstance(values, str):
        raise TypeError(f"{name}: pass a list or Series of strings, not one string")
    series = values if isinstance(values, pl.Series) else pl.Series(name, list(values))
    return series.cast(pl.String).alias(name)


def clean_expr(text: pl.Expr) -> pl.Expr:
    """The text phrases are matched on: folded, every run of non-word characters one space,
    padded with a space at both ends (``"Nie wieder!!"`` -> ``" nie wieder "``)."""
    words = fold_expr(text).str.replace_all(r"[^\p{L}\p{N}']+", " ").str.strip_chars(" ")
    return pl.concat_str(pl.lit(" "), words, pl.lit(" "))


def _row_features(texts: pl.Series) -> pl.DataFrame:
    """Per-text cues found on the whole string: phrases, arousal stems, "against them"."""
    lex = lexicon()
    phrases, points = list(lex.phrases), list(lex.phrases.values())
    text = pl.col("text")
    return (
        pl.DataFrame({"text": texts})
        .with_columns(clean_expr(text).alias("clean"))
        .select(
            pl.col("clean")
            .str.extract_many(phrases, overlapping=True)
            .list.eval(pl.element().replace_strict(phrases, points, return_dtype=pl.Float64))
            .list.sum()
            .fill_null(0.0)
            .alias("phrase_points"),
            pl.col("clean")
            .str.extract_many(list(lex.stems), overlapping=True)
            .list.len()
            .fill_null(0)
            .alias("stem_hits"),
            pl.col("clean").str.contains_any(list(lex.against)).fill_null(False).alias("us_them"),
            text.str.count_matches("!").fill_null(0).alias("exclamations"),
            text.str.contains(r"!!|\?!|!\?").fill_null(False).alias("punct_arousal"),
            text.str.contains("[äöüßÄÖÜ]").fill_null(False).alias("umlauts"),
        )
    )


def _same(expr: pl.Expr, seg: pl.Expr, shift: int) -> pl.Expr:
    """``expr`` of the token ``shift`` places away when it is in the same clause, else null."""
    return pl.when(seg.shift(shift) == seg).then(expr.shift(shift))


def _language_points(lang: str) -> pl.Expr:
    """Each token's points under language ``lang``'s lexicon (modifiers, negation, caps, but)."""
    idx, seg = pl.col("idx"), pl.col("seg")
    val = pl.col(f"val_{lang}").fill_null(0.0)
    mod = pl.col(f"mod_{lang}").fill_null(1.0)
    so = pl.col(f"so_{lang}").fill_null(False)
    emphasis = pl.col(f"never_{lang}").fill_null(False) & (
        _same(so, seg, -1).fill_null(False) | _same(so, seg, -2).fill_null(False)
    )
    neg = pl.col(f"neg_{lang}").fill_null(False) & ~emphasis

    last_neg = pl.when(neg).then(idx).forward_fill()
    last_neg_seg = pl.when(neg).then(seg).forward_fill()
    negated = ((last_neg_seg == seg) & (idx - last_neg).is_between(1, NEGATION_SCOPE)).fill_null(
        False
    )
    if lang == "de":  # "Das gefällt mir nicht." / "Schlecht ist es nicht."
        final_neg = neg & pl.col("clause_end")
        next_neg = pl.when(final_neg).then(idx).backward_fill()
        next_neg_seg = pl.when(final_neg).then(seg).backward_fill()
        after = (next_neg_seg == seg) & (next_neg - idx).is_between(1, NEGATION_SCOPE)
        negated = negated.xor(after.fill_null(False))

    factor = _same(mod, seg, 1).fill_null(1.0) * _same(mod, seg, 2).fill_null(1.0)
    # A modifier that modifies ("super slow") gives no points of its own.
    modifies = (mod != 1.0) & (_same(val, seg, -1).fill_null(0.0) != 0.0)
    own = pl.when(modifies).then(0.0).otherwise(val)
    return (
        own
        * factor
        * pl.when(negated).then(NEGATED).otherwise(1.0)
        * pl.when(pl.col("caps")).then(CAPS).otherwise(1.0)
        * pl.col("contrast_weight")
    )


def _token_features(texts: pl.Series) -> pl.DataFrame:
    """Per-text sums over the tokens: points and evidence per language, arousal words, caps."""
    lex = lexicon().tokens
    tok = pl.col("tok")
    tokens = (
        pl.DataFrame({"text": texts})
        .select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("row"),
            pl.col("text").str.extract_all(TOKEN).alias("tok"),
        )
        .explode("tok", empty_as_null=True)  # a text without tokens keeps one null row
        .with_columns(  # URLs and handles: no token, but the row stays
            pl.when(tok.str.contains(r"^(?:https?://|www\.|@)"))
            .then(None)
            .otherwise(tok)
            .alias("tok")
        )
    )
    tokens = tokens.with_columns(fold_expr(tok).alias("token")).join(
        lex, on="token", how="left", maintain_order="left"
    )
    row, contrast = pl.col("row"), pl.col("contrast").fill_null(False)
    punct = tok.str.contains(r"^[.,;:!?]+$").fill_null(False)
    row_start = (row != row.shift(1)).fill_null(True)
    boundary = row_start | punct | contrast
    c_before = contrast.cast(pl.Int32).cum_sum() - contrast.cast(pl.Int32)
    c_before_row = c_before - pl.when(row_start).then(c_before).forward_fill()
    next_contrast_row = pl.when(contrast).then(row).backward_fill()
    tokens = tokens.with_columns(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("idx"),
        boundary.cast(pl.Int64).cum_sum().alias("seg"),
        boundary.shift(-1).fill_null(True).alias("clause_end"),
        (
            (tok == tok.str.to_uppercase())
            & (tok != tok.str.to_lowercase())
            & (tok.str.len_chars() >= 3)
        )
        .fill_null(False)
        .alias("caps"),
        pl.when(c_before_row > 0)
        .then(AFTER_CONTRAST)
        .when((next_contrast_row == row) & ~contrast)
        .then(BEFORE_CONTRAST)
        .otherwise(1.0)
        .alias("contrast_weight"),
        (tok.is_not_null() & ~punct).alias("words"),
    )
    evidence = {
        lang: (
            pl.col(f"stop_{lang}")
            | pl.col(f"neg_{lang}")
            | pl.col(f"val_{lang}").is_not_null()
            | pl.col(f"mod_{lang}").is_not_null()
        ).fill_null(False)
        for lang in LANGS
    }
    tokens = tokens.select(
        "row",
        *(_language_points(lang).alias(f"points_{lang}") for lang in LANGS),
        *(evidence[lang].alias(f"evidence_{lang}") for lang in LANGS),
        pl.col("arousal").fill_null(False).alias("arousal_words"),
        pl.col("caps").alias("caps_words"),
        "words",
    )
    return tokens.group_by("row", maintain_order=True).agg(pl.all().sum())


def _given_language(language: pl.Series | None, n: int) -> pl.Series:
    if language is None:
        return pl.Series("given", [None] * n, dtype=pl.String)
    code = language.str.strip_chars().str.to_lowercase().str.slice(0, 2)
    return code.replace_strict({"en": "en", "de": "de"}, default=None, return_dtype=pl.String)


def classify(
    texts: pl.Series | Sequence[str | None],
    language: pl.Series | Sequence[str | None] | None = None,
) -> pl.DataFrame:
    """Estimate the sentiment of every text: one output row per input row, in order.

    Columns: ``sentiment`` (negative/neutral/positive), ``score`` (-1..1), ``arousal`` (0..1),
    ``against`` (bool) and ``language`` (``en``/``de``, as used). All null for a null or blank
    text; a text without sentiment words (a bare link) is neutral. ``language``: optional ISO
    codes per text (the export's language column); ``en``/``de`` override the detection,
    anything else is ignored.
    """
    series = _series(texts, "text")
    assert series is not None
    n = len(series)
    if n == 0:
        return pl.DataFrame(schema=OUTPUT_SCHEMA)
    given = _given_language(_series(language, "language"), n)
    if len(given) != n:
        raise ValueError(f"language has {len(given)} values for {n} texts")
    if n > CHUNK:  # bounded memory: ~11 token rows per text, ~20 columns each
        return pl.concat(
            [
                _classify(series.slice(start, CHUNK), given.slice(start, CHUNK))
                for start in range(0, n, CHUNK)
            ]
        )
    return _classify(series, given)


def _classify(series: pl.Series, given: pl.Series) -> pl.DataFrame:
    """:func:`classify` on one chunk; ``given``: en/de or null per text."""
    frame = pl.concat(
        [
            series.to_frame("text"),
            _row_features(series),
            _token_features(series).drop("row"),
            given.to_frame("given"),
        ],
        how="horizontal",
    )
    german = (pl.col("evidence_de") + 2 * pl.col("umlauts").cast(pl.Int64)) > pl.col("evidence_en")
    lang = pl.coalesce(pl.col("given"), pl.when(german).then(pl.lit("de")).otherwise(pl.lit("en")))
    points = pl.when(pl.col("lang") == "de").then(pl.col("points_de")).otherwise(
        pl.col("points_en")
    ) + pl.col("phrase_points")
    bang = EXCLAMATION * pl.min_horizontal(pl.col("exclamations"), MAX_EXCLAMATIONS)
    total = points + points.sign() * bang
    score = total / (total * total + ALPHA).sqrt()
    label = (
        pl.when(pl.col("score") <= -THRESHOLD)
        .then(pl.lit("negative"))
        .when(pl.col("score") >= THRESHOLD)
        .then(pl.lit("positive"))
        .otherwise(pl.lit("neutral"))
    )
    shouting = (pl.col("caps_words") >= 2) & (2 * pl.col("caps_words") >= pl.col("words"))
    excitement = (
        pl.col("arousal_words")
        + pl.col("stem_hits")
        + 0.5 * pl.col("punct_arousal").cast(pl.Float64)
        + 0.5 * shouting.cast(pl.Float64)
    )
    known = pl.col("text").str.strip_chars().str.len_chars() > 0
    result = (
        frame.with_columns(lang.alias("lang"))
        .with_columns(score.alias("score"))
        .with_columns(label.alias("sentiment"))
        .select(
            pl.when(known).then(pl.col("sentiment")).alias("sentiment"),
            pl.when(known).then(pl.col("score")).alias("score"),
            pl.when(known).then(1.0 - pl.lit(0.5).pow(excitement)).alias("arousal"),
            pl.when(known)
            .then(pl.col("us_them") & (pl.col("sentiment") != "positive"))
            .alias("against"),
            pl.when(known).then(pl.col("lang")).alias("language"),
        )
    )
    return result.cast(OUTPUT_SCHEMA)  # type: ignore[arg-type]


def classify_expr(text: pl.Expr) -> pl.Expr:
    """:func:`classify` as an expression for lazy frames: a struct with its columns.

    ``lf.with_columns(classify_expr(pl.col("text")).alias("estimate")).unnest("estimate")``.
    """
    return text.map_batches(
        lambda s: classify(s).to_struct(s.name),
        return_dtype=pl.Struct(OUTPUT_SCHEMA),
        is_elementwise=True,
    )
