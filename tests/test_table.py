"""The terminal table at the widths people have: nothing splits a handle, a number or its
unit; the optional columns (sparkline, then top critic) go first; lists wrap between items."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from stormwatch.cli.main import ExitCode, app

runner = CliRunner()


def _table(width: int, lang: str) -> list[str]:
    result = runner.invoke(
        app, ["scan", str(SAMPLE), "-f", "table", "--lang", lang], env={"COLUMNS": str(width)}
    )
    assert result.exit_code == ExitCode.OK, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize(("width", "lang"), [(80, "en"), (80, "de"), (72, "de"), (100, "de")])
def test_nothing_is_split_and_nothing_is_too_wide(width: int, lang: str) -> None:
    lines = _table(width, lang)
    assert max(len(line.rstrip()) for line in lines) <= width
    text = "\n".join(lines)
    # every handle, and every number with its unit, stays on one line
    for handle in ("@bigvoice_blog", "@home_living_cn", "@euro_business"):
        assert handle in text
    units = {"de": ("1,3 Mio.", "1,0 Mio.", "640 Tsd.", "537 Tsd."), "en": ("1.3M", "640k")}
    for unit in units[lang]:
        assert unit in text, unit
    assert not re.search(r"\d\s*$", "\n".join(line.rstrip() for line in lines if "(" in line))


def test_optional_columns_go_first() -> None:
    header = next(line for line in _table(100, "de") if "Thema" in line)
    assert header.split() == ["#", "Thema", "Score", "Stufe", "Volumen", "Treiber", "Top-Kritiker"]
    header = next(line for line in _table(80, "de") if "Thema" in line)
    assert header.split() == ["#", "Thema", "Score", "Stufe", "Treiber", "Top-Kritiker"]
    header = next(line for line in _table(66, "de") if "Thema" in line)
    assert header.split() == ["#", "Thema", "Score", "Stufe", "Treiber"]
    header = next(line for line in _table(80, "en") if "score" in line)
    assert header.split() == ["#", "topic", "score", "level", "volume", "drivers", "top", "critic"]


def test_lists_under_the_table_wrap_between_items() -> None:
    lines = _table(72, "de")
    start = next(i for i, line in enumerate(lines) if "— Kritiker:" in line)
    assert lines[start].rstrip() == "Siemens — Kritiker: @bigvoice_blog (1,0 Mio.),"
    assert lines[start + 1].rstrip() == "  @home_living_cn (640 Tsd.), @euro_business (537 Tsd.)"
