"""Parquet and JSON Lines readers: typed or nested records flattened into text cells.

Nested objects become dotted column names (``user.username``, ``user.followersCount``), lists
become JSON text, and every value is a String, like a cell of a CSV export. A Parquet column
stored as a number, datetime or date also keeps its type, in a twin column (see
``RawTable.typed``), so a typed file is read without making text and parsing it again.
Neither format has a header line, so ``header_line`` is 0 and a record's line is its 1-based
number (for JSON Lines, ``physical_line`` skips blank lines to the line in the file).
"""

from __future__ import annotations

import functools
import glob
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from stormwatch.errors import InputError
from stormwatch.sources.sniff import Sample, detect_text, read_sample, transcode
from stormwatch.sources.table import ROW, RawTable, typed_name, unique_names
from stormwatch.sources.typed import as_text, keeps_type

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

TAIL_ROWS = 1000
_BROKEN = "the file is damaged or was not downloaded completely; download it again"

# --- Parquet ------------------------------------------------------------------------------------


def _as_json(column: pl.Expr) -> pl.Expr:
    """A list (or array) as JSON text: polars encodes structs, so wrap it in one."""
    wrapped = pl.struct(column.alias("v")).struct.json_encode()
    text = wrapped.str.strip_prefix('{"v":').str.strip_suffix("}")
    return pl.when(column.is_null()).then(None).otherwise(text)


def _flat_fields(
    column: pl.Expr, dtype: PolarsDataType, prefix: str
) -> Iterator[tuple[str, pl.Expr, pl.DataType]]:
    """``(dotted name, expression, type)`` for a column; structs give one per leaf field."""
    if isinstance(dtype, pl.Struct):
        for field in dtype.fields:
            yield from _flat_fields(
                column.struct.field(field.name), field.dtype, f"{prefix}.{field.name}"
            )
    else:  # a schema holds instances; the type hints allow classes too
        yield prefix, column, dtype if isinstance(dtype, pl.DataType) else dtype()


def _cells(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A leaf's cells as text: lists as JSON; strings, numbers, booleans, categoricals,
    datetimes and the rest as ``typed.as_text`` spells them."""
    if isinstance(dtype, pl.List | pl.Array):
        return _as_json(column)
    return as_text(column, dtype)


def open_parquet(path: Path | list[Path], name: str | None = None) -> RawTable:
    """Scan a Parquet file (or several with one schema, as one table) lazily, every column as
    text, and numbers, datetimes and dates also typed."""
    name = name or str(path)
    scan = pl.scan_parquet(path, glob=False)  # a name with [ or * is not a pattern
    try:  # both come from the file's metadata
        schema = scan.collect_schema()
        rows = scan.select(pl.len()).collect().item()
    except (pl.exceptions.PolarsError, OSError) as exc:
        message = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError(name, f"not a readable Parquet file ({message})", hint=_BROKEN) from None
    if rows == 0:
        raise InputError(name, "the file has no rows", hint="export the mentions again, with data")
    # Positional names first: pl.col() would read "*" or "^...$" as patterns.
    safe = {top: f"c{i}" for i, top in enumerate(schema)}
    leaves = [
        leaf
        for top, dtype in schema.items()
        for leaf in _flat_fields(pl.col(safe[top]), dtype, top)
    ]
    header = tuple(unique_names(n for n, _, _ in leaves))
    typed = {
        alias: dtype
        for (_, _, dtype), alias in zip(leaves, header, strict=True)
        if keeps_type(dtype) and typed_name(alias) not in header
    }
    # The record index first: a head or a slice of the table then reads only those rows.
    frame = (
        scan.rename(safe)
        .with_row_index(ROW)
        .select(
            ROW,
            *(_cells(e, d).alias(alias) for (_, e, d), alias in zip(leaves, header, strict=True)),
            *(
                e.alias(typed_name(alias))
                for (_, e, _), alias in zip(leaves, header, strict=True)
                if alias in typed
            ),
        )
    )
    readable = {*header, *map(typed_name, typed)}

    def tail(column: str) -> list[Any]:
        if column not in readable:
            return []
        values = frame.select(pl.col(column)).tail(TAIL_ROWS).collect().to_series()
        return [v for v in values.to_list() if v is not None]

    return RawTable(name=name, header=header, frame=frame, header_line=0, tail=tail, typed=typed)


# --- JSON Lines ---------------------------------------------------------------------------------

_JSONL_HINT = (
    "stormwatch reads JSON Lines: one JSON object per line (snscrape --jsonl, API dumps); "
    "a JSON array or a pretty-printed document is not JSON Lines"
)
_CUT_HINT = "the file may be cut off: download it again"
_NULL = object()  # a key seen only with null values so far
_LEAF = object()  # a key with a scalar or list value (or an object in some records only)


class _BadLine(ValueError):
    """A line that is not a JSON object."""


#: Levels of objects and arrays a record may nest. Real records nest 3 or 4; a deeper one
#: blew Python's recursion limit (or made a struct schema polars chokes on).
MAX_DEPTH = 32
_DEEP = f"the record nests objects or arrays more than {MAX_DEPTH} levels deep"


def _parse(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"not JSON ({exc.msg})") from None
    except RecursionError:
        raise _BadLine(_DEEP) from None
    if _too_deep(value):
        raise _BadLine(_DEEP)
    if not isinstance(value, dict):
        kind = "an array" if isinstance(value, list) else "a single value"
        raise _BadLine(f"a JSON line must be an object, this is {kind}")
    return value


def _too_deep(value: Any) -> bool:
    """Deeper than :data:`MAX_DEPTH`, found without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
    return False


def _merge(schema: dict[str, Any], record: dict[str, Any]) -> None:
    """Grow a nested schema (key -> dict of sub-keys, or a leaf) by one record. A key that is
    an object in one record and a scalar in another is a leaf: polars reads it as JSON text."""
    for key, value in record.items():
        known = schema.get(key)
        if isinstance(value, dict) and value:
            if known is None or known is _NULL or isinstance(known, dict):
                node = known if isinstance(known, dict) else {}
                _merge(node, value)
                schema[key] = node
        elif value is None or value == {}:
            schema.setdefault(key, _NULL)
        else:
            schema[key] = _LEAF


def _dtype(node: Any) -> pl.DataType:
    if isinstance(node, dict):
        return pl.Struct({key: _dtype(child) for key, child in node.items()})
    return pl.String()  # numbers, booleans, lists and mixed values come as their JSON text


def _leaves(node: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    for key, child in node.items():
        if isinstance(child, dict):
            yield from ((key, *rest) for rest in _leaves(child))
        else:
            yield (key,)


def _flat(
    record: dict[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    for key, value in record.items():
        if isinstance(value, dict) and value:
            yield from _flat(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _numbered(text: str, drop_last: bool) -> list[tuple[int, str]]:
    """Non-blank lines of ``text`` with their 1-based numbers."""
    lines = text.split("\n")
    if drop_last:  # cut by the end of the sample
        lines = lines[:-1]
    return [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]


def _line_count(path: Path) -> int:
    """Newlines in ``path``: only to name the line of a bad record in the tail."""
    count = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _physical_line(path: Path, record_line: int) -> int:
    """The line of the ``record_line``-th non-blank line of ``path`` (polars skips blanks)."""
    seen = 0
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                seen += 1
                if seen == record_line:
                    return number
    return record_line


def _records(path: Path, name: str, sample: Sample, head: str) -> list[dict[str, Any]]:
    """Parse the lines of the head and the tail sample; a bad one is an InputError."""
    cut = not (sample.tail or sample.head).rstrip(b" \t\r").endswith(b"\n")
    tail = sample.tail.decode("utf-8", errors="replace").partition("\n")[2]

    def before_tail() -> int:  # the tail's lines are numbered from its start
        return _line_count(path) - tail.count("\n")

    def at_start() -> int:
        return 0

    parts: list[tuple[list[tuple[int, str]], Callable[[], int], bool]] = [
        (_numbered(head, drop_last=not sample.complete), at_start, sample.complete)
    ]
    if not sample.complete:
        parts.append((_numbered(tail, drop_last=False), before_tail, True))
    records: list[dict[str, Any]] = []
    for lines, offset, at_end in parts:
        for index, (number, line) in enumerate(lines):
            try:
                records.append(_parse(line))
            except _BadLine as exc:
                last = at_end and cut and index == len(lines) - 1
                raise InputError(
                    name, str(exc), line=offset() + number, hint=_CUT_HINT if last else _JSONL_HINT
                ) from None
    return records


def open_jsonl(path: Path, name: str | None = None, sample: Sample | None = None) -> RawTable:
    """Scan a JSON Lines file lazily. Its columns come from the records in the head and tail
    samples, where every line must be a JSON object (else an InputError names the line)."""
    name = name or str(path)
    sample = sample or read_sample(path, name)
    if sample.size == 0:
        raise InputError(name, "the file is empty", hint="export the mentions again")
    text = detect_text(name, sample)
    records = _records(path, name, sample, text.head)
    schema: dict[str, Any] = {}
    for record in records:
        _merge(schema, record)
    if not schema:
        raise InputError(name, "no records with fields", hint="export the mentions again")
    source = transcode(path, text, ".jsonl") if text.needs_transcoding or text.bom else path
    # scan_ndjson always expands patterns: a name with [ or * must be escaped to stay a name
    scan = pl.scan_ndjson(
        glob.escape(str(source)), schema={key: _dtype(node) for key, node in schema.items()}
    )
    safe = {key: f"c{i}" for i, key in enumerate(schema)}  # pl.col() reads "*" as a pattern
    scan = scan.rename(safe)
    paths = list(_leaves(schema))
    header = tuple(unique_names(".".join(p) for p in paths))
    columns: dict[tuple[str, ...], tuple[str, pl.Expr]] = {}
    for path_, alias in zip(paths, header, strict=True):
        expr = pl.col(safe[path_[0]])
        for part in path_[1:]:
            expr = expr.struct.field(part)
        columns[path_] = (alias, expr)
    frame = scan.select(expr.alias(alias) for alias, expr in columns.values()).with_row_index(ROW)
    latest: dict[str, list[str]] = {}
    for record in records[-TAIL_ROWS:]:
        for key, value in _flat(record):
            if value is not None and key in columns:
                latest.setdefault(columns[key][0], []).append(_text(value))
    # polars skips blank lines: then a record's number is not its line.
    blank_lines = any(not line.strip() for line in text.head.rstrip("\n").split("\n"))
    return RawTable(
        name=name,
        header=header,
        frame=frame,
        header_line=0,
        physical_line=functools.partial(_physical_line, source)
        if blank_lines or not sample.complete
        else _same,
        tail=lambda column: latest.get(column, []),
    )


def _same(line: int) -> int:
    return line
