"""Benchmark: the built-in lexicon classifier and a trained JSON model on N texts.

Texts are the hand-labelled sentences of ``tests/data/sentiment`` (English and German, ~60
characters), repeated with a varying hashtag. The model is trained on those sentences first.
Reports wall time, texts per second and the process's peak RSS.

    python benchmarks/bench_sentiment.py --rows 1000000
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import polars as pl

from stormwatch.sentiment import classify, load_model
from stormwatch.sentiment.model import save_model
from stormwatch.sentiment.train import Labelled, train

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentiment"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--model-rows", type=int, default=None, help="default: --rows")
    args = parser.parse_args()
    gold = pl.concat([pl.read_csv(DATA / f"{n}.csv") for n in ("gold", "holdout", "fresh")])
    sentences = gold["text"].to_list()
    texts = pl.Series(
        "text", [f"{sentences[i % len(sentences)]} #t{i % 97}" for i in range(args.rows)]
    )
    print(f"{args.rows:,} texts, {texts.str.len_chars().mean():.0f} characters on average")

    classify(texts.head(1000))  # load the lexicon
    start = time.perf_counter()
    classify(texts)
    lexicon = time.perf_counter() - start
    print(f"lexicon classify: {lexicon:.2f} s ({args.rows / lexicon:,.0f} texts/s)")

    result = train(Labelled(sentences, gold["label"].to_list()), folds=5)
    with tempfile.TemporaryDirectory() as tmp:
        model = load_model(save_model(result.model, Path(tmp) / "model.json"))
    rows = args.model_rows or args.rows
    start = time.perf_counter()
    model.predict(texts.head(rows))
    predict = time.perf_counter() - start
    print(
        f"model predict ({model.n_features:,} features): {predict:.2f} s for {rows:,} texts "
        f"({rows / predict:,.0f} texts/s)"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"peak RSS {peak:.2f} GB")


if __name__ == "__main__":
    main()
