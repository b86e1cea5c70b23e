"""Colors for the console, through colorama when it is there, plain text otherwise.

Colors are applied *after* text has been made visible (cli.visible): the only escape sequences
that reach the terminal are the ones written here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TextIO

# ANSI SGR codes. They are what colorama's Fore/Style constants hold too; keeping them here means
# the palette works the same whether or not colorama imported, and colorama's job is only to make
# a Windows console understand them (just_fix_windows_console).
_RESET = "\x1b[0m"
_DIM = "\x1b[2m"
_BOLD = "\x1b[1m"
_RED = "\x1b[31m"
_GREEN = "\x1b[32m"
_YELLOW = "\x1b[33m"
_BLUE = "\x1b[34m"
_MAGENTA = "\x1b[35m"
_CYAN = "\x1b[36m"

# An X or O standing alone in a board picture (not inside a word such as "XO-game" or "OK").
_MARK = re.compile(r"(?<![A-Za-z])([XO])(?![A-Za-z])")


def color_wanted(flag: bool, stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Decide whether to color: not with --no-color, not when NO_COLOR is set (to any value,
    see no-color.org), not when *stream* is not a terminal, and only if colorama is importable.
    """
    env = os.environ if environ is None else environ
    if not flag or "NO_COLOR" in env:
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
        """Table information: joins, leaves, whose turn (dim)."""
        return self._paint(_DIM, text)

    def error(self, text: str) -> str:
        """An explanation for the one who erred (red)."""
        return self._paint(_RED, text)

    def result(self, text: str) -> str:
        """The end of a game (highlighted)."""
        return self._paint(_BOLD + _YELLOW, text)

    def board(self, line: str) -> str:
        """One line of a board picture with X and O marks in two distinct colors."""
        if not self.enabled:
            return line
        paint: Callable[[re.Match[str]], str] = lambda m: self._paint(  # noqa: E731
            _BOLD + (_CYAN if m.group(1) == "X" else _BLUE), m.group(1)
        )
        return _MARK.sub(paint, line)

    def readline_prompt(self, text: str) -> str:
        """The prompt as readline wants it: escapes wrapped in \\x01…\\x02 so readline does not
        count them as columns (otherwise editing a long line misplaces the cursor)."""
        if not self.enabled:
            return text
        return f"\x01{_BOLD}{_GREEN}\x02{text}\x01{_RESET}\x02"


def strip_readline_markers(prompt: str) -> str:
    """Remove readline's \\x01/\\x02 markers, for writing the prompt ourselves."""
    return prompt.replace("\x01", "").replace("\x02", "")
