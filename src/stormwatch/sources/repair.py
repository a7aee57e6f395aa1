"""Damaged delimited text: one stray quote made a whole CSV unreadable (or, past the sample,
silently glued rows together), one NUL byte made it "binary", and a download cut off inside a
quoted field was used with its text truncated. Here the bad records are set aside and the rest
is read.

:func:`needs_repair` is one cheap pass over the bytes (an odd number of quote characters, or a
NUL); only then :func:`repair` parses the file record by record with the strict csv module and
writes a scratch copy with one more column, :data:`~stormwatch.sources.table.BAD`: empty for a
good record, the reason for a bad one. A bad record is only its first line (its fields as the
lenient csv module reads them); the lines after it are read again as records of their own, so
one stray quote costs one row. Every line stays a line, so line numbers do not change.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stormwatch.errors import InputError
from stormwatch.scratch import scratch_file
from stormwatch.sources.sniff import Layout, big_fields
from stormwatch.sources.table import BAD

#: Reasons of rows set aside here (see ``pipeline.normalise.REASONS``).
UNCLOSED = "unclosed quote"
MALFORMED = "malformed quoting"
NUL = "NUL byte"
#: Lines one record may span before its opening quote counts as a stray one.
MAX_RECORD_LINES = 10_000
_HINTS = {
    UNCLOSED: "the file may be cut off: download the export again",
    MALFORMED: 'a field with quotes inside must be quoted and the quotes doubled ("")',
    NUL: "the file holds binary data (NUL bytes): export it again",
}
_MESSAGES = {
    UNCLOSED: "a quoted field that starts here is never closed",
    MALFORMED: "malformed quoting",
    NUL: "a NUL byte (binary data)",
}


def needs_repair(path: Path) -> bool:
    """An odd number of ``"`` (a quote never closed) or a NUL byte anywhere in ``path``.

    The file is mapped 64 MiB at a time, not read (no copy out of the page cache; a mapped
    page counts as resident, so one window at a time keeps the peak RSS down), and numpy
    compares 4 MiB at a time: 2x faster than reading blocks for ``bytes.count``, which
    matters as the file grows (1.5 GB per 10M mentions)."""
    import mmap

    import numpy as np

    size, quotes = path.stat().st_size, 0
    window, block = 1 << 26, 1 << 22  # window: a multiple of mmap.ALLOCATIONGRANULARITY
    with path.open("rb") as fh:
        for offset in range(0, size, window):
            length = min(window, size - offset)
            with mmap.mmap(fh.fileno(), length, access=mmap.ACCESS_READ, offset=offset) as part:
                if part.find(b"\0") != -1:  # memchr: a quarter of numpy's all()
                    return True
                for start in range(0, length, block):
                    data = np.frombuffer(part, np.uint8, min(block, length - start), start)
                    quotes += int(np.count_nonzero(data == ord('"')))
                    del data  # the map cannot close while a view of it is alive
    return quotes % 2 == 1


def check_in_background(path: Path) -> Future[bool]:
    """:func:`needs_repair` on a thread of its own, so that the check overlaps the read of the
    file instead of preceding it (numpy and the page cache work without the GIL): a tenth of
    a scan's time on a large file. Whoever reads the file must wait for the answer before
    trusting what was read (``pipeline.analyse`` reads a damaged file again, checked)."""
    answer: Future[bool] = Future()

    def check() -> None:
        try:
            answer.set_result(needs_repair(path))
        except BaseException as exc:  # handed to whoever waits (e.g. the file vanished)
            answer.set_exception(exc)

    threading.Thread(target=check, name=f"check {path.name}", daemon=True).start()
    return answer


@dataclass(frozen=True)
class Repaired:
    """The scratch copy, and how many records it sets aside."""

    path: Path
    bad: int


class _TooLong(Exception):
    """A record spans more than MAX_RECORD_LINES lines."""


class _Lines:
    """The decoded lines of a file for csv.reader, with the lines of the record being read
    kept, so a bad record's later lines can be read again."""

    def __init__(self, raw: Iterator[bytes], first_number: int) -> None:
        self._raw = raw
        self._again: list[tuple[int, bytes]] = []
        self._next = first_number
        self.record: list[tuple[int, bytes]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.record) >= MAX_RECORD_LINES:
            raise _TooLong
        if self._again:
            number, line = self._again.pop()
        else:
            line = next(self._raw)
            number = self._next
            self._next += 1
        self.record.append((number, line))
        return line.decode("utf-8", errors="replace")

    def push_back(self, lines: list[tuple[int, bytes]]) -> None:
        self._again.extend(reversed(lines))


def _fields(line: bytes, delimiter: str) -> list[str]:
    """A bad line's cells for the rejects: split at every delimiter, quotes ignored (the
    quoting is what is wrong) and taken off the ends."""
    text = line.decode("utf-8", errors="replace").rstrip("\r\n").replace("\x00", "")
    return [cell.strip('"') for cell in text.split(delimiter)]


def repair(path: Path, layout: Layout, name: str) -> Repaired:
    """Copy ``path`` with the :data:`BAD` column; an InputError when most records are bad."""
    target = scratch_file(".csv")
    width = len(layout.header)
    bad, records = 0, 0
    first: tuple[int, str] | None = None  # (line, reason)
    with path.open("rb") as src, target.open("wb") as dst, big_fields():
        for _ in range(layout.header_line - 1):  # a preamble, as it is
            dst.write(src.readline())
        lines = _Lines(iter(src), layout.header_line)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=layout.delimiter, lineterminator="\n")
        header = True
        while True:
            lines.record = []
            reader = csv.reader(lines, delimiter=layout.delimiter, strict=True)
            reason = None
            try:
                row = next(reader)
            except StopIteration:
                break
            except _TooLong:
                reason = UNCLOSED
            except csv.Error as exc:
                reason = UNCLOSED if "unexpected end of data" in str(exc) else MALFORMED
            else:
                if any("\x00" in cell for cell in row):
                    reason = NUL
            taken = lines.record
            if reason is None:
                if header:
                    writer.writerow([*row, BAD])
                elif row:
                    writer.writerow([*(row + [""] * width)[:width], ""])
                    records += 1
                else:  # a blank line stays blank
                    out.write("\n")
                header = False
                _flush(out, dst)
                continue
            if header:  # the header itself: nothing to read
                raise _error(name, taken[0][0], reason)
            number, line = taken[0]
            lines.push_back(taken[1:])
            writer.writerow([*(_fields(line, layout.delimiter) + [""] * width)[:width], reason])
            _flush(out, dst)
            bad, records = bad + 1, records + 1
            first = first or (number, reason)
        _flush(out, dst, force=True)
    if first is not None and bad * 2 > records:
        raise _error(name, first[0], first[1], f" ({bad:,} of {records:,} rows are damaged)")
    return Repaired(target, bad)


def _flush(out: io.StringIO, dst: BinaryIO, force: bool = False) -> None:
    """Write what the csv writer holds, 1 MB at a time."""
    if force or out.tell() > 1 << 20:
        dst.write(out.getvalue().encode("utf-8"))
        out.seek(0)
        out.truncate()


def _error(name: str, line: int, reason: str, extra: str = "") -> InputError:
    return InputError(name, _MESSAGES[reason] + extra, line=line, hint=_HINTS[reason])
