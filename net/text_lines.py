"""Sans-IO lines for people on ``nc`` or ``telnet``: bytes in, typed lines out, and back.

A person's client ends a line with CR LF (telnet), LF (``nc``), or CR NUL (telnet's bare
carriage return); all three end a line, even split across reads, and a lone CR does too. A
line is decoded as UTF-8, with anything that is not replaced by U+FFFD (a person's terminal
may send Latin-1; that is no reason to drop them). A line longer than ``max_line`` bytes is not
kept: its bytes are skipped up to its end and :class:`LineTooLong` is handed back in its place,
so the person can be told and go on, and memory stays bounded whatever arrives.

Cost: a read is taken whole — its line ends made LF by three ``bytes.replace``, its complete
lines kept as one block and counted with ``bytes.count`` — and a line is cut out and decoded
only when it is asked for (:meth:`LineDecoder.next_line`). So a read of 65,536 empty lines
costs a few passes over it, not 65,536 steps, and a reader that ignores blank lines skips
any number of them with one ``bytes.find`` (over the block translated once into marks).

Out: :func:`encode_lines` writes text for such a client — every line ends CR LF, as the network
virtual terminal wants (``nc`` users' terminals show it the same).
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from typing import Final

__all__ = ["DEFAULT_MAX_LINE", "LineDecoder", "LineTooLong", "encode_lines"]

#: The framed protocol's limit for a ``say`` is one 64 KiB frame; a person types far less.
DEFAULT_MAX_LINE: Final = 4096
_CR: Final = 0x0D
_LF: Final = 0x0A
_NUL: Final = 0x00
#: What a blank line holds: the ASCII bytes ``str.strip`` removes (but CR, gone by then).
_BLANK: Final = b"\t\x0b\x0c\x1c\x1d\x1e\x1f "
#: A block's bytes as marks: 0 for a blank line's byte, LF for LF, 1 for anything else.
_MARKS: Final = bytes(0 if byte in _BLANK else _LF if byte == _LF else 1 for byte in range(256))


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

    Attributes:
        max_line: The longest line kept, in bytes (its end not counted).
        waiting: How many complete lines (skipped ones included) have not been read yet.
    """

    def __init__(self, max_line: int = DEFAULT_MAX_LINE) -> None:
        """Decode lines of at most *max_line* bytes (the line end not counted)."""
        if max_line < 1:
            raise ValueError("max_line must be at least 1")
        self.max_line = max_line
        self.waiting = 0
        # Complete lines not read yet, in order: blocks of lines each ended by LF (the line
        # ends already made LF), and the lines that were too long as they arrived.
        self._blocks: collections.deque[bytes | LineTooLong] = collections.deque()
        self._read = 0  # how far the first block has been read
        self._marks: bytes | None = None  # the first block as _MARKS, once blank lines are skipped
        self._partial = bytearray()  # the line being typed
        self._skipped = 0  # bytes of a too-long line skipped so far (0: not skipping)
        self._after_cr = False  # a CR ended the last read: a LF or NUL right after is its end

    def receive_data(self, data: bytes) -> bool:
        """Take the bytes that arrived (EOF is the caller's business: see :meth:`unfinished`).

        Returns:
            True if they completed at least one line that is not too long.
        """
        if not data:
            return False
        if self._after_cr:
            self._after_cr = False
            if data[0] in (_LF, _NUL):
                data = data[1:]
        if _CR in data:
            self._after_cr = data[-1] == _CR
            # Every line end becomes one LF: CR LF, then CR NUL, then a lone CR. Each CR is
            # one line end and swallows the LF or NUL right after it, and only that.
            data = data.replace(b"\r\n", b"\n").replace(b"\r\x00", b"\n").replace(b"\r", b"\n")
        first = data.find(b"\n")
        if first < 0:
            self._extend(data)
            return False
        last = data.rfind(b"\n")
        fits = not self._skipped and len(self._partial) + first <= self.max_line
        if fits:
            block = bytes(self._partial) + data[: last + 1] if self._partial else data[: last + 1]
        else:
            size = (self._skipped or len(self._partial)) + first
            self._blocks.append(LineTooLong(size, self.max_line))
            self.waiting += 1
            block = data[first + 1 : last + 1]
        self._partial.clear()
        self._skipped = 0
        if block:
            self._blocks.append(block)
            self.waiting += block.count(b"\n")
            fits = fits or self._any_fits(block)
        self._extend(data[last + 1 :])
        return fits

    def next_line(self, *, skip_blank: bool = False) -> str | LineTooLong | None:
        """The next complete line (without its end), a :class:`LineTooLong`, or None.

        Args:
            skip_blank: Pass over lines of nothing but ASCII spaces, tabs and the like
                (what ``str.strip`` removes; a blank line over the limit is still a
                :class:`LineTooLong`), all at once.
        """
        blocks = self._blocks
        while blocks:
            block = blocks[0]
            if isinstance(block, LineTooLong):
                blocks.popleft()
                self.waiting -= 1
                return block
            start = self._skip_blank(block, self._read) if skip_blank else self._read
            if start == len(block):
                self._next_block()
                continue
            end = block.find(b"\n", start)
            self.waiting -= 1
            if end + 1 == len(block):
                self._next_block()
            else:
                self._read = end + 1
            if end - start > self.max_line:
                return LineTooLong(end - start, self.max_line)
            return block[start:end].decode("utf-8", errors="replace")
        return None

    def _next_block(self) -> None:
        self._blocks.popleft()
        self._read = 0
        self._marks = None

    def peek_line(self) -> str | None:
        """The next complete line, left unread; None if there is none or it is too long."""
        if not self._blocks:
            return None
        block, start = self._blocks[0], self._read
        if isinstance(block, LineTooLong):
            return None
        end = block.find(b"\n", start)
        if end - start > self.max_line:
            return None
        return block[start:end].decode("utf-8", errors="replace")

    def unfinished(self) -> str | None:
        """What was typed after the last line end (at EOF: ``printf 'hi' | nc`` sends that)."""
        if self._skipped or not self._partial:
            return None
        return self._partial.decode("utf-8", errors="replace")

    def _extend(self, data: bytes) -> None:
        """Add *data* (no line end in it) to the line being typed, or to the one skipped."""
        if self._skipped:
            self._skipped += len(data)
        elif len(self._partial) + len(data) > self.max_line:
            self._skipped = len(self._partial) + len(data)
            self._partial.clear()
        else:
            self._partial += data

    def _any_fits(self, block: bytes) -> bool:
        """Whether *block* holds a line that is not too long (each step passes a long one)."""
        start = 0
        while start < len(block):
            end = block.find(b"\n", start)
            if end - start <= self.max_line:
                return True
            start = end + 1
        return False

    def _skip_blank(self, block: bytes, start: int) -> int:
        """Read every whole blank line of *block* from *start* on; return where the rest is."""
        if self._marks is None:
            self._marks = block.translate(_MARKS)  # once per block: each skip is then a find
        marks = self._marks
        other = marks.find(b"\x01", start)
        cut = block.rfind(b"\n", start, len(block) if other < 0 else other) + 1
        if cut <= start:
            return start
        if cut - start > self.max_line + 1:
            # Room for a blank line over the limit: skip only what comes before it.
            too_long = marks.find(bytes(self.max_line + 1), start, cut)
            if too_long >= 0:
                cut = max(start, block.rfind(b"\n", start, too_long) + 1)
        self.waiting -= block.count(b"\n", start, cut)
        self._read = cut
        return cut


def encode_lines(text: str) -> bytes:
    """*text* (lines separated by ``\\n``) as UTF-8 with every line ended by CR LF."""
    return ("\r\n".join(text.split("\n")) + "\r\n").encode("utf-8")
