"""Fit a sentiment model on the user's own labelled exports (``stormwatch train-sentiment``).

Texts and labels come through the normal readers (every export format, preset and mapping
``scan`` reads; files without a timestamp column are read by their headers). Features are
word 1-2-grams and char_wb 3-5-grams (:mod:`stormwatch.sentiment.features`), weighted by
scikit-learn's ``TfidfVectorizer`` (sublinear tf, l2 per block) and classified by a
class-balanced ``LogisticRegression``. Scores are cross-validated with stratified folds, the
vectorisers refitted inside every fold. scikit-learn is imported only here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from stormwatch.__about__ import __version__
from stormwatch.errors import SchemaError, StormwatchError
from stormwatch.sentiment.features import analyze, per_text
from stormwatch.sentiment.model import FORMAT, VERSION
from stormwatch.sources import ReadOptions
from stormwatch.sources.schema import (
    SENTIMENTS,
    match_columns,
    sentiment_expr,
    unreadable_sentiment,
)

BLOCKS: tuple[tuple[str, tuple[int, int], int], ...] = (
    ("word", (1, 2), 50_000),  # kind, ngram_range, max_features
    ("char_wb", (3, 5), 100_000),
)
MIN_DF = 2
C = 4.0
MIN_PER_CLASS = 10
TEXT_HINT = (
    "train-sentiment learns from the text of each mention: name the column 'text' (or content, "
    "message, Inhalt, …), or map it with --mapping"
)
SENTIMENT_HINT = (
    "train-sentiment learns from mentions labelled negative, neutral or positive: export them "
    "with the tool's sentiment (most exports have it), or add a 'sentiment' column"
)


class TrainingDataError(StormwatchError):
    """The labelled data cannot train a model (too few rows, a single class)."""


@dataclass(frozen=True)
class Labelled:
    """Training texts with their labels, and what was left out."""

    texts: list[str]
    labels: list[str]
    unlabelled: int = 0  # rows without text, or without sentiment (empty, "Not Rated", …)
    duplicates: int = 0  # the same text again (the first label kept)
    notes: tuple[str, ...] = ()
    unrecognised: int = 0  # rows with a text and a sentiment label that is none we know
    #: The first of them: file, line, raw label.
    first_unrecognised: tuple[str, int, str] | None = None

    def counts(self) -> dict[str, int]:
        return {c: self.labels.count(c) for c in SENTIMENTS if c in self.labels}

    def left_out(self) -> list[str]:
        """What was not trained on, and why, one phrase per reason (none when nothing was)."""
        parts = []
        if self.unrecognised:
            part = f"{self.unrecognised:,} rows with a sentiment label that is not recognised"
            if self.first_unrecognised is not None:
                file, line, raw = self.first_unrecognised
                part += f" (first at line {line} of {file}: {raw!r})"
            parts.append(part)
        if self.unlabelled:
            parts.append(f"{self.unlabelled:,} rows without text or sentiment")
        if self.duplicates:
            parts.append(f"{self.duplicates:,} repeated texts")
        return parts


@dataclass(frozen=True)
class Trained:
    """The model file's content and the cross-validated scores."""

    model: dict[str, Any]
    accuracy: float
    macro_f1: float
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    folds: int = 0


#: Record line -> the physical line a person finds it on.
Locate = Callable[[int], int]


def _table_frame(table: Any, options: ReadOptions) -> tuple[pl.DataFrame, Locate, str | None]:
    """One table's ``text``, ``sentiment`` (normalised), ``raw`` (the label as written) and
    ``_line`` (record line) columns, the function giving a record line's physical line, and a
    note."""
    from stormwatch.pipeline.normalise import normalise
    from stormwatch.sources.interpret import interpret

    try:
        source = interpret(table, options)
    except SchemaError as exc:
        if exc.missing != "timestamp" or options.mapping is not None:
            raise
        # Hand-labelled files often have no timestamp: read the two columns by their headers.
        columns = match_columns(table.header)
        for name, hint in (("text", TEXT_HINT), ("sentiment", SENTIMENT_HINT)):
            if name not in columns:
                raise SchemaError(table.name, name, table.header, hint=hint) from None
        raw = pl.col(columns["sentiment"]).cast(pl.String)
        frame = table.frame.select(
            pl.col(columns["text"]).alias("text"),
            sentiment_expr(raw).alias("sentiment"),
            raw.alias("raw"),
            (pl.col("_row").cast(pl.Int64) + table.header_line + 1).alias("_line"),
        ).collect()
        note = f"{table.name}: no timestamp column; text and sentiment read by header"
        return frame, table.physical_line, note
    for name, hint in (("text", TEXT_HINT), ("sentiment", SENTIMENT_HINT)):
        if name not in source.columns:
            raise SchemaError(table.name, name, table.header, hint=hint)
    # No estimator: a model must learn from the labels people gave, never from guesses.
    mentions = normalise(source, estimator=None)
    frame = mentions.select(
        "text", "sentiment", pl.col("_raw_sentiment").alias("raw"), "_line"
    ).collect()
    return frame, source.physical_line, None


def read_labelled(paths: Sequence[str | Path], options: ReadOptions | None = None) -> Labelled:
    """Labelled mentions from export files: every row with a text and a sentiment, each
    distinct text once. Raises InputError/SchemaError for unreadable files or missing columns."""
    from stormwatch.sources import open_tables

    options = options or ReadOptions()
    frames: list[pl.DataFrame] = []
    notes: list[str] = []
    first: tuple[str, int, str] | None = None
    for path in paths:
        for table in open_tables(path):
            frame, locate, note = _table_frame(table, options)
            frame = frame.with_columns(pl.col("text").str.strip_chars()).with_columns(
                # A row with text whose label we cannot read: told apart from an unrated one.
                ((pl.col("text").str.len_chars() > 0) & unreadable_sentiment(pl.col("raw"))).alias(
                    "unrecognised"
                )
            )
            frames.append(frame.select("text", "sentiment", "unrecognised"))
            if first is None:
                wrong = frame.filter("unrecognised").head(1)
                if wrong.height:
                    first = (table.name, locate(wrong["_line"][0]), wrong["raw"][0])
            if note:
                notes.append(note)
    rows = pl.concat(frames)
    usable = rows.filter(pl.col("text").str.len_chars() > 0, pl.col("sentiment").is_not_null())
    distinct = usable.unique("text", keep="first", maintain_order=True)
    unrecognised = int(rows["unrecognised"].sum())
    return Labelled(
        texts=distinct["text"].to_list(),
        labels=distinct["sentiment"].to_list(),
        unlabelled=rows.height - usable.height - unrecognised,
        duplicates=usable.height - distinct.height,
        notes=tuple(notes),
        unrecognised=unrecognised,
        first_unrecognised=first,
    )


def require_labels(data: Labelled) -> None:
    """Raise TrainingDataError when no row has both a text and a recognised sentiment."""
    if data.labels:
        return
    left_out = data.left_out()
    raise TrainingDataError(
        "no labelled mentions: no row has both a text and a recognised sentiment"
        + (f"; left out: {', '.join(left_out)}" if left_out else ""),
        hint="the sentiment column needs labels like negative/neutral/positive, "
        "negativ/positiv, or numbers by sign",
    )


def check_classes(data: Labelled, folds: int) -> None:
    """Raise TrainingDataError unless there are two classes with enough rows each."""
    require_labels(data)
    counts = data.counts()
    need = max(MIN_PER_CLASS, folds)
    if len(counts) == 1:
        (label, n), *_ = counts.items()
        raise TrainingDataError(
            f"all {n:,} labelled mentions are {label}: a model needs at least two classes",
            hint="add labelled mentions of another sentiment",
        )
    few = {c: n for c, n in counts.items() if n < need}
    if few:
        listed = ", ".join(f"{c} has {n}" for c, n in few.items())
        raise TrainingDataError(
            f"too few labelled mentions: {listed} (at least {need} per class)",
            hint="label more mentions of that class, or leave its rows out "
            "(the model learns the classes it is shown)",
        )


def _identity(features: list[str]) -> list[str]:
    return features


def _fit(docs: Sequence[list[list[str]]], labels: Sequence[str]) -> tuple[Any, list[Any]]:
    """Fit one vectoriser per block and the classifier; return (classifier, vectorisers)."""
    from scipy.sparse import hstack  # type: ignore[import-untyped]
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    vectorisers = []
    matrices = []
    for (_, _, max_features), block_docs in zip(BLOCKS, docs, strict=True):
        vec = TfidfVectorizer(
            analyzer=_identity,
            lowercase=False,
            sublinear_tf=True,
            min_df=min(MIN_DF, len(labels)),
            max_features=max_features,
        )
        try:
            matrices.append(vec.fit_transform(block_docs))
        except ValueError:  # "After pruning, no terms remain": no n-gram in two texts
            raise TrainingDataError(
                "the labelled texts share no words: nothing to learn from",
                hint="train on real mentions, at least a few hundred",
            ) from None
        vectorisers.append(vec)
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    clf.fit(hstack(matrices).tocsr(), list(labels))
    return clf, vectorisers


def _transform(vectorisers: Sequence[Any], docs: Sequence[list[list[str]]]) -> Any:
    from scipy.sparse import hstack

    return hstack([v.transform(d) for v, d in zip(vectorisers, docs, strict=True)]).tocsr()


def featurise(texts: Sequence[str]) -> list[list[list[str]]]:
    """Per block, every text's feature list."""
    series = pl.Series(list(texts), dtype=pl.String)
    return [per_text(analyze(kind, series, rng), len(texts)) for kind, rng, _ in BLOCKS]


def export(clf: Any, vectorisers: Sequence[Any], training: dict[str, Any]) -> dict[str, Any]:
    """The JSON-ready model: vocabularies in column order, idf, coefficients, intercepts."""
    blocks = []
    for (kind, rng, _), vec in zip(BLOCKS, vectorisers, strict=True):
        vocabulary = [""] * len(vec.vocabulary_)
        for term, col in vec.vocabulary_.items():
            vocabulary[col] = term
        blocks.append(
            {
                "kind": kind,
                "ngram_range": list(rng),
                "vocabulary": vocabulary,
                "idf": vec.idf_.tolist(),
            }
        )
    return {
        "format": FORMAT,
        "version": VERSION,
        "classes": [str(c) for c in clf.classes_],
        "blocks": blocks,
        "coef": np.asarray(clf.coef_, dtype=np.float64).tolist(),
        "intercept": np.asarray(clf.intercept_, dtype=np.float64).tolist(),
        "training": training,
    }


def train(data: Labelled, folds: int = 5, seed: int = 0) -> Trained:
    """Cross-validate, then fit on everything. Raises TrainingDataError (see check_classes)."""
    import sklearn  # type: ignore[import-untyped]
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support  # type: ignore[import-untyped]
    from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

    check_classes(data, folds)
    docs = featurise(data.texts)
    labels = np.asarray(data.labels, dtype=object)
    predicted = np.empty(len(labels), dtype=object)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(labels)), labels):
        subset = [[block[i] for i in train_idx] for block in docs]
        clf, vectorisers = _fit(subset, labels[train_idx].tolist())
        held_out = [[block[i] for i in test_idx] for block in docs]
        predicted[test_idx] = clf.predict(_transform(vectorisers, held_out))
    classes = sorted(set(data.labels), key=SENTIMENTS.index)
    accuracy = float(accuracy_score(labels, predicted))
    macro_f1 = float(f1_score(labels, predicted, labels=classes, average="macro"))
    precision, recall, f1, support = precision_recall_fscore_support(
        labels, predicted, labels=classes, zero_division=0
    )
    per_class = {
        c: {"precision": float(p), "recall": float(r), "f1": float(f), "support": int(s)}
        for c, p, r, f, s in zip(classes, precision, recall, f1, support, strict=True)
    }
    clf, vectorisers = _fit(docs, data.labels)
    training = {
        "rows": len(data.labels),
        "per_class": data.counts(),
        "cv_folds": folds,
        "cv_accuracy": round(accuracy, 4),
        "cv_macro_f1": round(macro_f1, 4),
        "stormwatch_version": __version__,
        "sklearn_version": sklearn.__version__,
    }
    return Trained(export(clf, vectorisers, training), accuracy, macro_f1, per_class, folds)
