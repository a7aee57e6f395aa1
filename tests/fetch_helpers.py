"""A local HTTP server for the fetch tests (http.server in a thread on 127.0.0.1), answering
with responses shaped as the APIs document them; never the network."""

from __future__ import annotations

import http.server
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from stormwatch.fetch.client import Http


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes/str
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Handler = Callable[[Seen], Answer]


@dataclass
class Server:
    url: str
    seen: list[Seen]
    handler: list[Handler]  # replaceable: handler[0]


@contextmanager
def serve(handler: Handler) -> Iterator[Server]:
    """Run ``handler`` for every request on a free 127.0.0.1 port."""
    seen: list[Seen] = []
    box: list[Handler] = [handler]

    class _H(http.server.BaseHTTPRequestHandler):
        def _do(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Seen(
                self.command,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            seen.append(request)
            answer = box[0](request)
            body = answer.body
            if isinstance(body, str):
                data = body.encode()
            elif isinstance(body, bytes):
                data = body
            else:
                data = json.dumps(body).encode()
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in answer.headers.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        do_GET = _do
        do_POST = _do

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _H)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{server.server_address[1]}", seen, box)
    finally:
        server.shutdown()
        server.server_close()


NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock that ``sleep`` moves forward: waits cost no real time."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def make_http(clock: FakeClock | None = None, **kwargs: Any) -> tuple[Http, httpx.Client]:
    from stormwatch.fetch.client import make_client

    clock = clock or FakeClock()
    client = make_client(timeout=5.0)
    return Http(client, clock=clock, sleep=clock.sleep, **kwargs), client


# --- Hacker News (Algolia) ---------------------------------------------------------------------


def hit(i: int, at: int, kind: str = "comment", **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "objectID": str(i),
        "created_at_i": at,
        "created_at": "",
        "author": f"user{i}",
        "points": None,
        "num_comments": None,
        "_tags": [kind, f"author_user{i}", "story_1"],
    }
    if kind == "comment":
        base["comment_text"] = f"<p>acme &amp; friends {i}</p>"
    else:
        base.update(title=f"Acme story {i}", story_text=None, points=10, num_comments=2)
    base.update(extra)
    return base


def algolia(hits: list[dict[str, Any]], cap: int = 1000) -> Callable[[Seen], Answer]:
    """search_by_date over ``hits``: newest first, numericFilters, hitsPerPage, page, and
    paging capped at ``cap`` hits as Algolia does."""

    def handle(req: Seen) -> Answer:
        assert req.path == "/search_by_date"
        lo, hi = 0, 2**40
        for part in (req.arg("numericFilters") or "").split(","):
            if m := re.fullmatch(r"created_at_i>=(\d+)", part):
                lo = int(m.group(1))
            elif m := re.fullmatch(r"created_at_i<(\d+)", part):
                hi = int(m.group(1))
        found = sorted(
            (h for h in hits if h["created_at_i"] is None or lo <= h["created_at_i"] < hi),
            key=lambda h: -(h["created_at_i"] or 0),
        )
        per, page = int(req.arg("hitsPerPage") or 20), int(req.arg("page") or 0)
        visible = found[:cap]
        pages = -(-len(visible) // per)
        return Answer(
            body={
                "hits": visible[page * per : (page + 1) * per],
                "nbHits": len(found),
                "nbPages": pages,
                "page": page,
                "hitsPerPage": per,
                "query": req.arg("query"),
                "params": "",
            }
        )

    return handle
