"""How the packages of consult/ depend on each other (issue 16): domains depend one way,
so that a new participation method or activity is a folder that imports what it needs
and is imported by nothing it does not need.

Each package has a layer; a package may import its own layer and those below. Side
effects that used to go upwards (notify, log) go through events (core.events); a page
that shows several domains is defined by the highest of them on the blueprint of the
page's owner (ideas.challenge_page, comments.pages, codesign.pages…), or asks a
template function the higher domain provides (is_following, briefs_born_from…).
Imports under ``if TYPE_CHECKING:`` are for annotations only and do not count."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.dbless  # no database: runs once, on SQLite

PACKAGE = Path(__file__).resolve().parents[1] / "consult"

# Lowest first. Foundations import no domain; the application layer composes them all.
LAYERS = [
    {"config", "db", "replica", "core", "territories", "accessibility", "migrate",
     "sqlite_threads", "sqlalchemy_python"},
    {"accounts"},
    {"audit", "integrity"},
    {"organisations"},
    {"identity"},
    {"challenges"},
    {"ideas"},
    {"comments"},
    {"moderation"},
    {"answers"},
    {"briefs"},
    {"events"},
    {"codesign"},
    {"surveys", "pairwise", "statements", "topics", "opinions", "representativeness"},
    {"labs"},
    {"notifications"},
    {"dashboard", "opendata", "site", "api", "demo", "demo_participation", "backup", "cli",
     "models", "__init__"},
]
FOUNDATIONS = LAYERS[0]

def _layer_of(package: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if package in layer)


def _package(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def _runtime_imports(tree: ast.AST):
    """Every consult import, wherever it is (module level or inside a function), but
    those under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            skipped |= {id(child) for child in ast.walk(node)}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith("consult.") and name.count(".") >= 1:
                yield name.split(".")[1]


def dependencies() -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        source = _package(path)
        for target in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            known = (PACKAGE / target).exists() or (PACKAGE / f"{target}.py").exists()
            if target != source and known:
                found[(source, target)].add(str(path.relative_to(PACKAGE)))
    return found


def test_every_package_has_a_layer():
    packages = {_package(p) for p in PACKAGE.rglob("*.py")}
    assert packages - set().union(*LAYERS) == set(), "give the new package its layer"


def test_foundations_import_no_domain():
    wrong = {edge: files for edge, files in dependencies().items()
             if edge[0] in FOUNDATIONS and edge[1] not in FOUNDATIONS}
    assert not wrong, wrong


def test_imports_go_down():
    upward = {edge: files for edge, files in dependencies().items()
              if _layer_of(edge[0]) < _layer_of(edge[1])}
    assert not upward, f"imports going up (use an event, or move the code): {upward}"


def test_no_circle_between_packages():
    graph: dict[str, set[str]] = defaultdict(set)
    for (source, target) in dependencies():
        graph[source].add(target)
    assert _circles(graph) == []


def test_the_walk_sees_a_circle():
    assert _circles({"ideas": {"comments"}, "comments": {"ideas"}, "core": {"db"}}) == [
        ["comments", "ideas"]]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found
