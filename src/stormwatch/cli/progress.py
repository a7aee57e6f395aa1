"""A progress bar on stderr for long reads (edge module: the CLI uses it, the core never does).

polars reads files inside one native call, so progress is measured from the outside: the bytes
this process has read so far (``rchar`` in /proc/self/io on Linux) against the inputs' total
size. Where that counter does not exist, the bar shows elapsed time only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

THRESHOLD_BYTES = 50 * 1024 * 1024
_PROC_IO = Path("/proc/self/io")


def bytes_read(proc_io: Path = _PROC_IO) -> int | None:
    """Bytes this process has read through system calls so far, or None if unknown."""
    try:
        for line in proc_io.read_text().splitlines():
            if line.startswith("rchar:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def input_size(paths: Sequence[str | Path]) -> int:
    """Total size in bytes of the existing input files."""
    total = 0
    for path in paths:
        try:
            total += Path(path).stat().st_size
        except OSError:
            continue
    return total


def wanted(total_bytes: int, *, is_terminal: bool, quiet: bool) -> bool:
    """Show a bar only for large inputs, on a terminal, unless --quiet."""
    return total_bytes > THRESHOLD_BYTES and is_terminal and not quiet


@contextmanager
def reading_progress(
    console: Any,
    total_bytes: int,
    *,
    counter: Callable[[], int | None] = bytes_read,
    interval: float = 0.2,
) -> Iterator[None]:
    """Show a transient bar on ``console`` (a rich Console on stderr) while the block runs."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    start = counter()
    measurable = start is not None
    progress = Progress(
        TextColumn("reading"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    task = progress.add_task("read", total=total_bytes if measurable else None)
    stop = threading.Event()

    def update() -> None:
        while not stop.wait(interval):
            now = counter()
            if start is not None and now is not None:
                # A second pass may read more than the inputs' size: hold just below the end.
                progress.update(task, completed=min(now - start, int(total_bytes * 0.99)))

    worker = threading.Thread(target=update, daemon=True)
    with progress:
        worker.start()
        try:
            yield
        finally:
            stop.set()
            worker.join()
