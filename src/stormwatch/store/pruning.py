"""Which partitions a scan at ``end`` needs, so that reading only them gives the result of
reading the whole store.

A scan uses the mentions of its horizon, windows ``0..n``: ``end - (n+1)·window < t <= end``.
Besides those it reads three facts from the rest: the first mention (how many baseline windows
the data covers, ``history_start``), every topic seen up to ``end`` (a topic with only old
mentions is listed, calm), and the newest mention before the horizon (named when the horizon
is empty). So it reads

* every partition whose day overlaps ``[start, end]`` (UTC days),
* each topic's oldest partition (the topic, and the first mention of the store),
* the partitions of the newest day before ``start``'s day (the newest mention before it).

Partitions after ``end``'s day hold only mentions after ``end``: a scan ignores them anyway.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime


@dataclass(frozen=True, order=True)
class Partition:
    """One topic's mentions of one UTC day: the file at ``path`` (a local path or a URI)."""

    topic: str
    day: date
    path: str


def needed(
    days: Mapping[str, Collection[str]], start: datetime, end: datetime
) -> list[tuple[str, str]]:
    """The ``(topic, day)`` partitions a scan with horizon ``(start, end]`` reads (see the
    module docstring), sorted; ``days``: each topic's days (``YYYY-MM-DD``, which sort as
    dates), as listed, so a year of 20 topics costs no more than comparing 7,300 strings."""
    first = start.astimezone(UTC).date().isoformat()
    last = end.astimezone(UTC).date().isoformat()
    chosen: set[tuple[str, str]] = set()
    before = ""  # the newest day before the horizon's first, of any topic
    for topic, names in days.items():
        seen = [d for d in names if d <= last]
        if not seen:
            continue
        chosen.add((topic, min(seen)))
        chosen.update((topic, d) for d in seen if d >= first)
        older = [d for d in seen if d < first]
        if older:
            before = max(before, *older)
    if before:
        chosen.update((topic, before) for topic, names in days.items() if before in names)
    return sorted(chosen)
