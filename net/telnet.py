"""Sans-IO telnet for people on ``telnet``: strip the client's commands, refuse its options.

A telnet client mixes its commands into the byte stream behind IAC (0xFF, RFC 854): two-byte
commands (``IAC NOP``, ``IAC IP``, …), three-byte option negotiation (``IAC DO ECHO``), and
subnegotiation blocks (``IAC SB … IAC SE``); ``IAC IAC`` is a literal 0xFF data byte. Any of
these may be split across reads. :class:`TelnetFilter` is fed what arrived and hands back the
data bytes alone; it never touches a socket.

We offer no options and accept none: the client then stays in the network virtual terminal's
default — it edits and echoes lines locally and sends each when Enter is pressed — which is
exactly a chat line. Every request is refused once (``DO x`` → ``WONT x``, ``WILL x`` →
``DONT x``); a refusal or an acknowledgement is never answered, so two sides can never loop.
And nothing is ever sent to a client that did not negotiate first: ``nc`` would show our
negotiation as garbage (PROTOCOL.md, "Text clients").

Cost: what a client sends must cost the host about what plain text costs, whatever it is.
Data is found a buffer at a time — ``bytes.find`` up to the first IAC, a compiled pattern
over runs of data and doubled IACs, and long runs of 0xFF measured by comparing whole blocks
— never by a Python step per byte. What still takes a Python step is a command, so commands
are rationed: :data:`COMMAND_BURST` at once, then :data:`COMMANDS_PER_SECOND` (a real telnet
sends a dozen when it connects and two for each Ctrl-C); past that the filter stops reading
and says so (:attr:`TelnetFilter.flooded`).
"""

from __future__ import annotations

import enum
import re
from typing import Final

__all__ = ["COMMANDS_PER_SECOND", "COMMAND_BURST", "IAC", "TelnetFilter", "escape_iac"]

IAC: Final = 0xFF
_SB: Final = 250
_SE: Final = 240
_WILL: Final = 251
_WONT: Final = 252
_DO: Final = 253
_DONT: Final = 254
_OPTION_VERBS: Final = frozenset({_WILL, _WONT, _DO, _DONT})
#: Interrupt Process: what a telnet in line mode sends for Ctrl-C (its ``localchars``).
_IP: Final = 244
_TIMING_MARK: Final = 6  # RFC 860
#: The lowest byte that is a telnet command after IAC (EOF, RFC 1184; 240–255 are RFC 854's).
_LOWEST_COMMAND: Final = 236

#: Telnet commands a client may send at once: far above the dozen a telnet sends on connecting.
COMMAND_BURST: Final = 200
#: And on average after that: a keep-alive NOP every few seconds is far below it.
COMMANDS_PER_SECOND: Final = 2.0

_IAC_BYTE: Final = b"\xff"
#: Data up to the next command, for a client read by telnet's rules: any byte but IAC, and
#: IAC IAC (a literal 0xFF). Possessive, so a failed match never backtracks.
_STRICT_DATA: Final = re.compile(rb"[^\xff]*+(?:\xff\xff[^\xff]*+)*+")
#: The same for a client whose stray IAC is data: IAC before a byte below 236 is two data bytes.
_STRAY_DATA: Final = re.compile(rb"[^\xff]*+(?:\xff[\x00-\xeb\xff][^\xff]*+)*+")
#: A run of IACs at least this long is measured by block comparisons, not by the pattern
#: (which takes a step per pair: a stream of 0xFF would cost ten times what text does).
_LONG_RUN: Final = _IAC_BYTE * 256
#: The pattern reads at most this much at a time (then a long run is looked for again).
_WINDOW: Final = 2048
#: Runs of IAC, longest first: 4096, 2048, … 1 bytes.
_IAC_BLOCKS: Final = tuple(_IAC_BYTE * (1 << k) for k in range(12, -1, -1))


class _State(enum.Enum):
    DATA = enum.auto()
    COMMAND = enum.auto()  # after IAC
    OPTION = enum.auto()  # after IAC WILL/WONT/DO/DONT
    SUB = enum.auto()  # inside IAC SB … (until IAC SE)
    SUB_IAC = enum.auto()  # inside a subnegotiation, after IAC


class TelnetFilter:
    """Telnet commands out of a byte stream, split anywhere.

    Usage::

        data = telnet.receive_data(chunk, now)   # the client's data bytes, commands removed
        reply = telnet.data_to_send()            # our refusals, to write to the client

    Attributes:
        negotiated: True once the client has sent any telnet command: only then may the host
            send it telnet bytes of its own.
        interrupted: True once the client sent Interrupt Process (``IAC IP``): the person
            pressed Ctrl-C, which on ``telnet`` as on ``nc`` means leaving.
        flooded: True once the client sent more commands than it may (:data:`COMMAND_BURST`,
            :data:`COMMANDS_PER_SECOND`): nothing from it is read any more.
    """

    def __init__(
        self,
        *,
        stray_iac_is_data: bool = False,
        burst: int = COMMAND_BURST,
        per_second: float = COMMANDS_PER_SECOND,
    ) -> None:
        """Start in the data state, nothing negotiated.

        Args:
            stray_iac_is_data: For a client that did not open with telnet negotiation (``nc``,
                or a telnet that has not negotiated yet): an IAC followed by a byte that is no
                telnet command (below 236) is data — both bytes are kept, and so is an IAC
                the stream ends with (:meth:`finish`). ``nc`` sends 0xFF as it is (Latin-1's
                ``ÿ``), never doubled, and the byte after it must not be swallowed. Commands
                (``IAC IP`` for Ctrl-C, ``IAC IAC``) are still read as telnet's.
            burst: The commands the client may send at once (each IAC inside a
                subnegotiation counts as one).
            per_second: How fast that allowance comes back.
        """
        self._stray_iac_is_data = stray_iac_is_data
        self._data_run = _STRAY_DATA if stray_iac_is_data else _STRICT_DATA
        self._state = _State.DATA
        self._verb = 0
        self._refused: set[tuple[int, int]] = set()
        self._replies = bytearray()
        self._burst = burst
        self._per_second = per_second
        self._allowance = float(burst)
        self._last: float | None = None
        self.negotiated = False
        self.interrupted = False
        self.flooded = False

    def receive_data(self, data: bytes, now: float) -> bytes:
        """Take the bytes that arrived.

        Args:
            data: What was read, split anywhere.
            now: When (the caller's monotonic seconds): the command allowance comes back
                with time.

        Returns:
            The data bytes among them, in order (none once interrupted or flooded).
        """
        if self.flooded:
            return b""
        if self._last is not None:
            self._allowance = min(
                float(self._burst), self._allowance + (now - self._last) * self._per_second
            )
        self._last = now
        if self._state is _State.DATA and IAC not in data:
            return b"" if self.interrupted else data  # the usual case: a line, no commands
        out: list[bytes] = []
        pos, end = 0, len(data)
        while pos < end and not self.flooded:
            state = self._state
            if state is _State.DATA:
                pos = self._data(data, pos, out)
            elif state is _State.SUB:
                # A subnegotiation's bytes are skipped, never kept (we accept no option), so
                # a block that never ends costs one search per read.
                iac = data.find(_IAC_BYTE, pos)
                if iac < 0:
                    return b"".join(out)
                if self._spend():
                    self._state = _State.SUB_IAC
                pos = iac + 1
            else:
                self._step(data[pos], out)
                pos += 1
        return b"".join(out)

    def finish(self) -> bytes:
        """The stream ended: the data bytes still held back (a last IAC that turned out to
        be data, for a client whose stray IAC is data; otherwise nothing)."""
        held = (
            self._state is _State.COMMAND
            and self._stray_iac_is_data
            and not (self.interrupted or self.flooded)
        )
        self._state = _State.DATA
        return _IAC_BYTE if held else b""

    def data_to_send(self) -> bytes:
        """Return (and forget) the negotiation replies owed to the client."""
        replies, self._replies = bytes(self._replies), bytearray()
        return replies

    def _data(self, data: bytes, pos: int, out: list[bytes]) -> int:
        """Keep the data from *pos* on, up to the next command (whose IAC it takes: the state
        is then COMMAND); return where that command's next byte is, or the end."""
        end = len(data)
        while True:
            iac = data.find(_IAC_BYTE, pos)
            if iac < 0:
                self._keep(out, data[pos:] if pos else data)
                return end
            if data.startswith(_LONG_RUN, iac):
                self._keep(out, data[pos:iac])
                stop = _iac_run_end(data, iac)
                run = stop - iac
                self._keep(out, _IAC_BYTE * (run // 2))  # each IAC IAC is one 0xFF
                if run % 2 == 0:
                    pos = stop
                    continue
                self._state = _State.COMMAND  # the run's last IAC begins a command
                return stop
            # A window at a time, so that a long run of IAC further on is measured by
            # _iac_run_end, not paid for pair by pair.
            limit = min(end, iac + _WINDOW)
            match = self._data_run.match(data, iac, limit)
            assert match is not None  # it matches the empty string
            stop = match.end()
            self._keep(out, data[pos:stop].replace(b"\xff\xff", _IAC_BYTE))
            if stop == end:
                return end
            if stop + 1 < limit or stop + 1 == end:
                # An IAC that is no data: a command begins (or the stream ends with it).
                self._state = _State.COMMAND
                return stop + 1
            pos = stop  # the window is done (a pair may straddle its edge): on to the next

    def _keep(self, out: list[bytes], data: bytes) -> None:
        if data and not self.interrupted:  # nothing typed after Ctrl-C counts; commands still do
            out.append(data)

    def _spend(self) -> bool:
        """Pay for one command; False (and flooded) when the client has sent too many."""
        if self._allowance < 1.0:
            self.flooded = True
            return False
        self._allowance -= 1.0
        return True

    def _step(self, byte: int, out: list[bytes]) -> None:
        """Take one byte of a command (states COMMAND, OPTION, SUB_IAC)."""
        state = self._state
        if state is _State.COMMAND:
            self._command(byte, out)
        elif state is _State.OPTION:
            self._option(self._verb, byte)
            self._state = _State.DATA
        else:  # SUB_IAC: IAC SE ends the block; IAC IAC (or junk) stays inside it
            self._state = _State.DATA if byte == _SE else _State.SUB

    def _command(self, byte: int, out: list[bytes]) -> None:
        self._state = _State.DATA
        if byte == IAC:  # IAC IAC: a literal 0xFF
            self._keep(out, _IAC_BYTE)
            return
        if byte < _LOWEST_COMMAND and self._stray_iac_is_data:
            self._keep(out, bytes((IAC, byte)))
            return
        if not self._spend():
            return
        self.negotiated = True
        if byte in _OPTION_VERBS:
            self._verb, self._state = byte, _State.OPTION
        elif byte == _SB:
            self._state = _State.SUB
        elif byte == _IP:  # NOP, GA, AYT, a stray SE, …: nothing we act on; IP: the caller ends it
            self.interrupted = True

    def _option(self, verb: int, option: int) -> None:
        # Refuse each request once: DO → WONT, WILL → DONT. WONT/DONT are never answered (they
        # refuse or acknowledge), nor a request already refused, so no exchange can loop. The
        # one exception: telnet sends DO TIMING-MARK after each Ctrl-C and throws away all it
        # receives until that is answered, so each one gets its WONT (a reply, not a request:
        # no loop either) — or the person would never read the goodbye.
        answer = {_DO: _WONT, _WILL: _DONT}.get(verb)
        if verb == _DO and option == _TIMING_MARK:
            self._replies += bytes((IAC, _WONT, option))
            return
        if answer is None or (verb, option) in self._refused:
            return
        self._refused.add((verb, option))
        self._replies += bytes((IAC, answer, option))


def _iac_run_end(data: bytes, start: int) -> int:
    """Where the run of IAC bytes at *start* ends (the first other byte, or the end).

    Whole blocks are compared (``startswith``, a memory comparison), largest first: a 64 KiB
    run takes some thirty comparisons, not 65,536 steps.
    """
    stop = start
    largest = _IAC_BLOCKS[0]
    while data.startswith(largest, stop):
        stop += len(largest)
    for block in _IAC_BLOCKS[1:]:
        if data.startswith(block, stop):
            stop += len(block)
    return stop


def escape_iac(data: bytes) -> bytes:
    """Double every 0xFF, as telnet requires of data bytes (UTF-8 text never holds one)."""
    return data.replace(b"\xff", b"\xff\xff") if IAC in data else data
