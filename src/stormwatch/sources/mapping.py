"""``--mapping FILE.toml``: the user says which columns of an unknown export mean what.

One top-level key per canonical column, plus a few reading options::

    # columns.toml
    timestamp = "Erstellt am"                 # one column
    timestamp_format = "%d.%m.%Y %H:%M"       # strptime pattern(s); default: detected
    author = ["Autor", "Seite"]               # the first non-empty of several, row by row
    followers = "Fans"
    topic = "Marke"
    platform = { value = "twitter" }          # the same value on every row
    engagement = { sum = ["Likes", "Shares"] } # or { max = [...] }
    sentiment = false                         # do not use this column
    # timestamp = { join = ["Datum", "Uhrzeit"] }   a date and a time column
    # preset = "brandwatch"    start from a preset and change some columns
    # decimal_comma = true     numbers written 1.234,5
    # dayfirst = true          01/02/2026 is 1 February

A mapping overrides the preset and the header aliases for the columns it names; the others
come from the preset (or the aliases) as usual.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stormwatch.errors import ConfigError, InputError
from stormwatch.sources.presets.rules import Bound, Col, Const, Header, Join, Numbers, Rule
from stormwatch.sources.schema import CANONICAL
from stormwatch.sources.timestamps import TimestampFormat

OPTIONS = ("timestamp_format", "preset", "decimal_comma", "dayfirst")
KEYS = (*CANONICAL, *OPTIONS)
_FORMS = (
    'a column name ("Autor"), a list of names (["Autor", "Seite"]), { value = "…" }, '
    '{ join = ["Datum", "Uhrzeit"] }, { sum = [...] }, { max = [...] } or false'
)
_AWARE = ("%z", "%#z", "%:z", "%::z", "%Z")


@dataclass(frozen=True)
class ColumnMapping:
    """A parsed mapping file. ``rules`` maps canonical columns to a rule, or to None for
    ``column = false`` (not used)."""

    path: Path
    rules: Mapping[str, Rule | None] = field(hash=False)
    raw: Mapping[str, object] = field(hash=False, repr=False)
    timestamp_formats: tuple[TimestampFormat, ...] = ()
    preset: str | None = None
    decimal_comma: bool | None = None
    dayfirst: bool | None = None


def timestamp_format(pattern: str) -> TimestampFormat:
    """A user's pattern (polars/chrono strptime, or ``epoch_s`` / ``epoch_ms``)."""
    aware = pattern in ("epoch_s", "epoch_ms") or any(z in pattern for z in _AWARE)
    return TimestampFormat(pattern, aware, pattern)


def _names(value: object) -> tuple[str, ...] | None:
    if isinstance(value, str) and value.strip():
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        return tuple(value)
    return None


def _rule(path: Path, key: str, value: object) -> Rule | None:
    if value is False:
        return None
    names = _names(value)
    if names is not None:
        return Col(*names)
    if isinstance(value, dict) and len(value) == 1:
        ((kind, inner),) = value.items()
        names = _names(inner)
        if kind == "value" and isinstance(inner, str | int | float):
            return Const(str(inner))
        if kind == "join" and names is not None and len(names) >= 2:
            return Join(*names)
        if kind in ("sum", "max") and names is not None:
            return Numbers(kind, *names)
    raise ConfigError(f"cannot use {value!r}", path=path, key=key, hint=f"write {_FORMS}")


def _option(path: Path, key: str, value: object) -> object:
    if key == "timestamp_format":
        names = _names(value)
        if names is None:
            raise ConfigError(
                f"cannot use {value!r}",
                path=path,
                key=key,
                hint='write a strptime pattern, e.g. "%d.%m.%Y %H:%M", or a list of them',
            )
        return tuple(timestamp_format(n) for n in names)
    if key == "preset":
        if not isinstance(value, str):
            raise ConfigError(f"cannot use {value!r}", path=path, key=key, hint="name a preset")
        from stormwatch.sources.presets import preset_names

        if value.strip().lower().replace("_", "-") not in preset_names():
            raise ConfigError(
                f"unknown preset {value!r}",
                path=path,
                key=key,
                hint=f"known presets: {', '.join(preset_names())}",
            )
        return value
    if not isinstance(value, bool):
        raise ConfigError(f"expected true or false, not {value!r}", path=path, key=key)
    return value


def load_mapping(path: str | Path) -> ColumnMapping:
    """Read and check a mapping file. Raises ConfigError naming the file and the key."""
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(
            "mapping file not found", path=p, hint="check the path given to --mapping"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read mapping file: {exc.strerror}", path=p) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", path=p) from None
    rules: dict[str, Rule | None] = {}
    options: dict[str, Any] = {}
    for key, value in data.items():
        if key in CANONICAL:
            rules[key] = _rule(p, key, value)
        elif key in OPTIONS:
            options[key] = _option(p, key, value)
        else:
            close = difflib.get_close_matches(key, KEYS, n=1)
            maybe = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                "unknown key", path=p, key=key, hint=f"{maybe}known: {', '.join(KEYS)}"
            )
    if "timestamp_format" in options and rules.get("timestamp", Col("timestamp")) is None:
        raise ConfigError(
            "timestamp_format given, but timestamp = false", path=p, key="timestamp_format"
        )
    return ColumnMapping(
        p,
        rules,
        data,
        timestamp_formats=options.get("timestamp_format", ()),
        preset=options.get("preset"),
        decimal_comma=options.get("decimal_comma"),
        dayfirst=options.get("dayfirst"),
    )


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escaping is valid TOML)."""
    return json.dumps(text, ensure_ascii=False)


def _missing(rule: Rule, header: Header) -> list[str]:
    """The columns ``rule`` names that the file lacks (for a list of alternatives: all of them
    when none is there, else none)."""
    names = rule.columns()
    absent = [n for n in names if n not in header]
    if isinstance(rule, Col) and len(absent) < len(names):
        return []
    return absent


def bind_mapping(
    mapping: ColumnMapping, header: Header, table: str, header_line: int
) -> dict[str, Bound | None]:
    """The mapping's rules applied to one file's header. Raises InputError naming the file,
    the mapping file, the key and the file's columns when a named column is not there."""
    bound: dict[str, Bound | None] = {}
    for key, rule in mapping.rules.items():
        if rule is None:
            bound[key] = None
            continue
        absent = _missing(rule, header)
        result = None if absent else rule.bind(header)
        if result is None:
            wanted = absent[0] if absent else rule.describe()
            shown = ", ".join(repr(h) for h in header.names[:30])
            if len(header.names) > 30:
                shown += f", … ({len(header.names)} columns)"
            close = difflib.get_close_matches(wanted, header.names, n=3, cutoff=0.5)
            raise InputError(
                table,
                f"no column {wanted!r} ({key} in {mapping.path}); the file has: {shown}",
                line=header_line,
                hint=f"set {key} in {mapping.path} to one of the file's columns"
                + (f", e.g. {key} = {toml_string(close[0])}" if close else ""),
            )
        bound[key] = result
    return bound
