"""ZIP reader: big Brandwatch "Data Download" exports come as a ZIP holding CSV files.

Each table member is streamed into the scratch directory and opened like a file of its own;
its tables are named ``archive.zip:member.csv`` in every message.
"""

from __future__ import annotations

import shutil
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from stormwatch.errors import InputError
from stormwatch.scratch import scratch_file
from stormwatch.sources.table import RawTable

#: Members read as tables, by extension. (Other files, e.g. a README, are skipped.)
TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xls", ".jsonl", ".ndjson", ".parquet")
_BROKEN = "the file is damaged or was not downloaded completely; download it again"


#: What the members of a ZIP (or of an XLSX, which is a ZIP of XML) may inflate to in total,
#: and by how much one member may grow: a 5 MB workbook whose sheet inflated to 5 GB aborted
#: on memory, and 1 GB of zeros in a ZIP was unpacked into TMPDIR before anything was checked.
MAX_INFLATED = {"zip": 4 << 30, "excel": 1 << 30}
MAX_RATIO = 250
_SMALL = 1 << 20  # members below this may compress as well as they like


def check_inflation(archive: zipfile.ZipFile, name: str, kind: str) -> None:
    """Refuse a zip bomb from the sizes the archive declares, before anything is inflated.

    zipfile (and calamine) stop a member at its declared size, so a lie cannot get past this.
    """
    what = "workbook" if kind == "excel" else "archive"
    hint = (
        "this is not a plain export (or it is damaged); if it is genuine, unpack it and pass "
        "the files inside, or save the mentions sheet as CSV"
    )
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _SMALL and ratio > MAX_RATIO:
            raise InputError(
                name,
                f"{info.filename!r} in the {what} would inflate {ratio:,.0f}-fold, to "
                f"{_size(info.file_size)}; stormwatch refuses more than {MAX_RATIO}-fold "
                "(a zip bomb?)",
                hint=hint,
            )
    if total > MAX_INFLATED[kind]:
        raise InputError(
            name,
            f"the {what} would inflate to {_size(total)}; stormwatch reads at most "
            f"{_size(MAX_INFLATED[kind])}",
            hint=hint,
        )


def _size(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.1f} MB"


def _is_table(info: zipfile.ZipInfo) -> bool:
    member = PurePosixPath(info.filename)
    return (
        not info.is_dir()
        and member.parts[0] != "__MACOSX"  # resource forks added by macOS' Archive Utility
        and not member.name.startswith(".")
        and member.suffix.lower() in TABLE_SUFFIXES
    )


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> Path:
    target = scratch_file(PurePosixPath(info.filename).suffix.lower())
    try:
        with archive.open(info) as src, target.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    except RuntimeError as exc:  # zipfile's word for "encrypted"
        raise InputError(
            name, f"cannot unpack: {exc}", hint="unpack it with its password first"
        ) from None
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, zlib.error) as exc:
        raise InputError(name, f"cannot unpack: {exc}", hint=_BROKEN) from None
    return target


def open_zip(
    path: Path, name: str, open_member: Callable[[Path, str], list[RawTable]]
) -> list[RawTable]:
    """Open every CSV (or other table) member of a ZIP archive, in archive order, each with
    ``open_member(unpacked path, name)``."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_inflation(archive, name, "zip")
            members = [info for info in archive.infolist() if _is_table(info)]
            if not members:
                listed = ", ".join(i.filename for i in archive.infolist()[:10]) or "nothing"
                raise InputError(
                    name,
                    f"the archive holds no CSV files (it holds: {listed})",
                    hint="pass the export itself, or an archive with its CSV files",
                )
            extracted = [(f"{name}:{i.filename}", _extract(archive, i, name)) for i in members]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(name, f"not a valid ZIP archive ({exc})", hint=_BROKEN) from None
    tables: list[RawTable] = []
    for member_name, member_path in extracted:
        tables.extend(open_member(member_path, member_name))
    return tables
