"""The console entry point: the app with every command registered on it."""

from __future__ import annotations

from stormwatch.cli import (  # noqa: F401  (each module registers its commands on `app`)
    alert,
    backtest,
    fetch,
    formats,
    report,
    scan,
    sentiment,
    simulate,
    store,
)
from stormwatch.cli.app import ExitCode, app


def main(prog_name: str = "stormwatch") -> None:
    """Console-script entry point: prepares the process (see :mod:`stormwatch.cli.startup`), then
    runs the command."""
    from stormwatch.cli import startup

    startup.prepare(ExitCode.TERMINATED)
    app(prog_name=prog_name)


__all__ = ["ExitCode", "app", "main"]
