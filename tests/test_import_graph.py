"""The apps depend on each other in one direction only: no import cycle between them.

The graph is read from the source with :mod:`ast`: every ``import`` and ``from … import``, at the top
of a module or inside a function (an import deferred into a function still ties the two together),
except those under ``if TYPE_CHECKING:``, which never run (a model may name another app's model in
a type, as its foreign keys name it in a string). Tests, migrations and the project's wiring
(settings, URLs, the WSGI and Celery entry points, which import every app by design) are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("udp", "registers", "mandates", "accreditation", "licensing", "distribution", "reporting", "demo")
#: Our installed apps, most specific first; a module of ``udp`` outside them is the project's shared core.
APPS = (
    *sorted((a for a in settings.INSTALLED_APPS if a.split(".")[0] in PACKAGES), key=len, reverse=True),
    "udp",
)
WIRING = {"udp.settings", "udp.settings_test", "udp.urls", "udp.wsgi", "udp.celery"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if {"migrations", "tests"} & set(path.parts):
                continue
            name = module_name(path)
            if name not in WIRING:
                modules[name] = path
    return modules


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imported_names(name: str, path: Path) -> Iterator[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def module_graph() -> dict[str, set[str]]:
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = {target for target in imported_names(name, path) if target in modules}
        # ``from udp import audit`` names both the package and the module: keep the module.
        graph[name] = {t for t in targets if not any(o.startswith(t + ".") for o in targets)} - {name}
    return graph


def app_of(module: str) -> str:
    return next(app for app in APPS if module == app or module.startswith(app + "."))


def app_graph() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """app → app it imports → the (importing module, imported module) pairs that make the edge."""
    edges: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for module, targets in module_graph().items():
        for target in targets:
            a, b = app_of(module), app_of(target)
            if a != b:
                edges.setdefault(a, {}).setdefault(b, []).append((module, target))
    return edges


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as a list of nodes (first repeated last), or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_find_cycle_finds_a_cycle_and_only_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_deferred_imports_and_skips_type_checking_ones(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from registers.models import CMO\n"
        "def f():\n    from registers import claims\n"
    )
    assert set(imported_names("udp.accounts.m", source)) >= {"registers", "registers.claims"}
    assert "registers.models.CMO" not in set(imported_names("udp.accounts.m", source))


def test_every_app_of_ours_is_in_the_graph() -> None:
    assert {"udp.accounts", "udp.core", "registers", "demo"} <= set(APPS)


def test_the_apps_depend_on_each_other_in_one_direction_only() -> None:
    edges = app_graph()
    assert "registers" in edges and "udp.accounts" in edges["registers"]  # the graph is really read
    cycle = find_cycle({app: set(targets) for app, targets in edges.items()})
    if cycle:
        why = [f"{a} → {b}: {edges[a][b][:3]}" for a, b in zip(cycle, cycle[1:], strict=False)]
        raise AssertionError("import cycle between apps:\n" + "\n".join(why))


def test_accounts_know_nothing_of_the_registers() -> None:
    """Accounts are below every domain: a domain reads the account, never the other way round."""
    assert "registers" not in app_graph().get("udp.accounts", {})


def test_the_registers_know_nothing_of_the_domains_above_them() -> None:
    """The registers are read by every domain (mandates, accreditation, licensing, …); they never read one."""
    graph = app_graph()
    assert "registers" in graph.get("mandates", {}) or "mandates" not in graph  # the edge is really read
    domains = {"mandates", "accreditation", "licensing", "distribution", "reporting"}
    assert not domains & set(graph.get("registers", {}))


def test_the_cwr_acknowledgement_does_not_import_the_importer() -> None:
    """The importer writes the ACK file (``registers.importing.lifecycle`` → ``registers.cwr.ack``)."""
    graph = module_graph()
    assert "registers.cwr.ack" in graph["registers.importing.lifecycle"]
    assert not {m for m in graph["registers.cwr.ack"] if m.startswith("registers.importing")}
