"""A board that fits the terminal: on a short one, a move shows only the row it changed.

A gomoku picture is 17 rows; with the notices around it a move takes 19, and on a 24-row
terminal the chat before it scrolls away at every move. So when the terminal is shorter than a
board plus :data:`KEPT_ROWS` rows, a board that marks a last move (the picture's ``(X)``) is
shown as its column letters and the move's row (and :data:`AROUND` rows either side), and a
line saying so: with the notices, who moved where and whose turn it is, five rows a move.
``/board`` typed here always shows the whole picture, as does a terminal tall enough, a board
with no last move (a new game) and one that ended (its winning line in ``[ ]``).

The size is read here, where the terminal is known; the picture is the host's (its shape is
``game.mnk``'s: letters above and below, one numbered line per row), and the cut is only of
whole lines of it, so nothing in it is reinterpreted.
"""

from __future__ import annotations

import re
from typing import Final

#: Rows a move leaves for what was said before it, on top of the board's own.
KEPT_ROWS: Final = 10
#: Board rows shown either side of the last move's row in a compact board: none, so that a few
#: moves leave the chat before them on a 24-row screen.
AROUND: Final = 0

#: Fewer board rows than this are always shown whole (a 3×3 board is three).
SHORTEST: Final = 8

# the last move's stone, as game.mnk marks it: one character in parentheses
_LAST_MOVE = re.compile(r"\(\S\)")


def compact_board(picture: str) -> str | None:
    """The column letters of *picture* and its row of the last move's mark, or None when
    there is nothing to leave out (no last move marked, a finished game's winning line, or too
    few rows)."""
    lines = picture.split("\n")
    if any("[" in line for line in lines):
        return None  # the game was won: its last picture is worth all its rows
    marked = next((i for i, line in enumerate(lines) if _LAST_MOVE.search(line)), None)
    if marked is None or marked == 0 or len(lines) < SHORTEST + 2:
        return None
    first, last = max(1, marked - AROUND), min(len(lines) - 2, marked + AROUND)
    if first == 1 and last == len(lines) - 2:
        return None
    shown = lines[first : last + 1]
    rows = f"{len(shown)} of {len(lines) - 2} rows" if len(shown) > 1 else "the row"
    note = f"({rows} of the last move — /board shows the whole board)"
    return "\n".join([lines[0], *shown, note])


class BoardFit:
    """Whether the next board is shown whole or compact, for one terminal (see the module
    docstring)."""

    def __init__(self) -> None:
        """No board asked for yet."""
        self._whole_next = False

    def typed(self, line: str) -> None:
        """Note a line typed here: after ``/board`` (with anything after it) the next board is
        shown whole. (Read without game.commands, which the join imports only later.)"""
        text = line.strip()
        if text.startswith("/") and not text.startswith("//"):
            words = text[1:].split()
            if words and words[0].lower() == "board":
                self._whole_next = True

    def fitted(self, kind: str, text: str, rows: int | None) -> str:
        """The text to show for a *kind* show: a board compacted when *rows* (the terminal's
        height, None: not a terminal) cannot hold it and some chat, everything else as it is.
        """
        if kind != "board":
            return text
        whole, self._whole_next = self._whole_next, False
        if whole or rows is None or text.count("\n") + 1 + KEPT_ROWS <= rows:
            return text
        compact = compact_board(text)
        return text if compact is None else compact
