"""The package layout is the architecture: imports only go down the layers, and no module
imports itself through others (imports inside functions and under TYPE_CHECKING count too,
since a circle broken only by a late import is still a circle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Each part of the package and its layer: a part may import only parts of lower layers.
LAYERS: dict[str, int] = {
    "__about__": 0,
    "errors": 0,
    "settings": 1,
    "scratch": 1,
    "models": 2,
    "text": 2,
    "sources": 3,
    "simulate": 3,
    "sentiment": 4,
    "pipeline": 5,
    "render": 6,
    "store": 6,
    "fetch": 7,
    "engines": 7,
    "alerts": 8,
    "backtest": 9,
    "report": 10,
    "cli": 11,
    "__init__": 12,  # the library API: lazy names over everything below
    "__main__": 12,
}


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in (SRC / "stormwatch").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _imports(name: str, path: Path, package: bool, known: set[str]) -> set[str]:
    """Every stormwatch module ``name`` imports, wherever the import statement stands."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("stormwatch"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.startswith("stormwatch"):
                for alias in node.names:
                    full = f"{module}.{alias.name}"
                    out.add(full if full in known else module)
    return {m for m in out if m in known and m != name}


MODULES = _modules()
GRAPH = {
    name: _imports(name, path, package, set(MODULES)) for name, (path, package) in MODULES.items()
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_part_has_a_layer() -> None:
    assert {_part(m) for m in GRAPH} == set(LAYERS)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_only_go_down(module: str) -> None:
    upward = [
        dep
        for dep in sorted(GRAPH[module])
        if _part(dep) != _part(module) and LAYERS[_part(dep)] >= LAYERS[_part(module)]
    ]
    assert upward == [], f"{module} imports {upward} (layer {LAYERS[_part(module)]} or above)"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circles() -> None:
    assert _cycles(GRAPH) == []


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
