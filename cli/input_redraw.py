"""Writing above the input line: erase the prompt and half-typed line, write, redraw them.

readline owns the bottom of the screen while you type: a prompt and your partial input, which
wrap over several rows when long. Anything written there must first erase all those rows
(from the cursor's row up to the prompt's first row), then leave readline to draw them again,
with the cursor where it was. Every way of doing so, best first:

* GNU readline >= 7: ``rl_clear_visible_line`` erases from readline's own record of the rows
  and of the cursor (so it is right after a resize too), and ``rl_forced_update_display``
  redraws — both through ctypes, as Python's readline module does not offer them;
* libedit or an older readline: the rows are worked out here from the prompt's and the input's
  display widths, the cursor's position in the line (``rl_point`` where it can be read) and
  the terminal's width now; the prompt and input are then written back by hand;
* no readline (a Python built without it): the row is cleared and the prompt written again;
* a terminal that takes no cursor control (``TERM=dumb``, or no TERM, as in a Windows console;
  the console uses no readline there): nothing is erased or overwritten — the row holding the
  prompt and whatever was typed is ended, the text follows and the prompt is written again
  below it. What was typed is still in the terminal's own line buffer and is sent whole.

Called with the console's lock held, on the reader thread when readline is there.
"""

from __future__ import annotations

import os
from types import ModuleType
from typing import TextIO

from cli.readline_hook import ReadlineCalls
from cli.terminal_layout import (
    display_width,
    erase_from_row_above,
    rows_above_cursor,
    terminal_columns,
)
from cli.terminal_modes import write_quietly

CLEAR_LINE = "\r\x1b[2K"  # carriage return, then erase the whole line (CSI 2 K)


class InputRedraw:
    """Draws text above the prompt and partial input on one terminal."""

    def __init__(self, out: TextIO, readline: ModuleType | None, *, dumb: bool) -> None:
        """Draw on *out*, where *readline* (None: plain input()) shows the input line.

        Args:
            out: the terminal's stream.
            readline: the readline module in use, or None.
            dumb: the cursor is never moved (:func:`cli.terminal_modes.lines_only`).
        """
        self._out = out
        self._readline = readline
        self._dumb = dumb
        self._calls: ReadlineCalls | None = None  # looked up on first use: start-up stays cheap

    @property
    def _rl(self) -> ReadlineCalls:
        if self._calls is None:
            self._calls = ReadlineCalls(self._readline)
        return self._calls

    @property
    def redraws_resized(self) -> bool:
        """Whether :meth:`draw_above` can take a resize itself (GNU readline, through ctypes):
        the console then handles SIGWINCH instead of readline."""
        rl = self._rl
        return None not in (rl.clear_visible_line, rl.set_screen_size, rl.forced_update_display)

    def take_size(self) -> None:
        """Tell readline the terminal's size now (between lines: nothing is redrawn)."""
        size = _size(self._out)
        if size is not None and self._rl.set_screen_size is not None:
            self._rl.set_screen_size(*size)

    def redisplay(self, painted_prompt: str) -> None:
        """Draw the prompt and the input again from the cursor's row (after a stop: the shell
        wrote below them)."""
        if self._dumb:
            return
        if not self._forced_redisplay():
            partial = self._readline.get_line_buffer() if self._readline is not None else ""
            self._write(painted_prompt + partial)
        self._flush()

    def draw_above(
        self,
        text: str,
        prompt: str,
        painted_prompt: str,
        *,
        readline_prompt: str | None = None,
        resized: bool = False,
    ) -> None:
        """Erase prompt and input, write *text* (whole rows), and put prompt and input back.

        Args:
            text: what to show, ending with a newline (or nothing: only redraw).
            prompt: the prompt as shown now, without escape codes (for its width).
            painted_prompt: the prompt to draw, with its colors, for redrawing it by hand.
            readline_prompt: a new prompt for readline to draw from now on (its invisible
                parts marked for readline), or None to keep its own.
            resized: the window changed size since readline last drew (only where
                :attr:`redraws_resized`): the rows are erased as they were drawn, then readline
                is given the new size.
        """
        if self._dumb:
            self._write("\n" + text + painted_prompt)
            self._flush()
            return
        partial = self._readline.get_line_buffer() if self._readline is not None else ""
        if self._rl.clear_visible_line is not None:
            # A terminal that cuts its rows on a resize (xterm) keeps the cursor on its row, so
            # readline's record of the rows it drew is still right for the erase.
            self._rl.clear_visible_line()
            self._rl.flush_c_stdout()  # readline wrote the erase through C stdio
            size = _size(self._out) if resized else None
            if size is not None and self._rl.set_screen_size is not None:
                self._rl.set_screen_size(*size)
            self._write(text)
        elif self._readline is not None:
            self._write(self._erase_input(prompt, partial) + text)
        else:
            self._write(CLEAR_LINE + text)
        self._flush()
        if readline_prompt is not None and self._rl.set_prompt is not None:
            self._rl.set_prompt(readline_prompt.encode("utf-8", "replace"))
        # Best: readline redraws prompt and line itself, cursor where it was (the person may
        # be editing mid-line). Else write them; the cursor ends last.
        if not self._forced_redisplay():
            self._write(painted_prompt + partial)
            self._flush()

    def after_eof(self) -> str:
        """What to write once the input ended at the prompt (Ctrl-D), before anything else:
        where nothing is erased, the prompt's row is ended; elsewhere :meth:`leave` erases it."""
        return "\n" if self._dumb else ""

    def leave(self, *, shown: bool) -> str:
        """What to write when the console closes: the prompt's row erased, or (where nothing is
        erased) ended, when the prompt is *shown*."""
        if self._dumb:
            return "\n" if shown else ""
        return CLEAR_LINE

    def _forced_redisplay(self) -> bool:
        """Ask GNU readline to redraw its prompt and line from scratch on the current row.

        ``rl_forced_update_display`` is what readline's own callers use after printing above
        the input line; Python's readline module does not expose it (its ``redisplay()`` only
        redraws what readline believes changed, which is nothing). Returns False when it is
        not there (libedit, no ctypes, an unusual build): the caller then redraws by hand.
        """
        redraw = self._rl.forced_update_display
        if redraw is None:
            return False
        try:
            redraw()
        except Exception:  # never let a redraw take the program down
            self._rl.forced_update_display = None
            return False
        return True

    def _erase_input(self, prompt: str, partial: str) -> str:
        """Escape codes going up from the cursor's row to the prompt's first row, then erasing
        to the end of the screen, for when readline cannot erase itself (libedit)."""
        columns = terminal_columns(self._out)
        if columns is None:
            return CLEAR_LINE
        point = self._rl.point()  # bytes of readline's UTF-8 buffer
        before = partial if point is None else partial.encode()[:point].decode(errors="ignore")
        used = display_width(prompt) + display_width(before)
        return erase_from_row_above(rows_above_cursor(used, columns))

    def _write(self, text: str) -> None:
        write_quietly(self._out, text)

    def _flush(self) -> None:
        write_quietly(self._out, "", flush=True)


def _size(out: TextIO) -> tuple[int, int] | None:
    """The terminal's (rows, columns) now, or None."""
    try:
        size = os.get_terminal_size(out.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return size.lines, size.columns
