"""Benchmark: ``stormwatch report`` on the bundled sample (target: ≤ 1.5 s on the 2-core
development machine), against a bare polars read of the same file as the floor.

Each run is a fresh process (start-up, imports, the scan, the replay for the timeline and
the HTML), alternated with ``python -c`` reading the sample's columns with polars, so load on
the shared machine hits both alike. Reports min / median / max wall time, and the least CPU
time (user + system), which the machine's other load inflates less.

    python benchmarks/bench_report.py --runs 5
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "siemens-fridge-2011.csv"
BARE = (
    "import polars as pl; pl.scan_csv({path!r}, try_parse_dates=True)"
    ".group_by('brand').agg(pl.len(), pl.col('timestamp').max()).collect()"
)


def timed(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def summary(name: str, runs: list[tuple[float, float]]) -> str:
    times = [wall for wall, _ in runs]
    return (
        f"{name}: min {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s (CPU min {min(cpu for _, cpu in runs):.2f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    stormwatch = str(Path(sys.executable).with_name("stormwatch"))
    report: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "r.html"
        for _ in range(args.runs):
            report.append(timed([stormwatch, "report", str(SAMPLE), "--out", str(out), "-q"]))
            bare.append(timed([sys.executable, "-c", BARE.format(path=str(SAMPLE))]))
        size = out.stat().st_size
    print(summary(f"stormwatch report (sample, {size / 1024:.0f} kB of HTML)", report))
    print(summary("bare polars read of the sample", bare))


if __name__ == "__main__":
    main()
