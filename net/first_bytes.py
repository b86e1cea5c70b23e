"""Which kind of client opened a connection, told by its first bytes (sans-IO, no clock reads).

One port serves three kinds of client:

* our join speaks framed JSON, whose 4-byte length header starts with 0x00 (a frame is at most
  64 KiB, far below 2**24 bytes) — and it sends its ``hello`` at once;
* a negotiating ``telnet`` opens with a command: 0xFF (IAC);
* a person on ``nc`` (or a ``telnet`` that does not negotiate) types text — or waits, silent,
  for a prompt. So anything else, or silence for :data:`SILENCE` seconds, is a person.

The wait is bounded by a deadline the caller passes in and keeps (``next_deadline``), as in the
protocol objects: the sniffer reads no clock.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["SILENCE", "ClientKind", "FirstBytes"]

#: How long a silent connection may be a join that is slow to say hello before it is taken for
#: a person waiting for a prompt. A join sends its hello within one round trip of connecting.
SILENCE: Final = 0.5


class ClientKind(enum.Enum):
    """What a connection turned out to be."""

    FRAMED = "framed"  # our join: framed JSON
    TELNET = "telnet"  # a telnet client that negotiates (its bytes start with IAC)
    TEXT = "text"  # a person typing lines (nc, or telnet without negotiation)


class FirstBytes:
    """Decides a connection's :class:`ClientKind` from its first byte or its silence."""

    def __init__(self, opened: float, silence: float = SILENCE) -> None:
        """Start waiting at *opened* (the caller's monotonic clock)."""
        self._deadline = opened + silence
        self.kind: ClientKind | None = None

    def receive_data(self, data: bytes) -> ClientKind | None:
        """Judge by the first byte that arrives; returns the kind once known (else None)."""
        if self.kind is None and data:
            first = data[0]
            if first == 0x00:
                self.kind = ClientKind.FRAMED
            elif first == 0xFF:
                self.kind = ClientKind.TELNET
            else:
                self.kind = ClientKind.TEXT
        return self.kind

    def next_deadline(self) -> float | None:
        """When silence will make this a person; None once the kind is known."""
        return None if self.kind is not None else self._deadline

    def handle_timeout(self, now: float) -> ClientKind | None:
        """Silence until *now*: past the deadline, a person waiting for a prompt."""
        if self.kind is None and now >= self._deadline:
            self.kind = ClientKind.TEXT
        return self.kind
