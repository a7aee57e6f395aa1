"""Episode transitions (pure): open, stay quiet, escalate, resolve, minimum gap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from stormwatch.alerts.episodes import Episode, Notice, Policy, episode_id, step
from stormwatch.models import InputSummary, Report, TopicResult
from stormwatch.settings import Level, Thresholds

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)
POLICY = Policy(
    "brands", "warning", resolve_after=timedelta(hours=2), min_gap=timedelta(minutes=30)
)


def report(at: datetime, **topics: tuple[Level, float]) -> Report:
    results = tuple(
        TopicResult(i, name, score, level, 0, 0.0, {}, (), None, ())
        for i, (name, (level, score)) in enumerate(topics.items(), start=1)
    )
    return Report(at, "1h", "7d", "brand", "en", InputSummary((), 0, 0, 0, 0), results)


def run(
    steps: list[tuple[timedelta, dict[str, tuple[Level, float]]]], policy: Policy = POLICY
) -> tuple[dict[str, Episode], list[Notice]]:
    """Step through (offset from T0, topic levels); all notices in order."""
    state: dict[str, Episode] = {}
    sent: list[Notice] = []
    for offset, topics in steps:
        state, notices = step(state, report(T0 + offset, **topics), T0 + offset, policy)
        sent += notices
    return state, sent


def h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def test_below_notify_at_nothing_happens() -> None:
    state, sent = run([(h(0), {"acme": ("watch", 40.0)}), (h(1), {"acme": ("calm", 5.0)})])
    assert (state, sent) == ({}, [])


def test_open_then_same_level_is_silent() -> None:
    state, sent = run([(h(0), {"acme": ("warning", 61.0)}), (h(1), {"acme": ("warning", 70.0)})])
    assert [(n.kind, n.level, n.previous_level) for n in sent] == [("open", "warning", None)]
    episode = state["acme"]
    assert (episode.notified_level, episode.level, episode.score) == ("warning", "warning", 70.0)
    assert episode.id == episode_id("brands", "acme", T0) == sent[0].episode_id


def test_escalation_says_what_it_was() -> None:
    _, sent = run([(h(0), {"acme": ("warning", 61.0)}), (h(1), {"acme": ("storm", 87.0)})])
    escalation = sent[1]
    assert (escalation.kind, escalation.level, escalation.score) == ("escalate", "storm", 87.0)
    assert (escalation.previous_level, escalation.previous_score) == ("warning", 61.0)
    assert escalation.key == f"{sent[0].episode_id}-escalate-storm"


def test_a_level_is_never_announced_twice_in_an_episode() -> None:
    _, sent = run(
        [
            (h(0), {"acme": ("warning", 61.0)}),
            (h(1), {"acme": ("storm", 87.0)}),
            (h(2), {"acme": ("warning", 60.0)}),
            (h(3), {"acme": ("storm", 90.0)}),
            (h(4), {"acme": ("watch", 30.0)}),
            (h(5), {"acme": ("warning", 55.0)}),
        ]
    )
    assert [n.kind for n in sent] == ["open", "escalate"]


def test_resolves_after_calm_for_resolve_after() -> None:
    state, sent = run(
        [
            (h(0), {"acme": ("storm", 90.0)}),
            (h(1), {"acme": ("calm", 10.0)}),
            (h(2), {"acme": ("calm", 8.0)}),  # calm for 1h only
            (h(3), {"acme": ("calm", 4.0)}),  # 2h: all clear
            (h(4), {"acme": ("calm", 3.0)}),
        ]
    )
    assert [n.kind for n in sent] == ["open", "resolve"]
    resolve = sent[1]
    assert (resolve.level, resolve.score, resolve.previous_level) == ("calm", 4.0, "storm")
    assert resolve.calm_since == T0 + h(1)
    assert state == {}


def test_calm_interrupted_starts_counting_again() -> None:
    _, sent = run(
        [
            (h(0), {"acme": ("warning", 60.0)}),
            (h(1), {"acme": ("calm", 10.0)}),
            (h(2), {"acme": ("watch", 30.0)}),  # not calm: the clock restarts
            (h(3), {"acme": ("calm", 10.0)}),
            (h(4), {"acme": ("calm", 10.0)}),
            (h(5), {"acme": ("calm", 10.0)}),
        ]
    )
    assert [(n.kind, n.at) for n in sent] == [("open", T0), ("resolve", T0 + h(5))]


def test_reopens_as_a_new_episode_after_resolve() -> None:
    _, sent = run(
        [
            (h(0), {"acme": ("warning", 60.0)}),
            (h(1), {"acme": ("calm", 1.0)}),
            (h(3), {"acme": ("calm", 1.0)}),
            (h(4), {"acme": ("warning", 60.0)}),
        ]
    )
    assert [n.kind for n in sent] == ["open", "resolve", "open"]
    assert sent[0].episode_id != sent[2].episode_id


def test_min_gap_holds_an_escalation_back_until_a_later_run() -> None:
    minutes = timedelta(minutes=1)
    _, sent = run(
        [
            (0 * minutes, {"acme": ("warning", 60.0)}),
            (15 * minutes, {"acme": ("storm", 80.0)}),  # 15 min after the open: too soon
            (30 * minutes, {"acme": ("storm", 85.0)}),
        ]
    )
    assert [(n.kind, n.at - T0, n.score) for n in sent] == [
        ("open", timedelta(0), 60.0),
        ("escalate", 30 * minutes, 85.0),
    ]


def test_a_topic_gone_from_the_report_counts_as_calm() -> None:
    state, sent = run(
        [
            (h(0), {"acme": ("storm", 90.0), "globex": ("calm", 1.0)}),
            (h(1), {"globex": ("calm", 1.0)}),
            (h(3), {"globex": ("calm", 1.0)}),
        ]
    )
    assert [(n.kind, n.topic, n.score) for n in sent] == [
        ("open", "acme", 90.0),
        ("resolve", "acme", 0.0),
    ]
    assert state == {}


def test_calm_is_measured_in_the_data_time_so_a_stale_export_never_resolves() -> None:
    state: dict[str, Episode] = {}
    state, _ = step(state, report(T0, acme=("storm", 90.0)), T0, POLICY)
    stale = report(T0 + h(1), acme=("calm", 0.0))  # the export stopped an hour later
    for hours in (2, 10, 48):
        state, notices = step(state, stale, T0 + h(hours), POLICY)
        assert notices == []
    assert state["acme"].calm_since == T0 + h(1)


def test_notify_at_storm_ignores_warnings() -> None:
    policy = Policy("brands", "storm", timedelta(hours=1), timedelta(0))
    _, sent = run([(h(0), {"acme": ("warning", 70.0)}), (h(1), {"acme": ("storm", 80.0)})], policy)
    assert [(n.kind, n.level) for n in sent] == [("open", "storm")]


def test_topics_are_independent_episodes() -> None:
    _, sent = run(
        [
            (
                h(0),
                {"acme": ("storm", 90.0), "globex": ("warning", 55.0), "initech": ("calm", 1.0)},
            ),
        ]
    )
    assert [(n.topic, n.kind, n.level) for n in sent] == [
        ("acme", "open", "storm"),
        ("globex", "open", "warning"),
    ]
    assert len({n.episode_id for n in sent}) == 2


def test_hysteresis_holds_a_level_until_the_score_is_well_below_its_bound() -> None:
    held = replace(POLICY, thresholds=Thresholds(hysteresis=5.0))
    steps: list[tuple[timedelta, dict[str, tuple[Level, float]]]] = [
        (h(0), {"acme": ("warning", 55.0)}),
        (h(1), {"acme": ("calm", 22.0)}),  # 22 + 5 >= 25: still watch, not calm
        (h(2), {"acme": ("calm", 21.0)}),
        (h(3), {"acme": ("calm", 22.0)}),
        (h(4), {"acme": ("calm", 19.0)}),  # 19 + 5 < 25: calm from here
        (h(5), {"acme": ("calm", 18.0)}),
        (h(6), {"acme": ("calm", 18.0)}),  # calm for 2 h: all clear
    ]
    state, sent = run(steps, held)
    assert [(n.kind, n.at) for n in sent] == [("open", T0), ("resolve", T0 + h(6))]
    assert state == {}
    # without hysteresis the dips below 25 count as calm at once: all clear after 2 h
    _, flat = run(steps, POLICY)
    assert [(n.kind, n.at) for n in flat] == [("open", T0), ("resolve", T0 + h(3))]


def test_hysteresis_never_delays_a_rise() -> None:
    held = replace(POLICY, thresholds=Thresholds(hysteresis=5.0))
    _, sent = run([(h(0), {"acme": ("warning", 55.0)}), (h(1), {"acme": ("storm", 75.0)})], held)
    assert [(n.kind, n.level) for n in sent] == [("open", "warning"), ("escalate", "storm")]


def test_held_level() -> None:
    t = Thresholds(hysteresis=5.0)
    assert [t.held_level("warning", s) for s in (52.0, 47.0, 45.0, 44.9, 19.0)] == [
        "warning",
        "warning",
        "warning",
        "watch",
        "calm",
    ]  # fmt: skip  (45 is not below 50 - 5)
    assert t.held_level("calm", 30.0) == "watch"
    assert Thresholds(hysteresis=0.0).held_level("storm", 74.9) == "warning"
