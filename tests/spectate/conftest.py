"""Fixtures for the spectator tests: the raw protocol clients of tests/resume (all closed at
teardown). Programs (``players``) and proxies (``proxies``) come from tests/conftest.py."""

from __future__ import annotations

from tests.resume.conftest import raw

__all__ = ["raw"]
