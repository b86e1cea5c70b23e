"""cli.input_redraw without GNU readline's help (libedit, an old readline): the rows of a
wrapped half line are worked out from widths and erased whole; on a terminal that
takes no cursor control nothing is erased at all.

A real pseudo-terminal of 40 columns gives the width; what is written is replayed into pyte
after the prompt and half line, as the terminal showed them.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import termios
import types
from collections.abc import Iterator

import pyte  # a terminal emulator, in the test extra: a missing one must fail, not skip
import pytest

from cli.input_redraw import InputRedraw

COLUMNS, ROWS = 40, 12
PROMPT = "<bob> "


@pytest.fixture
def terminal() -> Iterator[tuple[int, object]]:
    """A pseudo-terminal COLUMNS wide: the master's descriptor and a text stream on the slave."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    attributes = termios.tcgetattr(slave)
    attributes[1] &= ~termios.OPOST  # raw output: what is written is what pyte gets
    termios.tcsetattr(slave, termios.TCSANOW, attributes)
    stream = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
    try:
        yield master, stream
    finally:
        stream.close()
        os.close(master)


def _libedit(partial: str) -> types.ModuleType:
    module = types.ModuleType("readline", "libedit readline emulation (a stand-in)")
    module.get_line_buffer = lambda: partial  # type: ignore[attr-defined]
    return module


def _read_all(master: int) -> bytes:
    data = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.5)
        if not ready:
            return data
        data += os.read(master, 65536)


@pytest.mark.parametrize(
    "partial",
    [
        "a" * 33,  # prompt + partial exactly fills a row: the cursor is on the next one
        "the quick brown fox jumps over the lazy dog and on and on",
        "quick 你好世界，这是一行很长的中文 and more 再见朋友们 end",
    ],
)
def test_wrapped_half_line_is_erased_and_written_back(
    terminal: tuple[int, object], partial: str
) -> None:
    master, stream = terminal
    screen = pyte.Screen(COLUMNS, ROWS)
    feed = pyte.ByteStream(screen)
    # What readline had shown: the prompt and half line, wrapping eagerly at the row's end.
    shown = (PROMPT + partial).encode()
    feed.feed(b"* earlier line\r\n" + shown)
    if screen.cursor.x == COLUMNS:  # readline never leaves the cursor in the pending wrap
        feed.feed(b" \r")

    InputRedraw(stream, _libedit(partial), dumb=False).draw_above("* incoming\n", PROMPT, PROMPT)  # type: ignore[arg-type]
    feed.feed(_read_all(master).replace(b"\n", b"\r\n"))

    rows = [row.rstrip() for row in screen.display]
    assert rows[0] == "* earlier line"
    assert rows[1] == "* incoming"
    assert "".join("".join(rows[2:]).split()) == "".join((PROMPT + partial).split())


def test_where_the_cursor_is_never_moved_lines_go_below_and_the_prompt_comes_again(
    terminal: tuple[int, object],
) -> None:
    master, stream = terminal
    screen = pyte.Screen(COLUMNS, ROWS)
    feed = pyte.ByteStream(screen)
    feed.feed(b"* earlier line\r\n" + (PROMPT + "half").encode())  # typed: the terminal echoed

    redraw = InputRedraw(stream, None, dumb=True)  # type: ignore[arg-type]
    redraw.draw_above("* incoming\n", PROMPT, PROMPT)
    written = _read_all(master)
    assert b"\x1b" not in written
    assert b"\r" not in written  # nothing overwritten: no carriage return either
    feed.feed(written.replace(b"\n", b"\r\n"))

    rows = [row.rstrip() for row in screen.display]
    assert rows[:3] == ["* earlier line", PROMPT + "half", "* incoming"]
    assert rows[3] == PROMPT.rstrip()
    assert (screen.cursor.y, screen.cursor.x) == (3, len(PROMPT))
    assert redraw.leave(shown=True) == "\n"  # at exit: the prompt's row is ended, not erased
    assert redraw.leave(shown=False) == ""
    assert redraw.after_eof() == "\n"  # Ctrl-D at the prompt: its row is ended at once
    assert InputRedraw(stream, None, dumb=False).after_eof() == ""  # type: ignore[arg-type]
