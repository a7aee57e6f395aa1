"""Benchmark: the Spark engine (local mode) against polars on the same mention store.

Generates N mentions over 8 days (so a scan with the default 1h window and 7d baseline reads
every one of them) as a CSV in a temporary directory, imports it into a store, then times the
whole analysis (aggregation plan plus local scoring) with each engine in this process,
alternated, min/median/max, and checks that both reports are identical. Spark's session start
is timed apart: a cluster pays it once per job, not per scan. On 2 cores Spark is not expected
to win: the point is the same result, and a path to data that does not fit one machine.

    python benchmarks/bench_spark.py --rows 10000000
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from measure import require_identical
from store_data import generate_apart, import_into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args()
    from stormwatch.engines.spark import analyse_on_spark, session
    from stormwatch.pipeline.analyse import analyse
    from stormwatch.render.formats import to_json
    from stormwatch.settings import Settings
    from stormwatch.store.canonical import CanonicalStore

    work = Path(tempfile.mkdtemp(prefix="stormwatch-bench-spark-"))
    try:
        export, store = work / "export.csv", work / "store"
        generate_apart(args.rows, args.days, export)
        took = import_into(store, export)
        export.unlink()
        print(f"{args.rows:,} mentions over {args.days} days; import {took:.1f} s")
        settings = Settings()
        t0 = time.perf_counter()
        spark = session({"spark.master": args.master})
        spark.sparkContext.setLogLevel("ERROR")
        print(f"Spark session ({args.master}): {time.perf_counter() - t0:.1f} s")

        def on_polars() -> str:
            source = CanonicalStore(store).source(settings.window, settings.baseline_windows)
            return to_json(analyse(source, settings))

        def on_spark() -> str:
            return to_json(analyse_on_spark(spark, str(store), settings))

        times: dict[str, list[float]] = {"polars": [], "spark": []}
        outputs: dict[str, str] = {}
        for _ in range(args.runs):
            for name, run in (("polars", on_polars), ("spark", on_spark)):
                t0 = time.perf_counter()
                outputs[name] = run()
                times[name].append(time.perf_counter() - t0)
        for name, walls in times.items():
            print(
                f"{name:>7}: min {min(walls):.2f} s, median {statistics.median(walls):.2f} s, "
                f"max {max(walls):.2f} s"
            )
        spark.stop()
        require_identical(outputs["polars"] == outputs["spark"])
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
