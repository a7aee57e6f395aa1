"""Shared fixtures. Every test runs with a clean STORMWATCH_* environment, an English locale and
its config dir in a temporary directory, never the user's home."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "siemens-fridge-2011.csv"

HEADER = ("timestamp", "brand", "author", "followers", "text", "sentiment")


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("STORMWATCH_") or name in ("LC_ALL", "LC_MESSAGES", "LANG"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORMWATCH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("LANG", "C.UTF-8")


WriteCsv = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows to ``tmp_path/name`` as CSV (header first) and return the path."""

    def write(
        rows: Sequence[Sequence[object]],
        header: Sequence[str] = HEADER,
        name: str = "mentions.csv",
        delimiter: str = ",",
    ) -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, delimiter=delimiter)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


T0 = datetime(2026, 11, 1, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def storm_rows(hours: int = 72, storm_hours: int = 2) -> list[list[object]]:
    """Two brands: `acme` with 2 calm mentions an hour and then a storm in its last
    `storm_hours` hours (30 negative posts an hour from new authors, one with 2M followers);
    `globex` calm throughout (1 mention an hour). Deterministic."""
    rows: list[list[object]] = []
    for h in range(hours):
        start = T0 + timedelta(hours=h)
        storm = h >= hours - storm_hours
        n_acme = 30 if storm else 2
        for i in range(n_acme):
            at = start + timedelta(minutes=(i * 59) // max(n_acme, 1) + 1)
            if storm:
                followers = 2_000_000 if i == 0 else 100 + i
                author = "@megafan" if i == 0 else f"@angry{h}_{i}"
                rows.append([iso(at), "acme", author, followers, "door broken", "negative"])
            else:
                rows.append([iso(at), "acme", f"@fan{i}", 100, "nice fridge", "positive"])
        rows.append([iso(start + timedelta(minutes=30)), "globex", "@g1", 50, "ok", "neutral"])
    return rows
