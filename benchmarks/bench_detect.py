"""Benchmark: how well detection holds on series it was not tuned on.

For each corpus — ``nab-dev`` (five Twitter mention-volume series), ``nab-more`` (NAB's 48
other series) and the simulator (seeds 0..N-1, two firestorms and three decoys each) — it
replays every series with the library's ``backtest`` (the code ``stormwatch backtest`` runs)
and prints, for the default settings (in-sample) and for leave-one-series-out:

* the NAB standard score (corpus-wide, as NAB normalises),
* windows hit, first alerts before the busiest step (the 5-minute peak) and before the
  busiest window (the hourly peak), false-alarm episodes per stream-week;

beside the published detectors' scores on the same files (``../shared/bench/README.md``).

Leave-one-series-out: for every series, the velocity settings (record period and ratio, from
``GRID``) are chosen by the mean NAB score of the corpora *without* that series, and the series
is scored with that choice. When held-out and in-sample agree, the defaults are not fitted to
particular files.

    python benchmarks/bench_detect.py [--simulated N] [--grid] [--checks N]
    # --grid: also the in-sample score of every grid point
    # --checks N: the simulator's promise over N seeds (firestorms >= 4 h ahead, decoys)
"""

from __future__ import annotations

import itertools
import statistics
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import polars as pl

from stormwatch.backtest import nab
from stormwatch.backtest.labels import load_labels
from stormwatch.backtest.run import backtest
from stormwatch.settings import Settings
from stormwatch.simulate import CSV_DATETIME, Firestorm, default_spec, labels_json, simulate

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
GRID = {
    "record": (timedelta(days=2), timedelta(days=3), timedelta(days=4)),
    "record_ratio": (1.2, 1.35, 1.5, 1.75),
}
PUBLISHED = {  # NAB standard, own thresholds (../shared/bench/README.md)
    "nab-dev": {"ARTime": 81.0, "CAD-OSE": 67.5, "Numenta HTM": 64.6, "Skyline": 61.3},
    "nab-more": {"ARTime": 72.1, "Numenta HTM": 70.9, "CAD-OSE": 68.1, "Skyline": 53.9},
}


@dataclass(frozen=True)
class Result:
    """One series replayed with one grid point."""

    score: nab.FileScore
    windows: int
    hit: int
    before_step: int
    before_window: int
    false_alarms: int
    weeks: float


def run_series(path: Path, labels: dict, settings: Settings) -> Result:  # type: ignore[type-arg]
    """Replay one file (all its topics) against its labels."""
    m = backtest([path], settings, labels=labels).metrics
    assert m is not None
    windows = 2 * m.windows  # NAB's span (perfect - null) for these windows
    norm = m.nab_score if m.nab_score is not None else 0.0
    scored = nab.FileScore(
        raw=windows * norm / 100 - m.windows,
        null=-float(m.windows),
        perfect=float(m.windows),
        windows=m.windows,
        detected=m.hit,
        false_positives=0,
    )
    return Result(
        scored, m.windows, m.hit, m.before_fine_peak, m.before_peak, m.false_alarm_episodes,
        m.stream_weeks,
    )  # fmt: skip


Corpus = list[tuple[Path, dict]]  # type: ignore[type-arg]


def corpora(seeds: int, tmp: Path) -> dict[str, Corpus]:
    """Each corpus as (file, its labels): NAB's keyed by file name, the simulator's by
    brand."""
    out: dict[str, Corpus] = {}
    for name in ("nab-dev", "nab-more"):
        folder = BENCH / name
        labels = {Path(k).name: v for k, v in load_labels(folder / "windows.json").items()}
        out[name] = [(f, {f.name: labels[f.name]}) for f in sorted(folder.glob("**/*.csv"))]
    if seeds:
        out["simulator"] = []
        for seed in range(seeds):
            frame, windows_of = simulate(default_spec(seed=seed, storms=2), seed=seed)
            path = tmp / f"sim-{seed}.csv"
            frame.write_csv(path, datetime_format=CSV_DATETIME)
            labels = tmp / f"sim-{seed}.json"
            labels.write_text(labels_json(windows_of))
            out["simulator"].append((path, load_labels(labels)))
    return out


def simulator_checks(seeds: int, tmp: Path) -> None:
    """The simulator's promise, seed by seed with the default settings: every firestorm warned
    at least 4 hours before its peak (the simulated peak, ``Event.peak_start``), and no decoy
    (spam burst, campaign, news spike) above watch while it runs (or 6 h after)."""
    leads: list[float] = []
    missed = decoys = loud = 0
    for seed in range(seeds):
        spec = default_spec(seed=seed, storms=2)
        frame, windows_of = simulate(spec, seed=seed)
        path = tmp / f"check-{seed}.csv"
        frame.write_csv(path, datetime_format=CSV_DATETIME)
        labels = tmp / f"check-{seed}.json"
        labels.write_text(labels_json(windows_of))
        result = backtest([path], Settings(), labels=load_labels(labels), scores=True)
        scores = result.scores
        assert scores is not None
        for event in spec.events:
            if isinstance(event, Firestorm):
                first = next(
                    (
                        a.time
                        for a in result.alerts
                        if a.topic == event.topic and event.onset <= a.time <= event.end
                    ),
                    None,
                )
                if first is None:
                    missed += 1
                else:
                    leads.append((event.peak_start - first) / timedelta(hours=1))
                continue
            decoys += 1
            during = scores.filter(
                (pl.col("topic") == event.topic)
                & pl.col("time").is_between(event.onset, event.end + timedelta(hours=6))
            )
            loud += int(during["level"].is_in(["warning", "storm"]).any())
    ahead = sum(1 for lead in leads if lead >= 4)
    print(
        f"simulator, seeds 0..{seeds - 1}: firestorms warned >= 4 h before the peak "
        f"{ahead} of {len(leads) + missed} (missed {missed}; hours ahead min "
        f"{min(leads, default=float('nan')):.1f}, median "
        f"{statistics.median(leads) if leads else float('nan'):.1f}); decoys above watch "
        f"{loud} of {decoys}"
    )


def summary(results: list[Result]) -> dict[str, float]:
    scored = [r.score for r in results]
    weeks = sum(r.weeks for r in results)
    return {
        "nab": nab.normalised(scored) or 0.0,
        "windows": sum(r.windows for r in results),
        "hit": sum(r.hit for r in results),
        "before_step": sum(r.before_step for r in results),
        "before_window": sum(r.before_window for r in results),
        "fa_week": sum(r.false_alarms for r in results) / weeks if weeks else 0.0,
    }


def main() -> None:
    argv = sys.argv[1:]
    seeds = int(argv[argv.index("--simulated") + 1]) if "--simulated" in argv else 5
    if "--checks" in argv:
        with tempfile.TemporaryDirectory() as tmp:
            simulator_checks(int(argv[argv.index("--checks") + 1]), Path(tmp))
        if "--simulated" not in argv:
            return
    points = list(itertools.product(*GRID.values()))
    defaults = Settings()
    default_point = tuple(getattr(defaults, k) for k in GRID)
    with tempfile.TemporaryDirectory() as tmp:
        data = corpora(seeds, Path(tmp))
        table: dict[tuple[object, ...], dict[str, dict[str, Result]]] = {}
        for point in points:
            settings = replace(defaults, **dict(zip(GRID, point, strict=True)))
            table[point] = {
                corpus: {f.name: run_series(f, labels, settings) for f, labels in files}
                for corpus, files in data.items()
            }

    def objective(point: tuple[object, ...], without: str | None) -> float:
        per = [
            summary([r for name, r in table[point][c].items() if name != without])["nab"]
            for c in data
        ]
        return sum(per) / len(per)

    if "--grid" in argv:
        for point in points:
            cells = "  ".join(
                f"{c} {summary(list(table[point][c].values()))['nab']:5.1f}" for c in data
            )
            print(f"grid {point[0].days}d x{point[1]}: {cells}")  # type: ignore[attr-defined]
    header = (
        f"{'corpus':10s} {'':14s} {'NAB':>6s} {'hit':>8s} {'<5min pk':>9s} {'<1h pk':>7s} "
        f"{'FA/wk':>6s}"
    )
    print(header)
    for corpus in data:
        inside = summary(list(table[default_point][corpus].values()))
        held = []
        chosen: dict[str, int] = {}
        for name in table[default_point][corpus]:
            best = max(points, key=lambda p: objective(p, name))
            held.append(table[best][corpus][name])
            label = f"{best[0].days}d x{best[1]}"  # type: ignore[attr-defined]
            chosen[label] = chosen.get(label, 0) + 1
        out = summary(held)
        for label, s in (("in-sample", inside), ("leave-one-out", out)):
            print(
                f"{corpus:10s} {label:14s} {s['nab']:6.1f} {s['hit']:4.0f}/{s['windows']:<3.0f} "
                f"{s['before_step']:9.0f} {s['before_window']:7.0f} {s['fa_week']:6.2f}"
            )
        print(f"{corpus:10s} {'chosen':14s} " + ", ".join(f"{k}: {v}" for k, v in chosen.items()))
        for detector, score in PUBLISHED.get(corpus, {}).items():
            print(f"{corpus:10s} {detector:14s} {score:6.1f}   (published)")


if __name__ == "__main__":
    main()
