"""Scratch files: transcoded text and members unpacked from archives, which lazy frames scan
long after their reader returned. They live in one directory per process,
``$TMPDIR/stormwatch-<pid>-<random>``, removed at exit (:func:`remove_scratch`, also on
SIGTERM through the CLI); :func:`sweep_stale` removes the directories of processes that died
without cleaning up (SIGKILL, a crash, power loss), which can hold gigabytes."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

#: The scratch directory of this process: {pid: directory}.
_SCRATCH: dict[int, Path] = {}
_NAME = re.compile(r"stormwatch-(\d+)-")


def remove_scratch() -> None:
    """Remove this process's scratch directory (a forked child leaves its parent's alone)."""
    directory = _SCRATCH.pop(os.getpid(), None)
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)


def scratch_file(suffix: str = "") -> Path:
    """A new empty file in this process's scratch directory (removed at exit).

    Lazy frames scan these files long after the reader returned, and derived frames no longer
    reference the Python object that made them, so the files live as long as the process.
    """
    pid = os.getpid()
    if pid not in _SCRATCH:
        _SCRATCH[pid] = Path(tempfile.mkdtemp(prefix=f"stormwatch-{pid}-"))
        atexit.register(remove_scratch)
    fd, name = tempfile.mkstemp(suffix=suffix, dir=_SCRATCH[pid])
    os.close(fd)
    return Path(name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def sweep_stale(directory: Path) -> list[Path]:
    """Remove the scratch directories in ``directory`` (the TMPDIR) of this user's processes
    that no longer run; returns them. A reused pid keeps its directory: never too much."""
    removed: list[Path] = []
    try:
        entries = list(directory.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        try:
            info = entry.lstat()  # a symlink is not followed
        except OSError:
            continue
        mine = info.st_uid == os.getuid() and stat.S_ISDIR(info.st_mode)
        if match and mine and not _alive(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed
