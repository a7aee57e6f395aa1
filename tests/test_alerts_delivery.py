"""Delivery against real local servers: webhook retries, TLS, hostile mention text, partial
failures, a run killed mid-way and two runs at once."""

from __future__ import annotations

import json
import os
import smtplib
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from alerts_helpers import (
    PASSWORD,
    SmtpServer,
    self_signed,
    smtp_server,
    webhook_server,
    write_config,
)
from conftest import SAMPLE, WriteCsv, storm_rows
from stormwatch.alerts import chart
from stormwatch.alerts.config import EmailConfig, load_alert_config
from stormwatch.alerts.errors import DeliveryError
from stormwatch.alerts.mail import connect_smtp
from stormwatch.alerts.run import run_alerts
from stormwatch.alerts.webhook import post_webhook
from stormwatch.cli.app import ExitCode, app

STORM = "2011-09-27T14:00Z"
STORM_AT = datetime(2011, 9, 27, 12, tzinfo=UTC)
runner = CliRunner()


def alert(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["alert", *args], env=env)


# --- webhooks ------------------------------------------------------------------------------


def test_webhook_retries_5xx_and_429_with_backoff() -> None:
    waits: list[float] = []
    with webhook_server([500, 429, 200]) as (url, log), httpx.Client() as client:
        status = post_webhook(client, url, b"{}", key="k1", retries=3, sleep=waits.append)
    assert status == 200
    assert len(log.requests) == 3
    assert waits == [1.0, 0.0]  # backoff after the 500, the server's Retry-After: 0 after 429
    assert log.requests[0]["headers"]["Idempotency-Key"] == "k1"


def test_webhook_gives_up_without_showing_the_url() -> None:
    waits: list[float] = []
    with (
        webhook_server([503, 503, 503]) as (url, log),
        httpx.Client() as client,
        pytest.raises(DeliveryError) as info,
    ):
        post_webhook(client, url, b"{}", key="k", retries=2, sleep=waits.append)
    assert str(info.value) == "webhook http://127.0.0.1/…: HTTP 503 (3 attempts)"
    assert (waits, len(log.requests)) == ([1.0, 2.0], 3)
    with (
        webhook_server([404]) as (url, log),
        httpx.Client() as client,
        pytest.raises(DeliveryError) as info,
    ):
        post_webhook(client, url, b"{}", key="k", retries=3, sleep=waits.append)
    assert str(info.value) == "webhook http://127.0.0.1/…: HTTP 404"  # a 4xx is not retried
    assert len(log.requests) == 1
    with httpx.Client() as client, pytest.raises(DeliveryError) as info:
        post_webhook(client, url, b"{}", key="k", retries=0)  # the server is gone
    assert str(info.value).startswith("webhook http://127.0.0.1/…: ConnectError: ")
    assert "secret-token" not in str(info.value)


def test_webhook_timeout() -> None:
    with (
        webhook_server(delay=1.0) as (url, _),
        httpx.Client() as client,
        pytest.raises(DeliveryError) as info,
    ):
        post_webhook(client, url, b"{}", key="k", timeout=0.2, retries=0)
    assert str(info.value) == "webhook http://127.0.0.1/…: timed out after 0.2 s (1 attempt)"


def test_webhook_url_from_the_environment_is_never_stored(tmp_path: Path) -> None:
    with webhook_server([500]) as (url, log):
        config = write_config(tmp_path, [SAMPLE], webhook="https://placeholder.invalid/")
        text = config.read_text().replace(
            'url = "https://placeholder.invalid/"', 'url_env = "HOOK"'
        )
        config.write_text(text)
        first = alert("--config", str(config), "--at", STORM, env={"HOOK": url})
        state = (tmp_path / "state.db").read_bytes()
        second = alert("--config", str(config), "--at", STORM, env={"HOOK": url})
        missing = alert("--config", str(config), "--at", STORM)
    assert first.exit_code == ExitCode.DEFERRED
    assert "webhook http://127.0.0.1/…: HTTP 500 (1 attempt)" in first.stderr
    assert second.exit_code == 0
    assert len(log.requests) == 2
    assert b"secret-token" not in state
    assert "secret-token" not in first.output + second.output
    assert missing.stderr.startswith(
        f"Error: {config}: webhook[1].url_env: environment variable HOOK is not set\n"
    )


# --- email over TLS ----------------------------------------------------------------------


@pytest.fixture
def tls_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    files = self_signed(tmp_path)
    if files is None:
        pytest.skip("the openssl tool is needed to make a test certificate")
    cert, key = files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with smtp_server(context) as server:
        yield server, cert


def test_starttls_login_and_verification(tmp_path: Path, tls_server) -> None:  # type: ignore[no-untyped-def]
    server, cert = tls_server
    auth = 'username = "alerts"\npassword_env = "SMTP_PW"\n'
    config = write_config(tmp_path, [SAMPLE], smtp_port=server.port, email_extra=auth)
    config.write_text(config.read_text().replace('security = "none"', 'security = "starttls"'))
    env = {"SMTP_PW": PASSWORD}
    unverified = alert("--config", str(config), "--at", STORM, env=env)
    assert unverified.exit_code == ExitCode.DEFERRED
    assert "CERTIFICATE_VERIFY_FAILED" in unverified.stderr
    assert server.received == []
    config.write_text(config.read_text() + f'ca_file = "{cert}"\n')
    verified = alert("--config", str(config), "--at", STORM, env=env)
    assert verified.exit_code == 0, verified.output
    assert len(server.received) == 1
    everything = unverified.output + verified.output + config.read_text()
    assert PASSWORD not in everything
    assert PASSWORD.encode() not in (tmp_path / "state.db").read_bytes()


def test_a_refused_message_stays_queued(tmp_path: Path) -> None:
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        smtp.handler.refuse = "451 4.3.0 mailbox busy, try later"
        first = alert("--config", str(config), "--at", STORM)
        smtp.handler.refuse = None
        second = alert("--config", str(config), "--at", STORM)
        assert len(smtp.received) == 1
    assert first.exit_code == ExitCode.DEFERRED
    assert ": SMTP 451 4.3.0 mailbox busy, try later (attempt 1;" in first.stderr
    assert (second.exit_code, second.stdout.endswith("(attempt 2)\n")) == (0, True)


def test_starttls_never_falls_back_to_plain_text(tmp_path: Path) -> None:
    with smtp_server() as smtp:  # no TLS offered
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        config.write_text(config.read_text().replace('security = "none"', 'security = "starttls"'))
        result = alert("--config", str(config), "--at", STORM)
        assert smtp.received == []
    assert result.exit_code == ExitCode.DEFERRED
    assert f"127.0.0.1:{smtp.port} does not offer STARTTLS; not sending in clear" in result.stderr


def test_the_smtp_factory_is_injected(tmp_path: Path) -> None:
    calls: list[tuple[str, int, bool]] = []

    def factory(cfg: EmailConfig, context: ssl.SSLContext) -> smtplib.SMTP:
        calls.append((cfg.host, cfg.port, context.verify_mode == ssl.CERT_REQUIRED))
        return connect_smtp(cfg, context)

    with smtp_server() as smtp, httpx.Client() as http:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        cfg = load_alert_config(config, {})
        state = tmp_path / "state.db"
        result = run_alerts(
            cfg,
            state_path=state,
            now=STORM_AT,
            at=STORM_AT,
            env={},
            http=http,
            smtp_factory=factory,
        )
        assert len(smtp.received) == 1
    assert calls == [("127.0.0.1", smtp.port, True)]
    assert [n.kind for n in result.queued] == ["open"]


# --- hostile mention text -----------------------------------------------------------------

EVIL_TOPIC = "acme\r\nBcc: evil@example.org <script>alert(1)</script> <!channel>"
EVIL_TEXT = "door <script>alert('x')</script>\r\nBcc: evil@example.org"


def test_crlf_and_script_in_topics_and_mentions(tmp_path: Path, write_csv: WriteCsv) -> None:
    rows = []
    for row in storm_rows():
        if row[1] == "acme":
            row[1] = EVIL_TOPIC
            if row[5] == "negative":
                row[4] = EVIL_TEXT
                row.append("javascript:alert(1)")
        rows.append(row)
    header = ("timestamp", "brand", "author", "followers", "text", "sentiment", "url")
    export = write_csv([r + [""] * (7 - len(r)) for r in rows], header=header)
    with smtp_server() as smtp, webhook_server() as (url, hooks):
        config = write_config(tmp_path, [export], smtp_port=smtp.port, webhook=url)
        result = alert("--config", str(config))
        (received,) = smtp.received
        (request,) = hooks.requests
    assert result.exit_code == 0, result.output
    assert received.recipients == ["pr-team@example.org", "duty@example.org"]
    msg = received.message
    assert msg["Bcc"] is None
    assert msg["Subject"] == (
        "[stormwatch] STORM acme Bcc: evil@example.org <script>alert(1)</script> <!chan… 95"
    )
    raw_headers = received.data.split(b"\r\n\r\n", 1)[0]
    assert not any(line.startswith(b"Bcc") for line in raw_headers.split(b"\r\n"))
    html_body = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in html_body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html_body
    assert "javascript:" not in html_body
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "\nBcc:" not in text
    assert "door <script>alert('x')</script> Bcc: evil@example.org" in text
    chat = request["json"]["text"]
    assert "<" not in chat
    assert "\r" not in chat
    assert "`acme Bcc: evil@example.org &lt;script&gt;alert(1)&lt;/script&gt; &lt;!chan…`" in chat
    assert request["json"]["alert"]["topic"] == EVIL_TOPIC  # data stays data, JSON-encoded


# --- partial failures, removed destinations, no chart --------------------------------------


def test_a_failing_webhook_does_not_resend_the_email(tmp_path: Path) -> None:
    with smtp_server() as smtp, webhook_server([500]) as (url, hooks):
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, webhook=url)
        first = alert("--config", str(config), "--at", STORM)
        second = alert("--config", str(config), "--at", STORM)
        assert (first.exit_code, second.exit_code) == (ExitCode.DEFERRED, 0)
        assert len(smtp.received) == 1
        assert len(hooks.requests) == 2
        assert second.stdout == "sent: [stormwatch] STORM Siemens 88 -> webhook chat (attempt 2)\n"


def test_a_destination_removed_from_the_config_is_dropped_loudly(tmp_path: Path) -> None:
    with webhook_server([500]) as (url, _), smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, webhook=url)
        assert alert("--config", str(config), "--at", STORM).exit_code == ExitCode.DEFERRED
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        result = alert("--config", str(config), "--at", STORM)
    assert result.exit_code == 0
    assert result.stderr == (
        "Warning: dropped [stormwatch] STORM Siemens 88 for webhook:chat: no longer in the config\n"
    )


def test_without_matplotlib_the_email_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart, "available", lambda: False)
    with smtp_server() as smtp:
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port)
        cfg = load_alert_config(config, {})
        with httpx.Client() as http:
            result = run_alerts(
                cfg, state_path=tmp_path / "state.db", now=STORM_AT, at=STORM_AT, env={}, http=http
            )
        msg = smtp.received[0].message
    assert [d.destination for d in result.sent] == [
        "email to pr-team@example.org, duty@example.org"
    ]
    assert [p.get_content_type() for p in msg.walk()][-1] == "text/html"
    assert "install stormwatch[charts]" in msg.get_body(("html",)).get_content()  # type: ignore[union-attr]


# --- killed mid-run, two runs at once (real processes) --------------------------------------


def _spawn(config: Path, at: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "stormwatch", "alert", "--config", str(config), "--at", at]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_run_killed_while_sending_loses_nothing(tmp_path: Path) -> None:
    server = SmtpServer()
    config = write_config(tmp_path, [SAMPLE], smtp_port=server.port)
    config.write_text(config.read_text().replace("timeout = 5", "timeout = 60"))
    with socket.socket() as hole:  # accepts connections, never says hello: the run hangs
        hole.bind(("127.0.0.1", server.port))
        hole.listen(5)
        proc = _spawn(config, STORM)
        deadline = time.monotonic() + 30
        queued = 0
        while time.monotonic() < deadline and not queued:
            time.sleep(0.1)
            if (tmp_path / "state.db").exists():
                with sqlite3.connect(tmp_path / "state.db") as db:
                    tables = db.execute("SELECT name FROM sqlite_master").fetchall()
                    if ("outbox",) in tables:
                        queued = db.execute("SELECT count(*) FROM outbox").fetchone()[0]
        proc.kill()
        proc.communicate()
    assert queued == 1
    server.start()
    try:
        result = alert("--config", str(config), "--at", "2011-09-27T14:15Z")
        again = alert("--config", str(config), "--at", "2011-09-27T14:30Z")
        assert result.exit_code == again.exit_code == 0
        assert len(server.received) == 1
        assert server.received[0].message["Subject"] == "[stormwatch] STORM Siemens 88"
    finally:
        server.stop()


def test_two_runs_started_together_send_one_set(tmp_path: Path) -> None:
    with smtp_server() as smtp, webhook_server() as (url, hooks):
        config = write_config(tmp_path, [SAMPLE], smtp_port=smtp.port, webhook=url)
        procs = [_spawn(config, STORM), _spawn(config, STORM)]
        outcomes = [(p.wait(timeout=60), *p.communicate()) for p in procs]
        received, requests = list(smtp.received), list(hooks.requests)
    codes = sorted(code for code, _, _ in outcomes)
    assert codes in ([0, 0], [0, ExitCode.LOCKED]), outcomes
    assert len(received) == 1
    assert len(requests) == 1
    for code, _, err in outcomes:
        if code == ExitCode.LOCKED:
            assert "holds the lock" in err
    assert sum("sent:" in out for _, out, _ in outcomes) == 1
    assert json.loads(json.dumps(requests[0]["json"]))["alert"]["kind"] == "open"
    assert os.environ.get("STORMWATCH_CONFIG_DIR")  # the runs never saw the real home
