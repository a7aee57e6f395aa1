"""CSV / TSV reader: sniff the layout and scan the cells lazily as a RawTable.

UTF-8 files are scanned in place by ``pl.scan_csv`` (no per-row Python work); UTF-16 and
Windows-1252 files, and files with old-Mac line breaks, are first streamed into a UTF-8
scratch file with the same line breaks, so every line number still refers to the original.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from stormwatch.errors import InputError
from stormwatch.sources.repair import check_in_background, needs_repair, repair
from stormwatch.sources.sniff import (
    Layout,
    Sample,
    big_fields,
    detect_text,
    read_sample,
    sniff_layout,
    transcode,
)
from stormwatch.sources.table import BAD, ROW, RawTable, unique_names
from stormwatch.text.notes import Note


def physical_line(path: Path, layout: Layout, record_line: int) -> int:
    """The exact 1-based line where the record numbered ``record_line`` (header line + 1 + row
    index) starts, counting quoted newlines (see :func:`physical_lines`)."""
    return physical_lines(path, layout, [record_line])[0]


#: Bytes of the file looked at a time by :func:`physical_lines`.
CHUNK = 1 << 24


def physical_lines(path: Path, layout: Layout, record_lines: Sequence[int]) -> list[int]:
    """The physical line of each record line (header line + 1 + row index) in one read of the
    file, counting the newlines inside quoted fields.

    A newline ends a record where the quotes before it are even in number (a doubled quote
    inside a quoted field is two), as polars splits records: numpy finds the newlines and the
    quotes of 16 MiB at a time, so no Python runs per record (the csv module took 3 s to reach
    the middle of 5M rows). Lines end at ``\n`` (also of ``\r\n``; a lone ``\r`` is no line
    break). The lines before the header count as records; a record the file does not reach
    keeps its record line."""
    import numpy as np

    # the data record at index t starts after `header_line + t` record ends
    ends = np.array(sorted({n - 1 for n in record_lines if n > layout.header_line}), np.int64)
    found: dict[int, int] = {}
    done = newlines = records = odd = 0  # so far: ends found, newlines, record ends, quotes % 2
    with path.open("rb") as fh:
        while done < ends.size and (chunk := fh.read(CHUNK)):
            data = np.frombuffer(chunk, np.uint8)
            quotes = np.cumsum(data == ord('"'), dtype=np.uint32)
            at = np.flatnonzero(data == ord("\n"))
            closing = at[(quotes[at] + odd) % 2 == 0]  # the record ends of this chunk
            upto = int(np.searchsorted(ends, records + closing.size, side="right"))
            here = ends[done:upto]
            # the newlines up to each record end; the next line is the record's
            lines = newlines + np.searchsorted(at, closing[here - records - 1]) + 2
            found.update(zip((here + 1).tolist(), lines.tolist(), strict=True))
            done, newlines, records = upto, newlines + at.size, records + closing.size
            odd = (odd + int(quotes[-1])) % 2
    return [found.get(n, n) for n in record_lines]


def _tail_values(
    path: Path, layout: Layout, header: tuple[str, ...], column: str, size: int = 64 * 1024
) -> list[str]:
    """Raw values of ``column`` in the last ``size`` bytes (whole lines only). A record cut by
    the boundary may yield garbage, which simply fails to parse."""
    if column not in header:
        return []
    index = header.index(column)
    with path.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - size))
        data = fh.read()
    text = data.decode("utf-8", errors="replace").partition("\n")[2]
    values: list[str] = []
    with big_fields():
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=layout.delimiter):
                if len(row) > index:
                    values.append(row[index])
        except csv.Error:
            pass
    return values


def _names(cells: tuple[str, ...], flagged: bool, parsed: list[str]) -> list[str]:
    """The sniffed header cells as column names; polars' own parse if it split differently.
    A repaired copy has the :data:`BAD` column last."""
    if flagged:
        return [*unique_names(cells if len(cells) == len(parsed) - 1 else parsed[:-1]), BAD]
    return unique_names(cells if len(cells) == len(parsed) else parsed)


def _scan(path: Path, layout: Layout, flagged: bool = False) -> pl.LazyFrame:
    return pl.scan_csv(
        path,
        separator=layout.delimiter,
        glob=False,  # a file name with [ or * is a name, not a pattern
        skip_lines=layout.header_line - 1,
        infer_schema=False,
        encoding="utf8-lossy",
        truncate_ragged_lines=True,
        raise_if_empty=False,
        row_index_name=ROW,
        null_values=[""],  # a quoted empty field ("") is missing too, like an unquoted one
        with_column_names=functools.partial(_names, layout.header, flagged),
    )


def _bad_record(path: Path, layout: Layout) -> tuple[int, str, str] | None:
    """Where the strict csv module stops reading ``path`` (line, message, hint), if it does."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh, big_fields():
        for _ in range(layout.header_line - 1):
            fh.readline()
        reader = csv.reader(fh, delimiter=layout.delimiter, strict=True)
        start = layout.header_line
        try:
            for _ in reader:
                start = layout.header_line + reader.line_num
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return (
                    start,
                    "a quoted field that starts here is never closed",
                    "the file may be cut off: download the export again",
                )
            return (
                start,
                f"malformed quoting ({exc})",
                'a field with quotes inside must be quoted and the quotes doubled ("")',
            )
    return None


def _parses(frame: pl.LazyFrame) -> bool:
    try:
        frame.collect()
    except pl.exceptions.PolarsError:
        return False
    return True


def _check_small(name: str, path: Path, layout: Layout, frame: pl.LazyFrame) -> None:
    """Read a file that fits in the sample at once, so a quoting error names its line now."""
    try:
        frame.collect()
    except pl.exceptions.PolarsError as exc:
        bad = _bad_record(path, layout)
        if bad is None:
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError(name, f"cannot parse the file: {message}") from None
        line, message, hint = bad
        raise InputError(name, message, line=line, hint=hint) from None


def open_delimited(
    path: Path, name: str | None = None, sample: Sample | None = None, defer_check: bool = False
) -> RawTable:
    """Open a delimited text export (``,`` ``;`` or tab separated) as a RawTable.

    ``name`` is what messages call the file (default: the path); ``sample`` its already read
    head and tail. ``defer_check``: a file larger than its sample is checked for damage on
    another thread while it is read (see ``RawTable.damage``).
    """
    name = name or str(path)
    sample = sample or read_sample(path, name)
    if sample.size == 0:
        raise InputError(name, "the file is empty", hint="export the mentions again")
    text = detect_text(name, sample)
    layout = sniff_layout(name, text, sample.complete)
    source = transcode(path, text) if text.needs_transcoding else path
    repaired = None
    damage = check_in_background(source) if defer_check and not sample.complete else None
    # Odd quotes or a NUL anywhere (unless that check is deferred), or a small file polars
    # cannot read: set the bad records aside (when none is found, the check below names
    # polars' problem).
    checked = damage is None
    if checked and (
        needs_repair(source) or (sample.complete and not _parses(_scan(source, layout)))
    ):
        fixed = repair(source, layout, name)
        if fixed.bad:
            source, repaired = fixed.path, fixed
    frame = _scan(source, layout, flagged=repaired is not None)
    try:
        header = tuple(n for n in frame.collect_schema().names() if n not in (ROW, BAD))
    except pl.exceptions.PolarsError as exc:
        raise InputError(name, f"cannot parse the file: {exc}".splitlines()[0]) from None
    if sample.complete:
        _check_small(name, source, layout, frame)
    return RawTable(
        name=name,
        header=header,
        frame=frame,
        header_line=layout.header_line,
        physical_line=functools.partial(physical_line, source, layout),
        physical_lines=functools.partial(physical_lines, source, layout),
        tail=functools.partial(_tail_values, source, layout, header),
        decimal_comma=layout.decimal_comma,
        notes=tuple(n for n in (text.note, _ragged_note(name, layout)) if n),
        flagged=repaired is not None,
        damage=damage,
    )


def _ragged_note(name: str, layout: Layout) -> str | None:
    """polars keeps the header's fields of a longer row; say so, with the first such line."""
    if layout.ragged is None:
        return None
    count, sampled, line, fields = layout.ragged
    shown = repr(layout.delimiter).replace("'\\t'", "tab")
    return Note(
        "ragged",
        file=name,
        count=count,
        sampled=sampled,
        fields_header=len(layout.header),
        line=line,
        fields=fields,
        delimiter=shown,
    )
