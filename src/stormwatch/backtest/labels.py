"""Labelled storm windows for a backtest: the format of NAB's ``combined_windows.json``.

    {"Twitter_volume_AAPL.csv": [["2015-03-03 04:37:53.000000", "2015-03-04 13:37:53.000000"], …],
     "acme": [["2026-11-02T10:00:00Z", "2026-11-03T10:00:00Z"]]}

Keys are input file names (any directory) or topic names; times are read like ``--at``
(naive = the given timezone, UTC by default).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stormwatch.errors import InputError
from stormwatch.timestamps import parse_moment


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def load_labels(path: str | Path, timezone: str = "UTC") -> dict[str, list[Window]]:
    """Read a labels file. Raises InputError naming the key and window that is wrong."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(p, "labels file not found", hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read the labels file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(p, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(data, dict):
        raise InputError(p, "expected an object of key -> list of [start, end] windows")
    labels: dict[str, list[Window]] = {}
    for key, windows in data.items():
        if not isinstance(windows, list):
            raise InputError(p, f"{key!r}: expected a list of [start, end] windows")
        parsed: list[Window] = []
        for number, pair in enumerate(windows, start=1):
            pair_ok = isinstance(pair, list) and len(pair) == 2
            if not pair_ok or not all(isinstance(x, str) for x in pair):
                raise InputError(
                    p, f"{key!r}, window {number}: expected [start, end] as two strings"
                )
            try:
                start, end = (parse_moment(x, timezone) for x in pair)
            except ValueError as exc:
                raise InputError(p, f"{key!r}, window {number}: {exc}") from None
            if end < start:
                raise InputError(p, f"{key!r}, window {number}: ends before it starts")
            parsed.append(Window(start, end))
        labels[key] = sorted(parsed, key=lambda w: w.start)
    return labels
