"""The layout is the architecture: each layer of `bot/` imports only the layers below it, no module
imports another back (directly or around a circle), and only `bot/telegram` imports `telegram`.

Every import counts, wherever it stands: at the top, inside a function, or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"

# Bottom to top. A module may import its own layer and any layer listed before it, except what
# FORBIDDEN names.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("bot", "bot.memory", "bot.config", "bot.i18n", "bot.store", "bot.ratelimit", "bot.stop_request")),
    ("text", ("bot.text",)),
    ("knowledge", ("bot.knowledge",)),
    ("engine", ("bot.engine",)),
    ("outbox", ("bot.outbox",)),
    ("admin", ("bot.admin",)),
    ("telegram", ("bot.telegram",)),
    ("cli", ("bot.cli", "bot.__main__")),
]
# Below the services, the ground's I/O is out of reach: the engine is plain computation on a base.
FORBIDDEN = {
    "text": ("bot.config", "bot.i18n", "bot.store", "bot.ratelimit"),
    "knowledge": ("bot.config", "bot.i18n", "bot.store", "bot.ratelimit"),
    "engine": ("bot.config", "bot.store", "bot.ratelimit"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """Every module of the project and every outside top-level package that `path` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import"
            base = node.module or ""
            names = {f"{base}.{alias.name}" for alias in node.names}
            found |= (names & known) or {base}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def layer_of(module: str) -> int:
    for rank, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix != "bot" and module.startswith(prefix + ".")):
                return rank
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS")


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {name: imports(path, known) for name, path in found.items()}


def test_every_module_has_a_layer() -> None:
    for name in modules():
        layer_of(name)


def test_each_layer_imports_only_layers_below_it() -> None:
    wrong = []
    for name, imported in graph().items():
        rank = layer_of(name)
        layer = LAYERS[rank][0]
        for other in imported:
            if other == "telegram" or other.startswith("telegram."):
                if layer not in ("telegram",):
                    wrong.append(f"{name} imports {other}")
                continue
            if other != "bot" and not other.startswith("bot."):
                continue
            if layer_of(other) > rank:
                wrong.append(f"{name} ({layer}) imports {other} ({LAYERS[layer_of(other)][0]})")
            if any(other == f or other.startswith(f + ".") for f in FORBIDDEN.get(layer, ())):
                wrong.append(f"{name} ({layer}) imports {other}")
    assert not wrong, "\n".join(sorted(wrong))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
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


def test_no_import_circle() -> None:
    edges = {name: {m for m in imported if m.startswith("bot")} - {name} for name, imported in graph().items()}
    assert cycles(edges) == []


def test_the_circle_finder_finds_circles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_over_400_lines(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= 400, f"{name}: {lines} lines"


def test_every_package_says_what_it_is_and_may_import() -> None:
    for init in BOT.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "import" in doc.lower(), f"{init}: say what the package is and what it may import"
