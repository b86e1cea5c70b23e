"""Bytes from a terminal in raw mode, as keys: text to insert, or the names of editing keys.

Incremental: a chunk may end inside a UTF-8 character or an escape sequence, which then waits
for the next chunk. The names are those :class:`cli.line_editor.LineEditor` knows; any other
escape sequence (a function key, Alt-something) is dropped whole, so it never lands in the line
as text.
"""

from __future__ import annotations

import codecs
from typing import Final

_CONTROLS: Final = {
    "\r": "enter",
    "\n": "enter",
    "\t": "tab",
    "\x7f": "backspace",
    "\x08": "ctrl-h",
    "\x01": "ctrl-a",
    "\x02": "ctrl-b",
    "\x04": "ctrl-d",
    "\x05": "ctrl-e",
    "\x06": "ctrl-f",
    "\x0b": "ctrl-k",
    "\x0e": "ctrl-n",
    "\x10": "ctrl-p",
    "\x15": "ctrl-u",
    "\x17": "ctrl-w",
}
# CSI/SS3 final bytes, and CSI numbers before "~"
_FINALS: Final = {"A": "up", "B": "down", "C": "right", "D": "left", "H": "home", "F": "end"}
_TILDES: Final = {"1": "home", "7": "home", "4": "end", "8": "end", "3": "delete"}


class KeyDecoder:
    """Turns the bytes of a terminal into keys, across chunk boundaries."""

    def __init__(self) -> None:
        """Start with nothing pending."""
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # the start of an escape sequence, waiting for its end

    def feed(self, data: bytes) -> list[str]:
        """Decode *data*; return its keys in order (text runs as one string each)."""
        text = self._pending + self._utf8.decode(data)
        self._pending = ""
        keys: list[str] = []
        run: list[str] = []
        at = 0
        while at < len(text):
            ch = text[at]
            if ch == "\x1b":
                end, name = _escape(text, at)
                if end is None:  # incomplete: wait for the rest
                    self._pending = text[at:]
                    break
                at = end
                if name is not None:
                    keys.extend(_flush(run))
                    keys.append(name)
                continue
            name = _CONTROLS.get(ch)
            if name is not None:
                keys.extend(_flush(run))
                keys.append(name)
            elif ch.isprintable() or ch == " " or ord(ch) >= 0xA0:
                run.append(ch)
            at += 1
        keys.extend(_flush(run))
        return keys


def _flush(run: list[str]) -> list[str]:
    if not run:
        return []
    text = "".join(run)
    run.clear()
    return [text]


def _escape(text: str, at: int) -> tuple[int | None, str | None]:
    """Where the escape sequence at *at* ends (None: not yet complete) and its key name."""
    if at + 1 >= len(text):
        return None, None
    kind = text[at + 1]
    if kind == "O":  # SS3: ESC O A
        if at + 2 >= len(text):
            return None, None
        return at + 3, _FINALS.get(text[at + 2])
    if kind != "[":  # Alt-key: ESC then the key, both dropped
        return at + 2, None
    end = at + 2
    while end < len(text) and text[end] in "0123456789;":
        end += 1
    if end >= len(text):
        return None, None
    final, params = text[end], text[at + 2 : end]
    if final == "~":
        return end + 1, _TILDES.get(params.split(";")[0])
    return end + 1, _FINALS.get(final)
