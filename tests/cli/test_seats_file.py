"""The join's state file (cli.seats_file): where it lives, private permissions, atomic writes,
a token kept per name, and a missing, corrupt or hostile file treated as empty with
one warning — never a crash or a hang."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cli.seats_file import SeatEntry, SeatsFile, default_path
from tests.cli.support import REPO

ENTRY = SeatEntry(token="tok-1", name="bob", host_name="alice")


def test_where_it_lives() -> None:
    def where(environ: dict[str, str], platform: str) -> Path:
        return Path(default_path(environ, platform))

    assert where({"XDG_STATE_HOME": "/s", "HOME": "/h"}, "linux") == Path("/s/tablechat/seats.json")
    assert where({"HOME": "/h"}, "linux") == Path("/h/.local/state/tablechat/seats.json")
    # A relative XDG_STATE_HOME is invalid (XDG spec): ignored.
    assert where({"XDG_STATE_HOME": "rel", "HOME": "/h"}, "linux") == Path(
        "/h/.local/state/tablechat/seats.json"
    )
    assert where({"LOCALAPPDATA": "C:\\L", "HOME": "/h"}, "win32").parts[-2:] == (
        "tablechat",
        "seats.json",
    )
    # No HOME given: the system's own idea of home, as Path.home() has it.
    assert where({}, "linux") == Path.home() / ".local" / "state" / "tablechat" / "seats.json"


def test_round_trip_and_remove(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "state" / "tablechat" / "seats.json")
    assert seats.get("127.0.0.1:3580", "bob") is None
    assert seats.put("127.0.0.1:3580", "bob", ENTRY)
    assert seats.put("[::1]:4000", "bob", SeatEntry("tok-2", "bob", "carol"))
    assert seats.get("127.0.0.1:3580", "bob") == ENTRY
    assert seats.remove("127.0.0.1:3580", "bob")
    assert seats.get("127.0.0.1:3580", "bob") is None
    assert seats.get("[::1]:4000", "bob") == SeatEntry("tok-2", "bob", "carol")
    assert seats.remove("not there", "bob")
    assert seats.take_warning() is None


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_private_permissions(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tablechat" / "seats.json"
    old = os.umask(0)  # even with a permissive umask: the modes are set at creation
    try:
        assert SeatsFile(path).put("h:1", "bob", ENTRY)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_a_directory_created_too_wide_is_narrowed(tmp_path: Path) -> None:
    directory = tmp_path / "tablechat"
    directory.mkdir(mode=0o755)
    os.chmod(directory, 0o755)
    assert SeatsFile(directory / "seats.json").put("h:1", "bob", ENTRY)
    if sys.platform != "win32":
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_writes_are_atomic_and_leave_no_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tablechat" / "seats.json"
    seats = SeatsFile(path)
    assert seats.put("h:1", "bob", ENTRY)
    before = path.read_bytes()

    def fail(*_: object, **__: object) -> None:
        raise OSError("disk full")

    # A failure before the rename leaves the old file whole and no temporary file behind.
    monkeypatch.setattr(os, "replace", fail)
    assert not seats.put("h:2", "bob", SeatEntry("tok-2", "bob", "carol"))
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
    assert seats.get("h:1", "bob") is None
    assert "is damaged" in (seats.take_warning() or "")
    assert seats.put("h:2", "bob", ENTRY)
    assert seats.get("h:2", "bob") == ENTRY


def test_one_bad_entry_does_not_cost_the_others(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    path.write_text(
        '{"bad:1": {"token": ""}, "good:1": {"token": "t", "name": "bob", "host": "alice"}}'
    )
    seats = SeatsFile(path)
    assert seats.get("good:1", "bob") == SeatEntry("t", "bob", "alice")
    assert seats.take_warning() == (
        f"the seats file {path} is damaged (1 unusable entry) — no seat to resume from it"
    )


def test_an_unwritable_place_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    seats = SeatsFile(blocker / "tablechat" / "seats.json")
    assert not seats.put("h:1", "bob", ENTRY)
    assert seats.get("h:1", "bob") is None


# --- a token belongs to a name ------------------------------------------------------------------


def test_a_token_belongs_to_the_name_it_was_asked_for(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "seats.json")
    assert seats.put("h:1", "bob", ENTRY)
    assert seats.get("h:1", "carol") is None
    carol = SeatEntry("tok-c", "carol", "alice")
    assert seats.put("h:1", "carol", carol)
    assert (seats.get("h:1", "bob"), seats.get("h:1", "carol")) == (ENTRY, carol)
    assert seats.remove("h:1", "carol")
    assert seats.get("h:1", "bob") == ENTRY


def test_an_old_file_counts_only_for_the_name_stored_in_it(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    path.write_text('{"h:1": {"token": "old", "name": "bob", "host": "alice"}}')
    seats = SeatsFile(path)
    assert seats.get("h:1", "carol") is None
    assert seats.get("h:1", "bob") == SeatEntry("old", "bob", "alice")
    # Rewritten in the new layout, bob's old entry kept.
    assert seats.put("h:1", "carol", SeatEntry("tok-c", "carol", "alice"))
    assert json.loads(path.read_text())["version"] == 2
    assert seats.get("h:1", "bob") == SeatEntry("old", "bob", "alice")
    assert seats.take_warning() is None


# --- a damaged or hostile file ------------------------------------------------------------------


def _write_entry(path: Path, token: str, name: str = "bob", host: str = "alice") -> None:
    record = {"table": "h:1", "asked": "bob", "token": token, "name": name, "host": host}
    # ensure_ascii: a lone surrogate can only be stored escaped, as a hostile file would.
    path.write_text(json.dumps({"version": 2, "seats": [record]}), encoding="ascii")


@pytest.mark.parametrize(
    ("token", "name"),
    [
        ("t" * 257, "bob"),  # longer than any token a host may send
        ("tok\ud800", "bob"),  # a lone surrogate: cannot be encoded into a hello
        ("tok", "bob\x1b[2J"),  # a name no welcome could carry
        ("", "bob"),
    ],
    ids=["long-token", "lone-surrogate", "control-in-name", "empty-token"],
)
def test_an_entry_the_protocol_would_reject_is_not_used(
    tmp_path: Path, token: str, name: str
) -> None:
    path = tmp_path / "seats.json"
    _write_entry(path, token, name)
    seats = SeatsFile(path)
    assert seats.get("h:1", "bob") is None
    assert seats.get("h:1", "bob") is None
    warning = seats.take_warning()
    assert warning is not None and "is damaged (1 unusable entry)" in warning
    assert seats.take_warning() is None  # one warning, however often it is read
    assert seats.put("h:1", "bob", ENTRY)
    assert SeatsFile(path).get("h:1", "bob") == ENTRY


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.timeout(10)
def test_a_fifo_at_the_path_neither_hangs_nor_is_read(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    os.mkfifo(path)
    seats = SeatsFile(path)
    assert seats.get("h:1", "bob") is None  # would block forever in open() without O_NONBLOCK
    assert "not a regular file" in (seats.take_warning() or "")
    assert seats.put("h:1", "bob", ENTRY)  # replaced by a regular file
    assert stat.S_ISREG(path.lstat().st_mode)


def test_a_device_or_directory_at_the_path_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    path.mkdir()
    seats = SeatsFile(path)
    assert seats.get("h:1", "bob") is None
    assert seats.take_warning() is not None


def test_a_huge_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "seats.json"
    path.write_bytes(b" " * ((1 << 20) + 1))
    seats = SeatsFile(path)
    assert seats.get("h:1", "bob") is None
    assert "larger than" in (seats.take_warning() or "")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_symlinked_file_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    SeatsFile(elsewhere).put("h:1", "bob", ENTRY)
    before = elsewhere.read_bytes()
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    (state / "seats.json").symlink_to(elsewhere)
    seats = SeatsFile(state / "seats.json")
    assert seats.get("h:1", "bob") is None
    assert "symbolic link" in (seats.take_warning() or "")
    assert seats.put("h:1", "bob", SeatEntry("tok-2", "bob", "alice"))
    assert elsewhere.read_bytes() == before  # the link was replaced, its target left alone
    assert not (state / "seats.json").is_symlink()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks and permissions")
def test_a_symlinked_state_directory_is_not_used_nor_chmodded(tmp_path: Path) -> None:
    target = tmp_path / "shared"
    target.mkdir()
    os.chmod(target, 0o755)
    SeatsFile(target / "seats.json").put("h:1", "bob", ENTRY)
    os.chmod(target, 0o755)  # put() made it private; a shared directory is wider
    link = tmp_path / "state" / "tablechat"
    link.parent.mkdir()
    link.symlink_to(target)
    seats = SeatsFile(link / "seats.json")
    assert seats.get("h:1", "bob") is None  # not even read through the link
    assert not seats.put("h:1", "bob", SeatEntry("tok-2", "bob", "alice"))
    assert stat.S_IMODE(target.stat().st_mode) == 0o755  # the target was not chmodded
    assert SeatsFile(target / "seats.json").get("h:1", "bob") == ENTRY  # nor written
    warning = seats.take_warning()
    assert warning == (
        f"not using {link} for seat tokens: it is a symbolic link — "
        "seats are neither resumed nor remembered"
    )
    assert seats.take_warning() is None


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners")
def test_a_state_directory_owned_by_someone_else_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tablechat" / "seats.json"
    SeatsFile(path).put("h:1", "bob", ENTRY)
    # Running as another user is what a test cannot do; being another user is the same thing.
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    seats = SeatsFile(path)
    assert seats.get("h:1", "bob") is None
    assert not seats.put("h:1", "bob", ENTRY)
    assert "belongs to another user" in (seats.take_warning() or "")


def test_changes_from_two_processes_at_once_are_never_lost(tmp_path: Path) -> None:
    # put() reads, changes and replaces the whole file: without the lock, two joins doing it at
    # once would write back each other's old entries. Each child process writes its own entries.
    path = tmp_path / "state" / "tablechat" / "seats.json"
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cli.seats_file import SeatEntry, SeatsFile\n"
        "seats = SeatsFile(Path(sys.argv[1]))\n"
        "for n in range(40):\n"
        "    assert seats.put(f'h:{sys.argv[2]}', f'p{n}', SeatEntry(f'tok-{n}', 'bob', 'ann'))\n"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", script, str(path), str(port)], cwd=REPO)
        for port in (1, 2, 3)
    ]
    for child in children:
        assert child.wait(timeout=60) == 0
    seats = SeatsFile(path)
    for port in (1, 2, 3):
        for n in range(40):
            assert seats.get(f"h:{port}", f"p{n}") == SeatEntry(f"tok-{n}", "bob", "ann")
