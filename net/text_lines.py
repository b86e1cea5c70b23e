"""Sans-IO lines for people on ``nc`` or ``telnet``: bytes in, typed lines out, and back.

A person's client ends a line with CR LF (telnet), LF (``nc``), or CR NUL (telnet's bare
carriage return); all three end a line, even split across reads, and a lone CR does too. A
line is decoded as UTF-8, with anything that is not replaced by U+FFFD (a person's terminal
may send Latin-1; that is no reason to drop them). A line longer than ``max_line`` bytes is not
kept: its bytes are skipped up to its end and :class:`LineTooLong` is handed back in its place,
so the person can be told and go on, and memory stays bounded whatever arrives.

Out: :func:`encode_lines` writes text for such a client — every line ends CR LF, as the network
virtual terminal wants (``nc`` users' terminals show it the same).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_MAX_LINE", "LineDecoder", "LineTooLong", "encode_lines"]

#: The framed protocol's limit for a ``say`` is one 64 KiB frame; a person types far less.
DEFAULT_MAX_LINE: Final = 4096
_CR: Final = 0x0D
_LF: Final = 0x0A
_NUL: Final = 0x00


@dataclass(frozen=True, slots=True)
class LineTooLong:
    """A line of more than ``limit`` bytes arrived and was skipped (``size`` bytes at least)."""

    size: int
    limit: int


class LineDecoder:
    """Typed lines from a byte stream split anywhere.

    Usage::

        decoder.receive_data(chunk)
        while (line := decoder.next_line()) is not None:
            handle(line)        # a str, or LineTooLong
    """

    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        """Decode lines of at most *max_line* bytes (the line end not counted)."""
        if max_line < 1:
            raise ValueError("max_line must be at least 1")
        self.max_line = max_line
        self._partial = bytearray()
        self._skipped = 0  # bytes of a too-long line skipped so far (0: not skipping)
        self._after_cr = False  # a CR ended the last line: a LF or NUL right after is its end
        self._lines: list[str | LineTooLong] = []
        self._next = 0

    def receive_data(self, data: bytes) -> None:
        """Take the bytes that arrived (EOF is the caller's business: see :meth:`unfinished`)."""
        start = 0
        if self._after_cr and data:
            self._after_cr = False
            if data[0] in (_LF, _NUL):
                start = 1
        end = len(data)
        while start < end:
            cut = _line_end(data, start)
            if cut < 0:
                self._keep(data, start, end)
                return
            self._keep(data, start, cut)
            self._finish_line()
            start = cut + 1
            if data[cut] == _CR:
                if start < end:
                    if data[start] in (_LF, _NUL):
                        start += 1
                else:
                    self._after_cr = True

    def next_line(self) -> str | LineTooLong | None:
        """The next complete line (without its end), a :class:`LineTooLong`, or None."""
        if self._next >= len(self._lines):
            if self._lines:
                self._lines.clear()
                self._next = 0
            return None
        line = self._lines[self._next]
        self._next += 1
        return line

    def unfinished(self) -> str | None:
        """What was typed after the last line end (at EOF: ``printf 'hi' | nc`` sends that)."""
        if self._skipped or not self._partial:
            return None
        return self._partial.decode("utf-8", errors="replace")

    def _keep(self, data: bytes, start: int, end: int) -> None:
        if self._skipped:
            self._skipped += end - start
            return
        if len(self._partial) + (end - start) > self.max_line:
            self._skipped = len(self._partial) + (end - start)
            self._partial.clear()
            return
        self._partial += data[start:end]

    def _finish_line(self) -> None:
        if self._skipped:
            self._lines.append(LineTooLong(self._skipped, self.max_line))
            self._skipped = 0
            return
        self._lines.append(self._partial.decode("utf-8", errors="replace"))
        self._partial.clear()


def _line_end(data: bytes, start: int) -> int:
    """Index of the first CR or LF at or after *start*, or -1."""
    lf = data.find(b"\n", start)
    cr = data.find(b"\r", start, lf if lf >= 0 else len(data))
    return cr if cr >= 0 else lf


def encode_lines(text: str) -> bytes:
    """*text* (lines separated by ``\\n``) as UTF-8 with every line ended by CR LF."""
    return ("\r\n".join(text.split("\n")) + "\r\n").encode("utf-8")
