"""The three packages keep their places: no import circle, no import against the layering.

Every import counts — at module level, inside a function, or under ``TYPE_CHECKING`` — read from
the source with :mod:`ast`, so a circle cannot hide behind a late import.

The rules (ARCHITECTURE.md says why):

* ``net`` imports nothing of ``game`` or ``cli``: the wire knows no games, tables or terminals;
* ``game`` imports nothing of ``cli``, and of ``net`` only the sans-IO values and rules it
  builds on (messages, the join code and seat tokens, the outbox) — never a socket, a stream
  or an event loop;
* ``game`` imports no module that reads a clock, does I/O or runs concurrently;
* no module imports itself through others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("game", "net", "cli")

#: What game may use of net: pure values and rules, no I/O.
GAME_MAY_USE_OF_NET = frozenset({"net.messages", "net.admission", "net.outbox", "net.errors"})

#: What game must not import at all: clocks, I/O, concurrency.
NOT_IN_GAME = frozenset(
    {"asyncio", "socket", "selectors", "threading", "subprocess", "time", "os", "signal"}
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> Iterator[str]:
    """Every module *path* imports, by absolute name (``from game import x`` → ``game.x``
    when ``game/x.py`` exists, else ``game``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists():
                    yield candidate
                else:
                    yield node.module


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            graph[_module_name(path)] = set(_imports(path))
    return graph


GRAPH = _graph()


def test_the_packages_are_found() -> None:
    assert {"game.table", "net.codec", "cli.host"} <= set(GRAPH)


def test_no_module_imports_itself_through_others() -> None:
    # Tarjan's strongly connected components over our own modules
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in GRAPH[module]:
            if imported not in GRAPH:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1 or module in GRAPH[module]:
                circles.append(sorted(component))

    for module in GRAPH:
        if module not in index:
            visit(module)
    assert circles == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("net")))
def test_net_imports_nothing_of_game_or_cli(module: str) -> None:
    wrong = sorted(i for i in GRAPH[module] if i.split(".")[0] in ("game", "cli"))
    assert wrong == []


@pytest.mark.parametrize("module", sorted(m for m in GRAPH if m.startswith("game")))
def test_game_imports_no_program_no_io_and_only_pure_parts_of_net(module: str) -> None:
    imported = GRAPH[module]
    assert sorted(i for i in imported if i.startswith("cli")) == []
    assert sorted(i for i in imported if i.startswith("net") and i not in GAME_MAY_USE_OF_NET) == []
    assert sorted(i for i in imported if i.split(".")[0] in NOT_IN_GAME) == []


def test_imports_are_seen_wherever_they_hide(tmp_path: Path) -> None:
    source = tmp_path / "hidden.py"
    source.write_text(
        "import asyncio\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from cli.hosting import Host\n"
        "def late():\n"
        "    from game import table\n"
        "    from . import sibling\n",
        encoding="utf-8",
    )
    # a relative import names no package of ours; everything else is seen
    assert set(_imports(source)) == {"asyncio", "typing", "cli.hosting", "game.table"}
