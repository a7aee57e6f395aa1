"""Inputs that used to hang, crash or exhaust memory: each is now a clear ``Error:`` with a
``Hint:`` and exit code 1, in a child process with a timeout."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from alerts_helpers import write_config
from cli_process import cli_env, run_cli
from conftest import SAMPLE
from stormwatch.errors import InputError


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


def _zeros(archive: zipfile.ZipFile, member: str, megabytes: int, prefix: bytes = b"") -> None:
    with archive.open(member, "w") as fh:
        fh.write(prefix)
        block = b"0" * (1 << 20)
        for _ in range(megabytes):
            fh.write(block)


def _scratch_bytes(tmp_path: Path) -> int:
    return sum(f.stat().st_size for f in (tmp_path / "tmpdir").rglob("*") if f.is_file())


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path: Path) -> None:
    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        _zeros(archive, "mentions.csv", 300, b"timestamp,text\n")
    result = run_cli(tmp_path, "scan", str(bomb), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {bomb}: 'mentions.csv' in the archive would inflate 1,029-fold, to 300.0 MB; "
        "stormwatch refuses more than 250-fold (a zip bomb?)\n"
        "Hint: this is not a plain export (or it is damaged); if it is genuine, unpack it and "
        "pass the files inside, or save the mentions sheet as CSV\n"
    )
    assert _scratch_bytes(tmp_path) == 0


def test_an_xlsx_whose_sheet_inflates_to_gigabytes_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "export.xlsx"
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        _zeros(archive, "xl/worksheets/sheet1.xml", 200)
    result = run_cli(tmp_path, "scan", str(book), timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"Error: {book}: 'xl/worksheets/sheet1.xml' in the workbook would inflate "
    )
    assert _scratch_bytes(tmp_path) == 0


def test_the_total_inflated_size_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxwriter

    from stormwatch.sources import archive, open_tables

    book = tmp_path / "export.xlsx"
    workbook = xlsxwriter.Workbook(book)
    sheet = workbook.add_worksheet("Mentions")
    sheet.write_row(0, 0, ["Date", "Text"])
    sheet.write_row(1, 0, ["2026-11-01 10:00", "hi"])
    workbook.close()
    monkeypatch.setitem(archive.MAX_INFLATED, "excel", 1000)
    with pytest.raises(InputError) as caught:
        open_tables(book)
    assert caught.value.message.startswith(f"{book}: the workbook would inflate to ")
    assert caught.value.message.endswith(" MB; stormwatch reads at most 0.0 MB")


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deeply_nested_json_lines_name_the_line(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "dump.jsonl"
    good = json.dumps({"date": "2026-11-01T10:00:00Z", "text": "hi", "user": {"name": "a"}})
    deep = '{"date": "2026-11-01T11:00:00Z", "x": ' + "[" * depth + "]" * depth + "}"
    path.write_text(f"{good}\n{deep}\n", encoding="utf-8")
    result = run_cli(tmp_path, "scan", str(path), timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[0] == (
        f"Error: {path}, line 2: the record nests objects or arrays more than 32 levels deep"
    )


def _cp1252_export(path: Path, rows: int) -> Path:
    """A Windows-1252 CSV: read through a transcoded scratch copy."""
    lines = ["timestamp,brand,author,text"]
    lines += [
        f"2026-11-01T{i % 24:02d}:{i % 60:02d}:00Z,acme,@a{i},Kühlschrank {i}" for i in range(rows)
    ]
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    return path


def test_sigterm_removes_the_scratch_files(tmp_path: Path) -> None:
    export = _cp1252_export(tmp_path / "big.csv", 400_000)
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "stormwatch", "scan", str(export)],
        env=cli_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not any(scratch.glob("stormwatch-*/*")) and time.monotonic() < deadline:
        assert process.poll() is None, "finished before it could be stopped"
        time.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 143
    assert list(scratch.iterdir()) == []


def test_scratch_left_by_a_killed_run_is_swept_on_start(tmp_path: Path) -> None:
    export = _cp1252_export(tmp_path / "small.csv", 10)
    stale = tmp_path / "tmpdir" / "stormwatch-999999999-x1y2"
    stale.mkdir(parents=True)
    (stale / "tmp1.csv").write_bytes(b"x" * 1000)
    result = run_cli(tmp_path, "scan", str(export))
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "tmpdir").iterdir()) == []


def test_the_sample_scans_under_a_1_gb_address_space_limit(tmp_path: Path) -> None:
    # glibc's per-thread malloc arenas reserved 1.5 GB of address space: polars panicked,
    # aborted or hung when a thread could not start
    result = run_cli(tmp_path, "scan", str(SAMPLE), limits={resource.RLIMIT_AS: 1 << 30})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["topics"][0]["topic"] == "Siemens"


def test_too_little_address_space_fails_at_once(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "scan", str(SAMPLE), limits={resource.RLIMIT_AS: 500 << 20})
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: the address-space limit is 500 MB; stormwatch needs at least 640 MB\n"
        "Hint: under a memory limit (ulimit -v, systemd MemoryMax) allow stormwatch more: 1 GB "
        "for exports of a few MB\n"
    )


def test_a_zip_member_with_corrupt_deflate_data_is_damaged_not_a_bug(tmp_path: Path) -> None:
    # found by the fuzz test: zlib's own error escaped as "unexpected error … this is a bug"
    member = "".join(f"2026-11-01T{h:02d}:00:00Z;acme;text {h}\n" for h in range(24))
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mentions.csv", "timestamp;brand;text\n" + member)
    data = bytearray(path.read_bytes())
    data[49] = ord('"')  # inside the deflate stream of the member
    path.write_bytes(bytes(data))
    result = run_cli(tmp_path, "scan", str(path))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: {path}: cannot unpack: Error -3 while decompressing")
    assert result.stderr.endswith(
        "Hint: the file is damaged or was not downloaded completely; download it again\n"
    )


def test_a_polars_panic_is_an_error_with_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from polars.exceptions import PanicException
    from typer.testing import CliRunner

    import stormwatch.pipeline.analyse
    from stormwatch.cli.app import app

    def panic(*args: object, **kwargs: object) -> None:
        raise PanicException("could not spawn threads\nbacktrace …")

    monkeypatch.setattr(stormwatch.pipeline.analyse, "analyse", panic)
    result = CliRunner().invoke(app, ["scan", str(SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: polars failed: could not spawn threads\n"
        "Hint: under a memory limit (ulimit -v, systemd MemoryMax) allow stormwatch more: 1 GB "
        "for exports of a few MB; else this is a bug: rerun with --debug and report it\n"
    )
