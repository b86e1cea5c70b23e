"""What host and join share around their event loop: the console, running, failing politely.

Imported only after the arguments are parsed (it pulls in asyncio).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any

from cli.colors import Palette, color_wanted
from cli.console import Console
from cli.visible import visible


class Failure(Exception):
    """An expected failure: one clear sentence for stderr and a non-zero exit status."""

    def __init__(self, sentence: str, status: int = 1) -> None:
        """Remember the *sentence* shown to the person and the exit *status*."""
        super().__init__(sentence)
        self.sentence = sentence
        self.status = status


def make_console(name: str, color: bool, bell: bool = False) -> Console:
    """Build the console for *name*.

    Args:
        name: your name, shown in the prompt.
        color: whether colors are wanted (--no-color says no); they are used only when
            possible too (a terminal, not TERM=dumb, no non-empty NO_COLOR, colorama
            importable).
        bell: ring the terminal bell with the notice that it is your turn (--bell); only in
            a terminal.

    Returns:
        The console, not started.
    """
    return Console(name, Palette(color_wanted(color, sys.stdout)), bell=bell)


class ConsoleLogHandler(logging.Handler):
    """Shows warnings from the libraries (net logs to the ``"net"`` logger) as notices.

    Without a handler, Python's last-resort handler would write them, tracebacks included,
    straight into the terminal in the middle of someone's typing.
    """

    def __init__(self, console: Console) -> None:
        """Show records of level WARNING and above on *console*."""
        super().__init__(logging.WARNING)
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        """Show one record as a one-line notice (the exception's type, never a traceback)."""
        try:
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" ({type(record.exc_info[1]).__name__})"
            # One line, made visible: a log message may quote the peer (e.g. the version it
            # sent), and a newline in it must not start a line that passes for the table's own.
            self.console.notice(visible(f"{record.name}: {text}"))
        except Exception:
            self.handleError(record)


def log_to(console: Console) -> None:
    """Route library log records to *console* instead of stderr."""
    root = logging.getLogger()
    root.handlers[:] = [ConsoleLogHandler(console)]
    root.setLevel(logging.WARNING)


def run(prog: str, main: Coroutine[Any, Any, int]) -> int:
    """Run *main* to completion and turn expected failures into a sentence and a status.

    Args:
        prog: the program name that starts the error sentence (``python -m cli.join``).
        main: the program's coroutine; it returns the exit status.

    Returns:
        The exit status: the coroutine's, a :class:`Failure`'s, or 130 for an interrupt that
        came before the console could turn it into leaving.
    """
    try:
        return asyncio.run(main)
    except Failure as failure:
        # The sentence may quote the host (a refusal, error or bye reason): made visible here,
        # where every failure is printed, so no path can hand the terminal a raw escape.
        print(f"{prog}: {visible(failure.sentence)}", file=sys.stderr)
        return failure.status
    except KeyboardInterrupt:
        # Ctrl-C while connecting or opening the port: nothing to say goodbye to.
        return 130
