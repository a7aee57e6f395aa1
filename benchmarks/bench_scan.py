"""Benchmark: `stormwatch scan` against a bare polars aggregation of the same per-window counts.

Generates N synthetic mentions (8 columns, CSV) once, then runs each contender in its own
process and reports wall time and peak RSS. Targets (issue #2): scan <= 1.3x the bare polars
time, peak RSS <= 1.3x the file size, `stormwatch --help` <= 0.3 s.

    python benchmarks/bench_scan.py --rows 10000000
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

OUT = Path(__file__).parent / "out"
BARE = """
import sys, polars as pl
lf = pl.scan_csv(sys.argv[1], infer_schema=False)
ts = pl.col("timestamp").str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%.f%#z",
                                      strict=False)
end = ts.max()
counts = (
    lf.select(pl.col("brand"), ((end - ts).dt.total_microseconds() // 3_600_000_000).alias("w"))
    .filter(pl.col("w") <= 168)
    .group_by("brand", "w")
    .len()
    .collect(engine=sys.argv[2])
)
print(counts.height)
"""


def generate(rows: int, path: Path, seed: int = 7) -> None:
    """N mentions over 30 days, 20 brands, 200k authors, one storm in the last hours."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-10-01T00:00:00", "us")
    span_us = 30 * 86400 * 1_000_000
    offsets = np.sort(rng.integers(0, span_us, rows))
    frame = pl.DataFrame(
        {
            "timestamp": (start + offsets.astype("timedelta64[us]")),
            "brand": pl.Series(rng.integers(0, 20, rows)).cast(pl.String),
            "author": pl.Series(rng.zipf(1.3, rows) % 200_000).cast(pl.String),
            "followers": rng.lognormal(6, 2, rows).astype(np.int64),
            "text": pl.Series(rng.integers(0, 1000, rows)).cast(pl.String),
            "sentiment": pl.Series(rng.choice(["negative", "neutral", "positive"], rows)),
            "engagement": rng.poisson(5, rows),
            "url": pl.Series(np.arange(rows)).cast(pl.String),
        }
    ).with_columns(
        pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S.%3fZ"),
        ("brand-" + pl.col("brand")).alias("brand"),
        ("@user" + pl.col("author")).alias("author"),
        ("The fridge door does not close properly, complaint number " + pl.col("text")).alias(
            "text"
        ),
        ("https://social.example/status/" + pl.col("url")).alias("url"),
    )
    frame.write_csv(path)


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss * 1024


def best_of(cmds: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, int]]:
    """Per command: the best wall time and the largest peak RSS of ``repeat`` runs, the
    commands taking turns so that a slow spell of a shared machine hits them alike."""
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            runs[name].append(run(cmd))
    return {name: (min(r[0] for r in got), max(r[1] for r in got)) for name, got in runs.items()}


def setup(doc: str) -> tuple[argparse.Namespace, Path]:
    """The benchmarks' common options (--rows, --repeat) and the synthetic file, made once."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"mentions-{args.rows}.csv"
    if not path.exists():
        t0 = time.perf_counter()
        generate(args.rows, path)
        print(f"generated {path} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return args, path


def main() -> None:
    args, path = setup(__doc__ or "")
    size = path.stat().st_size
    exe = [sys.executable, "-m", "stormwatch"]
    # The reference is the faster of polars' two engines for the bare aggregation.
    engines = ("auto", "streaming")
    timed = best_of(
        {
            "scan": [*exe, "scan", str(path), "--format", "json", "-q"],
            **{e: [sys.executable, "-c", BARE, str(path), e] for e in engines},
        },
        args.repeat,
    )
    scan_t, scan_rss = timed["scan"]
    bare = {engine: timed[engine] for engine in engines}
    bare_engine = min(bare, key=lambda e: bare[e][0])
    bare_t = bare[bare_engine][0]
    helps = [run([*exe, "--help"])[0] for _ in range(5)]
    help_t = statistics.median(helps)
    mb = 1024 * 1024
    print(f"rows {args.rows:,}  file {size / mb:,.0f} MiB  (best of {args.repeat})")
    for engine, (t, rss) in bare.items():
        print(f"bare polars {engine:10s} {t:7.2f} s   peak RSS {rss / mb:7.0f} MiB")
    print(f"stormwatch scan        {scan_t:7.2f} s   peak RSS {scan_rss / mb:7.0f} MiB")
    verdict(f"scan / bare ({bare_engine})", scan_t / bare_t, "x", 1.3)
    verdict("RSS / file size", scan_rss / size, "x", 1.3)
    verdict("--help", help_t, "s", 0.3)


def verdict(name: str, value: float, unit: str, target: float) -> None:
    status = "ok" if value <= target else "MISS"
    print(f"{name:22s} {value:7.2f} {unit}   (target <= {target})  {status}")


if __name__ == "__main__":
    main()
