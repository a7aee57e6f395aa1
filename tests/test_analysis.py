"""The core API end to end, without the CLI: analyse() on real CSV files."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

import stormwatch as sw
from conftest import T0, WriteCsv, iso, storm_rows


def test_storm_ranks_first_with_exact_signals(write_csv: WriteCsv) -> None:
    report = sw.analyse([write_csv(storm_rows())])
    assert report.evaluated_at == T0 + timedelta(hours=71, minutes=58)
    assert report.by == "brand"
    assert report.baseline_windows == 70  # 72 h of data, the first partial hour left out
    assert [t.topic for t in report.topics] == ["acme", "globex"]
    acme, globex = report.topics
    assert (acme.rank, acme.level, acme.mentions, acme.baseline) == (1, "storm", 30, 2.0)
    v = acme.signals["velocity"]
    # Velocity follows the critical (not positive) stream: the calm hours were all praise, so
    # its baseline is 0 (MAD 0: the Poisson floor sqrt(0 + 1)).
    assert v.raw == (30 - 0) / math.sqrt(1)
    assert v.detail == {
        "now": 30.0,
        "median": 0.0,
        "expected": 0.0,
        "seasonal_index": 1.0,  # not yet 3 days of the same hour: no time-of-day index
        "tail_probability": 0.0,
        "record": 0.0,  # the storm hour before is under way, not a record
        "record_ratio": 30.0,
        "now_long": 60.0,  # the last 3 hours, against 0 in the earlier 3-hour blocks
        "z_long": 60.0,
        "acceleration": 0.0,  # as many as the hour before: not growing, no doubling time
    }
    assert (v.value, v.points) == (1.0, 40.0)
    influence = acme.signals["influence"]
    assert influence.raw == 2_000_000 + sum(100 + i for i in range(1, 30))
    assert influence.value == round((math.log10(influence.raw + 1) - 4) / 2.5, 3)
    neg = acme.signals["negativity"]
    p0 = 2 / 140  # one stormy baseline window, capped at the median of 2 rated mentions
    p = (30 + 5 * p0) / 35
    assert neg.detail["share_baseline"] == round(p0, 3)
    assert neg.value == round((p - p0) / (1 - p0), 3)
    assert acme.score == 95.2
    # the storm's critic over the last 24 h: both storm hours, the first at 70 h 1 min
    first = T0 + timedelta(hours=70, minutes=1)
    assert acme.top_critic == sw.AuthorStat("@megafan", 2_000_000, 2, 2, first, current=True)
    assert acme.critics[0] == acme.top_critic
    assert [r.step for r in acme.recommendations] == [1, 2, 3, 4, 5, 8, 9]
    assert "@megafan" in acme.recommendations[1].why
    assert (globex.level, globex.score, globex.recommendations) == ("calm", 0.0, ())
    assert acme.sparkline[-1] == 30
    assert len(acme.sparkline) == 24


def test_at_ignores_everything_after_it(write_csv: WriteCsv) -> None:
    path = write_csv(storm_rows())
    before = T0 + timedelta(hours=70)  # the storm starts at hour 70
    report = sw.analyse([path], now=before)
    assert report.evaluated_at == before
    assert [t.level for t in report.topics] == ["calm", "calm"]
    assert report.input.rows_after_evaluation == 2 * 30 + 2  # two storm hours, globex at 70
    assert 71
    assert report.input.rows_used == report.input.rows_read - report.input.rows_after_evaluation


def test_notebook_shortcuts_one_path_text_moment_and_text_durations(
    write_csv: WriteCsv,
) -> None:
    path = write_csv(storm_rows())
    moment = T0 + timedelta(hours=50)
    expected = sw.analyse([path], sw.Settings(window=timedelta(hours=2)), now=moment)
    got = sw.analyse(str(path), sw.Settings(window="2h"), now=moment.isoformat())
    assert got == expected
    assert sw.analyse(path, now=moment) == sw.analyse([path], now=moment)
    with pytest.raises(sw.ConfigError, match="window: 'soon' is not a duration"):
        sw.Settings(window="soon")
    with pytest.raises(sw.ConfigError, match="now: 'tomorrow' is not a timestamp"):
        sw.analyse(path, now="tomorrow")


def test_naive_at_is_utc(write_csv: WriteCsv) -> None:
    path = write_csv(storm_rows())
    aware = sw.analyse([path], now=T0 + timedelta(hours=50))
    naive = sw.analyse([path], now=(T0 + timedelta(hours=50)).replace(tzinfo=None))
    assert aware == naive


def test_rejected_rows_are_counted_with_their_first_line(write_csv: WriteCsv) -> None:
    rows = storm_rows(hours=10, storm_hours=0)
    rows[3][0] = "yesterday"
    rows[7][0] = "not a date"
    rows[8][0] = ""
    rows[9][3] = -5
    report = sw.analyse([write_csv(rows)])
    summary = report.input
    assert summary.rows_read == len(rows)
    assert summary.rows_rejected == 4
    assert summary.rows_used == len(rows) - 4
    by_reason = {r.reason: (r.count, r.first_line, r.example) for r in summary.rejects}
    assert by_reason == {
        "bad timestamp": (2, 5, "yesterday"),  # header is line 1, rows[3] is line 5
        "missing timestamp": (1, 10, None),
        "negative follower count": (1, 11, "-5"),  # the example is the offending value
    }


def test_an_evaluation_moment_long_after_the_data_says_so(write_csv: WriteCsv) -> None:
    report = sw.analyse([write_csv(storm_rows())], now=T0 + timedelta(days=30))
    assert report.notes == (
        "no mentions in the current window or the 7d baseline before it; the newest is from "
        "2026-11-03 23:58 UTC",
    )
    assert {t.level for t in report.topics} == {"calm"}


def test_short_history_is_said_and_volume_is_not_scored(write_csv: WriteCsv) -> None:
    rows = [
        [iso(T0 + timedelta(minutes=m)), "acme", f"@a{m}", 10, "x", "negative"]
        for m in range(0, 90, 3)
    ]
    report = sw.analyse([write_csv(rows)])
    assert report.baseline_windows == 0
    assert report.signals_available == ("influence", "negativity")
    assert report.notes[0].startswith("not enough history for a baseline (0 complete 1h windows")
    assert report.topics[0].signals["velocity"].available is False


def test_without_sentiment_or_followers_only_volume_signals_count(write_csv: WriteCsv) -> None:
    rows = [[r[0], r[1], r[2], r[4]] for r in storm_rows()]
    path = write_csv(rows, header=("date", "brand", "user", "content"))
    # Estimating the sentiment from the texts is off (tests/test_sentiment_scan.py has it on).
    report = sw.analyse([path], sw.Settings(estimate_sentiment=False))
    assert report.signals_available == ("velocity", "spread")
    acme = report.topics[0]
    # velocity and spread are both at full strength: renormalised to 100
    assert (acme.score, acme.level) == (100.0, "storm")
    assert any("no sentiment" in n for n in report.notes)
    assert any("no follower counts" in n for n in report.notes)


def test_several_files_are_merged(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    first = write_csv(rows[: len(rows) // 2], name="a.csv")
    second = write_csv(rows[len(rows) // 2 :], name="b.csv", delimiter=";")
    merged = sw.analyse([first, second])
    single = sw.analyse([write_csv(rows, name="all.csv")])
    assert merged.input.files == (str(first), str(second))
    assert [(t.topic, t.score) for t in merged.topics] == [
        (t.topic, t.score) for t in single.topics
    ]


def test_no_topic_column_gives_one_topic(write_csv: WriteCsv) -> None:
    rows = [[r[0], r[2], r[3]] for r in storm_rows()]
    report = sw.analyse([write_csv(rows, header=("created_at", "author", "followers"))])
    assert [t.topic for t in report.topics] == ["all"]
    assert report.by is None


def test_by_names_the_topic_column(write_csv: WriteCsv) -> None:
    rows = [[*r, "twitter" if i % 2 else "forum"] for i, r in enumerate(storm_rows())]
    path = write_csv(
        rows,
        header=(*("timestamp", "brand", "author", "followers"), "text", "sentiment", "platform"),
    )
    report = sw.analyse([path], sw.Settings(by="platform"))
    assert report.by == "platform"
    assert sorted(t.topic for t in report.topics) == ["forum", "twitter"]


def test_all_rows_after_at_is_an_error(write_csv: WriteCsv) -> None:
    with pytest.raises(sw.InputError, match=r"all 272 usable mentions are after --at"):
        sw.analyse([write_csv(storm_rows())], now=datetime(2020, 1, 1, tzinfo=UTC))


def test_a_row_in_another_format_than_the_sample_is_rejected(write_csv: WriteCsv) -> None:
    path = write_csv(
        [["2026-11-01T10:00:00Z", "a", "@x", 1, "t", ""], ["garbage", "a", "@x", 1, "t", ""]]
    )
    report = sw.analyse([path])
    assert (report.input.rows_rejected, report.input.rows_used) == (1, 1)


def test_no_usable_row_is_an_error_naming_the_first(write_csv: WriteCsv) -> None:
    path = write_csv(
        [
            ["2026-11-01T10:00:00Z", "a", "@x", -1, "t", ""],
            ["2026-11-01T11:00:00Z", "a", "@y", -2, "t", ""],
        ]
    )
    with pytest.raises(sw.InputError) as caught:
        sw.analyse([path])
    assert str(caught.value) == (
        f"{path}, line 2: none of the 2 rows is usable (negative follower count: '-1')"
    )
    assert caught.value.hint == "check the followers column of the export"


def test_german_recommendations(write_csv: WriteCsv) -> None:
    report = sw.analyse([write_csv(storm_rows())], sw.Settings(lang="de"))
    steps = report.topics[0].recommendations
    assert steps[1].step == 2
    assert "1.000.000" not in steps[1].why
    assert "2.000.000" in steps[1].why


def test_engagement_stands_in_for_missing_followers(write_csv: WriteCsv) -> None:
    rows = [[r[0], r[1], r[2], r[5], 500 if r[2] == "@megafan" else 20] for r in storm_rows()]
    path = write_csv(rows, header=("timestamp", "brand", "author", "sentiment", "engagement"))
    report = sw.analyse([path])
    assert "influence" in report.signals_available
    acme = report.topics[0]
    influence = acme.signals["influence"]
    # the engagement of the 30 critical mentions in the current window: 500 + 29 * 20
    assert influence.raw == 500 + 29 * 20
    assert influence.value == round((math.log10(1 + 1080) - 2) / 2.5, 3)
    assert influence.detail["engagement_proxy"] == 1.0
    assert any("engagement (likes, shares, comments)" in n for n in report.notes)


def test_the_record_is_the_busiest_hour_at_any_quarter_hour(write_csv: WriteCsv) -> None:
    # A 5-minute volume series over 4 days: 1 mention a step (12 an hour). Two days ago an hour
    # of 10 a step straddled a whole hour counted back from now (66 + 66 in those hours); now
    # the last hour holds the same 120. Not a new record, so volume alone raises nothing.
    steps = 4 * 288
    values = [1] * steps
    boundary = steps - 1 - 47 * 12  # the last step of the window 47 hours back
    for i in range(boundary - 5, boundary + 7):
        values[i] = 10
    for i in range(steps - 12, steps):
        values[i] = 10
    rows = [[iso(T0 + timedelta(minutes=5 * i)), v] for i, v in enumerate(values)]
    report = sw.analyse([write_csv(rows, header=("timestamp", "value"))])
    (topic,) = report.topics
    velocity = topic.signals["velocity"].detail
    assert (velocity["now"], velocity["record"], velocity["record_ratio"]) == (120, 120, 1.0)
    assert (topic.signals["velocity"].value, topic.level) == (0.0, "calm")
    # Had the past hour fallen on a whole hour, the whole hours would show the same record.
    values[boundary - 5 : boundary + 7] = [1] * 12
    values[boundary - 11 : boundary + 1] = [10] * 12
    rows = [[iso(T0 + timedelta(minutes=5 * i)), v] for i, v in enumerate(values)]
    report = sw.analyse([write_csv(rows, header=("timestamp", "value"), name="aligned.csv")])
    assert report.topics[0].signals["velocity"].detail["record"] == 120


def coverage_rows(negative_now: int) -> list[list[object]]:
    """`acme`: 3 days of 20 mentions an hour, 2 of them negative (10 %), from small accounts;
    then an hour of 100 mentions, ``negative_now`` of them negative, the first by a newspaper
    with 800,000 followers."""
    rows: list[list[object]] = []
    for h in range(73):
        n = 100 if h == 72 else 20
        negative = negative_now if h == 72 else 2
        for i in range(n):
            at = iso(T0 + timedelta(hours=h, minutes=(i * 59) // n))
            big = h == 72 and i == 0
            author, followers = ("@big_paper", 800_000) if big else (f"@user{h}_{i}", 100)
            sentiment = "negative" if i < negative else "neutral"
            rows.append([at, "acme", author, followers, "fridge news", sentiment])
    return rows


def test_reach_behind_critics_counts_as_the_talk_turns_more_critical(
    write_csv: WriteCsv,
) -> None:
    # Ordinary coverage, five times the volume: 9 % negative (usually 10 %). The newspaper's
    # negative article is part of it, not a critic with reach.
    (ordinary,) = sw.analyse([write_csv(coverage_rows(9))]).topics
    influence = ordinary.signals["influence"]
    assert influence.raw == 800_000 + 8 * 100  # the reach is still measured and shown
    assert (influence.value, influence.points) == (0.0, 0.0)
    assert influence.detail["negativity_weight"] == 0.0
    assert ordinary.signals["negativity"].value == 0.0
    # 20 % negative: negativity ((20 + 5·0.1) / 105 - 0.1) / 0.9 = 0.106 weighs the reach
    # by 0.106 / 0.2.
    (rising,) = sw.analyse([write_csv(coverage_rows(20), name="rising.csv")]).topics
    reach = 800_000 + 19 * 100
    negativity = (20.5 / 105 - 0.1) / 0.9
    assert rising.signals["negativity"].value == round(negativity, 3)
    weight = rising.signals["influence"].detail["negativity_weight"]
    assert weight == round(negativity / 0.2, 3)
    full = (math.log10(1 + reach) - 4) / 2.5
    assert rising.signals["influence"].value == round(full * negativity / 0.2, 3)
    # 40 % negative: the newspaper's reach counts in full.
    (critical,) = sw.analyse([write_csv(coverage_rows(40), name="critical.csv")]).topics
    reach = 800_000 + 39 * 100
    assert critical.signals["influence"].raw == reach
    assert critical.signals["influence"].value == round((math.log10(1 + reach) - 4) / 2.5, 3)
    assert critical.signals["influence"].detail["negativity_weight"] == 1.0
    assert ordinary.score < rising.score < critical.score
