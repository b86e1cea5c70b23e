"""Fixtures shared by every end-to-end test: real programs and TCP proxies, all cleaned up.

``players`` starts programs for one test, ``module_players`` programs shared by the tests of one
module (see :class:`tests.cli.harness.Players`); ``proxies`` holds the :class:`tests.proxy.Proxy`
objects a test starts. Teardown stops every one of them, also when the test failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests.cli.harness import Players
from tests.proxy import Proxy

# Every property test's work per example is bounded by its strategies, so how long an example
# takes on a loaded 2-core machine is never the property under test (issue 9 §8): no per-example
# deadline and no "too slow" health check anywhere; pytest-timeout still catches a hang.
settings.register_profile(
    "bounded-work", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("bounded-work")


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
