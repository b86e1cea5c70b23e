"""Where text lands on a terminal: display widths, rows, the erase of a wrapped input line, and
word-wrapping notices to the terminal's width.

Widths follow what terminals do (and what GNU readline and wcwidth assume): East Asian wide and
fullwidth characters take two columns, combining marks, zero-width joiners and variation
selectors none, everything else one. The terminal's width is read each time it is needed, so a
window resized mid-conversation (SIGWINCH) is honoured from the next line on.
"""

from __future__ import annotations

import os
import unicodedata
from typing import TextIO

# Zero columns: combining marks (Mn, Me) and format characters (Cf: ZWJ, tags, ...). Variation
# selectors are Mn. Hangul medial/final jamo (U+1160-U+11FF) join the syllable before them.
_ZERO_WIDTH_CATEGORIES = frozenset({"Mn", "Me", "Cf"})


def char_width(ch: str) -> int:
    """Columns one character takes on a terminal: 0, 1 or 2."""
    code = ord(ch)
    if 0x20 <= code < 0x7F:
        return 1
    if unicodedata.category(ch) in _ZERO_WIDTH_CATEGORIES or 0x1160 <= code <= 0x11FF:
        return 0
    return 2 if unicodedata.east_asian_width(ch) in {"W", "F"} else 1


def display_width(text: str) -> int:
    """Columns *text* takes on one terminal row (it must hold no control character)."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def terminal_columns(stream: TextIO) -> int | None:
    """The width of the terminal behind *stream* now, or None when it is not a terminal."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None
    return columns if columns > 0 else None


def terminal_rows(stream: TextIO) -> int | None:
    """The height of the terminal behind *stream* now, or None when it is not a terminal."""
    try:
        rows = os.get_terminal_size(stream.fileno()).lines
    except (OSError, ValueError, AttributeError):
        return None
    return rows if rows > 0 else None


def rows_above_cursor(columns_before_cursor: int, columns: int) -> int:
    """How many rows above the cursor a wrapped input line starts.

    Args:
        columns_before_cursor: display width of the prompt plus the input before the cursor.
        columns: the terminal's width.

    Returns:
        The row of the cursor counted from the prompt's first row. A cursor exactly at a row's
        end is on the next row: readline wraps eagerly (it writes the next cell, or a space,
        so the cursor is never left in the terminal's pending-wrap state).
    """
    return columns_before_cursor // columns if columns > 0 else 0


def erase_from_row_above(rows: int) -> str:
    """The escape codes that go *rows* up, to column 0, and erase to the end of the screen."""
    up = f"\x1b[{rows}A" if rows > 0 else ""
    return "\r" + up + "\x1b[J"


def wrap_words(text: str, width: int) -> list[str]:
    """Break *text* into rows of at most *width* columns, at spaces where possible.

    A word wider than a row is cut between characters (never inside a wide one). Runs of spaces
    at a break are dropped; spaces inside a row are kept as they were.

    Args:
        text: one line, no control characters.
        width: columns available (at least 1; smaller values count as 1).

    Returns:
        The rows, at least one (possibly empty).
    """
    width = max(width, 1)
    if display_width(text) <= width:
        return [text]
    rows: list[str] = []
    row, row_width = "", 0
    for part in _words(text):
        word, word_width = part, display_width(part)
        if word.isspace():
            if row or not rows:  # spaces inside a row, or the text's own indent: kept
                row, row_width = row + word, row_width + word_width
            continue
        if row.strip() and row_width + word_width > width:
            rows.append(row.rstrip(" "))
            row, row_width = "", 0
        if row_width + word_width > width:
            row, row_width = "", 0  # only an indent was there: the word needs the whole row
        while word_width > width:  # a word longer than the whole row
            head, word = _cut(word, width)
            rows.append(head)
            word_width = display_width(word)
        row, row_width = row + word, row_width + word_width
    rows.append(row.rstrip(" "))
    return rows


def _words(text: str) -> list[str]:
    """*text* split into alternating runs of spaces and non-spaces, nothing lost."""
    parts: list[str] = []
    for ch in text:
        if parts and (ch == " ") == (parts[-1][0] == " "):
            parts[-1] += ch
        else:
            parts.append(ch)
    return parts


def _cut(word: str, width: int) -> tuple[str, str]:
    """The longest head of *word* fitting *width* columns (at least one character), and the rest."""
    used = 0
    for index, ch in enumerate(word):
        used += char_width(ch)
        if used > width and index > 0:
            return word[:index], word[index:]
    return word, ""
