"""Fixtures for the issue 5 tests: raw protocol clients, all closed at teardown.

Programs (``players``) and proxies (``proxies``) come from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.resume.tools import RawClients, WireGuests


@pytest.fixture
def raw() -> Iterator[RawClients]:
    """Raw protocol clients (net.connect on a loop thread of their own), all closed."""
    clients = RawClients()
    try:
        yield clients
    finally:
        clients.close()


@pytest.fixture
def wire() -> Iterator[WireGuests]:
    """Wire-level guests (plain sockets), all closed at teardown."""
    guests = WireGuests()
    try:
        yield guests
    finally:
        guests.close()
