"""cli.terminal_modes: what TERM allows; on a real pseudo-terminal, a closed window is told from
a live terminal, and putting the modes back on a terminal that is gone is no error."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator

import pytest

from cli.terminal_modes import (
    accessible,
    hung_up,
    lines_only,
    restore_tty,
    save_tty,
    term_is_dumb,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="no pseudo-terminals")


@pytest.fixture
def terminal() -> Iterator[tuple[int, io.TextIOWrapper]]:
    """A pseudo-terminal: its master's descriptor, and the terminal side as a text stream."""
    master, slave = os.openpty()
    stream = open(slave, encoding="utf-8", closefd=True)  # noqa: SIM115 (closed below)
    try:
        yield master, stream
    finally:
        stream.close()
        with contextlib.suppress(OSError):  # the test closed it: the window is shut
            os.close(master)


def test_a_live_terminal_has_not_hung_up(terminal: tuple[int, io.TextIOWrapper]) -> None:
    _, stream = terminal
    assert not hung_up(stream)
    assert save_tty(stream) is not None


def test_a_closed_window_has_hung_up(terminal: tuple[int, io.TextIOWrapper]) -> None:
    master, stream = terminal
    saved = save_tty(stream)
    os.close(master)  # what a terminal emulator does when its window is closed
    assert hung_up(stream)
    assert save_tty(stream) is None
    restore_tty(stream, saved)  # nothing left to put back: no error (termios.error is no OSError)


def test_only_term_dumb_is_dumb() -> None:
    assert term_is_dumb({"TERM": "dumb"})
    assert not term_is_dumb({"TERM": "xterm"})
    assert not term_is_dumb({})  # unknown is not dumb: colors stay (a Windows console)


def test_lines_only_where_the_terminal_takes_no_cursor_control_or_is_unknown() -> None:
    assert lines_only({"TERM": "dumb"})
    assert lines_only({})
    assert lines_only({"TERM": ""})
    assert not lines_only({"TERM": "xterm"})
    assert not lines_only({"TERM": "screen-256color"})


def test_a_stream_that_is_no_terminal_has_no_modes_to_save() -> None:
    stream = io.StringIO()
    assert save_tty(stream) is None
    restore_tty(stream, None)  # nothing to put back, no error


def test_words_mode_asked_for_in_the_environment_means_whole_lines_only() -> None:
    assert lines_only({"TERM": "xterm", "ACCESSIBLE": "1"})
    assert not lines_only({"TERM": "xterm", "ACCESSIBLE": ""})  # set but empty: not asked
    assert accessible({"ACCESSIBLE": "yes"})
    assert not accessible({"ACCESSIBLE": ""}) and not accessible({})
