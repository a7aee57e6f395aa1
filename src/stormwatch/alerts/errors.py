"""Errors of the alert machinery. All are StormwatchErrors, so the CLI's one boundary reports
them; the CLI maps :class:`LockedError` to its own exit code."""

from __future__ import annotations

from pathlib import Path

from stormwatch.errors import StormwatchError


class StateError(StormwatchError):
    """The state file cannot be used (corrupt, another program's, a newer schema). Never
    repaired or overwritten automatically: it holds undelivered messages."""

    def __init__(self, path: str | Path, message: str, *, hint: str | None = None) -> None:
        self.path = str(path)
        super().__init__(f"{self.path}: {message}", hint=hint)


class LockedError(StormwatchError):
    """Another run holds the lock on the state file; this run did nothing."""

    def __init__(self, path: str | Path, holder: str | None = None) -> None:
        self.path = str(path)
        who = f" (pid {holder})" if holder else ""
        super().__init__(
            f"another stormwatch alert run{who} holds the lock on {self.path}; nothing done",
            hint="runs overlap: let the cron interval exceed a run's duration",
        )


class DeliveryError(StormwatchError):
    """A message was not accepted (server down, refused, timeout). It stays in the outbox."""
