"""History: the recent past of each topic at watch or above, for the HTML report's timeline.

Not computed again here: the backtest replay (``backtest.replay``) runs scan's own signal and
score functions at every step of a grid, and this keeps one step per window, counting back
from the replay's last step (the newest mention at or before the evaluation moment), over
the last ``CHART_SPAN`` (at most ``MAX_POINTS`` windows). Per window: the critical (not
positive) mentions — velocity's basis, the surge's count — their expected count and usual
spread (velocity's ``e`` and ``s``: the band ``e ± s``), the share of rated mentions that
are negative, and the score and level (before an alert's episode rules). The replay reads
only the hot topics' mentions of the span plus the history their baseline and record need,
without the brand's own posts (as scan weighs them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from stormwatch.backtest.replay import replay
from stormwatch.models import Report
from stormwatch.pipeline import velocity as vel
from stormwatch.pipeline.analyse import Input, load_sources
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.response import BRAND, mark_brand, normalise_handles
from stormwatch.sentiment.fill import estimator
from stormwatch.settings import LEVELS, Level, Settings
from stormwatch.sources import ReadOptions

CHART_SPAN = timedelta(days=7)
MAX_POINTS = 336  # windows shown at most (two weeks of hours)


@dataclass(frozen=True)
class History:
    """One topic's last windows, oldest first (all tuples of the same length)."""

    topic: str
    times: tuple[datetime, ...]  # the end of each window
    critical: tuple[float, ...]  # critical mentions in the window
    expected: tuple[float, ...]  # velocity's expected count
    spread: tuple[float, ...]  # velocity's scale: the usual deviation from expected
    negative_share: tuple[float | None, ...]  # negative / rated mentions; None: none rated
    score: tuple[float, ...]
    level: tuple[Level, ...]

    def changes(self) -> list[int]:
        """The windows whose level differs from the window before (the alert markers)."""
        return [i for i in range(1, len(self.level)) if self.level[i] != self.level[i - 1]]

    def since(self) -> datetime | None:
        """The start of the current run at watch or above: the end of the last calm window
        before it; None when the last window is calm or the run began before the chart."""
        if not self.level or self.level[-1] == "calm":
            return None
        calm = [i for i, level in enumerate(self.level) if level == "calm"]
        return self.times[calm[-1]] if calm else None


def points(settings: Settings) -> int:
    """How many windows the chart shows."""
    return max(2, min(MAX_POINTS, int(CHART_SPAN / settings.window)))


#: The columns ``backtest.replay`` reads.
REPLAYED = ("timestamp", "topic", "count", "author", "followers", "engagement", "sentiment")


def histories(
    inputs: Input | Iterable[Input],
    report: Report,
    settings: Settings,
    options: ReadOptions | None = None,
    brand_handles: Sequence[str] = (),
) -> dict[str, History]:
    """The history of every topic of ``report`` at watch or above, read from ``inputs`` as
    ``analyse`` read them (the same ``settings`` and ``options``)."""
    hot = [t.topic for t in report.topics if t.level != "calm"]
    if not hot:
        return {}
    shown = points(settings)
    record = vel.velocity_params(settings)[1]
    reach = (shown + settings.baseline_windows + record + 2) * settings.window
    end = report.evaluated_at
    sources = load_sources(inputs, options)
    estimate = estimator(settings.estimate_sentiment, settings.sentiment_model)
    mentions = normalise_all(
        sources, options.not_after if options else None, estimate, report.input.sentiment_estimated
    )
    rows = (
        mark_brand(mentions, normalise_handles(brand_handles))
        .filter(
            pl.col("_reject").is_null()
            & ~pl.col(BRAND)
            & pl.col("topic").is_in(hot)
            & (pl.col("timestamp") > end - reach)
            & (pl.col("timestamp") <= end)
        )
        # what the replay reads, streamed: a large export is not held whole
        .select(*REPLAYED)
        .collect(engine="streaming")
    )
    if rows.height == 0:
        return {}
    width = settings.window // timedelta(microseconds=1)
    # Quarter-window steps, the coarsest the replay takes: every fourth is a window's end.
    timeline = replay(rows, settings, settings.window // 4 if width % 4 == 0 else None)
    stride = int(timeline.times[1] - timeline.times[0]) if timeline.times.size > 1 else width
    picked = np.arange(timeline.times.size - 1, -1, -max(width // stride, 1))[:shown][::-1]
    times = tuple(datetime.fromtimestamp(int(us) / 1e6, tz=UTC) for us in timeline.times[picked])
    out: dict[str, History] = {}
    for row, topic in enumerate(timeline.topics):
        rated = timeline.rated[row][picked]
        negative = timeline.negative[row][picked]
        out[topic] = History(
            topic=topic,
            times=times,
            critical=tuple(float(x) for x in timeline.critical[row][picked]),
            expected=tuple(float(x) for x in timeline.expected[row][picked]),
            spread=tuple(float(x) for x in timeline.scale[row][picked]),
            negative_share=tuple(
                float(n / r) if r > 0 else None for n, r in zip(negative, rated, strict=True)
            ),
            score=tuple(float(x) for x in timeline.score[row][picked]),
            level=tuple(LEVELS[int(x)] for x in timeline.level[row][picked]),
        )
    return out
