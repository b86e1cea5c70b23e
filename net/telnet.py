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
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["IAC", "TelnetFilter", "escape_iac"]

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


class _State(enum.Enum):
    DATA = enum.auto()
    COMMAND = enum.auto()  # after IAC
    OPTION = enum.auto()  # after IAC WILL/WONT/DO/DONT
    SUB = enum.auto()  # inside IAC SB … (until IAC SE)
    SUB_IAC = enum.auto()  # inside a subnegotiation, after IAC


class TelnetFilter:
    """Telnet commands out of a byte stream, split anywhere.

    Usage::

        data = telnet.receive_data(chunk)   # the client's data bytes, commands removed
        reply = telnet.data_to_send()       # our refusals, to write to the client

    Attributes:
        negotiated: True once the client has sent any telnet command: only then may the host
            send it telnet bytes of its own.
        interrupted: True once the client sent Interrupt Process (``IAC IP``): the person
            pressed Ctrl-C, which on ``telnet`` as on ``nc`` means leaving.
    """

    def __init__(self, *, stray_iac_is_data: bool = False) -> None:
        """Start in the data state, nothing negotiated.

        Args:
            stray_iac_is_data: For a client that did not open with telnet negotiation (``nc``,
                or a telnet that has not negotiated yet): an IAC followed by a byte that is no
                telnet command (below 236) is data — both bytes are kept, and so is an IAC
                the stream ends with (:meth:`finish`). ``nc`` sends 0xFF as it is (Latin-1's
                ``ÿ``), never doubled, and the byte after it must not be swallowed. Commands
                (``IAC IP`` for Ctrl-C, ``IAC IAC``) are still read as telnet's.
        """
        self._stray_iac_is_data = stray_iac_is_data
        self._state = _State.DATA
        self._verb = 0
        self._refused: set[tuple[int, int]] = set()
        self._replies = bytearray()
        self.negotiated = False
        self.interrupted = False

    def receive_data(self, data: bytes) -> bytes:
        """Take the bytes that arrived; return the data bytes among them, in order."""
        if self._state is _State.DATA and IAC not in data:
            return b"" if self.interrupted else data  # the usual case: a line, no commands
        out = bytearray()
        for byte in data:
            self._step(byte, out)
        return bytes(out)

    def finish(self) -> bytes:
        """The stream ended: the data bytes still held back (a last IAC that turned out to
        be data, for a client whose stray IAC is data; otherwise nothing)."""
        held = self._state is _State.COMMAND and self._stray_iac_is_data and not self.interrupted
        self._state = _State.DATA
        return bytes((IAC,)) if held else b""

    def data_to_send(self) -> bytes:
        """Return (and forget) the negotiation replies owed to the client."""
        replies, self._replies = bytes(self._replies), bytearray()
        return replies

    def _step(self, byte: int, out: bytearray) -> None:
        """Take one byte (a data byte goes into *out*, unless the client has interrupted)."""
        state = self._state
        if state is _State.DATA:
            if byte == IAC:
                self._state = _State.COMMAND
            elif not self.interrupted:  # nothing typed after Ctrl-C counts; commands still do
                out.append(byte)
        elif state is _State.COMMAND:
            self._command(byte, out)
        elif state is _State.OPTION:
            self._option(self._verb, byte)
            self._state = _State.DATA
        elif state is _State.SUB:
            # A subnegotiation's bytes are skipped, never kept (we accept no option), so a
            # block that never ends costs nothing.
            if byte == IAC:
                self._state = _State.SUB_IAC
        else:  # SUB_IAC: IAC SE ends the block; IAC IAC (or junk) stays inside it
            self._state = _State.DATA if byte == _SE else _State.SUB

    def _command(self, byte: int, out: bytearray) -> None:
        if byte == IAC:  # IAC IAC: a literal 0xFF
            if not self.interrupted:
                out.append(IAC)
            self._state = _State.DATA
            return
        if byte < _LOWEST_COMMAND and self._stray_iac_is_data:
            if not self.interrupted:
                out += bytes((IAC, byte))
            self._state = _State.DATA
            return
        self.negotiated = True
        if byte in _OPTION_VERBS:
            self._verb, self._state = byte, _State.OPTION
        elif byte == _SB:
            self._state = _State.SUB
        else:  # NOP, GA, AYT, a stray SE, …: nothing we act on; IP: the caller ends it
            if byte == _IP:
                self.interrupted = True
            self._state = _State.DATA

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


def escape_iac(data: bytes) -> bytes:
    """Double every 0xFF, as telnet requires of data bytes (UTF-8 text never holds one)."""
    return data.replace(b"\xff", b"\xff\xff") if IAC in data else data
