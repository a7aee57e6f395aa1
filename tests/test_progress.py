"""The progress bar: when it shows, and that it follows the byte counter."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from stormwatch.cli import progress


def test_bytes_read_parses_proc_io(tmp_path: Path) -> None:
    fake = tmp_path / "io"
    fake.write_text("rchar: 12345\nwchar: 7\n")
    assert progress.bytes_read(fake) == 12345
    assert progress.bytes_read(tmp_path / "missing") is None
    (tmp_path / "odd").write_text("wchar: 7\n")
    assert progress.bytes_read(tmp_path / "odd") is None


def test_only_large_inputs_on_a_terminal_get_a_bar(tmp_path: Path) -> None:
    small = tmp_path / "s.csv"
    small.write_bytes(b"x" * 10)
    assert progress.input_size([small, tmp_path / "missing.csv"]) == 10
    big = progress.THRESHOLD_BYTES + 1
    assert progress.wanted(big, is_terminal=True, quiet=False)
    assert not progress.wanted(big, is_terminal=False, quiet=False)
    assert not progress.wanted(big, is_terminal=True, quiet=True)
    assert not progress.wanted(10, is_terminal=True, quiet=False)


def test_bar_follows_the_counter_and_vanishes() -> None:
    reads = iter([1_000, 1_000, 51_000, 101_000, 101_000, 101_000, 101_000])
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80)
    with progress.reading_progress(
        console, 100_000, counter=lambda: next(reads, 101_000), interval=0.01
    ):
        import time

        time.sleep(0.1)
    text = out.getvalue()
    assert "reading" in text
    assert "99.0/100.0 kB" in text  # held just below the end until the block finishes
