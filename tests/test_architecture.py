"""The package map holds: no import cycles, ``models`` never imports ``proxy``, and the core
packages never import a feature package.

The graph is read from the source (every ``import``, at module level or deferred inside a
function; ``if TYPE_CHECKING:`` blocks are annotations only and left out), so a cycle dodged
with a deferred import still counts. One allowance, stated here: a core package's ``cli`` module
is an entry point (like ``proxy.app``) and may compose feature packages inside the command it
runs — never at import time.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = ("proxy.policy", "proxy.store", "proxy.audit", "proxy.crypto", "proxy.detection", "models")
FEATURES = ("proxy.portal", "proxy.admin", "proxy.analytics", "proxy.webhooks")


def _modules() -> dict[str, Path]:
    out = {}
    for top in ("proxy", "models"):
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module an imported name lives in (``a.b.C`` → ``a.b``), if it is one of ours."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(module: str, *, deferred: bool = True) -> set[str]:
    """Our modules that ``module`` imports (``deferred``: also inside functions)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if _is_type_checking(child):
                continue
            if not deferred and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if isinstance(child, ast.Import):
                found.update(r for a in child.names if (r := _resolve(a.name)))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    target = full if full in MODULES else _resolve(base)
                    if target:
                        found.add(target)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(module)
    return found


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


def test_the_graph_is_read():
    """Guards the guard: a walker that finds nothing would pass every rule below."""
    assert len(MODULES) > 100
    assert "proxy.policy.model" in imports("proxy.policy.parse")
    assert "proxy.portal.standalone" in imports("proxy.detection.cli")  # deferred, still seen
    assert "proxy.portal.standalone" not in imports("proxy.detection.cli", deferred=False)
    assert "proxy.audit.log" in imports("proxy.outbound.handler")


def test_no_import_cycles():
    graph = {m: imports(m) for m in MODULES}
    assert _cycles(graph) == []


def test_models_never_imports_proxy():
    bad = {m: sorted(d for d in imports(m) if _under(d, ("proxy",))) for m in MODULES}
    assert {m: d for m, d in bad.items() if d and m.startswith("models")} == {}


def test_core_never_imports_a_feature_package():
    bad = {}
    for m in MODULES:
        if not _under(m, CORE):
            continue
        entry_point = m.rpartition(".")[2] == "cli"
        found = sorted(d for d in imports(m, deferred=not entry_point) if _under(d, FEATURES))
        if found:
            bad[m] = found
    assert bad == {}


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
