"""The HTML report in a real browser: Debian's Chromium, driven by Playwright, opens the file
from disk. No console errors, no network requests, charts with one vertex per window, the top
topic and its first step visible; hostile text neither runs nor breaks the layout."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import SAMPLE, WriteCsv
from report_helpers import HOSTILE_HEADER, hostile_rows
from stormwatch.cli.main import app
from stormwatch.report.history import histories
from stormwatch.settings import Settings

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"  # Debian's package (.ci/run installs it)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
runner = CliRunner()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _open(browser: Any, path: Path, width: int = 1000) -> tuple[Any, list[str], list[str]]:
    """A page showing ``path``, with the console errors (and dialogs, which a script that
    ran would open) and the requests it made."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri())
    return page, errors, requests


def test_the_sample_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(SAMPLE), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    settings = Settings()
    report = sw.analyse(SAMPLE, settings)
    windows = len(histories(SAMPLE, report, settings)["Siemens"].times)
    assert windows == 168  # seven days of hours

    page, errors, requests = _open(browser, out)
    assert errors == []
    assert requests == [out.as_uri()]  # the file itself, nothing else
    chart = page.locator("#topic-0 svg.timeline")
    vertices = "e => e.points.numberOfItems"
    assert chart.locator("polyline.mentions").evaluate(vertices) == windows
    assert chart.locator("polyline.expected").evaluate(vertices) == windows
    assert chart.locator("polygon.band").evaluate(vertices) == 2 * windows
    assert chart.locator("g.alert-marker").count() >= 1
    assert chart.locator("circle.amplifier").count() == 5  # the five top mentions
    assert page.locator("#topic-0 svg.share polyline.negative").count() == 1
    assert page.locator("#topic-0 rect.contribution").count() == 4
    heading = page.locator("#topic-0 h2")
    assert heading.is_visible()
    assert heading.inner_text() == "1. Siemens — STORM 91.2"
    first = page.locator("#topic-0 ol.steps li").first
    assert first.is_visible()
    assert first.inner_text().startswith(
        "Listen continuously: 129 critical mentions in the last 1h, usually about 2 (64×)"
    )
    critic = page.locator("#topic-0 table.critics tbody tr").first
    assert critic.inner_text().split("\t")[:2] == ["@bigvoice_blog", "1,000,000"]
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # A phone: the page is no wider than the screen (tables scroll inside their box).
    phone, errors, _ = _open(browser, out, width=390)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert errors == []
    # Printing (PDF via the browser's print) works with the print style sheet.
    assert page.pdf()[:5] == b"%PDF-"


def test_hostile_text_neither_runs_nor_breaks_the_layout(
    browser: Any, write_csv: WriteCsv, tmp_path: Path
) -> None:
    path = write_csv(hostile_rows(), header=HOSTILE_HEADER)
    out = tmp_path / "hostile.html"
    result = runner.invoke(app, ["report", str(path), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    for width in (1000, 390):
        page, errors, requests = _open(browser, out, width)
        assert errors == []
        assert requests == [out.as_uri()]
        assert page.evaluate("window.pwned") is None
        assert page.locator("h1").count() == 1  # the injected heading is text
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        heading = page.locator("#topic-0 h2").inner_text()
        assert heading.startswith('1. <script>window.pwned=1</script>Acme" — ')
        links = page.locator("a.url").evaluate_all("a => a.map(e => e.href)")
        assert all(link.startswith("https://") for link in links)
    page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
