"""Benchmark: `scan --store` of the last 8 days (1h window, 7d baseline) out of a year of
mentions, against a bare polars query that reads the same partition files.

Generates N mentions over 365 days as a CSV in a temporary directory, imports it into a store
there (timed once), then runs each contender in its own process, alternated, and reports wall
time (min/median/max) and peak RSS. Target (issue 16): <= 1 s for 10M mentions. The temporary
directory is deleted at the end.

    python benchmarks/bench_store.py --rows 10000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from measure import run
from store_data import generate_apart, import_into

BARE = """
import sys, polars as pl
files = sys.argv[1:]
counts = (
    pl.scan_parquet(files, hive_partitioning=False)
    .select("topic", (pl.col("timestamp").max() - pl.col("timestamp")).dt.total_hours().alias("w"),
            "author")
    .filter(pl.col("w") <= 168)
    .group_by("topic", "w")
    .agg(pl.len(), pl.col("author").n_unique())
    .collect()
)
print(counts.height)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from stormwatch.store.canonical import CanonicalStore

    work = Path(tempfile.mkdtemp(prefix="stormwatch-bench-store-"))
    try:
        export, store = work / "export.csv", work / "store"
        t0 = time.perf_counter()
        generate_apart(args.rows, args.days, export)
        print(
            f"generated {args.rows:,} mentions over {args.days} days in "
            f"{time.perf_counter() - t0:.1f} s ({export.stat().st_size / 2**20:,.0f} MiB CSV)"
        )
        took = import_into(store, export)
        export.unlink()
        print(f"import: {took:.1f} s ({args.rows / took:,.0f} mentions/s)")
        parts, _ = CanonicalStore(store).chosen(timedelta(hours=1), 168, None)
        total = len(CanonicalStore(store).partitions())
        print(f"partitions: {len(parts)} of {total} read by the scan")
        exe = str(Path(sys.executable).with_name("stormwatch"))
        contenders = {
            "scan --store": [exe, "scan", "--store", str(store), "-f", "json", "-q"],
            "bare polars": [sys.executable, "-c", BARE, *(p.path for p in parts)],
        }
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in contenders}
        for _ in range(args.runs):  # alternated, so both see the same machine
            for name, cmd in contenders.items():
                results[name].append(run(cmd))
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores)")
        for name, runs in results.items():
            walls = [w for w, _ in runs]
            rss = max(r for _, r in runs) / 2**20
            print(
                f"{name:>13}: min {min(walls):.2f} s, median {statistics.median(walls):.2f} s, "
                f"max {max(walls):.2f} s; peak RSS {rss:,.0f} MiB"
            )
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
