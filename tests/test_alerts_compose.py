"""Message content (pure): subjects, untrusted text, the email's structure, the chart."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from stormwatch.alerts import chart
from stormwatch.alerts.compose import chat, compose, subject
from stormwatch.alerts.episodes import Notice
from stormwatch.alerts.mail import build_email, envelope, message_id
from stormwatch.models import InputSummary, Report, SignalResult, TopicResult
from stormwatch.settings import SIGNALS
from stormwatch.text.untrusted import clean

T0 = datetime(2026, 11, 2, 8, tzinfo=UTC)


def notice(kind: str = "open", level: str = "storm", previous: str | None = None) -> Notice:
    return Notice(
        kind,  # type: ignore[arg-type]
        "brands",
        "acme",
        "e1",
        level,  # type: ignore[arg-type]
        87.4,
        previous,  # type: ignore[arg-type]
        61.0 if previous else None,
        T0,
        T0 - timedelta(hours=3),
        T0 - timedelta(hours=6) if kind == "resolve" else None,
    )


def report(topic: str = "acme") -> Report:
    signals = {n: SignalResult(n, 0.0, 0.0, 0.0) for n in SIGNALS}
    result = TopicResult(1, topic, 87.4, "storm", 40, 2.0, signals, (), None, (1, 2, 40))
    return Report(T0, "1h", "7d", "brand", "en", InputSummary((), 0, 0, 0, 0), (result,))


@pytest.mark.parametrize(
    ("kind", "level", "previous", "lang", "expected"),
    [
        ("open", "warning", None, "en", "[stormwatch] WARNING acme 87"),
        ("escalate", "storm", "warning", "en", "[stormwatch] STORM acme 87 (was warning 61)"),
        ("resolve", "calm", "storm", "en", "[stormwatch] ALL CLEAR acme 87 (was storm 61)"),
        ("escalate", "storm", "watch", "de", "[stormwatch] STURM acme 87 (vorher Beobachtung 61)"),
        ("resolve", "calm", "storm", "de", "[stormwatch] ENTWARNUNG acme 87 (vorher Sturm 61)"),
    ],
)
def test_subjects(kind: str, level: str, previous: str | None, lang: str, expected: str) -> None:
    assert subject(notice(kind, level, previous), lang) == expected  # type: ignore[arg-type]


def test_clean_leaves_one_plain_line() -> None:
    assert clean("a\r\nBcc: x\x1b[31m red\u2028b\u202eevil\tc") == "a Bcc: x [31m red b evil c"
    assert clean("x" * 10, 5) == "xxxx…"


def test_chat_text_is_inert() -> None:
    assert chat("<!channel> `@all` & <https://evil|click>") == (
        "`&lt;!channel&gt; '@all' &amp; &lt;https://evil|click&gt;`"
    )


def test_email_structure_without_chart() -> None:
    content = compose(notice(), report(), lang="en")
    msg = build_email(
        content,
        sender="stormwatch <alerts@example.org>",
        to=("a@example.org", "b@example.org"),
        message_id=message_id("e1-open-storm", "stormwatch <alerts@example.org>"),
        date=T0,
    )
    assert msg["Message-ID"] == "<stormwatch.e1-open-storm@example.org>"
    assert [p.get_content_type() for p in msg.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    assert envelope(msg.as_bytes()) == ("alerts@example.org", ["a@example.org", "b@example.org"])
    assert b"\r\n" in msg.as_bytes()  # SMTP line ends, stored and sent as they are


def test_resolve_says_since_when() -> None:
    content = compose(notice("resolve", "calm", "storm"), report(), lang="en")
    assert "Calm since 2026-11-02 02:00 UTC; the episode opened 2026-11-02 05:00 UTC." in (
        content.text
    )
    assert content.data["kind"] == "resolve"
    assert content.data["previous"] == {"level": "storm", "score": 61.0}


def test_usual_range_uses_the_velocity_scale() -> None:
    assert chart.usual_range([2, 2, 2, 2]) == (0.0, pytest.approx(2 + 2 * 3**0.5))
    # MAD 2 -> 1.4826·2 = 2.97 is below the Poisson floor √11 = 3.32
    low, high = chart.usual_range([10, 12, 8, 30, 10])
    assert (low, high) == (pytest.approx(10 - 2 * 11**0.5), pytest.approx(10 + 2 * 11**0.5))


def test_chart_is_a_png() -> None:
    png = chart.volume_chart([1, 2, 3, 1, 2, 40], T0, timedelta(hours=1), level="storm", score=87)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_matplotlib_is_imported_only_to_draw() -> None:
    code = (
        "import sys, stormwatch.cli.app, stormwatch.alerts.run; "
        "assert 'matplotlib' not in sys.modules, 'imported early'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_themes_are_listed_and_escaped() -> None:
    from dataclasses import replace

    from stormwatch.pipeline.themes import Term

    base = report()
    themes = (Term("door close", 8.1, 0.4, 0.01), Term("<b>recall</b>", 5.0, 0.2, 0.0))
    themed = replace(base, topics=(replace(base.topics[0], themes=themes),))
    content = compose(notice(), themed, lang="de")
    assert "Themen: door close, <b>recall</b>" in content.text  # plain text stays as written
    assert "<li>&lt;b&gt;recall&lt;/b&gt;</li>" in content.html
    assert "<b>recall</b>" not in content.html
