"""Helpers for the table conversation tests."""

from __future__ import annotations

import random
from typing import Any

import pytest

from game import registry
from game.delivery import Recipient
from game.table import Delivery, Kind, Seat, Table

HOST, GUEST = Seat.HOST, Seat.GUEST


def lines(
    deliveries: list[Delivery], to: Seat | None = None, kind: Kind | None = None
) -> list[str]:
    """The texts delivered (to one seat / of one kind)."""
    return [
        d.shown.text
        for d in deliveries
        if (to is None or d.to is to) and (kind is None or d.shown.kind is kind)
    ]


def only_error(deliveries: list[Delivery], to: Recipient) -> str:
    """Assert the deliveries are exactly one ERROR for ``to`` and return its text."""
    assert len(deliveries) == 1, deliveries
    assert deliveries[0].to is to and deliveries[0].shown.kind is Kind.ERROR, deliveries
    return deliveries[0].shown.text


def parse_game(args: str) -> Any:
    """:func:`game.registry.parse_game`, typed ``Any``: each game's spec has fields of its own
    (``rules``, ``secret``) that the tests read."""
    return registry.parse_game(args)


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
