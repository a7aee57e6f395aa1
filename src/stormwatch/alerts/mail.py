"""Email with the standard library: :func:`build_email` makes the message (pure) and
:class:`Mailer` sends stored messages over one SMTP session, through an injectable factory.

Security: the envelope comes from the configuration, never from message content; header
values are single cleaned lines (and ``EmailMessage`` refuses CR/LF in any header anyway);
TLS is verified against the system's CAs (or ``ca_file``) with hostname checking, and a
server that does not offer STARTTLS is an error, never a silent fall back to plain text.
"""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, parseaddr

from stormwatch.alerts.compose import Content
from stormwatch.alerts.config import EmailConfig
from stormwatch.alerts.errors import DeliveryError
from stormwatch.text.untrusted import clean

SmtpFactory = Callable[[EmailConfig, ssl.SSLContext], smtplib.SMTP]


def message_id(key: str, sender: str) -> str:
    """A Message-ID derived from the notice key: the same alert always carries the same id,
    so a copy re-sent after an ambiguous failure can be recognised as a duplicate."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "stormwatch.invalid"
    return f"<stormwatch.{key}@{clean(domain, 200)}>"


def build_email(
    content: Content,
    *,
    sender: str,
    to: tuple[str, ...],
    message_id: str,
    date: datetime,
    lang: str = "en",
    chart_png: bytes | None = None,
    chart_cid: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """The alert as ``multipart/alternative``: plain text, and HTML with the chart as an
    inline ``image/png`` part (``multipart/related``) when ``chart_png`` is given."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = clean(content.subject, 200)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    for name, value in (headers or {}).items():
        msg[name] = clean(value, 200)
    msg.set_content(content.text)
    msg.add_alternative(content.html, subtype="html")
    if chart_png is not None and chart_cid is not None:
        html_part = msg.get_body(("html",))
        assert html_part is not None  # added just above
        html_part.add_related(
            chart_png,
            maintype="image",
            subtype="png",
            cid=chart_cid,
            disposition="inline",
            filename="volume.png",
        )
    msg["Content-Language"] = lang  # after the parts: set_content() drops Content-* headers
    return msg


def envelope(payload: bytes) -> tuple[str, list[str]]:
    """Sender and recipients of a stored message, from the headers stormwatch wrote."""
    msg = email.message_from_bytes(payload, policy=email.policy.SMTP)
    sender = parseaddr(str(msg["From"]))[1]
    recipients = [addr for _, addr in getaddresses([str(msg["To"])]) if addr]
    return sender, recipients


def tls_context(cfg: EmailConfig) -> ssl.SSLContext:
    """Certificate and hostname verification on, with ``ca_file`` for a private CA."""
    return ssl.create_default_context(cafile=str(cfg.ca_file) if cfg.ca_file else None)


def connect_smtp(cfg: EmailConfig, context: ssl.SSLContext) -> smtplib.SMTP:
    """The default factory: ``SMTP_SSL`` for ``ssl``, plain ``SMTP`` otherwise (STARTTLS
    follows in :class:`Mailer`)."""
    if cfg.security == "ssl":
        return smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=cfg.timeout, context=context)
    return smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        return clean(f"SMTP {exc.smtp_code} {text}", 300)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return clean(f"all recipients refused: {', '.join(exc.recipients)}", 300)
    if isinstance(exc, TimeoutError):
        return "timed out"
    return clean(f"{type(exc).__name__}: {exc}", 300)


class Mailer:
    """One SMTP session for a run's messages, opened on first use. After a connection
    failure the rest of the run's mail is deferred at once instead of waiting for N timeouts."""

    def __init__(
        self,
        cfg: EmailConfig,
        password: str | None,
        factory: SmtpFactory = connect_smtp,
        context: ssl.SSLContext | None = None,
    ) -> None:
        self._cfg = cfg
        self._password = password
        self._factory = factory
        self._context = context or tls_context(cfg)
        self._smtp: smtplib.SMTP | None = None
        self._down: str | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self._cfg
        smtp = self._factory(cfg, self._context)
        try:
            if cfg.security == "starttls":
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    raise DeliveryError(
                        f"{cfg.host}:{cfg.port} does not offer STARTTLS; not sending in clear"
                    )
                smtp.starttls(context=self._context)
                smtp.ehlo()
            if cfg.username:
                smtp.login(cfg.username, self._password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, payload: bytes) -> dict[str, tuple[int, bytes]]:
        """Send one stored message; returns the recipients the server refused (when it
        accepted others). Raises DeliveryError when the message was not accepted."""
        if self._down is not None:
            raise DeliveryError(self._down)
        try:
            if self._smtp is None:
                try:
                    self._smtp = self._connect()
                except DeliveryError as exc:
                    self._down = exc.message
                    raise
                except (smtplib.SMTPException, OSError) as exc:
                    where = f"{self._cfg.host}:{self._cfg.port}"
                    self._down = f"cannot reach the mail server {where}: {_describe(exc)}"
                    raise DeliveryError(self._down) from None
            sender, recipients = envelope(payload)
            return self._smtp.sendmail(sender, recipients, payload)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()  # the session may be unusable; the next message reconnects
            raise DeliveryError(_describe(exc)) from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
