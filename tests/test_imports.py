"""The static import graph of ``kubeflow_devtools``: no cycles, and data flows one way.

Every ``.py`` under ``policy/``, ``docgen/`` and ``kubeflow_devtools/`` is parsed with
:mod:`ast`. Every ``import`` and ``from ... import`` is an edge, wherever it is written: at
module level, inside a function, under ``if TYPE_CHECKING:``. Relative imports are resolved;
``from pkg import name`` is an edge to ``pkg.name`` when that is a module, else to ``pkg``. The
implicit import of parent packages is not an edge. Only edges between the package's own
modules make the graph; imports of anything else are the standard library or third parties.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "kubeflow_devtools"
HALVES = ("policy", "docgen")

MODEL_MODULES = frozenset(
    {
        "kubeflow_devtools.errors",
        "kubeflow_devtools.policy.errors",
        "kubeflow_devtools.policy.model",
        "kubeflow_devtools.policy.model.findings",
        "kubeflow_devtools.policy.model.mesh",
        "kubeflow_devtools.policy.model.objects",
        "kubeflow_devtools.policy.model.report",
        "kubeflow_devtools.policy.model.runtime",
        "kubeflow_devtools.policy.model.waivers",
        "kubeflow_devtools.policy.pss.registry",
    }
)
"""rootless-check's data model: each may import the standard library, third parties and the
other model modules, nothing else of the package. ``pss.registry`` is here because the model's
``Options`` names a Pod Security ``Level``: the registry holds PSA's check types and imports
only the standard library (the check modules import it, never the other way)."""


def _module_name(path: Path) -> str:
    """The dotted name ``path`` is imported as (``kubeflow_devtools.policy.scan``)."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[0] != PACKAGE:
        parts.insert(0, PACKAGE)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[Path]:
    """The package's own files (``kubeflow_devtools/policy`` and ``docgen`` are links)."""
    yield from sorted((REPO / PACKAGE).glob("*.py"))
    for half in HALVES:
        yield from sorted(p for p in (REPO / half).rglob("*.py") if "__pycache__" not in p.parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the package, by dotted name."""
    return {_module_name(path): path for path in _sources()}


def imports_in(source: str, name: str, is_package: bool, known: frozenset[str]) -> set[str]:
    """Every module the code ``source`` of module ``name`` imports, anywhere in it.

    ``known`` are the modules that exist: ``from pkg import name`` imports the module
    ``pkg.name`` if it is one of them, else (a name defined in ``pkg``) the module ``pkg``.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = node.module or ""
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return found


@cache
def imports_of(name: str) -> frozenset[str]:
    """Every module the package's module ``name`` imports."""
    path = modules()[name]
    source = path.read_text(encoding="utf-8")
    known = frozenset(modules())
    return frozenset(imports_in(source, name, path.name == "__init__.py", known))


def graph() -> dict[str, list[str]]:
    """Each module of the package to the modules of the package it imports."""
    known = modules()
    return {name: sorted(m for m in imports_of(name) if m in known) for name in sorted(known)}


def _components(edges: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of ``edges`` (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)

    for start in edges:
        if start in index:
            continue
        enter(start)
        work = [(start, iter(edges[start]))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    out.append(sorted(component))
            elif child not in index:
                enter(child)
                work.append((child, iter(edges[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return out


def _shortest_cycle(edges: dict[str, list[str]], start: str, within: set[str]) -> list[str]:
    """The shortest path from ``start`` back to ``start`` through the modules ``within``."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in edges[node]:
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if child in within and child not in parent:
                parent[child] = node
                queue.append(child)
    return []


def cycles(edges: dict[str, list[str]]) -> list[str]:
    """The import cycles of ``edges``, each as ``a -> b -> a``.

    For every module in a cycle, the shortest cycle through it (each cycle once, starting at
    its first module in sort order).
    """
    found: set[str] = set()
    for component in _components(edges):
        members = set(component)
        if len(component) == 1 and component[0] not in edges[component[0]]:
            continue
        for start in component:
            ring = _shortest_cycle(edges, start, members)
            first = ring.index(min(ring))
            ring = ring[first:] + ring[:first]
            found.add(" -> ".join([*ring, ring[0]]))
    return sorted(found)


def test_cycles_are_found_and_printed() -> None:
    edges = {"a": ["b"], "b": ["c", "a"], "c": ["c"], "d": ["a", "e"], "e": ["d"], "f": []}
    assert cycles(edges) == ["a -> b -> a", "c -> c", "d -> e -> d"]
    long = {"m": ["n"], "n": ["o"], "o": ["m", "n"]}
    assert cycles(long) == ["m -> n -> o -> m", "n -> o -> n"]


def test_every_kind_of_import_is_an_edge() -> None:
    source = """
from __future__ import annotations
import json
import pkg.low
from typing import TYPE_CHECKING
from pkg import mod, name
from . import sibling
from .sibling import thing
from ..up import other
if TYPE_CHECKING:
    from pkg.typed import T
def later():
    from pkg.lazy import f
"""
    known = frozenset({"pkg", "pkg.mod", "pkg.sub.sibling", "pkg.up", "pkg.lazy", "pkg.low"})
    found = imports_in(source, "pkg.sub.here", False, known)
    assert found == {
        "__future__",
        "json",
        "pkg.low",
        "typing",
        "pkg.mod",
        "pkg",
        "pkg.sub.sibling",
        "pkg.up",
        "pkg.typed",
        "pkg.lazy",
    }
    assert imports_in("from . import x", "pkg.sub", True, frozenset({"pkg.sub.x"})) == {"pkg.sub.x"}


def test_the_graph_covers_both_halves_and_the_shared_modules() -> None:
    edges = graph()
    for half in ("kubeflow_devtools.policy", "kubeflow_devtools.docgen"):
        assert sum(1 for m in edges if m.startswith(half + ".")) > 10, half
    assert "kubeflow_devtools" in edges
    assert "kubeflow_devtools.errors" in edges
    assert (
        "kubeflow_devtools.policy.pss.registry"
        in edges["kubeflow_devtools.policy.pss.checks.privileged"]
    )


def test_no_import_cycles() -> None:
    found = cycles(graph())
    assert not found, "import cycles:\n" + "\n".join(found)


def _ours(target: str) -> bool:
    return target == PACKAGE or target.startswith(PACKAGE + ".")


def test_model_modules_import_nothing_of_the_pipeline() -> None:
    assert set(modules()) >= MODEL_MODULES, sorted(MODEL_MODULES - set(modules()))
    assert {m for m in modules() if m.startswith("kubeflow_devtools.policy.model")} <= MODEL_MODULES
    bad = [
        f"{name} imports {target}"
        for name in sorted(MODEL_MODULES)
        for target in sorted(imports_of(name))
        if _ours(target) and target not in MODEL_MODULES
    ]
    assert not bad, "\n".join(bad)


def test_renderers_read_the_model_only() -> None:
    renderers = {m for m in modules() if m.startswith("kubeflow_devtools.policy.report")}
    assert len(renderers) == 7
    # the mechanisms both halves share (kubeflow_devtools.sarif...) know neither half
    shared = {m for m in modules() if m.count(".") == 1 and m.split(".")[1] not in HALVES}
    bad = [
        f"{name} imports {target}"
        for name in sorted(renderers)
        for target in sorted(imports_of(name))
        if _ours(target) and target not in MODEL_MODULES | renderers | shared
    ]
    assert not bad, "\n".join(bad)


def test_shared_modules_know_neither_half_and_the_halves_not_each_other() -> None:
    def half(module: str) -> str | None:
        parts = module.split(".")
        return parts[1] if len(parts) > 1 and parts[1] in HALVES else None

    bad = [
        f"{name} imports {target}"
        for name in sorted(modules())
        for target in sorted(imports_of(name))
        if _ours(target) and half(target) is not None and half(target) != half(name)
    ]
    assert not bad, "\n".join(bad)
