"""`stormwatch alert` when things go wrong outside the exports: a malformed webhook URL, a full
disk, a lost or replaced state file, a deleted lock file, a webhook slower than its timeout."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from alerts_helpers import write_config
from conftest import SAMPLE
from stormwatch.alerts.compose import _safe_url
from stormwatch.cli import ExitCode, app

STORM = "2011-09-27T14:00Z"


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
