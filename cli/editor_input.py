"""The keys of a terminal, one at a time, for the line editor (where there is no readline).

POSIX: the terminal is put in raw mode — no line discipline, no echo, but signals kept
(Ctrl-C, Ctrl-Z still reach the program) — and its bytes are decoded by
:class:`cli.key_decoder.KeyDecoder`. Windows: the console's keys come from ``msvcrt.getwch``,
arrows and the like as its two-character codes, and are named the same way.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Final, TextIO

from cli.key_decoder import KeyDecoder
from cli.terminal_modes import input_waiting, restore_tty, save_tty

_READ_CHUNK: Final = 4096


class TerminalKeys:
    """Reads keys from one terminal; :meth:`raw` and :meth:`restore` switch its modes."""

    def __init__(self, stream: TextIO) -> None:
        """Read from the terminal *stream* (its modes are not changed before :meth:`raw`)."""
        self._stream = stream
        self._fd = stream.fileno()
        self._decoder = KeyDecoder()
        self._found: Any = save_tty(stream)

    def raw(self) -> None:
        """Keys one at a time, unechoed; Ctrl-C and Ctrl-Z still signal (POSIX only)."""
        if sys.platform != "win32" and self._found is not None:
            import termios  # noqa: PLC0415 (lazy: only the line editor needs it)

            mode = [*self._found[:6], list(self._found[6])]
            mode[0] &= ~(termios.ICRNL | termios.IXON)  # Enter is \r; Ctrl-S/Q are keys
            mode[3] &= ~(termios.ICANON | termios.ECHO | termios.IEXTEN)
            mode[6][termios.VMIN] = 1
            mode[6][termios.VTIME] = 0
            restore_tty(self._stream, mode)

    def restore(self) -> None:
        """Put back the modes the terminal had when this was made."""
        restore_tty(self._stream, self._found)

    def read(self) -> list[str] | None:
        """Wait for keys; return them (possibly none, inside an escape sequence), or None at
        the end of input."""
        return _read_keys(self._fd, self._decoder)

    def waiting(self) -> bool:
        """Whether more input is already there (a paste goes on)."""
        return input_waiting(self._stream)


# msvcrt.getwch: a special key comes as "\x00" or "\xe0", then one of these.
_WINDOWS_SPECIAL: Final = {
    "H": "up",
    "P": "down",
    "K": "left",
    "M": "right",
    "G": "home",
    "O": "end",
    "S": "delete",
}
_WINDOWS_CONTROLS: Final = {
    "\r": "enter",
    "\x08": "backspace",
    "\t": "tab",
    "\x1a": "ctrl-d",  # Ctrl-Z then Enter ends the input on Windows
    "\x01": "ctrl-a",
    "\x05": "ctrl-e",
    "\x15": "ctrl-u",
    "\x0b": "ctrl-k",
    "\x17": "ctrl-w",
    "\x02": "ctrl-b",
    "\x06": "ctrl-f",
    "\x10": "ctrl-p",
    "\x0e": "ctrl-n",
    "\x04": "ctrl-d",
}


if sys.platform == "win32":
    import msvcrt

    def _read_keys(fd: int, decoder: KeyDecoder) -> list[str] | None:
        key = msvcrt.getwch()
        if key in ("\x00", "\xe0"):
            name = _WINDOWS_SPECIAL.get(msvcrt.getwch())
            return [name] if name else []
        if key == "\x03":  # Ctrl-C in a raw console read: leaving, as elsewhere
            return None
        named = _WINDOWS_CONTROLS.get(key)
        if named is not None:
            return [named]
        return [key] if key.isprintable() else []

else:

    def _read_keys(fd: int, decoder: KeyDecoder) -> list[str] | None:
        try:
            data = os.read(fd, _READ_CHUNK)
        except OSError:  # the terminal hung up
            return None
        return decoder.feed(data) if data else None
