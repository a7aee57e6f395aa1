"""Text features for trained models, computed with polars: the n-grams scikit-learn's
``TfidfVectorizer`` makes with ``analyzer="word"`` (default token pattern) and
``analyzer="char_wb"``, both after lower-casing.

The same code featurises the texts for training and for prediction, so a saved model always
sees exactly the features it was trained on. ``tests/test_train_sentiment.py`` checks that
these equal scikit-learn's own analyzers.

Each function returns one row per feature occurrence: ``row`` (the text's position, UInt32)
and ``feature`` (String). Null texts give no rows.
"""

from __future__ import annotations

import polars as pl

#: scikit-learn's default ``token_pattern``: words of two or more word characters.
WORD_PATTERN = r"\b\w\w+\b"
#: Runs of non-whitespace, as Python's ``str.split()`` finds them (it also splits on the
#: ASCII separators \x1c-\x1f, which Unicode does not call whitespace).
CHUNK_PATTERN = r"[^\s\x1c-\x1f]+"


def _frame(texts: pl.Series) -> pl.DataFrame:
    return pl.DataFrame({"text": texts.cast(pl.String)}).with_row_index("row")


def word_ngrams(texts: pl.Series, ngram_range: tuple[int, int] = (1, 2)) -> pl.DataFrame:
    """Word n-grams joined by a space, as ``TfidfVectorizer(analyzer="word")`` builds them."""
    low, high = ngram_range
    tokens = (
        _frame(texts)
        .select("row", pl.col("text").str.to_lowercase().str.extract_all(WORD_PATTERN))
        .explode("text", keep_nulls=False)
        .rename({"text": "feature"})
    )
    parts: list[pl.DataFrame] = []
    row, feature = pl.col("row"), pl.col("feature")
    for n in range(low, high + 1):
        if n == 1:
            parts.append(tokens)
            continue
        same = pl.lit(True)
        for k in range(1, n):
            same = same & (row.shift(-k) == row)
        gram = pl.concat_str([feature, *(feature.shift(-k) for k in range(1, n))], separator=" ")
        parts.append(
            tokens.select("row", gram.alias("feature"), same.alias("keep"))
            .filter(pl.col("keep"))
            .drop("keep")
        )
    return pl.concat(parts) if parts else tokens.clear()


def char_wb_ngrams(texts: pl.Series, ngram_range: tuple[int, int] = (3, 5)) -> pl.DataFrame:
    """Character n-grams inside word boundaries, as ``TfidfVectorizer(analyzer="char_wb")``:
    each whitespace-separated chunk is padded with one space on each side; a padded chunk no
    longer than ``n`` is one n-gram of its own (and ends the loop over n, as in sklearn)."""
    low, high = ngram_range
    chunks = (
        _frame(texts)
        .select("row", pl.col("text").str.to_lowercase().str.extract_all(CHUNK_PATTERN))
        .explode("text", keep_nulls=False)
        .select("row", pl.concat_str(pl.lit(" "), pl.col("text"), pl.lit(" ")).alias("w"))
        .with_columns(pl.col("w").str.len_chars().cast(pl.Int64).alias("len"))
    )
    length, word = pl.col("len"), pl.col("w")
    parts = [chunks.filter(length <= high).select("row", word.alias("feature"))]
    for n in range(low, high + 1):
        parts.append(
            chunks.filter(length > n)
            .with_columns(pl.int_ranges(0, length - n + 1).alias("offset"))
            .explode("offset")
            .select("row", word.str.slice(pl.col("offset"), n).alias("feature"))
        )
    return pl.concat(parts)


def analyze(kind: str, texts: pl.Series, ngram_range: tuple[int, int]) -> pl.DataFrame:
    """The features of one block: ``word`` or ``char_wb``."""
    if kind == "word":
        return word_ngrams(texts, ngram_range)
    if kind == "char_wb":
        return char_wb_ngrams(texts, ngram_range)
    raise ValueError(f"unknown feature kind {kind!r}")


def per_text(features: pl.DataFrame, n: int) -> list[list[str]]:
    """Every text's features as a list (for scikit-learn), ``n`` texts, empty where none."""
    grouped = features.group_by("row").agg(pl.col("feature"))
    lists: list[list[str]] = [[] for _ in range(n)]
    for row, values in grouped.iter_rows():
        lists[row] = values
    return lists
