"""Drawing the line editor's prompt and half line, and erasing it again, on a terminal.

The line may wrap over several rows; the screen remembers on which of them it left the cursor,
so that the next erase goes up exactly that far — also after the window was resized, because
a terminal that cuts its rows (xterm, the Linux console) keeps the cursor on the row it was:
the rows are worked out from the width the line was *drawn* at, not the new one.

A row filled to its last column leaves the cursor in the terminal's pending-wrap state; a
space and a carriage return after it put the cursor at the start of the next row on every
terminal, wrapping eagerly as GNU readline does (see :func:`cli.terminal_layout.rows_above_cursor`).
"""

from __future__ import annotations

from cli.terminal_layout import char_width, erase_from_row_above


class EditorScreen:
    """Where the prompt and the half line are on the screen."""

    def __init__(self) -> None:
        """Nothing drawn yet."""
        self._cursor_row = 0  # rows from the prompt's first row down to the cursor
        self.drawn = False

    def erase(self) -> str:
        """The codes that erase what was drawn (nothing when nothing is): the cursor is left at
        the start of the prompt's first row."""
        if not self.drawn:
            return ""
        self.drawn = False
        rows, self._cursor_row = self._cursor_row, 0
        return erase_from_row_above(rows)

    def draw(
        self, prompt: str, painted_prompt: str, text: str, point: int, columns: int | None
    ) -> str:
        """The codes that erase the old drawing and draw the prompt and *text* anew, the cursor
        at *point*.

        Args:
            prompt: the prompt as shown, without escape codes (for its width).
            painted_prompt: the prompt with its colors.
            text: the half line (no control characters).
            point: the cursor's index in *text*.
            columns: the terminal's width now (None: unknown, taken as endless).
        """
        out = self.erase()
        width = columns if columns and columns > 0 else 1 << 30
        row, col, spots = _layout(prompt + text, width)
        cursor_row, cursor_col = spots[len(prompt) + point]
        out += painted_prompt + text
        if col == 0 and row > 0 and (prompt + text):
            out += " \r"  # out of the pending-wrap state, onto the next row (see the docstring)
        if row > cursor_row:
            out += f"\x1b[{row - cursor_row}A"
        if cursor_col != col or row != cursor_row:
            out += "\r" + (f"\x1b[{cursor_col}C" if cursor_col else "")
        self._cursor_row = cursor_row
        self.drawn = True
        return out

    def finish(self, prompt: str, painted_prompt: str, text: str, columns: int | None) -> str:
        """The codes that draw the sent line once more, whole, and go to the row below it:
        the line stays on screen as it was sent, and nothing is drawn any more."""
        out = self.draw(prompt, painted_prompt, text, len(text), columns)
        width = columns if columns and columns > 0 else 1 << 30
        row, col, _ = _layout(prompt + text, width)
        self.drawn = False
        self._cursor_row = 0
        # a line that filled its last row already left the cursor at the next row's start
        return out if (col == 0 and row > 0) else out + "\r\n"


def _layout(text: str, width: int) -> tuple[int, int, list[tuple[int, int]]]:
    """Where each character of *text* starts and where the text ends, as (row, column).

    Returns:
        The end's row and column, and the start of every index 0 … ``len(text)`` (the last
        is the end). A wide character that does not fit at a row's end goes to the next row.
    """
    row = col = 0
    spots: list[tuple[int, int]] = []
    for ch in text:
        w = char_width(ch)
        if col + w > width:
            row, col = row + 1, 0
        spots.append((row, col))
        col += w
        if col >= width:
            row, col = row + 1, 0
    spots.append((row, col))
    return row, col, spots
