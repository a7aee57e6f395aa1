"""Hacker News (Algolia) against a local server, the shared client's retries and rate limits,
the store and --out files: resumed without gaps or repeats, locked, merged."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fetch_helpers import NOW, Answer, FakeClock, Seen, algolia, hit, make_http, serve
from stormwatch.errors import FetchError
from stormwatch.fetch.errors import HnError, RateLimitedError
from stormwatch.fetch.run import fetch_mentions
from stormwatch.fetch.store import MentionStore, OutFile

T = int(NOW.timestamp())


def run(server_url: str, sink: Any, clock: FakeClock | None = None, **kwargs: Any) -> Any:
    http, client = make_http(clock)
    with client:
        return fetch_mentions(
            "hn",
            "acme",
            http=http,
            sink=sink,
            now=NOW,
            env={"STORMWATCH_HN_URL": server_url},
            **kwargs,
        )


def stored(store: MentionStore) -> pl.DataFrame:
    return pl.read_parquet(store.files()).sort("timestamp")


def test_pages_to_the_end_and_slices_past_the_1000_hit_cap(tmp_path: Path) -> None:
    hits = [hit(i, T - 10 - i * 30) for i in range(2500)]  # ~21 hours, 2,500 comments
    hits.append(hit(9999, T - 100, kind="story"))
    store = MentionStore(tmp_path / "store")
    with serve(algolia(hits)) as server:
        result = run(server.url, store)
    frame = stored(store)
    assert frame.height == 2501
    assert frame["id"].n_unique() == 2501
    assert result.stats.items == 2501
    story = frame.filter(pl.col("raw_id") == "9999").row(0, named=True)
    assert story["text"] == "Acme story 9999"
    assert story["engagement"] == 12
    assert story["url"] == "https://news.ycombinator.com/item?id=9999"
    comment = frame.filter(pl.col("raw_id") == "1").row(0, named=True)
    assert comment["text"] == "acme & friends 1"
    assert comment["platform"] == "hackernews"
    assert comment["source"] == "hn"
    assert comment["query"] == "acme"
    assert comment["followers"] is None
    assert store.cursor("hn", "acme")["to"] == "2026-12-04T12:00:00Z"


def test_a_repeated_fetch_asks_only_for_what_is_newer(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "store")
    hits = [hit(i, T - 3600 - i) for i in range(5)]
    with serve(algolia(hits)) as server:
        run(server.url, store)
        server.seen.clear()
        hits.append(hit(100, T + 60))
        later = run_later(server.url, store, minutes=5)
    assert later.stats.items == 1
    assert later.stats.duplicates == 0
    # from the end of the covered range, less the overlap for items Algolia indexes late
    starts = {(s.arg("numericFilters") or "").split(",")[0] for s in server.seen}
    assert starts == {f"created_at_i>={T - 600}"}


def run_later(url: str, store: Any, minutes: int) -> Any:
    http, client = make_http()
    with client:
        return fetch_mentions(
            "hn",
            "acme",
            http=http,
            sink=store,
            now=NOW + timedelta(minutes=minutes),
            env={"STORMWATCH_HN_URL": url},
        )


def test_deleted_and_undated_items_are_counted_not_stored(tmp_path: Path) -> None:
    hits = [
        hit(1, T - 50),
        hit(2, T - 60, author=None, comment_text=None),  # deleted comment
        {**hit(3, T - 70), "created_at_i": None, "created_at": "yesterday"},
    ]
    store = MentionStore(tmp_path / "store")
    with serve(algolia(hits)) as server:
        result = run(server.url, store)
    assert result.stats.items == 1
    assert result.stats.dropped == {"deleted": 1, "unparseable date": 1}


def test_429_with_retry_after_then_5xx_then_success(tmp_path: Path) -> None:
    answers = [
        Answer(429, {"message": "slow down"}, {"Retry-After": "7"}),
        Answer(503, "busy", content_type="text/plain"),
    ]
    inner = algolia([hit(1, T - 50)])

    def handle(req: Seen) -> Answer:
        return answers.pop(0) if answers else inner(req)

    clock = FakeClock()
    store = MentionStore(tmp_path / "store")
    with serve(handle) as server:
        result = run(server.url, store, clock)
    assert clock.slept == [7.0, 2.0]  # Retry-After, then the doubled backoff
    assert result.stats.waits == 2
    assert result.stats.items == 1


def test_spent_rate_limit_headers_wait_for_the_reset(tmp_path: Path) -> None:
    inner = algolia([hit(i, T - 50 - i) for i in range(3)])

    def handle(req: Seen) -> Answer:
        answer = inner(req)
        answer.headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}
        return answer

    clock = FakeClock()
    store = MentionStore(tmp_path / "store")
    with serve(handle) as server:
        run(server.url, store, clock, since=NOW - timedelta(days=2))
    assert clock.slept == [30.0]  # before the second day's request


def test_a_429_storm_past_the_budget_keeps_what_was_stored(tmp_path: Path) -> None:
    inner = algolia([hit(1, T - 30 * 3600), hit(2, T - 50)])

    def handle(req: Seen) -> Answer:
        if "created_at_i>=" + str(T - 86400) in (req.arg("numericFilters") or ""):
            return Answer(429, {}, {"Retry-After": "600"})
        return inner(req)

    store = MentionStore(tmp_path / "store")
    with serve(handle) as server, pytest.raises(RateLimitedError, match="budget"):
        run(server.url, store, since=NOW - timedelta(days=2))
    assert stored(store)["raw_id"].to_list() == ["1"]
    assert store.cursor("hn", "acme")["to"] == "2026-12-03T12:00:00Z"
    # the next run resumes at the first day's end: no gap, no repeat
    with serve(inner) as server:
        result = run(server.url, store, since=NOW - timedelta(days=2))
        first = server.seen[0].arg("numericFilters") or ""
    assert first.startswith(f"created_at_i>={T - 86400 - 600},")  # less the overlap
    assert result.stats.items == 1
    assert result.stats.duplicates == 0
    assert sorted(stored(store)["raw_id"].to_list()) == ["1", "2"]


def test_an_interrupted_slice_is_fetched_again_without_duplicates(tmp_path: Path) -> None:
    hits = [hit(i, T - 50 - i) for i in range(800)]  # > 1 page of 500 in one slice
    inner = algolia(hits, cap=5000)
    calls = {"n": 0}

    def flaky(req: Seen) -> Answer:
        calls["n"] += 1
        if calls["n"] == 2:  # the second page: the connection "drops" (a 404 ends the run)
            return Answer(404, {"message": "gone"})
        return inner(req)

    store = MentionStore(tmp_path / "store")
    with serve(flaky) as server, pytest.raises(HnError):
        run(server.url, store)
    assert stored(store).height == 500
    assert "to" not in store.cursor("hn", "acme")
    with serve(algolia(hits, cap=5000)) as server:
        result = run(server.url, store)
    assert result.stats.items == 300
    assert result.stats.duplicates == 500
    assert stored(store)["id"].n_unique() == 800


def test_malformed_json_is_a_clear_error(tmp_path: Path) -> None:
    oops = Answer(200, "<html>oops", content_type="text/html")
    with serve(lambda r: oops) as server, pytest.raises(HnError, match="not JSON") as info:
        run(server.url, MentionStore(tmp_path / "s"))
    assert isinstance(info.value, FetchError)
    assert info.value.hint


def test_an_empty_answer_stores_nothing_and_advances(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "store")
    with serve(algolia([])) as server:
        result = run(server.url, store)
    assert result.stats.items == 0
    assert store.files() == []
    assert store.cursor("hn", "acme")["to"] == "2026-12-04T12:00:00Z"


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_out_file_adds_only_what_it_does_not_hold(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"acme{suffix}"
    hits = [hit(1, T - 50), hit(2, T - 40, comment_text="=HYPERLINK(1)")]
    with serve(algolia(hits)) as server:
        run(server.url, OutFile(out))
        run(server.url, OutFile(out), since=NOW - timedelta(hours=2))  # overlaps: no repeats
    if suffix == ".csv":
        with out.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert [r["id"] for r in rows] == ["hn:2", "hn:1"]
        assert rows[0]["text"] == "'=HYPERLINK(1)"  # formula neutralised
        assert rows[0]["timestamp"] == "2026-12-04T11:59:20Z"
    elif suffix == ".jsonl":
        assert len(out.read_text().splitlines()) == 2
    else:
        assert pl.read_parquet(out).height == 2


def test_out_file_refuses_an_export_it_did_not_write(tmp_path: Path) -> None:
    out = tmp_path / "export.csv"
    out.write_text("timestamp,text\n2026-01-01,hi\n")
    with serve(algolia([hit(1, T - 50)])) as server, pytest.raises(Exception, match="no source"):
        run(server.url, OutFile(out))


def test_429_without_retry_after_waits_for_the_rate_limit_reset(tmp_path: Path) -> None:
    inner = algolia([hit(1, T - 50)])
    answers = [Answer(429, {}, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "25"})]

    def handle(req: Seen) -> Answer:
        return answers.pop(0) if answers else inner(req)

    clock = FakeClock()
    with serve(handle) as server:
        run(server.url, MentionStore(tmp_path / "s"), clock)
    assert clock.slept == [25.0]


def test_two_fetches_of_one_query_do_not_run_at_once(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "store")
    with serve(algolia([hit(1, T - 50)])) as server, store.lock("hn", "acme"):
        with pytest.raises(FetchError, match="another fetch of hn 'acme' into"):
            run(server.url, MentionStore(tmp_path / "store"))
        run_other = MentionStore(tmp_path / "store")
        http, client = make_http()
        with client:  # another query is not held up
            fetch_mentions(
                "hn",
                "globex",
                http=http,
                sink=run_other,
                now=NOW,
                env={"STORMWATCH_HN_URL": server.url},
            )


def test_a_query_that_looks_like_a_formula_is_not_fetched_twice_into_csv(tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    with serve(algolia([hit(1, T - 50)])) as server:
        for hours in (1, 2):  # the second reaches further back: asks again for the first hit
            http, client = make_http()
            with client:
                fetch_mentions(
                    "hn",
                    "-acme",
                    http=http,
                    sink=OutFile(out),
                    now=NOW,
                    env={"STORMWATCH_HN_URL": server.url},
                    since=NOW - timedelta(hours=hours),
                )
    rows = out.read_text().splitlines()
    assert len(rows) == 2
    assert ",'-acme," in rows[1]


def test_the_store_merges_each_day_s_files_and_reads_a_mention_once(tmp_path: Path) -> None:
    import shutil

    from stormwatch.sources import ReadOptions

    store = MentionStore(tmp_path / "store")
    hits = [hit(i, T - 7200 - i) for i in range(10)]
    with serve(algolia(hits)) as server:
        run(server.url, store)
        for minutes in (5, 10, 15):  # cron runs, each adding a file
            hits.append(hit(100 + minutes, T + 60 * minutes - 30))
            run_later(server.url, store, minutes)
    files = store.files("hn", "acme")
    assert len(files) == 1  # one day, one file
    assert pl.read_parquet(files).height == 13
    # a merge cut short: the merged file is there and an old one was not removed yet
    shutil.copy(files[0], files[0].with_name(files[0].name.replace("c.parquet", "x.parquet")))
    source = store.source("hn", "acme", ReadOptions())
    assert source is not None
    assert source.frame.collect().height == 13


def test_an_item_indexed_late_is_still_fetched(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "store")
    hits = [hit(1, T - 3600)]
    with serve(algolia(hits)) as server:
        run(server.url, store)
        hits.append(hit(2, T - 120))  # created before the first fetch, indexed after it
        later = run_later(server.url, store, minutes=5)
    assert later.stats.items == 1
    assert sorted(stored(store)["raw_id"].to_list()) == ["1", "2"]


def test_cursors_of_other_queries_survive_a_concurrent_writer(tmp_path: Path) -> None:
    first, second = MentionStore(tmp_path / "s"), MentionStore(tmp_path / "s")  # two processes
    first.set_cursor("hn", "acme", {"to": "2026-12-04T10:00:00Z"})
    second.set_cursor("hn", "globex", {"to": "2026-12-04T11:00:00Z"})
    first.set_cursor("hn", "acme", {"to": "2026-12-04T12:00:00Z"})
    assert MentionStore(tmp_path / "s").cursor("hn", "globex") == {"to": "2026-12-04T11:00:00Z"}
    assert second.cursor("hn", "acme") == {"to": "2026-12-04T12:00:00Z"}
