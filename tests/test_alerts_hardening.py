"""`stormwatch alert` when things go wrong outside the exports: a malformed webhook URL, a full
disk, a lost or replaced state file, a deleted lock file, a webhook slower than its timeout."""

from __future__ import annotations

import resource
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from alerts_helpers import smtp_server, webhook_server, write_config
from cli_process import run_cli
from conftest import SAMPLE
from stormwatch.alerts.compose import _safe_url
from stormwatch.alerts.deliver import next_try
from stormwatch.alerts.state import OutboxItem, run_lock
from stormwatch.cli.app import ExitCode, app

WARNING, STORM = "2011-09-27T08:00Z", "2011-09-27T14:00Z"


def alert(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, ["alert", *args], env=env)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://[abc/x", "Invalid IPv6 URL"),
        ("https://hooks.example:abc/x", "Port could not be cast to integer value as 'abc'"),
    ],
)
def test_a_malformed_webhook_url_in_the_environment(tmp_path: Path, url: str, problem: str) -> None:
    config = write_config(tmp_path, [SAMPLE], webhook="https://placeholder.invalid/")
    config.write_text(
        config.read_text().replace('url = "https://placeholder.invalid/"', 'url_env = "HOOK"')
    )
    result = alert("--config", str(config), "--at", STORM, env={"HOOK": url})
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {config}: the URL in HOOK is not a valid URL ({problem})\n"
        "Hint: set HOOK to the https:// URL the chat tool gave for the webhook, without quotes "
        "or spaces\n"
    )
    assert not (tmp_path / "state.db").exists()


def test_a_malformed_mention_url_gives_no_link() -> None:
    assert _safe_url("http://[oops") is None
    assert _safe_url("https://example.org/a") == "https://example.org/a"


def test_a_full_disk_still_sends_the_escalation_and_the_next_run_retries(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, extra="chart = false")
        assert run_cli(tmp_path, "alert", "--config", str(config), "--at", WARNING).returncode == 0
        state = tmp_path / "state.db"
        before = state.read_bytes()
        # the state file and its journal may not grow: as on a full disk
        full = run_cli(
            tmp_path,
            "alert",
            "--config",
            str(config),
            "--at",
            STORM,
            limits={resource.RLIMIT_FSIZE: 4096},
        )
        assert full.returncode == ExitCode.ERROR, full.stderr
        lines = full.stderr.splitlines()
        assert lines[0] == (
            f"Error: watch 'brands': {state}: cannot write the state file (disk I/O error)"
        )
        assert lines[1] == (
            "Hint: free space where the state file lies (or make it writable); this run's "
            "messages are sent without being recorded, and the next run that can write "
            "records them"
        )
        assert full.stdout.startswith("sent: [stormwatch] STORM")
        assert state.read_bytes() == before
        again = run_cli(tmp_path, "alert", "--config", str(config), "--at", STORM)
        assert again.returncode == 0, again.stderr
        ids = [m.message["Message-ID"] for m in smtp.received]
    assert len(ids) == 3  # warning; storm (not recorded); the same storm, recorded
    assert ids[1] == ids[2]


def test_deleting_the_pid_file_does_not_let_a_second_run_in(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        with run_lock(tmp_path / "state.db") as pid_file:
            pid_file.unlink()
            result = alert("--config", str(config), "--at", STORM)
        assert smtp.received == []
    assert result.exit_code == ExitCode.LOCKED
    assert result.stderr == (
        "stormwatch alert: another stormwatch alert run holds the lock on "
        f"{tmp_path / 'state.db'}; nothing done\n"
    )


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_a_lost_state_file_is_warned_of_once(tmp_path: Path, how: str) -> None:
    state = tmp_path / "state.db"
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, extra="chart = false")
        assert alert("--config", str(config), "--at", WARNING).exit_code == 0
        assert (tmp_path / "state.db.created").read_text() == "2011-09-27T08:00:00+00:00"
        if how == "deleted":
            state.unlink()
        else:
            state.write_bytes(b"")
        lost = alert("--config", str(config), "--at", STORM)
        later = alert("--config", str(config), "--at", "2011-09-27T14:15Z")
    assert lost.exit_code == 0
    assert lost.stderr == (
        f"Warning: the state file {state} was lost (deleted or emptied; the lost one was "
        "created 2011-09-27T08:00:00+00:00): open storms are announced again, as new, with new "
        "message ids. If that was intended, run with --reset-state\n"
    )
    assert (later.exit_code, later.stderr) == (0, "")
    assert (tmp_path / "state.db.created").read_text() == "2011-09-27T14:00:00+00:00"


def test_reset_state_is_the_intended_fresh_start(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, extra="chart = false")
        assert alert("--config", str(config), "--at", WARNING).exit_code == 0
        (tmp_path / "state.db").unlink()
        dry = alert("--config", str(config), "--at", STORM, "--dry-run")
        reset = alert("--config", str(config), "--at", STORM, "--reset-state")
    assert dry.stderr.startswith(f"Warning: the state file {tmp_path / 'state.db'} was lost")
    assert (reset.exit_code, reset.stderr) == (0, "")


def test_a_webhook_slower_than_its_timeout_gets_one_post_per_run(tmp_path: Path) -> None:
    with webhook_server(delay=1.0) as (url, hooks):
        config = write_config(tmp_path, [SAMPLE], webhook=url, webhook_retries=3)
        config.write_text(config.read_text() + "timeout = 0.2\n")
        runs = [
            alert("--config", str(config), "--at", at)
            # the episode opens (1 message), escalates (2), then runs 5, 6 and 7 minutes later
            for at in (
                WARNING,
                STORM,
                "2011-09-27T14:05Z",
                "2011-09-27T14:06Z",
                "2011-09-27T14:07Z",
            )
        ]
        time.sleep(1.5)  # the server logs each POST after its delay
    assert [r.exit_code for r in runs] == [ExitCode.DEFERRED] * 5
    assert runs[0].stderr == (
        "Deferred: [stormwatch] WARNING Siemens 57 -> webhook chat: webhook "
        "http://127.0.0.1/…: timed out after 0.2 s (1 attempt) (attempt 1; kept in the outbox, "
        "the next run retries)\n"
    )
    assert runs[1].stderr.splitlines()[1] == (
        "Deferred: [stormwatch] STORM Siemens 88 (was warning 57) -> webhook chat: not tried: "
        "this destination failed earlier in this run (kept in the outbox, a later run retries)"
    )
    assert runs[3].stderr.splitlines()[0] == (
        "Deferred: [stormwatch] WARNING Siemens 57 -> webhook chat: waiting until 2011-09-27 "
        "14:10 UTC after 3 failed attempts (kept in the outbox, a later run retries)"
    )
    assert [r.stderr.count("timed out") for r in runs] == [1, 1, 1, 1, 1]
    assert len(hooks.requests) == 5  # one POST per run, never the 4 tries of retries = 3
    keys = [r["headers"]["Idempotency-Key"] for r in hooks.requests]
    assert keys[0] == keys[1] == keys[2] != keys[3] == keys[4]


def test_backoff_between_runs() -> None:
    at = datetime(2026, 11, 1, 12, tzinfo=UTC)
    item = OutboxItem("k", "webhook:chat", "s", b"{}", at, 1, 2, "x", at)
    assert next_try(item) is None
    assert [next_try(replace(item, attempts=n)) for n in (3, 4, 5, 9, 100_000)] == [
        at + timedelta(minutes=5),
        at + timedelta(minutes=10),
        at + timedelta(minutes=20),
        at + timedelta(hours=1),
        at + timedelta(hours=1),
    ]


def test_a_state_file_that_fails_while_sending_stops_the_delivery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stormwatch.alerts.errors import StateError
    from stormwatch.alerts.state import WRITE_HINT, StateStore

    def full(self: StateStore, item_id: int | None) -> None:
        raise StateError(
            self.path, "cannot write the state file (database or disk is full)", hint=WRITE_HINT
        )

    with smtp_server() as smtp, webhook_server() as (url, hooks):
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, webhook=url)
        monkeypatch.setattr(StateStore, "delivered", full)
        result = alert("--config", str(config), "--at", STORM)
        sent = (len(smtp.received), len(hooks.requests))
    state = tmp_path / "state.db"
    assert result.exit_code == ExitCode.ERROR
    assert sent == (1, 0)  # the email went out; the webhook was not tried
    assert result.stdout.startswith("sent: [stormwatch] STORM Siemens 88 -> email to")
    assert result.stderr == (
        f"Error: {state}: cannot write the state file (database or disk is full)\n"
        f"Hint: {WRITE_HINT}; a message sent but not marked as sent is sent again by the next "
        "run, with the same id\n"
    )
