"""The sniffer: the first protocol of every connection to a host that also serves people.

A new connection is neither a join nor a person yet. The sniffer reads its first bytes into
a small buffer and asks :class:`net.first_bytes.FirstBytes` what it is: 0x00 is a join's
frame, 0xFF a negotiating telnet, anything else — or :data:`~net.first_bytes.SILENCE` with
nothing at all — a person. Then it hands the transport over (``transport.set_protocol``)
to the framed link or to the text link, with the bytes it already read, in the same callback:
no byte can arrive in between.

The sniffer is the connection's place in the waiting room (:class:`net.waiting.ServerWaitingRoom`)
from the moment it is accepted until the hello (framed) or the last prompt (text): silent
connections, people at their prompts and joins slow to say hello all count against the same
cap, and whoever must leave is turned away by the protocol that holds the transport then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Final

from net.first_bytes import SILENCE, ClientKind, FirstBytes
from net.limits import Limits
from net.link import FramedLink
from net.text_link import TextLink
from net.waiting import ServerWaitingRoom, Waiter

__all__ = ["Sniffer"]

log = logging.getLogger("net")

#: Only the first read happens here, and it decides: a small buffer keeps a flood of silent
#: connections cheap (the link it hands over to starts small too).
_SNIFF_SIZE: Final = 512


class Sniffer(asyncio.BufferedProtocol):
    """Sniffs a connection's first bytes and hands it over (see the module docstring).

    Attributes:
        opened: When the connection was accepted (the loop's clock): a join's hello deadline
            counts from it.
        peer: The peer's (address, port).
        switched: Done with the link that took the connection over, or None if it ended first.
    """

    def __init__(
        self,
        limits: Limits,
        waiting_room: ServerWaitingRoom[Waiter],
        make_framed: Callable[[Sniffer], FramedLink],
        silence: float = SILENCE,
    ) -> None:
        """Wait for a connection.

        Args:
            limits: The connection's limits (for a text link).
            waiting_room: The server's waiting room; the sniffer enters it once connected.
            make_framed: Makes the framed link for this sniffer (its hello deadline counting
                from :attr:`opened`).
            silence: How long silence takes to mean a person.
        """
        self.loop = asyncio.get_running_loop()
        self.opened = self.loop.time()
        self.peer: tuple[str, int] = ("?", 0)
        self.switched: asyncio.Future[FramedLink | TextLink | None] = self.loop.create_future()
        self._limits = limits
        self._doorway = waiting_room
        self._make_framed = make_framed
        self._sniff = FirstBytes(self.opened, silence)
        self._buffer = memoryview(bytearray(_SNIFF_SIZE))
        self._transport: asyncio.Transport | None = None
        self._link: FramedLink | TextLink | None = None
        self._timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Enter the waiting room at once and wait for the first bytes (or the silence)."""
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.peer = (str(peer[0]), int(peer[1]))
        # At once, not in the handler task: a flood must not get a loop step ahead of the cap.
        self._doorway.enter(self, self.loop.time())
        deadline = self._sniff.next_deadline()
        if deadline is not None and not transport.is_closing():
            self._timer = self.loop.call_at(deadline, self._on_silence)

    def get_buffer(self, sizehint: int) -> memoryview:
        """The small buffer the first read goes into."""
        return self._buffer

    def buffer_updated(self, nbytes: int) -> None:
        """The first bytes arrived: they decide."""
        data = self._buffer[:nbytes].tobytes()
        kind = self._sniff.receive_data(data)
        if kind is not None:
            self._switch(kind, data)

    def eof_received(self) -> bool:
        """Closed before a word: nothing to serve."""
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        """Gone before it was told apart (or turned away)."""
        self._stop_timer()
        if not self.switched.done():
            self.switched.set_result(None)

    def _on_silence(self) -> None:
        self._timer = None
        kind = self._sniff.handle_timeout(self.loop.time())
        if kind is not None and self._link is None:
            self._switch(kind, b"")

    def _switch(self, kind: ClientKind, data: bytes) -> None:
        self._stop_timer()
        transport = self._transport
        if transport is None or transport.is_closing() or self.switched.done():
            return
        link: FramedLink | TextLink
        if kind is ClientKind.FRAMED:
            link = self._make_framed(self)
        else:
            link = TextLink(self._limits, telnet=kind is ClientKind.TELNET)
        self._link = link
        log.debug("%s:%d is %s", *self.peer, kind.value)
        transport.set_protocol(link)
        link.connection_made(transport)
        if data:
            link.data_received(data)
        self.switched.set_result(link)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    @property
    def typing(self) -> bool:
        """True once the person this turned out to be has typed something (at the waiting
        room's choosing, kept longer than connections that sent nothing)."""
        link = self._link
        return isinstance(link, TextLink) and link.typed

    def turn_away(self, reason: str) -> None:
        """The waiting room is full and this one waited longest: the link in charge says
        *reason* and closes; still undecided, it is closed without a word (its kind unknown)."""
        if self._link is not None:
            self._link.turn_away(reason)
            return
        self._stop_timer()
        if self._transport is not None:
            self._transport.abort()

    def abort(self) -> None:
        """Cut the connection (the server is shutting down)."""
        self._stop_timer()
        if self._link is not None:
            self._link.abort("server shutting down")
        elif self._transport is not None:
            self._transport.abort()
