"""Benchmark: `stormwatch fetch` of 10,000 recorded Hacker News items from a local server.

A local http.server on 127.0.0.1 answers Algolia's search_by_date with pre-encoded pages of
recorded-shape hits (no network); the fetch pages through them, maps every hit to a mention
and writes them durably into a fresh mention store. Rate-limit waits are excluded (the clock
is fake and no 429 is sent). Target (issue 13): <= 2 s.

    python benchmarks/bench_fetch.py --items 10000
"""

from __future__ import annotations

import argparse
import http.server
import json
import re
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
PER_PAGE = 500


def recorded_hits(n: int) -> list[dict[str, Any]]:
    """Hits shaped as Algolia returns them, one every 8 seconds back from NOW."""
    t = int(NOW.timestamp())
    return [
        {
            "objectID": str(40_000_000 + i),
            "created_at": "",
            "created_at_i": t - 8 * (i + 1),
            "author": f"user{i % 997}",
            "comment_text": f"<p>Acme&#x27;s new fridge door is broken again, item {i}</p>",
            "story_id": 39_999_000,
            "story_title": "Acme recalls fridges",
            "parent_id": 39_999_000,
            "points": None,
            "num_comments": None,
            "_tags": ["comment", f"author_user{i % 997}", "story_39999000"],
            "_highlightResult": {"comment_text": {"value": "…", "matchLevel": "full"}},
        }
        for i in range(n)
    ]


def serve(hits: list[dict[str, Any]]) -> tuple[http.server.ThreadingHTTPServer, str]:
    cache: dict[tuple[int, int, int], bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = self.path.split("?", 1)[1]
            lo = int(re.search(r"created_at_i%3E%3D(\d+)", query).group(1))  # type: ignore[union-attr]
            hi = int(re.search(r"created_at_i%3C(\d+)", query).group(1))  # type: ignore[union-attr]
            page = int(re.search(r"page=(\d+)", query).group(1))  # type: ignore[union-attr]
            if (lo, hi, page) not in cache:
                found = [h for h in hits if lo <= h["created_at_i"] < hi]
                visible = found[:1000]
                body = {
                    "hits": visible[page * PER_PAGE : (page + 1) * PER_PAGE],
                    "nbHits": len(found),
                    "nbPages": -(-len(visible) // PER_PAGE),
                    "page": page,
                    "hitsPerPage": PER_PAGE,
                }
                cache[(lo, hi, page)] = json.dumps(body).encode()
            data = cache[(lo, hi, page)]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def fetch_once(url: str, since: datetime) -> tuple[float, int, int, float]:
    from stormwatch.fetch.client import Http, make_client
    from stormwatch.fetch.run import fetch_mentions
    from stormwatch.fetch.store import MentionStore

    clock = [NOW]

    def sleep(seconds: float) -> None:
        clock[0] += timedelta(seconds=seconds)

    with tempfile.TemporaryDirectory() as tmp, make_client() as client:
        http = Http(client, clock=lambda: clock[0], sleep=sleep)
        start = time.perf_counter()
        result = fetch_mentions(
            "hn",
            "acme",
            http=http,
            sink=MentionStore(Path(tmp) / "store"),
            now=NOW,
            env={"STORMWATCH_HN_URL": url},
            since=since,
        )
        elapsed = time.perf_counter() - start
    return elapsed, result.stats.items, result.stats.pages, result.stats.waited


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    hits = recorded_hits(args.items)
    since = NOW - timedelta(seconds=8 * args.items + 60)
    server, url = serve(hits)
    try:
        fetch_once(url, since)  # warm up: imports, the server's encoded pages
        runs = [fetch_once(url, since) for _ in range(args.repeat)]
    finally:
        server.shutdown()
    best = min(runs)
    elapsed, items, pages, waited = best
    print(
        f"fetched {items:,} items in {pages} pages: best {elapsed:.2f} s of {args.repeat} "
        f"(rate-limit waits excluded: {waited:.0f} s); target <= 2 s"
    )
    return 0 if items == args.items and elapsed <= 2.0 else 1


if __name__ == "__main__":
    sys.exit(main())
