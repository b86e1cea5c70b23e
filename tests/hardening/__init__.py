"""End-to-end hardening tests of issue 5 against the real host process.

Programs come from tests/conftest.py (``players``, ``module_players``: tests.cli.harness),
proxies from tests/proxy.py.
"""
