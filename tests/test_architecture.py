"""The package's shape: stages import only stages above them, and no module imports itself back.

The import graph is read from the source with :mod:`ast` (imports inside functions
count; imports under ``if TYPE_CHECKING:`` do not, since they never run).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "extractor"

#: Pipeline stages, top to bottom: data flows down, and a stage may import only
#: from stages before it (and from the shared core).
STAGES = ("parse", "facts", "claims", "store", "checks", "ingest", "datasette", "cli", "launch")
CORE = ("__init__", "errors", "models", "patterns", "settings")
MAX_LINES = 560


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.AST, current: str, is_package: bool) -> set[str]:
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = current.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - child.level + 1]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module or ""
                found.add(mod)
                found.update(f"{mod}.{a.name}" for a in child.names)
            visit(child)

    visit(tree)
    return {m for m in found if m == "extractor" or m.startswith("extractor.")}


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = _runtime_imports(tree, name, path.name == "__init__.py")
        graph[name] = {d for d in deps if d in files and d != name}
    return graph


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_no_import_cycles() -> None:
    graph = import_graph()
    # a package's __init__ re-exporting its own submodules is not a cycle of code
    edges = {m: {d for d in deps if not (m == d.rsplit(".", 1)[0] or d == m.rsplit(".", 1)[0])}
             for m, deps in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def dfs(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                pytest.fail("import cycle: " + " → ".join(cycle))
            if nxt not in state:
                dfs(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            dfs(node)


def test_stages_import_only_from_stages_above() -> None:
    order = {s: i for i, s in enumerate(STAGES)}
    wrong = []
    for module, deps in import_graph().items():
        here = stage_of(module)
        if here in CORE:
            bad = [d for d in deps if stage_of(d) not in CORE]
        else:
            bad = [d for d in deps if stage_of(d) not in CORE and order[stage_of(d)] > order[here]]
        wrong += [f"{module} imports {d}" for d in bad]
    assert not wrong, "data flows down the stages; these import back up:\n" + "\n".join(wrong)


def test_every_module_belongs_to_a_stage() -> None:
    stray = [m for m in import_graph() if stage_of(m) not in STAGES + CORE]
    assert not stray, f"modules outside the stage packages: {stray}"


def test_modules_stay_small() -> None:
    big = {}
    for path in PACKAGE.rglob("*.py"):
        n = sum(1 for _ in path.open(encoding="utf-8"))
        if n > MAX_LINES:
            big[str(path.relative_to(PACKAGE))] = n
    assert not big, f"split these modules by idea (over {MAX_LINES} lines): {big}"
