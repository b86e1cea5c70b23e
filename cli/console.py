"""The line console shared by host and join: read typed lines, show incoming ones.

Both people may type at any time, so input and output are independent:

* Lines are read by a worker thread — ``input()`` with GNU readline in a terminal, plain reads
  of the file descriptor otherwise — and handed to the event loop through a queue. Reading in a
  thread instead of ``select()`` on stdin is what works on Windows too (websockets' cli.py does
  the same).
* Output is written from the event loop — except while readline owns the input line. readline
  is not thread-safe: reading its buffer or redrawing it from the event loop while the reader
  thread is inside ``input()`` handling a keystroke corrupts it (seen as "embedded null byte"
  errors and glibc assertions when lines arrived during a paste). So lines arriving then are
  queued, and drawn *on the reader thread* from ``PyOS_InputHook``, which CPython's readline
  calls between keystrokes (at least every 0.1 s while it waits): clear the input line, write
  the messages above it, and let readline redraw the prompt and your partial input, so nothing
  you typed is garbled or lost. A lock keeps those writes whole.
* In script mode (stdin or stdout not a terminal) no prompt and no escape code is written, and
  lines are read until EOF.

Every piece of text from the other side goes through :func:`cli.visible.visible` here, at
display time, before any color is added.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import Any, TextIO

from cli.colors import Palette
from cli.visible import visible, visible_lines

_CLEAR_LINE = "\r\x1b[2K"  # carriage return, then erase the whole line (CSI 2 K)
_READ_CHUNK = 65536


class Console:
    """One person's terminal: a queue of typed lines in, formatted lines out."""

    def __init__(
        self,
        me: str,
        palette: Palette,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
    ) -> None:
        """Prepare a console for the person called *me*; nothing is read before :meth:`start`.

        Args:
            me: your own name, used in the prompt.
            palette: colors (possibly disabled).
            stdin: where lines are read from (default sys.stdin).
            stdout: where everything is written (default sys.stdout).
        """
        self._in = stdin if stdin is not None else sys.stdin
        self._out = stdout if stdout is not None else sys.stdout
        self._palette = palette
        self.interactive = _isatty(self._in) and _isatty(self._out)
        self._dumb = os.environ.get("TERM", "") in {"dumb", ""}
        self._lock = threading.Lock()
        self._readline: ModuleType | None = None
        self._reading = False  # True while readline owns the input line (prompt on screen)
        # Set when the program asks for the next line: the prompt comes back only once the
        # previous line has been handled, so its answer (e.g. the board) is printed above it.
        self._want_line = threading.Event()
        self._hook_holds_lock = False
        # readline's rl_forced_update_display via ctypes: None = not looked up, False = absent.
        self._rl_redraw: Any = None
        # Lines waiting for the reader thread to draw them (see the module docstring), and the
        # installed PyOS_InputHook that does it (None where it could not be installed).
        self._pending: list[str] = []
        self._input_hook: _InputHook | None = None
        self._saved_tty: Any = None
        self._queue: asyncio.Queue[str | None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self.set_name(me)

    # ----------------------------------------------------------------- set-up and tear-down

    def set_name(self, me: str) -> None:
        """Change the name shown in the prompt (the host may give you a different one)."""
        self.me = me
        shown = visible(me)
        self._prompt = f"<{shown}> "
        self._plain_prompt = self._palette.me(self._prompt)
        self._rl_prompt = self._palette.readline_prompt(self._prompt)

    def start(self) -> None:
        """Start reading lines; call from inside the running event loop.

        Ctrl-C, SIGTERM and SIGHUP mean "leave" from here on (see :meth:`install_signal_handlers`);
        they are installed before the first prompt can appear, so a Ctrl-C typed at the prompt
        is never a KeyboardInterrupt.
        """
        self._loop = asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self.install_signal_handlers()
        if self.interactive:
            self._saved_tty = _save_tty(self._in)
            self._readline = _import_readline()
            if self._readline is not None and hasattr(self._readline, "set_pre_input_hook"):
                # Called by readline once the prompt is written and its buffer is fresh: from
                # then on get_line_buffer() is the partial line and may be redrawn.
                self._readline.set_pre_input_hook(self._input_started)
                self._input_hook = _InputHook.install(self._readline, self._draw_pending)
        thread = threading.Thread(target=self._read_lines, name="console-input", daemon=True)
        thread.start()

    def install_signal_handlers(self) -> None:
        """Make Ctrl-C (SIGINT), SIGTERM and SIGHUP mean "leave": the reader gets EOF.

        Leaving must be orderly (say bye to the other side, restore the terminal), so these
        signals end the conversation through the same path as /q rather than a traceback.
        """
        loop = self._loop
        assert loop is not None, "start() first"
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                loop.add_signal_handler(signum, self.interrupt)
            except (NotImplementedError, RuntimeError):  # Windows: no add_signal_handler
                signal.signal(signum, lambda *_: loop.call_soon_threadsafe(self.interrupt))

    def interrupt(self) -> None:
        """Behave as if the input ended (Ctrl-D): the program leaves."""
        self._deliver(None)

    def close(self) -> None:
        """Leave the terminal as it was found: fresh line, original tty modes."""
        if self._closed:
            return
        self._closed = True
        if self._input_hook is not None:
            # First: the hook must never run once this console (or the interpreter) is gone.
            self._input_hook.uninstall()
            self._input_hook = None
        with self._lock:
            if self.interactive:
                # The prompt (and any half line) is still on screen; remove it so the shell's
                # prompt starts on a clean line. Only a dumb terminal needs the line's length,
                # read from readline here on the wrong thread — at exit, once.
                partial = ""
                if self._dumb and self._reading and self._readline is not None:
                    partial = self._readline.get_line_buffer()
                self._write(self._clear_line(partial) + "".join(self._pending))
                self._pending.clear()
                self._reading = False
            _restore_tty(self._in, self._saved_tty)
            self._flush()

    # ---------------------------------------------------------------------------- input

    async def read_line(self) -> str | None:
        """Return the next non-empty typed line, or None when the person leaves (EOF, Ctrl-C)."""
        assert self._queue is not None, "start() first"
        while True:
            self._want_line.set()
            line = await self._queue.get()
            if line is None:
                self._queue.put_nowait(None)  # stay at EOF for any later caller
                return None
            if line.strip():  # empty lines are not sent
                return line

    def _deliver(self, line: str | None) -> None:
        loop, queue = self._loop, self._queue
        if loop is None or queue is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is already closed: nobody listens
            if threading.current_thread() is threading.main_thread():
                queue.put_nowait(line)
            else:
                loop.call_soon_threadsafe(queue.put_nowait, line)

    def _input_started(self) -> None:
        # readline has written the prompt and reset its buffer: from now on a message may be
        # written above the line and the line redrawn. See _read_interactive for the lock.
        self._reading = True
        if self._hook_holds_lock:
            self._hook_holds_lock = False
            self._lock.release()

    def _read_lines(self) -> None:
        try:
            if self.interactive:
                self._read_interactive()
            else:
                self._read_stream()
        except Exception:  # a broken stdin means the same as EOF: the person is gone
            pass
        finally:
            self._deliver(None)

    def _read_interactive(self) -> None:
        has_hook = self._readline is not None and hasattr(self._readline, "set_pre_input_hook")
        while not self._closed:
            self._want_line.wait()
            self._want_line.clear()
            # Between readline writing the prompt and its pre-input hook, a message written by
            # the loop would erase the prompt without knowing to redraw it. So the lock is held
            # from just before input() until the hook runs (same thread) and releases it.
            self._lock.acquire()
            if has_hook:
                self._hook_holds_lock = True
            else:
                self._reading = True
                self._lock.release()
            try:
                line = input(self._rl_prompt if self._readline else self._plain_prompt)
            except EOFError:
                return
            finally:
                if self._hook_holds_lock:  # input() failed before readline called the hook
                    self._hook_holds_lock = False
                    self._lock.release()
                with self._lock:
                    self._reading = False
                    # Lines that came after the input hook last ran: the typed line stays on
                    # screen as sent, and they go below it.
                    if self._pending:
                        self._write("".join(self._pending))
                        self._pending.clear()
                        self._flush()
            self._deliver(line)

    def _read_stream(self) -> None:
        # os.read on the descriptor, not sys.stdin.readline(): a daemon thread blocked inside
        # sys.stdin's buffer would hold its lock at interpreter shutdown and abort the exit.
        fd = self._in.fileno()
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        pending = ""
        while True:
            chunk = os.read(fd, _READ_CHUNK)
            pending += decoder.decode(chunk, final=not chunk)
            *lines, pending = pending.split("\n")
            for line in lines:
                self._deliver(line.removesuffix("\r"))
            if not chunk:
                if pending:
                    self._deliver(pending)
                return

    # --------------------------------------------------------------------------- output

    def show(self, kind: str, text: str, sender: str | None = None) -> None:
        """Show one thing the table decided: a chat line, notice, error, board or result.

        Args:
            kind: "chat", "notice", "error", "board" or "result" (game.Kind / net Show kinds).
            text: the text; only board/notice/result texts may span lines.
            sender: the author of a chat line.
        """
        p = self._palette
        if kind == "chat":
            # "<name> text": a peer's text never starts a line, so it cannot pass for a notice.
            name = visible(sender if sender is not None else "?")
            self._emit([f"{p.other('<' + name + '>')} {visible(text)}"])
        elif kind == "error":
            self._emit(_prefixed(visible_lines(text), "! ", p.error))
        elif kind == "board":
            self._emit(["  " + p.board(line) for line in visible_lines(text)])
        elif kind == "result":
            self._emit(_prefixed(visible_lines(text), "** ", p.result))
        else:  # notice, and anything a newer host may invent: shown, never interpreted
            self._emit(_prefixed(visible_lines(text), "* ", p.notice))

    def notice(self, text: str) -> None:
        """Show a notice of this program's own (joined, left, connection lost)."""
        self.show("notice", text)

    def _emit(self, lines: list[str]) -> None:
        text = "\n".join(lines) + "\n"
        with self._lock:
            if not (self.interactive and self._reading and not self._closed):
                self._write(text)
            elif self._input_hook is not None:
                self._pending.append(text)  # the reader thread draws it, between keystrokes
                return
            else:
                # No input hook (libedit, Windows, an unusual build): draw from here, and accept
                # that a keystroke handled at this very moment may be drawn oddly.
                self._write_above_input(text)
            self._flush()

    def _draw_pending(self) -> None:
        """Draw queued lines above the input line; runs on the reader thread, from readline."""
        # Never wait for the lock here: the reader thread itself holds it from just before
        # input() until the pre-input hook; the next call (0.1 s on) will do.
        if not self._pending or not self._lock.acquire(blocking=False):
            return
        try:
            if self._reading and self._pending and not self._closed:
                text = "".join(self._pending)
                self._pending.clear()
                self._write_above_input(text)
                self._flush()
        finally:
            self._lock.release()

    def _write_above_input(self, text: str) -> None:
        # Clear the input line, write text, then put the prompt and the partial line back.
        partial = self._readline.get_line_buffer() if self._readline is not None else ""
        self._write(self._clear_line(partial) + text)
        self._flush()
        # Best: readline redraws prompt and line itself, cursor where it was (the person may
        # be editing mid-line). Else write them; the cursor ends last.
        if not self._forced_redisplay():
            self._write(self._plain_prompt + partial)

    def _forced_redisplay(self) -> bool:
        """Ask GNU readline to redraw its prompt and line from scratch on the current line.

        ``rl_forced_update_display`` is what readline's own callers use after printing above
        the input line; Python's readline module does not expose it (its ``redisplay()`` only
        redraws what readline believes changed, which is nothing), so it is looked up with
        ctypes, once, on first use. Returns False when that is not possible (libedit, no
        ctypes, an unusual build): the caller then redraws by hand.
        """
        if self._rl_redraw is None:
            self._rl_redraw = _find_forced_redisplay(self._readline)
        if self._rl_redraw is False:
            return False
        try:
            self._rl_redraw()
        except Exception:  # never let a redraw take the program down
            self._rl_redraw = False
            return False
        return True

    def _clear_line(self, partial: str) -> str:
        if not self._dumb:
            return _CLEAR_LINE
        # A dumb terminal knows no escape codes: overwrite the prompt and partial line with
        # spaces instead (wide characters may leave a little behind; nothing is garbled).
        width = len(self._prompt) + len(partial) if self._reading else 0
        return "\r" + " " * width + "\r"

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # a closed terminal must not crash us
            self._out.write(text)

    def _flush(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._out.flush()


class _InputHook:
    """A Python function installed as CPython's ``PyOS_InputHook``.

    CPython's readline module calls that hook from the thread blocked in ``input()``, between
    keystrokes (every 0.1 s while no key comes): the one moment another party may safely use
    readline. Tkinter installs its event loop there the same way. Installed only over an empty
    slot, with GNU readline, and removed by :meth:`uninstall`.
    """

    def __init__(self, slot: Any, callback: Any) -> None:
        self._slot, self._callback = slot, callback  # the ctypes callback must stay alive

    @classmethod
    def install(cls, readline: ModuleType, draw: Callable[[], None]) -> _InputHook | None:
        """Install *draw* as the input hook; None where that is not possible or not ours."""
        if "libedit" in (readline.__doc__ or ""):
            return None
        try:
            import ctypes  # noqa: PLC0415 (lazy: interactive sessions only)

            slot = ctypes.c_void_p.in_dll(ctypes.pythonapi, "PyOS_InputHook")
        except (ImportError, AttributeError, ValueError, OSError):
            return None
        if slot.value:  # someone else's hook (a GUI toolkit): leave it alone
            return None

        def hook() -> int:
            # An exception escaping a ctypes callback would be printed into the terminal.
            with contextlib.suppress(Exception):
                draw()
            return 0

        callback = ctypes.CFUNCTYPE(ctypes.c_int)(hook)
        slot.value = ctypes.cast(callback, ctypes.c_void_p).value
        return cls(slot, callback)

    def uninstall(self) -> None:
        """Empty the slot again."""
        self._slot.value = None


def _prefixed(lines: list[str], mark: str, paint: Callable[[str], str]) -> list[str]:
    indent = " " * len(mark)
    return [paint((mark if i == 0 else indent) + line) for i, line in enumerate(lines)]


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _import_readline() -> ModuleType | None:
    # Imported only in interactive mode: it is slow to load and may print escape codes at import.
    try:
        import readline  # noqa: PLC0415 (lazy: keeps start-up cheap)
    except ImportError:  # Windows, or a Python built without it: input() still works
        return None
    return readline


def _find_forced_redisplay(readline: ModuleType | None) -> Any:
    if readline is None or "libedit" in (readline.__doc__ or ""):
        return False
    try:
        import ctypes  # noqa: PLC0415 (lazy: only needed once a line arrives while typing)

        function = ctypes.CDLL(readline.__file__).rl_forced_update_display
    except (ImportError, OSError, AttributeError, TypeError):
        return False
    function.restype = ctypes.c_int
    function.argtypes = []
    return function


def _save_tty(stream: TextIO) -> Any:
    try:
        import termios  # noqa: PLC0415 (lazy: keeps start-up cheap)

        return termios.tcgetattr(stream.fileno())
    except (ImportError, OSError, ValueError, AttributeError):
        return None


def _restore_tty(stream: TextIO, saved: Any) -> None:
    # readline puts the terminal in its own mode while it waits for a line; we may exit while
    # the reader thread is still waiting, so put back the modes we found.
    if saved is None:
        return
    try:
        import termios  # noqa: PLC0415 (lazy: keeps start-up cheap)

        termios.tcsetattr(stream.fileno(), termios.TCSADRAIN, saved)
    except (ImportError, OSError, ValueError, AttributeError):
        pass
