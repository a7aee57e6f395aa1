"""Local servers and builders for the alert tests: a real SMTP server (aiosmtpd) and a real
HTTP server (http.server), both on 127.0.0.1 with a free port, never the network."""

from __future__ import annotations

import email
import email.policy
import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session

PASSWORD = "s3cret-Pa55"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    """One message the SMTP server accepted."""

    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        # SMTP's CRLF line ends, as a mail client would read them
        msg = email.message_from_bytes(
            self.data.replace(b"\r\n", b"\n"), policy=email.policy.default
        )
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: str | None = None  # e.g. "451 try again later"

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse
        assert isinstance(envelope.content, bytes)
        self.received.append(
            Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"


def _authenticate(
    server: SMTPServer, session: Session, envelope: Envelope, mechanism: str, data: Any
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and data.password == PASSWORD.encode()
    return AuthResult(success=ok)


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``stop()`` and ``start()`` again on the same port."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self._tls = tls
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self._tls is not None:
            kwargs = {
                "tls_context": self._tls,
                "require_starttls": True,
                "authenticator": _authenticate,
                "auth_require_tls": True,
            }
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def smtp_server(tls: ssl.SSLContext | None = None) -> Iterator[SmtpServer]:
    server = SmtpServer(tls)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class HookLog:
    """Requests the webhook server received, and the statuses it answers with, in turn
    (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # server-side tracebacks (client gone, …)


@contextmanager
def webhook_server(
    statuses: Sequence[int] = (), delay: float = 0.0
) -> Iterator[tuple[str, HookLog]]:
    """http.server in a thread on 127.0.0.1; yields its URL (with a secret-looking path) and
    the log. ``delay``: seconds to wait before answering."""
    log = HookLog(list(statuses))

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            time.sleep(delay)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            log.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            status = log.statuses.pop(0) if log.statuses else 200
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            # Kept, not printed: the server thread shares sys.stderr with the CLI under test.
            log.errors.append(traceback.format_exc())

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks/T000/secret-token", log
    finally:
        server.shutdown()
        server.server_close()


def self_signed(tmp_path: Path) -> tuple[Path, Path] | None:
    """A certificate for 127.0.0.1 made with the openssl tool (None when it is missing)."""
    if shutil.which("openssl") is None:
        return None
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
    command += ["-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
    )
    return cert, key


def write_config(
    tmp_path: Path,
    inputs: Sequence[str | Path],
    *,
    smtp_port: int | None = None,
    webhook: str | None = None,
    extra: str = "",
    watch_extra: str = "",
    email_extra: str = "",
    notify_at: str = "warning",
    webhook_retries: int = 0,  # backoff is tested on its own; CLI runs should not wait
    name: str = "alerts.toml",
) -> Path:
    """An alert config with one watch, email to 127.0.0.1 (security none) and/or a webhook,
    and the state file in ``tmp_path``."""
    listed = ", ".join(json.dumps(str(p)) for p in inputs)
    text = f"""
[state]
path = "{tmp_path / "state.db"}"

[alert]
resolve_after = "2h"
min_gap = "30m"
{extra}

[[watch]]
name = "brands"
inputs = [{listed}]
notify_at = "{notify_at}"
{watch_extra}
"""
    if smtp_port is not None:
        text += f"""
[email]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "stormwatch <alerts@example.org>"
to = ["pr-team@example.org", "duty@example.org"]
timeout = 5
{email_extra}
"""
    if webhook is not None:
        text += f'\n[[webhook]]\nname = "chat"\nurl = "{webhook}"\nretries = {webhook_retries}\n'
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
