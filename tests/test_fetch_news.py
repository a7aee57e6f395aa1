"""GDELT DOC 2.0 and RSS/Atom feeds against a local server: slicing past GDELT's 250-article
cap, its plain-text refusal, feeds of each kind, conditional GETs, refused DOCTYPEs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fetch_helpers import NOW, Answer, FakeClock, Seen, make_http, serve
from stormwatch.fetch.errors import GdeltError, RssError
from stormwatch.fetch.rss import parse_feed
from stormwatch.fetch.run import fetch_mentions
from stormwatch.fetch.store import MentionStore


def run(source: str, query: str, store: MentionStore, env: dict[str, str], **kw: Any) -> Any:
    clock = kw.pop("clock", FakeClock())
    http, client = make_http(clock)
    with client:
        return fetch_mentions(source, query, http=http, sink=store, now=NOW, env=env, **kw)


def article(i: int, at: datetime) -> dict[str, Any]:
    return {
        "url": f"https://news.example/{i}",
        "url_mobile": "",
        "title": f"Acme recall {i}",
        "seendate": at.strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": "",
        "domain": "news.example",
        "language": "German",
        "sourcecountry": "Germany",
    }


def gdelt(articles: list[dict[str, Any]]) -> Any:
    def handle(req: Seen) -> Answer:
        assert req.arg("mode") == "artlist"
        assert req.arg("format") == "json"
        lo = datetime.strptime(req.arg("startdatetime") or "", "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        hi = datetime.strptime(req.arg("enddatetime") or "", "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        found = [
            a
            for a in articles
            if lo <= datetime.strptime(a["seendate"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC) < hi
        ]
        found.sort(key=lambda a: a["seendate"], reverse=True)
        cap = int(req.arg("maxrecords") or 75)
        return Answer(body={"articles": found[:cap]} if found else {})

    return handle


def test_gdelt_slices_past_the_250_cap_and_paces_requests(tmp_path: Path) -> None:
    articles = [article(i, NOW - timedelta(minutes=2 + i * 2)) for i in range(600)]  # 20 h
    store = MentionStore(tmp_path / "s")
    clock = FakeClock()
    with serve(gdelt(articles)) as server:
        result = run(
            "gdelt",
            '"Acme" sourcelang:german',
            store,
            {"STORMWATCH_GDELT_URL": server.url},
            clock=clock,
        )
        assert server.seen[0].arg("query") == '"Acme" sourcelang:german'
    frame = pl.read_parquet(store.files())
    assert frame.height == 600
    assert set(frame["platform"]) == {"news"}
    assert set(frame["author"]) == {"news.example"}
    assert result.stats.waits == 0  # pacing is not a rate-limit wait (nor in the budget)
    assert result.stats.paced == pytest.approx(5.0 * (len(server.seen) - 1))
    assert clock.slept == [pytest.approx(5.0)] * (len(server.seen) - 1)


def test_gdelt_plain_text_refusal_is_waited_out_then_a_clear_error(tmp_path: Path) -> None:
    refusal = Answer(200, "Please limit requests to one every 5 seconds", content_type="text/plain")
    env = {"STORMWATCH_GDELT_URL": ""}
    answers = [refusal]
    inner = gdelt([article(1, NOW - timedelta(minutes=5))])

    def once(req: Seen) -> Answer:
        return answers.pop(0) if answers else inner(req)

    clock = FakeClock()
    with serve(once) as server:
        env["STORMWATCH_GDELT_URL"] = server.url
        result = run("gdelt", "acme", MentionStore(tmp_path / "s"), env, clock=clock)
    assert result.stats.items == 1
    assert clock.slept == [10.0]  # the pause after the refusal (it covers the pace too)
    with serve(lambda r: refusal) as server, pytest.raises(GdeltError, match="not JSON") as info:
        run("gdelt", "acme", MentionStore(tmp_path / "t"), {"STORMWATCH_GDELT_URL": server.url})
    assert "'Please limit requests" in info.value.message


def test_gdelt_no_match_is_an_empty_object(tmp_path: Path) -> None:
    with serve(lambda r: Answer(body={})) as server:
        result = run(
            "gdelt", "acme", MentionStore(tmp_path / "s"), {"STORMWATCH_GDELT_URL": server.url}
        )
    assert result.stats.items == 0


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Press</title>
<item><title>Acme recalls fridges</title><link>https://press.example/1</link>
<guid>press-1</guid><pubDate>Fri, 04 Dec 2026 09:30:00 +0100</pubDate>
<description>&lt;p&gt;Doors &amp;amp; hinges&lt;/p&gt;</description>
<dc:creator>Anna</dc:creator></item>
<item><title>No date</title><link>https://press.example/2</link><guid>press-2</guid></item>
<item><title>Old news</title><link>https://press.example/3</link><guid>press-3</guid>
<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alerts</title>
<entry><id>tag:google.com,2026:1</id><title type="html">Acme &lt;b&gt;door&lt;/b&gt;</title>
<link rel="alternate" href="https://blog.example/a"/><published>2026-12-04T10:00:00Z</published>
<updated>2026-12-04T10:05:00Z</updated><author><name>Ben</name></author>
<content type="html">text</content></entry></feed>"""


def test_rss_and_atom_items_with_conditional_get(tmp_path: Path) -> None:
    store = MentionStore(tmp_path / "s")

    def feed(req: Seen) -> Answer:
        if req.headers.get("if-none-match") == '"v1"':
            return Answer(304, b"")
        return Answer(body=RSS, content_type="application/rss+xml", headers={"ETag": '"v1"'})

    with serve(feed) as server:
        url = f"{server.url}/feed.xml"
        result = run("rss", url, store, {})
        assert result.stats.items == 1
        assert result.stats.dropped == {"unparseable date": 1}
        again = run("rss", url, store, {})
        assert server.seen[-1].headers["if-none-match"] == '"v1"'
        assert again.stats.items == 0
    row = pl.read_parquet(store.files()).row(0, named=True)
    assert row["text"] == "Acme recalls fridges\nDoors & hinges"
    assert row["author"] == "Anna"
    assert row["timestamp"] == datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    assert row["platform"] == "news"
    assert row["id"] == "rss:press-1"
    items = parse_feed(ATOM.encode(), "x")
    assert items == [
        {
            "id": "tag:google.com,2026:1",
            "title": "Acme <b>door</b>",
            "link": "https://blog.example/a",
            "published": "2026-12-04T10:00:00Z",
            "author": "Ben",
            "summary": "text",
        }
    ]


def test_rss_refuses_doctype_and_entities(tmp_path: Path) -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><rss><channel>
    <item><title>&lol;</title></item></channel></rss>"""
    with pytest.raises(RssError, match="DOCTYPE"):
        parse_feed(bomb, "x")
    # a DOCTYPE quoted inside an item's content is only text
    assert (
        parse_feed(
            b"<rss><channel><item><guid>1</guid>"
            b"<description><![CDATA[<!DOCTYPE html>]]></description></item></channel></rss>",
            "x",
        )[0]["summary"]
        == "<!DOCTYPE html>"
    )
    with pytest.raises(RssError, match="not a readable feed"):
        parse_feed(b"<html><body>oops", "x")
    with pytest.raises(RssError, match="not a feed URL"):
        run("rss", "file:///etc/passwd", MentionStore(tmp_path / "s"), {})
