"""The terminal as the console finds and leaves it: is it one, what TERM allows, readline, its
modes, SIGWINCH.

Each helper degrades to "nothing to do" where the platform lacks the feature (Windows has no
termios, no readline module, no SIGWINCH), so the console needs no platform checks of its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Mapping
from types import ModuleType
from typing import Any, TextIO


def isatty(stream: TextIO) -> bool:
    """Whether *stream* is a terminal (False for closed or fake streams)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def term_is_dumb(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``TERM=dumb`` says the terminal takes no escape code at all: no color either.

    Args:
        environ: the environment (default ``os.environ``).
    """
    env = os.environ if environ is None else environ
    return env.get("TERM") == "dumb"


#: Set and not empty, it asks for words mode (``--accessible``): boards in words, and whole
#: lines only, so a screen reader reads each line once and nothing is redrawn.
ACCESSIBLE_VARIABLE = "ACCESSIBLE"


def accessible(environ: Mapping[str, str] | None = None) -> bool:
    """Whether words mode is asked for: :data:`ACCESSIBLE_VARIABLE` set and not empty (as
    ``--accessible`` asks).

    Args:
        environ: the environment (default ``os.environ``).
    """
    env = os.environ if environ is None else environ
    return bool(env.get(ACCESSIBLE_VARIABLE))


def lines_only(environ: Mapping[str, str] | None = None) -> bool:
    """Whether to write whole lines only, never moving the cursor: ``TERM=dumb``, no TERM, or
    words mode (:func:`accessible`: a screen reader reads a redrawn line again).

    Without a TERM nothing is known of the terminal (a Windows console sets none), so nothing
    is overwritten there either; color is another matter (:func:`term_is_dumb`).

    Args:
        environ: the environment (default ``os.environ``).
    """
    env = os.environ if environ is None else environ
    return term_is_dumb(env) or not env.get("TERM") or accessible(env)


def write_quietly(stream: TextIO, text: str, *, flush: bool = False) -> None:
    """Write *text* (then flush, if asked) to a terminal that may already be gone.

    A closed terminal (the window was shut, stdout is a dead pipe) must not crash the program
    or interrupt its goodbye to the other side, so the errors that means are swallowed.
    """
    with contextlib.suppress(OSError, ValueError):
        if text:
            stream.write(text)
        if flush:
            stream.flush()


#: Set (to anything but empty) to do without readline even where Python has it: the console's
#: own line editor is used, as on Windows or a Python built without readline (the tests use it).
NO_READLINE = "TABLECHAT_NO_READLINE"


def import_readline(environ: Mapping[str, str] | None = None) -> ModuleType | None:
    """The readline module, or None where Python has none (Windows, a minimal build) or
    :data:`NO_READLINE` is set in *environ* (default ``os.environ``)."""
    if (os.environ if environ is None else environ).get(NO_READLINE):
        return None
    # Imported only in interactive mode: it is slow to load and may print escape codes at import.
    try:
        import readline  # noqa: PLC0415 (lazy: keeps start-up cheap)
    except ImportError:  # Windows, or a Python built without it: input() still works
        return None
    return readline


def block_winch(*, unblock: bool = False) -> bool:
    """Block (or unblock) SIGWINCH on the calling thread; False where there is no such thing."""
    done = False
    if sys.platform != "win32":  # Windows has neither SIGWINCH nor signal masks
        signum = getattr(signal, "SIGWINCH", None)
        if signum is not None and hasattr(signal, "pthread_sigmask"):
            with contextlib.suppress(OSError, ValueError):
                how = signal.SIG_UNBLOCK if unblock else signal.SIG_BLOCK
                signal.pthread_sigmask(how, {signum})
                done = True
    return done


def _termios() -> ModuleType | None:
    """The termios module, or None where there is none (Windows)."""
    found: ModuleType | None = None
    if sys.platform != "win32":  # Windows has no termios
        with contextlib.suppress(ImportError):
            import termios  # noqa: PLC0415 (lazy: keeps start-up cheap)

            found = termios
    return found


def save_tty(stream: TextIO) -> Any:
    """The terminal modes of *stream*, for :func:`restore_tty`; None where there are none."""
    termios = _termios()
    if termios is None:
        return None
    try:
        return termios.tcgetattr(stream.fileno())
    # termios.error is no OSError: a terminal that hung up, or no terminal at all.
    except (termios.error, OSError, ValueError, AttributeError):
        return None


def restore_tty(stream: TextIO, saved: Any) -> None:
    """Put back the modes :func:`save_tty` returned (nothing for None)."""
    # readline puts the terminal in its own mode while it waits for a line; we may exit while
    # the reader thread is still waiting, so put back the modes we found.
    termios = _termios()
    if saved is None or termios is None:
        return
    # A closed window leaves no terminal to put them back on (termios.error): nothing to do.
    with contextlib.suppress(termios.error, OSError, ValueError, AttributeError):
        termios.tcsetattr(stream.fileno(), termios.TCSADRAIN, saved)


def hung_up(stream: TextIO) -> bool:
    """Whether the terminal *stream* was has hung up: its window was closed (or the line cut).

    A hung-up terminal refuses every request (the kernel answers EIO), so asking for its modes
    tells it from a terminal that is still there, where the end of input was a typed Ctrl-D.
    False where there are no terminal modes to ask for (Windows).

    Args:
        stream: a stream that was a terminal when the program started.

    Returns:
        True when the terminal can no longer be used.
    """
    termios = _termios()
    if termios is None:
        return False
    try:
        termios.tcgetattr(stream.fileno())
    except (termios.error, OSError):
        return True
    except (ValueError, AttributeError):  # the stream itself was closed or replaced
        return False
    return False


def input_waiting(stream: TextIO) -> bool:
    """Whether more typed input is already there, unread: a paste is still coming in.

    False where it cannot be told (not a terminal, a closed stream).
    """
    if sys.platform == "win32":
        import msvcrt  # noqa: PLC0415 (Windows only)

        waiting = msvcrt.kbhit()
    else:
        import select  # noqa: PLC0415 (lazy: only once a line was typed)

        try:
            ready, _, _ = select.select([stream.fileno()], [], [], 0)
        except (OSError, ValueError, AttributeError):
            ready = []
        waiting = bool(ready)
    return waiting


def windows_cursor_control(stream: TextIO) -> bool:
    """Windows: switch the console behind *stream* to take escape codes (virtual terminal
    processing, Windows 10 and later); whether it does now. False everywhere else.

    A Windows console sets no TERM, so :func:`lines_only` says nothing can be moved; once the
    console takes escape codes the line editor can be used there, as on any terminal.
    """
    done = False
    if sys.platform == "win32":
        import ctypes  # noqa: PLC0415 (Windows only)
        import msvcrt  # noqa: PLC0415

        enable_virtual_terminal_processing = 0x0004
        try:
            handle = msvcrt.get_osfhandle(stream.fileno())
            kernel32 = ctypes.windll.kernel32
            mode = ctypes.c_uint32()
            if kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
                wanted = mode.value | enable_virtual_terminal_processing
                done = bool(kernel32.SetConsoleMode(handle, wanted))
        except (OSError, ValueError, AttributeError):
            done = False
    return done
