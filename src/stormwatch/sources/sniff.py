"""Sniffing the physical layout of a delimited text file: encoding, header line, delimiter."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from stormwatch.errors import InputError

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t")
_BOMS = {
    b"\xff\xfe": "UTF-16 LE",
    b"\xfe\xff": "UTF-16 BE",
}


@dataclass(frozen=True)
class Layout:
    """Where the table starts and how it is separated."""

    delimiter: str
    header_line: int  # 1-based physical line of the header row
    header: tuple[str, ...]
    has_bom: bool


def _decode(path: Path, raw: bytes, truncated: bool) -> str:
    for bom, name in _BOMS.items():
        if raw.startswith(bom):
            raise InputError(
                path,
                f"the file is {name} encoded, which this reader does not support",
                hint="save it as UTF-8 (in Excel: 'CSV UTF-8')",
            )
    if b"\x00" in raw[:4096]:
        raise InputError(
            path, "this is not a text file (it contains NUL bytes)", hint="pass a CSV export"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample boundary is not an error.
        if truncated and exc.start >= len(raw) - 4:
            return raw[: exc.start].decode("utf-8-sig")
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            line=line,
            hint="save the file as UTF-8 (in Excel: 'CSV UTF-8')",
        ) from None


def _pick_delimiter(line: str) -> str:
    counts = {d: len(next(csv.reader([line], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 1 else ","


def sniff_layout(path: Path) -> Layout:
    """Read the first bytes of ``path`` and find the header row and the delimiter."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(SAMPLE_BYTES + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read the file: {exc.strerror}") from None
    truncated = len(raw) > SAMPLE_BYTES
    text = _decode(path, raw[:SAMPLE_BYTES], truncated)
    lines = io.StringIO(text).read().splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            delimiter = _pick_delimiter(line)
            # Names stay as polars reads them (' author'); matching normalises them anyway.
            header = tuple(next(csv.reader([line], delimiter=delimiter)))
            return Layout(delimiter, number, header, raw.startswith(b"\xef\xbb\xbf"))
    raise InputError(path, "the file is empty", hint="export the mentions again")
