"""The CLI as a real process: for what CliRunner cannot show (a hang, a signal, a crash of
the Rust side, memory), with a timeout, resource limits and a private TMPDIR."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path


def cli_env(tmp: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The test's environment (already isolated by conftest) with TMPDIR in ``tmp``."""
    scratch = tmp / "tmpdir"
    scratch.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(scratch), **(extra or {})}


def _limits(limits: Mapping[int, int]) -> Callable[[], None] | None:
    if not limits:
        return None

    def apply() -> None:
        for which, value in limits.items():
            resource.setrlimit(which, (value, value))

    return apply


def run_cli(
    tmp: Path,
    *args: str,
    timeout: float = 120,
    limits: Mapping[int, int] | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``stormwatch ARGS`` in a child process; a hang fails the test instead of blocking it.
    ``limits``: resource limits of the child, e.g. ``{resource.RLIMIT_FSIZE: 4096}``."""
    return subprocess.run(
        [sys.executable, "-m", "stormwatch", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(tmp, env),
        preexec_fn=_limits(limits or {}),
        check=False,
    )
