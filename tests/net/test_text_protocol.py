"""A person's whole conversation, whole reads against the per-byte references of its parts.

:class:`ConversationByteByByte` puts :class:`ByteByByte` (telnet) and
:class:`LinesByteByByte` (lines) together as plainly as can be, every event queued as soon as
its bytes are in. :class:`net.text_protocol.TextProtocol` must hand out the same events, in the
same order, however the bytes are split and however many events are read in between —
Ctrl-C, too many commands, the end of the stream and an unfinished last line included.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from net.telnet import COMMAND_BURST, COMMANDS_PER_SECOND
from net.text_lines import DEFAULT_MAX_LINE, LineTooLong
from net.text_protocol import (
    Ended,
    TextEvent,
    TextProtocol,
    TooLong,
    TooManyCommands,
    Typed,
)
from tests.net.support import split_anywhere
from tests.net.test_telnet import ByteByByte
from tests.net.test_text_lines import BLANK, LinesByteByByte


class ConversationByteByByte:
    """The reference: telnet, then lines, then the end, all queued eagerly."""

    def __init__(self, telnet: bool) -> None:
        self.telnet = ByteByByte(not telnet, COMMAND_BURST, COMMANDS_PER_SECOND)
        self.lines = LinesByteByByte(DEFAULT_MAX_LINE)
        self.events: list[tuple[TextEvent, bool]] = []  # (event, a complete line's)
        self.ended = False

    def receive_data(self, data: bytes, now: float) -> None:
        if self.ended:
            return
        if not data:
            self.queue_lines(self.telnet.finish())
            last = self.lines.unfinished()
            if last is not None:
                self.events.append((Typed(last), False))
            self.end(Ended())
            return
        self.queue_lines(self.telnet.receive_data(data, now))
        if self.telnet.interrupted:
            self.end(Ended())
        elif self.telnet.flooded:
            self.end(TooManyCommands(COMMAND_BURST, COMMANDS_PER_SECOND))

    def queue_lines(self, data: bytes) -> None:
        self.lines.receive_data(data)
        for line in self.lines.lines:
            if isinstance(line, LineTooLong):
                self.events.append((TooLong(line.size, line.limit), True))
            else:
                self.events.append((Typed(line), True))
        self.lines.lines.clear()

    def end(self, event: TextEvent) -> None:
        self.events.append((event, False))
        self.ended = True

    def next_event(self, skip_blank: bool) -> TextEvent | None:
        while self.events:
            event, of_a_line = self.events.pop(0)
            # Blank lines are skipped; an unfinished last line is part of the ending.
            if skip_blank and of_a_line and isinstance(event, Typed) and set(event.text) <= BLANK:
                continue
            return event
        return None


_special = st.sampled_from(
    [
        *(b"\xff", b"\xff\xf4", b"\xff\xf1", b"\xff\xfd\x06", b"\xff\xfb\x01", b"\xff\xfa\x18"),
        *(b"\xff\xf0", b"\r", b"\n", b"\r\n", b"\r\x00", b" ", b"\xff\xff", b"bob", b"\xc3\xa9"),
    ]
)
_streams = st.lists(st.one_of(_special, st.binary(max_size=10)), max_size=50).map(b"".join)
_reading = st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=8, max_size=8)


@given(
    _streams,
    st.lists(st.integers(0, 500), max_size=8),
    _reading,
    st.booleans(),
    st.booleans(),
)
def test_events_are_the_references_whatever_the_split_and_the_reading(
    data: bytes, cuts: list[int], reading: list[tuple[int, bool]], telnet: bool, eof: bool
) -> None:
    fast, slow = TextProtocol(telnet=telnet), ConversationByteByByte(telnet)
    chunks = split_anywhere(data, cuts) + ([b""] if eof else [])
    for i, chunk in enumerate(chunks):
        fast.receive_data(chunk, i * 0.1)
        slow.receive_data(chunk, i * 0.1)
        count, skip_blank = reading[i % len(reading)]
        for _ in range(count):
            assert fast.pending_events == len(slow.events)
            first = slow.events[0][0] if slow.events else None
            assert fast.waiting_line() == (first.text if isinstance(first, Typed) else None)
            assert fast.next_event(skip_blank=skip_blank) == slow.next_event(skip_blank)
    rest = [fast.next_event() for _ in range(len(slow.events) + 1)]
    assert rest == [slow.next_event(False) for _ in range(len(slow.events) + 1)]
    assert fast.pending_events == 0
