"""Benchmark: stormwatch's reader against `polars.scan_csv` on the same file and columns.

On a synthetic N-row export (bench_scan.py's generator), two comparisons:

1. reading: `read_source` (sniffing, header detection, column mapping, timestamp format
   detection) and collecting the mapped columns, against `pl.scan_csv(path).select(columns)`.
   Target (issue #3): <= 1.2x.
2. reading + normalising to typed canonical columns (timestamps parsed with the detected
   format, counts, sentiment labels, reject reasons), against polars doing the same typing by
   hand (`str.strptime` and casts) — for information.

    python benchmarks/bench_read.py --rows 10000000
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_scan import setup

COLUMNS = ["timestamp", "brand", "author", "followers", "text", "sentiment", "engagement", "url"]
CANONICAL = ["timestamp", "topic", "author", "followers", "text", "sentiment", "engagement", "url"]
POLARS = """
import sys, polars as pl
cols = sys.argv[2].split(",")
print(pl.scan_csv(sys.argv[1]).select(cols).collect(engine="streaming").height)
"""
READER = """
import sys, polars as pl
from stormwatch.sources import read_source
cols = sys.argv[2].split(",")
print(read_source(sys.argv[1]).frame.select(cols).collect(engine="streaming").height)
"""
POLARS_TYPED = """
import sys, polars as pl
ts = pl.col("timestamp").str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%dT%H:%M:%S%.f%#z")
ints = [pl.col(c).cast(pl.Int64, strict=False) for c in ("followers", "engagement")]
cols = ["brand", "author", "text", "sentiment", "url"]
frame = pl.scan_csv(sys.argv[1], infer_schema=False).select(ts, *ints, *cols)
print(frame.collect(engine="streaming").height)
"""
NORMALISED = """
import sys, polars as pl
from stormwatch.sources import read_source
from stormwatch.pipeline.normalise import normalise
cols = sys.argv[2].split(",")
frame = normalise(read_source(sys.argv[1])).select(cols)
print(frame.collect(engine="streaming").height)
"""


def timed(code: str, *args: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    args, path = setup(__doc__ or "")
    bare = timed(POLARS, str(path), ",".join(COLUMNS), repeat=args.repeat)
    reader = timed(READER, str(path), ",".join(CANONICAL), repeat=args.repeat)
    typed = timed(POLARS_TYPED, str(path), repeat=args.repeat)
    ours = timed(NORMALISED, str(path), ",".join(CANONICAL), repeat=args.repeat)
    print(f"rows {args.rows:,}, {len(COLUMNS)} columns, best of {args.repeat}")
    print(f"polars.scan_csv (inferred types)      {bare:6.2f} s")
    print(f"stormwatch read_source (raw columns)  {reader:6.2f} s")
    print(f"polars scan_csv + strptime + casts    {typed:6.2f} s")
    print(f"stormwatch read_source + normalise    {ours:6.2f} s")
    ratio = reader / bare
    status = "ok" if ratio <= 1.2 else "MISS"
    print(f"reading: stormwatch / scan_csv        {ratio:6.2f} x   (target <= 1.2)  {status}")
    print(f"typed:   stormwatch / polars by hand  {ours / typed:6.2f} x")


if __name__ == "__main__":
    main()
