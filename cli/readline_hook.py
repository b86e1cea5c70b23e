"""Drawing on readline's own thread, woken at once by a signal instead of a 0.1 s poll.

readline is not thread-safe, so lines arriving while the prompt is on screen are drawn by the
thread blocked in ``input()``, from CPython's ``PyOS_InputHook``. How CPython calls that hook
decides everything here (``Modules/readline.c``, ``readline_until_enter_or_signal``, the same
in 3.11 and later): before each ``select()`` on the terminal it looks at the hook slot — empty,
``select()`` waits with no timeout; set, it waits at most 0.1 s — and after *every* return of
``select()`` (a keystroke, the timeout, or EINTR) it calls the hook if the slot is set. So:

* Idle, the slot stays **empty**: the reader thread sleeps in ``select()``, never woken.
* A line arrives: the event loop **arms** the slot and sends the reader thread a signal with
  ``signal.pthread_kill``. The signal has a do-nothing Python handler, so CPython's C handler
  runs on that thread and ``select()`` fails with EINTR (``select()`` is never restarted after
  a handler, SA_RESTART or not, on Linux and macOS). readline.c then calls the hook, which
  draws and **disarms** the slot. Its ``PyErr_CheckSignals()`` does nothing off the main
  thread; the no-op Python handler runs later on the main thread (and asyncio, woken through
  its wakeup fd, finds no handler of its own for the signal and ignores it).
* A signal landing after readline looked at the empty slot but before it entered ``select()``
  is lost; the console sends it again after :data:`REWAKE_AFTER` while lines still wait. While
  the hook cannot draw (another writer holds the console's lock) the slot stays armed, so the
  old 0.1 s poll is the worst case, and only while something waits to be drawn.

The signal is SIGURG: its default action is to ignore it, so one sent after the handler is
restored harms nothing, and nothing else in a terminal program uses it (Go's runtime picked it
for preempting threads for the same reasons). It is taken only if nobody handles it yet.

Platforms: GNU readline and libedit both run through that same readline.c loop, so both get the
hook and the wake-up (tested here with GNU readline 8.2 on Linux; the libedit and macOS paths
follow from the same CPython source but have not been run). Without ``signal.pthread_kill`` or
SIGURG the armed slot's 0.1 s poll is used. Without readline (Windows, or a Python built
without it) there is no hook at all, and the console writes incoming lines directly.

The handler is installed without SA_RESTART (CPython's default), which is what makes
``select()`` return. A system call other than ``select()`` is interrupted only if it was
blocked when the signal came: CPython retries its own (PEP 475); readline's terminal writes
block only when the terminal stops reading, and only then could one come up short.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable
from types import FrameType, ModuleType
from typing import Any

# Long enough that a wake-up in flight is never doubled on an idle machine, short enough that
# the rare lost one (see the module docstring) still shows the line well within a blink.
REWAKE_AFTER = 0.05


# Every ctypes callback ever put in the slot, kept for the life of the process: the reader
# thread may be inside one while the console closes, and freeing it then would return through
# freed memory. One small object per console is the whole cost.
_KEPT_ALIVE: list[Any] = []


def _ignore(signum: int, frame: FrameType | None) -> None:
    """The wake-up signal's Python handler: its only job is to exist (see the docstring)."""


class InputHook:
    """A Python function that can be put in, and taken out of, CPython's ``PyOS_InputHook``.

    Tkinter installs its event loop in the same slot. The slot is written only while it is
    empty or holds our own function, so another user of it (a GUI toolkit) is left alone.
    """

    def __init__(self, slot: Any, callback: Any) -> None:
        """Wrap *slot* (the ctypes view of ``PyOS_InputHook``) and our ctypes *callback*."""
        self._slot = slot
        self._callback = callback
        _KEPT_ALIVE.append(callback)  # never freed: see _KEPT_ALIVE
        self._address = _address_of(callback)

    @classmethod
    def create(cls, draw: Callable[[], None]) -> InputHook | None:
        """Prepare *draw* as an input hook, not yet armed.

        Args:
            draw: called on the reader thread from readline; exceptions are swallowed (one
                escaping a ctypes callback would be printed into the terminal).

        Returns:
            The hook, or None where the slot cannot be reached or someone else holds it.
        """
        try:
            import ctypes  # noqa: PLC0415 (lazy: interactive sessions only)

            slot = ctypes.c_void_p.in_dll(ctypes.pythonapi, "PyOS_InputHook")
        except (ImportError, AttributeError, ValueError, OSError):
            return None
        if slot.value:  # someone else's hook: leave it alone
            return None

        def hook() -> int:
            with contextlib.suppress(Exception):
                draw()
            return 0

        return cls(slot, ctypes.CFUNCTYPE(ctypes.c_int)(hook))

    @property
    def armed(self) -> bool:
        """Whether readline will call the hook (and poll every 0.1 s) right now."""
        return bool(self._slot.value)

    def arm(self) -> None:
        """Put the hook in the slot: readline calls it after its next ``select()`` returns."""
        if not self._slot.value:
            self._slot.value = self._address

    def disarm(self) -> None:
        """Empty the slot again (only if it still holds ours): ``select()`` blocks again."""
        if self._slot.value == self._address:
            self._slot.value = None


class Waker:
    """Interrupts one thread's blocking ``select()`` with a signal (see the module docstring)."""

    def __init__(self, signum: int, previous: Any, send: Callable[[int, int], None]) -> None:
        """Remember the signal used, the handler to put back on :meth:`close`, and *send*
        (``signal.pthread_kill``), which signals one thread."""
        self._signum = signum
        self._previous = previous
        self._send = send

    @classmethod
    def install(cls) -> Waker | None:
        """Give SIGURG a no-op handler; call on the main thread.

        Returns:
            The waker, or None where threads cannot be signalled (Windows) or SIGURG already
            has a handler of someone else's.
        """
        if sys.platform != "win32":  # Windows has neither SIGURG nor pthread_kill
            signum = getattr(signal, "SIGURG", None)
            if signum is not None and hasattr(signal, "pthread_kill"):
                try:
                    previous = signal.getsignal(signum)
                    if previous in (signal.SIG_DFL, signal.SIG_IGN):
                        signal.signal(signum, _ignore)
                        # Restart the system calls it interrupts (SA_RESTART): a wake-up
                        # landing while readline writes to a slow terminal must not cut that
                        # write short. select() is never restarted after a handler, SA_RESTART
                        # or not, so the wake-up still works.
                        signal.siginterrupt(signum, False)
                        return cls(signum, previous, signal.pthread_kill)
                except (ValueError, OSError):  # not the main thread, or an unusual platform
                    pass
        return None

    def wake(self, thread_id: int) -> None:
        """Interrupt the thread *thread_id* (a ``threading`` ident) if it waits in a system call."""
        with contextlib.suppress(OSError, ProcessLookupError, ValueError):
            self._send(thread_id, self._signum)

    def close(self) -> None:
        """Put the previous handler back."""
        with contextlib.suppress(ValueError, OSError, TypeError):
            signal.signal(self._signum, self._previous)


class ReadlineCalls:
    """The GNU readline functions Python's readline module does not expose, through ctypes.

    Each is looked up once; a missing one (libedit, an old readline, no ctypes) is None and the
    console does the job itself.
    """

    def __init__(self, readline: ModuleType | None) -> None:
        """Look the functions up in the library behind *readline*."""
        self.forced_update_display: Callable[[], int] | None = None
        self.clear_visible_line: Callable[[], int] | None = None
        self.set_prompt: Callable[[bytes], int] | None = None
        self.set_screen_size: Callable[[int, int], int] | None = None
        self._point: Any = None
        self._fflush: Callable[[Any], int] | None = None
        if readline is None or "libedit" in (readline.__doc__ or ""):
            return
        try:
            import ctypes  # noqa: PLC0415 (lazy: interactive sessions only)

            library = ctypes.CDLL(readline.__file__)
            libc = ctypes.CDLL(None)
        except (ImportError, OSError, AttributeError, TypeError):
            return
        self.forced_update_display = _function(library, "rl_forced_update_display")
        # readline >= 7.0: erase every row the prompt and line occupy, from readline's own idea
        # of where the cursor is, and leave the cursor at the start of the prompt's first row.
        self.clear_visible_line = _function(library, "rl_clear_visible_line")
        # Change the prompt readline shows (it keeps a copy), for the status in it.
        with contextlib.suppress(AttributeError):
            set_prompt = library.rl_set_prompt
            set_prompt.argtypes = [ctypes.c_char_p]
            set_prompt.restype = ctypes.c_int
            self.set_prompt = set_prompt
        # Tell readline the window's new size without its own redraw after SIGWINCH (that one
        # starts on the line's last row and leaves its first rows behind).
        with contextlib.suppress(AttributeError):
            set_screen_size = library.rl_set_screen_size
            set_screen_size.argtypes = [ctypes.c_int, ctypes.c_int]
            set_screen_size.restype = None
            self.set_screen_size = set_screen_size
        with contextlib.suppress(ValueError, AttributeError):
            self._point = ctypes.c_int.in_dll(library, "rl_point")
        with contextlib.suppress(AttributeError):
            fflush = libc.fflush
            fflush.argtypes = [ctypes.c_void_p]
            fflush.restype = ctypes.c_int
            self._fflush = fflush

    def point(self) -> int | None:
        """readline's cursor position in the line, in bytes of its UTF-8 buffer (or None)."""
        return None if self._point is None else int(self._point.value)

    def flush_c_stdout(self) -> None:
        """Flush C stdio: readline writes through it, we through Python; keep the order."""
        if self._fflush is not None:
            self._fflush(None)


def _function(library: Any, name: str) -> Callable[[], int] | None:
    import ctypes  # noqa: PLC0415 (lazy: only after ctypes loaded fine)

    try:
        function = getattr(library, name)
    except AttributeError:
        return None
    function.restype = ctypes.c_int
    function.argtypes = []
    return function  # type: ignore[no-any-return]


def _address_of(callback: Any) -> int:
    import ctypes  # noqa: PLC0415 (lazy: only called once ctypes loaded fine)

    address = ctypes.cast(callback, ctypes.c_void_p).value
    assert address is not None
    return address
