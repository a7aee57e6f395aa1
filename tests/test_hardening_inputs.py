"""Inputs that used to hang, crash or exhaust memory: each is now a clear ``Error:`` with a
``Hint:`` and exit code 1, in a child process with a timeout."""

from __future__ import annotations

import os
from pathlib import Path

from alerts_helpers import write_config
from cli_process import run_cli


def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    result = run_cli(tmp_path, "scan", str(fifo), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {fifo}: is a named pipe (FIFO), not a regular file\n"
        "Hint: save the export to a file first and pass that file\n"
    )


def test_a_fifo_among_a_watch_s_inputs_is_an_error_of_that_watch(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    os.mkfifo(exports / "live.csv")
    config = write_config(tmp_path, [exports / "*.csv"], smtp_port=25)
    result = run_cli(tmp_path, "alert", "--config", str(config), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: watch 'brands': {exports / 'live.csv'}: is a named pipe (FIFO), not a regular "
        "file\nHint: save the export to a file first and pass that file\n"
    )


def test_a_device_is_refused(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "scan", "/dev/zero", timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("Error: /dev/zero: is a device, not a regular file\n")


def test_a_line_of_millions_of_columns_is_refused_at_once(tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_bytes(b"c," * 5_000_000 + b"c\n")  # 10 MB, one line
    result = run_cli(tmp_path, "scan", str(wide), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {wide}, line 1: the header row has at least 131,073 columns; stormwatch reads "
        "at most 5,000\n"
        "Hint: this is not a mentions export (or it is damaged): export the mentions again\n"
    )
    small = tmp_path / "small.csv"
    small.write_text(",".join(f"c{i}" for i in range(5001)) + "\n", encoding="utf-8")
    assert run_cli(tmp_path, "scan", str(small)).stderr.startswith(
        f"Error: {small}, line 1: the header row has 5,001 columns; stormwatch reads at most"
    )
