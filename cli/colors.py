"""Colors for the console, through colorama when it is there, plain text otherwise.

Colors are applied *after* text has been made visible (cli.visible): the only escape sequences
that reach the terminal are the ones written here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TextIO

from cli.terminal_modes import term_is_dumb

# ANSI SGR codes. They are what colorama's Fore/Style constants hold too; keeping them here means
# the palette works the same whether or not colorama imported, and colorama's job is only to make
# a Windows console understand them (just_fix_windows_console).
_RESET = "\x1b[0m"
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_UNDERLINE = "\x1b[4m"
_REVERSE = "\x1b[7m"
_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"
_BLUE = "\x1b[34m"
_MAGENTA = "\x1b[35m"
_CYAN = "\x1b[36m"
_BRIGHT_GREEN = "\x1b[92m"

# What a board row may hold that is painted: a mark standing alone (not inside a word such as
# "XO-game" or "OK"), and the brackets the game puts around the winning cells ("[X]", one pair
# around a horizontal run "[X X X X X]") and parentheses around the last move ("(X)").
_BOARD_TOKEN = re.compile(r"(?<![A-Za-z])[XO](?![A-Za-z])|[\[\]()]")
# Only rows of an m,n,k grid start with a row number; the hangman picture and words never do,
# so its gallows head "O" is never painted as a piece.
_GRID_ROW = re.compile(r"\s*\d+\s")
_MARK_COLOR = {"X": _CYAN, "O": _BLUE}
_LAST_MOVE = _REVERSE
_WINNING = _BOLD + _UNDERLINE


def color_wanted(flag: bool, stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Decide whether to color: not with --no-color, not when NO_COLOR holds anything (an empty
    one does not count, see no-color.org), not on a ``TERM=dumb`` terminal, not when *stream*
    is not a terminal, and only if colorama is importable.
    """
    env = os.environ if environ is None else environ
    if not flag or env.get("NO_COLOR") or term_is_dumb(env):
        return False
    try:
        if not stream.isatty():
            return False
    except (AttributeError, ValueError):  # closed or fake streams
        return False
    try:
        import colorama  # noqa: PLC0415 (lazy: keeps start-up cheap)
    except ImportError:
        return False  # colorama is a declared dependency, but the programs must run without it
    # On Windows this turns on ANSI handling; elsewhere it does nothing.
    fix = getattr(colorama, "just_fix_windows_console", None)
    if fix is not None:
        fix()
    return True


class Palette:
    """How each kind of line is painted; a disabled palette returns text unchanged."""

    def __init__(self, enabled: bool) -> None:
        """Create a palette; *enabled* comes from :func:`color_wanted`."""
        self.enabled = enabled

    def _paint(self, codes: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"{codes}{text}{_RESET}"

    def me(self, text: str) -> str:
        """Your own name and prompt."""
        return self._paint(_BOLD + _GREEN, text)

    def other(self, text: str) -> str:
        """The other person's name."""
        return self._paint(_BOLD + _MAGENTA, text)

    def notice(self, text: str) -> str:
        """Table information: joins, leaves, waiting for the other (dim)."""
        return self._paint(_DIM, text)

    def turn(self, text: str) -> str:
        """The notice that it is your turn: bright, in your own color, never dim."""
        return self._paint(_BOLD + _BRIGHT_GREEN, text)

    def error(self, text: str) -> str:
        """An explanation for the one who erred (red)."""
        return self._paint(_RED, text)

    def result(self, text: str) -> str:
        """The end of a game (highlighted)."""
        return self._paint(_BOLD + _YELLOW, text)

    def board(self, line: str) -> str:
        """One row of a board picture, painted only if it is a grid row (it starts with a row
        number): X and O in two colors, the last move "(X)" in reverse video, the winning
        cells "[X]" bold and underlined (brackets included); marks keep their colors."""
        if not self.enabled or not _GRID_ROW.match(line):
            return line
        parts: list[str] = []
        winning = last = False
        end = 0
        for token in _BOARD_TOKEN.finditer(line):
            parts.append(line[end : token.start()])
            end = token.end()
            char = token.group()
            if char in "[]":
                winning = char == "["
                parts.append(self._paint(_BOLD + _YELLOW, char))
            elif char in "()":
                last = char == "("
                parts.append(self._paint(_LAST_MOVE, char))
            else:
                style = _BOLD + _MARK_COLOR[char]
                style += (_WINNING if winning else "") + (_LAST_MOVE if last else "")
                parts.append(self._paint(style, char))
        parts.append(line[end:])
        return "".join(parts)

    def readline_prompt(self, text: str) -> str:
        """The prompt as readline wants it: escapes wrapped in \\x01…\\x02 so readline does not
        count them as columns (otherwise editing a long line misplaces the cursor)."""
        if not self.enabled:
            return text
        return f"\x01{_BOLD}{_GREEN}\x02{text}\x01{_RESET}\x02"


def strip_readline_markers(prompt: str) -> str:
    """Remove readline's \\x01/\\x02 markers, for writing the prompt ourselves."""
    return prompt.replace("\x01", "").replace("\x02", "")
