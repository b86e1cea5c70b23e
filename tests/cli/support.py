"""What the tests of cli/ share (the end-to-end tests build on it too)."""

from __future__ import annotations

from pathlib import Path

#: The repository root: a child Python started there imports the packages with nothing installed.
REPO = Path(__file__).resolve().parents[2]
