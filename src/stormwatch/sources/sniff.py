"""Sniffing: how a file's text is encoded, its delimiter and number formats, and where its
table starts (what the file is, and which reader opens it: :mod:`stormwatch.sources.containers`).

Everything here reads at most the first :data:`SAMPLE_BYTES` and the last :data:`TAIL_BYTES`
of a file, except :func:`transcode`, which streams a whole text file into UTF-8 for polars.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stormwatch.errors import InputError
from stormwatch.scratch import scratch_file
from stormwatch.sources.anchors import MAX_HEADER_ROWS, choose_header, header_score, is_blank
from stormwatch.text.notes import Note

SAMPLE_BYTES = 256 * 1024
TAIL_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")
#: Data rows after the header looked at for number formats.
DATA_SAMPLE_ROWS = 200
#: Columns a header row may have. Exports have tens to a few hundred; a line of millions of
#: fields (a damaged or hostile file) made polars panic or take gigabytes.
MAX_COLUMNS = 5000

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_LONE_CR = re.compile(r"\r(?!\n)")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sample:
    """The first and last bytes of a file; ``complete`` when ``head`` is the whole file."""

    head: bytes
    tail: bytes
    size: int

    @property
    def complete(self) -> bool:
        return len(self.head) == self.size


def read_sample(path: Path, name: str) -> Sample:
    """Read the head (and, for big files, the tail) of ``path``."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SAMPLE_BYTES)
            size = fh.seek(0, 2)
            tail = b""
            if size > len(head):
                fh.seek(max(len(head), size - TAIL_BYTES))
                tail = fh.read()
    except OSError as exc:
        raise InputError(name, f"cannot read the file: {exc.strerror or exc}") from None
    return Sample(head, tail, size)


# --- text encoding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """How a text file is encoded, and its decoded head (lone CRs already turned into LF)."""

    codec: str  # a Python codec name: utf-8, utf-16-le, utf-16-be or cp1252
    bom: int  # bytes of byte order mark to skip
    lone_cr: bool  # old-Mac line breaks, which polars does not split on
    head: str
    note: str | None = None

    @property
    def needs_transcoding(self) -> bool:
        """polars' CSV reader reads UTF-8 (with or without BOM) with LF or CRLF line breaks."""
        return self.codec != "utf-8" or self.lone_cr


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte order mark: ASCII characters leave every other byte NUL."""
    probe = head[:4096]
    if len(probe) < 8:
        return None
    even, odd = probe[0::2].count(0) / (len(probe) / 2), probe[1::2].count(0) / (len(probe) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _valid_utf8(data: bytes, final: bool, skip_leading: bool = False) -> bool:
    if skip_leading:  # the tail may start inside a multi-byte character
        data = data[next((i for i, b in enumerate(data[:4]) if b & 0xC0 != 0x80), 0) :]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def detect_text(name: str, sample: Sample) -> Text:
    """Encoding by BOM (UTF-8, UTF-16 LE/BE), else UTF-8, else Windows-1252 (with a note).

    Raises InputError for an empty file and for binary data.
    """
    head = sample.head
    codec, bom = next(((c, len(b)) for b, c in _BOMS if head.startswith(b)), (None, 0))
    note = None
    if codec is None:
        codec = _utf16_without_bom(head)
    if codec is None:
        # A few NUL bytes in text are damage (their rows are set aside, see sources.repair);
        # many are binary data.
        if head.count(0) + sample.tail.count(0) > max(2, (len(head) + len(sample.tail)) // 1000):
            raise _binary(name)
        codec = "utf-8"
        if not _valid_utf8(head, sample.complete) or not _valid_utf8(
            sample.tail, True, skip_leading=True
        ):
            codec = "cp1252"
            note = Note("cp1252", file=name)
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    text = decoder.decode(head[bom:], final=sample.complete)
    if not text.strip():
        raise InputError(name, "the file is empty", hint="export the mentions again")
    # NUL or other control characters: not text (a Word file, an image, random bytes).
    if len(_CONTROL.findall(text[:65536])) > max(2, len(text[:65536]) // 1000):
        raise _binary(name)
    body = text if sample.complete else text[:-1]  # a CR cut off from its LF is not lone
    lone_cr = _LONE_CR.search(body) is not None
    if lone_cr:
        text = _LONE_CR.sub("\n", text)
    return Text(codec, bom, lone_cr, text, note)


def _binary(name: str) -> InputError:
    return InputError(
        name,
        "not a file stormwatch can read: binary data, not CSV, JSON Lines, XLSX, ZIP or Parquet",
        hint="pass the export as downloaded from the listening tool (CSV, XLSX, ZIP, ...)",
    )


def transcode(path: Path, text: Text, suffix: str = ".csv") -> Path:
    """Stream ``path`` into a UTF-8 scratch file with LF line breaks where it had lone CRs,
    1 MB at a time. Every line break stays a line break, so line numbers do not change."""
    target = scratch_file(suffix)
    decoder = codecs.getincrementaldecoder(text.codec)(errors="replace")
    carry = ""
    with path.open("rb") as src, target.open("w", encoding="utf-8", newline="") as dst:
        src.seek(text.bom)
        while True:
            chunk = src.read(1 << 20)
            piece = carry + decoder.decode(chunk, final=not chunk)
            carry = ""
            if text.lone_cr:
                if chunk and piece.endswith("\r"):  # its LF may be in the next chunk
                    piece, carry = piece[:-1], "\r"
                piece = _LONE_CR.sub("\n", piece)
            dst.write(piece)
            if not chunk:
                return target


# --- delimited layout ---------------------------------------------------------------------------


@contextlib.contextmanager
def big_fields() -> Iterator[None]:
    """Let the csv module read fields of any size (a 20 MB post text), then restore it."""
    old = csv.field_size_limit(sys.maxsize)
    try:
        yield
    finally:
        csv.field_size_limit(old)


@dataclass(frozen=True)
class Layout:
    """Where the table starts, how it is separated, and how its numbers are written."""

    delimiter: str
    header_line: int  # 1-based physical line where the header row starts
    header: tuple[str, ...]  # the header cells as written
    decimal_comma: bool = False
    #: Sampled data rows with more fields than the header (an unquoted delimiter in a text):
    #: how many, of how many, and the first one's line and field count.
    ragged: tuple[int, int, int, int] | None = None


def _records(text: str, delimiter: str, limit: int, complete: bool) -> list[tuple[int, list[str]]]:
    """The first ``limit`` non-blank records of ``text`` with the line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[tuple[int, list[str]]] = []
    with big_fields():
        while len(found) < limit:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except (StopIteration, csv.Error):
                break
            if not is_blank(row):
                found.append((start, row))
    if not complete and 1 < len(found) < limit:
        found.pop()  # probably cut by the end of the sample
    return found


_NUMBER = re.compile(r"[-+]?[\d.,]*\d")
_GERMAN = re.compile(
    r"[-+]?(\d{1,3}(\.\d{3})+,\d+|0,\d+|\d+,(\d{1,2}|\d{4,})|\d{1,3}(\.\d{3}){2,})"
)
_ENGLISH = re.compile(
    r"[-+]?(\d{1,3}(,\d{3})+\.\d+|0\.\d+|\d+\.(\d{1,2}|\d{4,})|\d{1,3}(,\d{3}){2,})"
)


def decimal_comma(rows: list[list[str]], delimiter: str) -> bool:
    """German numbers ("1.234" = 1234, "1,5" = 1.5)? Unambiguous cells in numeric-looking
    columns decide; without them, a ``;``-separated file (German Excel) is German."""
    width = max((len(r) for r in rows), default=0)
    german = english = False
    for index in range(width):
        cells = [r[index].strip() for r in rows if len(r) > index and r[index].strip()]
        if not cells or sum(bool(_NUMBER.fullmatch(c)) for c in cells) * 2 < len(cells):
            continue
        german = german or any(_GERMAN.fullmatch(c) for c in cells)
        english = english or any(_ENGLISH.fullmatch(c) for c in cells)
    if german != english:
        return german
    return delimiter == ";"


def sniff_layout(name: str, text: Text, complete: bool) -> Layout:
    """Find the delimiter and the header row (by anchor columns) in the decoded head."""
    limit = MAX_HEADER_ROWS + DATA_SAMPLE_ROWS
    parsed = {d: _records(text.head, d, limit, complete) for d in DELIMITERS}
    best: tuple[int, int, int] | None = None  # (score, fields, -delimiter rank)
    choice = (",", 0)
    for rank, d in enumerate(DELIMITERS):
        rows = [cells for _, cells in parsed[d][:MAX_HEADER_ROWS]]
        if not rows:
            continue
        index = choose_header(rows)
        key = (header_score(rows[index]), len(rows[index]), -rank)
        if best is None or key > best:
            best, choice = key, (d, index)
    if best is None:
        raise InputError(name, "the file is empty", hint="export the mentions again")
    # Without known names, choose_header took the first row and the delimiter that splits it
    # into the most fields won.
    delimiter, index = choice
    records = parsed[delimiter]
    line, header = records[index]
    if len(header) > MAX_COLUMNS:
        cut = not complete and index == len(records) - 1  # the sample ended inside the header
        count = f"at least {len(header):,}" if cut else f"{len(header):,}"
        raise InputError(
            name,
            f"the header row has {count} columns; stormwatch reads at most {MAX_COLUMNS:,}",
            line=line,
            hint="this is not a mentions export (or it is damaged): export the mentions again",
        )
    data = [cells for _, cells in records[index + 1 :]]
    wide = [(at, len(cells)) for at, cells in records[index + 1 :] if len(cells) > len(header)]
    ragged = (len(wide), len(data), *wide[0]) if wide else None
    return Layout(delimiter, line, tuple(header), decimal_comma(data, delimiter), ragged)
