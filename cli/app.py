"""What host and join share around their event loop: the console, running, failing politely.

Imported only after the arguments are parsed (it pulls in asyncio).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final

from cli.colors import Palette, color_wanted
from cli.console import Console
from cli.visible import visible

#: The longest line a person may type, in UTF-8 bytes: what a say may carry, less the frame's
#: own fields (one frame holds 64 KiB) — and every line the host applies is journaled.
MAX_TYPED: Final = 60_000


def too_long(line: str) -> str | None:
    """Why *line* cannot be sent, in words for the person who typed it, or None."""
    size = len(line.encode("utf-8", "surrogatepass"))
    if size <= MAX_TYPED:
        return None
    return f"not sent: that line is {size:,} bytes long, and a line holds at most {MAX_TYPED:,}"


class Failure(Exception):
    """An expected failure: one clear sentence for stderr and a non-zero exit status."""

    def __init__(self, sentence: str, status: int = 1) -> None:
        """Remember the *sentence* shown to the person and the exit *status*."""
        super().__init__(sentence)
        self.sentence = sentence
        self.status = status


def make_console(name: str, color: bool, bell: bool = False, accessible: bool = False) -> Console:
    """Build the console for *name*.

    Args:
        name: your name, shown in the prompt.
        color: whether colors are wanted (--no-color says no); they are used only when
            possible too (a terminal, not TERM=dumb, no non-empty NO_COLOR, colorama
            importable).
        bell: ring the terminal bell when it is your turn or an offer is made to you
            (--bell); only in a terminal.
        accessible: words mode (--accessible): whole lines only, nothing redrawn.

    Returns:
        The console, not started.
    """
    palette = Palette(color_wanted(color, sys.stdout))
    return Console(name, palette, bell=bell, whole_lines=accessible)


class ConsoleLogHandler(logging.Handler):
    """Shows warnings from the libraries (net logs to the ``"net"`` logger, asyncio to
    ``"asyncio"``) as notices, a few at a time.

    Without a handler, Python's last-resort handler would write them, tracebacks included,
    straight into the terminal in the middle of someone's typing. A record repeated in a burst
    (a peer that keeps failing, a loop that fell behind) is shown :data:`BURST` times within
    :data:`WINDOW` seconds; the rest are counted and said in one line ("… 1,356 more like
    that") when the next one comes after the window, or when the program closes.
    """

    BURST: Final = 3
    WINDOW: Final = 10.0
    _KINDS_KEPT: Final = 64  # distinct messages remembered; beyond, the oldest is forgotten

    def __init__(self, console: Console, *, clock: Callable[[], float] = time.monotonic) -> None:
        """Show records of level WARNING and above on *console*; *clock* times the bursts."""
        super().__init__(logging.WARNING)
        self.console = console
        self._clock = clock
        # per (logger, message template): when its window began, how many shown, how many not
        self._bursts: dict[tuple[str, str], list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        """Show one record as a one-line notice (the exception's type, never a traceback),
        unless it is one too many of a burst."""
        try:
            key = (record.name, str(record.msg))
            now = self._clock()
            burst = self._bursts.get(key)
            if burst is None or now - burst[0] >= self.WINDOW:
                if burst is not None:
                    self._say_more(key, burst)
                burst = self._bursts[key] = [now, 0.0, 0.0]
                while len(self._bursts) > self._KINDS_KEPT:
                    oldest = next(iter(self._bursts))
                    self._say_more(oldest, self._bursts.pop(oldest))
            if burst[1] >= self.BURST:
                burst[2] += 1
                return
            burst[1] += 1
            text = record.getMessage()
            if record.exc_info and record.exc_info[1] is not None:
                text += f" ({type(record.exc_info[1]).__name__})"
            # One line, made visible: a log message may quote the peer (e.g. the version it
            # sent), and a newline in it must not start a line that passes for the table's own.
            self.console.notice(visible(f"{record.name}: {text}"))
        except Exception:
            self.handleError(record)

    def _say_more(self, key: tuple[str, str], burst: list[float]) -> None:
        if burst[2]:
            name, message = key
            more = f"{int(burst[2]):,}"
            self.console.notice(visible(f"{name}: … {more} more like “{message[:60]}”"))

    def close(self) -> None:
        """Say what each burst left unsaid, then close."""
        for key, burst in self._bursts.items():
            self._say_more(key, burst)
        self._bursts.clear()
        super().close()


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    # "Exception ignored …" (a signal's wakeup byte that did not fit, a finalizer that
    # failed) goes through the log, so it is a notice among the others, never a traceback.
    what = unraisable.err_msg or "Exception ignored"
    error = unraisable.exc_value
    logging.getLogger("python").warning(
        "%s", what, exc_info=None if error is None else (type(error), error, None)
    )


def log_to(console: Console) -> ConsoleLogHandler:
    """Route library log records, and exceptions Python would print as "ignored", to
    *console* instead of stderr; returns the handler (close it to say what was left unsaid)."""
    handler = ConsoleLogHandler(console)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    sys.unraisablehook = _unraisable
    return handler


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
