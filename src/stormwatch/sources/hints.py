"""Errors that say how to fix a file stormwatch cannot read: the columns found, the likeliest
timestamp columns (by their values, then by their names) and the ``--mapping`` line that would
fix it, plus the presets when the format is not one stormwatch knows."""

from __future__ import annotations

import polars as pl

from stormwatch.errors import InputError, SchemaError
from stormwatch.sources.mapping import ColumnMapping, toml_string
from stormwatch.sources.presets import PRESETS, Preset
from stormwatch.sources.presets.rules import Bound
from stormwatch.sources.schema import closest_headers
from stormwatch.sources.table import RawTable
from stormwatch.sources.timestamps import CANDIDATES, detect_formats, parse_expr

HINT_ROWS = 50
#: Examples of the formats a file may use, shown when none parses.
EXAMPLES = ", ".join(f.example for f in CANDIDATES[:3] + CANDIDATES[7:9])


def _parses_as_time(values: list[str]) -> bool:
    """Most of ``values`` read as timestamps, and not merely as epoch numbers (ids, counts)."""
    formats = [f for f in detect_formats(values) if not f.is_epoch]
    if not values or not formats:
        return False
    frame = pl.DataFrame({"raw": values}, schema={"raw": pl.String})
    parsed = frame.select(parse_expr(pl.col("raw"), formats).is_not_null().sum()).item()
    return bool(parsed >= 0.8 * len(values))


def timestamp_candidates(table: RawTable) -> list[str]:
    """Columns that hold timestamps by their first values, then columns named like one."""
    by_value: list[str] = []
    try:
        head = table.frame.head(HINT_ROWS).collect()
    except pl.exceptions.PolarsError:
        head = None
    if head is not None:
        for name in table.header:
            if name in head.columns and head[name].dtype == pl.String:
                values = [v.strip() for v in head[name].to_list() if v and v.strip()]
                if _parses_as_time(values):
                    by_value.append(name)
    by_name = closest_headers(table.header, "timestamp")
    return list(dict.fromkeys([*by_value, *by_name]))


def no_timestamp_error(
    table: RawTable, preset: Preset | None, mapping: ColumnMapping | None
) -> SchemaError:
    """No column holds the time of each mention: say which might, and how to map it."""
    candidates = timestamp_candidates(table)
    best = candidates[0] if candidates else None
    snippet = f"timestamp = {toml_string(best or 'the column with the date and time')}"
    if preset is not None:
        first = (
            f"the {preset.name} preset reads the time from "
            f"{preset.rules['timestamp'].describe()}, which the file lacks"
        )
    elif best is not None:
        first = f"is {best!r} the time of each mention? Rename that column to 'timestamp'"
    else:
        first = "the export needs a date/time column per mention, e.g. 'timestamp' or 'date'"
    if mapping is not None:
        parts = [first, f"or add {snippet} to {mapping.path}"]
    else:
        parts = [first, f"or map it: pass --mapping FILE, a TOML file with the line {snippet}"]
    if len(candidates) > 1:
        parts.append(f"other candidates: {', '.join(map(repr, candidates[1:3]))}")
    if preset is None and (mapping is None or mapping.preset is None):
        parts.append(f"known export formats (--preset): {', '.join(PRESETS)}")
    return SchemaError(table.name, "timestamp", table.header, hint="; ".join(parts))


def unreadable_timestamp_error(
    table: RawTable, sample: pl.DataFrame, ts: Bound, mapping: ColumnMapping | None
) -> InputError:
    """No sampled timestamp parses: name the first value, its line and column, and the fix.
    ``sample`` has the timestamp values as ``ts`` and the record index as ``_row``."""
    filled = sample.filter(pl.col("ts").str.strip_chars() != "")
    first = filled.row(0, named=True) if filled.height else None
    line = table.physical_line(table.header_line + 1 + (first["_row"] if first else 0))
    column = ts.headers[0] if ts.is_plain else ts.label
    if mapping is not None and mapping.timestamp_formats:
        patterns = ", ".join(repr(f.pattern) for f in mapping.timestamp_formats)
        return InputError(
            table.name,
            f"cannot read {first['ts']!r} with timestamp_format {patterns} from {mapping.path}"
            if first
            else "no timestamps at all",
            line=line,
            column=column,
            hint=f"fix timestamp_format in {mapping.path} (polars strptime patterns, "
            'e.g. "%d.%m.%Y %H:%M" for 23.11.2026 14:05)',
        )
    if first is None:  # e.g. an empty Brand24 export: one row that says "No mentions"
        return InputError(
            table.name,
            f"no mentions: the timestamp is empty in every row ({sample.height:,} read)",
            line=line,
            column=column,
            hint="export a period that has mentions",
        )
    return InputError(
        table.name,
        f"cannot read {first['ts']!r} as a timestamp",
        line=line,
        column=column,
        hint=f"expected e.g. {EXAMPLES}; or give the format with --mapping FILE, a TOML file "
        'with the line timestamp_format = "%d/%m/%Y %H:%M" (a strptime pattern)',
    )
