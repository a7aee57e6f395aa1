"""Where ``scan`` (and ``report``) put their output: the chosen format to stdout, or to
``--out`` written whole or not at all. An edge module: it writes files and the stream."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from stormwatch.errors import StormwatchError
from stormwatch.models import Report

if TYPE_CHECKING:  # the replay behind it is imported only for the html format
    from stormwatch.report.history import History


@contextlib.contextmanager
def output(path: Path) -> Iterator[TextIO]:
    """``--out``: the file, written whole or not at all (a temporary file next to it, renamed
    over it once complete)."""
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8", newline="") as stream:
            yield stream
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise StormwatchError(
            f"cannot write {path}: {exc.strerror}", hint="choose a writable --out path"
        ) from None


def emit(
    fmt: str,
    report: Report,
    out: Path | None,
    timelines: Callable[[], Mapping[str, History]],
) -> None:
    """``report`` in ``fmt`` to stdout or ``out``; ``timelines`` are asked for only by the
    html format (they read the inputs once more)."""
    from stormwatch.render import formats as render
    from stormwatch.render.table import to_table

    if fmt == "table":
        from rich.console import Console

        if out is None:
            Console(file=sys.stdout).print(to_table(report))
            return
        with output(out) as stream:
            Console(file=stream, width=100).print(to_table(report))
        return
    if fmt == "html":
        from stormwatch.report.html import to_html

        text = to_html(report, timelines())
    else:
        text = {"json": render.to_json, "csv": render.to_csv, "markdown": render.to_markdown}[fmt](
            report
        )
    if out is None:
        sys.stdout.write(text)
    else:
        with output(out) as stream:
            stream.write(text)
