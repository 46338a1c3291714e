"""The product's import graph: no cycles, and no product module that only tests or benchmarks use.

Imports are read from the source (every ``import`` statement, also those inside functions), so a
cycle hidden behind a function-level import counts too.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT_PACKAGES = ("cxlink", "orchestration")
# Documents that name `python -m` tools a user runs (a module run that way has a user).
TOOL_DOCUMENTS = ("Makefile", "README.md", "docs")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules(*folders: str) -> dict[str, Path]:
    return {
        _module_name(path): path
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "target" not in path.parts
    }


PRODUCT = _modules(*PRODUCT_PACKAGES)


def _imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of ``known`` that ``path`` imports (a name from a package counts as the
    package unless it is a submodule)."""
    name = _module_name(path) if path.is_relative_to(ROOT) else ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def add(candidate: str) -> None:
        while candidate and candidate not in known:
            candidate = candidate.rpartition(".")[0]
        if candidate:
            found.add(candidate)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                add(f"{module}.{alias.name}" if f"{module}.{alias.name}" in known else module)
    found.discard(name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that returns to its start) per strongly connected component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)

    cycles = []
    for component in components:
        start = min(component)
        # Breadth-first from start back to start, inside the component: the shortest cycle.
        previous: dict[str, str] = {}
        frontier = [start]
        while frontier and start not in previous:
            following = []
            for node in frontier:
                for nxt in sorted(graph[node] & component):
                    if nxt not in previous:
                        previous[nxt] = node
                        following.append(nxt)
            frontier = following
        back = []
        node = previous[start]
        while node != start:
            back.append(node)
            node = previous[node]
        cycles.append([start, *reversed(back), start])
    return cycles


def test_cycle_finder_names_the_cycle():
    graph = {"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": set(), "e": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    graph = {name: _imported(path, PRODUCT) for name, path in PRODUCT.items()}
    cycles = [" -> ".join(cycle) for cycle in _cycles(graph)]
    assert not cycles, "import cycles among product modules:\n" + "\n".join(cycles)


def _entry_points() -> set[str]:
    """Modules started from outside Python: console scripts, the Dagster code location, the
    instance classes ``dagster.yaml`` names, and ``python -m`` tools named in the Makefile and
    the docs."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    modules = {target.split(":")[0] for target in pyproject["project"]["scripts"].values()}
    dagster = pyproject.get("tool", {}).get("dagster", {})
    modules.update(v for k, v in dagster.items() if k == "module_name")
    instance = (ROOT / "dagster.yaml").read_text(encoding="utf-8")
    modules.update(re.findall(r"^\s*module:\s*([\w.]+)\s*$", instance, flags=re.MULTILINE))
    documents = []
    for name in TOOL_DOCUMENTS:
        path = ROOT / name
        documents.extend(sorted(path.rglob("*.md")) if path.is_dir() else [path])
    for document in documents:
        if document.exists():
            for module in re.findall(r"python -m ([\w.]+)", document.read_text(encoding="utf-8")):
                modules.add(module)
                modules.add(f"{module}.__main__")
    return modules


def test_every_product_module_has_a_product_user():
    # Users: product modules, dbt Python models, and the entry points; not tests or benchmarks.
    users = {**PRODUCT, **_modules("dbt_project/models")}
    used = set(_entry_points())
    for path in users.values():
        used |= _imported(path, PRODUCT)
    packages = {name for name, path in PRODUCT.items() if path.name == "__init__.py"}
    unused = sorted(set(PRODUCT) - used - packages)
    assert not unused, (
        "product modules that nothing but tests or benchmarks import (move them under tests/ "
        "or benchmarks/, or delete them):\n" + "\n".join(unused)
    )
