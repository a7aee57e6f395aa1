"""Benchmark: the backtest on labelled NAB Twitter volume series, with timing.

Prints, for the default configuration, the NAB standard score over all files and per file,
windows hit, first alerts before the volume peak, false-alarm episodes per stream-week, and the
replay time per file. Targets (issue #4): NAB >= 85, false alarms <= 0.5 per stream-week,
first alert before the peak in >= 80 % of windows, a 16,000-step replay <= 2 s.

With ``--loo`` it also shows that the defaults generalise: for each file, the velocity
settings (record period and ratio, from a small grid) are chosen on the other files only and
the file is scored with that choice (leave-one-out).

With ``--simulated N`` it also replays N simulator exports (seeds 0..N-1, two firestorms and
three decoys each, with sentiment, authors and followers: the signals the NAB series lack)
and reports the firestorms warned of before their peak, the lead and the decoys' false alarms.

    python benchmarks/bench_backtest.py [DIR] [--loo] [--simulated N]
    # DIR default: ../shared/bench/nab-dev
"""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from stormwatch.backtest.labels import load_labels
from stormwatch.backtest.run import backtest
from stormwatch.settings import Settings
from stormwatch.simulate import CSV_DATETIME, default_spec, labels_json, simulate

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "nab-dev"


GRID = {
    "record": (timedelta(days=2), timedelta(days=3), timedelta(days=4)),
    "record_ratio": (1.2, 1.5, 2.0),
}


def _raw(norm: float, windows: int) -> float:
    """A file's raw NAB score back from its normalised one (null -windows, perfect +windows)."""
    return windows * (2 * norm / 100 - 1)


def leave_one_out(files: list[Path], labels: dict) -> None:  # type: ignore[type-arg]
    """Per file: the grid point best on the other files, and the file's score with it."""
    results: dict[tuple[object, ...], dict[str, tuple[float, int]]] = {}
    for point in itertools.product(*GRID.values()):
        settings = replace(Settings(), **dict(zip(GRID, point, strict=True)))
        per_file = {}
        for path in files:
            m = backtest([path], settings, labels=labels).metrics
            assert m is not None
            per_file[path.name] = (m.nab_by_stream.get(path.name, 0.0), m.windows)
        results[point] = per_file

    def corpus(point: tuple[object, ...], names: list[str]) -> float:
        raw = sum(_raw(*results[point][n]) for n in names)
        windows = sum(results[point][n][1] for n in names)
        return 100 * (raw + windows) / (2 * windows) if windows else 0.0

    print("leave-one-out (record period, ratio chosen on the other files):")
    held_raw, held_windows = 0.0, 0
    for path in files:
        others = [f.name for f in files if f != path]
        best = max(results, key=lambda p: corpus(p, others))
        norm, windows = results[best][path.name]
        held_raw += _raw(norm, windows)
        held_windows += windows
        record, ratio = best
        print(f"  {path.name:28s} NAB {norm:5.1f}   chosen: record {record.days}d, ratio {ratio}")
    print(
        f"leave-one-out NAB (all files) {100 * (held_raw + held_windows) / (2 * held_windows):6.1f}"
    )


def simulated(seeds: int) -> None:
    """Backtest the simulator's exports of ``seeds`` seeds with their firestorm labels."""
    hit = before = windows = false_alarms = 0
    leads: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(seeds):
            frame, windows_of = simulate(default_spec(seed=seed, storms=2), seed=seed)
            path = Path(tmp) / f"sim-{seed}.csv"
            frame.write_csv(path, datetime_format=CSV_DATETIME)
            (Path(tmp) / "labels.json").write_text(labels_json(windows_of))
            labels = load_labels(Path(tmp) / "labels.json")
            m = backtest([path], Settings(), labels=labels).metrics
            assert m is not None
            hit, before, windows = hit + m.hit, before + m.before_peak, windows + m.windows
            false_alarms += m.false_alarm_episodes
            leads += m.lead_hours
    print(f"simulated exports, seeds 0..{seeds - 1} (two firestorms, three decoys each):")
    print(f"  firestorms warned of      {hit} of {windows}, before the peak {before}")
    if leads:
        mean = statistics.mean(leads)
        print(f"  hours before the peak     mean {mean:.1f}, min {min(leads):.1f}")
    print(f"  false-alarm episodes      {false_alarms}")


def main() -> None:
    argv = sys.argv[1:]
    seeds = 0
    if "--simulated" in argv:
        at = argv.index("--simulated")
        seeds = int(argv[at + 1])
        del argv[at : at + 2]
    args = [a for a in argv if a != "--loo"]
    folder = Path(args[0]) if args else DEFAULT
    files = sorted(folder.glob("*.csv"))
    labels = load_labels(folder / "windows.json")
    timings = []
    for path in files:
        t0 = time.perf_counter()
        backtest([path], Settings())
        timings.append((path.name, time.perf_counter() - t0))
    result = backtest(files, Settings(), labels=labels)
    m = result.metrics
    assert m is not None
    print(f"{len(files)} files, {m.windows} labelled windows, default settings")
    for name, seconds in timings:
        print(
            f"  {name:28s} NAB {m.nab_by_stream.get(name, float('nan')):5.1f}   "
            f"replay {seconds:4.2f} s"
        )
    share = m.before_peak / m.windows if m.windows else 0.0
    assert m.nab_score is not None  # the labelled NAB files have windows after probation
    assert m.nab_lost is not None
    print(f"NAB standard score        {m.nab_score:6.1f}   (target >= 85)")
    print(f"windows hit               {m.hit} of {m.windows}")
    print(f"first alert before peak   {share:6.0%}   (target >= 80 %)")
    print(f"false alarms / stream-wk  {m.false_alarms_per_week:6.2f}   (target <= 0.5)")
    lost = m.nab_lost
    print(
        f"NAB points lost           {lost.late:.1f} late, {lost.missed:.1f} missed windows, "
        f"{lost.false_alarms:.1f} false alarms"
    )
    if "--loo" in sys.argv:
        leave_one_out(files, labels)
    if seeds:
        simulated(seeds)


if __name__ == "__main__":
    main()
