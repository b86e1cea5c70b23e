"""cli.console without a terminal (script mode): how lines are read and how things are shown."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys

import pytest

from cli.app import ConsoleLogHandler, make_console
from cli.colors import Palette
from cli.console import Console
from cli.readline_hook import InputHook, Waker


class _Pipe(io.StringIO):
    """A text stream whose descriptor is the read end of a real pipe."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def fileno(self) -> int:
        return self._fd


def _read_all(data: bytes) -> list[str | None]:
    read_fd, write_fd = os.pipe()
    os.write(write_fd, data)
    os.close(write_fd)

    async def main() -> list[str | None]:
        console = Console("me", Palette(False), stdin=_Pipe(read_fd), stdout=io.StringIO())
        console.start()
        lines: list[str | None] = []
        while (line := await console.read_line()) is not None:
            lines.append(line)
        lines.append(await console.read_line())  # stays at EOF
        console.close()
        return lines

    try:
        return asyncio.run(main())
    finally:
        os.close(read_fd)


def test_script_mode_reads_lines_until_eof() -> None:
    data = "one\r\ntwo\n\n   \nthree ✓\nlast without newline".encode()
    assert _read_all(data) == ["one", "two", "three ✓", "last without newline", None]


def test_script_mode_survives_invalid_utf8() -> None:
    assert _read_all(b"caf\xe9\n") == ["caf\ufffd", None]


def test_how_each_kind_is_shown() -> None:
    out = io.StringIO()
    console = Console("me", Palette(False), stdin=io.StringIO(), stdout=out)
    assert not console.interactive
    console.show("chat", "hi \x1b[2J there", "bob")
    console.show("notice", "line one\nline\rtwo")
    console.show("error", "that cell is taken")
    console.show("board", " X | O\n---+---")
    console.show("result", "bob wins")
    console.show("mystery", "a kind from a newer host")
    assert out.getvalue().splitlines() == [
        "<bob> hi ^[[2J there",
        "* line one",
        "  line^Mtwo",
        "! that cell is taken",
        "   X | O",
        "  ---+---",
        "** bob wins",
        "* a kind from a newer host",
    ]


def test_a_library_warning_quoting_the_peer_stays_one_visible_line() -> None:
    """net logs a refused hello with the version the peer sent; the peer chooses that text."""
    out = io.StringIO()
    console = Console("me", Palette(False), stdin=io.StringIO(), stdout=out)
    record = logging.LogRecord(
        "net",
        logging.WARNING,
        __file__,
        1,
        "you sent version %s",
        ("x\n* bob sat down\x1b[2J",),
        None,
    )
    ConsoleLogHandler(console).emit(record)
    assert out.getvalue().splitlines() == ["* net: you sent version x^J* bob sat down^[[2J"]


def _warning(message: str, error: BaseException | None = None) -> logging.LogRecord:
    exc_info = None if error is None else (type(error), error, None)
    return logging.LogRecord("asyncio", logging.WARNING, __file__, 1, message, (), exc_info)


def test_a_burst_of_one_warning_is_three_lines_and_a_count_never_a_traceback() -> None:
    out = io.StringIO()
    console = Console("me", Palette(False), stdin=io.StringIO(), stdout=out)
    clock = [0.0]
    handler = ConsoleLogHandler(console, clock=lambda: clock[0])
    for _ in range(1_359):
        handler.emit(_warning("socket.send() raised exception.", OSError("broken pipe")))
    handler.emit(_warning("another thing"))
    clock[0] = ConsoleLogHandler.WINDOW  # the window is over: the count is said first
    handler.emit(_warning("socket.send() raised exception.", OSError("broken pipe")))
    lines = out.getvalue().splitlines()
    assert lines == [
        "* asyncio: socket.send() raised exception. (OSError)",
        "* asyncio: socket.send() raised exception. (OSError)",
        "* asyncio: socket.send() raised exception. (OSError)",
        "* asyncio: another thing",
        "* asyncio: … 1,356 more like “socket.send() raised exception.”",
        "* asyncio: socket.send() raised exception. (OSError)",
    ]
    assert "Traceback" not in out.getvalue()


def test_what_a_burst_left_unsaid_is_said_when_the_program_closes() -> None:
    out = io.StringIO()
    console = Console("me", Palette(False), stdin=io.StringIO(), stdout=out)
    handler = ConsoleLogHandler(console, clock=lambda: 0.0)
    for _ in range(5):
        handler.emit(_warning("again"))
    handler.close()
    assert out.getvalue().splitlines()[-1] == "* asyncio: … 2 more like “again”"


def test_an_exception_python_would_print_as_ignored_is_a_notice() -> None:
    import sys  # noqa: PLC0415

    from cli.app import log_to  # noqa: PLC0415

    out = io.StringIO()
    console = Console("me", Palette(False), stdin=io.StringIO(), stdout=out)
    saved_hook, saved = sys.unraisablehook, logging.getLogger().handlers[:]
    try:
        log_to(console)

        class Broken:
            def __del__(self) -> None:
                raise BlockingIOError("no room for the wakeup byte")

        Broken()  # its __del__ fails: Python reports it through sys.unraisablehook
    finally:
        sys.unraisablehook = saved_hook
        logging.getLogger().handlers[:] = saved
    text = out.getvalue()
    assert "Exception ignored" in text and "(BlockingIOError)" in text
    assert "Traceback" not in text


class _Terminal(io.StringIO):
    """A stream that says it is a terminal (the console is interactive with it)."""

    def isatty(self) -> bool:
        return True


def test_the_bell_rings_with_your_turn_only_when_asked_and_a_person_is_there() -> None:
    out = _Terminal()
    console = Console("me", Palette(False), stdin=_Terminal(), stdout=out, bell=True)
    assert console.interactive
    console.show("notice", "waiting for bob (O)")
    assert "\a" not in out.getvalue()
    console.show("notice", "your move (X)")
    assert out.getvalue().endswith("* your move (X)\n\a")
    console.show("chat", "your move", "bob")  # a peer cannot ring it
    assert out.getvalue().count("\a") == 1

    quiet = _Terminal()
    Console("me", Palette(False), stdin=_Terminal(), stdout=quiet).show("notice", "your guess")
    assert "\a" not in quiet.getvalue()
    scripted = io.StringIO()
    Console("me", Palette(False), stdin=io.StringIO(), stdout=scripted, bell=True).show(
        "notice", "your guess"
    )
    assert "\a" not in scripted.getvalue()


def test_make_console_passes_the_bell_on(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _Terminal()
    monkeypatch.setattr(sys, "stdin", _Terminal())
    monkeypatch.setattr(sys, "stdout", out)
    make_console("me", False, bell=True).show("notice", "your move (O)")
    make_console("me", False).show("notice", "your move (O)")
    assert out.getvalue().count("\a") == 1


class _FakeHook:
    armed = False

    def arm(self) -> None:
        self.armed = True

    def disarm(self) -> None:
        self.armed = False


class _CountingWaker:
    wakes = 0

    def wake(self, thread_id: int) -> None:
        self.wakes += 1


def test_a_burst_of_lines_wakes_the_reader_once() -> None:
    """One signal per batch: a signal per line filled asyncio's wakeup pipe in a burst (seen
    as "Exception ignored when trying to write to the signal wakeup fd" on the terminal)."""
    console = Console("me", Palette(False), stdin=_Terminal(), stdout=_Terminal())
    hook, waker = _FakeHook(), _CountingWaker()
    # As start() leaves it while the prompt is on screen and readline waits for a key.
    console._input_hook, console._waker, console._reader_id = hook, waker, 1  # type: ignore[assignment]
    console._reading = True
    for number in range(500):
        console.notice(f"line {number}")
    armed_by_the_burst = hook.armed
    assert waker.wakes == 1 and armed_by_the_burst
    console._draw_pending()  # the reader thread, called by readline: draws all, disarms
    assert hook.armed is not armed_by_the_burst and not console._pending
    console.notice("one more")
    assert waker.wakes == 2


def test_lines_before_the_input_hook_is_made_wait_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first prompt does not wait for ctypes: a line arriving before the input hook is made
    is queued — never drawn from the loop thread while readline owns the line — and the hook,
    once made, is armed and the reader woken to draw it."""
    out = _Terminal()
    console = Console("me", Palette(False), stdin=_Terminal(), stdout=out)
    hook, waker = _FakeHook(), _CountingWaker()
    monkeypatch.setattr(InputHook, "create", lambda draw: hook)
    monkeypatch.setattr(Waker, "install", lambda: waker)
    # As start() leaves it with readline, once readline has drawn the first prompt.
    console._hook_coming, console._reading, console._reader_id = True, True, 1
    console.notice("early")
    assert out.getvalue() == "" and "early" in "".join(console._pending)
    console._make_input_hook()
    made: object = console._input_hook
    assert made is hook and hook.armed and waker.wakes == 1
    console._draw_pending()  # the reader thread, called by readline
    assert "early" in out.getvalue() and not console._pending and not hook.armed
