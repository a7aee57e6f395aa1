"""Process set-up for the console entry point (an edge module, like the CLI): what must happen
before polars is imported or any thread starts, and the scratch files of earlier runs."""

from __future__ import annotations

import contextlib
import os
import resource
import tempfile
from pathlib import Path

from stormwatch.errors import StormwatchError

MEMORY_HINT = (
    "under a memory limit (ulimit -v, systemd MemoryMax) allow stormwatch more: 1 GB for "
    "exports of a few MB"
)
#: Address space below which a scan cannot even start its threads: refused at once, rather
#: than a Rust abort (exit 134) half-way.
MIN_ADDRESS_SPACE = 640 << 20


def prepare(terminated_code: int) -> None:
    """Sweep the scratch of killed runs, fit an address-space limit, clean up on SIGTERM."""
    from stormwatch.scratch import sweep_stale

    sweep_stale(Path(tempfile.gettempdir()))
    _fit_address_space_limit()
    _remove_scratch_on_sigterm(terminated_code)


def check_address_space() -> None:
    """Raise a StormwatchError when ``ulimit -v`` leaves too little to start at all."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY and soft < MIN_ADDRESS_SPACE:
        raise StormwatchError(
            f"the address-space limit is {soft >> 20} MB; stormwatch needs at least "
            f"{MIN_ADDRESS_SPACE >> 20} MB",
            hint=MEMORY_HINT,
        )


def _fit_address_space_limit() -> None:
    """Under ``ulimit -v`` (RLIMIT_AS) glibc gives every thread its own malloc arena, each
    reserving 64 MB or more of address space: with polars' and OpenBLAS' threads a scan of the
    4 MB sample reserved 1.5 GB, and polars panicked, aborted or hung when a thread could not
    start or allocate. Two arenas and at most 8 polars threads keep it near 550 MB."""
    import ctypes

    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return
    os.environ.setdefault("POLARS_MAX_THREADS", str(min(os.cpu_count() or 1, 8)))
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its own allocator rules
        ctypes.CDLL(None).mallopt(-8, 2)  # mallopt(M_ARENA_MAX, 2)


def _remove_scratch_on_sigterm(code: int) -> None:
    """SIGTERM (systemd stopping a unit, a cron timeout, kill) removes the scratch files as
    an exit does, then exits with ``code``. The main thread may sit in polars for minutes,
    where a Python signal handler would not run, so every thread blocks SIGTERM (threads
    inherit the mask) and one waits for it."""
    import signal
    import threading

    from stormwatch.scratch import remove_scratch

    def wait() -> None:
        signal.sigwait({signal.SIGTERM})
        remove_scratch()
        os._exit(code)

    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
    threading.Thread(target=wait, name="stormwatch-sigterm", daemon=True).start()
