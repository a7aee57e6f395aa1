"""``--help`` reads well in an 80-column terminal: placeholders, not Python types; examples
whole, on one line each; command summaries not cut off."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from stormwatch.cli.main import ExitCode, app

runner = CliRunner()
#: Every command the app has: a new one is checked without being listed here.
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == ExitCode.OK, result.output
    return result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_placeholders_and_whole_examples(command: str) -> None:
    text = _help(command)
    assert [line for line in text.splitlines() if len(line) > 80] == []
    assert re.findall(r"<[a-z][^>]*>", text) == []
    examples = [
        line.strip()
        for line in (typer.main.get_command(app).commands[command].help or "").splitlines()  # type: ignore[attr-defined]
        if line.strip().startswith("stormwatch ")
    ]
    assert examples, "every command's help has an example"
    shown = {line.strip() for line in text.splitlines()}
    assert [e for e in examples if e not in shown] == []


def test_options_with_values_name_what_they_take() -> None:
    text = _help("scan")
    for option in ("--window DURATION", "--at MOMENT", "--by COLUMN", "-f, --format FORMAT"):
        assert option in text
    assert "FILE  Export files" in text


def test_the_command_list_is_not_cut_off() -> None:
    text = _help()
    commands = text.split("Commands:\n", 1)[1]
    assert "..." not in commands
    assert "  sources          List the sources `stormwatch fetch` can read\n" in commands
    assert "  scan             Rank topics by escalation score, with the reasons and the\n" in (
        commands
    )
