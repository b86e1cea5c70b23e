"""End-to-end hardening tests of issue 5 against the real host process (see conftest.py)."""
