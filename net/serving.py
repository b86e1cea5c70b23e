"""The host's side of the wire: :func:`serve`, and what it hands the program — a join's
:class:`PendingConnection`, a person's :class:`PendingText` (accepted, a
:class:`TextConnection`) — with the :class:`TextService` that words a person's prompts, and
:data:`CROWDED`.

Each accepted connection gets its own handler task. Without a text service, the connection is
a framed :class:`net.link.FramedLink` from the start: its hello is read (the sans-IO protocol object
vets it) and the program's ``on_connect`` gets a :class:`PendingConnection`. With one, the
sniffer (:mod:`net.sniffer`) first tells a join from a person and hands the connection to
the framed link or to the text link (:mod:`net.text_connection` greets the person). Either way
the connection waits in the one waiting room (:class:`net.waiting.ServerWaitingRoom`) until it has
said hello or answered its prompts.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, overload

from net.accept_log import quiet_accept_errors
from net.errors import ConnectionClosed, RemoteProtocolError
from net.framed_connection import PendingConnection
from net.host_protocol import HostProtocol
from net.link import DEFAULT_LIMITS, FramedLink, Limits
from net.messages import Hello
from net.protocol_events import HelloReceived, HelloRejected
from net.sniffer import Sniffer
from net.text_connection import PendingText, TextConnection, TextService, serve_text
from net.text_link import TextLink
from net.waiting import CROWDED, ServerWaitingRoom, Waiter

__all__ = [
    "CROWDED",
    "PendingConnection",
    "PendingText",
    "TextConnection",
    "TextService",
    "serve",
]

log = logging.getLogger("net")


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
    second of silence: :mod:`net.sniffer`); a person is greeted and asked their name (and the
    join code) as *text* says, then *on_connect* gets a :class:`PendingText` — the same
    ``hello``/``peer``/``accept``/``refuse`` as a :class:`PendingConnection` (``kind`` tells
    them apart) — and an accepted person is a :class:`TextConnection`.

    Connections that have not said hello yet are capped (``max_pending``, and
    ``max_pending_per_address``): past the cap one of them — the longest waiting from the
    address with the most waiting, people typing at a prompt last (:mod:`net.waiting`) — gets
    an ``error`` frame (:data:`CROWDED`) and is closed at once. With *text*, connections not
    yet told apart and people still at their prompts count too (a person is told the same
    sentence). And since a process out of file descriptors makes asyncio log a failed
    accept() a hundred times a second, this installs :func:`net.accept_log.quiet_accept_errors`
    (one line a minute) on the ``"asyncio"`` logger.

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
    waiting_room: ServerWaitingRoom[Waiter] = ServerWaitingRoom(
        limits.max_pending, limits.max_pending_per_address
    )
    quiet_accept_errors()

    def run(work: Coroutine[Any, Any, None]) -> None:
        task = loop.create_task(work)
        handlers.add(task)
        task.add_done_callback(handlers.discard)

    def make_link() -> FramedLink:
        link = _ServerLink(limits, waiting_room)
        run(_handle(link, on_connect, notices, waiting_room))
        return link

    def make_doorstep() -> Sniffer:
        def framed(sniffer: Sniffer) -> FramedLink:
            return _ServerLink(limits, waiting_room, opened=sniffer.opened, ticket=sniffer)

        sniffer = Sniffer(limits, waiting_room, framed)
        assert text is not None
        run(_handle_doorstep(sniffer, on_connect, notices, waiting_room, text))
        return sniffer

    # The handler tasks stay reachable through this factory, which the server holds.
    if text is None:
        return await loop.create_server(make_link, host, port, reuse_address=True)
    return await loop.create_server(make_doorstep, host, port, reuse_address=True)


class _ServerLink(FramedLink):
    """A link created by ``serve``: it waits in the waiting_room until it says hello, and its
    handler task waits until the socket is attached."""

    def __init__(
        self,
        limits: Limits,
        waiting_room: ServerWaitingRoom[Waiter],
        *,
        opened: float | None = None,
        ticket: Waiter | None = None,
    ) -> None:
        # The hello deadline counts from the accept: now, or when the sniffer accepted it.
        loop = asyncio.get_running_loop()
        super().__init__(HostProtocol(limits, loop.time() if opened is None else opened))
        self.made: asyncio.Future[None] = self.loop.create_future()
        self._doorway = waiting_room
        #: Its place in the waiting room: itself, or the sniffer that handed it over (which
        #: entered the room when the connection was accepted).
        self.ticket: Waiter = self if ticket is None else ticket

    @property
    def typing(self) -> bool:
        """Never: a join is no person typing at a prompt (it says hello at once)."""
        return False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if self.ticket is self:
            # At once, not in the handler task: a flood must not get a loop step ahead of
            # the cap.
            self._doorway.enter(self, self.loop.time())
        self.made.set_result(None)


async def _handle_doorstep(
    sniffer: Sniffer,
    on_connect: Callable[[Any], Awaitable[None]],
    notices: _NoticeLimiter,
    waiting_room: ServerWaitingRoom[Waiter],
    text: TextService,
) -> None:
    """Wait until the sniffer knows what the connection is, then serve it as that."""
    try:
        link = await sniffer.switched
    except asyncio.CancelledError:
        sniffer.abort()
        waiting_room.leave(sniffer)
        raise
    if link is None:
        waiting_room.leave(sniffer)
    elif isinstance(link, TextLink):
        await serve_text(link, on_connect, text, lambda: waiting_room.leave(sniffer))
    else:
        assert isinstance(link, _ServerLink)
        await _handle(link, on_connect, notices, waiting_room)


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
    waiting_room: ServerWaitingRoom[Waiter],
) -> None:
    """Run one incoming connection: handshake, then hand it to *on_connect*; contain failures."""
    pending: PendingConnection | None = None
    try:
        await link.made
        try:
            hello = await _read_hello(link, notices)
        finally:
            waiting_room.leave(link.ticket)
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


async def _read_hello(link: FramedLink, notices: _NoticeLimiter) -> Hello | None:
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
