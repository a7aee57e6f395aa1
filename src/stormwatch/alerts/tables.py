"""Typed, checked access to the tables of a TOML config file: every value's type is checked
and every error names the file and the key (``watch[1].inputs``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from stormwatch.errors import ConfigError
from stormwatch.settings import parse_duration

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

T = TypeVar("T")


class TableReader:
    """Typed access to one table of the file, with errors naming the file and the key."""

    def __init__(self, path: Path, where: str, table: Mapping[str, Any], known: tuple[str, ...]):
        self.path, self.where, self.table = path, where, table
        for key in table:
            if key not in known:
                raise ConfigError(
                    "unknown key",
                    path=path,
                    key=f"{where}.{key}",
                    hint=f"known in {self._section()}: {', '.join(known)}",
                )

    def _section(self) -> str:
        name = self.where.split("[", 1)[0]
        return f"[[{name}]]" if "[" in self.where else f"[{name}]"

    def error(self, key: str, message: str, hint: str | None = None) -> ConfigError:
        """A ConfigError about ``key`` of this table."""
        return ConfigError(message, path=self.path, key=f"{self.where}.{key}", hint=hint)

    def get(self, key: str, kind: type[T], default: T, what: str) -> T:
        """The value if it is a ``kind`` (``what`` names it in the error), else ``default``."""
        value = self.table.get(key, default)
        # bool is an int in Python but never a number in a config file
        if value is not default and (
            not isinstance(value, kind) or (kind is not bool and isinstance(value, bool))
        ):
            raise self.error(key, f"expected {what}")
        return value

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        """A string on one line: control characters could smuggle headers into an email."""
        value = self.get(key, str, default, "a string")
        if required and not value:
            raise self.error(key, "is required")
        if value is not None and any(ord(c) < 32 for c in value):
            raise self.error(key, "must not contain control characters (line breaks, tabs)")
        return value

    def number(self, key: str, default: float, minimum: float = 0.0) -> float:
        """A number above ``minimum`` (an int or a float; never a bool)."""
        value = self.table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= minimum:
            raise self.error(key, f"expected a number greater than {minimum:g}")
        return float(value)

    def integer(self, key: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        """A whole number of at least ``minimum`` (and at most ``maximum``)."""
        value = self.get(key, int, default, "a whole number")
        if value < minimum:
            raise self.error(key, f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise self.error(key, f"must be at most {maximum}")
        return value

    def strings(self, key: str, required: bool = False) -> tuple[str, ...]:
        """A list of non-empty one-line strings; a single string counts as a list of one."""
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, "expected a list of strings")
        if required and not value:
            raise self.error(key, "is required (a list with at least one entry)")
        if any(ord(c) < 32 for v in value for c in v):
            raise self.error(key, "must not contain control characters (line breaks, tabs)")
        return tuple(value)

    def duration(self, key: str, default: timedelta) -> timedelta:
        """A duration such as ``"30m"`` (the units of ``scan --window``)."""
        value = self.table.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.error(key, 'expected a duration such as "30m" or "6h"')
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.error(key, str(exc)) from None

    def env_name(self, key: str) -> str | None:
        """The *name* of an environment variable, so a secret pasted here is refused."""
        name = self.text(key)
        if name is not None and not _ENV_NAME.match(name):
            raise self.error(
                key,
                f"{name!r} is not an environment variable name",
                hint="name the variable that holds the secret, e.g. STORMWATCH_SMTP_PASSWORD; "
                "never put the secret itself in the file",
            )
        return name

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        """One of ``options``."""
        value = self.text(key, default)
        assert value is not None
        if value not in options:
            raise self.error(key, f"unknown value {value!r}", hint=f"use {', '.join(options)}")
        return value

    def local_path(self, key: str) -> Path | None:
        """A path, relative to the config file's directory unless absolute."""
        value = self.text(key)
        if value is None:
            return None
        return relative_to(self.path, Path(value).expanduser())


def relative_to(config: Path, path: Path) -> Path:
    return path if path.is_absolute() else config.parent / path
