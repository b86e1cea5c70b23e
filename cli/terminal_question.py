"""One question at the terminal before the console starts (the join code the host asks for).

The console's reader thread and readline are not running yet, so the answer is read in the
terminal's own line mode — it echoes, Backspace and Ctrl-U edit, Enter sends — straight from the
file descriptor, on a daemon thread: a Ctrl-C meanwhile ends the program at once instead of
waiting for a line, and no thread is left holding ``sys.stdin``'s lock at exit (the console
reads a stream the same way, for the same reason).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from typing import TextIO

from cli.terminal_modes import write_quietly

_READ_CHUNK = 4096


async def ask(question: str, stdin: TextIO, stdout: TextIO) -> str | None:
    """Write *question* (no newline: the answer goes after it) and wait for the answer.

    Args:
        question: the prompt, e.g. ``"join code: "``.
        stdin: the terminal to read from.
        stdout: the terminal to write to.

    Returns:
        The line typed, without its line end; None when the input ended (Ctrl-D) first.
    """
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[str | None] = loop.create_future()

    def settle(line: str | None) -> None:
        if not answer.done():  # cancelled: nobody waits for it any more
            answer.set_result(line)

    def read() -> None:
        line = _read_line(stdin.fileno())
        with contextlib.suppress(RuntimeError):  # the loop is closed: the program is ending
            loop.call_soon_threadsafe(settle, line)

    write_quietly(stdout, question, flush=True)
    threading.Thread(target=read, name="terminal-question", daemon=True).start()
    return await answer


def _read_line(fd: int) -> str | None:
    """One line from *fd*, or what was typed before the input ended (None: nothing)."""
    data = b""
    while b"\n" not in data:
        try:
            chunk = os.read(fd, _READ_CHUNK)
        except OSError:  # the terminal went away: the same as the end of input
            chunk = b""
        if not chunk:
            return data.decode("utf-8", "replace") if data else None
        data += chunk
    return data.split(b"\n", 1)[0].decode("utf-8", "replace").removesuffix("\r")
