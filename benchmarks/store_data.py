"""Synthetic mentions for the store benchmarks: N rows over D days, 20 brands, 200k authors,
written as a CSV export (generated on the fly, vectorised; about 100 bytes a row)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl

END = np.datetime64("2026-11-30T00:00:00", "us")


def drawn(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """The random columns of ``n`` synthetic mentions, drawn in this order (so a generator
    with the same seed makes the same data): brand (20), author (Zipf over 200k), followers
    (log-normal), text number (1,000), sentiment, engagement (Poisson 5)."""
    return {
        "brand": rng.integers(0, 20, n),
        "author": rng.zipf(1.3, n) % 200_000,
        "followers": rng.lognormal(6, 2, n).astype(np.int64),
        "text": rng.integers(0, 1000, n),
        "sentiment": rng.choice(["negative", "neutral", "positive"], n),
        "engagement": rng.poisson(5, n),
    }


def generate(rows: int, days: int, path: Path, seed: int = 7) -> None:
    """``rows`` mentions spread evenly over the ``days`` before ``END``, as one CSV, written
    in chunks of a million rows so memory stays flat."""
    rng = np.random.default_rng(seed)
    span_us = days * 86_400 * 1_000_000
    offsets = np.sort(rng.integers(0, span_us, rows))
    with path.open("wb") as fh:
        for first in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - first)
            frame = pl.DataFrame(
                {
                    "id": np.arange(first, first + n),
                    "timestamp": END
                    - span_us
                    + offsets[first : first + n].astype("timedelta64[us]"),
                    **drawn(rng, n),
                }
            ).with_columns(
                pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
                ("brand-" + pl.col("brand").cast(pl.String)).alias("brand"),
                ("@user" + pl.col("author").cast(pl.String)).alias("author"),
                ("The fridge door does not close, complaint " + pl.col("text").cast(pl.String)),
            )
            frame.write_csv(fh, include_header=first == 0)


def generate_apart(rows: int, days: int, path: Path) -> None:
    """:func:`generate` in a process of its own: the caller's peak RSS stays small, and so
    does the peak RSS its children report (a child starts with its parent's)."""
    code = "import sys; from store_data import generate; from pathlib import Path; "
    code += "generate(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]))"
    here = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": here}
    subprocess.run(
        [sys.executable, "-c", code, str(rows), str(days), str(path)], check=True, env=env
    )


def import_into(store: Path, export: Path) -> float:
    """Run ``stormwatch import`` (its own process); the wall seconds it took."""
    import time

    t0 = time.perf_counter()
    exe = Path(sys.executable).with_name("stormwatch")
    subprocess.run([str(exe), "import", str(export), "--store", str(store), "-q"], check=True)
    return time.perf_counter() - t0
