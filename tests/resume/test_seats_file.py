"""The join's state file (cli.seats_file): where it lives, private permissions, atomic writes,
and a missing or corrupt file treated as empty."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from cli.seats_file import SeatEntry, SeatsFile, default_path

ENTRY = SeatEntry(token="tok-1", name="bob", host_name="alice")


def test_where_it_lives() -> None:
    assert default_path({"XDG_STATE_HOME": "/s", "HOME": "/h"}, "linux") == Path(
        "/s/tablechat/seats.json"
    )
    assert default_path({"HOME": "/h"}, "linux") == Path("/h/.local/state/tablechat/seats.json")
    # A relative XDG_STATE_HOME is invalid (XDG spec): ignored.
    assert default_path({"XDG_STATE_HOME": "rel", "HOME": "/h"}, "linux") == Path(
        "/h/.local/state/tablechat/seats.json"
    )
    assert default_path({"LOCALAPPDATA": "C:\\L", "HOME": "/h"}, "win32").parts[-2:] == (
        "tablechat",
        "seats.json",
    )


def test_round_trip_and_remove(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "state" / "tablechat" / "seats.json")
    assert seats.get("127.0.0.1:3580") is None
    assert seats.put("127.0.0.1:3580", ENTRY)
    assert seats.put("[::1]:4000", SeatEntry("tok-2", "bob", "carol"))
    assert seats.get("127.0.0.1:3580") == ENTRY
    assert seats.remove("127.0.0.1:3580")
    assert seats.get("127.0.0.1:3580") is None
    assert seats.get("[::1]:4000") == SeatEntry("tok-2", "bob", "carol")
    assert seats.remove("not there")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_private_permissions(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tablechat" / "seats.json"
    old = os.umask(0)  # even with a permissive umask: the modes are set at creation
    try:
        assert SeatsFile(path).put("h:1", ENTRY)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_directory_created_too_wide_is_narrowed(tmp_path: Path) -> None:
    directory = tmp_path / "tablechat"
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    assert SeatsFile(directory / "seats.json").put("h:1", ENTRY)
    if sys.platform != "win32":
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_writes_are_atomic_and_leave_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tablechat" / "seats.json"
    seats = SeatsFile(path)
    assert seats.put("h:1", ENTRY)
    before = path.read_bytes()

    def fail(*_: object) -> None:
        raise OSError("disk full")

    # A failure before the rename leaves the old file whole and no temporary file behind.
    monkeypatch.setattr(os, "replace", fail)
    assert not seats.put("h:2", SeatEntry("tok-2", "bob", "carol"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["seats.json"]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe garbage",
        b"[1, 2, 3]",
        b'{"h:1": "just a string"}',
        b'{"h:1": {"token": 5, "name": "bob", "host": "alice"}}',
        b"[" * 100_000,
    ],
)
def test_a_corrupt_file_counts_as_empty_and_is_replaced(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "seats.json"
    path.write_bytes(content)
    seats = SeatsFile(path)
    assert seats.get("h:1") is None
    assert seats.put("h:2", ENTRY)
    assert seats.get("h:2") == ENTRY


def test_one_bad_entry_does_not_cost_the_others(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    path.write_text(
        '{"bad": {"token": ""}, "good": {"token": "t", "name": "bob", "host": "alice"}}'
    )
    assert SeatsFile(path).get("good") == SeatEntry("t", "bob", "alice")


def test_an_unwritable_place_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    seats = SeatsFile(blocker / "tablechat" / "seats.json")
    assert not seats.put("h:1", ENTRY)
    assert seats.get("h:1") is None
