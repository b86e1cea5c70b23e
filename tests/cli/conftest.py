"""Fixtures for the end-to-end tests of cli/: groups of programs cleaned up at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.harness import Players


@pytest.fixture
def players(tmp_path: Path) -> Iterator[Players]:
    """Programs for one test, all stopped at teardown."""
    group = Players(tmp_path)
    try:
        yield group
    finally:
        group.cleanup()


@pytest.fixture(scope="module")
def module_players(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Players]:
    """Programs shared by the tests of one module (one host+join pair for many games)."""
    group = Players(tmp_path_factory.mktemp("home"))
    try:
        yield group
    finally:
        group.cleanup()
