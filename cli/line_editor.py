"""The half-typed line where Python has no readline: its text, its cursor and the editing keys.

Pure: keys go in (already decoded by :mod:`cli.key_decoder`), the line and the cursor come
out; nothing is read or drawn here (:mod:`cli.editor_input` reads the terminal, and
:mod:`cli.editor_screen` draws). The keys are readline's defaults, so nothing has to be learnt
again: left/right (Ctrl-B/F), Home/End (Ctrl-A/E), Backspace, Delete (Ctrl-D on a non-empty
line), Ctrl-U/K (erase before/after the cursor), Ctrl-W (the word before the cursor), up/down
(Ctrl-P/N) through the history, Tab to complete, Enter to send, Ctrl-D on an empty line to
leave.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

#: Completes the text before the cursor: returns the candidates for its last word, each the
#: whole word as it would stand (``["/game "]`` for ``"/ga"``); the common start is inserted.
Completer = Callable[[str], Sequence[str]]

ENTER: Final = "enter"
EOF: Final = "eof"


@dataclass
class LineEditor:
    """One line being typed, with the history of the lines sent before it.

    Attributes:
        text: the line so far.
        point: the cursor, an index into ``text`` (0 … ``len(text)``).
        history: earlier lines, oldest first (up/down walk through them).
        completer: what Tab asks for candidates, or None (Tab then inserts nothing).
    """

    text: str = ""
    point: int = 0
    history: list[str] = field(default_factory=list)
    completer: Completer | None = None
    _walk: int | None = field(default=None, init=False, repr=False)  # index into history
    _draft: str = field(default="", init=False, repr=False)  # the line before walking history

    def key(self, key: str) -> str | None:
        """Apply one key: a name from :mod:`cli.key_decoder` or text to insert.

        Returns:
            :data:`ENTER` when the line is to be sent (read :attr:`text`, then :meth:`reset`),
            :data:`EOF` for Ctrl-D on an empty line, otherwise None.
        """
        action = _KEYS.get(key)
        if action is not None:
            return action(self)
        self.insert(key)
        return None

    def insert(self, text: str) -> None:
        """Insert *text* at the cursor (control characters are left out)."""
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cc")
        self.text = self.text[: self.point] + text + self.text[self.point :]
        self.point += len(text)

    def reset(self) -> None:
        """Start a fresh, empty line; the history walk starts again from the newest."""
        self.text, self.point, self._walk, self._draft = "", 0, None, ""

    # ------------------------------------------------------------------------------ keys

    def _enter(self) -> str:
        return ENTER

    def _ctrl_d(self) -> str | None:
        if not self.text:
            return EOF
        self._delete()
        return None

    def _left(self) -> None:
        self.point = _back(self.text, self.point)

    def _right(self) -> None:
        self.point = _forward(self.text, self.point)

    def _home(self) -> None:
        self.point = 0

    def _end(self) -> None:
        self.point = len(self.text)

    def _backspace(self) -> None:
        start = _back(self.text, self.point)
        self.text = self.text[:start] + self.text[self.point :]
        self.point = start

    def _delete(self) -> None:
        end = _forward(self.text, self.point)
        self.text = self.text[: self.point] + self.text[end:]

    def _kill_before(self) -> None:
        self.text, self.point = self.text[self.point :], 0

    def _kill_after(self) -> None:
        self.text = self.text[: self.point]

    def _kill_word(self) -> None:
        start = self.point
        while start > 0 and self.text[start - 1] == " ":
            start -= 1
        while start > 0 and self.text[start - 1] != " ":
            start -= 1
        self.text = self.text[:start] + self.text[self.point :]
        self.point = start

    def _up(self) -> None:
        if not self.history or self._walk == 0:
            return
        if self._walk is None:
            self._draft, self._walk = self.text, len(self.history)
        self._walk -= 1
        self._show(self.history[self._walk])

    def _down(self) -> None:
        if self._walk is None:
            return
        self._walk += 1
        if self._walk >= len(self.history):
            self._walk = None
            self._show(self._draft)
        else:
            self._show(self.history[self._walk])

    def _show(self, text: str) -> None:
        self.text, self.point = text, len(text)

    def _tab(self) -> None:
        if self.completer is None:
            return
        before = self.text[: self.point]
        start = before.rfind(" ") + 1
        candidates = list(self.completer(before))
        if not candidates:
            return
        common = _common_start(candidates)
        if len(candidates) == 1:
            common += " "  # one word fits: it is complete, as readline does
        word = before[start:]
        if len(common) > len(word):
            self.text = before[:start] + common + self.text[self.point :]
            self.point = start + len(common)


_KEYS: Final[dict[str, Callable[[LineEditor], str | None]]] = {
    "enter": LineEditor._enter,
    "ctrl-d": LineEditor._ctrl_d,
    "left": LineEditor._left,
    "ctrl-b": LineEditor._left,
    "right": LineEditor._right,
    "ctrl-f": LineEditor._right,
    "home": LineEditor._home,
    "ctrl-a": LineEditor._home,
    "end": LineEditor._end,
    "ctrl-e": LineEditor._end,
    "backspace": LineEditor._backspace,
    "ctrl-h": LineEditor._backspace,
    "delete": LineEditor._delete,
    "ctrl-u": LineEditor._kill_before,
    "ctrl-k": LineEditor._kill_after,
    "ctrl-w": LineEditor._kill_word,
    "up": LineEditor._up,
    "ctrl-p": LineEditor._up,
    "down": LineEditor._down,
    "ctrl-n": LineEditor._down,
    "tab": LineEditor._tab,
}


def is_key_name(key: str) -> bool:
    """Whether *key* names an editing key (rather than being text to insert)."""
    return key in _KEYS


def _back(text: str, point: int) -> int:
    """The cursor one character to the left, stepping over combining marks as one."""
    point = max(point - 1, 0)
    while point > 0 and unicodedata.combining(text[point]):
        point -= 1
    return point


def _forward(text: str, point: int) -> int:
    """The cursor one character to the right, with the combining marks that follow it."""
    point = min(point + 1, len(text))
    while point < len(text) and unicodedata.combining(text[point]):
        point += 1
    return point


def _common_start(words: Sequence[str]) -> str:
    first, last = min(words), max(words)
    size = 0
    while size < len(first) and first[size] == last[size]:
        size += 1
    return first[:size]
