"""Fixtures for the issue 5 tests: programs, raw protocol clients and proxies, all cleaned up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.harness import Players
from tests.resume.tools import Proxy, RawClients


@pytest.fixture
def players(tmp_path: Path) -> Iterator[Players]:
    """Programs for one test (private HOME and XDG_STATE_HOME under tmp_path), all stopped."""
    group = Players(tmp_path)
    try:
        yield group
    finally:
        group.cleanup()


@pytest.fixture
def raw() -> Iterator[RawClients]:
    """Raw protocol clients (net.connect on a loop thread of their own), all closed."""
    clients = RawClients()
    try:
        yield clients
    finally:
        clients.close()


@pytest.fixture
def proxies() -> Iterator[list[Proxy]]:
    """TCP proxies a test starts; each is stopped at teardown."""
    started: list[Proxy] = []
    try:
        yield started
    finally:
        for proxy in started:
            proxy.stop()
