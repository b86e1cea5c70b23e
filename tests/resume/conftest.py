"""Fixtures for the issue 5 tests: raw protocol clients, all closed at teardown.

Programs (``players``) and proxies (``proxies``) come from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.resume.tools import RawClients


@pytest.fixture
def raw() -> Iterator[RawClients]:
    """Raw protocol clients (net.connect on a loop thread of their own), all closed."""
    clients = RawClients()
    try:
        yield clients
    finally:
        clients.close()
