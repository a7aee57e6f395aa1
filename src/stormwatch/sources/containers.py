"""Containers: what a file is (delimited text, JSON Lines, a workbook, Parquet, a ZIP of
tables), by its magic bytes first and its name second, and the reader that opens it."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Literal

from stormwatch.errors import InputError
from stormwatch.sources.archive import check_inflation, open_zip
from stormwatch.sources.columnar import open_jsonl, open_parquet
from stormwatch.sources.delimited import open_delimited
from stormwatch.sources.excel import open_excel
from stormwatch.sources.sniff import read_sample
from stormwatch.sources.table import RawTable

Kind = Literal["delimited", "jsonl", "excel", "zip", "parquet"]

_PACKED = {  # magic bytes of compressed files that are not tables themselves
    b"\x1f\x8b": "gzip-compressed",
    b"\x28\xb5\x2f\xfd": "zstd-compressed",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
    b"Rar!\x1a\x07": "a RAR archive",
}
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")


def _zip_kind(path: Path, name: str) -> Kind:
    """A workbook or an archive of tables, by its members; a zip bomb is refused here, before
    either reader inflates anything."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = {i.filename: i for i in archive.infolist()}
            mimetype = b""
            if "mimetype" in members and members["mimetype"].file_size < 1024:
                mimetype = archive.read("mimetype")[:60]
            kind: Kind = "zip"
            if "xl/workbook.xml" in members or b"opendocument.spreadsheet" in mimetype:
                kind = "excel"
            check_inflation(archive, name, kind)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, zlib.error) as exc:
        what = "XLSX workbook" if name.lower().endswith((".xlsx", ".xlsm")) else "ZIP archive"
        raise InputError(
            name,
            f"not a valid {what} ({exc})",
            hint="the file is damaged or was not downloaded completely; download it again",
        ) from None
    return kind


def container_kind(path: Path, name: str, head: bytes) -> Kind:
    """What ``path`` holds, by its magic bytes first and its extension second."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path, name)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy .xls
        return "excel"
    if head.startswith(b"PAR1"):
        return "parquet"
    for magic, what in _PACKED.items():
        if head.startswith(magic):
            raise InputError(
                name,
                f"the file is {what}",
                hint="unpack it first and pass the file inside (CSV, XLSX or JSON Lines)",
            )
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if first == b"{" or name.lower().endswith(_JSONL_SUFFIXES):
        return "jsonl"
    return "delimited"


def open_file(
    path: Path, name: str, *, in_archive: bool = False, defer_check: bool = False
) -> list[RawTable]:
    """Open ``path`` with the reader for its container; ``name`` is what messages call it;
    ``defer_check``: see ``delimited.open_delimited``."""
    sample = read_sample(path, name)
    kind = container_kind(path, name, sample.head) if sample.size else "delimited"
    if kind == "zip":
        if in_archive:
            raise InputError(name, "is an archive inside an archive", hint="unpack it first")
        return open_zip(path, name, open_member=_open_member)
    if kind == "excel":
        return [open_excel(path, name)]
    if kind == "parquet":
        return [open_parquet(path, name)]
    if kind == "jsonl":
        return [open_jsonl(path, name, sample)]
    return [open_delimited(path, name, sample, defer_check)]


def _open_member(path: Path, name: str) -> list[RawTable]:
    """A member unpacked from an archive: any container but another archive."""
    return open_file(path, name, in_archive=True)
