"""backtest(): replay inputs causally, emit the alerts a cron job would have sent, and measure
them against labelled storm windows.

Each input file is its own stream (as in NAB); within a file each topic is one. Alerts are
the episode transitions of ``alerts.episodes`` — an episode opens at ``notify_at`` and
escalates when its level rises — so the backtest alerts exactly when ``stormwatch alert``
would, never once per step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

from stormwatch.alerts.episodes import Episode, Policy, step_topic
from stormwatch.backtest import nab
from stormwatch.backtest.labels import Window
from stormwatch.backtest.replay import US, Timeline, replay
from stormwatch.pipeline.normalise import normalise_all
from stormwatch.pipeline.problems import problem_notes
from stormwatch.pipeline.score import MIN_BASELINE_WINDOWS
from stormwatch.pipeline.velocity import SEASON_MIN_DAYS
from stormwatch.sentiment.fill import estimator
from stormwatch.settings import LEVELS, SIGNALS, Settings
from stormwatch.sources import ReadOptions, read_sources

FALSE_ALARM_GAP = timedelta(hours=1)  # alerts closer than this are one false-alarm episode
#: ``backtest --scores``: one row per step and stream.
SERIES_SCHEMA: dict[str, pl.DataType] = {
    "time": pl.Datetime("us", "UTC"),
    "stream": pl.String(),
    "topic": pl.String(),
    "score": pl.Float64(),
    "level": pl.String(),
    **{f"{name}_points": pl.Float64() for name in SIGNALS},
}


@dataclass(frozen=True)
class Alert:
    time: datetime
    stream: str
    topic: str
    kind: str  # open | escalate
    level: str
    score: float


@dataclass(frozen=True)
class WindowOutcome:
    stream: str
    topic: str
    window: Window
    peak: datetime  # the busiest window (--window) inside the labelled window
    first_alert: datetime | None
    fine_peak: datetime  # the busiest replay step (5 minutes for 1h windows)

    @property
    def lead_hours(self) -> float | None:
        """Hours between the first alert and the volume peak (negative: after the peak)."""
        if self.first_alert is None:
            return None
        return (self.peak - self.first_alert).total_seconds() / 3600

    @property
    def fine_lead_hours(self) -> float | None:
        """Hours between the first alert and the busiest step (negative: after it)."""
        if self.first_alert is None:
            return None
        return (self.fine_peak - self.first_alert).total_seconds() / 3600


@dataclass(frozen=True)
class Metrics:
    windows: int
    hit: int
    before_peak: int
    before_fine_peak: int  # first alert before the busiest step (5-minute peak)
    lead_hours: tuple[float, ...]
    false_alarm_episodes: int
    stream_weeks: float
    nab_score: float | None  # None: no window outside NAB's probation
    nab_by_stream: Mapping[str, float]
    nab_lost: nab.Lost | None  # where the points short of 100 went

    @property
    def false_alarms_per_week(self) -> float:
        return self.false_alarm_episodes / self.stream_weeks if self.stream_weeks else 0.0


@dataclass(frozen=True)
class Stream:
    name: str  # file name, or "file:topic" when a file holds several topics
    file: str
    topic: str
    start: datetime
    end: datetime
    steps: int
    available: tuple[str, ...]


@dataclass(frozen=True)
class Backtest:
    alerts: tuple[Alert, ...]
    streams: tuple[Stream, ...]
    outcomes: tuple[WindowOutcome, ...] = ()
    metrics: Metrics | None = None
    notes: tuple[str, ...] = ()
    #: With ``scores=True``: the replay's series, one row per step and stream (``time``,
    #: ``stream``, ``topic``, ``score``, ``level`` and each signal's points).
    scores: pl.DataFrame | None = None


def _moment(us: int) -> datetime:
    return datetime.fromtimestamp(us / US, UTC)


def _alerts(timeline: Timeline, row: int, policy: Policy, stream: str) -> list[tuple[int, Alert]]:
    """Run the episode rules over one topic's steps; returns (step index, alert) pairs."""
    topic = timeline.topics[row]
    episode: Episode | None = None
    out: list[tuple[int, Alert]] = []
    levels, scores = timeline.level[row], timeline.score[row]
    for j, us in enumerate(timeline.times.tolist()):
        moment = _moment(us)
        episode, notice = step_topic(
            episode, topic, LEVELS[int(levels[j])], float(scores[j]), moment, moment, policy
        )
        if notice is not None and notice.kind != "resolve":
            out.append((j, Alert(moment, stream, topic, notice.kind, notice.level, notice.score)))
    return out


@dataclass
class _Tally:
    """What the replayed streams add up to, stream by stream."""

    labels: Mapping[str, Sequence[Window]] | None
    policy: Policy
    alerts: list[Alert] = field(default_factory=list)
    streams: list[Stream] = field(default_factory=list)
    outcomes: list[WindowOutcome] = field(default_factory=list)
    scores: dict[str, nab.FileScore] = field(default_factory=dict)
    fa_times: list[list[datetime]] = field(default_factory=list)
    used_keys: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    series: list[pl.DataFrame] | None = None  # the replay's scores, when asked for

    def add(self, timeline: Timeline, row: int, name: str, file: str, source: str) -> None:
        """Topic ``row`` of ``timeline`` as the stream ``name``: its alerts and, with labels
        (keyed by ``file`` or the topic), its windows and NAB score."""
        topic, times = timeline.topics[row], timeline.times
        found = _alerts(timeline, row, self.policy, name)
        self.alerts.extend(a for _, a in found)
        start, end = _moment(int(times[0])), _moment(int(times[-1]))
        self.streams.append(
            Stream(name, source, topic, start, end, int(times.size), timeline.available)
        )
        if self.series is not None:
            self.series.append(_series(timeline, row, name))
        if self.labels is None:
            return
        key = file if file in self.labels else topic if topic in self.labels else None
        if key is None:
            self.notes.append(f"no labels for {name}: its alerts count as false alarms")
            windows: Sequence[Window] = ()
        else:
            self.used_keys.add(key)
            windows = self.labels[key]
        stream_outcomes, bounds = _windows(timeline, row, windows, found, name, self.notes)
        self.outcomes.extend(stream_outcomes)
        self.scores[name] = nab.score_file(int(times.size), bounds, [j for j, _ in found])
        self.fa_times.append(
            [a.time for j, a in found if not any(lo <= j <= hi for lo, hi in bounds)]
        )


def _file_name(path: str, source: str, clashing: set[str]) -> str:
    """The name a file's streams go by and its labels are keyed by: the file name (of the
    member, in an archive), or the path as given when two inputs share a name."""
    member = source[len(path) + 1 :] if source != path else ""
    if member:
        return Path(member).name
    return path if Path(path).name in clashing else Path(path).name


def backtest(
    inputs: str | Path | Iterable[str | Path],
    settings: Settings | None = None,
    *,
    policy: Policy | None = None,
    labels: Mapping[str, Sequence[Window]] | None = None,
    options: ReadOptions | None = None,
    scores: bool = False,
) -> Backtest:
    """Replay every input file and return its alerts (and metrics when ``labels`` is given;
    the score series of every stream with ``scores``)."""
    settings = settings or Settings()
    tally = _Tally(labels, policy or Policy("backtest", thresholds=settings.thresholds))
    if scores:
        tally.series = []
    options = replace(options or ReadOptions(), by=settings.by)
    estimate = estimator(settings.estimate_sentiment, settings.sentiment_model)
    paths = [str(inputs)] if isinstance(inputs, str | Path) else [str(p) for p in inputs]
    names = [Path(p).name for p in paths]
    clashing = {n for n in names if names.count(n) > 1}
    notes = tally.notes
    for path in paths:
        for source in read_sources(path, options):
            # Read once: the notes on what was left out and the replay share the rows.
            mentions = normalise_all([source], estimator=estimate).collect()
            notes += problem_notes(source, mentions.lazy())
            usable = mentions.filter(pl.col("_reject").is_null())
            if usable.height == 0:
                notes.append(f"{source.path}: no usable mentions, skipped")
                continue
            timeline = replay(usable, settings)
            file = _file_name(path, source.path, clashing)
            notes += _history_notes(file, usable, settings)
            several = len(timeline.topics) > 1
            if labels is not None and several and file in labels:
                notes.append(
                    f"labels for {file!r} apply to each of its {len(timeline.topics)} topics; "
                    "key them by topic to score one"
                )
            for row, topic in enumerate(timeline.topics):
                tally.add(timeline, row, f"{file}:{topic}" if several else file, file, source.path)
    metrics = None
    if labels is not None:
        notes += [
            f"labels for {k!r} match several inputs: key them by the path as given"
            if k in clashing
            else f"labels for {k!r} match no input file or topic"
            for k in labels
            if k not in tally.used_keys
        ]
        metrics = _metrics(tally.streams, tally.outcomes, tally.scores, tally.fa_times)
    alerts = sorted(tally.alerts, key=lambda a: (a.time, a.stream, a.topic))
    series = None
    if tally.series is not None:
        series = pl.concat(tally.series) if tally.series else pl.DataFrame(schema=SERIES_SCHEMA)
    return Backtest(
        tuple(alerts), tuple(tally.streams), tuple(tally.outcomes), metrics, tuple(notes), series
    )


def _series(timeline: Timeline, row: int, name: str) -> pl.DataFrame:
    """One stream's replay: a row per step (the score and level before episode rules)."""
    steps = timeline.times.size
    return pl.DataFrame(
        {
            "time": pl.Series(timeline.times).cast(pl.Datetime("us", "UTC")),
            "stream": [name] * steps,
            "topic": [timeline.topics[row]] * steps,
            "score": timeline.score[row],
            "level": np.array(LEVELS)[timeline.level[row]],
            **{f"{n}_points": np.round(timeline.points[n][row], 1) for n in SIGNALS},
        },
        schema=SERIES_SCHEMA,
    )


def _hours(delta: timedelta) -> str:
    return f"{delta / timedelta(hours=1):.4g} h"


def _history_notes(file: str, usable: pl.DataFrame, settings: Settings) -> list[str]:
    """What the replay of one file could not do: too little history for any baseline, or for
    the time-of-day index; an all-zero series."""
    first, last = usable.select(
        pl.col("timestamp").min().alias("first"), pl.col("timestamp").max().alias("last")
    ).row(0)
    span: timedelta = last - first  # the data's span, not the replay grid's
    notes = []
    if not usable["count"].sum():
        notes.append(f"{file}: every count is 0: nothing to detect")
    needed = (MIN_BASELINE_WINDOWS + 1) * settings.window
    if span < needed:
        notes.append(
            f"{file}: not enough history ({_hours(span)} of data, a baseline needs "
            f"{_hours(needed)}): volume signals were never scored"
        )
    elif span < timedelta(days=SEASON_MIN_DAYS + 1):
        notes.append(
            f"{file}: {_hours(span)} of data: scored against a flat baseline (the "
            f"time-of-day index needs {SEASON_MIN_DAYS} days of history)"
        )
    return notes


def _windows(
    timeline: Timeline,
    row: int,
    windows: Sequence[Window],
    found: list[tuple[int, Alert]],
    name: str,
    notes: list[str],
) -> tuple[list[WindowOutcome], list[tuple[int, int]]]:
    """Each labelled window as step indices, its volume peak and its first alert."""
    times = timeline.times
    outcomes: list[WindowOutcome] = []
    bounds: list[tuple[int, int]] = []
    for w in windows:
        lo = int(np.searchsorted(times, int(w.start.timestamp() * US), side="left"))
        hi = int(np.searchsorted(times, int(w.end.timestamp() * US), side="right")) - 1
        if hi < lo:
            notes.append(
                f"{name}: window {w.start:%Y-%m-%d %H:%M}..{w.end:%Y-%m-%d %H:%M} is "
                "outside the data, not scored"
            )
            continue
        if hi < nab.probation_rows(times.size):
            notes.append(
                f"{name}: window {w.start:%Y-%m-%d %H:%M}..{w.end:%Y-%m-%d %H:%M} ends in the "
                "first 15 % of the stream (NAB's probation): counted as a window, not in the "
                "NAB score"
            )
        bounds.append((lo, hi))
        peak = lo + int(np.argmax(timeline.mentions[row, lo : hi + 1]))
        fine = lo + int(np.argmax(timeline.step_mentions[row, lo : hi + 1]))
        first = next((a.time for j, a in found if lo <= j <= hi), None)
        peak_at, fine_at = _moment(int(times[peak])), _moment(int(times[fine]))
        outcomes.append(WindowOutcome(name, timeline.topics[row], w, peak_at, first, fine_at))
    return outcomes, bounds


def _false_alarm_episodes(times: list[datetime]) -> int:
    episodes, last = 0, None
    for t in sorted(times):
        if last is None or t - last > FALSE_ALARM_GAP:
            episodes += 1
        last = t
    return episodes


def _metrics(
    streams: Sequence[Stream],
    outcomes: Sequence[WindowOutcome],
    scores: Mapping[str, nab.FileScore],
    fa_times: Sequence[list[datetime]],
) -> Metrics:
    leads = tuple(o.lead_hours for o in outcomes if o.lead_hours is not None)
    weeks = sum((s.end - s.start) / timedelta(weeks=1) for s in streams if s.name in scores)
    return Metrics(
        windows=len(outcomes),
        hit=sum(1 for o in outcomes if o.first_alert is not None),
        before_peak=sum(1 for lead in leads if lead > 0),
        before_fine_peak=sum(
            1 for o in outcomes if o.fine_lead_hours is not None and o.fine_lead_hours > 0
        ),
        lead_hours=leads,
        false_alarm_episodes=sum(_false_alarm_episodes(t) for t in fa_times),
        stream_weeks=weeks,
        nab_score=nab.normalised(list(scores.values())),
        nab_by_stream={
            k: score for k, v in scores.items() if (score := nab.normalised([v])) is not None
        },
        nab_lost=nab.lost(list(scores.values())),
    )
