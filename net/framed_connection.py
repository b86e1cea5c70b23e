"""A framed connection on the host's side and the join's: :class:`Connection`, and the host's
:class:`PendingConnection` (a hello to accept or refuse) — re-exported by :mod:`net.connection`,
where the programs import them from.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Final

from net.errors import ConnectionClosed, LocalProtocolError, RemoteProtocolError
from net.link import FramedLink
from net.messages import (
    BYE_CODES,
    PROTOCOL_VERSION,
    Hello,
    Refuse,
    Say,
    Show,
    Welcome,
    kinds_unknown_to,
)

if TYPE_CHECKING:  # a join never broadcasts: not loaded at its start
    from net.broadcast import Broadcast

__all__ = ["Connection", "PendingConnection", "refuse_link"]

log = logging.getLogger("net")


class Connection:
    """An open, handshaken connection: ``send``/``recv`` of ``say``/``show``, then ``close``.

    On the host side it sends ``show`` and receives ``say``; on the join side the reverse.

    Attributes:
        peer_hello: On the host side, the join's hello (None on the join side).
        welcome: On the join side, the host's welcome (None on the host side).
        peer: The peer's (address, port).
        kind: ``"framed"`` (a person on nc/telnet has a ``TextConnection``, ``"text"``).
    """

    kind: Final = "framed"

    def __init__(
        self,
        link: FramedLink,
        *,
        peer_hello: Hello | None = None,
        welcome: Welcome | None = None,
    ) -> None:
        """Wrap a link whose handshake is complete (use :func:`connect` or ``accept``)."""
        self._link = link
        self.peer_hello = peer_hello
        self.welcome = welcome
        self.peer = link.peer
        agreed = peer_hello or welcome
        #: The protocol version of this connection: the join's, which the host answers in.
        self.version = agreed.version if agreed is not None else PROTOCOL_VERSION
        self._later_kinds = kinds_unknown_to(self.version)
        # The host shows things to the join; the join says things to the host.
        self._sends: type[Say] | type[Show] = Show if peer_hello is not None else Say

    @property
    def closed(self) -> ConnectionClosed | None:
        """How the connection ended, or None while it is open."""
        return self._link.closed

    async def send(self, message: Say | Show) -> None:
        """Send one message (one frame, one write), waiting while the peer is behind.

        Args:
            message: A ``Show`` on the host side, a ``Say`` on the join side.

        Raises:
            ConnectionClosed: The connection is over (or the peer stopped reading and was
                dropped).
            LocalProtocolError: Wrong message for this side, or too large for one frame.
        """
        self.send_nowait(message)
        link = self._link
        if link.writing_paused:  # only then is there anything to wait for
            await link.drain()

    def send_nowait(self, message: Say | Show) -> None:
        """Queue one message (one frame, one write) without waiting for the peer to catch up.

        For a side that must never block on its peer, like the host answering its own console:
        the transport's buffer is then the only outbox, and it is bounded — a peer that falls
        more than ``max_send_buffer`` bytes behind is dropped at once, rather than left to grow
        a queue in front of :meth:`send` until the keep-alive gives up on it. Frames queued
        before :meth:`close` still reach the peer ahead of the ``bye``.

        Args:
            message: A ``Show`` on the host side, a ``Say`` on the join side.

        Raises:
            ConnectionClosed: The connection is over, or the peer stopped reading and was just
                dropped for it.
            LocalProtocolError: Wrong message for this side, or too large for one frame.
        """
        # Checked here too, so that a wrong side is reported even on a closed connection; the
        # protocol object leaves out show.seq for a version 1 peer.
        if not isinstance(message, self._sends):
            raise LocalProtocolError(
                f"this side sends {self._sends.TYPE} messages, not {type(message).__name__}"
            )
        self._link.write(message)

    def send_broadcast(self, broadcast: Broadcast) -> None:
        """Send a show encoded once for many connections (one write, bounded as
        :meth:`send_nowait`; no ``show.seq``).

        Raises:
            ConnectionClosed: The connection is over, or the peer stopped reading.
            LocalProtocolError: Not the host side, or too large for one frame.
        """
        if self._sends is not Show:
            raise LocalProtocolError("only the host side sends a broadcast show")
        if self._later_kinds and broadcast.show.kind in self._later_kinds:
            return  # left out, as the protocol object leaves out a show its version lacks
        link = self._link
        link.write_encoded(broadcast.framed(link.limits.max_frame))

    async def recv(self) -> Say | Show:
        """Wait for the next message from the peer.

        Safe to cancel: a message that arrives meanwhile waits for the next call. Messages that
        arrived before the connection ended are still returned, then ConnectionClosed.

        Returns:
            A ``Say`` on the host side, a ``Show`` on the join side.

        Raises:
            ConnectionClosed: Its ``cause`` says why: ``"left"`` when the peer said bye,
                ``"lost"`` when the connection broke, ``"error"`` when the protocol was broken
                (by the peer: we then sent an ``error`` frame and closed; or by us, as the
                peer's ``error`` frame said), ``"closed"`` when we closed it ourselves.
        """
        event = await self._link.next_event()
        # Open, a protocol object yields only the lines its side receives (the handshake
        # events came before this Connection existed).
        assert isinstance(event, (Say, Show))
        return event

    def fail(self, error: RemoteProtocolError) -> None:
        """The peer broke a rule of the program's own (one net cannot know, such as the order of
        ``say.seq``): send an ``error`` frame with *error*'s reason and close.

        Ends the connection exactly as a protocol error net finds itself: frames the peer sent
        after the bad one are not returned, and the next :meth:`recv` raises ConnectionClosed
        with cause ``"error"``.
        """
        self._link.fail(error)

    def end_sending(self, reason: str = "left", *, code: str | None = None) -> None:
        """Say ``bye`` with *reason* (and *code*) and half-close, but keep receiving.

        The peer answers everything sent before the bye, then closes (PROTOCOL.md §6, "Leaving"):
        :meth:`recv` still returns those answers, then raises ConnectionClosed. Bound the wait
        yourself, then call :meth:`close`.
        """
        self._link.end_sending(*self._bye(reason, code))

    async def close(self, reason: str = "left", *, code: str | None = None) -> None:
        """Say ``bye`` with *reason* and close. Idempotent; returns within ``close_timeout``.

        Args:
            reason: For the other person; ``"left"`` when someone quit deliberately.
            code: One of :data:`~net.messages.BYE_CODES` (version 2); a version 1 peer is sent
                the code as its reason, as version 1 programs expect.
        """
        self._link.say_bye(*self._bye(reason, code))
        await self._link.wait_closed()

    def _bye(self, reason: str, code: str | None) -> tuple[str, str | None]:
        if code is not None and code not in BYE_CODES:
            raise LocalProtocolError(f"bye.code must be one of {', '.join(sorted(BYE_CODES))}")
        if self.version < 2:
            return code or reason, None
        return reason, code


class PendingConnection:
    """A peer whose hello was read and whose protocol and version are ours: accept or refuse.

    Attributes:
        hello: The join's hello (name, and code/token if given).
        peer: The join's (address, port).
        kind: ``"framed"`` (a person on nc/telnet is a ``PendingText``, ``"text"``).
    """

    kind: Final = "framed"

    def __init__(self, link: FramedLink, hello: Hello) -> None:
        """Wrap a link whose hello was accepted by net (done by :func:`serve`)."""
        self._link = link
        self.hello = hello
        self.peer = link.peer
        self.answered = False

    async def accept(self, welcome: Welcome) -> Connection:
        """Send ``welcome`` and return the open connection.

        Args:
            welcome: The seat name actually given, the host's name, the seat token, ….

        Returns:
            The connection (it sends ``show`` and receives ``say``).

        Raises:
            ConnectionClosed: The join went away, said bye or broke the protocol meanwhile
                (every frame is checked as it arrives, lines said early included).
            RuntimeError: Already accepted or refused.
        """
        self._answer()
        # The protocol object rewrites the welcome to the join's version.
        self._link.write(welcome)
        connection = Connection(self._link, peer_hello=self.hello)
        await self._link.drain()
        return connection

    async def refuse(self, reason: str, code: str) -> None:
        """Send ``refuse`` and close (bounded by ``close_timeout``).

        Args:
            reason: One sentence for the person, e.g. "this table is full".
            code: ``version``, ``full``, ``bad-code``, ``bad-token``, ``rate-limited`` or
                ``bad-hello``.

        Raises:
            LocalProtocolError: ``reason`` empty or ``code`` unknown.
            RuntimeError: Already accepted or refused.
        """
        message = Refuse(reason=reason, code=code)  # validate before anything is sent
        self._answer()
        await refuse_link(self._link, message)

    def _answer(self) -> None:
        if self.answered:
            raise RuntimeError("this connection was already accepted or refused")
        self.answered = True


async def refuse_link(link: FramedLink, message: Refuse, *, level: int = logging.INFO) -> None:
    """Send *message* (a refuse) on *link*, log it at *level*, and close (bounded)."""
    log.log(level, "refusing %s:%d (%s): %s", *link.peer, message.code, message.reason)
    with contextlib.suppress(ConnectionClosed):
        link.write(message)
    link.end("refused")
    await link.wait_closed()
