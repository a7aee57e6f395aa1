"""Inputs for the HTML report tests: a storm whose every string is hostile, and a parser of
the figures a report shows (``data-key`` elements)."""

from __future__ import annotations

from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

from conftest import T0, iso

HOSTILE_HEADER = (
    "timestamp",
    "brand",
    "author",
    "followers",
    "text",
    "sentiment",
    "url",
    "engagement",
)
HOSTILE_TOPIC = '<script>window.pwned=1</script>Acme"\u202e'
HOSTILE_TEXTS = (
    '<img src=x onerror="window.pwned=2"> door won\'t close \u202egnp.exe',
    "</blockquote></li></ul><h1>fake heading</h1> door won't close",
    "door won't close " + "ﻻ" * 30 + " " + "x" * 10_000,  # RTL letters and a 10 kB word
)
HOSTILE_URLS = ("javascript:window.pwned=3", 'https://ok.example/a"><script>x</script>', None)


def hostile_rows(hours: int = 72) -> list[list[object]]:
    """Two calm mentions an hour for ``hours`` hours, then two hours of 30 negative posts
    an hour with hostile authors, texts and URLs (one author with 2M followers)."""
    rows: list[list[object]] = []
    for h in range(hours):
        start = T0 + timedelta(hours=h)
        storm = h >= hours - 2
        for i in range(30 if storm else 2):
            at = iso(start + timedelta(minutes=i + 1))
            if storm:
                author = "<b>@boss</b>\u202e" if i == 0 else f"@angry{h}_{i}"
                followers = 2_000_000 if i == 0 else 100 + i
                text, url = HOSTILE_TEXTS[i % 3], HOSTILE_URLS[i % 3]
                rows.append([at, HOSTILE_TOPIC, author, followers, text, "negative", url, 500 - i])
            else:
                rows.append([at, HOSTILE_TOPIC, f"@fan{i}", 100, "nice", "positive", None, 1])
    return rows


class Figures(HTMLParser):
    """Every ``data-key`` element of a report: (key, its text, its attributes)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, dict[str, str | None]]] = []
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if "data-key" in given:
            self._open.append((tag, given, []))
        elif self._open:
            self._open.append((tag, {}, []))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        _, given, text = self._open.pop()
        if self._open:
            self._open[-1][2].extend(text)
        if "data-key" in given:
            self.found.append((str(given["data-key"]), "".join(text), given))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def figures(page: str) -> list[tuple[str, str, dict[str, str | None]]]:
    parser = Figures()
    parser.feed(page)
    return parser.found


def json_value(data: Any, key: str) -> Any:
    """The value at a dotted path (``topics.0.score``) of the JSON output."""
    for part in key.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data
