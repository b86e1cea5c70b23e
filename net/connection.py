"""The connection API that the programs use: ``connect``, ``serve``, ``Connection``.

A connection opens with a handshake: the join sends ``hello``; the host answers ``welcome``
(then both sides exchange ``say``/``show`` and keep-alive pings) or ``refuse`` (then closes).
A wrong protocol name or version is refused by :func:`serve` itself, before the program's
``on_connect`` sees anything, and :func:`connect` raises with both versions named.

The protocol rules — framing, the handshake and version negotiation, deadlines, keep-alive,
the ordered bye — live in the sans-IO protocol objects (:mod:`net.host_protocol`,
:mod:`net.join_protocol`); :class:`net.link.Link` drives one over a socket; this module is the
typed surface on top (and the join's one fallback to a version 1 hello).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final, overload

from net.accept_log import quiet_accept_errors
from net.broadcast import Broadcast
from net.doorstep import Doorstep
from net.errors import (
    ConnectionClosed,
    HandshakeError,
    LocalProtocolError,
    Refused,
    RemoteProtocolError,
)
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol, fallback_hello
from net.link import CONNECTION_LOST, DEFAULT_LIMITS, Limits, Link
from net.messages import (
    BYE_CODES,
    PROTOCOL_VERSION,
    Hello,
    Refuse,
    Say,
    Show,
    Welcome,
)
from net.protocol_events import (
    HelloReceived,
    HelloRejected,
    ProtocolFailed,
    RefusedByHost,
    TimedOut,
    Welcomed,
)
from net.text_connection import PendingText, TextConnection, TextService, serve_text
from net.text_link import TextLink
from net.waiting import CROWDED, Doorway, Waiter

__all__ = [
    "CONNECTION_LOST",
    "CROWDED",
    "Connection",
    "ConnectionClosed",
    "HandshakeError",
    "Limits",
    "PendingConnection",
    "PendingText",
    "Refused",
    "TextConnection",
    "TextService",
    "connect",
    "serve",
]

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
        link: Link,
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

    def __init__(self, link: Link, hello: Hello) -> None:
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
        await _refuse(self._link, message)

    def _answer(self) -> None:
        if self.answered:
            raise RuntimeError("this connection was already accepted or refused")
        self.answered = True


async def _refuse(link: Link, message: Refuse, *, level: int = logging.INFO) -> None:
    log.log(level, "refusing %s:%d (%s): %s", *link.peer, message.code, message.reason)
    with contextlib.suppress(ConnectionClosed):
        link.write(message)
    link.end("refused")
    await link.wait_closed()


async def connect(
    host: str, port: int, hello: Hello, *, limits: Limits = DEFAULT_LIMITS
) -> Connection:
    """Connect to a host, send *hello* and wait for the answer (all within ``hello_timeout``).

    A host that speaks only version 1 refuses a version 2 hello with code ``version``: then
    the same hello is sent once more in version 1, without ``seen`` (PROTOCOL.md §3), on a new
    connection and within what is left of the same ``hello_timeout``.

    Args:
        host: Address or name of the host.
        port: TCP port.
        hello: Our hello (name, and code/token when needed).
        limits: Deadlines and sizes.

    Returns:
        The open connection; ``connection.welcome`` holds the host's welcome (its
        ``version`` is the one spoken: 1 after a fallback).

    Raises:
        Refused: The host refused us (``.reason`` for the person, ``.code`` for the program).
        HandshakeError: No answer in time, the host closed, speaks another protocol or
            version, or sent something invalid.
        OSError: Could not connect at all (e.g. ConnectionRefusedError: nothing listening).
        LocalProtocolError: The hello does not fit in a frame (nothing is connected).
    """
    start = asyncio.get_running_loop().time()
    try:
        return await _connect_once(host, port, hello, limits, start)
    except Refused as refused:
        retry = fallback_hello(hello, Refuse(reason=refused.reason, code=refused.code))
        if retry is None:
            raise
        log.info("%s:%d speaks only version 1: saying hello again in version 1", host, port)
        return await _connect_once(host, port, retry, limits, start)


async def _connect_once(
    host: str, port: int, hello: Hello, limits: Limits, start: float
) -> Connection:
    """One attempt of :func:`connect`, its deadlines counted from *start*."""
    loop = asyncio.get_running_loop()
    protocol = JoinProtocol(hello, limits, start)  # LocalProtocolError before any socket
    where = f"{host}:{port}"
    link: Link | None = None
    try:
        # The connect itself is the one wait the protocol object cannot see; the answer's
        # deadline is the protocol object's, at the same moment.
        async with asyncio.timeout_at(start + limits.hello_timeout) as timer:
            _, link = await loop.create_connection(lambda: Link(protocol), host, port)
    except TimeoutError:
        if not timer.expired():
            raise  # the system's own connect timeout: could not connect at all (OSError)
        raise HandshakeError(f"no answer from {where} within {limits.hello_timeout:g} s") from None
    try:
        event = await link.next_event()
    except ConnectionClosed as closed:
        await link.wait_closed()
        ending = protocol.ended
        if isinstance(ending, RefusedByHost):
            raise Refused(ending.refuse.reason, ending.refuse.code) from None
        if isinstance(ending, TimedOut) and ending.deadline == "answer":
            raise HandshakeError(
                f"no answer from {where} within {limits.hello_timeout:g} s"
            ) from None
        if isinstance(ending, ProtocolFailed):
            raise HandshakeError(ending.error.reason) from ending.error
        raise HandshakeError(f"{where} closed the connection: {closed.reason}") from None
    except BaseException:
        # Cancelled: whoever cancelled us will never close this socket. Leave none behind.
        link.abort("cancelled or failed while connecting")
        raise
    assert isinstance(event, Welcomed)
    return Connection(link, welcome=event.welcome)


@overload
async def serve(
    on_connect: Callable[[PendingConnection], Awaitable[None]],
    host: str,
    port: int,
    *,
    limits: Limits = ...,
    text: None = None,
) -> asyncio.Server: ...


@overload
async def serve(
    on_connect: Callable[[PendingConnection | PendingText], Awaitable[None]],
    host: str,
    port: int,
    *,
    limits: Limits = ...,
    text: TextService,
) -> asyncio.Server: ...


async def serve(
    on_connect: Callable[[Any], Awaitable[None]],
    host: str,
    port: int,
    *,
    limits: Limits = DEFAULT_LIMITS,
    text: TextService | None = None,
) -> asyncio.Server:
    """Listen for joins (and, with *text*, people on nc/telnet); call *on_connect* for each.

    Each connection is handled in its own task: the hello must arrive within
    ``hello_timeout``; a wrong protocol or version is refused here (code ``version``), a
    malformed hello too (code ``bad-hello``), and garbage gets an ``error`` frame. Any exception
    from one connection, *on_connect* included, is logged (logger ``"net"``) and contained.

    With *text*, the first bytes tell a join (0x00) from a person (anything else, or half a
    second of silence: :mod:`net.doorstep`); a person is greeted and asked their name (and the
    join code) as *text* says, then *on_connect* gets a :class:`PendingText` — the same
    ``hello``/``peer``/``accept``/``refuse`` as a :class:`PendingConnection` (``kind`` tells
    them apart) — and an accepted person is a :class:`TextConnection`.

    Connections that have not said hello yet are capped (``max_pending``, and
    ``max_pending_per_address``): past the cap the one waiting longest gets an ``error`` frame
    (:data:`CROWDED`) and is closed at once. With *text*, connections not yet told apart and
    people still at their prompts count too (a person is told the same sentence). And since a
    process out of file descriptors makes asyncio log a failed accept() a hundred times a
    second, this installs :func:`net.accept_log.quiet_accept_errors` (one line a minute) on the
    ``"asyncio"`` logger.

    Args:
        on_connect: Called with a :class:`PendingConnection` (or :class:`PendingText`); it
            should ``accept`` or ``refuse`` it, and may keep using the connection for as long
            as it likes. If it returns without answering, the peer gets an error.
        host: Address to bind (``"127.0.0.1"``, ``"0.0.0.0"``, ``"::"``, …).
        port: TCP port; 0 picks a free one (read ``server.sockets[0].getsockname()[1]``).
        limits: Deadlines and sizes for every connection.
        text: Serve people on nc/telnet too, as this says; None: joins only.

    Returns:
        The listening server (SO_REUSEADDR set, so a restarted host can rebind at once).

    Raises:
        OSError: The address cannot be bound.
    """
    loop = asyncio.get_running_loop()
    handlers: set[asyncio.Task[None]] = set()
    notices = _NoticeLimiter()
    doorway: Doorway[Waiter] = Doorway(limits.max_pending, limits.max_pending_per_address)
    quiet_accept_errors()

    def run(work: Coroutine[Any, Any, None]) -> None:
        task = loop.create_task(work)
        handlers.add(task)
        task.add_done_callback(handlers.discard)

    def make_link() -> Link:
        link = _ServerLink(limits, doorway)
        run(_handle(link, on_connect, notices, doorway))
        return link

    def make_doorstep() -> Doorstep:
        def framed(doorstep: Doorstep) -> Link:
            return _ServerLink(limits, doorway, opened=doorstep.opened, ticket=doorstep)

        doorstep = Doorstep(limits, doorway, framed)
        assert text is not None
        run(_handle_doorstep(doorstep, on_connect, notices, doorway, text))
        return doorstep

    # The handler tasks stay reachable through this factory, which the server holds.
    if text is None:
        return await loop.create_server(make_link, host, port, reuse_address=True)
    return await loop.create_server(make_doorstep, host, port, reuse_address=True)


class _ServerLink(Link):
    """A link created by ``serve``: it waits in the doorway until it says hello, and its
    handler task waits until the socket is attached."""

    def __init__(
        self,
        limits: Limits,
        doorway: Doorway[Waiter],
        *,
        opened: float | None = None,
        ticket: Waiter | None = None,
    ) -> None:
        # The hello deadline counts from the accept: now, or when the doorstep accepted it.
        loop = asyncio.get_running_loop()
        super().__init__(HostProtocol(limits, loop.time() if opened is None else opened))
        self.made: asyncio.Future[None] = self.loop.create_future()
        self._doorway = doorway
        #: Its place in the waiting room: itself, or the doorstep that handed it over (which
        #: entered the room when the connection was accepted).
        self.ticket: Waiter = self if ticket is None else ticket

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self.ticket is self:
            # At once, not in the handler task: a flood must not get a loop step ahead of
            # the cap.
            self._doorway.enter(self, self.loop.time())
        self.made.set_result(None)


async def _handle_doorstep(
    doorstep: Doorstep,
    on_connect: Callable[[Any], Awaitable[None]],
    notices: _NoticeLimiter,
    doorway: Doorway[Waiter],
    text: TextService,
) -> None:
    """Wait until the doorstep knows what the connection is, then serve it as that."""
    try:
        link = await doorstep.switched
    except asyncio.CancelledError:
        doorstep.abort()
        doorway.leave(doorstep)
        raise
    if link is None:
        doorway.leave(doorstep)
    elif isinstance(link, TextLink):
        await serve_text(link, on_connect, text, lambda: doorway.leave(doorstep))
    else:
        assert isinstance(link, _ServerLink)
        await _handle(link, on_connect, notices, doorway)


class _NoticeLimiter:
    """Says whether something from an address deserves a WARNING: once per address per window.

    A WARNING is what the host program shows the person as a notice; a peer reconnecting in a
    loop with the wrong version must not flood that screen. Bounded in size: past
    ``max_addresses`` the address seen least recently is forgotten (at worst, it warns again).
    """

    def __init__(self, window: float = 60.0, max_addresses: int = 256) -> None:
        self._window = window
        self._max = max_addresses
        self._last: collections.OrderedDict[str, float] = collections.OrderedDict()

    def __len__(self) -> int:
        return len(self._last)

    def warn(self, address: str, now: float) -> bool:
        """True (and remembered) unless *address* was warned about within the window."""
        last = self._last.get(address)
        if last is not None and now - last < self._window:
            return False
        self._last[address] = now
        self._last.move_to_end(address)
        while len(self._last) > self._max:
            self._last.popitem(last=False)
        return True


async def _handle(
    link: _ServerLink,
    on_connect: Callable[[Any], Awaitable[None]],
    notices: _NoticeLimiter,
    doorway: Doorway[Waiter],
) -> None:
    """Run one incoming connection: handshake, then hand it to *on_connect*; contain failures."""
    pending: PendingConnection | None = None
    try:
        await link.made
        try:
            hello = await _read_hello(link, notices)
        finally:
            doorway.leave(link.ticket)
        if hello is None:
            return
        pending = PendingConnection(link, hello)
        await on_connect(pending)
        if not pending.answered:
            log.warning("on_connect neither accepted nor refused %s:%d", *link.peer)
            link.send_error("the host did not answer the hello", "not answered", cause="closed")
            await link.wait_closed()
    except (ConnectionClosed, RemoteProtocolError) as exc:
        # Expected ends: the join vanished or misbehaved; the link has already reacted.
        log.info("connection from %s:%d ended: %s", *link.peer, exc)
        await link.wait_closed()
    except Exception:
        # A bug in on_connect (or here) ends this connection only; the server keeps serving.
        log.exception("error while serving %s:%d", *link.peer)
        link.send_error("internal error on the host", "internal error", cause="closed")
        await link.wait_closed()
    except asyncio.CancelledError:
        link.abort("server shutting down")
        raise


async def _read_hello(link: Link, notices: _NoticeLimiter) -> Hello | None:
    """Wait for the hello (the protocol object vets it); None once it was refused or failed."""
    try:
        event = await link.next_event()
    except ConnectionClosed:
        ending = link.protocol.ended
        if isinstance(ending, HelloRejected):
            refuse = ending.refuse
            level = logging.INFO
            # WARNING (shown to the host person): someone runs an incompatible program. Once a
            # minute per address at most, so a join retrying in a loop cannot flood the screen.
            if refuse.code == "version" and notices.warn(link.peer[0], link.loop.time()):
                level = logging.WARNING
            log.log(level, "refusing %s:%d (%s): %s", *link.peer, refuse.code, refuse.reason)
        await link.wait_closed()
        return None
    assert isinstance(event, HelloReceived)
    return event.hello
