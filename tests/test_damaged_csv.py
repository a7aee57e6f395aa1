"""Damaged CSV exports: what can be read is read, the damaged rows are set aside, counted by
reason and listed with their lines in --rejects."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from conftest import HEADER, storm_rows
from stormwatch.cli.main import app
from stormwatch.sources.sniff import SAMPLE_BYTES


def _export(
    tmp_path: Path, damage: dict[int, str], copies: int = 1, name: str = "export.csv"
) -> Path:
    """The storm rows (``copies`` times, so the file outgrows the sample), with the lines in
    ``damage`` (1-based, the header is line 1) replaced as they are."""
    rows = storm_rows() * copies
    lines = [",".join(HEADER)]
    lines += [",".join(str(c) for c in row) for row in rows]
    for number, text in damage.items():
        lines[number - 1] = text
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode())
    return path


def test_a_stray_quote_and_a_nul_past_the_sample_cost_one_row_each(tmp_path: Path) -> None:
    stray = '2026-11-02T10:05:00Z,acme,@quote,5,"he said hi,negative'
    nul = "2026-11-02T11:05:00Z,acme,@nul,5,bin\x00ary,negative"
    path = _export(tmp_path, {3000: stray, 4000: nul}, copies=40)
    assert path.stat().st_size > 2 * SAMPLE_BYTES
    rejects = tmp_path / "rejects.csv"
    result = CliRunner().invoke(app, ["scan", str(path), "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["input"]
    assert data["rejected_by_reason"] == {"NUL byte": 1, "unclosed quote": 1}
    assert data["rows_read"] == data["rows_used"] + data["rows_rejected"]
    assert result.stderr.splitlines()[:3] == [
        f"Warning: 2 of {data['rows_read']:,} rows could not be used and were left out:",
        f"  NUL byte: 1 in {path} (first at line 4000: '2026-11-02T11:05:00Z')",
        f"  unclosed quote: 1 in {path} (first at line 3000: '2026-11-02T10:05:00Z')",
    ]
    listed = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert [(r["line"], r["reason"], r["author"]) for r in listed] == [
        ("3000", "unclosed quote", "'@quote"),
        ("4000", "NUL byte", "'@nul"),
    ]


def test_a_download_cut_inside_a_quoted_text_rejects_its_last_row(tmp_path: Path) -> None:
    for copies in (1, 40):  # within the sample, and far beyond it
        path = _export(tmp_path, {}, copies=copies)
        with path.open("a", encoding="utf-8") as fh:
            fh.write('2026-11-03T23:59:00Z,acme,@cut,5,"the text goes on and')
        result = CliRunner().invoke(app, ["scan", str(path)])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)["input"]
        assert data["rejected_by_reason"] == {"unclosed quote": 1}
        assert data["rejects"][0]["first_line"] == 272 * copies + 2


def test_a_deferred_check_answers_for_large_files_only(tmp_path: Path) -> None:
    """``defer_check``: a file beyond its sample is read at once and checked alongside (the
    scan reads it again, repaired, when the answer is yes); a small one is checked first."""
    from stormwatch.sources import open_tables

    stray = '2026-11-02T10:05:00Z,acme,@quote,5,"he said hi,negative'
    damaged = _export(tmp_path, {3000: stray}, copies=40, name="damaged.csv")
    (table,) = open_tables(damaged, defer_check=True)
    assert table.damage is not None
    assert table.damage.result(timeout=60) is True
    assert not table.flagged  # read as if whole: not to be trusted
    clean = _export(tmp_path, {}, copies=40, name="clean.csv")
    (table,) = open_tables(clean, defer_check=True)
    assert table.damage is not None
    assert table.damage.result(timeout=60) is False
    small = _export(tmp_path, {3: stray}, name="small.csv")
    (table,) = open_tables(small, defer_check=True)
    assert table.damage is None
    assert table.flagged  # checked and repaired before reading
    (table,) = open_tables(damaged)
    assert (table.damage, table.flagged) == (None, True)
