"""The stormwatch error family.

The core raises only these (programming errors propagate as they are). The CLI turns
them into one ``Error: …`` line plus an optional ``Hint: …`` on stderr and exit code 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class StormwatchError(Exception):
    """Base class: a problem the user can fix. ``hint`` says how."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(StormwatchError):
    """An input file cannot be read or understood.

    ``line`` is 1-based (physical line of the file, as an editor shows it); ``column`` names the
    column header where one is at fault.
    """

    def __init__(
        self,
        path: str | Path,
        message: str,
        *,
        line: int | None = None,
        column: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column {column!r}"
        super().__init__(f"{where}: {message}", hint=hint)


class SchemaError(InputError):
    """A required column is missing; names what is there instead."""

    def __init__(
        self,
        path: str | Path,
        missing: str,
        available: Sequence[str],
        *,
        hint: str | None = None,
    ) -> None:
        self.missing = missing
        self.available = list(available)
        shown = ", ".join(repr(c) for c in self.available[:20])
        if len(self.available) > 20:
            shown += f", … ({len(self.available)} columns)"
        super().__init__(
            path,
            f"no {missing} column found; the file has: {shown or 'no columns'}",
            line=1,
            hint=hint,
        )


class ConfigError(StormwatchError):
    """A setting (flag, environment variable or config file key) is invalid."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        key: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.key = key
        prefix = ""
        if self.path is not None:
            prefix = f"{self.path}: "
        if key is not None:
            prefix += f"{key}: "
        super().__init__(prefix + message, hint=hint)


class FetchError(StormwatchError):
    """Mentions could not be fetched from a public API. Per-source subclasses live in
    :mod:`stormwatch.fetch.errors`; ``source`` names the source, ``url`` and ``status`` the
    request that failed (when there was one)."""

    source: str = "fetch"
    #: The hint when the raiser gives none.
    default_hint: str | None = "check the query and the API root; `stormwatch sources` says more"

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.url = url
        self.status = status
        super().__init__(message, hint=hint or self.default_hint)
