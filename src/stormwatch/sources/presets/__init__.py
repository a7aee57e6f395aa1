"""Presets: what the columns of a known vendor export mean.

A :class:`Preset` is recognised by its header signature (all anchor columns of one signature
present; the most specific match wins) or forced with ``--preset NAME``. It maps the export to
the canonical schema with :mod:`rules <stormwatch.sources.presets.rules>` over the raw String
columns and may bring the vendor's timestamp formats. Files no preset recognises are read by
the generic alias matcher (:func:`stormwatch.sources.schema.match_columns`), named ``generic`` here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from stormwatch.errors import ConfigError
from stormwatch.sources.presets.rules import Header, Rule
from stormwatch.sources.schema import ALIASES
from stormwatch.sources.timestamps import TimestampFormat

GENERIC = "generic"


@dataclass(frozen=True)
class Preset:
    """One vendor export format.

    Attributes:
        name: the ``--preset`` name (lower case, dashes).
        vendor: the tool and export, for people.
        signatures: alternative anchor sets (vendor spellings, ``Prefix*`` allowed); the
            preset is recognised when every anchor of one set is in the header.
        rules: canonical column -> :class:`Rule`. Columns without a rule stay empty (no
            alias guessing inside a known format).
        topic: columns to group by when ``--by`` is not given (first present wins).
        timestamp_formats: the vendor's formats, tried before the generic detection.
        dayfirst: how the vendor writes ambiguous ``01/02/2026`` dates (None: not known).
        layout: the file layout, for people (encoding, delimiter, header row).
        notes: facts and caveats shown by ``stormwatch formats``.
    """

    name: str
    vendor: str
    signatures: tuple[tuple[str, ...], ...]
    rules: Mapping[str, Rule] = field(hash=False)
    topic: tuple[str, ...] = ()
    timestamp_formats: tuple[TimestampFormat, ...] = ()
    dayfirst: bool | None = None
    layout: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", MappingProxyType(dict(self.rules)))

    def matches(self, header: Header) -> int:
        """The size of the largest signature fully present in ``header`` (0: not recognised)."""
        sizes = [len(s) for s in self.signatures if all(a in header for a in s)]
        return max(sizes, default=0)

    def describe(self) -> dict[str, Any]:
        """A JSON-friendly description (``stormwatch formats --format json``)."""
        return {
            "name": self.name,
            "vendor": self.vendor,
            "recognised_by": [list(s) for s in self.signatures],
            "layout": self.layout,
            "columns": {c: r.describe() for c, r in self.rules.items()},
            "topic": list(self.topic),
            "timestamp_formats": [f.pattern for f in self.timestamp_formats],
            "dayfirst": self.dayfirst,
            "notes": list(self.notes),
        }


def _registry() -> dict[str, Preset]:
    from stormwatch.sources.presets.listening import LISTENING
    from stormwatch.sources.presets.social import SOCIAL

    presets = {p.name: p for p in (*LISTENING, *SOCIAL)}
    assert len(presets) == len(LISTENING) + len(SOCIAL), "duplicate preset names"
    return presets


#: Every preset by name, in the order ``stormwatch formats`` lists them.
PRESETS: Mapping[str, Preset] = _registry()


def detect_preset(header: Sequence[str]) -> Preset | None:
    """The preset whose signature ``header`` matches, most specific (most anchors) first,
    registry order on ties; None when none matches (read with the generic aliases)."""
    found = Header(header)
    best: tuple[int, int] | None = None
    chosen: Preset | None = None
    for index, preset in enumerate(PRESETS.values()):
        size = preset.matches(found)
        if size and (best is None or (size, -index) > best):
            best, chosen = (size, -index), preset
    return chosen


def get_preset(name: str) -> Preset | None:
    """The preset called ``name`` (None for ``generic``). Raises ConfigError listing the
    known names for anything else."""
    key = name.strip().lower().replace("_", "-")
    if key == GENERIC:
        return None
    if key not in PRESETS:
        raise ConfigError(
            f"unknown preset {name!r}",
            key="--preset",
            hint=f"known presets: {', '.join(preset_names())}",
        )
    return PRESETS[key]


def preset_names() -> list[str]:
    """Every name ``--preset`` accepts."""
    return [*PRESETS, GENERIC]


def describe_generic() -> dict[str, Any]:
    """The fallback reader, described like a preset."""
    return {
        "name": GENERIC,
        "vendor": "any other export: headers matched by alias (first match wins)",
        "recognised_by": [],
        "layout": "CSV/TSV, ',' ';' or tab separated, header row",
        "columns": {c: " | ".join(a) for c, a in ALIASES.items()},
        "topic": ["brand", "query", "topic", "keyword", "…"],
        "timestamp_formats": [],
        "dayfirst": None,
        "notes": [
            "a timestamp column plus one numeric column (timestamp,value; Date,Mentions) "
            "is read as a mention-volume series",
            "--mapping FILE maps the columns of any other format",
        ],
    }


def describe_all() -> list[dict[str, Any]]:
    """Every preset and the generic reader, for ``stormwatch formats``."""
    return [*(p.describe() for p in PRESETS.values()), describe_generic()]


__all__ = [
    "GENERIC",
    "PRESETS",
    "Preset",
    "describe_all",
    "detect_preset",
    "get_preset",
    "preset_names",
]
