"""The inline PNG of an alert: mentions per window over the last days, the usual range as a
band and the alert point.

matplotlib is optional (``pip install 'stormwatch[charts]'``) and imported only here, when a
chart is drawn, with the Agg canvas and no pyplot: no display, no global backend state, safe
in cron and in threads.
"""

from __future__ import annotations

import importlib.util
import io
import math
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta

from stormwatch.settings import Lang, Level

LEVEL_COLOUR = {"calm": "#2e7d32", "watch": "#b58900", "warning": "#e65100", "storm": "#c62828"}
BAND_Z = 2.0  # velocity starts scoring at z = 2: inside the band is the usual noise


def available() -> bool:
    """Whether matplotlib is installed (without importing it)."""
    return importlib.util.find_spec("matplotlib") is not None


def usual_range(baseline: Sequence[int]) -> tuple[float, float]:
    """``median ± 2·s`` with the scale the velocity signal uses:
    ``s = max(1.4826·MAD, √(median + 1))``, never below zero."""
    if not baseline:
        return 0.0, 0.0
    median = statistics.median(baseline)
    mad = statistics.median(abs(c - median) for c in baseline)
    scale = max(1.4826 * mad, math.sqrt(median + 1))
    return max(0.0, median - BAND_Z * scale), median + BAND_Z * scale


def volume_chart(
    counts: Sequence[int],
    end: datetime,
    window: timedelta,
    *,
    level: Level,
    score: float,
    lang: Lang = "en",
) -> bytes:
    """PNG bytes: ``counts`` are mentions per window, oldest first, the last one ending at
    ``end`` (the evaluation moment)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter, date2num
    from matplotlib.figure import Figure

    n = len(counts)
    naive_end = end.replace(tzinfo=None)  # matplotlib treats naive datetimes as UTC
    # matplotlib.dates is untyped; its numbers are days since the epoch, as floats
    times = date2num([naive_end - (n - 1 - i) * window for i in range(n)])  # type: ignore[no-untyped-call]
    low, high = usual_range(counts[:-1])
    colour = LEVEL_COLOUR[level]

    fig = Figure(figsize=(7.0, 2.6), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.fill_between(times, low, high, color="#90a4ae", alpha=0.3, linewidth=0)
    ax.plot(times, list(counts), color="#37474f", linewidth=1.2)
    if n:
        ax.scatter([times[-1]], [counts[-1]], color=colour, s=40, zorder=3)
        ax.annotate(
            f"{score:.0f}",
            (times[-1], counts[-1]),
            textcoords="offset points",
            xytext=(-8, 6),
            ha="right",
            color=colour,
            fontweight="bold",
        )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("Erwähnungen" if lang == "de" else "mentions")
    ax.xaxis_date()
    formatter = DateFormatter("%d.%m." if lang == "de" else "%b %d")  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_formatter(formatter)
    ax.grid(axis="y", color="#eceff1")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
