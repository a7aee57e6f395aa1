"""Fuzzing `scan` with mutated exports (CSV, TSV, JSON Lines, XLSX, ZIP): whatever the bytes,
the exit code is a documented one, there is no traceback, panic or "this is a bug", the input
counts add up, no ESC byte reaches any output, and the peak RSS stays under 1 GB.

Bounded to about 30 s by default; STORMWATCH_FUZZ_SECONDS=600 fuzzes longer. The CLI runs in
one child process (tests/fuzz_worker.py), so its memory is measured apart from pytest's.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HEADER, storm_rows
from stormwatch.cli.app import ExitCode

SECONDS = float(os.environ.get("STORMWATCH_FUZZ_SECONDS", "30"))
#: What a mutation may insert: quoting, delimiters, line breaks, NUL, terminal escapes, numbers
#: at the edges, headers.
FRAGMENTS = [
    b'"', b'""', b",", b";", b"\t", b"\n", b"\r\n", b"\r", b"\x00", b"\x1b[2J", b"\x1b]8;;x\x07",
    b"\x9b", b"\xff", b"\xc3", b"\xef\xbb\xbf", b"=1+1", b";=cmd", b"@SUM(1)", b"-", b"{",
    b"}", b"[", b"]", b'{"a":' * 50, b"99999999999999999999", b"-5", b"1e308", b"NaN",
    b"2026-11-03T10:00:00Z", b"31.02.2026", b"timestamp", b"brand", b"\xe2\x80\xae",
]  # fmt: skip
LIMIT_KB = 1 << 20  # 1 GB of resident memory


def _rows() -> list[list[str]]:
    rows = [[str(c) for c in r] for r in storm_rows(hours=30)]
    rows[5][1] = "acme\x1b[2J"  # an escape in a topic from the start
    rows[-1][2] = "@x\x1b]8;;https://evil/\x07link"
    return rows


def _delimited(delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(_rows())
    return out.getvalue().encode()


def _jsonl() -> bytes:
    lines = [
        json.dumps(dict(zip(HEADER, r, strict=True)) | {"user": {"name": r[2]}}) for r in _rows()
    ]
    return ("\n".join(lines) + "\n").encode()


def _xlsx(tmp: Path, rows: list[list[str]]) -> bytes:
    path = tmp / "seed.xlsx"
    book = xlsxwriter.Workbook(path, {"strings_to_numbers": True})
    sheet = book.add_worksheet("Mentions")
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    return path.read_bytes()


def _cells(data: bytes) -> list[list[str]]:
    """Mutated CSV bytes as rows of cells, for a workbook."""
    text = data.decode("utf-8", errors="replace")
    return [line.split(",")[:50] for line in text.split("\n")[:2000]]


def _zip(member: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export/mentions.csv", member)
    return out.getvalue()


Plan = list[tuple[int, int, bytes, int]]


def mutations(size: int) -> st.SearchStrategy[Plan]:
    """Up to 6 edits of ``size`` bytes: (operation, offset, fragment, span)."""
    edit = st.tuples(
        st.integers(0, 4), st.integers(0, size), st.sampled_from(FRAGMENTS), st.integers(1, 400)
    )
    return st.lists(edit, max_size=6)


def _apply(data: bytes, plan: Plan) -> bytes:
    """Insert a fragment, delete a span, overwrite, repeat a span, or cut the file there."""
    for op, offset, piece, span in plan:
        at = min(offset, len(data))
        if op == 0:
            data = data[:at] + piece + data[at:]
        elif op == 1:
            data = data[:at] + data[at + span :]
        elif op == 2:
            data = data[:at] + piece + data[at + len(piece) :]
        elif op == 3:
            data = data[:at] + data[at : at + span] * 3 + data[at:]
        else:
            data = data[: max(at, 1)]
    return data


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[subprocess.Popen[str]]:
    tmp = tmp_path_factory.mktemp("fuzz-worker")
    env = {**os.environ, "TMPDIR": str(tmp), "STORMWATCH_CONFIG_DIR": str(tmp / "config")}
    env["LANG"] = "C.UTF-8"
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("fuzz_worker.py"))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=60)


def _scan(worker: subprocess.Popen[str], *args: str) -> dict[str, Any]:
    assert worker.stdin is not None
    assert worker.stdout is not None
    worker.stdin.write(json.dumps(["scan", *args]) + "\n")
    worker.stdin.flush()
    answer: dict[str, Any] = json.loads(worker.stdout.readline())
    return answer


KINDS = ["csv", "tsv", "jsonl", "xlsx", "zip", "zip-of-mutated-csv", "xlsx-of-mutated-csv"]


@functools.cache
def seeds() -> dict[str, bytes]:
    """The unmutated exports (a module-level cache, not a fixture: Hypothesis would print it
    with every failure)."""
    with tempfile.TemporaryDirectory() as tmp:
        book = _xlsx(Path(tmp), [list(HEADER), *_rows()])
    return {
        "csv": _delimited(","),
        "tsv": _delimited("\t"),
        "jsonl": _jsonl(),
        "xlsx": book,
        "zip": _zip(_delimited(";")),
        "zip-of-mutated-csv": _delimited(","),
        "xlsx-of-mutated-csv": _delimited(","),
    }


_DEADLINE: list[float] = []


@settings(
    max_examples=max(20, int(SECONDS * 10)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    kind=st.sampled_from(KINDS),
    plan=mutations(12_000),
    fmt=st.sampled_from(["table", "markdown", "csv"]),
)
def test_mutated_exports(
    worker: subprocess.Popen[str],
    tmp_path: Path,
    kind: str,
    plan: Plan,
    fmt: str,
) -> None:
    if not _DEADLINE:
        _DEADLINE.append(time.monotonic() + SECONDS)
    if time.monotonic() > _DEADLINE[0]:
        return  # the time budget is spent: the remaining examples pass at once
    data = _apply(seeds()[kind], plan)
    if kind == "zip-of-mutated-csv":
        data = _zip(data)
    elif kind == "xlsx-of-mutated-csv":
        data = _xlsx(tmp_path, _cells(data))
    suffix = {"tsv": ".tsv", "jsonl": ".jsonl"}.get(kind, ".zip")
    suffix = ".xlsx" if kind.startswith("xlsx") else suffix
    path = tmp_path / f"export{suffix if kind != 'csv' else '.csv'}"
    path.write_bytes(data)
    assert len(data) < 10 << 20
    for args in (("--format", "json"), ("--format", fmt)):
        result = _scan(worker, str(path), *args)
        where = f"{kind} {args}: {result['stderr'][-600:]}"
        assert result["code"] in (ExitCode.OK, ExitCode.ERROR), where
        assert result["exception"] is None, where
        output = result["stdout"] + result["stderr"]
        for sign in ("Traceback", "panicked", "PanicException", "this is a bug"):
            assert sign not in output, where
        assert "\x1b" not in output, where
        assert "\x9b" not in output, where
        assert result["maxrss_kb"] < LIMIT_KB, where
        if result["code"] == ExitCode.OK and args[1] == "json":
            block = json.loads(result["stdout"])["input"]
            assert block["rows_read"] == (
                block["rows_used"]
                + block["rows_rejected"]
                + block["rows_duplicate"]
                + block["rows_after_evaluation"]
            ), where
