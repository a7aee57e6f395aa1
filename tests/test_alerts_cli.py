"""`stormwatch alert` through typer's CliRunner, against a real SMTP server and a real HTTP
server on 127.0.0.1: a storm replayed with --at, exit codes and exact error text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from alerts_helpers import smtp_server, webhook_server, write_config
from conftest import SAMPLE
from stormwatch.alerts.state import run_lock
from stormwatch.cli.app import ExitCode, app

runner = CliRunner()
# The bundled synthetic sample: Siemens is calm at 04:00, warning at 08:00, storm at 12:00 on
# 27 September 2011, and calm again from 1 October.
CALM, WARNING, STORM = "2011-09-27T04:00Z", "2011-09-27T08:00Z", "2011-09-27T14:00Z"
QUIET_1, QUIET_2 = "2011-10-01T00:00Z", "2011-10-01T02:00Z"


def alert(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, ["alert", *args], env=env)


def test_a_storm_replayed_sends_one_message_per_transition(tmp_path: Path) -> None:
    with smtp_server() as smtp, webhook_server() as (url, hooks):
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, webhook=url)
        outputs = {}
        for at in (CALM, WARNING, "2011-09-27T09:00Z", STORM, "2011-09-27T16:00Z", QUIET_1):
            result = alert("--config", str(config), "--at", at)
            assert (result.exit_code, result.stderr) == (0, ""), result.output
            outputs[at] = result.stdout
            if at == WARNING:
                assert len(smtp.received) == 1
            if at == "2011-09-27T09:00Z":
                assert len(smtp.received) == 1  # same level: nothing
        result = alert("--config", str(config), "--at", QUIET_2)
        received, requests = list(smtp.received), list(hooks.requests)

    assert outputs[CALM] == outputs["2011-09-27T09:00Z"] == outputs[QUIET_1] == ""
    assert outputs[WARNING] == (
        "sent: [stormwatch] WARNING Siemens 57 -> email to pr-team@example.org, duty@example.org\n"
        "sent: [stormwatch] WARNING Siemens 57 -> webhook chat\n"
    )
    assert result.stdout.splitlines()[0] == (
        "sent: [stormwatch] ALL CLEAR Siemens 17 (was storm 88) -> email to "
        "pr-team@example.org, duty@example.org"
    )
    subjects = [r.message["Subject"] for r in received]
    assert subjects == [
        "[stormwatch] WARNING Siemens 57",
        "[stormwatch] STORM Siemens 88 (was warning 57)",
        "[stormwatch] ALL CLEAR Siemens 17 (was storm 88)",
    ]
    assert len({r.message["Message-ID"] for r in received}) == 3
    for r in received:
        assert r.sender == "alerts@example.org"
        assert r.recipients == ["pr-team@example.org", "duty@example.org"]
        msg = r.message
        assert msg["From"] == "stormwatch <alerts@example.org>"
        assert msg["To"] == "pr-team@example.org, duty@example.org"
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["X-Stormwatch-Watch"] == "brands"
        assert msg.get_content_type() == "multipart/alternative"
    storm = received[1].message
    kinds = [p.get_content_type() for p in storm.walk()]
    assert kinds == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    image = next(p for p in storm.walk() if p.get_content_type() == "image/png")
    assert image.get_content_disposition() == "inline"
    assert image.get_content()[:8] == b"\x89PNG\r\n\x1a\n"
    html_body = storm.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html_body
    text = storm.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.startswith("STORM Siemens 88 (was warning 57)\n")
    for heading in ("Why", "Top critics", "Top mentions in the last 1h", "Recommended next steps"):
        assert f"\n{heading}\n" in text
    assert "@bigvoice_blog: 1,000,000 followers" in text
    assert "  8. Take personal responsibility: Alert level storm" in text
    assert [q["json"]["alert"]["kind"] for q in requests] == ["open", "escalate", "resolve"]
    assert requests[1]["json"]["text"].startswith("*[stormwatch] STORM `Siemens` 88")
    assert requests[1]["headers"]["Idempotency-Key"] == requests[1]["json"]["alert"]["id"]


def test_smtp_down_defers_then_delivers_exactly_once(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        smtp.stop()
        first = alert("--config", str(config), "--at", STORM)
        second = alert("--config", str(config), "--at", "2011-09-27T14:15Z")
        with sqlite3.connect(tmp_path / "state.db") as db:
            (payload,) = db.execute("SELECT payload FROM outbox").fetchone()
        smtp.start()
        third = alert("--config", str(config), "--at", "2011-09-27T14:30Z")
        fourth = alert("--config", str(config), "--at", "2011-09-27T14:45Z")
        received = list(smtp.received)

    assert first.exit_code == second.exit_code == ExitCode.DEFERRED
    assert first.stdout == ""
    assert first.stderr.startswith(
        "Deferred: [stormwatch] STORM Siemens 88 -> email to pr-team@example.org, "
        f"duty@example.org: cannot reach the mail server 127.0.0.1:{smtp.port}: "
    )
    assert first.stderr.endswith("(attempt 1; kept in the outbox, the next run retries)\n")
    assert "(attempt 2;" in second.stderr
    assert "Traceback" not in first.output + second.output
    assert (third.exit_code, third.stderr) == (0, "")
    assert third.stdout == (
        "sent: [stormwatch] STORM Siemens 88 -> email to pr-team@example.org, "
        "duty@example.org (attempt 3)\n"
    )
    assert (fourth.exit_code, fourth.stdout) == (0, "")
    assert len(received) == 1
    assert received[0].data == payload  # the very message queued in the first run
    assert received[0].message["Message-ID"].startswith("<stormwatch.")


def test_dry_run_prints_and_changes_nothing(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        result = alert("--config", str(config), "--at", STORM, "--dry-run")
        assert result.exit_code == 0, result.output
        assert not (tmp_path / "state.db").exists()
        assert smtp.received == []
        real = alert("--config", str(config), "--at", STORM)
        assert len(smtp.received) == 1
        again = alert("--config", str(config), "--at", STORM, "--dry-run")
    lines = result.stdout.splitlines()
    assert lines[:3] == ["dry run: nothing sent, no state changed", "--- email ---", (
        "From: stormwatch <alerts@example.org>")]  # fmt: skip
    assert "Subject: [stormwatch] STORM Siemens 88" in lines
    assert "Recommended next steps" in lines
    assert real.exit_code == 0
    assert again.stdout == "dry run: nothing sent, no state changed\n"


def test_german(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        alert("--config", str(config), "--at", WARNING, "--lang", "de")
        alert("--config", str(config), "--at", STORM, "--lang", "de")
        msg = smtp.received[1].message
    assert msg["Subject"] == "[stormwatch] STURM Siemens 88 (vorher Warnung 57)"
    assert msg["Content-Language"] == "de"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "\nEmpfohlene nächste Schritte\n" in text
    assert "ausgewertet 27.09.2011 14:00 UTC" in text


def test_quiet_unless_verbose(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        quiet = alert("--config", str(config), "--at", CALM)
        verbose = alert("--config", str(config), "--at", CALM, "--verbose")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert verbose.stdout.startswith("watch brands: 4 topics at 2011-09-27 04:00 UTC; top: ")
    assert verbose.stdout.endswith("nothing to send\n")


def test_rows_left_out_are_warned_of_unless_quiet(tmp_path: Path) -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    mention_id, _, rest = lines[5].split(",", 2)  # id, timestamp, …
    lines[5] = f"{mention_id},yesterday,{rest}"
    export = tmp_path / "export.csv"
    export.write_text("".join(lines), encoding="utf-8")
    with smtp_server() as smtp:
        config = write_config(tmp_path, [export], smtp_port=smtp.port)
        loud = alert("--config", str(config), "--at", CALM)
        quiet = alert("--config", str(config), "--at", CALM, "--quiet")
    assert (loud.exit_code, loud.stdout) == (0, "")
    assert loud.stderr.splitlines() == [
        f"Warning: watch 'brands': 1 of {len(lines) - 1:,} rows could not be used and was "
        "left out:",
        f"  bad timestamp: 1 in {export} (first at line 6: 'yesterday')",
    ]
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")


def test_a_second_run_while_the_lock_is_held(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        with run_lock(tmp_path / "state.db"):
            result = alert("--config", str(config), "--at", STORM)
        assert smtp.received == []
    assert result.exit_code == ExitCode.LOCKED
    assert result.stdout == ""
    assert result.stderr.startswith("stormwatch alert: another stormwatch alert run (pid ")
    assert result.stderr.endswith(f"holds the lock on {tmp_path / 'state.db'}; nothing done\n")


# --- errors: exit code 1, one Error: line and a Hint: ----------------------------------------


def test_no_config(tmp_path: Path) -> None:
    result = alert()
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        "Error: no config file for alerts\n"
        "Hint: pass --config FILE, set STORMWATCH_CONFIG, or create "
        f"{tmp_path / 'config' / 'config.toml'}\n"
    )
    missing = tmp_path / "nope.toml"
    result = alert("--config", str(missing))
    assert result.stderr == f"Error: {missing}: config file not found\n"


def test_unknown_key(tmp_path: Path) -> None:
    config = write_config(tmp_path, [SAMPLE], smtp_port=25, watch_extra='brand_handle = ["@x"]')
    result = alert("--config", str(config))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {config}: watch[1].brand_handle: unknown key\n"
        "Hint: known in [[watch]]: name, inputs, fetch, by, notify_at, timezone, resolve_after, "
        "min_gap, brand_handles, preset, mapping, dayfirst\n"
    )


def test_missing_password_variable(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        [SAMPLE],
        smtp_port=25,
        email_extra='username = "alerts"\npassword_env = "STORMWATCH_SMTP_PASSWORD"',
    )
    config.write_text(config.read_text().replace('security = "none"', 'security = "ssl"'))
    result = alert("--config", str(config), "--at", STORM)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {config}: email.password_env: environment variable STORMWATCH_SMTP_PASSWORD "
        "is not set\n"
        "Hint: export STORMWATCH_SMTP_PASSWORD in the environment of the cron job or systemd "
        "unit (never in the config file or on the command line)\n"
    )
    assert not (tmp_path / "state.db").exists()


@pytest.mark.parametrize("content", [b"garbage " * 100, b""], ids=["text", "sqlite-header"])
def test_corrupt_state_file(tmp_path: Path, content: bytes) -> None:
    config = write_config(tmp_path, [SAMPLE], smtp_port=25)
    state = tmp_path / "state.db"
    state.write_bytes(content or b"SQLite format 3\x00" + b"\x00" * 84 + b"junk" * 50)
    before = state.read_bytes()
    result = alert("--config", str(config), "--at", STORM)
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {state}: not a stormwatch state file (file is not a database)\n"
        "Hint: stormwatch never overwrites a state file; move it away (it may hold "
        "undelivered messages) or set [state] path to a new file\n"
    )
    assert state.read_bytes() == before


def test_inputs_that_match_nothing(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [tmp_path / "exports" / "*.csv"], smtp_port=smtp.port)
        result = alert("--config", str(config))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: watch 'brands': {tmp_path / 'exports' / '*.csv'}: no file matches\n"
        "Hint: check inputs of watch 'brands' (relative paths start at the config file)\n"
    )


def test_bad_flags_are_usage_errors(tmp_path: Path) -> None:
    assert alert("--lang", "fr").exit_code == ExitCode.USAGE
    assert alert("--at", "yesterday-ish").exit_code == ExitCode.USAGE
