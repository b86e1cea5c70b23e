"""cli.journal: the host's append-only record file, from which a table comes back after a crash.

Records round-trip; a torn or corrupt last line costs that line only, with one warning, and is
cut off before the next append; garbage never crashes; the file is private, never followed
through a symlink, a regular file only, and locked while a host uses it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.journal import (
    MAX_LINE,
    MAX_SIZE,
    Journal,
    JournalBusy,
    JournalError,
    decode_line,
    encode_line,
    journal_path,
)
from cli.state_dir import state_root
from tests.cli.support import REPO

PORT = 4000

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec=None)),  # lone surrogates too
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=8,
)
records = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


def _open(root: Path, **kw: Any) -> Journal:
    return Journal.open(PORT, root=root, **kw)


def _written(root: Path, items: list[dict[str, Any]]) -> Path:
    journal = _open(root)
    for record in items:
        journal.append(record)
    journal.close()
    return journal.path


def test_where_it_lives() -> None:
    root = state_root({"XDG_STATE_HOME": "/s", "HOME": "/h"}, "linux")
    assert journal_path(3580, root) == Path("/s/tablechat/tables/3580.journal")


@given(items=st.lists(records, max_size=6))
def test_any_records_round_trip(tmp_path_factory: pytest.TempPathFactory, items: list[Any]) -> None:
    root = tmp_path_factory.mktemp("state") / "tablechat"
    _written(root, items)
    journal = _open(root)
    assert journal.records == items
    assert journal.warning is None
    journal.close()


@given(record=records)
def test_one_line_round_trips(record: dict[str, Any]) -> None:
    line = encode_line(record)
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_line(line) == record


@given(
    items=st.lists(records, min_size=1, max_size=4),
    data=st.data(),
)
def test_a_damaged_last_line_loses_that_line_only_and_warns_once(
    tmp_path_factory: pytest.TempPathFactory, items: list[Any], data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("state") / "tablechat"
    path = _written(root, items)
    raw = path.read_bytes()
    last = len(encode_line(items[-1]))
    start = len(raw) - last
    how = data.draw(st.sampled_from(["cut", "flip", "garbage"]))
    if how == "cut":  # killed in the middle of a write: a prefix of the line (not empty)
        damaged = raw[: data.draw(st.integers(start + 1, len(raw) - 1))]
    elif how == "flip":  # a bad disk block: one byte of the line changed (not the newline)
        at = data.draw(st.integers(start, len(raw) - 2))
        bit = 1 << data.draw(st.integers(0, 7))
        damaged = raw[:at] + bytes([raw[at] ^ bit]) + raw[at + 1 :]
    else:  # anything in place of the line
        damaged = raw[:start] + data.draw(st.binary(min_size=1, max_size=64))
    path.write_bytes(damaged)

    journal = _open(root)
    assert journal.records == items[:-1]
    assert journal.warning is not None
    assert f"damaged at line {len(items)}" in journal.warning
    assert f"restored the {len(items) - 1} records before it" in journal.warning
    journal.append({"after": True})
    journal.close()

    again = _open(root)  # the bad line was cut off before the append: nothing to warn about
    assert again.records == [*items[:-1], {"after": True}]
    assert again.warning is None
    again.close()


@given(garbage=st.binary(max_size=300))
def test_garbage_never_crashes(tmp_path_factory: pytest.TempPathFactory, garbage: bytes) -> None:
    root = tmp_path_factory.mktemp("state") / "tablechat"
    path = journal_path(PORT, root)
    path.parent.mkdir(parents=True)
    path.write_bytes(garbage)
    journal = _open(root)
    assert (journal.warning is None) == (garbage == b"")
    journal.append({"ok": 1})
    journal.close()
    assert _open(root).records == [{"ok": 1}]


def test_a_damaged_line_in_the_middle_keeps_only_what_came_before(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    path = _written(root, [{"n": n} for n in range(5)])
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace(b'"n":2', b'"n":7')  # checksum no longer matches
    path.write_bytes(b"".join(lines))
    journal = _open(root)
    assert journal.records == [{"n": 0}, {"n": 1}]
    assert journal.warning == (
        f"the journal {path} is damaged at line 3 (checksum mismatch): restored the 2 records "
        "before it and ignored it and everything after it"
    )


def test_an_oversized_damaged_file_is_cut_back_to_its_valid_part_not_given_up(
    tmp_path: Path,
) -> None:
    root = tmp_path / "tablechat"
    path = _written(root, [{"n": n} for n in range(3)])
    with path.open("ab") as file:  # 40 MB of garbage after the good records
        file.write(b"\x00garbage" * (MAX_SIZE // 9 + 500_000))
    assert path.stat().st_size > MAX_SIZE
    journal = _open(root)
    assert journal.records == [{"n": 0}, {"n": 1}, {"n": 2}]
    journal.append({"n": 3})  # the garbage goes, the table stays: no "full"
    journal.close()
    assert _open(root).records == [{"n": n} for n in range(4)]
    assert path.stat().st_size < 1_000


def test_a_line_too_long_to_be_ours_is_damage(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    path = _written(root, [{"n": 1}])
    with path.open("ab") as file:
        file.write(b"x" * ((1 << 20) + 10) + b"\n")
    journal = _open(root)
    assert journal.records == [{"n": 1}]
    assert "half-written" in (journal.warning or "")


def test_keep_cuts_records_that_cannot_be_replayed(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    _written(root, [{"n": n} for n in range(4)])
    journal = _open(root)
    journal.keep(2)
    assert journal.records == [{"n": 0}, {"n": 1}]
    journal.append({"n": 9})
    journal.close()
    assert _open(root).records == [{"n": 0}, {"n": 1}, {"n": 9}]


def test_fresh_empties_it(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    _written(root, [{"n": 1}])
    journal = _open(root, fresh=True)
    assert journal.records == []
    journal.close()
    assert journal.path.read_bytes() == b""


def test_remove_deletes_the_file(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    journal = _open(root)
    journal.append({"n": 1})
    journal.remove()
    assert not journal.path.exists()
    assert _open(root).records == []


def test_a_record_that_is_not_json_is_refused_and_nothing_written(tmp_path: Path) -> None:
    journal = _open(tmp_path / "tablechat")
    with pytest.raises(ValueError):
        journal.append({"nan": float("nan")})
    with pytest.raises(ValueError):
        journal.append({"set": {1}})
    assert journal.path.read_bytes() == b""


def test_a_failed_write_is_one_sentence_and_leaves_no_half_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tablechat"
    journal = _open(root)
    journal.append({"n": 1})
    real_write = os.write

    def half_then_full(fd: int, data: bytes) -> int:
        real_write(fd, data[:5])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(JournalError, match=r"cannot write the journal .*: No space left on device"):
        journal.append({"n": 2})
    monkeypatch.undo()
    journal.close()
    again = _open(root)
    assert again.records == [{"n": 1}]
    assert again.warning is None


# --- private, never followed, locked ------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_private_permissions(tmp_path: Path) -> None:
    old = os.umask(0)  # even with a permissive umask: the modes are set at creation
    try:
        path = _written(tmp_path / "tablechat", [{"n": 1}])
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_wider_modes_made_by_someone_else_are_narrowed(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    path = _written(root, [{"n": 1}])
    for where, mode in ((root, 0o755), (path.parent, 0o755), (path, 0o644)):
        os.chmod(where, mode)
    _open(root).close()
    assert [stat.S_IMODE(p.stat().st_mode) for p in (root, path.parent, path)] == [
        0o700,
        0o700,
        0o600,
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_symlinked_journal_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"precious")
    path = journal_path(PORT, root)
    path.parent.mkdir(parents=True)
    path.symlink_to(elsewhere)
    with pytest.raises(JournalError, match="it is a symbolic link — remove it, or start with"):
        _open(root)
    assert elsewhere.read_bytes() == b"precious"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_symlinked_tables_directory_is_not_used(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    root.mkdir()
    target = tmp_path / "shared"
    target.mkdir(mode=0o755)
    (root / "tables").symlink_to(target)
    with pytest.raises(JournalError, match=r"not keeping a journal in .*: it is a symbolic link"):
        _open(root)
    assert list(target.iterdir()) == []
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.timeout(10)
def test_a_fifo_or_a_directory_is_not_used(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    path = journal_path(PORT, root)
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    with pytest.raises(JournalError, match="not a regular file"):
        _open(root)  # would block in open() without O_NONBLOCK
    path.unlink()
    path.mkdir()
    with pytest.raises(JournalError, match="it is a directory"):
        _open(root)


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners")
def test_a_journal_of_another_user_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "tablechat"
    _written(root, [{"n": 1}])
    real = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    with pytest.raises(JournalError, match="belongs to another user"):
        _open(root)


def test_a_second_host_on_the_same_port_is_kept_out(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    first = _open(root)
    first.append({"n": 1})
    with pytest.raises(JournalBusy, match="another table on this port is keeping the journal"):
        _open(root)
    other = Journal.open(PORT + 1, root=root)  # another port: another file, no conflict
    other.close()
    first.close()
    _open(root).close()  # let go: the next host takes it


def test_without_flock_it_is_used_unlocked_and_says_so_in_one_line(tmp_path: Path) -> None:
    # Where the system has no flock (Windows) the journal is still kept; the host is told, in
    # one line, that nothing stops a second host on the port from writing it too.
    root = tmp_path / "tablechat"
    first = Journal.open(PORT, root=root, flock=None)
    assert first.warning == (
        f"the journal {first.path} is not locked: this system has no flock, so a second host "
        f"on port {PORT} would write to it too"
    )
    first.append({"n": 1})
    second = Journal.open(PORT, root=root)  # nothing was locked: a locking host gets it
    assert second.records == [{"n": 1}]
    assert second.warning is None
    second.close()
    first.close()


def test_without_flock_a_damaged_journal_still_warns_in_one_line(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    path = _written(root, [{"n": 1}, {"n": 2}])
    path.write_bytes(path.read_bytes()[:-3])  # the last line half-written
    journal = Journal.open(PORT, root=root, flock=None)
    assert journal.records == [{"n": 1}]
    assert journal.warning is not None
    assert "\n" not in journal.warning
    assert journal.warning.startswith(f"the journal {path} is damaged at line 2 (half-written)")
    assert journal.warning.endswith(
        "is not locked: this system has no flock, so a second "
        f"host on port {PORT} would write to it too"
    )
    journal.close()


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_the_lock_holds_across_processes(tmp_path: Path) -> None:
    root = tmp_path / "tablechat"
    first = _open(root)
    script = (
        "import sys\nfrom pathlib import Path\nfrom cli.journal import Journal, JournalBusy\n"
        "try:\n    Journal.open(int(sys.argv[2]), root=Path(sys.argv[1]))\n"
        "except JournalBusy:\n    sys.exit(3)\n"
    )
    child = subprocess.run(
        [sys.executable, "-c", script, str(root), str(PORT)], cwd=REPO, timeout=60, check=False
    )
    assert child.returncode == 3
    first.remove()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX symlinks")
def test_a_symlinked_state_directory_is_not_used(tmp_path: Path) -> None:
    target = tmp_path / "shared"
    target.mkdir(mode=0o755)
    root = tmp_path / "tablechat"
    root.symlink_to(target)
    with pytest.raises(JournalError) as raised:
        _open(root)
    assert str(raised.value) == f"not keeping a journal in {root}: it is a symbolic link"
    assert list(target.iterdir()) == []


def test_a_record_over_the_line_limit_is_refused_and_nothing_written(tmp_path: Path) -> None:
    # The reader would take such a line for damage and cut every record after it.
    journal = _open(tmp_path)
    with pytest.raises(ValueError, match="line limit"):
        journal.append({"text": "x" * MAX_LINE})
    journal.append({"ok": 1})
    journal.close()
    assert _open(tmp_path).records == [{"ok": 1}]


def test_a_journal_past_its_size_limit_refuses_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("cli.journal.MAX_SIZE", 200)
    journal = _open(tmp_path)
    journal.append({"text": "a" * 100})
    with pytest.raises(JournalError, match="is full"):
        journal.append({"text": "b" * 100})
    journal.close()
    assert _open(tmp_path).records == [{"text": "a" * 100}]
