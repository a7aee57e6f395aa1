"""Untrusted text (topics, authors, file and column names, mention text) made safe to show.

Exports are written by strangers: an ESC sequence in a topic would clear a terminal, hide a
link (OSC 8) or switch screens, a CR would break a Markdown row, a bidi override would reverse
what a reader sees. Every renderer and every message line goes through :func:`clean`.
"""

from __future__ import annotations

import re
import unicodedata

_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
_SPACES = re.compile(r"\s+")


def _visible(text: str) -> str:
    """Control characters (C0, DEL, C1, so ESC and CSI too), line and paragraph separators
    and bidi overrides each become a space."""
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in _BIDI else c for c in text
    )


def clean(text: object, limit: int | None = None) -> str:
    """``text`` as one plain line: :func:`_visible`, runs of whitespace one space; cut to
    ``limit`` characters with an ellipsis."""
    result = _SPACES.sub(" ", _visible(str(text))).strip()
    if limit is not None and len(result) > limit:
        result = result[: limit - 1].rstrip() + "…"
    return result


def clean_lines(text: str) -> str:
    """A message of several lines for stderr: each line :func:`_visible`, its layout (the
    spaces that align a table, the quoted values) kept."""
    return "\n".join(_visible(line) for line in text.split("\n"))
