"""Typed records passed from the analysis to the edges (render, notify). All frozen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from stormwatch.pipeline.themes import Term
from stormwatch.settings import Level


@dataclass(frozen=True)
class SignalResult:
    """One signal of one topic: the raw measurement, its 0..1 strength and the score points."""

    name: str
    raw: float
    value: float
    points: float
    available: bool = True
    detail: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class AuthorStat:
    author: str
    followers: int | None
    mentions: int
    negative: int = 0
    #: For the critics of a storm (``TopicResult.critics``): their first critical mention in
    #: the span, and whether they posted critically in the current window.
    first_seen: datetime | None = None
    current: bool = False


@dataclass(frozen=True)
class Recommendation:
    step: int
    title: str
    why: str
    action: str = ""


@dataclass(frozen=True)
class ResponseGap:
    """How long the current episode of criticism has gone without a reply from the brand's own
    accounts (see ``pipeline/response.py`` for the definitions).

    ``status``: ``unknown`` (no brand handles given), ``quiet`` (no critical mention in the
    current window), ``open`` (no reply since ``episode_start``) or ``replied``. ``hours``:
    open, from the episode start to the evaluation moment; replied, from the start to the
    first reply. ``evening``/``weekend``: the episode began at or after ``EVENING_HOUR`` local
    time, or on a Saturday/Sunday, in ``timezone`` (the report's).
    """

    status: str
    episode_start: datetime | None = None
    replied_at: datetime | None = None
    hours: float | None = None
    evening: bool = False
    weekend: bool = False
    timezone: str = "UTC"


@dataclass(frozen=True)
class Context:
    """Context indicators of one topic (no score points; they feed the recommendations and
    the explanations). Shares are 0..1, None when there is nothing to divide by; see
    ``pipeline/context.py`` for the formulas and thresholds."""

    mentions: int  # all mentions now (the brand's own posts set aside)
    critical_authors: int  # distinct authors of critical (not positive) mentions now
    newcomers: int  # of those, authors not seen in the topic's baseline windows
    newcomer_share: float | None
    top_author: str | None  # the author with the most mentions now
    top_author_mentions: int
    concentration: float | None  # top author's mentions / all mentions now
    media_mentions: int  # mentions now from news/blog/press platforms
    media_share: float | None  # of the mentions now with a platform
    media_share_baseline: float | None
    platforms: int  # distinct platforms now
    platforms_baseline: int  # distinct platforms over the whole baseline
    new_platforms: tuple[str, ...]  # platforms now that the baseline did not have
    reshares: int  # mentions now that reshare another post ("RT @…")
    reshares_median: float | None  # reshares per baseline window, median; None: no baseline
    stage: str | None  # quiet, single complaint, amplification, steady, media pick-up
    response: ResponseGap
    explanations: Mapping[str, str] = field(default_factory=dict)  # indicator -> sentence


@dataclass(frozen=True)
class TopicResult:
    """The escalation assessment of one topic at the evaluation moment."""

    rank: int
    topic: str
    score: float
    level: Level
    mentions: int
    baseline: float
    signals: Mapping[str, SignalResult]
    top_authors: tuple[AuthorStat, ...]
    top_critic: AuthorStat | None
    sparkline: tuple[int, ...]
    recommendations: tuple[Recommendation, ...] = ()
    notes: tuple[str, ...] = ()
    themes: tuple[Term, ...] = ()  # what sets the current window apart (watch and above)
    context: Context | None = None  # spread, media pick-up, response gap (pipeline/context.py)
    #: The score was held just below warning: the data has sentiment and shows no more
    #: criticism than usual (a storm needs criticism, see pipeline/score.py).
    held: bool = False
    #: The loudest critics of the last ``CRITIC_SPAN`` (24 h; topics at watch or above), by
    #: reach: the storm's critics, not only the current window's (pipeline/critics.py).
    critics: tuple[AuthorStat, ...] = ()

    @property
    def drivers(self) -> list[SignalResult]:
        """Signals that contributed points, strongest first."""
        active = [s for s in self.signals.values() if s.points >= 0.5]
        return sorted(active, key=lambda s: -s.points)


@dataclass(frozen=True)
class Rejects:
    """Rows that could not be used (or values that could not be read), by reason, with the
    first one's location and raw value."""

    reason: str
    count: int
    file: str
    first_line: int
    example: str | None


@dataclass(frozen=True)
class FileFormat:
    """How one input table was read."""

    preset: str  # "generic": by the header aliases
    kind: str  # "mentions", or "series" for a pre-aggregated volume series
    timestamps: tuple[str, ...]  # the timestamp formats detected (strptime patterns)


@dataclass(frozen=True)
class InputSummary:
    files: tuple[str, ...]
    rows_read: int
    rows_used: int
    rows_rejected: int
    rows_after_evaluation: int
    rows_duplicate: int = 0
    rejects: tuple[Rejects, ...] = ()
    #: Rows used with a value that could not be read and was left empty (per file and reason
    #: in ``unreadable``; a row with several counts once, under the first).
    rows_with_unreadable_values: int = 0
    unreadable: tuple[Rejects, ...] = ()
    notes: tuple[str, ...] = ()  # what was assumed while reading (encoding, layout, …)
    timezone: str = "UTC"
    formats: Mapping[str, FileFormat] = field(default_factory=dict)
    #: Files whose sentiment was estimated from the texts (they had none of their own).
    sentiment_estimated: tuple[str, ...] = ()
    #: What estimated it: ``lexicon`` or the trained model's path; None when nothing was.
    sentiment_estimator: str | None = None


@dataclass(frozen=True)
class Report:
    """What ``analyse`` returns: ranked topics plus provenance."""

    evaluated_at: datetime
    window: str
    baseline: str
    by: str | None
    lang: str
    input: InputSummary
    topics: tuple[TopicResult, ...]
    signals_available: tuple[str, ...] = ()
    history_start: datetime | None = None
    baseline_windows: int = 0
    notes: tuple[str, ...] = ()

    def at_or_above(self, level: Level) -> list[TopicResult]:
        from stormwatch.settings import LEVELS

        floor = LEVELS.index(level)
        return [t for t in self.topics if LEVELS.index(t.level) >= floor]
