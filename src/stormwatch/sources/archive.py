"""ZIP reader: big Brandwatch "Data Download" exports come as a ZIP holding CSV files.

Each table member is streamed into the scratch directory and opened like a file of its own;
its tables are named ``archive.zip:member.csv`` in every message.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path, PurePosixPath

from stormwatch.errors import InputError
from stormwatch.sources.table import RawTable, scratch_file

#: Members read as tables, by extension. (Other files, e.g. a README, are skipped.)
TABLE_SUFFIXES = (".csv", ".tsv", ".tab", ".txt", ".xlsx", ".xls", ".jsonl", ".ndjson", ".parquet")
_BROKEN = "the file is damaged or was not downloaded completely; download it again"


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
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
        raise InputError(name, f"cannot unpack: {exc}", hint=_BROKEN) from None
    return target


def open_zip(path: Path, name: str | None = None) -> list[RawTable]:
    """Open every CSV (or other table) member of a ZIP archive, in archive order."""
    from stormwatch.sources.sniff import open_file

    name = name or str(path)
    try:
        with zipfile.ZipFile(path) as archive:
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
        tables.extend(open_file(member_path, member_name, in_archive=True))
    return tables
