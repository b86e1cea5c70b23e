"""Settings shared by the tests of every level: how hypothesis bounds a property test.

The fixtures of one level are in its own conftest.py (tests/e2e/conftest.py: real programs,
proxies and raw protocol clients).
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

# Every property test's work per example is bounded by its strategies, so how long an example
# takes on a loaded 2-core machine is never the property under test: no per-example
# deadline and no "too slow" health check anywhere; pytest-timeout still catches a hang.
settings.register_profile(
    "bounded-work", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("bounded-work")
