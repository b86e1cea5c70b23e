"""cli.terminal_modes: what TERM allows, and the helpers that find nothing to do off POSIX."""

from __future__ import annotations

import io

from cli.terminal_modes import lines_only, restore_tty, save_tty, term_is_dumb


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
