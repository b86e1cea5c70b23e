"""What the host program needs of a connection, whichever kind of client it is.

net hands the host a join's :class:`~net.serving.PendingConnection` or, on a port that
also serves people on nc/telnet, a ``PendingText``; accepted, they become a
:class:`~net.connection.Connection` or a ``TextConnection``. The host treats both alike — the
seat keeper, the spectators, the text client's seat after a drop — so it names only what they
share, as these two protocols.
"""

from __future__ import annotations

from typing import Protocol

from net.broadcast import Broadcast
from net.errors import ConnectionClosed, RemoteProtocolError
from net.messages import Hello, Say, Show, Welcome


class Seated(Protocol):
    """An accepted connection: a join's, or a person's on nc/telnet."""

    @property
    def closed(self) -> ConnectionClosed | None:
        """How it ended, or None while it is open."""

    def send_nowait(self, message: Show) -> None:
        """Show *message* without waiting (bounded: a reader too far behind is dropped)."""

    def send_broadcast(self, broadcast: Broadcast) -> None:
        """Write a show shared by many connections, encoded once for all of them."""

    async def recv(self) -> Say | Show:
        """The next line typed (a ``Say``); raises ConnectionClosed at the end."""

    def fail(self, error: RemoteProtocolError) -> None:
        """End it for breaking the protocol, saying why."""

    async def close(self, reason: str = "left", *, code: str | None = None) -> None:
        """Say *reason* (and *code*) and close."""


class Arrival(Protocol):
    """A client whose hello (or a person's answers) was read: accept or refuse it. Hashable:
    the seat keeper keys its decisions by it."""

    def __hash__(self) -> int:
        """Identity: one arrival, one key."""

    @property
    def hello(self) -> Hello:
        """Its hello: name, code, token (a person on nc/telnet has none)."""

    @property
    def peer(self) -> tuple[str, int]:
        """Where it connects from."""

    async def accept(self, welcome: Welcome) -> Seated:
        """Send *welcome*; the open connection."""

    async def refuse(self, reason: str, code: str) -> None:
        """Send the refusal and close."""
