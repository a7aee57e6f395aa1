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

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, order=True)
class Partition:
    """One topic's mentions of one UTC day: the file at ``path`` (a local path or a URI)."""

    topic: str
    day: date
    path: str


def needed(partitions: Iterable[Partition], start: datetime, end: datetime) -> list[Partition]:
    """The partitions a scan with horizon ``(start, end]`` reads (see the module docstring),
    sorted by topic and day."""
    first, last = start.date(), end.date()
    parts = [p for p in partitions if p.day <= last]
    chosen = {p for p in parts if p.day >= first}
    oldest: dict[str, Partition] = {}
    for p in parts:
        if p.topic not in oldest or p.day < oldest[p.topic].day:
            oldest[p.topic] = p
    chosen.update(oldest.values())
    before = [p.day for p in parts if p.day < first]
    if before:
        newest = max(before)
        chosen.update(p for p in parts if p.day == newest)
    return sorted(chosen)
