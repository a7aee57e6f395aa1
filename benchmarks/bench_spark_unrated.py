"""Benchmark: `scan --store --engine spark` against `--engine polars` on a store imported without
sentiment, so that both estimate it (the built-in lexicon) inside the scan's horizon.

bench_scan.py's generator writes N mentions over 30 days (one storm); the sentiment column is
dropped and the rest imported into a store in a temporary directory (deleted after). Then both
scans run as whole `stormwatch` processes, taking turns ``--repeat`` times (wall seconds, min /
median / max; Spark's include starting its session, the JVM and the Python workers, as every
`scan --engine spark` does), and their JSON reports must be identical.

    python benchmarks/bench_spark_unrated.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_scan import generate, spread
from measure import require_identical, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--dir", type=Path, default=None, help="where the store is made")
    args = parser.parse_args()
    import polars as pl

    work = Path(tempfile.mkdtemp(prefix="stormwatch-bench-unrated-", dir=args.dir))
    try:
        rated, export, store = work / "rated.csv", work / "export.csv", work / "store"
        t0 = time.perf_counter()
        generate(args.rows, rated)
        pl.scan_csv(rated).drop("sentiment").sink_csv(export)
        rated.unlink()
        exe = str(Path(sys.executable).with_name("stormwatch"))
        subprocess.run([exe, "import", str(export), "--store", str(store), "-q"], check=True)
        export.unlink()
        took = time.perf_counter() - t0
        print(f"{args.rows:,} mentions without sentiment, generated and imported in {took:.0f} s")
        scan = [exe, "scan", "--store", str(store), "-f", "json"]
        spark = ["--engine", "spark", "--spark-master", args.master]
        cmds = {
            "polars": [*scan, "--out", str(work / "polars.json")],
            "spark": [*scan, *spark, "--out", str(work / "spark.json")],
        }
        walls: dict[str, list[float]] = {name: [] for name in cmds}
        for _ in range(args.repeat):
            for name, cmd in cmds.items():
                walls[name].append(run(cmd)[0])
        print(f"{'':8s} {'wall s: min  median    max':>26s}")
        for name, got in walls.items():
            print(f"{name:8s} {spread(got)}")
        require_identical((work / "polars.json").read_text() == (work / "spark.json").read_text())
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
