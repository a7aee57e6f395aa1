"""Sentiment for exports without a sentiment column: the built-in lexicon classifier
(:func:`classify`) and text models trained on the user's own labelled exports
(:func:`load_model`, ``stormwatch train-sentiment``). :func:`estimate` combines them."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from stormwatch.sentiment.lexicon import classify, classify_expr
from stormwatch.sentiment.model import TextModel, default_model_path, load_model


def estimate(
    texts: pl.Series | Sequence[str | None],
    language: pl.Series | Sequence[str | None] | None = None,
    model: TextModel | None = None,
) -> pl.DataFrame:
    """Estimated sentiment per text: :func:`classify`'s columns, with ``sentiment`` and
    ``score`` from ``model`` when one is given, and ``method`` (``lexicon`` or ``model``;
    null where the text is null or blank) to flag the estimate as such."""
    series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    result = classify(series, language)
    method = "lexicon"
    if model is not None:
        predicted = model.predict(series)
        result = result.with_columns(predicted["sentiment"], predicted["score"])
        method = "model"
    return result.with_columns(
        pl.when(pl.col("sentiment").is_not_null()).then(pl.lit(method)).alias("method")
    )


__all__ = [
    "TextModel",
    "classify",
    "classify_expr",
    "default_model_path",
    "estimate",
    "load_model",
]
