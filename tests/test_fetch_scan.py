"""`scan --fetch`: fetch into the mention store, then scan it with export files."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import WriteCsv, iso
from fetch_helpers import algolia, hit, serve
from stormwatch.cli.app import app

runner = CliRunner()


def test_scan_fetches_then_reads_the_store_with_the_files(
    write_csv: WriteCsv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    hits = [hit(i, int((now - timedelta(minutes=20 * i + 5)).timestamp())) for i in range(200)]
    export = write_csv(
        [[iso(now - timedelta(hours=h)), "globex", "@g", 10, "ok", "neutral"] for h in range(48)]
    )
    with serve(algolia(hits)) as server:
        monkeypatch.setenv("STORMWATCH_HN_URL", server.url)
        first = runner.invoke(app, ["scan", "--fetch", "hn:acme", str(export), "--format", "json"])
        assert first.exit_code == 0, first.output
        topics = {t["topic"]: t for t in json.loads(first.stdout)["topics"]}
        assert set(topics) == {"acme", "globex"}
        assert "Fetched 200 new mentions from hn 'acme'" in first.stderr
        # the first fetch reached back far enough for the baseline (7 days and the window)
        first_filter = server.seen[0].arg("numericFilters") or ""
        start = int(first_filter.split(",")[0].split(">=")[1])
        assert now.timestamp() - start == pytest.approx(7 * 86400 + 3600, abs=120)
        seen = len(server.seen)
        again = runner.invoke(app, ["scan", "--fetch", "hn:acme", "--format", "json"])
        assert again.exit_code == 0, again.output
        assert len(server.seen) == seen + 1  # only the minutes since the first run
        assert "Fetched 0 new mentions" in again.stderr
    # the API is gone: scan warns and uses what the store holds
    monkeypatch.setattr("stormwatch.cli.fetch.SLEEP", lambda s: None)
    offline = runner.invoke(app, ["scan", "--fetch", "hn:acme", "--format", "json"])
    assert offline.exit_code == 0, offline.output
    assert "Warning: fetch hn:acme failed" in offline.stderr
    assert [t["topic"] for t in json.loads(offline.stdout)["topics"]] == ["acme"]


def test_scan_needs_files_or_fetch_and_a_valid_spec() -> None:
    none = runner.invoke(app, ["scan"])
    assert none.exit_code == 2
    assert "give export files, or --fetch" in none.stderr
    bad = runner.invoke(app, ["scan", "--fetch", "myspace:acme"])
    assert bad.exit_code == 2
    assert "'myspace:acme' is not SOURCE:QUERY" in bad.stderr


def test_a_source_that_never_worked_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORMWATCH_HN_URL", "http://127.0.0.1:9")
    monkeypatch.setattr("stormwatch.cli.fetch.SLEEP", lambda s: None)
    result = runner.invoke(app, ["scan", "--fetch", "hn:acme"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: hn: cannot reach")


def test_specs_name_a_topic_that_several_sources_share(monkeypatch: pytest.MonkeyPatch) -> None:
    from stormwatch.fetch.run import Spec, parse_spec

    assert parse_spec("hn:acme") == Spec("hn", "acme")
    assert parse_spec('Acme=gdelt:"Acme" sourcelang:german') == Spec(
        "gdelt", '"Acme" sourcelang:german', "Acme"
    )
    assert parse_spec("rss:https://x.example/feed?a=b") == Spec("rss", "https://x.example/feed?a=b")
    now = datetime.now(UTC)
    hits = [hit(i, int((now - timedelta(minutes=20 * i + 5)).timestamp())) for i in range(50)]
    with serve(algolia(hits)) as server:
        monkeypatch.setenv("STORMWATCH_HN_URL", server.url)
        args = ["scan", "--fetch", "acme=hn:acme", "--fetch", "acme=hn:acme corp", "-f", "json"]
        result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert [t["topic"] for t in json.loads(result.stdout)["topics"]] == ["acme"]
