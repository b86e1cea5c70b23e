"""The line console shared by host and join: read typed lines, show incoming ones.

Both people may type at any time, so input and output are independent:

* Lines are read by a worker thread — ``input()`` with GNU readline (or libedit) in a terminal,
  plain reads of the file descriptor otherwise — and handed to the event loop through a queue.
  Reading in a thread instead of ``select()`` on stdin is what works on Windows too
  (websockets' cli.py does the same).
* Output is written from the event loop — except while readline owns the input line. readline
  is not thread-safe: reading its buffer or redrawing it from the event loop while the reader
  thread is inside ``input()`` handling a keystroke corrupts it (seen as "embedded null byte"
  errors and glibc assertions when lines arrived during a paste). So lines arriving then are
  queued and drawn *on the reader thread*, from CPython's ``PyOS_InputHook``, which is armed
  and the reader woken by a signal only when something waits (cli.readline_hook: within a
  millisecond or so, and no polling while idle). Drawing erases every row the prompt and your
  partial input occupy (a long line wraps over several), writes the messages, and has readline
  redraw prompt and input with the cursor where it was, so nothing typed is garbled or lost.
  A lock keeps those writes whole.
* Without readline (Windows, a Python built without it, or :data:`NO_READLINE` set) the
  console edits the line itself (cli.line_editor): the reader thread reads keys in raw mode
  and applies them under the lock, and an incoming line, written from the event loop under
  the same lock, erases the prompt and half line (cli.editor_screen), writes the message and
  draws them again — no readline, so nothing that is not thread-safe.
* On a terminal that takes no cursor control (``TERM=dumb``, or no TERM: a Windows console
  that cannot be switched to escape codes) readline is not used and nothing is overwritten:
  the terminal's own line editing keeps what is typed, and an incoming line goes below the
  prompt's row, the prompt again after it.
* In script mode (stdin or stdout not a terminal) no prompt and no escape code is written, and
  lines are read until EOF.

Every piece of text from the other side goes through :func:`cli.visible.visible` (in
cli.shown_lines), at display time, before any color is added.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

from cli.colors import Palette
from cli.input_redraw import InputRedraw
from cli.readline_hook import REWAKE_AFTER, InputHook, Waker
from cli.shown_lines import shown_rows
from cli.terminal_layout import terminal_columns, terminal_rows
from cli.terminal_modes import (
    NO_READLINE,
    block_winch,
    hung_up,
    import_readline,
    input_waiting,
    isatty,
    lines_only,
    restore_tty,
    save_tty,
    windows_cursor_control,
    write_quietly,
)
from cli.visible import visible
from game.wants_you import wants_you
from net.messages import STATUS

if TYPE_CHECKING:  # imported when needed: start-up stays cheap
    from cli.editor_input import TerminalKeys
    from cli.editor_screen import EditorScreen
    from cli.history_file import HistoryFile
    from cli.line_editor import LineEditor

__all__ = ["NO_READLINE", "Console"]

_READ_CHUNK = 65536
_KEPT_IN_MEMORY = 500  # lines up-arrow goes back through, as many as the history file keeps


class _Paste:
    """The lines of one paste so far: which are passed on, which are not (numbered from 1)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.count = 0  # non-empty lines so far
        self.unsent: list[tuple[int, str]] = []

    def take(self, line: str) -> bool:
        """Whether *line* is passed on (empty lines always are: they are never sent)."""
        if not line.strip():
            return True
        self.count += 1
        if self.count <= self.limit:
            return True
        self.unsent.append((self.count, line))
        return False

    def sentence(self) -> str:
        """The one notice naming the lines that were not sent."""
        numbers = [number for number, _ in self.unsent]
        first, last = numbers[0], numbers[-1]
        which = f"line {first}" if first == last else f"lines {first}–{last}"
        quoted = visible(self.unsent[0][1].strip())
        if len(quoted) > 40:
            quoted = quoted[:39] + "…"
        return (
            f"not sent: {which} of the {self.count} you pasted (from “{quoted}”) — the table "
            f"takes {self.limit} lines in {self.window:g} s; paste them again in a moment"
        )


class Console:
    """One person's terminal: a queue of typed lines in, formatted lines out."""

    def __init__(
        self,
        me: str,
        palette: Palette,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        bell: bool = False,
        whole_lines: bool = False,
    ) -> None:
        """Prepare a console for the person called *me*; nothing is read before :meth:`start`.

        Args:
            me: your own name, used in the prompt.
            palette: colors (possibly disabled).
            stdin: where lines are read from (default sys.stdin).
            stdout: where everything is written (default sys.stdout).
            bell: ring the terminal bell with the notice that it is your turn, or of an
                offer made to you (only when a person is there: interactive mode).
            whole_lines: write whole lines only, never moving the cursor, whatever the
                terminal allows (``--accessible``: a screen reader reads a redrawn line again).
        """
        self._in = stdin if stdin is not None else sys.stdin
        self._out = stdout if stdout is not None else sys.stdout
        self._palette = palette
        #: The signal that stopped the program from outside (``"SIGTERM"``, ``"SIGHUP"``), or
        #: None while the person has not been stopped that way. A closed window is
        #: ``"SIGHUP"`` too, whether its signal or the end of input it causes comes first.
        self.stopped_by: str | None = None
        self.interactive = isatty(self._in) and isatty(self._out)
        self._in_terminal = isatty(self._in)
        self._bell = bell and self.interactive
        # No TERM on Windows: its console is asked to take escape codes instead, and then the
        # line editor is used there (a terminal that sets TERM=dumb is never asked).
        self._dumb = whole_lines or (
            lines_only()
            and not (
                self.interactive
                and not os.environ.get("TERM")
                and windows_cursor_control(self._out)
            )
        )
        self._lock = threading.Lock()
        self._readline: ModuleType | None = None
        self._reading = False  # True while readline owns the input line (prompt on screen)
        # Set when the program asks for the next line: the prompt comes back only once the
        # previous line has been handled, so its answer (e.g. the board) is printed above it.
        self._want_line = threading.Event()
        self._hook_holds_lock = False
        self._redraw = InputRedraw(self._out, None, dumb=self._dumb)
        # Lines waiting for the reader thread to draw them (see the module docstring), the
        # PyOS_InputHook that does it (None where it could not be made), whether it is still to
        # be made (readline is there: once the first prompt is up, see _make_input_hook), the
        # signal that wakes that thread, and the re-sent wake-up in case one was lost
        # (cli.readline_hook).
        self._pending: list[str] = []
        self._input_hook: InputHook | None = None
        self._hook_coming = False
        self._waker: Waker | None = None
        self._reader_id: int | None = None
        self._loop_thread_id: int | None = None
        self._rewake: asyncio.TimerHandle | None = None
        self._winch_blocked = False
        self._saved_tty: Any = None
        # The line editor, where there is no readline (None otherwise): its line, where it is
        # drawn, and the keys it reads.
        self._editor: LineEditor | None = None
        self._screen: EditorScreen | None = None
        self._keys: TerminalKeys | None = None
        # Typed lines kept between runs (interactive only), the names seen at the table (for
        # Tab), the last completions readline asked for, and the paste coming in, if any.
        self._history: HistoryFile | None = None
        self._names: set[str] = set()
        self._matches: list[str] = []
        self._paste: _Paste | None = None
        # Lines typed and not yet kept in the history: kept once the program asks for the next
        # line, so that writing the file never competes with sending the line.
        self._to_keep: list[str] = []
        self._unsaved: list[str] = []  # kept lines not in the history file yet
        self._saving = threading.Lock()  # the reader thread and close() both write the file
        # Job control and resizes: the terminal modes in use when stopped, and what the reader
        # thread is to do for readline on its next turn (draw again after a continue, take the
        # new size).
        self._modes_in_use: Any = None
        self._redisplay = False
        self._resize_pending = False
        self._queue: asyncio.Queue[str | None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False
        self._status = ""
        self._prompt_changed = False  # the prompt changed while readline shows the old one
        self.set_name(me)
        self._shown_prompt = self._prompt  # the prompt on screen now, for erasing it

    # ----------------------------------------------------------------- set-up and tear-down

    def set_name(self, me: str) -> None:
        """Change the name shown in the prompt (the host may give you a different one)."""
        self.me = me
        self._make_prompt()

    def set_status(self, status: str) -> None:
        """Put the table's *status* (game, whose turn, score) in front of the prompt, or take
        it away (empty); the prompt on screen is drawn again at once, half line and all.

        Args:
            status: one line composed by the table (``game.status``); from the host it is
                untrusted, and shown through :func:`cli.visible.visible`.
        """
        if status == self._status:
            return
        with self._lock:
            self._status = status
            self._make_prompt()
            if self.interactive and self._reading and not self._closed:
                self._redraw_prompt()
            self._flush()

    def _make_prompt(self) -> None:
        status = visible(" ".join(self._status.split()))
        prompt = f"<{visible(self.me)}> "
        self._prompt = f"[{status}] {prompt}" if status else prompt
        painted = self._palette.me(prompt)
        self._plain_prompt = f"[{status}] {painted}" if status else painted
        self._rl_prompt = self._palette.readline_prompt(prompt)
        if status:
            self._rl_prompt = f"[{status}] " + self._rl_prompt

    def _redraw_prompt(self) -> None:
        """Draw the changed prompt with the half line (lock held, prompt on screen)."""
        if self._screen is not None:
            self._write(self._editor_drawing())
        elif self._input_hook is not None or self._hook_coming:
            self._prompt_changed = True  # the reader thread draws it, as it draws lines
            if self._input_hook is not None and not self._input_hook.armed:
                self._input_hook.arm()
                self._wake_reader()
        # Elsewhere (TERM=dumb: nothing is redrawn) the next prompt carries it.

    def start(self) -> None:
        """Start reading lines; call from inside the running event loop.

        Ctrl-C, SIGTERM and SIGHUP end the input from here on (see
        :meth:`install_signal_handlers`); they are installed before the first prompt can appear,
        so a Ctrl-C typed at the prompt is never a KeyboardInterrupt.
        """
        self._loop = asyncio.get_running_loop()
        self._loop_thread_id = threading.get_ident()
        self._queue = asyncio.Queue()
        self.install_signal_handlers()
        if self.interactive:
            self._saved_tty = save_tty(self._in)
            # readline moves the cursor to redraw its line (and may switch terminal modes with
            # escape codes): where the terminal takes no cursor control it is left out.
            self._readline = None if self._dumb else import_readline()
            self._redraw = InputRedraw(self._out, self._readline, dumb=self._dumb)
            if self._readline is None and not self._dumb:
                self._start_editor()
            if self._readline is not None and hasattr(self._readline, "set_pre_input_hook"):
                # Called by readline once the prompt is written and its buffer is fresh: from
                # then on get_line_buffer() is the partial line and may be redrawn.
                self._readline.set_pre_input_hook(self._input_started)
                # The input hook that draws lines above the prompt is made once the first
                # prompt is up (_make_input_hook): the prompt does not wait for ctypes.
                self._hook_coming = True
        thread = threading.Thread(target=self._read_lines, name="console-input", daemon=True)
        thread.start()
        self._reader_id = thread.ident
        if self._readline is not None:
            # A resize (SIGWINCH) goes to any thread not blocking it. readline only notices it
            # when its select() returns, so unless that is the reader thread the new width is
            # taken late — after the next key or incoming line has been drawn for the old one.
            # Blocking it on this thread (threads started from here later inherit that) sends
            # it to the reader, which resizes at once, as readline does in a single thread.
            self._winch_blocked = block_winch()
        if self.interactive:
            self._install_job_control()

    def _install_job_control(self) -> None:
        """Take Ctrl-Z / fg (SIGTSTP, SIGCONT) and resizes (SIGWINCH) where there is any.

        A stop puts back the terminal modes the console found (the shell gets its own
        terminal back), and a continue puts back the ones in use and draws the prompt and
        half line again. A resize redraws them from the rows they were drawn on: the line
        editor always, GNU readline where it can be told the new size (taken once the input
        hook is made, :meth:`_make_input_hook`; until then, and elsewhere, readline takes
        SIGWINCH itself).
        """
        wanted = [("SIGTSTP", self._suspend), ("SIGCONT", self._continued)]
        if self._screen is not None:
            wanted.append(("SIGWINCH", self._resized))
        self._add_signal_handlers(wanted)

    def _add_signal_handlers(self, wanted: list[tuple[str, Callable[[], None]]]) -> None:
        """Handle each signal named in *wanted* on the loop, where this platform has it."""
        loop = self._loop
        assert loop is not None
        for name, handler in wanted:
            signum = getattr(signal, name, None)
            if signum is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(signum, handler)

    def _suspend(self) -> None:
        """Ctrl-Z (on the loop thread): leave the line, give the terminal back, stop."""
        tstp = getattr(signal, "SIGTSTP", None)
        if tstp is None or self._closed:
            return
        with self._lock:
            if self._reading and self._screen is not None and self._editor is not None:
                columns = terminal_columns(self._out)
                text = self._editor.text
                self._write(self._screen.finish(self._prompt, self._plain_prompt, text, columns))
            elif self._reading:
                self._write("\n")  # the shell's "Stopped" goes below the half line
            self._flush()
            self._modes_in_use = save_tty(self._in)
            restore_tty(self._in, self._saved_tty)
        loop = self._loop
        signal.signal(tstp, signal.SIG_DFL)
        try:
            os.kill(os.getpid(), tstp)  # stopped here until the shell's fg (SIGCONT)
        finally:
            if loop is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(tstp, self._suspend)

    def _continued(self) -> None:
        """Back after a stop (on the loop thread): the console's modes, prompt and line again."""
        with self._lock:
            if self._closed:
                return
            stopped_here = self._modes_in_use is not None
            if stopped_here:
                restore_tty(self._in, self._modes_in_use)
                self._modes_in_use = None
            elif self._keys is not None:
                self._keys.raw()  # stopped from outside: the shell may have changed them
            if not self._reading:
                return
            if self._screen is not None:
                self._write(self._editor_drawing())
                self._flush()
            elif stopped_here and (self._input_hook is not None or self._hook_coming):
                self._redisplay = True  # the reader thread draws, as it draws lines
                if self._input_hook is not None and not self._input_hook.armed:
                    self._input_hook.arm()
                    self._wake_reader()

    def _resized(self) -> None:
        """The window changed size (on the loop thread): draw the prompt and line again."""
        with self._lock:
            if self._closed:
                return
            if self._screen is not None:
                if self._reading:
                    self._write(self._editor_drawing())
                    self._flush()
            elif self._input_hook is not None:
                self._resize_pending = True  # between lines: taken before the next one
                if self._reading and not self._input_hook.armed:
                    self._input_hook.arm()
                    self._wake_reader()

    def _start_editor(self) -> None:
        from cli.editor_input import TerminalKeys  # noqa: PLC0415 (lazy: no readline only)
        from cli.editor_screen import EditorScreen  # noqa: PLC0415
        from cli.line_editor import LineEditor  # noqa: PLC0415

        self._editor = LineEditor(completer=self._completions)
        self._screen = EditorScreen()
        self._keys = TerminalKeys(self._in)

    def install_signal_handlers(self) -> None:
        """Make Ctrl-C (SIGINT), SIGTERM and SIGHUP end the input: the reader gets EOF.

        Ending must be orderly (tell the other side, restore the terminal), so these signals
        end the conversation through the same path as /q rather than a traceback; SIGTERM and
        SIGHUP are remembered in :attr:`stopped_by`, for the program to keep what a person
        leaving would give up.
        """
        loop = self._loop
        assert loop is not None, "start() first"
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            # Ctrl-C is the person leaving; SIGTERM/SIGHUP stop the program from outside.
            handler = self.interrupt if name == "SIGINT" else functools.partial(self.stop, name)
            try:
                loop.add_signal_handler(signum, handler)
            except (NotImplementedError, RuntimeError):  # Windows: no add_signal_handler
                signal.signal(signum, lambda *_, h=handler: loop.call_soon_threadsafe(h))

    def interrupt(self) -> None:
        """Behave as if the input ended (Ctrl-D): the program leaves."""
        self._deliver(None)

    def stop(self, why: str) -> None:
        """End the input as :meth:`interrupt` does, remembering *why* in :attr:`stopped_by`
        (a signal's name): the program was stopped from outside, not left by the person."""
        if self.stopped_by is None:
            self.stopped_by = why
        self._deliver(None)

    def close(self) -> None:
        """Leave the terminal as it was found: fresh line, original tty modes."""
        if self._closed:
            return
        self._closed = True
        if self._input_hook is not None:
            # First: the hook must never run once this console (or the interpreter) is gone.
            self._input_hook.disarm()
            self._input_hook = None
        if self._rewake is not None:
            self._rewake.cancel()
        if self._waker is not None:
            self._waker.close()
            self._waker = None
        with self._lock:
            if self._screen is not None:
                self._write(self._screen.erase() + "".join(self._pending))
                self._pending.clear()
                self._reading = False
            elif self.interactive:
                # The prompt (and any half line) is still on screen; take it away so the shell's
                # prompt starts on a clean line.
                self._write(self._redraw.leave(shown=self._reading) + "".join(self._pending))
                self._pending.clear()
                self._reading = False
            restore_tty(self._in, self._saved_tty)
            self._save(*self._to_keep_now())
            if self._winch_blocked:
                block_winch(unblock=True)
                self._winch_blocked = False
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
        loop = self._loop
        if self._hook_coming and self._input_hook is None and loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to draw for
                loop.call_soon_threadsafe(self._make_input_hook)

    def _make_input_hook(self) -> None:
        """Make the input hook and the signal that wakes the reader (on the loop thread), once
        the first prompt is on screen, and draw what came meanwhile.

        ctypes and the readline functions behind them take a few milliseconds to load: the
        first prompt does not wait for them. Until the hook is made, lines that arrive wait in
        the queue it draws (never drawn from this thread while readline owns the line).
        """
        if not self._hook_coming or self._closed:
            return
        hook = InputHook.create(self._draw_pending)
        waker = Waker.install() if hook is not None else None
        with self._lock:
            self._hook_coming = False
            self._input_hook, self._waker = hook, waker
            if hook is not None:
                if self._reading and (self._pending or self._prompt_changed or self._redisplay):
                    hook.arm()
                    self._wake_reader()
            elif self._reading and self._pending:
                # No hook after all (an unusual build): drawn from here, as _emit does then.
                self._redraw.draw_above(
                    "".join(self._pending), self._shown_prompt, self._plain_prompt
                )
                self._pending.clear()
                self._shown_prompt = self._prompt
                self._flush()
        if hook is not None and self._redraw.redraws_resized:
            self._add_signal_handlers([("SIGWINCH", self._resized)])

    def _read_lines(self) -> None:
        try:
            if self.interactive:
                self._read_interactive()
            else:
                self._read_stream()
        except Exception:  # a broken stdin means the same as EOF: the person is gone
            pass
        finally:
            if self._in_terminal and hung_up(self._in):
                # The window was closed: the input ends as for Ctrl-D, usually well before the
                # SIGHUP is handled (a shell in the window passes it on only after). The person
                # did not leave: the program was stopped from outside.
                self.stop("SIGHUP")
            else:
                self._deliver(None)

    def _read_edited(self) -> None:
        """Read lines with the line editor (no readline): keys in, under the lock, drawn."""
        editor, screen, keys = self._editor, self._screen, self._keys
        assert editor is not None and screen is not None and keys is not None
        keys.raw()
        waiting: list[str] = []  # keys read after an Enter: they belong to the next line
        try:
            while not self._closed:
                self._want_line.wait()
                self._want_line.clear()
                self._keep_typed()
                with self._lock:
                    editor.reset()
                    self._reading = True
                    self._write(self._editor_drawing())
                    self._flush()
                self._keep_lines()
                line = self._edit_one(waiting)
                if line is None:
                    return
                self._typed(line, more=lambda: bool(waiting) or keys.waiting())
        finally:
            keys.restore()

    def _edit_one(self, waiting: list[str]) -> str | None:
        """Apply keys until Enter; the line, or None at the end of input (Ctrl-D, hang-up).
        Keys after the Enter are left in *waiting*."""
        editor, screen, keys = self._editor, self._screen, self._keys
        assert editor is not None and screen is not None and keys is not None
        from cli.line_editor import ENTER, EOF  # noqa: PLC0415 (loaded with the editor)

        while True:
            batch = waiting[:] if waiting else keys.read()
            waiting.clear()
            if batch is None:
                return None
            with self._lock:
                for at, key in enumerate(batch):
                    done = editor.key(key)
                    if done == EOF:
                        return None
                    if done == ENTER:
                        waiting.extend(batch[at + 1 :])
                        line = editor.text
                        columns = terminal_columns(self._out)
                        self._write(screen.finish(self._prompt, self._plain_prompt, line, columns))
                        self._reading = False
                        self._flush()
                        return line
                self._write(self._editor_drawing())
                self._flush()

    def _editor_drawing(self) -> str:
        """The codes that draw the prompt and the half line anew (lock held)."""
        editor, screen = self._editor, self._screen
        assert editor is not None and screen is not None
        columns = terminal_columns(self._out)
        return screen.draw(self._prompt, self._plain_prompt, editor.text, editor.point, columns)

    def _typed(self, line: str, *, more: Callable[[], bool]) -> None:
        """One line typed; *more* tells whether further input was already waiting: a paste.

        A paste is one decision, not a burst of refusals: its first lines, as many as the
        table's flood control takes at once (game.flood), are passed on; the rest are not,
        and one notice names exactly which were not sent, once the paste is over.
        """
        paste = self._paste
        if paste is None:  # a paste's first line goes as any other: on its way first
            self._deliver(line)
            self._to_keep.append(line)
            if not more():
                return
            from game.flood import FloodControl  # noqa: PLC0415 (lazy: the first paste)

            rule = FloodControl()
            paste = self._paste = _Paste(rule.max_lines, rule.window)
            paste.take(line)
        else:
            self._to_keep.append(line)
            if paste.take(line):
                self._deliver(line)
            else:
                self._want_line.set()  # the program still waits for a line: read on
        if not more():
            self._paste = None
            if paste.unsent:
                self.notice(paste.sentence())

    def _keep_lines(self) -> None:
        """Read the history back and make Tab complete, on the reader thread: with readline
        before its first line, for the line editor once its first prompt is drawn."""
        if self._history is not None:
            return
        from cli.history_file import HistoryFile  # noqa: PLC0415 (lazy: interactive only)

        self._history = HistoryFile.default()
        kept = self._history.load()
        if self._editor is not None:
            self._editor.history[:0] = kept  # before any line typed meanwhile
            return
        readline = self._readline
        if readline is None:
            return
        with contextlib.suppress(AttributeError):  # an unusual build lacks one of them
            readline.set_auto_history(False)  # lines are kept by _remember: never a secret
            for line in kept:
                readline.add_history(line)
            readline.set_completer(self._complete_word)
            readline.set_completer_delims(" ")
            libedit = "libedit" in (readline.__doc__ or "")
            readline.parse_and_bind("bind ^I rl_complete" if libedit else "tab: complete")

    def _completions(self, before: str) -> list[str]:
        """Tab's candidates for the last word of *before* (game.completion)."""
        from game.completion import completions  # noqa: PLC0415 (lazy: the first Tab)

        return completions(before, sorted(self._names | {self.me}))

    def _complete_word(self, text: str, state: int) -> str | None:
        """readline's completer: the *state*-th candidate for the word *text* at the cursor."""
        readline = self._readline
        if readline is None:
            return None
        if state == 0:
            before = readline.get_line_buffer()[: readline.get_endidx()]
            self._matches = self._completions(before)
            if len(self._matches) == 1:  # complete: a space after it (Python's readline adds none)
                self._matches[0] += " "
        return self._matches[state] if state < len(self._matches) else None

    def _to_keep_now(self) -> list[str]:
        """The lines typed and not yet looked at, that may be kept (at close)."""
        from game.line_history import may_keep  # noqa: PLC0415 (lazy, as in _remember)

        lines, self._to_keep = self._to_keep, []
        return [line for line in lines if line.strip() and may_keep(line)]

    def _keep_typed(self) -> None:
        """Keep the lines typed since the last time, in the history file too (reader thread):
        written now, so that a program killed outright loses none of them."""
        while self._to_keep:
            self._remember(self._to_keep.pop(0))
        self._save()

    def _save(self, *more: str) -> None:
        """Append the kept lines not in the history file yet, and *more*, to it."""
        with self._saving:
            if self._history is None or not (self._unsaved or more):
                return  # before the history is read back (the first line): kept for later
            lines, self._unsaved = self._unsaved, []
            self._history.add(*lines, *more)

    def _remember(self, line: str) -> None:
        """Keep *line* for up-arrow and in the history file — unless it holds a secret."""
        from game.line_history import may_keep  # noqa: PLC0415 (lazy: after the first line)

        if not line.strip() or not may_keep(line):
            return
        if self._editor is not None:
            kept = self._editor.history
            if kept and kept[-1] == line:
                return  # the same line again: once is enough to go back to
            kept.append(line)
            del kept[:-_KEPT_IN_MEMORY]
        elif self._readline is not None:
            length = self._readline.get_current_history_length()
            if length and self._readline.get_history_item(length) == line:
                return
            self._readline.add_history(line)
        self._unsaved.append(line)  # written to the history file by _keep_typed

    def _read_interactive(self) -> None:
        if self._editor is not None:
            self._read_edited()
            return
        has_hook = self._readline is not None and hasattr(self._readline, "set_pre_input_hook")
        # Before the first input(): readline walks only the history it had when a line began.
        self._keep_lines()
        while not self._closed:
            self._want_line.wait()
            self._want_line.clear()
            self._keep_typed()
            # Between readline writing the prompt and its pre-input hook, a message written by
            # the loop would erase the prompt without knowing to redraw it. So the lock is held
            # from just before input() until the hook runs (same thread) and releases it.
            self._lock.acquire()
            self._shown_prompt = self._prompt
            self._prompt_changed = False
            if self._resize_pending:  # the window changed size between two lines
                self._resize_pending = False
                self._redraw.take_size()
            if has_hook:
                self._hook_holds_lock = True
            else:
                if self._readline is None:
                    # Written here, under the lock: a line arriving now goes after the prompt,
                    # never before input() writes it.
                    self._write(self._plain_prompt)
                    self._flush()
                self._shown_prompt = self._prompt
                self._reading = True
                self._lock.release()
            at_eof = False
            try:
                line = input(self._rl_prompt if self._readline else "")
            except EOFError:
                at_eof = True
                return
            finally:
                if self._hook_holds_lock:  # input() failed before readline called the hook
                    self._hook_holds_lock = False
                    self._lock.release()
                with self._lock:
                    self._reading = False
                    if at_eof:  # Ctrl-D: the cursor is still after the prompt
                        self._write(self._redraw.after_eof())
                    # Lines that came after the input hook last ran: the typed line stays on
                    # screen as sent, and they go below it.
                    if self._pending:
                        self._write("".join(self._pending))
                        self._pending.clear()
                        self._flush()
                    if self._input_hook is not None:
                        self._input_hook.disarm()
            self._typed(line, more=functools.partial(input_waiting, self._in))

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
        if kind == STATUS:  # not a line: what goes in front of the prompt
            self.set_status(text)
            return
        if kind == "chat" and sender:
            self._names.add(sender)  # someone at the table: Tab completes their name
        # The width is read now, not at start: the window may have been resized since.
        width = terminal_columns(self._out) if self.interactive else None
        height = terminal_rows(self._out) if self.interactive else None
        rows = shown_rows(kind, text, sender, self._palette, width, height=height)
        self._emit(rows, bell=self._bell and wants_you(kind, text))

    def notice(self, text: str) -> None:
        """Show a notice of this program's own (joined, left, connection lost)."""
        self.show("notice", text)

    def _emit(self, lines: list[str], *, bell: bool = False) -> None:
        text = "\n".join(lines) + "\n" + ("\a" if bell else "")
        with self._lock:
            if not (self.interactive and self._reading and not self._closed):
                self._write(text)
            elif self._screen is not None:
                self._write(self._screen.erase() + text + self._editor_drawing())
            elif self._hook_coming:
                self._pending.append(text)  # drawn once the hook is made (_make_input_hook)
                return
            elif self._input_hook is not None:
                self._pending.append(text)  # the reader thread draws it, woken right away
                if not self._input_hook.armed:
                    # One wake-up per batch: lines coming before the draw join it. A signal
                    # per line would flood asyncio's wakeup pipe when a burst comes (CPython
                    # writes every caught signal there and complains, on the terminal, when
                    # it is full; a SIGINT could then be lost).
                    self._input_hook.arm()
                    self._wake_reader()
                return
            else:
                # No input hook (no readline, an unusual build): draw from here, and accept
                # that a keystroke handled at this very moment may be drawn oddly.
                self._redraw.draw_above(text, self._shown_prompt, self._plain_prompt)
                self._shown_prompt = self._prompt
            self._flush()

    def _wake_reader(self) -> None:
        """Interrupt the reader's select() so readline calls the armed hook now (lock held)."""
        if self._waker is None or self._reader_id is None:
            return  # the armed slot's 0.1 s poll draws it
        self._waker.wake(self._reader_id)
        loop = self._loop
        if self._rewake is None and loop is not None and self._on_loop_thread():
            self._rewake = loop.call_later(REWAKE_AFTER, self._wake_again)

    def _wake_again(self) -> None:
        # A wake-up lost in the instant before readline entered select() (cli.readline_hook).
        self._rewake = None
        with self._lock:
            if self._pending and self._reading and not self._closed:
                self._wake_reader()

    def _on_loop_thread(self) -> bool:
        return threading.get_ident() == self._loop_thread_id

    def _draw_pending(self) -> None:
        """Draw queued lines above the input line; runs on the reader thread, from readline."""
        # Never wait for the lock here: the reader thread itself holds it from just before
        # input() until the pre-input hook. The slot stays armed, so readline calls again
        # within 0.1 s.
        if not self._lock.acquire(blocking=False):
            return
        try:
            if self._reading and self._redisplay and not self._closed:
                self._redisplay = False
                self._redraw.redisplay(self._plain_prompt)
            changed = self._pending or self._prompt_changed or self._resize_pending
            if self._reading and changed and not self._closed:
                text = "".join(self._pending)
                self._pending.clear()
                new_prompt = self._rl_prompt if self._prompt_changed else None
                resized, self._prompt_changed, self._resize_pending = (
                    self._resize_pending,
                    False,
                    False,
                )
                self._redraw.draw_above(
                    text,
                    self._shown_prompt,
                    self._plain_prompt,
                    readline_prompt=new_prompt,
                    resized=resized,
                )
                self._shown_prompt = self._prompt
                self._flush()
            if self._input_hook is not None and not (
                self._pending or self._redisplay or self._resize_pending
            ):
                self._input_hook.disarm()  # nothing left: readline's select() blocks again
        finally:
            self._lock.release()

    def _write(self, text: str) -> None:
        write_quietly(self._out, text)

    def _flush(self) -> None:
        write_quietly(self._out, "", flush=True)
