"""The CLI through typer's CliRunner: exit codes, exact error text, output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import stormwatch as sw
from conftest import WriteCsv, storm_rows
from stormwatch.cli.main import ExitCode, app
from stormwatch.settings import CONFIG_KEYS

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), env=env)


@pytest.fixture
def storm_csv(write_csv: WriteCsv) -> Path:
    return write_csv(storm_rows())


def test_version() -> None:
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, f"stormwatch {sw.__version__}\n")


def test_json_is_the_default_off_a_terminal_and_matches_the_library(storm_csv: Path) -> None:
    result = invoke("scan", str(storm_csv))
    assert result.exit_code == ExitCode.OK
    data = json.loads(result.stdout)
    assert set(data) >= {"stormwatch_version", "evaluated_at", "window", "input", "topics"}
    assert data["evaluated_at"] == "2026-11-03T23:58:00Z"
    assert data["window"] == "1h"
    assert data["input"] == {
        "files": [str(storm_csv)],
        "rows_read": 272,
        "rows_used": 272,
        "rows_rejected": 0,
        "rows_after_evaluation": 0,
        "rows_duplicate": 0,
        "rejected_by_reason": {},
        "rejects": [],
        "rows_with_unreadable_values": 0,
        "unreadable": [],
        "timezone": "UTC",
        "formats": {
            str(storm_csv): {
                "preset": "generic",
                "kind": "mentions",
                "timestamps": ["%Y-%m-%dT%H:%M:%S%.f%#z"],
            }
        },
        "notes": [],
        "sentiment_estimated": [],
        "sentiment_estimator": None,
    }
    top = data["topics"][0]
    report = sw.analyse([storm_csv])
    assert top["topic"] == report.topics[0].topic == "acme"
    assert (top["rank"], top["score"], top["level"]) == (1, 95.2, "storm")
    assert top["signals"] == {
        "velocity": 1.0,
        "influence": 0.921,
        "negativity": 0.857,
        "spread": 1.0,
    }
    assert top["contributions"] == {
        "velocity": 40.0,
        "influence": 23.0,
        "negativity": 17.1,
        "spread": 15.0,
    }
    assert top["top_authors"][0] == {
        "author": "@megafan",
        "followers": 2_000_000,
        "mentions": 1,
        "negative": 1,
    }
    assert [r["step"] for r in top["recommendations"]] == [1, 2, 3, 4, 5, 8, 9]
    assert all(set(r) == {"step", "title", "why", "action"} for r in top["recommendations"])
    assert data["topics"][1]["level"] == "calm"
    assert result.stderr == "Note: the baseline covers 70 of 168 windows (the data starts later)\n"


def test_table_format(storm_csv: Path) -> None:
    result = invoke("scan", str(storm_csv), "--format", "table")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("stormwatch — 2 topics at 2026-11-03 23:58 UTC")
    assert any("acme" in line and "STORM" in line and "95" in line for line in lines)
    assert "acme — Recommended next steps" in result.stdout


def test_csv_and_markdown_formats(storm_csv: Path) -> None:
    csv_out = invoke("scan", str(storm_csv), "-f", "csv").stdout.splitlines()
    assert csv_out[0].startswith("rank,topic,score,level,mentions")
    assert csv_out[1].startswith("1,acme,95.2,storm,30,2.0,")
    # no themes (too few texts); the surge, the critics (formula-safe) and no mention URLs
    assert csv_out[1].endswith(
        ",'@megafan,2000000,1 2 3 4 5 8 9,,30.0,'@megafan; '@angry70_29; '@angry71_29,"
    )
    md = invoke("scan", str(storm_csv), "-f", "markdown").stdout
    assert "| 1 | acme | 95.2 | storm |" in md
    assert "### acme — Recommended next steps" in md


def test_fail_on_sets_exit_code_3(storm_csv: Path) -> None:
    assert invoke("scan", str(storm_csv), "--fail-on", "storm").exit_code == ExitCode.ALERT
    calm = invoke("scan", str(storm_csv), "--fail-on", "watch", "--at", "2026-11-03T12:00Z")
    assert calm.exit_code == ExitCode.OK


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Invalid value for --format: use table, json, csv, markdown or html"),
        (["--window", "soon"], "'soon' is not a duration"),
        (["--at", "tomorrow"], "Invalid value for --at: 'tomorrow' is not a timestamp"),
        (["--fail-on", "panic"], "Invalid value for --fail-on: use watch, warning or storm"),
        (["--lang", "fr"], "Invalid value for --lang: use en or de"),
        (
            ["--timezone", "Mars/Base"],
            "Invalid value for --timezone: unknown timezone 'Mars/Base'; use an IANA name",
        ),
        (["--preset", "hootsuite"], "Invalid value for --preset: unknown preset 'hootsuite'"),
        (["--bogus"], "No such option: --bogus"),
    ],
)
def test_usage_errors_exit_2(storm_csv: Path, args: list[str], message: str) -> None:
    result = invoke("scan", str(storm_csv), *args)
    assert result.exit_code == ExitCode.USAGE
    assert message in result.stderr
    assert result.stdout == ""


def test_no_files_is_a_usage_error() -> None:
    result = invoke("scan")
    assert result.exit_code == 2
    assert "give export files, or --fetch SOURCE:QUERY" in result.stderr


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.csv"
    result = invoke("scan", str(missing))
    assert result.exit_code == ExitCode.ERROR
    assert result.stderr == (
        f"Error: {missing}: file not found\nHint: check the path and the file name\n"
    )
    assert result.stdout == ""


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = invoke("scan", str(empty))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {empty}: the file is empty\nHint: export the mentions again\n"


def test_no_timestamp_column(write_csv: WriteCsv) -> None:
    path = write_csv([["a", "b"]], header=("Erstellt", "Text"))
    result = invoke("scan", str(path))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {path}, line 1: no timestamp column found; the file has: 'Erstellt', 'Text'\n"
        "Hint: is 'Erstellt' the time of each mention? Rename that column to 'timestamp'; "
        'or map it: pass --mapping FILE, a TOML file with the line timestamp = "Erstellt"; '
        "known export formats (--preset): brandwatch, meltwater, talkwalker, brand24, sprinklr, "
        "youscan, twarc2, snscrape, crowdtangle-facebook, crowdtangle-instagram\n"
    )
    other = write_csv([["a", "b"]], header=("Wann", "Text"), name="other.csv")
    hint = invoke("scan", str(other)).stderr.splitlines()[1]
    assert hint.startswith(
        "Hint: the export needs a date/time column per mention, e.g. 'timestamp' or 'date'; "
        'or map it: pass --mapping FILE, a TOML file with the line timestamp = "the column'
    )


def test_unparseable_timestamps_name_line_and_column(write_csv: WriteCsv) -> None:
    path = write_csv([["", "acme"], ["next tuesday", "acme"]], header=("date", "brand"))
    result = invoke("scan", str(path))
    assert result.exit_code == 1
    first, hint = result.stderr.splitlines()
    assert first == (
        f"Error: {path}, line 3, column 'date': cannot read 'next tuesday' as a timestamp"
    )
    assert hint.startswith("Hint: expected e.g. 2026-11-23T14:05:00Z")


def test_rejected_rows_are_summarised_on_stderr(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    rows[4][0] = "31.02.2026 10:00"
    path = write_csv(rows)
    result = invoke("scan", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        "Warning: 1 of 272 rows could not be used and was left out:",
        f"  bad timestamp: 1 in {path} (first at line 6: '31.02.2026 10:00')",
    ]
    assert json.loads(result.stdout)["input"]["rejected_by_reason"] == {"bad timestamp": 1}
    assert invoke("scan", "-q", str(path)).stderr == ""


def test_unreadable_values_are_summarised_on_stderr_and_in_json(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    rows[4][3] = "100000000000000000000"  # beyond any follower count
    rows[9][3] = "viele"
    rows[7][5] = "angry"  # not a sentiment label
    rows[8][5] = "Not Rated"  # a way of saying none: not a problem
    rows[10][5] = " Negative "  # padded: read
    path = write_csv(rows)
    result = invoke("scan", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:3] == [
        "Warning: 3 of 272 rows were used with a value that could not be read and was left empty:",
        f"  unreadable follower count: 2 in {path} (first at line 6: '100000000000000000000')",
        f"  unreadable sentiment: 1 in {path} (first at line 9: 'angry')",
    ]
    data = json.loads(result.stdout)["input"]
    assert data["rows_with_unreadable_values"] == 3
    assert data["unreadable"][1] == {
        "file": str(path),
        "reason": "unreadable sentiment",
        "count": 1,
        "first_line": 9,
        "example": "angry",
    }
    assert data["rows_rejected"] == 0


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    result = invoke("--debug", "scan", str(tmp_path / "nope.csv"))
    assert isinstance(result.exception, sw.InputError)


def test_lang_from_locale_and_flag(storm_csv: Path) -> None:
    german = json.loads(invoke("scan", str(storm_csv), env={"LANG": "de_DE.UTF-8"}).stdout)
    assert german["lang"] == "de"
    english = json.loads(
        invoke("scan", str(storm_csv), "--lang", "en", env={"LANG": "de_DE.UTF-8"}).stdout
    )
    assert english["lang"] == "en"
    assert (
        german["topics"][0]["recommendations"][0]["title"]
        != (english["topics"][0]["recommendations"][0]["title"])
    )


def test_config_file_language_beats_the_locale(storm_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "en.toml"
    config.write_text('[scan]\nlang = "en"\n')
    env = {"LANG": "de_DE.UTF-8", "STORMWATCH_CONFIG": str(config)}
    assert json.loads(invoke("scan", str(storm_csv), env=env).stdout)["lang"] == "en"


def test_settings_from_env_and_config_file(storm_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "stormwatch.toml"
    config.write_text('[scan]\nwindow = "2h"\n[levels]\nstorm = 99.5\n')
    data = json.loads(invoke("scan", str(storm_csv), "--config", str(config)).stdout)
    assert (data["window"], data["topics"][0]["level"]) == ("2h", "warning")
    env = {"STORMWATCH_CONFIG": str(config), "STORMWATCH_SCAN_WINDOW": "30m"}
    data = json.loads(invoke("scan", str(storm_csv), env=env).stdout)
    assert data["window"] == "30m"  # env beats the file
    data = json.loads(invoke("scan", str(storm_csv), "--window", "3h", env=env).stdout)
    assert data["window"] == "3h"  # the flag beats both


def test_bad_config_key(storm_csv: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[scan]\nwindw = '1h'\n")
    result = invoke("scan", str(storm_csv), "--config", str(config))
    assert result.exit_code == 1
    known = ", ".join(CONFIG_KEYS["scan"])  # window, baseline, by, lang, estimate_sentiment, …
    assert result.stderr == (
        f"Error: {config}: scan.windw: unknown key\nHint: known in [scan]: {known}\n"
    )


def test_module_entry_point_runs() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "stormwatch", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout == f"stormwatch {sw.__version__}\n"


def test_future_dates_are_rejected_not_used_as_now(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    rows.append(["2099-01-01T00:00:00Z", "acme", "@typo", 1, "x", "neutral"])
    result = invoke("scan", str(write_csv(rows)))
    data = json.loads(result.stdout)
    assert data["evaluated_at"] == "2026-11-03T23:58:00Z"
    assert data["input"]["rejected_by_reason"] == {"future timestamp": 1}
    assert "future timestamp: 1 in" in result.stderr


def test_duplicates_across_files_are_counted_once(write_csv: WriteCsv) -> None:
    rows = storm_rows()
    first = write_csv(rows, name="a.csv")
    second = write_csv(rows[-40:], name="b.csv")  # re-exported overlap
    result = invoke("scan", str(first), str(second))
    data = json.loads(result.stdout)
    assert data["input"]["rows_read"] == len(rows) + 40
    assert data["input"]["rows_duplicate"] == 40
    assert data["input"]["rows_used"] == len(rows)
    single = json.loads(invoke("scan", str(first)).stdout)
    assert data["topics"] == single["topics"]
    assert "Note: 40 duplicate mentions" in result.stderr


def test_copies_are_looked_for_inside_the_horizon_only(write_csv: WriteCsv, tmp_path: Path) -> None:
    """With a one-day baseline, the re-exported first day (older than the baseline and the
    current window) is read as it is; the re-exported last day is counted once; --rejects
    lists exactly the copies counted."""
    rows = storm_rows(hours=120)  # five days
    first = write_csv(rows, name="a.csv")
    old, recent = rows[:40], rows[-40:]
    second = write_csv(old + recent, name="b.csv")
    out = tmp_path / "rejects.csv"
    args = ("scan", str(first), str(second), "--baseline", "1d", "--rejects", str(out))
    data = json.loads(invoke(*args).stdout)
    assert data["input"]["rows_read"] == len(rows) + 80
    assert data["input"]["rows_duplicate"] == 40
    assert data["input"]["rows_used"] == len(rows) + 40
    single = json.loads(invoke("scan", str(first), "--baseline", "1d").stdout)
    assert data["topics"] == single["topics"]
    import polars as pl

    listed = pl.read_csv(out, infer_schema=False)
    assert listed["reason"].to_list() == ["duplicate"] * 40
    assert listed["file"].unique().to_list() == [str(second)]
    assert listed["line"].to_list() == [str(n) for n in range(42, 82)]


def test_dayfirst_and_monthfirst(write_csv: WriteCsv) -> None:
    rows = [["01/02/2026 10:00", "acme", "@a"], ["01/02/2026 11:00", "acme", "@b"]]
    path = write_csv(rows, header=("date", "brand", "author"))
    day = json.loads(invoke("scan", str(path), "--dayfirst").stdout)
    month = json.loads(invoke("scan", str(path), "--monthfirst").stdout)
    assert day["evaluated_at"] == "2026-02-01T11:00:00Z"
    assert month["evaluated_at"] == "2026-01-02T11:00:00Z"


def test_rejects_file_lists_every_set_aside_row(write_csv: WriteCsv, tmp_path: Path) -> None:
    rows = storm_rows(hours=5, storm_hours=0)
    rows[2][0] = "not a date"
    rows[4][4] = "two\nlines"  # a quoted newline shifts the physical lines after it
    rows[6][0] = "=1+1"
    first = write_csv(rows, name="a.csv")
    second = write_csv(rows[:2], name="b.csv")  # both rows repeat a.csv's
    out = tmp_path / "rejects.csv"
    result = invoke("scan", str(first), str(second), "--rejects", str(out))
    assert result.exit_code == 0
    assert "Note: wrote 4 set-aside rows to" in result.stderr
    import polars as pl

    got = pl.read_csv(out, infer_schema=False)
    assert got.columns == [
        "file",
        "line",
        "reason",
        "timestamp",
        "topic",
        "author",
        "url",
        "id",
        "text",
    ]
    assert got.select("file", "line", "reason", "timestamp").rows() == [
        (str(first), "4", "bad timestamp", "not a date"),
        (str(first), "9", "bad timestamp", "'=1+1"),
        (str(second), "2", "duplicate", rows[0][0]),
        (str(second), "3", "duplicate", rows[1][0]),
    ]


def test_rejects_file_must_not_be_an_input(storm_csv: Path) -> None:
    before = storm_csv.read_bytes()
    same = storm_csv.parent / "." / storm_csv.name
    result = invoke("scan", str(storm_csv), "--rejects", str(same))
    assert result.exit_code == ExitCode.USAGE
    assert "is one of the input files; it would be overwritten" in result.stderr
    assert storm_csv.read_bytes() == before
