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
from stormwatch.sources.timestamps import parse_moment

EXAMPLE_TIME = '"2015-03-03 04:37:53" or "2026-11-02T10:00:00Z"'
SHAPE = 'expected e.g. {"file.csv": [["2015-03-03 04:37", "2015-03-04 13:37"]]}'


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """json's object hook: a key given twice would silently drop the first one's windows."""
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def load_labels(path: str | Path, timezone: str = "UTC") -> dict[str, list[Window]]:
    """Read a labels file. Raises InputError naming the key and window that is wrong."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"), object_pairs_hook=_unique_keys)
    except FileNotFoundError:
        raise InputError(p, "labels file not found", hint="check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(p, f"cannot read the labels file: {exc}", hint=SHAPE) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            p, f"not valid JSON: {exc.msg} (column {exc.colno})", line=exc.lineno, hint=SHAPE
        ) from None
    except _DuplicateKey as exc:
        raise InputError(
            p, f"{exc.args[0]!r} appears twice", hint="put all windows of a key in one list"
        ) from None
    if not isinstance(data, dict):
        raise InputError(p, "expected an object of key -> list of [start, end] windows", hint=SHAPE)
    labels: dict[str, list[Window]] = {}
    for key, windows in data.items():
        if not isinstance(windows, list):
            raise InputError(p, f"{key!r}: expected a list of [start, end] windows", hint=SHAPE)
        parsed: list[Window] = []
        for number, pair in enumerate(windows, start=1):
            pair_ok = isinstance(pair, list) and len(pair) == 2
            if not pair_ok or not all(isinstance(x, str) for x in pair):
                raise InputError(
                    p, f"{key!r}, window {number}: expected [start, end] as two strings", hint=SHAPE
                )
            try:
                start, end = (parse_moment(x, timezone) for x in pair)
            except ValueError as exc:
                raise InputError(
                    p, f"{key!r}, window {number}: {exc}", hint=f"times like {EXAMPLE_TIME}"
                ) from None
            if end < start:
                raise InputError(
                    p, f"{key!r}, window {number}: ends before it starts", hint="swap the two"
                )
            parsed.append(Window(start, end))
        labels[key] = sorted(parsed, key=lambda w: w.start)
    return labels
