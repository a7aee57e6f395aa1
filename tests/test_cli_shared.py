"""What every command shares: -q/--quiet, --debug before or after the command, --format and
--lang checked the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from stormwatch.cli.main import ExitCode, app

runner = CliRunner()
#: Every command the app has: a new one is checked without being listed here.
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_quiet(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == ExitCode.OK
    assert "-q, --quiet" in result.stdout


def _short(tmp_path: Path) -> Path:
    path = tmp_path / "short.csv"
    path.write_text(
        "timestamp,brand,text,sentiment\n"
        "2026-11-01T10:00:00Z,acme,hello,neutral\n2026-11-01T10:30:00Z,acme,hi,neutral\n"
    )
    return path


def test_backtest_quiet_keeps_notes_off_stderr_but_in_the_json(tmp_path: Path) -> None:
    path = _short(tmp_path)
    note = (
        "short.csv: not enough history (0.5 h of data, a baseline needs 4 h): volume signals "
        "were never scored"
    )
    loud = runner.invoke(app, ["backtest", str(path), "--format", "json"])
    assert loud.exit_code == ExitCode.OK
    assert loud.stderr == f"Note: {note}\n"
    quiet = runner.invoke(app, ["backtest", str(path), "--format", "json", "-q"])
    assert quiet.exit_code == ExitCode.OK
    assert quiet.stderr == ""
    assert json.loads(quiet.stdout)["notes"] == [note]


def test_simulate_quiet_writes_only_the_data(tmp_path: Path) -> None:
    out = tmp_path / "sim.csv"
    args = ["simulate", "--days", "9", "--topics", "1", "--storms", "0", "--no-decoys"]
    result = runner.invoke(app, [*args, "--out", str(out), "-q"])
    assert result.exit_code == ExitCode.OK
    assert result.stderr == ""
    assert out.read_text().startswith("id,timestamp,brand,")
    loud = runner.invoke(app, [*args, "--out", str(tmp_path / "loud.csv")])
    assert loud.stderr.startswith("Simulated ")


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_before_or_after_the_command_shows_the_traceback(tmp_path: Path, where: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("timestamp,brand\nxx,acme\n")
    args = ["scan", str(bad)]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    result = runner.invoke(app, args)
    assert type(result.exception).__name__ == "InputError"
    plain = runner.invoke(app, ["scan", str(bad)])
    assert plain.exit_code == ExitCode.ERROR
    assert plain.stderr.startswith(f"Error: {bad}, line 2, column 'timestamp': cannot read 'xx'")


def test_debug_after_a_double_dash_is_a_file_name(tmp_path: Path) -> None:
    result = runner.invoke(app, ["scan", "--", "--debug"])
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr.startswith("Error: --debug: file not found\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "x.csv", "--format", "xml"], "use table, json, csv, markdown or html"),
        (["backtest", "x.csv", "--format", "csv"], "use table or json"),
        (["formats", "--format", "csv"], "use table or json"),
        (["scan", "x.csv", "--lang", "fr"], "use en or de"),
        (["alert", "--lang", "fr"], "use en or de"),
    ],
)
def test_format_and_lang_are_checked_alike(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
