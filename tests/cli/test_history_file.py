"""The history file: bounded, private, never followed through a symbolic link, never fatal."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from cli.history_file import FILE_NAME, KEPT, HistoryFile


def test_lines_come_back_in_order_from_a_private_file(tmp_path: Path) -> None:
    history = HistoryFile(tmp_path / "state")
    assert history.load() == []
    for line in ("one", "two", "", "not\none line"):
        history.add(line)
    assert HistoryFile(tmp_path / "state").load() == ["one", "two"]
    assert stat.S_IMODE((tmp_path / "state" / FILE_NAME).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700


def test_it_is_cut_back_to_the_newest_lines_once_twice_as_long(tmp_path: Path) -> None:
    history = HistoryFile(tmp_path)
    for n in range(2 * KEPT + 1):
        history.add(f"line {n}")
    kept = (tmp_path / FILE_NAME).read_text().splitlines()
    assert kept == [f"line {n}" for n in range(KEPT + 1, 2 * KEPT + 1)]
    assert HistoryFile(tmp_path).load() == kept


def test_a_file_made_wider_by_something_else_is_made_private_again(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("old\n")
    os.chmod(tmp_path / FILE_NAME, 0o644)
    HistoryFile(tmp_path).add("new")
    assert stat.S_IMODE((tmp_path / FILE_NAME).stat().st_mode) == 0o600


@pytest.mark.parametrize("what", ["directory", "file"])
def test_a_symbolic_link_is_never_followed(tmp_path: Path, what: str) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / FILE_NAME).write_text("someone else's\n")
    state = tmp_path / "state"
    if what == "directory":
        state.symlink_to(elsewhere)
    else:
        state.mkdir(mode=0o700)
        (state / FILE_NAME).symlink_to(elsewhere / FILE_NAME)
    history = HistoryFile(state)
    assert history.load() == []
    history.add("secret-ish")  # not written anywhere: no history rather than a leak
    assert (elsewhere / FILE_NAME).read_text() == "someone else's\n"


def test_a_file_grown_past_twice_the_bound_by_other_runs_is_cut_back_when_read(
    tmp_path: Path,
) -> None:
    (tmp_path / FILE_NAME).write_text("".join(f"line {n}\n" for n in range(2 * KEPT + 5)))
    newest = [f"line {n}" for n in range(KEPT + 5, 2 * KEPT + 5)]
    assert HistoryFile(tmp_path).load() == newest
    assert (tmp_path / FILE_NAME).read_text().splitlines() == newest
