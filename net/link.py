"""One TCP connection: the thin asyncio adapter under :mod:`net.connection`.

Every protocol rule — the handshake, keep-alive, the hello, slow-frame and silence deadlines,
the ordered bye, nothing read after an error, version negotiation — lives in the sans-IO
protocol object it drives (:class:`net.host_protocol.HostProtocol` or
:class:`net.join_protocol.JoinProtocol`). What is left here is I/O:

* bytes go straight from the socket into the protocol object (an ``asyncio.BufferedProtocol``
  reading into one reused buffer, instead of a fresh 256 KiB ``bytes`` per read), and a
  receiver waiting in :meth:`Link.next_event` wakes one loop step after they arrive; nothing is
  buffered inside a coroutine, so cancelling a receive loses nothing;
* ONE timer, armed at the protocol's ``next_deadline()`` (lazily: a deadline that moved later
  is re-armed when the timer fires, so a busy connection does not re-arm on every read);
* flow control: reading stops while 64 events wait unread (TCP then holds the peer back), and
  the protocol is told, so the wait is not held against the peer;
* the bounded send buffer, "peer stopped reading" for a sender that waits, half-close and the
  bounded graceful close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Final

from net.errors import Cause, ConnectionClosed, LocalProtocolError, RemoteProtocolError
from net.limits import DEFAULT_LIMITS, Limits
from net.messages import Bye, Error, Message, Say, Show
from net.protocol_base import ProtocolBase
from net.protocol_events import (
    NEED_DATA,
    ConnectionLost,
    Ending,
    HelloReceived,
    HelloRejected,
    PeerClosed,
    PeerFailed,
    PeerLeft,
    ProtocolFailed,
    RefusedByHost,
    TimedOut,
    Welcomed,
)

__all__ = ["CONNECTION_LOST", "DEFAULT_LIMITS", "Limits", "Link"]

log = logging.getLogger("net")

CONNECTION_LOST: Final = "connection lost"
#: Stop reading the socket when this many events wait unread: TCP flow control then holds the
#: peer back, so a consumer that is slow (or not reading) cannot make us buffer without bound.
_INBOX_HIGH: Final = 64
_INBOX_LOW: Final = 16

#: The receive buffer the transport reads into (see Link.get_buffer) starts this small: a
#: hello, a chat line or a tic-tac-toe board fits, and a connection that never says anything —
#: thousands of them, in a flood — costs a kilobyte each instead of 64 (issue 8 §5).
_FIRST_READ_SIZE: Final = 1024
#: It grows, by doubling, up to this: when a frame declares more than fits, or when a read
#: fills it (more is waiting: a burst, a resume catch-up). It never shrinks: only connections
#: that really sent that much pay for it.
_MAX_READ_SIZE: Final = 64 * 1024


def closed_by(ending: Ending) -> ConnectionClosed:
    """The :class:`~net.errors.ConnectionClosed` a program sees for a protocol ending.

    Args:
        ending: The protocol object's ending event.

    Returns:
        The outcome, with its ``cause`` (and ``code`` after a bye).
    """
    if isinstance(ending, PeerLeft):
        return ConnectionClosed(ending.reason, cause="left", code=ending.code)
    if isinstance(ending, PeerClosed):
        return ConnectionClosed("left", cause="closed")  # the answer to our own bye
    if isinstance(ending, PeerFailed):
        return ConnectionClosed(f"peer reported a protocol error: {ending.reason}", cause="error")
    if isinstance(ending, ProtocolFailed):
        return ConnectionClosed(f"protocol error: {ending.error.reason}", cause="error")
    if isinstance(ending, TimedOut):
        if ending.deadline in ("hello", "frame"):  # the peer was sent an error frame for it
            return ConnectionClosed(f"protocol error: {ending.reason}", cause="error")
        return ConnectionClosed(f"{CONNECTION_LOST}: {ending.reason}", cause="lost")
    if isinstance(ending, HelloRejected):
        return ConnectionClosed("refused", cause="closed")
    if isinstance(ending, RefusedByHost):
        return ConnectionClosed(f"refused: {ending.refuse.reason}", cause="closed")
    assert isinstance(ending, ConnectionLost)
    return ConnectionClosed(CONNECTION_LOST, cause="lost")


class Link(asyncio.BufferedProtocol):
    """The asyncio protocol for one connection (see the module docstring).

    Attributes:
        protocol: The sans-IO protocol object it drives.
        limits: Its limits (the protocol object's).
        peer: The peer's (address, port).
        closed: How the link ended, once it has; every later call raises it.
    """

    def __init__(self, protocol: ProtocolBase) -> None:
        """Create an unconnected link driving *protocol*.

        Args:
            protocol: A fresh host or join protocol object.
        """
        self.protocol = protocol
        self.limits = protocol.limits
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.peer: tuple[str, int] = ("?", 0)
        self.closed: ConnectionClosed | None = None
        self.lost: asyncio.Future[None] = self.loop.create_future()
        # A BufferedProtocol: the transport recv_into()s this one buffer. With a plain Protocol
        # asyncio allocates a fresh 256 KiB bytes per read (mmap + mremap + munmap on Linux),
        # three system calls per message that cost more than all our JSON work.
        self._read_view = memoryview(bytearray(_FIRST_READ_SIZE))
        self._read_filled = False  # the last read filled the buffer: more is probably waiting
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._writing_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._abort_timer: asyncio.TimerHandle | None = None
        # The peer's bye behind events still unread: the link ends when they have been read,
        # so what they ask for can still be answered (PROTOCOL.md §6, "Leaving").
        self._peer_bye: ConnectionClosed | None = None
        self._peer_eof = False  # the peer half-closed after its bye; we kept our side open

    # ------------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the socket, send what the protocol opens with, start its deadlines."""
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and len(peer) >= 2:
            self.peer = (str(peer[0]), int(peer[1]))
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # asyncio already sets this for TCP; be explicit: a frame must not wait for an ACK.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        high = min(64 * 1024, self.limits.max_send_buffer)
        transport.set_write_buffer_limits(high=high, low=high // 4)
        self._after_protocol()  # the join's hello; the hello deadline

    def get_buffer(self, sizehint: int) -> memoryview:
        """Where the transport should put the next bytes it reads (grown when needed)."""
        size = len(self._read_view)
        if size < _MAX_READ_SIZE:
            remaining = self.protocol.frame_remaining
            if self._read_filled or remaining > size:
                wanted = max(size * 2, remaining)
                self._read_view = memoryview(bytearray(min(wanted, _MAX_READ_SIZE)))
        return self._read_view

    @property
    def receive_buffer_size(self) -> int:
        """Bytes the transport can read at once into this link's receive buffer."""
        return len(self._read_view)

    def buffer_updated(self, nbytes: int) -> None:
        """The transport put *nbytes* into our buffer."""
        self._read_filled = nbytes == len(self._read_view)
        self.data_received(self._read_view[:nbytes].tobytes())

    def data_received(self, data: bytes) -> None:
        """Feed the protocol object and act on what it produced."""
        if self.closed is not None or self._peer_bye is not None:
            return  # closing: discard until the peer closes too (or the abort timer fires)
        try:
            self.protocol.receive_data(data, self.loop.time())
            self._after_protocol()
        except Exception:  # never let a bug escape into the event loop's transport code
            log.exception("internal error handling data from %s:%d", *self.peer)
            self.abort("internal error")

    def eof_received(self) -> bool:
        """The peer half-closed: after a bye that is expected, otherwise the link is lost."""
        if self._peer_bye is not None and self.closed is None:
            self._peer_eof = True
            return True  # keep our sending side open: the frames before its bye get answers
        self.protocol.receive_data(b"", self.loop.time())
        self._after_protocol()
        self._finish(ConnectionClosed(CONNECTION_LOST, cause="lost"))
        return False  # let the transport close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        """Record the end and wake everyone waiting."""
        # After the peer's bye, its going away is its leaving, whatever happens to the socket.
        self._finish(self._peer_bye or ConnectionClosed(CONNECTION_LOST, cause="lost"))
        self._cancel(self._abort_timer)
        if not self.lost.done():
            self.lost.set_result(None)

    @property
    def writing_paused(self) -> bool:
        """True while the transport's buffer is above its high-water mark."""
        return self._writing_paused

    def pause_writing(self) -> None:
        """The transport's buffer is above the high-water mark."""
        self._writing_paused = True

    def resume_writing(self) -> None:
        """The transport's buffer drained below the low-water mark."""
        self._writing_paused = False
        self._wake_drainers()

    # ------------------------------------------------------------------ the protocol object

    def _after_protocol(self) -> None:
        """Write what the protocol produced, react to its ending, wake readers, re-arm."""
        protocol = self.protocol
        out = protocol.data_to_send()
        if out and self.closed is None:
            # A peer that floods pings and never reads fills our send buffer: the write then
            # drops it (the link is closed, and the receiving side reports it).
            with contextlib.suppress(ConnectionClosed):
                self._write_frame(out)
        ending = protocol.ended
        if ending is not None and self.closed is None and self._peer_bye is None:
            self._react(ending)
        pending = protocol.pending_events
        if pending:
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            if pending >= _INBOX_HIGH and not self._reading_paused and self.closed is None:
                self._pause_reading()
        if self.closed is None:
            self._arm()

    def _react(self, ending: Ending) -> None:
        """The protocol ended: close the socket the way that ending calls for."""
        closed = closed_by(ending)
        if isinstance(ending, PeerLeft):
            if self.protocol.pending_events > 1 and not self.protocol.bye_sent:
                # Events before the bye are still to be read (and answered): end the link once
                # they have been (next_event).
                self._peer_bye = closed
                return
            self._finish(closed)
            self._shutdown()
        elif isinstance(ending, ConnectionLost | PeerClosed):
            self._finish(closed)  # eof_received lets the transport close
        elif isinstance(ending, TimedOut) and ending.deadline in ("silence", "answer"):
            log.info("%s:%d: %s", *self.peer, closed.reason)
            self.abort(closed.reason, cause="lost")
        else:
            if isinstance(ending, ProtocolFailed | TimedOut):
                log.info("protocol error from %s:%d: %s", *self.peer, closed.reason)
            elif isinstance(ending, PeerFailed):
                log.info("%s:%d reported a protocol error: %s", *self.peer, ending.reason)
            self._finish(closed)
            self._shutdown()

    def _arm(self) -> None:
        """Have the one timer fire at the protocol's next deadline (or earlier)."""
        deadline = self.protocol.next_deadline()
        if deadline is None:
            return
        timer = self._timer
        if timer is not None:
            if deadline >= self._timer_at:
                return  # the armed timer fires first and re-arms then
            timer.cancel()
        self._timer_at = deadline
        self._timer = self.loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self.closed is not None:
            return
        try:
            # The loop runs a timer up to its clock resolution early: it is due all the same.
            self.protocol.handle_timeout(max(self.loop.time(), self._timer_at))
            self._after_protocol()
        except Exception:
            log.exception("internal error in a deadline of %s:%d", *self.peer)
            self.abort("internal error")

    def _pause_reading(self) -> None:
        """Too many events wait unread: stop reading; the wait is ours, not the peer's."""
        self._reading_paused = True
        self.protocol.pause_reading()
        assert self.transport is not None
        self.transport.pause_reading()

    def _resume_reading(self) -> None:
        self._reading_paused = False
        self.protocol.resume_reading(self.loop.time())
        assert self.transport is not None
        self.transport.resume_reading()
        self._arm()

    # ------------------------------------------------------------------ receiving

    async def next_event(self) -> HelloReceived | Welcomed | Say | Show:
        """Return the next event that does not end the link, waiting if needed.

        Cancel-safe: events stay queued in the protocol object until returned.

        Returns:
            The host's :class:`HelloReceived` or the join's :class:`Welcomed`, then lines.

        Raises:
            ConnectionClosed: The link is over and every event before its end was returned
                (``self.protocol.ended`` says exactly how it ended).
            RuntimeError: Another coroutine is already waiting on this link.
        """
        protocol = self.protocol
        while True:
            event = protocol.next_event()
            if event is NEED_DATA:
                if self.closed is not None:
                    raise self.closed
                if self._waiter is not None:
                    raise RuntimeError("recv() is already being awaited on this connection")
                self._waiter = self.loop.create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
                continue
            if isinstance(event, Say | Show | HelloReceived | Welcomed):
                if (
                    self._reading_paused
                    and protocol.pending_events <= _INBOX_LOW
                    and self.closed is None
                ):
                    self._resume_reading()
                return event
            bye = self._peer_bye
            if bye is not None and self.closed is None:
                self._finish(bye)
                if self._peer_eof and self.transport is not None:
                    self.transport.close()  # both sides are done: flush our answers, close
                else:
                    self._shutdown()
            if self.closed is None:
                self._finish(closed_by(event))
            assert self.closed is not None
            raise self.closed

    # ------------------------------------------------------------------ sending

    def write(self, message: Message) -> None:
        """Send one message as one frame (one ``transport.write``).

        Args:
            message: The message (the protocol object checks it is one this side may send
                now, and rewrites what the peer's version needs).

        Raises:
            ConnectionClosed: The link is over, or the peer has stopped reading (dropped now).
            LocalProtocolError: The message is not one to send now, or does not fit in a frame.
        """
        if self.closed is not None:
            raise self.closed
        protocol = self.protocol
        if protocol.bye_sent:
            raise ConnectionClosed("left", cause="closed")  # nothing may follow our bye
        self._write_frame(protocol.send(message, now=self.loop.time()))
        if type(message) is not Show and type(message) is not Say:
            self._arm()  # a welcome starts the keep-alive; a bye stops the pings

    def _write_frame(self, frame: bytes) -> None:
        transport = self.transport
        assert transport is not None
        transport.write(frame)
        if transport.get_write_buffer_size() > self.limits.max_send_buffer:
            self.abort(
                f"peer is not reading (over {self.limits.max_send_buffer} bytes queued for it)",
                cause="lost",
            )
            assert self.closed is not None
            raise self.closed

    async def drain(self) -> None:
        """Wait while the peer is behind; drop it if it stays stuck for ``dead_after``.

        Raises:
            ConnectionClosed: The link is over (or was dropped for not reading).
        """
        if self._writing_paused and self.closed is None:
            waiter = self.loop.create_future()
            self._drain_waiters.append(waiter)
            stuck = self.loop.call_later(self.limits.dead_after, self._stopped_reading)
            try:
                await waiter
            finally:
                stuck.cancel()
                with contextlib.suppress(ValueError):
                    self._drain_waiters.remove(waiter)
        if self.closed is not None:
            raise self.closed

    def _stopped_reading(self) -> None:
        self.abort("peer stopped reading", cause="lost")

    def _wake_drainers(self) -> None:
        for waiter in self._drain_waiters:
            if not waiter.done():
                waiter.set_result(None)

    # ------------------------------------------------------------------ ending

    def _finish(self, closed: ConnectionClosed) -> None:
        """Record how the link ended (first caller wins) and wake every waiter."""
        if self.closed is not None:
            return
        self.closed = closed
        self._cancel(self._timer)
        self._timer = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._wake_drainers()

    def fail(self, exc: RemoteProtocolError) -> None:
        """The peer broke a rule of the program's own: send an ``error`` frame, then close.

        The events still unread came after the offending one and are dropped (nothing after
        the first error is read, PROTOCOL.md §6); an unread bye is overridden.

        Args:
            exc: What the peer did wrong.
        """
        if self.closed is None:
            self._peer_bye = None
            self.protocol.fail(exc)
            self._after_protocol()

    def send_error(self, reason: str, closed_reason: str, *, cause: Cause = "error") -> None:
        """Send an ``error`` frame, end the link and start closing it.

        Args:
            reason: What the peer is told.
            closed_reason: What our own side's ConnectionClosed says.
            cause: Our side's ``ConnectionClosed.cause``: ``"error"`` when the peer broke the
                protocol, ``"closed"`` when the fault is ours (e.g. an internal error).
        """
        if self.closed is None:
            with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                self.write(Error(reason=reason[:500]))
            self._finish(ConnectionClosed(closed_reason, cause=cause))
        self._shutdown()

    def turn_away(self, reason: str) -> None:
        """Send an ``error`` frame with *reason* and close now, without waiting for the peer.

        For a connection the host cannot afford to keep (too many are waiting to say hello):
        unlike :meth:`send_error`, it does not wait up to ``close_timeout`` for the peer to
        close too, so the file descriptor is free at once. The frame is one small write into
        an empty socket buffer; if it could not go out whole, the connection is cut instead.

        Args:
            reason: What the peer is told, and what our own side's ConnectionClosed says.
        """
        if self.closed is None:
            with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                self.write(Error(reason=reason[:500]))
            self._finish(ConnectionClosed(reason, cause="closed"))
        transport = self.transport
        if transport is not None and not transport.is_closing():
            if transport.get_write_buffer_size():
                transport.abort()
            else:
                transport.close()

    def end(self, reason: str) -> None:
        """End the link without a goodbye frame (after ``refuse``, say) and start closing it."""
        self._finish(ConnectionClosed(reason, cause="closed"))
        self._shutdown()

    def end_sending(self, reason: str, code: str | None = None) -> None:
        """Send ``bye`` and half-close, but keep receiving until the peer closes.

        The peer answers what we sent before the bye, then closes (PROTOCOL.md §6); those
        answers are still returned by :meth:`next_frame`. Use :meth:`wait_closed` or
        :meth:`say_bye` afterwards to bound the wait.
        """
        if self.closed is None and not self.protocol.bye_sent:
            with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                self.write(Bye(reason=reason or "left", code=code))
            transport = self.transport
            if transport is not None and transport.can_write_eof():
                with contextlib.suppress(OSError, RuntimeError):
                    transport.write_eof()

    def say_bye(self, reason: str, code: str | None = None) -> None:
        """Send ``bye`` (if still possible), end the link and start closing it."""
        if self.closed is None:
            if not self.protocol.bye_sent:
                with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                    self.write(Bye(reason=reason or "left", code=code))
            self._finish(ConnectionClosed(reason or "left", cause="closed"))
        self._shutdown()

    def abort(self, reason: str, *, cause: Cause = "closed") -> None:
        """Cut the connection now, without a goodbye (the peer is unreachable or hostile).

        Args:
            reason: What our own side's ConnectionClosed says.
            cause: Its ``cause``: ``"lost"`` when the peer is unreachable or stuck,
                ``"closed"`` (the default) when we end it for reasons of our own.
        """
        self._finish(ConnectionClosed(reason, cause=cause))
        if self.transport is not None:
            self.transport.abort()

    def _shutdown(self) -> None:
        """Half-close after what is queued, and cut it if the peer does not close in time."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        # Half-close rather than close: closing a socket with unread input makes the kernel send
        # RST, which can destroy our last frame (bye/error) before the peer reads it.
        if transport.can_write_eof():
            with contextlib.suppress(OSError, RuntimeError):
                transport.write_eof()
        else:
            transport.close()
        if self._abort_timer is None:
            self._abort_timer = self.loop.call_later(self.limits.close_timeout, transport.abort)

    async def wait_closed(self) -> None:
        """Wait (at most ``close_timeout``) until the socket is closed; cut it after that."""
        if self.lost.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(self.lost), self.limits.close_timeout)
        except TimeoutError:
            if self.transport is not None:
                self.transport.abort()
            # abort() reports connection_lost on the next loop step.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.lost), 0.1)

    @staticmethod
    def _cancel(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()
