"""Benchmark: what the detector catches and what it ignores, on synthetic volume series.

The NAB files are few and their labels are one person's judgement; this measures the default
configuration on data nobody tuned it on. Each series is 4 weeks of 5-minute mention counts
with a daily cycle (peak 1.6x, trough 0.4x the mean), quieter weekends (0.6x), a slow
day-to-day drift and overdispersion (gamma-mixed Poisson, CV 0.3 per bin) at a mean of
``base`` mentions per bin. Prints:

- false-alarm episodes per stream-week on series without events (alerts <= 1 h apart are one);
- for one injected event per series, by shape and size, the share of events alerted on
  (between onset and 48 h after it), the median lead before the event's peak in hours
  (negative: after the peak) and the alerts outside the event. Size ``k``: at its peak the
  event adds ``(k - 1)`` times the mean level.

Shapes: ``spike`` 1 h at full size; ``ramp6`` a linear rise over 6 h; ``plateau`` up within
1 h, held 11 h; ``ramp24`` a linear rise over 24 h. Each decays afterwards.

    python benchmarks/bench_power.py [--seeds N]   # N series per cell, default 3
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from stormwatch.backtest.run import backtest
from stormwatch.settings import Settings

STEP = timedelta(minutes=5)
HOURS_PER_STEP = STEP / timedelta(hours=1)
STEPS = 4 * 7 * 288  # 4 weeks of 5-minute bins
START = datetime(2015, 3, 2, tzinfo=UTC)  # a Monday
EVENT_STEPS = 48 * 12  # an event is scored over 48 h from its onset
SHAPES = ("spike", "ramp6", "plateau", "ramp24")
SIZES = (2, 3, 5, 10)
BASES = (3, 30)


def _cycle() -> np.ndarray:
    """The expected level per bin relative to the mean: daily cycle x weekly cycle."""
    hours = (np.arange(STEPS) * HOURS_PER_STEP) % 24
    weekend = (np.arange(STEPS) // 288 + START.weekday()) % 7 >= 5
    daily = 1 + 0.6 * np.sin(2 * np.pi * (hours - 9) / 24)
    return daily * np.where(weekend, 0.6, 1.0)


def event(shape: str) -> np.ndarray:
    """The event's size per bin from its onset, 0..1 (1 at the peak)."""
    h = np.arange(EVENT_STEPS) * HOURS_PER_STEP
    rise, hold, decay = {"spike": (0, 1, 0.5), "ramp6": (6, 0, 3), "plateau": (1, 11, 2)}.get(
        shape, (24, 0, 6)
    )
    up = np.clip(h / rise, 0, 1) if rise else np.ones_like(h)
    return np.where(h < rise + hold, up, np.exp(-(h - rise - hold) / decay))


def series(base: float, seed: int, shape: str | None = None, size: float = 1.0) -> tuple:
    """Counts per bin and the event's onset and peak bin (None without an event)."""
    rng = np.random.default_rng(seed)
    drift = np.exp(np.cumsum(rng.normal(0, 0.05, STEPS // 288 + 1)))[np.arange(STEPS) // 288]
    rate = base * _cycle() * drift * rng.gamma(1 / 0.09, 0.09, STEPS)
    onset = peak = None
    if shape is not None:
        # After two weeks of history, at a random time of day.
        onset = 14 * 288 + int(rng.integers(0, 7 * 288))
        shape_ = event(shape)
        rate[onset : onset + EVENT_STEPS] += base * (size - 1) * shape_
        peak = onset + int(np.argmax(shape_))
    return rng.poisson(rate), onset, peak


def _write(counts: np.ndarray, path: Path) -> Path:
    stamps = pl.datetime_range(START, START + (STEPS - 1) * STEP, STEP, eager=True)
    pl.DataFrame({"timestamp": stamps.dt.strftime("%Y-%m-%d %H:%M:%S"), "value": counts}).write_csv(
        path
    )
    return path


def _at(step: int) -> datetime:
    return START + step * STEP


def main(seeds: int) -> None:
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        episodes, weeks = 0, 0.0
        for base in BASES:
            for seed in range(seeds):
                counts, _, _ = series(base, seed)
                path = _write(counts, Path(tmp) / "null.csv")
                metrics = backtest([path], settings, labels={}).metrics
                assert metrics is not None  # without labels every alert is a false alarm
                episodes += metrics.false_alarm_episodes
                weeks += metrics.stream_weeks
        print(f"no events: {episodes} false-alarm episodes in {weeks:.1f} stream-weeks")
        print(f"{'shape':8s} {'base':>5s} {'size':>5s}  caught  median lead (h)  other alerts")
        for shape in SHAPES:
            for base in BASES:
                for size in SIZES:
                    leads, stray = [], 0
                    for seed in range(seeds):
                        counts, onset, peak = series(base, 1000 + seed, shape, size)
                        assert onset is not None
                        assert peak is not None
                        alerts = backtest([_write(counts, Path(tmp) / "ev.csv")], settings).alerts
                        inside = [
                            a.time
                            for a in alerts
                            if _at(onset) <= a.time <= _at(onset + EVENT_STEPS - 1)
                        ]
                        stray += len(alerts) - len(inside)
                        if inside:
                            leads.append((_at(peak) - inside[0]) / timedelta(hours=1))
                    lead = f"{statistics.median(leads):+6.1f}" if leads else "     -"
                    print(
                        f"{shape:8s} {base:5d} {size:5d}x  {len(leads)}/{seeds}     {lead}"
                        f"        {stray}"
                    )


if __name__ == "__main__":
    n = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 3
    main(n)
