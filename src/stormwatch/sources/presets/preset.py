"""One vendor export format: how it is recognised and what its columns mean."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from stormwatch.sources.presets.rules import Header, Rule
from stormwatch.sources.timestamps import TimestampFormat


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
