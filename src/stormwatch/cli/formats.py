"""``stormwatch formats``: the export formats (presets) stormwatch recognises."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from stormwatch.cli.app import app, guarded


@app.command()
@guarded
def formats(
    ctx: typer.Context,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table or json. [default: table on a terminal, json otherwise]",
        ),
    ] = None,
) -> None:
    """List the export formats (presets) stormwatch recognises, and what each maps.

    Example:

        stormwatch formats --format json
    """
    fmt = output_format or ("table" if sys.stdout.isatty() else "json")
    if fmt not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    from stormwatch.sources.presets import describe_all

    described = describe_all()
    if fmt == "json":
        import json

        sys.stdout.write(json.dumps(described, indent=2, ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Export formats: --preset NAME, else recognised from the header")
    for column in ("preset", "export; recognised by", "maps"):
        table.add_column(column, overflow="fold")
    for item in described:
        anchors = " or ".join(" + ".join(s) for s in item["recognised_by"]) or "the fallback"
        maps = "\n".join(f"{c}: {rule}" for c, rule in item["columns"].items())
        export = (
            f"{escape(item['vendor'])}\n[dim]{escape(item['layout'])}[/dim]\n"
            f"[italic]{escape(anchors)}[/italic]"
        )
        table.add_row(item["name"], export, escape(maps))
    Console(file=sys.stdout).print(table)
