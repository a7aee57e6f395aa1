"""Trained sentiment models, saved as plain JSON (never pickle) and applied without
scikit-learn: tf-idf (sublinear tf, l2 per feature block) and a linear decision in polars and
numpy, exactly as ``TfidfVectorizer`` + ``LogisticRegression`` compute them.

The file (``FORMAT``, ``VERSION``)::

    {"format": "stormwatch-sentiment-model", "version": 1,
     "classes": ["negative", "neutral", "positive"],
     "blocks": [{"kind": "word", "ngram_range": [1, 2], "vocabulary": [...], "idf": [...]},
                {"kind": "char_wb", "ngram_range": [3, 5], "vocabulary": [...], "idf": [...]}],
     "coef": [[...], ...],      # one row per class (one row for two classes), block order
     "intercept": [...],
     "training": {...}}         # rows, classes, cross-validated scores: information only

Anything else (not JSON, another program's file, a newer version, wrong lengths, NaN) is a
:class:`~stormwatch.errors.ConfigError` naming the file and what is wrong.
"""

from __future__ import annotations

import functools
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from stormwatch.errors import ConfigError
from stormwatch.sentiment.features import analyze
from stormwatch.sources.schema import SENTIMENTS

FORMAT = "stormwatch-sentiment-model"
VERSION = 1
KINDS = ("word", "char_wb")
MODEL_FILE = "sentiment-model.json"
BATCH = 20_000  # texts featurised at once (bounds memory: ~200 features per text)
RETRAIN = "train a new one with: stormwatch train-sentiment LABELLED.csv"
Array = np.ndarray[Any, np.dtype[Any]]


@dataclass(frozen=True)
class Block:
    """One feature block: its analyzer, vocabulary (term -> column) and idf weights."""

    kind: str
    ngram_range: tuple[int, int]
    vocabulary: pl.DataFrame  # feature, col (Int64, column across all blocks), idf

    @property
    def size(self) -> int:
        return self.vocabulary.height


@dataclass(frozen=True)
class TextModel:
    """A linear text classifier over tf-idf features (see the module docstring)."""

    classes: tuple[str, ...]
    blocks: tuple[Block, ...]
    coef: np.ndarray[Any, np.dtype[np.float64]]  # (1 or len(classes), n_features)
    intercept: np.ndarray[Any, np.dtype[np.float64]]
    training: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return sum(b.size for b in self.blocks)

    @functools.cached_property
    def idf(self) -> Array:
        """The idf weight of every column, all blocks."""
        return np.concatenate([b.vocabulary["idf"].to_numpy() for b in self.blocks])

    def _weights(self, texts: pl.Series) -> tuple[Array, Array, Array]:
        """Non-zero tf-idf weights as (row, col, w), l2-normalised per text and block."""
        rows, cols, weights = [], [], []
        n = max(len(texts), 1)
        for block in self.blocks:
            vocab = block.vocabulary
            found = (
                analyze(block.kind, texts, block.ngram_range)
                .select(
                    "row",
                    pl.col("feature")
                    .replace_strict(vocab["feature"], vocab["col"], default=None)
                    .alias("col"),
                )
                .drop_nulls("col")
            )
            key = found["row"].to_numpy().astype(np.int64) * self.n_features + found["col"]
            unique, tf = np.unique(key, return_counts=True)
            row, col = np.divmod(unique, self.n_features)
            w = (1.0 + np.log(tf)) * self.idf[col]
            norm = np.sqrt(np.bincount(row, weights=w * w, minlength=n))
            rows.append(row)
            cols.append(col)
            weights.append(w / norm[row])
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)

    def decision_function(
        self, texts: pl.Series | Sequence[str | None]
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """``X @ coef.T + intercept`` like scikit-learn: shape (n,) for two classes, else
        (n, classes). Null texts score as empty texts."""
        series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
        n = len(series)
        out = np.zeros((n, self.coef.shape[0]))
        for start in range(0, n, BATCH):
            chunk = series.slice(start, BATCH)
            rows, cols, w = self._weights(chunk)
            for k in range(self.coef.shape[0]):
                out[start : start + len(chunk), k] = np.bincount(
                    rows, weights=w * self.coef[k, cols], minlength=len(chunk)
                )
        out += self.intercept
        return out[:, 0] if self.coef.shape[0] == 1 else out

    def predict_proba(
        self, texts: pl.Series | Sequence[str | None]
    ) -> np.ndarray[Any, np.dtype[np.float64]]:
        """Class probabilities (columns in ``classes`` order), as LogisticRegression's."""
        d = self.decision_function(texts)
        if d.ndim == 1:
            p = 1.0 / (1.0 + np.exp(-d))
            return np.column_stack([1.0 - p, p])
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predict(self, texts: pl.Series | Sequence[str | None]) -> pl.DataFrame:
        """``sentiment`` (the likeliest class), ``score`` = P(positive) - P(negative) in -1..1,
        ``confidence`` (the likeliest class's probability). Null for null or blank texts."""
        series = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
        proba = self.predict_proba(series)
        index = {c: i for i, c in enumerate(self.classes)}
        zero = np.zeros(len(series))
        score = proba[:, index["positive"]] if "positive" in index else zero
        score = score - (proba[:, index["negative"]] if "negative" in index else zero)
        frame = pl.DataFrame(
            {
                "sentiment": np.asarray(self.classes, dtype=object)[proba.argmax(axis=1)],
                "score": score,
                "confidence": proba.max(axis=1),
            },
            schema={"sentiment": pl.String, "score": pl.Float64, "confidence": pl.Float64},
        )
        known = series.cast(pl.String).str.strip_chars().str.len_chars().fill_null(0) > 0
        return frame.select(pl.when(known).then(pl.col(c)).alias(c) for c in frame.columns)


def default_model_path(env: Mapping[str, str] | None = None) -> Path:
    """``sentiment-model.json`` in the app directory (``STORMWATCH_CONFIG_DIR`` moves it)."""
    from stormwatch.settings import app_dir

    return app_dir(os.environ if env is None else env) / MODEL_FILE


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _damaged(path: Path, what: str, key: str | None = None) -> ConfigError:
    where = f"{key}: " if key else ""
    return ConfigError(f"damaged sentiment model: {where}{what}", path=path, hint=RETRAIN)


def _numbers(path: Path, key: str, values: Any, length: int | None = None) -> list[float]:
    if not isinstance(values, list) or not all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in values
    ):
        raise _damaged(path, "expected a list of finite numbers", key)
    if length is not None and len(values) != length:
        raise _damaged(path, f"expected {length} numbers, found {len(values)}", key)
    return [float(v) for v in values]


def _block(path: Path, i: int, raw: Any, offset: int) -> Block:
    key = f"blocks[{i}]"
    if not isinstance(raw, dict):
        raise _damaged(path, "expected an object", key)
    kind, ngrams, vocab = raw.get("kind"), raw.get("ngram_range"), raw.get("vocabulary")
    if kind not in KINDS:
        raise _damaged(path, f"unknown kind {kind!r} (known: {', '.join(KINDS)})", f"{key}.kind")
    if not (
        isinstance(ngrams, list)
        and len(ngrams) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in ngrams)
        and 1 <= ngrams[0] <= ngrams[1] <= 10
    ):
        raise _damaged(path, "expected [min, max] with 1 <= min <= max <= 10", f"{key}.ngram_range")
    if not isinstance(vocab, list) or not vocab or not all(isinstance(t, str) for t in vocab):
        raise _damaged(path, "expected a non-empty list of strings", f"{key}.vocabulary")
    if len(set(vocab)) != len(vocab):
        raise _damaged(path, "repeated terms", f"{key}.vocabulary")
    idf = _numbers(path, f"{key}.idf", raw.get("idf"), len(vocab))
    frame = pl.DataFrame(
        {"feature": vocab, "col": range(offset, offset + len(vocab)), "idf": idf},
        schema={"feature": pl.String, "col": pl.Int64, "idf": pl.Float64},
    )
    return Block(kind, (ngrams[0], ngrams[1]), frame)


def model_from_dict(data: Any, path: Path) -> TextModel:
    """Validate a parsed model file and build the model. Raises ConfigError."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(
            f'not a stormwatch sentiment model (no "format": "{FORMAT}")', path=path, hint=RETRAIN
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _damaged(path, f"bad version {version!r}", "version")
    if version > VERSION:
        raise ConfigError(
            f"sentiment model version {version} was made by a newer stormwatch "
            f"(this one reads version {VERSION})",
            path=path,
            hint="upgrade stormwatch, or " + RETRAIN,
        )
    classes = data.get("classes")
    if not (
        isinstance(classes, list)
        and len(classes) >= 2
        and len(set(classes)) == len(classes)
        and all(c in SENTIMENTS for c in classes)
    ):
        raise _damaged(path, f"expected two or more of {', '.join(SENTIMENTS)}", "classes")
    raw_blocks = data.get("blocks")
    if not isinstance(raw_blocks, list) or not raw_blocks:
        raise _damaged(path, "expected a list of feature blocks", "blocks")
    blocks: list[Block] = []
    offset = 0
    for i, raw in enumerate(raw_blocks):
        blocks.append(_block(path, i, raw, offset))
        offset += blocks[-1].size
    rows = 1 if len(classes) == 2 else len(classes)
    coef = data.get("coef")
    if not isinstance(coef, list) or len(coef) != rows:
        raise _damaged(path, f"expected {rows} rows of coefficients", "coef")
    matrix = [_numbers(path, f"coef[{k}]", row, offset) for k, row in enumerate(coef)]
    intercept = _numbers(path, "intercept", data.get("intercept"), rows)
    training = data.get("training", {})
    return TextModel(
        classes=tuple(classes),
        blocks=tuple(blocks),
        coef=np.array(matrix, dtype=np.float64).reshape(rows, offset),
        intercept=np.array(intercept, dtype=np.float64),
        training=training if isinstance(training, dict) else {},
    )


def load_model(path: str | Path) -> TextModel:
    """Read and validate a model saved by ``stormwatch train-sentiment``. Raises ConfigError
    for a missing, unreadable, foreign, newer or damaged file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("sentiment model not found", path=p, hint=RETRAIN) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
        raise ConfigError(f"cannot read the sentiment model: {reason}", path=p) from None
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise ConfigError(
            f"not a stormwatch sentiment model (not JSON: {exc})", path=p, hint=RETRAIN
        ) from None
    return model_from_dict(data, p)


def save_model(data: Mapping[str, Any], path: str | Path) -> Path:
    """Write a model dict as JSON, atomically (a crash leaves the old file). Validates first."""
    p = Path(path)
    model_from_dict(json.loads(json.dumps(data)), p)
    tmp = p.with_name(p.name + ".tmp")
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8")
        os.replace(tmp, p)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot write the sentiment model: {exc.strerror}", path=p) from None
    return p
