"""Interpret a RawTable: decide which columns hold the canonical fields (a preset recognised by
the header, a forced ``--preset``, a ``--mapping`` file, else the header aliases), detect the
timestamp format from a sample, and build the Source the pipeline reads."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

import polars as pl

from stormwatch.errors import InputError
from stormwatch.sources.hints import no_timestamp_error, unreadable_timestamp_error
from stormwatch.sources.mapping import ColumnMapping, bind_mapping, load_mapping
from stormwatch.sources.presets import Preset, detect_preset, get_preset
from stormwatch.sources.presets.rules import CLOCK, Bound, Header, Join
from stormwatch.sources.schema import (
    default_topic_column,
    find_column,
    match_columns,
    normalise_header,
)
from stormwatch.sources.source import ReadOptions, Source
from stormwatch.sources.table import BAD, RawTable, typed_name
from stormwatch.sources.timestamps import (
    TimestampFormat,
    cover,
    detect_formats,
    parse_expr,
    with_exact,
)
from stormwatch.sources.typed import accepts, read_timestamps, timestamp_format
from stormwatch.text.notes import Note

SAMPLE_ROWS = 1000

#: Columns that make a row a mention of its own (a volume series has none of them).
PER_MENTION = ("author", "followers", "text", "sentiment", "engagement", "url", "id")
_COUNT_CELL = re.compile(r"^'?\d[\d.,]*$")
_AUTO_NAME = re.compile(r"^column_\d+$")  # an empty header cell, as the readers name it


def _plain(header: str) -> Bound:
    return Bound(pl.col(header), header, (header,))


def _latest(
    values: list[str], formats: tuple[TimestampFormat, ...], timezone: str
) -> datetime | None:
    """The newest of ``values`` parsed with ``formats`` (None when none parses)."""
    frame = pl.DataFrame({"raw": [v.strip() for v in values]}, schema={"raw": pl.String})
    newest = frame.select(parse_expr(pl.col("raw"), formats, timezone).max()).item()
    return newest if isinstance(newest, datetime) else None


def _latest_typed(
    table: RawTable,
    header: str,
    head: pl.Series,
    formats: tuple[TimestampFormat, ...],
    timezone: str,
) -> datetime | None:
    """The newest of a typed timestamp column's ``head`` sample and its tail (see ``_latest``)."""
    tail = pl.Series("typed", table.tail(typed_name(header)), dtype=head.dtype)
    values = pl.DataFrame([head.append(tail)])
    newest = values.select(read_timestamps(pl.col("typed"), head.dtype, formats, timezone).max())
    value = newest.item()
    return value if isinstance(value, datetime) else None


def _typed(table: RawTable, columns: dict[str, Bound]) -> dict[str, pl.DataType]:
    """Canonical column -> type, for the columns read from a typed twin (``RawTable.typed``):
    one column unchanged, of a type the canonical column reads (see ``typed.accepts``)."""
    found: dict[str, pl.DataType] = {}
    for canonical, bound in columns.items():
        dtype = table.typed.get(bound.label) if bound.is_plain else None
        if dtype is not None and accepts(canonical, dtype):
            found[canonical] = dtype
    return found


def _tail(table: RawTable, bound: Bound) -> list[str]:
    """The timestamp's raw values at the end of the table, where the container has them."""
    if not bound.headers:
        return []
    tails = {h: table.tail(h) for h in bound.headers}
    lengths = {len(v) for v in tails.values()}
    if len(lengths) != 1 or not lengths.pop():
        return []
    if bound.is_plain:
        return tails[bound.label]
    frame = pl.DataFrame(tails, schema=dict.fromkeys(tails, pl.String))
    return [v for v in frame.select(bound.expr.alias("ts"))["ts"].to_list() if v is not None]


def choose_preset(
    header: Header, options: ReadOptions, mapping: ColumnMapping | None
) -> tuple[Preset | None, bool]:
    """The preset to read with and whether it was forced (``--preset``, else the mapping's
    ``preset``); otherwise the one the header's signature shows, or None (generic)."""
    name = options.preset or (mapping.preset if mapping else None)
    if name is not None:
        return get_preset(name), True
    return detect_preset(header.names), False


def _columns(
    table: RawTable, header: Header, preset: Preset | None, mapping: ColumnMapping | None
) -> dict[str, Bound]:
    """Canonical column -> bound rule: the preset's rules (or the aliases), then the
    mapping's, which win; a mapped header is not also taken by an alias."""
    mapped = bind_mapping(mapping, header, table.name, table.header_line) if mapping else {}
    columns: dict[str, Bound] = {}
    if preset is not None:
        for canonical, rule in preset.rules.items():
            bound = rule.bind(header)
            if bound is not None:
                columns[canonical] = bound
    else:
        taken = {h for b in mapped.values() if b is not None for h in b.headers}
        names = [h for h in header.names if h not in taken]
        columns = {c: _plain(h) for c, h in match_columns(names).items()}
        joined = _date_and_time(table, header, columns, taken)
        if joined is not None:
            columns["timestamp"] = joined
    for canonical, mapped_bound in mapped.items():
        if mapped_bound is None:
            columns.pop(canonical, None)
        else:
            columns[canonical] = mapped_bound
    return columns


#: Header names (normalised) of a time-of-day column next to a date column.
TIME_OF_DAY_HEADERS = ("time", "uhrzeit", "zeit", "hrs", "hora", "hour", "stunde")
_CLOCK = re.compile(CLOCK)


def _date_and_time(
    table: RawTable, header: Header, columns: dict[str, Bound], taken: set[str]
) -> Bound | None:
    """A generic export with the date in one column and the time of day in another
    (``date`` 2026-02-01, ``time`` 10:07): both joined, or every mention would fall at
    midnight. Only when the sampled dates carry no time and the sampled times are clocks."""
    ts = columns.get("timestamp")
    if ts is None or not ts.is_plain:
        return None
    date = ts.headers[0]
    used = taken | {h for b in columns.values() for h in b.headers}
    time = next(
        (
            h
            for h in header.names
            if normalise_header(h) in TIME_OF_DAY_HEADERS and h not in used and h != date
        ),
        None,
    )
    if time is None:
        return None
    try:
        sample = table.frame.head(SAMPLE_ROWS).select(pl.col(date), pl.col(time)).collect()
    except pl.exceptions.PolarsError:
        return None
    dates = [v.strip() for v in sample[date].to_list() if v and v.strip()]
    times = [v.strip() for v in sample[time].to_list() if v and v.strip()]
    if not dates or not times or any(":" in d for d in dates):
        return None
    if not all(_CLOCK.fullmatch(t) for t in times):
        return None
    return Join(date, time).bind(header)


def _topic(
    table: RawTable,
    header: Header,
    columns: dict[str, Bound],
    by: str | None,
    preset: Preset | None,
) -> Bound | None:
    """``--by`` (a header, or a canonical name), else the mapping's topic, else the preset's
    topic column, else a brand/query/topic-like header."""
    if by is not None:
        found = find_column(header.names, by)
        if found is not None:
            return _plain(found)
        if by in columns and by != "topic":
            return columns[by]
        raise InputError(
            table.name,
            f"no column {by!r} to group by; the file has: {', '.join(map(repr, header.names))}",
            line=table.header_line or None,  # 0: a container without a header line
            hint="name one of the file's columns with --by",
        )
    if "topic" in columns:
        return columns["topic"]
    for name in preset.topic if preset else ():
        found = header.find(name)
        if found is not None:
            return _plain(found)
    taken = {h for b in columns.values() for h in b.headers}
    found = default_topic_column(header.names, taken=taken)
    return None if found is None else _plain(found)


def _series_count(table: RawTable, columns: dict[str, Bound], topic: Bound | None) -> str | None:
    """The count column of a pre-aggregated volume series: a timestamp, maybe a topic, and
    exactly one more column whose sampled cells are non-negative numbers (all but 1 %)."""
    if set(columns) - {"topic"} != {"timestamp"}:
        return None
    used = {*columns["timestamp"].headers, *(topic.headers if topic else ())}
    others = [h for h in table.header if h.strip() and h not in used and not _AUTO_NAME.match(h)]
    if len(others) != 1:
        return None
    try:
        cells = table.frame.head(SAMPLE_ROWS).select(pl.col(others[0])).collect()
    except pl.exceptions.PolarsError:
        return None
    values = [v.strip() for v in cells[others[0]].to_list() if v is not None and v.strip()]
    # A stray bad cell (1 in 100) does not make it something else: normalise rejects that row.
    bad = sum(1 for v in values if not _COUNT_CELL.match(v))
    return others[0] if values and bad <= len(values) // 100 else None


def timestamp_formats(
    values: list[str],
    timezone: str,
    preset: Preset | None = None,
    mapping: ColumnMapping | None = None,
    dayfirst: bool | None = None,
) -> tuple[TimestampFormat, ...]:
    """The formats that parse the sampled timestamps: the mapping's (exclusively), else the
    preset's first, then the generic detection (``dayfirst`` for 01/02/2026) for the rest."""
    if mapping is not None and mapping.timestamp_formats:
        return cover(values, mapping.timestamp_formats, timezone)[0]
    chosen, rest = cover(values, preset.timestamp_formats if preset else (), timezone)
    return chosen + (detect_formats(rest, timezone, dayfirst) if rest else ())


def _dayfirst(
    options: ReadOptions, mapping: ColumnMapping | None, preset: Preset | None, german: bool
) -> bool | None:
    """How to read 01/02/2026: the option, else the mapping's, else the vendor's habit, else
    day first in a file written the German way (``;`` and decimal commas)."""
    for choice in (options.dayfirst, mapping.dayfirst if mapping else None):
        if choice is not None:
            return choice
    if preset is not None and preset.dayfirst is not None:
        return preset.dayfirst
    return True if german else None


def _notes(
    name: str,
    header: Header,
    preset: Preset | None,
    forced: bool,
    kind: str,
    columns: dict[str, Bound],
) -> tuple[str, ...]:
    """What was assumed while interpreting (shown on stderr and in the JSON input block)."""
    notes: list[str] = []
    if preset is not None and forced and not preset.matches(header):
        anchors = ", ".join(repr(a) for a in preset.signatures[0] if a not in header)
        notes.append(Note("preset_mismatch", file=name, preset=preset.name, anchors=anchors))
    if preset is None and len(columns["timestamp"].headers) > 1:
        notes.append(Note("joined_timestamp", file=name, columns=columns["timestamp"].label))
    if kind == "series":
        notes.append(
            Note(
                "series",
                file=name,
                count=columns["count"].label,
                timestamp=columns["timestamp"].label,
            )
        )
    return tuple(notes)


def interpret(table: RawTable, options: ReadOptions | None = None) -> Source:
    """Map ``table``'s columns to the canonical schema and detect its timestamp format.

    Raises SchemaError without a timestamp column, InputError when no timestamp parses or a
    mapped column is missing, ConfigError for an unknown preset or a bad mapping file.
    """
    options = options or ReadOptions()
    timezone = options.timezone
    mapping = load_mapping(options.mapping) if options.mapping is not None else None
    header = Header(table.header)
    preset, forced = choose_preset(header, options, mapping)
    columns = _columns(table, header, preset, mapping)
    if "timestamp" not in columns:
        raise no_timestamp_error(table, preset, mapping)
    topic = _topic(table, header, columns, options.by, preset)
    kind: Literal["mentions", "series"] = "mentions"
    if preset is None and (mapping is None or "count" not in mapping.rules):
        count = _series_count(table, columns, topic)
        if count is not None:
            columns["count"] = _plain(count)
    if "count" in columns and not any(c in columns for c in PER_MENTION):
        kind = "series"
    if topic is not None:
        columns["topic"] = topic
    ts = columns["timestamp"]
    typed = _typed(table, columns)
    twin = [pl.col(typed_name(ts.label)).alias("typed")] if "timestamp" in typed else []
    try:
        sample = (
            table.frame.head(SAMPLE_ROWS)
            .select(ts.expr.alias("ts"), pl.col("_row"), *twin)
            .collect()
        )
    except pl.exceptions.PolarsError as exc:
        message = str(exc).splitlines()[0]
        raise InputError(table.name, f"cannot parse the file: {message}") from None
    if sample.height == 0:
        raise InputError(
            table.name,
            "the file has a header but no rows",
            line=table.header_line or None,  # 0: a container without a header line
            hint="export the mentions again, with data",
        )
    values = [v for v in sample["ts"].to_list() if v is not None and v.strip()]
    if "timestamp" in typed and not typed["timestamp"].is_integer():
        formats: tuple[TimestampFormat, ...] = (timestamp_format(typed["timestamp"]),)
    else:
        dayfirst = _dayfirst(options, mapping, preset, table.decimal_comma)
        formats = timestamp_formats(
            [v.strip() for v in values], timezone, preset, mapping, dayfirst
        )
        if not formats:
            raise unreadable_timestamp_error(table, sample, ts, mapping)
        formats = with_exact(formats, [v.strip() for v in values], timezone)  # the fast path
        if not all(f.is_epoch for f in formats):  # an integer such as 20260201: its text
            typed.pop("timestamp", None)
    padded = any(v != v.strip() for v in values)

    def value(canonical: str, bound: Bound) -> pl.Expr:
        if canonical in typed:
            return pl.col(typed_name(bound.label))
        return bound.expr.str.strip_chars() if canonical == "timestamp" and padded else bound.expr

    frame = table.frame.select(
        pl.lit(table.name).alias("_file"),
        (pl.col("_row").cast(pl.Int64) + table.header_line + 1).alias("_line"),
        *(value(c, b).alias(c) for c, b in columns.items()),
        *([pl.col(BAD)] if table.flagged else []),
    )
    notes = (*table.notes, *_notes(table.name, header, preset, forced, kind, columns))
    decimal_comma = table.decimal_comma
    if mapping is not None and mapping.decimal_comma is not None:
        decimal_comma = mapping.decimal_comma
    # Exports are sorted by time, newest first or last: the head and tail samples give a
    # good guess of the newest mention (analyse verifies it and rescans if it was wrong).
    latest = (
        _latest_typed(table, ts.label, sample["typed"], formats, timezone)
        if "timestamp" in typed
        else _latest(values + _tail(table, ts), formats, timezone)
    )
    return Source(
        table.name,
        frame,
        {c: b.label for c, b in columns.items()},
        formats,
        timezone,
        notes=notes,
        decimal_comma=decimal_comma,
        latest=latest,
        physical_line=table.physical_line,
        locate=table.locate,
        kind=kind,
        preset=preset.name if preset else "generic",
        damage=table.damage,
    )
