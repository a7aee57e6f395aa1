"""Benchmark: `stormwatch scan` against a bare polars aggregation of the same per-window signals.

The bare reference reads the same columns as the scan (timestamp, brand, author, followers,
engagement, sentiment), parses the timestamps with their exact fixed-width format (polars'
fast path) and computes the same per-topic x hour counts: mentions, critical mentions per
quarter-window, distinct critical authors in the scored windows, negative, reach sums, the
current window's authors, the time range. It knows nothing a real export would not tell it:
the evaluation moment is the last line's timestamp, as the scan guesses it.

Each size's file is generated once, by a child process (so this process stays small and its
children's peak RSS, read per child with ``wait4``, is their own, not inherited), then every
contender runs in a fresh process, the contenders taking turns ``--repeat`` times so that a
slow spell of the shared machine hits them alike; min / median / max are reported.

    python benchmarks/bench_scan.py                                   # 5M and 10M, 5 turns
    python benchmarks/bench_scan.py --calm                            # the same, no storm
    python benchmarks/bench_scan.py --rows 1000000,10000000,30000000 --repeat 1 --scan-only
    python benchmarks/bench_scan.py --rows 100000000 --repeat 1 --scan-only --dir /tmp --delete
    python benchmarks/bench_scan.py --rows 5000000 --repeat 3 --parquet     # typed Parquet

``--parquet``: the same mentions as a typed Parquet file (timestamp a UTC datetime, followers
and engagement Int64), scanned against a bare query over the same Parquet columns (no
parsing, no casts: the columns are typed already).

Targets (issue #16): scan <= 1.3x bare polars (medians); peak RSS <= 0.4x the file from 30M
rows on (streaming); <= 4 GB at 100M; `stormwatch scan --help` <= 0.3 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from measure import run

OUT = Path(__file__).parent / "out"
FAST_FORMAT = "%Y-%m-%dT%H:%M:%S.%3fZ"  # how generate() writes timestamps
#: The per-topic x hour counts of the bare references, over ``frame`` (its own prelude).
AGGREGATE = """
age = (pl.lit(end) - pl.col("timestamp")).dt.total_microseconds()
critical, negative = pl.col("sentiment") != "positive", pl.col("sentiment") == "negative"
window = (age // HOUR).clip(-1, 169)
counts = (
    frame.with_columns(window.alias("window"), (age * 4 // HOUR % 4).alias("quarter"))
    .group_by("brand", "window", pl.when(pl.col("window") == 0).then(pl.col("author")))
    .agg(
        pl.len(),
        critical.sum().alias("critical"),
        *((critical & (pl.col("quarter") == q)).sum().alias(f"q{q}") for q in range(4)),
        pl.when(critical & pl.col("window").is_between(0, 168)).then(pl.col("author"))
        .drop_nulls().n_unique().alias("authors"),
        negative.sum().alias("negative"),
        pl.col("followers").sum().alias("followers_sum"),
        pl.col("followers").max().alias("followers_max"),
        pl.col("followers").filter(negative).sum().alias("followers_negative"),
        pl.col("engagement").sum(),
        pl.col("timestamp").min().alias("start"),
        pl.col("timestamp").max().alias("end"),
    )
    .collect(engine=sys.argv[2])
)
print(counts.height)
"""
#: The CSV's columns, the timestamps parsed with their exact format (polars' fast path).
_CSV_FRAME = """
import sys, polars as pl
FMT, HOUR = sys.argv[3], 3_600_000_000
with open(sys.argv[1], "rb") as fh:  # the newest mention is on the last line (sorted export)
    fh.seek(-4096, 2)
    last = fh.read().splitlines()[-1].decode().split(",")[0]
def parse(raw):
    return raw.str.strptime(pl.Datetime("us"), FMT, strict=False).dt.replace_time_zone("UTC")
end = pl.select(parse(pl.lit(last))).item()
frame = pl.scan_csv(sys.argv[1], infer_schema=False).select(
    parse(pl.col("timestamp")).alias("timestamp"), "brand", "author", "sentiment",
    pl.col("followers", "engagement").cast(pl.Int64, strict=False),
)
"""
#: The typed Parquet file's columns as they are stored.
_PARQUET_FRAME = """
import sys, polars as pl
HOUR = 3_600_000_000
frame = pl.scan_parquet(sys.argv[1]).select(
    "timestamp", "brand", "author", "sentiment", "followers", "engagement"
)
end = frame.select("timestamp").tail(1).collect().item()  # the newest mention is the last row
"""
BARE = _CSV_FRAME + AGGREGATE
BARE_PARQUET = _PARQUET_FRAME + AGGREGATE


def generate(
    rows: int, path: Path, seed: int = 7, chunk: int = 5_000_000, storm: bool = True
) -> None:
    """N mentions over 30 days (time order), 20 brands, 200k authors, and (``storm``) one
    storm: in the last three hours brand-0 gets ``rows // 500`` of the mentions, negative and
    from new authors. Written in chunks of ``chunk`` rows, so 100M rows need no more memory
    than 5M."""
    import numpy as np
    import polars as pl
    from store_data import drawn

    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-10-01T00:00:00", "us")
    span_us = 30 * 86400 * 1_000_000
    storm_us = 3 * 3600 * 1_000_000
    parts = max(1, -(-rows // chunk))
    with path.open("wb") as fh:
        for part in range(parts):
            n = rows // parts + (1 if part < rows % parts else 0)
            low, high = span_us * part // parts, span_us * (part + 1) // parts
            offsets = rng.integers(low, high, n)
            in_storm = np.zeros(n, dtype=bool)
            if storm and part == parts - 1:  # the storm, inside the last chunk's time range
                k = rows // 500
                offsets[:k] = rng.integers(max(low, span_us - storm_us), span_us, k)
                in_storm[:k] = True
            order = np.argsort(offsets, kind="stable")
            first = rows // parts * part + min(part, rows % parts)
            frame = pl.DataFrame(
                {
                    "timestamp": start + offsets[order].astype("timedelta64[us]"),
                    **drawn(rng, n),
                    "url": np.arange(first, first + n),
                    "storm": in_storm[order],
                }
            )
            storm_ = pl.col("storm")
            frame = frame.select(
                pl.col("timestamp").dt.strftime(FAST_FORMAT),
                pl.when(storm_).then(0).otherwise("brand").cast(pl.String).alias("brand"),
                pl.when(storm_)
                .then("@fan" + pl.col("url").cast(pl.String))
                .otherwise("@user" + pl.col("author").cast(pl.String))
                .alias("author"),
                "followers",
                (
                    "The fridge door does not close properly, complaint number "
                    + pl.col("text").cast(pl.String)
                ).alias("text"),
                pl.when(storm_).then(pl.lit("negative")).otherwise("sentiment").alias("sentiment"),
                "engagement",
                ("https://social.example/status/" + pl.col("url").cast(pl.String)).alias("url"),
            ).with_columns(("brand-" + pl.col("brand")).alias("brand"))
            frame.write_csv(fh, include_header=part == 0)


def to_parquet(csv: Path, path: Path) -> None:
    """The generated CSV as typed Parquet: timestamp a UTC datetime, followers and engagement
    Int64, the rest text (streamed, so the size needs no more memory than a chunk)."""
    import polars as pl

    fast = pl.col("timestamp").str.strptime(pl.Datetime("us", "UTC"), FAST_FORMAT)
    pl.scan_csv(csv, infer_schema=False).with_columns(
        fast, pl.col("followers", "engagement").cast(pl.Int64)
    ).sink_parquet(path)


def alternate(cmds: dict[str, list[str]], repeat: int) -> dict[str, list[tuple[float, int]]]:
    """Every command ``repeat`` times, the commands taking turns: (wall s, peak RSS bytes)."""
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, cmd in cmds.items():
            runs[name].append(run(cmd))
    return runs


def best_of(cmds: dict[str, list[str]], repeat: int) -> dict[str, tuple[float, int]]:
    """Per command: the best wall time and the largest peak RSS of ``alternate`` runs."""
    runs = alternate(cmds, repeat)
    return {name: (min(r[0] for r in got), max(r[1] for r in got)) for name, got in runs.items()}


def make_file(rows: int, directory: Path, calm: bool = False) -> Path:
    """The synthetic file of ``rows`` mentions (``calm``: without the storm), generated by a
    child process if missing."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"mentions-{rows}{'-calm' if calm else ''}.csv"
    if not path.exists():
        need = rows * 140  # bytes a row, with room
        free = shutil.disk_usage(directory).free
        if free < need * 1.2:
            raise SystemExit(
                f"{directory}: {free >> 30} GiB free, {rows:,} rows need ~{need >> 30}"
            )
        t0 = time.perf_counter()
        partial = path.with_suffix(".part")
        make = [sys.executable, __file__, "--generate", str(rows), str(partial)]
        subprocess.run([*make, *(["--calm"] if calm else [])], check=True)
        partial.rename(path)
        print(f"generated {path} in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return path


def make_parquet(rows: int, directory: Path, calm: bool = False) -> Path:
    """The typed Parquet twin of ``make_file``'s CSV, made by a child process if missing."""
    csv = make_file(rows, directory, calm)
    path = csv.with_suffix(".parquet")
    if not path.exists():
        partial = path.with_suffix(".part")
        make = [sys.executable, __file__, "--to-parquet", str(csv), str(partial)]
        subprocess.run(make, check=True)
        partial.rename(path)
    return path


def setup(doc: str) -> tuple[argparse.Namespace, Path]:
    """The other benchmarks' common options (--rows, --repeat) and their synthetic file."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    return args, make_file(args.rows, OUT)


def spread(values: list[float]) -> str:
    return f"{min(values):7.2f} {statistics.median(values):7.2f} {max(values):7.2f}"


def report(rows: int, path: Path, runs: dict[str, list[tuple[float, int]]]) -> None:
    """One size: per contender the wall time and peak RSS (min / median / max), the ratios."""
    gib, size = 1 << 30, path.stat().st_size
    print(f"\n{path.name}: {rows:,} rows, {size / gib:.2f} GiB, {len(runs['scan'])} turn(s)")
    print(f"{'':22s} {'wall s: min  median    max':>26s}   {'peak RSS GiB: min median max':>30s}")
    for name, got in runs.items():
        times, rss = [r[0] for r in got], [r[1] / gib for r in got]
        print(f"{name:22s} {spread(times)}   {spread(rss)}")
    scan_t = statistics.median(r[0] for r in runs["scan"])
    scan_rss = max(r[1] for r in runs["scan"])
    bares = {n: statistics.median(r[0] for r in got) for n, got in runs.items() if n != "scan"}
    if bares:
        fastest = min(bares, key=lambda n: bares[n])
        ratio_min = min(r[0] for r in runs["scan"]) / min(r[0] for r in runs[fastest])
        verdict(f"scan / {fastest} (median)", scan_t / bares[fastest], "x", 1.3)
        print(f"{'  (of the minimums)':30s} {ratio_min:7.2f} x")
    verdict("peak RSS / file", scan_rss / size, "x", 0.4 if rows >= 30_000_000 else None)
    verdict("peak RSS", scan_rss / gib, "GiB", 4.0 if rows >= 100_000_000 else None)


def verdict(name: str, value: float, unit: str, target: float | None) -> None:
    status = (
        "" if target is None else f"(target <= {target})  " + ("ok" if value <= target else "MISS")
    )
    print(f"{name:30s} {value:7.2f} {unit:3s}  {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", default="5000000,10000000", help="sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="turns per size")
    parser.add_argument("--dir", type=Path, default=OUT, help="where the files are made")
    parser.add_argument("--scan-only", action="store_true", help="no bare reference")
    parser.add_argument("--delete", action="store_true", help="remove each file after its runs")
    parser.add_argument("--calm", action="store_true", help="data without a storm")
    parser.add_argument("--parquet", action="store_true", help="typed Parquet, not CSV")
    parser.add_argument("--generate", nargs=2, metavar=("ROWS", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--to-parquet", nargs=2, metavar=("CSV", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(int(args.generate[0]), Path(args.generate[1]), storm=not args.calm)
        return
    if args.to_parquet:
        to_parquet(Path(args.to_parquet[0]), Path(args.to_parquet[1]))
        return
    exe = [sys.executable, "-m", "stormwatch"]
    helps = [run([*exe, "scan", "--help"])[0] for _ in range(5)]
    print(f"stormwatch scan --help: {spread(helps)} s (min median max)")
    verdict("scan --help (median)", statistics.median(helps), "s", 0.3)
    for rows in (int(r) for r in args.rows.split(",")):
        make = make_parquet if args.parquet else make_file
        path = make(rows, args.dir, args.calm)
        try:
            cmds = {"scan": [*exe, "scan", str(path), "--format", "json", "-q"]}
            if not args.scan_only:
                for engine in ("streaming", "auto"):
                    bare = [sys.executable, "-c", BARE, str(path), engine, FAST_FORMAT]
                    if args.parquet:
                        bare = [sys.executable, "-c", BARE_PARQUET, str(path), engine]
                    cmds[f"bare polars {engine}"] = bare
            report(rows, path, alternate(cmds, args.repeat))
        finally:
            if args.delete:
                path.unlink()
                path.with_suffix(".csv").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
