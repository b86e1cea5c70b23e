"""Fixtures of the end-to-end tests: real programs, TCP proxies and raw protocol clients, all
cleaned up.

``players`` starts programs for one test, ``module_players`` programs shared by the tests of one
module (see :class:`tests.e2e.support.Players`); ``proxies`` holds the
:class:`tests.e2e.support.Proxy` objects a test starts; ``raw`` and ``wire`` are protocol clients
of the test's own. Teardown stops or closes every one of them, also when the test failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.support import Players, Proxy, RawClients, WireGuests


@pytest.fixture
def players(tmp_path: Path) -> Iterator[Players]:
    """Programs for one test (private HOME, a state directory each), all stopped at teardown."""
    group = Players(tmp_path)
    try:
        yield group
    finally:
        group.cleanup()


@pytest.fixture(scope="module")
def module_players(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Players]:
    """Programs shared by the tests of one module, all stopped at the module's teardown."""
    group = Players(tmp_path_factory.mktemp("home"))
    try:
        yield group
    finally:
        group.cleanup()


@pytest.fixture
def proxies() -> Iterator[list[Proxy]]:
    """TCP proxies a test starts (it appends them); each one is closed at teardown."""
    started: list[Proxy] = []
    try:
        yield started
    finally:
        errors: list[BaseException] = []
        for proxy in started:
            try:
                proxy.close()
            except Exception as exc:  # close the others all the same
                errors.append(exc)
        if errors:
            raise errors[0]


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
