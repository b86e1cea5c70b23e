"""The in-process tests of cli/: the programs' state directory is a temporary one.

A Host or a Guest built in a test keeps what a real one keeps — a finished game's record, for
one — under the user's state directory; pointed here at the test's own, the real one is never
written.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def private_state(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A state directory of the test's own (XDG_STATE_HOME, and LOCALAPPDATA on Windows)."""
    state = tmp_path_factory.mktemp("xdg-state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    monkeypatch.setenv("LOCALAPPDATA", str(state))
    return state
