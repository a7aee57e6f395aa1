"""Benchmark: what estimating sentiment costs `stormwatch scan` on a file without sentiment.

Makes N synthetic mentions (``bench_scan.generate``, texts replaced by the hand-labelled
sentences of ``tests/data/sentiment`` with a varying hashtag) twice: with a sentiment column and
without one. Times, each in its own process (best of --repeat): the file with sentiment (the
estimate must cost nothing there), the file without it with the built-in lexicon, with a
trained model, and with ``--no-estimate-sentiment``.

    python benchmarks/bench_estimate.py --rows 1000000
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scan import OUT, best_of, generate

from stormwatch.sentiment.model import save_model
from stormwatch.sentiment.train import Labelled, train

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "sentiment"


def sentences() -> pl.DataFrame:
    return pl.concat([pl.read_csv(DATA / f"{n}.csv") for n in ("gold", "holdout", "fresh")])


def make_files(rows: int) -> tuple[Path, Path]:
    """The file with sentiment and the same file without the column (made once)."""
    OUT.mkdir(exist_ok=True)
    rated, unrated = OUT / f"texts-{rows}.csv", OUT / f"texts-{rows}-nosentiment.csv"
    if rated.exists() and unrated.exists():
        return rated, unrated
    t0 = time.perf_counter()
    raw = OUT / f"raw-{rows}.csv"
    generate(rows, raw)
    texts = sentences()["text"]
    i = pl.int_range(pl.len(), dtype=pl.Int64)
    frame = pl.read_csv(raw, infer_schema=False).with_columns(
        pl.concat_str(
            pl.lit(texts).gather(i % len(texts)).alias("t"),
            pl.lit(" #t"),
            (i % 97).cast(pl.String),
        ).alias("text")
    )
    frame.write_csv(rated)
    frame.drop("sentiment").write_csv(unrated)
    raw.unlink()
    print(f"generated {rated.name}, {unrated.name} in {time.perf_counter() - t0:.1f} s")
    return rated, unrated


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rated, unrated = make_files(args.rows)
    gold = sentences()
    model = train(Labelled(gold["text"].to_list(), gold["label"].to_list()), folds=5).model
    exe = [sys.executable, "-m", "stormwatch", "scan", "--format", "json", "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        model_path = save_model(model, Path(tmp) / "model.json")
        runs = {
            "with sentiment": [*exe, str(rated)],
            "without, not estimated": [*exe, str(unrated), "--no-estimate-sentiment"],
            "without, lexicon": [*exe, str(unrated)],
            "without, trained model": [*exe, str(unrated), "--sentiment-model", str(model_path)],
        }
        times = best_of(runs, args.repeat)
    mb = 1024 * 1024
    print(f"rows {args.rows:,}  (best of {args.repeat})")
    base = times["without, not estimated"][0]
    for name, (t, rss) in times.items():
        extra = f"  (+{t - base:.2f} s estimating)" if name.startswith("without, ") else ""
        extra = "" if t == base else extra
        print(f"{name:24s} {t:7.2f} s   peak RSS {rss / mb:7.0f} MiB{extra}")


if __name__ == "__main__":
    main()
