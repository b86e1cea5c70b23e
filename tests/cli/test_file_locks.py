"""The state files where the system has no flock (Windows): used unlocked, said in one line.

The lock is the capability passed in (``flock=None`` is what :data:`cli.state_dir.FLOCK` is
on Windows), so the degraded branch runs here on the real files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli import state_dir
from cli.seats_file import SeatEntry, SeatsFile
from tests.cli.support import REPO

ENTRY = SeatEntry(token="tok-1", name="bob", host_name="alice")


def test_seats_without_flock_are_still_kept_and_it_is_said_once(tmp_path: Path) -> None:
    path = tmp_path / "tablechat" / "seats.json"
    seats = SeatsFile(path, flock=None)
    assert seats.put("h:1", "bob", ENTRY)
    assert seats.take_warning() == (
        f"seat tokens in {path} are not locked: this system has no flock, so two joins "
        "changing them at once may lose one's token"
    )
    assert seats.remove("h:1", "bob")
    assert seats.take_warning() is None  # one line for the whole run
    assert seats.put("h:1", "bob", ENTRY)
    assert SeatsFile(path).get("h:1", "bob") == ENTRY


def test_seats_with_flock_say_nothing_about_locking(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "tablechat" / "seats.json")
    assert seats.put("h:1", "bob", ENTRY)
    assert seats.take_warning() is None


@pytest.mark.skipif(state_dir.FLOCK is None, reason="this system has no flock")
def test_lock_is_held_against_another_process_and_let_go_on_close(tmp_path: Path) -> None:
    assert state_dir.FLOCK is not None
    path = tmp_path / "locked"
    path.write_bytes(b"")
    script = (
        "import os, sys\nfrom cli import state_dir\n"
        "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
        "sys.exit(0 if state_dir.lock(fd, wait=False, flock=state_dir.FLOCK) else 3)\n"
    )

    def other_process_gets_it() -> bool:
        child = subprocess.run(
            [sys.executable, "-c", script, str(path)], cwd=REPO, timeout=60, check=False
        )
        assert child.returncode in (0, 3)
        return child.returncode == 0

    fd = os.open(path, os.O_RDONLY)
    try:
        assert state_dir.lock(fd, wait=False, flock=state_dir.FLOCK)
        assert not other_process_gets_it()
    finally:
        os.close(fd)
    assert other_process_gets_it()
