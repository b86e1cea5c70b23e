"""Fixtures for the hardening tests: real programs in pseudo-terminals, cleaned up at teardown.

Programs are :class:`tests.cli.harness.Player` objects (imported read-only): ``sys.executable -m
cli.host 0`` / ``-m cli.join PORT`` from the repository root on 127.0.0.1, NO_COLOR=1, the port
read from the host's opening line (no fixed ports). Each program gets a HOME (and XDG state
directory) of its own, so one join never finds — and resumes with — another join's seat token:
every join here is a different person. Teardown terminates, then kills, every program started,
also when the test failed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.harness import OPEN_LINE, Player, child_env


class Programs:
    """Starts host and join programs for a test (or a module) and stops every one of them."""

    def __init__(self, root: Path) -> None:
        """Programs get private homes under *root*."""
        self.root = root
        self.started: list[Player] = []

    def start(self, module: str, *args: str) -> Player:
        """Run ``python -m MODULE ARGS`` in a pseudo-terminal, as a person of its own."""
        home = self.root / f"program-{len(self.started)}"
        home.mkdir(parents=True, exist_ok=True)
        env = child_env(home)
        env["XDG_STATE_HOME"] = str(home / "state")  # never an inherited, shared one
        player = Player(sys.executable, ["-m", module, *args], env)
        self.started.append(player)
        return player

    def host(self, name: str = "alice", *args: str) -> tuple[Player, int]:
        """Start a host on a free port; return it and the port it printed."""
        host = self.start("cli.host", "0", "--name", name, *args)
        port = int(host.expect_re(OPEN_LINE).group(1))
        host.expect(f"<{name}> ")  # the prompt: readline owns the terminal, typing is safe
        return host, port

    def join(self, port: int, name: str = "bob", *args: str) -> Player:
        """Start a join towards *port* and wait until it sat down and can be typed to."""
        join = self.start("cli.join", str(port), "--name", name, *args)
        join.expect("you joined")
        join.expect(f"<{name}> ")
        return join

    def cleanup(self) -> None:
        """Terminate, then kill, everything still running."""
        for player in self.started:
            player.stop()


@pytest.fixture
def programs(tmp_path: Path) -> Iterator[Programs]:
    """Programs for one test, all stopped at teardown."""
    group = Programs(tmp_path)
    try:
        yield group
    finally:
        group.cleanup()


@pytest.fixture(scope="module")
def module_programs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Programs]:
    """Programs shared by the tests of one module, all stopped at the module's teardown."""
    group = Programs(tmp_path_factory.mktemp("programs"))
    try:
        yield group
    finally:
        group.cleanup()
