"""The benchmark scripts stay runnable: each imports (its names resolve) without running."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCHMARKS.glob("*.py")))
def test_a_benchmark_script_imports(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCHMARKS))  # as `python benchmarks/x.py` sees its folder
    module = importlib.import_module(name)
    assert module.__file__ == str(BENCHMARKS / f"{name}.py")
    sys.modules.pop(name, None)
