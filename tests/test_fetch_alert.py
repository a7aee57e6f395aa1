"""End to end: a watch with only `fetch =` sources, pointed at local servers through the
environment, fetches a storm into the mention store and emails it; a failing source is named
as stale and does not stop the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from alerts_helpers import smtp_server, write_config
from fetch_helpers import algolia, serve
from stormwatch.alerts.config import load_alert_config
from stormwatch.cli.app import app
from stormwatch.errors import ConfigError

runner = CliRunner()
AT = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)


def storm_hits() -> list[dict[str, Any]]:
    """A week of 2 calm comments an hour about acme, then 2 hours of 40 an hour from new
    authors: a storm."""
    hits = []
    n = 0
    for h in range(7 * 24, 0, -1):
        start = AT - timedelta(hours=h)
        storm = h <= 2
        for i in range(40 if storm else 2):
            n += 1
            at = start + timedelta(minutes=(i * 59) // (40 if storm else 2) + 1)
            hits.append(
                {
                    "objectID": str(n),
                    "created_at_i": int(at.timestamp()),
                    "author": f"angry{n}" if storm else f"fan{i}",
                    "comment_text": "acme door broken, terrible, refund now"
                    if storm
                    else "acme fridge is nice",
                    "_tags": ["comment"],
                    "points": None,
                    "num_comments": None,
                }
            )
    return hits


def test_a_watch_with_only_fetch_sources_emails_a_storm(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("stormwatch.cli.fetch.SLEEP", lambda s: None)
    monkeypatch.setenv("STORMWATCH_GDELT_URL", "http://127.0.0.1:9")  # nothing listens
    with serve(algolia(storm_hits())) as hn, smtp_server() as smtp:
        monkeypatch.setenv("STORMWATCH_HN_URL", hn.url)
        config = write_config(
            tmp_path,
            [],
            smtp_port=smtp.port,
            watch_extra='fetch = ["hn:acme", "gdelt:acme"]',
        )
        result = runner.invoke(app, ["alert", "--config", str(config), "--at", AT.isoformat()])
        assert result.exit_code == 0, result.output
        assert len(smtp.received) == 1
        message = smtp.received[0].message
        # the store holds the week, fetched once; a second run asks only for what is new
        requests = len(hn.seen)
        at = (AT + timedelta(minutes=15)).isoformat()
        again = runner.invoke(app, ["alert", "--config", str(config), "--at", at, "--verbose"])
        assert again.exit_code == 0, again.output
        assert "  fetched: hn:acme: 0 new in 1 page\n" in again.stdout
        assert len(hn.seen) == requests + 1
    # the source goes down: the watch still runs on what the store holds, and says since when
    later = (AT + timedelta(minutes=30)).isoformat()
    down = runner.invoke(app, ["alert", "--config", str(config), "--at", later])
    assert down.exit_code == 0, down.output
    assert (
        "Warning: watch 'brands': hn:acme is stale (last fetched: 2026-11-08 12:15 UTC): "
        "hn: cannot reach"
    ) in down.stderr
    assert message["Subject"].startswith("[stormwatch] STORM acme")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Sources not up to date" in text
    assert "gdelt:acme is stale (last fetched: never fetched): gdelt: cannot reach" in text
    assert "Warning: watch 'brands': gdelt:acme is stale" in result.stderr
    store = tmp_path / "config" / "mentions"
    assert pl.read_parquet(list(store.glob("source=hn/*/*.parquet"))).height == 7 * 24 * 2 + 2 * 38


def test_watch_fetch_preset_mapping_dayfirst_are_checked(tmp_path: Path) -> None:
    def load(extra: str, state: str = "") -> Any:
        path = tmp_path / "a.toml"
        path.write_text(
            f'{state}[[watch]]\nname = "w"\n{extra}\n'
            '[[webhook]]\nurl = "https://hooks.example.org/x"\n'
        )
        return load_alert_config(path, {})

    stored = load('fetch = ["hn:acme"]', state='[state]\nmentions = "store"\n')
    assert stored.mentions_path == tmp_path / "store"  # relative to the config file

    cfg = load('fetch = ["hn:acme"]\npreset = "generic"\nmapping = "m.toml"\ndayfirst = true')
    assert cfg.mentions_path is None
    watch = cfg.watches[0]
    assert watch.fetch == ("hn:acme",)
    assert watch.inputs == ()
    assert watch.mapping == tmp_path / "m.toml"
    assert watch.dayfirst is True
    with pytest.raises(ConfigError, match=r"watch\[1\]\.fetch: 'myspace:x' is not SOURCE:QUERY"):
        load('fetch = ["myspace:x"]')
    with pytest.raises(ConfigError, match=r"watch\[1\]\.preset: unknown preset 'nope'"):
        load('inputs = ["a.csv"]\npreset = "nope"')
    with pytest.raises(ConfigError, match=r"watch\[1\]\.dayfirst: expected true or false"):
        load('inputs = ["a.csv"]\ndayfirst = "yes"')
    with pytest.raises(ConfigError, match=r"watch\[1\]\.inputs: is required"):
        load("")
