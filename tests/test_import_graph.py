"""The import graph of apps/ (read from the source, not by importing it) keeps the layout of
docs/architecture.md: no import loop inside an app, and no app importing one to its right in
`tenancy ← org ← customers ← sales ← targets ← {pipeline, keyaccounts, surveys, training,
incentives} ← visits ← reporting ← salesmgmt` (a visit advances an opportunity and the rep's plan is
suggested from what the apps below know, so visits sits above them) (the wiring package `salesmgmt` sits above every app).

Imports inside functions count: one placed there to dodge a loop is still a loop. Imports under
`if TYPE_CHECKING:` do not (they never run).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "tenancy": 0,
    "org": 1,
    "customers": 2,
    "sales": 3,
    "targets": 4,
    "pipeline": 5,
    "keyaccounts": 5,
    "surveys": 5,
    "training": 5,
    "incentives": 5,
    "visits": 6,
    "reporting": 7,
    "salesmgmt": 8,
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for base in (ROOT / "apps", ROOT / "salesmgmt"):
        for path in base.rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found[_module_name(path)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, path: Path, modules: set[str]) -> set[str]:
    """The project modules `module` imports, anywhere in its body but under TYPE_CHECKING."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if target := resolve(alias.name):
                    out.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            for alias in node.names:
                target = (
                    resolve(f"{stem}.{alias.name}") if f"{stem}.{alias.name}" in modules else resolve(stem)
                )
                if target:
                    out.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(), filename=str(path)))
    out.discard(module)
    return out


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    modules = set(sources)
    return {module: _imports(module, path, modules) for module, path in sources.items()}


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if parts[0] == "apps" and len(parts) > 1 else parts[0]


def _loops(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Strongly connected components of more than one module among the modules of one app."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()
    counter = [0]

    def strongconnect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if _app(nxt) != _app(node) or nxt not in graph:
                continue
            if nxt not in index:
                strongconnect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            strongconnect(node)
    return found


def _against(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    out = set()
    for module, targets in graph.items():
        here = _app(module)
        for target in targets:
            there = _app(target)
            if there != here and LAYERS.get(there, -1) >= LAYERS.get(here, -1):
                out.add((module, target))
    return out


def test_no_import_loop_inside_an_app():
    assert _loops(_graph()) == set(), "import loops inside an app (docs/architecture.md, Adding an app)"


def test_no_import_against_the_direction():
    assert _against(_graph()) == set(), "imports against the direction of docs/architecture.md"


def test_the_graph_reader_sees_a_loop_and_an_import_against_the_direction(tmp_path):
    graph = {
        "apps.visits.a": {"apps.visits.b"},
        "apps.visits.b": {"apps.visits.c", "apps.reporting.x"},
        "apps.visits.c": {"apps.visits.a", "apps.sales.models"},
        "apps.sales.models": set(),
        "apps.reporting.x": set(),
    }
    assert _loops(graph) == {("apps.visits.a", "apps.visits.b", "apps.visits.c")}
    assert _against(graph) == {("apps.visits.b", "apps.reporting.x")}
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from apps.reporting import x\n"
        "def f():\n    from .b import thing\n"
    )
    assert _imports("apps.visits.m", source, {"apps.visits.b", "apps.reporting.x"}) == {"apps.visits.b"}
