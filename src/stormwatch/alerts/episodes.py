"""Episodes: when to speak. Pure transition logic, no I/O, no clock.

An episode of a watch and topic opens when the topic reaches the watch's ``notify_at`` level,
escalates when its level rises above the highest level already announced, and resolves once
the topic has been ``calm`` for ``resolve_after``; while it is open, its level falls only with
the thresholds' hysteresis (``Thresholds.held_level``). Each of these queues one message. The
announced level only ever rises within an episode, so no level is announced twice, and
``min_gap`` holds back an escalation or an all-clear that would follow the previous message
of the same episode too closely (it goes out on a later run if it still holds).

Two clocks, on purpose: ``now`` (the run's moment) spaces messages for people, while calm is
measured in the data's time (the report's ``evaluated_at``), so an export that stops updating
never produces an all-clear.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from stormwatch.models import Report
from stormwatch.settings import LEVELS, Level, Thresholds

Kind = Literal["open", "escalate", "resolve"]


@dataclass(frozen=True)
class Policy:
    """How one watch turns levels into messages."""

    watch: str
    notify_at: Level = "warning"
    resolve_after: timedelta = timedelta(hours=6)
    min_gap: timedelta = timedelta(minutes=30)
    #: With thresholds, an open episode's level falls only with their hysteresis (no
    #: flapping around a bound); None: the report's level as it is.
    thresholds: Thresholds | None = None


@dataclass(frozen=True)
class Episode:
    """The open episode of one watch and topic, as kept in the state file."""

    watch: str
    topic: str
    id: str
    opened_at: datetime
    notified_level: Level  # the highest level announced so far
    notified_score: float
    level: Level  # as of the last run
    score: float
    last_message_at: datetime
    calm_since: datetime | None = None  # data time of the first calm run in a row


@dataclass(frozen=True)
class Notice:
    """One message to send: an episode opened, escalated or resolved."""

    kind: Kind
    watch: str
    topic: str
    episode_id: str
    level: Level
    score: float
    previous_level: Level | None
    previous_score: float | None
    at: datetime
    opened_at: datetime
    calm_since: datetime | None = None  # resolve: data time since when the topic is calm

    @property
    def key(self) -> str:
        """Unique per episode, kind and level: the outbox and the Message-ID derive from it."""
        return f"{self.episode_id}-{self.kind}-{self.level}"


def episode_id(watch: str, topic: str, opened_at: datetime) -> str:
    """A short stable id: the same episode always gets the same id (and Message-IDs)."""
    text = f"{watch}\x1f{topic}\x1f{opened_at.isoformat()}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _rank(level: Level) -> int:
    return LEVELS.index(level)


def step_topic(
    previous: Episode | None,
    topic: str,
    level: Level,
    score: float,
    now: datetime,
    data_time: datetime,
    policy: Policy,
) -> tuple[Episode | None, Notice | None]:
    """One topic's transition. Returns the episode to keep (None: no open episode) and the
    message to send, if any."""
    if previous is None:
        if _rank(level) < _rank(policy.notify_at):
            return None, None
        eid = episode_id(policy.watch, topic, now)
        opened = Episode(policy.watch, topic, eid, now, level, score, level, score, now)
        return opened, Notice("open", policy.watch, topic, eid, level, score, None, None, now, now)
    if policy.thresholds is not None:
        level = policy.thresholds.held_level(previous.level, score)
    current = replace(previous, level=level, score=score)
    gap_ok = now - previous.last_message_at >= policy.min_gap
    if level == "calm":
        calm_since = previous.calm_since or data_time
        current = replace(current, calm_since=calm_since)
        if data_time - calm_since >= policy.resolve_after and gap_ok:
            notice = Notice(
                "resolve",
                policy.watch,
                topic,
                previous.id,
                "calm",
                score,
                previous.notified_level,
                previous.notified_score,
                now,
                previous.opened_at,
                calm_since,
            )
            return None, notice
        return current, None
    current = replace(current, calm_since=None)
    if _rank(level) > _rank(previous.notified_level) and gap_ok:
        notice = Notice(
            "escalate",
            policy.watch,
            topic,
            previous.id,
            level,
            score,
            previous.notified_level,
            previous.notified_score,
            now,
            previous.opened_at,
        )
        announced = replace(
            current, notified_level=level, notified_score=score, last_message_at=now
        )
        return announced, notice
    return current, None


def step(
    previous: Mapping[str, Episode], report: Report, now: datetime, policy: Policy
) -> tuple[dict[str, Episode], list[Notice]]:
    """All topics of one watch: ``previous`` maps topic -> open episode.

    Returns the open episodes after this run (by topic) and the messages to send, in the
    report's rank order. A topic with an open episode that is missing from the report (its
    mentions left the inputs) counts as calm with score 0.
    """
    episodes: dict[str, Episode] = {}
    notices: list[Notice] = []
    states: list[tuple[str, Level, float]] = [(t.topic, t.level, t.score) for t in report.topics]
    reported = {t.topic for t in report.topics}
    states += [(name, "calm", 0.0) for name in sorted(previous) if name not in reported]
    for topic, level, score in states:
        episode, notice = step_topic(
            previous.get(topic), topic, level, score, now, report.evaluated_at, policy
        )
        if episode is not None:
            episodes[topic] = episode
        if notice is not None:
            notices.append(notice)
    return episodes, notices
