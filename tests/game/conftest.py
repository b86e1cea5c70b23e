"""Fixtures of the tests of game/: tables to talk at (the helpers are in tests/game/support.py)."""

from __future__ import annotations

import random

import pytest

from game.table import Table


@pytest.fixture
def table() -> Table:
    """alice hosts, bob is seated."""
    t = Table("alice", rng=random.Random(0), words=["apple", "melon", "berry"])
    t.sit("bob")
    return t


@pytest.fixture
def alone() -> Table:
    """alice hosts, nobody else is here."""
    return Table("alice", rng=random.Random(0), words=["apple", "melon", "berry"])
