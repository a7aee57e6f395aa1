"""What the benchmarks share: one child process, timed, with its own peak memory."""

from __future__ import annotations

import os
import subprocess
import time


def run(cmd: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process (its own, from ``wait4``: not
    the parent's, which a child would otherwise inherit in ``ru_maxrss``)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss * 1024


def require_identical(same: bool) -> None:
    """Say whether the engines' reports were identical; a benchmark of different answers fails."""
    print(f"reports identical: {same}")
    if not same:
        raise SystemExit(1)
