"""The `fetch` and `sources` commands end to end (CliRunner, a local Algolia-shaped server):
--out files scan reads back, exit codes and exact error lines, --limit, --quiet, the progress
bar, and what is kept when a fetch fails."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from fetch_helpers import NOW, Answer, Seen, algolia, hit, serve
from stormwatch.cli.app import app
from stormwatch.fetch.store import MentionStore

T = int(NOW.timestamp())

runner = CliRunner()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_cli_fetch_writes_the_out_file_and_scan_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    out = tmp_path / f"acme{suffix}"
    with serve(algolia([hit(i, T - 60 * i) for i in range(1, 30)])) as server:
        monkeypatch.setenv("STORMWATCH_HN_URL", server.url)
        result = runner.invoke(
            app, ["fetch", "hn", "acme", "--since", "2026-12-04T00:00Z", "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    assert "Fetched 29 new mentions from hn 'acme'" in result.stderr
    scanned = runner.invoke(app, ["scan", str(out), "--format", "json"])
    assert scanned.exit_code == 0, scanned.output
    assert '"topic": "acme"' in scanned.stdout


def test_cli_fetch_network_failure_is_an_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORMWATCH_HN_URL", "http://127.0.0.1:9")  # nothing listens
    slept: list[float] = []
    monkeypatch.setattr("stormwatch.cli.fetch.SLEEP", slept.append)
    result = runner.invoke(app, ["fetch", "hn", "acme", "--store", str(tmp_path / "s")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: hn: cannot reach http://127.0.0.1:9")
    assert "Hint:" in result.stderr
    assert slept == [1.0, 2.0, 4.0, 8.0, 16.0]  # backoff between the retries


def test_cli_unknown_source_and_sources_listing() -> None:
    result = runner.invoke(app, ["fetch", "myspace", "acme"])
    assert result.exit_code == 2
    assert "Invalid value for SOURCE: unknown source 'myspace'; use one of: hn," in result.stderr
    wrong = runner.invoke(app, ["fetch", "hn", "acme", "--instance", "mastodon.social"])
    assert wrong.exit_code == 2
    assert "--instance: is for mastodon only" in wrong.stderr
    listing = runner.invoke(app, ["sources"])
    assert listing.exit_code == 0
    assert "STORMWATCH_HN_URL" in listing.stdout


def test_cli_checks_the_time_range_and_the_out_format(tmp_path: Path) -> None:
    backwards = runner.invoke(app, ["fetch", "hn", "acme", "--since", "1h", "--until", "2h"])
    assert backwards.exit_code == 2
    assert "must be before --until" in backwards.stderr
    nonsense = runner.invoke(app, ["fetch", "hn", "acme", "--since", "yesterday-ish"])
    assert nonsense.exit_code == 2
    assert "or a duration before now such as 6h or 7d" in nonsense.stderr
    wrong = runner.invoke(app, ["fetch", "hn", "acme", "--out", str(tmp_path / "a.xlsx")])
    assert wrong.exit_code == 1
    assert "Hint: name the file .csv, .parquet or .jsonl" in wrong.stderr


def test_cli_limit_stops_early_and_quiet_is_silent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(datetime.now(UTC).timestamp())
    with serve(algolia([hit(i, now - 60 * i) for i in range(1, 30)])) as server:
        monkeypatch.setenv("STORMWATCH_HN_URL", server.url)
        store = str(tmp_path / "s")
        limited = runner.invoke(app, ["fetch", "hn", "acme", "--limit", "5", "--store", store])
        assert limited.exit_code == 0, limited.output
        assert "Note: stopped at --limit" in limited.stderr
        quiet = runner.invoke(app, ["fetch", "hn", "acme", "-q", "--store", store])
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert pl.read_parquet(MentionStore(tmp_path / "s").files()).height == 29


def test_progress_shows_items_pages_and_waits() -> None:
    import io

    from rich.console import Console

    from stormwatch.cli.fetch import fetch_progress
    from stormwatch.fetch.client import Stats

    with fetch_progress(False, "hn acme") as update:
        update(Stats())  # a no-op when not on a terminal or under --quiet
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with fetch_progress(True, "hn [/bold]acme", console=console) as update:
        update(Stats(pages=3, items=1200, waits=1, waited=30.0))
    assert "1,200 new · 3 pages · 1 waits (30 s)" in out.getvalue()
    assert "hn [/bold]acme" in out.getvalue()  # shown as typed, not read as markup


def test_cli_says_what_was_kept_when_a_fetch_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = int(datetime.now(UTC).timestamp())
    inner = algolia([hit(1, now - 3 * 86400 + 60), hit(2, now - 60)])

    def second_day_fails(req: Seen) -> Answer:
        if len(calls) >= 1:
            return Answer(401, {"message": "no"})
        calls.append(req)
        return inner(req)

    calls: list[Seen] = []
    with serve(second_day_fails) as server:
        monkeypatch.setenv("STORMWATCH_HN_URL", server.url)
        args = ["fetch", "hn", "acme", "--since", "3d", "--store", str(tmp_path / "s")]
        result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("Note: 1 new mention was stored in ")
    assert "Error: hn: HTTP 401 from" in result.stderr
