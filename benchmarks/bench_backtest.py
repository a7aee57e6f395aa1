"""Benchmark: the backtest on labelled NAB Twitter volume series, with timing.

Prints, for the default configuration, the NAB standard score over all files and per file,
windows hit, first alerts before the volume peak, false-alarm episodes per stream-week, and the
replay time per file. Targets (issue #4): NAB >= 85, false alarms <= 0.5 per stream-week,
first alert before the peak in >= 80 % of windows, a 16,000-step replay <= 2 s.

    python benchmarks/bench_backtest.py [DIR]   # default: ../shared/bench/nab-dev
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from stormwatch.backtest.labels import load_labels
from stormwatch.backtest.run import backtest
from stormwatch.settings import Settings

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "bench" / "nab-dev"


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
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
    print(f"NAB standard score        {m.nab_score:6.1f}   (target >= 85)")
    print(f"windows hit               {m.hit} of {m.windows}")
    print(f"first alert before peak   {share:6.0%}   (target >= 80 %)")
    print(f"false alarms / stream-wk  {m.false_alarms_per_week:6.2f}   (target <= 0.5)")


if __name__ == "__main__":
    main()
