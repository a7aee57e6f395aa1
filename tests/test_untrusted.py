"""Untrusted text (topics, authors, file names) never reaches a terminal, Markdown or a
spreadsheet as control sequences or formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from conftest import WriteCsv, storm_rows
from stormwatch.cli.app import app
from stormwatch.render import formats as render
from stormwatch.text.untrusted import clean, clean_lines
from test_render import make_report

CLEAR = "\x1b[2J"
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
ALT_SCREEN = "\x1b[?1049h"
CSI = "\x9b31m"  # the 8-bit CSI some terminals obey


def test_clean_removes_every_control_sequence_introducer() -> None:
    assert clean(f"a{CLEAR}b{ALT_SCREEN}c{CSI}d\x07e") == "a [2Jb [?1049hc 31md e"
    assert clean(f"x{LINK}y") == "x ]8;;https://evil.example/ \\click ]8;; \\y"
    assert clean_lines("Warning: a\x1b[2J\n  reason: 1 in x\ry") == (
        "Warning: a [2J\n  reason: 1 in x y"
    )


def test_table_has_no_escape_sequences() -> None:
    report = make_report(topic=f"acme{CLEAR}{ALT_SCREEN}", author=f"@x{LINK}")
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(render.to_table(report))
    text = out.getvalue()
    assert "\x1b" not in text
    assert "acme [2J [?1049h" in text


def test_markdown_row_survives_a_lone_cr_and_escapes() -> None:
    md = render.to_markdown(make_report(topic=f"ac\rme{CLEAR}", author=f"@x{CSI}"))
    assert "\x1b" not in md
    assert "\r" not in md
    assert "\x9b" not in md
    assert "| 1 | ac me \\[2J | 88.0 | storm |" in md


def test_csv_protects_formulas_after_a_semicolon_or_comma() -> None:
    out = render.to_csv(make_report(topic="Polar;=1+1;x", author="a, -2+3"))
    row = next(csv.reader(io.StringIO(out.splitlines()[1])))
    assert row[1] == "Polar;'=1+1;x"
    assert row[-4] == "a, '-2+3"
    # opened with ";" as the delimiter (a German spreadsheet), no cell starts a formula
    for line in out.splitlines():
        for cell in line.split(";"):
            assert not cell.lstrip(" ").startswith(("=", "+", "@")), cell
    assert render.csv_safe("\x1b=cmd") == "'=cmd"
    assert render.csv_safe("  @SUM(1)") == "'@SUM(1)"


def test_cli_stderr_and_outputs_have_no_escapes(write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = storm_rows()
    rows[4][0] = "31.02.2026 10:00"
    rows[-1][1] = f"acme{CLEAR}"
    path = write_csv(rows, name=f"evil{ALT_SCREEN}.csv")
    runner = CliRunner()
    for fmt in ("json", "csv", "markdown", "table"):
        result = runner.invoke(app, ["scan", str(path), "--format", fmt])
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout
        assert "\x1b" not in result.stderr
    warning = runner.invoke(app, ["scan", str(path)]).stderr.splitlines()[1]
    assert warning == f"  bad timestamp: 1 in {tmp_path}/evil [?1049h.csv (first at line 6: " + (
        "'31.02.2026 10:00')"
    )
    data = json.loads(runner.invoke(app, ["scan", str(path)]).stdout)
    assert f"acme{CLEAR}" in [t["topic"] for t in data["topics"]]  # JSON keeps the data


def test_file_names_with_pattern_characters_are_names(tmp_path: Path) -> None:
    jsonl = tmp_path / "x[1]*.jsonl"
    jsonl.write_text(
        "".join(
            json.dumps({"date": f"2026-11-01T{h:02d}:00:00Z", "text": "hi", "author": "a"}) + "\n"
            for h in range(3)
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["scan", str(jsonl)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["input"]["rows_used"] == 3


def test_backtest_table_has_no_escape_sequences(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    for row in rows:
        if row[1] == "acme":
            row[1] = f"acme{CSI}"  # in every row: ESC that often would read as binary data
    path = write_csv(rows)
    result = CliRunner().invoke(app, ["backtest", str(path), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "acme 31m" in result.stdout
    assert "\x9b" not in result.stdout
