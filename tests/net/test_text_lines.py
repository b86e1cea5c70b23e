"""The line decoder works on whole reads; a per-byte reader here is its specification.

:class:`LinesByteByByte` takes one byte at a time — the plainest way to say what ends a line
(CR LF, LF, CR NUL, a lone CR, even split across reads) and what a too-long line is. Whatever
arrives, split wherever, and however the lines are read in between (some, all, blank ones
skipped), :class:`net.text_lines.LineDecoder` must hand back exactly the same lines.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from net.text_lines import DEFAULT_MAX_LINE, LineDecoder, LineTooLong
from tests.net.support import split_anywhere

CR, LF, NUL = 0x0D, 0x0A, 0x00
#: What str.strip removes that a line can hold (CR and LF end lines).
BLANK = frozenset(" \t\x0b\x0c\x1c\x1d\x1e\x1f")


class LinesByteByByte:
    """The reference: one byte, one step; every complete line queued at once."""

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self.partial = bytearray()
        self.skipped = 0
        self.after_cr = False
        self.lines: list[str | LineTooLong] = []

    def receive_data(self, data: bytes) -> bool:
        """Returns whether a line that fits was completed, as LineDecoder.receive_data."""
        fitting = sum(isinstance(line, str) for line in self.lines)
        for byte in data:
            if self.after_cr:
                self.after_cr = False
                if byte in (LF, NUL):
                    continue
            if byte in (CR, LF):
                self.end_line()
                self.after_cr = byte == CR
            elif self.skipped:
                self.skipped += 1
            elif len(self.partial) == self.max_line:
                self.skipped = self.max_line + 1
                self.partial.clear()
            else:
                self.partial.append(byte)
        return sum(isinstance(line, str) for line in self.lines) > fitting

    def end_line(self) -> None:
        if self.skipped:
            self.lines.append(LineTooLong(self.skipped, self.max_line))
        else:
            self.lines.append(self.partial.decode("utf-8", errors="replace"))
        self.partial.clear()
        self.skipped = 0

    def next_line(self, skip_blank: bool) -> str | LineTooLong | None:
        while self.lines:
            line = self.lines.pop(0)
            if skip_blank and isinstance(line, str) and set(line) <= BLANK:
                continue
            return line
        return None

    def unfinished(self) -> str | None:
        if self.skipped or not self.partial:
            return None
        return self.partial.decode("utf-8", errors="replace")


def read_both(
    fast: LineDecoder, slow: LinesByteByByte, count: int, skip_blank: bool
) -> list[str | LineTooLong | None]:
    """Read up to *count* lines from both (None: none was left); they must agree."""
    got: list[str | LineTooLong | None] = []
    for _ in range(count):
        peeked = fast.peek_line()
        expected = slow.lines[0] if slow.lines else None
        assert peeked == (expected if isinstance(expected, str) else None)
        line = fast.next_line(skip_blank=skip_blank)
        assert line == slow.next_line(skip_blank), got
        got.append(line)
        assert fast.waiting == len(slow.lines)
    return got


# Line ends, blanks and UTF-8 pieces far more often than chance would have them.
_pieces = st.one_of(
    st.sampled_from([b"\r", b"\n", b"\x00", b"\r\n", b"\r\x00", b" ", b"\t", b"\x0c", b"\xc3"]),
    st.sampled_from([b"\xa9", b"\xc2\xa0", b"\xff", b"x", b"ab"]),
    st.binary(max_size=12),
    st.integers(1, 40).map(lambda n: b" " * n),
    st.integers(1, 40).map(lambda n: b"\n" * n),
)
_streams = st.lists(_pieces, max_size=60).map(b"".join)
# For each read: how many lines to read after it, and whether blank ones are skipped.
_reading = st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=10, max_size=10)


def same_lines(data: bytes, cuts: list[int], reading: list[tuple[int, bool]], limit: int) -> None:
    fast, slow = LineDecoder(limit), LinesByteByByte(limit)
    chunks = split_anywhere(data, cuts)
    for i, chunk in enumerate(chunks):
        assert fast.receive_data(chunk) == slow.receive_data(chunk), (i, chunk)
        assert fast.waiting == len(slow.lines)
        count, skip_blank = reading[i % len(reading)]
        read_both(fast, slow, count, skip_blank)
    read_both(fast, slow, len(slow.lines) + 1, reading[0][1])
    assert fast.unfinished() == slow.unfinished()


@given(_streams, st.lists(st.integers(0, 600), max_size=9), _reading, st.integers(1, 12))
def test_any_bytes_split_anywhere_give_the_same_lines_as_byte_by_byte(
    data: bytes, cuts: list[int], reading: list[tuple[int, bool]], limit: int
) -> None:
    same_lines(data, cuts, reading, limit)


@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=9), _reading)
def test_arbitrary_bytes_give_the_same_lines_at_the_default_limit(
    data: bytes, cuts: list[int], reading: list[tuple[int, bool]]
) -> None:
    same_lines(data, cuts, reading, DEFAULT_MAX_LINE)


def test_a_read_of_empty_lines_is_counted_not_split_and_skipped_at_once() -> None:
    decoder = LineDecoder()
    assert decoder.receive_data(b"\n" * 65_536 + b" \t\n" * 1000 + b"hi\n")
    assert decoder.waiting == 65_536 + 1000 + 1
    assert decoder.next_line(skip_blank=True) == "hi"
    assert decoder.waiting == 0


def test_a_blank_line_over_the_limit_is_still_too_long_when_blank_ones_are_skipped() -> None:
    decoder = LineDecoder(max_line=8)
    decoder.receive_data(b"\n  \n" + b" " * 9 + b"\n\n ok\n")
    assert decoder.next_line(skip_blank=True) == LineTooLong(9, 8)
    assert decoder.next_line(skip_blank=True) == " ok"
    assert decoder.next_line(skip_blank=True) is None


def test_only_a_line_that_fits_counts_as_one_completed() -> None:
    decoder = LineDecoder(max_line=4)
    assert not decoder.receive_data(b"toolong\n")
    assert not decoder.receive_data(b"abc")
    assert not decoder.receive_data(b"de\nlonger\n")  # "abcde" is too long, so is "longer"
    assert decoder.receive_data(b"toolong\nok\n")
    assert [decoder.next_line() for _ in range(5)] == [
        LineTooLong(7, 4),
        LineTooLong(5, 4),
        LineTooLong(6, 4),
        LineTooLong(7, 4),
        "ok",
    ]
