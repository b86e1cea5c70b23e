"""The telnet filter works on whole buffers; a per-byte state machine here is its specification.

:class:`ByteByByte` reads RFC 854's stream one byte at a time, the plainest way to write it:
whatever arrives, split wherever, :class:`net.telnet.TelnetFilter` must hand back exactly the
same data, owe the same replies and reach the same verdicts (negotiated, interrupted, flooded)
after every read.
"""

from __future__ import annotations

import enum

from hypothesis import given
from hypothesis import strategies as st

from net.telnet import COMMAND_BURST, IAC, TelnetFilter
from tests.net.support import split_anywhere

WILL, WONT, DO, DONT, SB, SE, NOP, IP = 251, 252, 253, 254, 250, 240, 241, 244
TIMING_MARK = 6


class _S(enum.Enum):
    DATA = enum.auto()
    COMMAND = enum.auto()
    OPTION = enum.auto()
    SUB = enum.auto()
    SUB_IAC = enum.auto()


class ByteByByte:
    """The reference: one byte, one step; commands paid for from the same allowance."""

    def __init__(self, stray_iac_is_data: bool, burst: int, per_second: float) -> None:
        self.stray = stray_iac_is_data
        self.state = _S.DATA
        self.verb = 0
        self.refused: set[tuple[int, int]] = set()
        self.replies = bytearray()
        self.burst, self.per_second = burst, per_second
        self.allowance = float(burst)
        self.last: float | None = None
        self.negotiated = self.interrupted = False
        self.flooded: bool = False

    def receive_data(self, data: bytes, now: float) -> bytes:
        if self.flooded:
            return b""
        if self.last is not None:
            self.allowance = min(
                float(self.burst), self.allowance + (now - self.last) * self.per_second
            )
        self.last = now
        out = bytearray()
        for byte in data:
            if not self.step(byte, out):
                break
        return bytes(out)

    def spend(self) -> bool:
        if self.allowance < 1.0:
            self.flooded = True
            return False
        self.allowance -= 1.0
        return True

    def keep(self, out: bytearray, data: bytes) -> None:
        if not self.interrupted:
            out += data

    def step(self, byte: int, out: bytearray) -> bool:
        """Take one byte; False once flooded (nothing more is read)."""
        if self.state is _S.DATA:
            if byte == IAC:
                self.state = _S.COMMAND
            else:
                self.keep(out, bytes((byte,)))
        elif self.state is _S.COMMAND:
            self.state = _S.DATA
            if byte == IAC:
                self.keep(out, bytes((IAC,)))
            elif byte < 236 and self.stray:
                self.keep(out, bytes((IAC, byte)))
            elif self.spend():
                self.negotiated = True
                if byte in (WILL, WONT, DO, DONT):
                    self.verb, self.state = byte, _S.OPTION
                elif byte == SB:
                    self.state = _S.SUB
                elif byte == IP:
                    self.interrupted = True
        elif self.state is _S.OPTION:
            self.state = _S.DATA
            if self.verb == DO and byte == TIMING_MARK:
                self.replies += bytes((IAC, WONT, byte))
            elif self.verb in (DO, WILL) and (self.verb, byte) not in self.refused:
                self.refused.add((self.verb, byte))
                self.replies += bytes((IAC, WONT if self.verb == DO else DONT, byte))
        elif self.state is _S.SUB:
            if byte == IAC and self.spend():
                self.state = _S.SUB_IAC
        else:
            self.state = _S.DATA if byte == SE else _S.SUB
        return not self.flooded

    def finish(self) -> bytes:
        held = self.state is _S.COMMAND and self.stray and not (self.interrupted or self.flooded)
        self.state = _S.DATA
        return bytes((IAC,)) if held else b""


def _verdicts(telnet: TelnetFilter | ByteByByte) -> tuple[bool, bool, bool]:
    return telnet.negotiated, telnet.interrupted, telnet.flooded


def same_as_byte_by_byte(
    chunks: list[bytes], stray: bool, burst: int = COMMAND_BURST, per_second: float = 2.0
) -> None:
    fast = TelnetFilter(stray_iac_is_data=stray, burst=burst, per_second=per_second)
    slow = ByteByByte(stray, burst, per_second)
    for i, chunk in enumerate(chunks):
        now = i * 0.25
        assert fast.receive_data(chunk, now) == slow.receive_data(chunk, now), (i, chunk)
        assert fast.data_to_send() == bytes(slow.replies), (i, chunk)
        slow.replies.clear()
        assert _verdicts(fast) == _verdicts(slow), (i, chunk)
    assert fast.finish() == slow.finish()


# Bytes a hostile or broken client might send: telnet's special bytes far more often than
# chance would have them, so that every state and every run length comes up.
_special = st.sampled_from(
    [IAC, IAC, IAC, WILL, WONT, DO, DONT, SB, SE, NOP, IP, TIMING_MARK, 0x00, 0x0A, 0x0D, 0x41]
)
_hostile_bytes = st.lists(
    st.one_of(
        _special.map(lambda b: bytes((b,))),
        st.binary(max_size=8),
        st.integers(1, 600).map(lambda n: b"\xff" * n),  # runs of IAC, long ones too
    ),
    max_size=40,
).map(b"".join)


@given(_hostile_bytes, st.lists(st.integers(0, 5000), max_size=8), st.booleans())
def test_any_bytes_split_anywhere_come_out_as_byte_by_byte(
    data: bytes, cuts: list[int], stray: bool
) -> None:
    same_as_byte_by_byte(split_anywhere(data, cuts), stray)


@given(st.binary(max_size=2000), st.lists(st.integers(0, 2000), max_size=8), st.booleans())
def test_arbitrary_bytes_split_anywhere_come_out_as_byte_by_byte(
    data: bytes, cuts: list[int], stray: bool
) -> None:
    same_as_byte_by_byte(split_anywhere(data, cuts), stray)


@given(_hostile_bytes, st.lists(st.integers(0, 5000), max_size=8), st.booleans())
def test_a_small_allowance_runs_out_at_the_same_command(
    data: bytes, cuts: list[int], stray: bool
) -> None:
    same_as_byte_by_byte(split_anywhere(data, cuts), stray, burst=5, per_second=4.0)


def test_long_runs_of_0xff_of_every_parity_and_around_block_sizes() -> None:
    for length in (255, 256, 257, 511, 4095, 4096, 4097, 8193, 70_000):
        for before, after in ((b"", b""), (b"a", b"b"), (b"a", bytes((NOP,))), (b"", b"\r\n")):
            data = before + b"\xff" * length + after
            for stray in (False, True):
                same_as_byte_by_byte([data], stray)
                same_as_byte_by_byte([data[:300], data[300:]], stray)


def test_a_0xff_stream_is_its_pairs() -> None:
    telnet = TelnetFilter()
    assert telnet.receive_data(b"\xff" * 65_536, 0.0) == b"\xff" * 32_768
    assert not telnet.negotiated and not telnet.flooded


def test_more_commands_than_allowed_stop_the_filter_and_the_allowance_comes_back() -> None:
    telnet = TelnetFilter(burst=3, per_second=1.0)
    assert telnet.receive_data(bytes((IAC, NOP, IAC, NOP)) + b"ok", 0.0) == b"ok"
    assert telnet.receive_data(bytes((IAC, NOP)) + b"a", 0.5) == b"a"  # 1 left, 0.5 back
    assert _verdicts(telnet) == (True, False, False)
    nop = bytes((IAC, NOP))
    assert telnet.receive_data(b"b" + nop + b"c" + nop + b"d", 1.1) == b"bc"  # 1.1: only one
    assert _verdicts(telnet) == (True, False, True)
    assert telnet.receive_data(b"anything\r\n", 100.0) == b""


def test_doubled_iac_data_costs_no_allowance() -> None:
    telnet = TelnetFilter(burst=1)
    assert telnet.receive_data(b"a\xff\xffb" * 1000, 0.0) == b"a\xffb" * 1000
    assert not telnet.flooded
