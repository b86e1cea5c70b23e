"""One TCP connection: the thin asyncio adapter under :mod:`net.connection`.

Every protocol rule — the handshake, keep-alive, the hello, slow-frame and silence deadlines,
the ordered bye, nothing read after an error, version negotiation — lives in the sans-IO
protocol object it drives (:class:`net.host_protocol.HostProtocol` or
:class:`net.join_protocol.JoinProtocol`). What is left here is I/O:

* bytes go straight from the socket into the protocol object, and a receiver waiting in
  :meth:`FramedLink.next_event` wakes one loop step after they arrive; nothing is buffered inside a
  coroutine, so cancelling a receive loses nothing;
* ONE timer, armed at the protocol's ``next_deadline()`` (lazily: a deadline that moved later
  is re-armed when the timer fires, so a busy connection does not re-arm on every read);
* flow control: reading stops while 64 events wait unread (TCP then holds the peer back), and
  the protocol is told, so the wait is not held against the peer;
* the bounded send buffer, "peer stopped reading" for a sender that waits, half-close and the
  bounded graceful close — in its base class, :class:`net.socket_link.SocketLink`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Final

from net.errors import Cause, ConnectionClosed, LocalProtocolError, RemoteProtocolError
from net.limits import DEFAULT_LIMITS, Limits
from net.messages import Bye, Error, Message, Say, Show
from net.protocol_base import ProtocolBase
from net.protocol_events import (
    NEED_DATA,
    ConnectionLost,
    DeadlinePassed,
    Ending,
    HelloReceived,
    HelloRejected,
    PeerClosed,
    PeerFailed,
    PeerLeft,
    ProtocolFailed,
    RefusedByHost,
    Welcomed,
)
from net.protocol_state import Half, State, not_now
from net.socket_link import CONNECTION_LOST, SocketLink

__all__ = ["CONNECTION_LOST", "DEFAULT_LIMITS", "FramedLink", "Limits", "closed_by"]

log = logging.getLogger("net")

#: Stop reading the socket when this many events wait unread: TCP flow control then holds the
#: peer back, so a consumer that is slow (or not reading) cannot make us buffer without bound.
_INBOX_HIGH: Final = 64
_INBOX_LOW: Final = 16
#: The lines, sent and received: one set lookup on the hot path instead of isinstance chains.
_LINES: Final = frozenset({Say, Show})
#: The events that do not end a link (a tuple: isinstance of a tuple is the fast one).
_ONGOING: Final = (Say, Show, HelloReceived, Welcomed)


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
    if isinstance(ending, DeadlinePassed):
        if ending.deadline in ("hello", "frame"):  # the peer was sent an error frame for it
            return ConnectionClosed(f"protocol error: {ending.reason}", cause="error")
        return ConnectionClosed(f"{CONNECTION_LOST}: {ending.reason}", cause="lost")
    if isinstance(ending, HelloRejected):
        return ConnectionClosed("refused", cause="closed")
    if isinstance(ending, RefusedByHost):
        return ConnectionClosed(f"refused: {ending.refuse.reason}", cause="closed")
    assert isinstance(ending, ConnectionLost)
    return ConnectionClosed(CONNECTION_LOST, cause="lost")


class FramedLink(SocketLink):
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
        super().__init__(protocol.limits)
        self.protocol = protocol
        self._waiter: asyncio.Future[None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        limits = self.limits
        self._soonest = min(limits.frame_timeout, limits.ping_interval, limits.dead_after)
        # The peer's bye behind events still unread: the link ends when they have been read,
        # so what they ask for can still be answered (PROTOCOL.md §6, "Leaving").
        self._peer_bye: ConnectionClosed | None = None
        self._peer_eof = False  # the peer half-closed after its bye; we kept our side open

    # ------------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the socket, send what the protocol opens with, start its deadlines."""
        super().connection_made(transport)
        self._after_protocol()  # the join's hello; the hello deadline

    def _frame_remaining(self) -> int:
        return self.protocol.frame_remaining

    def data_received(self, data: bytes) -> None:
        """Feed the protocol object and act on what it produced."""
        if self.closed is not None or self._peer_bye is not None:
            return  # closing: discard until the peer closes too (or the abort timer fires)
        try:
            now = self.loop.time()
            self.protocol.receive_data(data, now)
            # A read only adds deadlines at least this far away (a frame begun, or the
            # keep-alive of a join just welcomed; silence only moves later): a timer armed
            # sooner needs no look.
            self._after_protocol(horizon=now + self._soonest)
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
        if self._peer_bye is not None:
            self._finish(self._peer_bye)
        super().connection_lost(exc)

    # ------------------------------------------------------------------ the protocol object

    def _after_protocol(self, horizon: float | None = None) -> None:
        """Write what the protocol produced, react to its ending, wake readers, re-arm.

        Args:
            horizon: No deadline can have become due before this (the timer is then left as
                it is if armed no later); None to look at the deadlines in any case.
        """
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
            # Only lines fill the inbox; once nothing more is read there is nothing to hold back.
            if (
                pending >= _INBOX_HIGH
                and protocol.their_state is State.LINES
                and self.closed is None
            ):
                self._pause_reading()
        if self.closed is None and (
            horizon is None or self._timer is None or self._timer_at > horizon
        ):
            self._arm()

    def _react(self, ending: Ending) -> None:
        """The protocol ended: close the socket the way that ending calls for."""
        closed = closed_by(ending)
        if isinstance(ending, PeerLeft):
            if self.protocol.pending_events > 1 and self.protocol.our_state is not State.BYE_SENT:
                # Events before the bye are still to be read (and answered): end the link once
                # they have been (next_event).
                self._peer_bye = closed
                return
            self._finish(closed)
            self._shutdown()
        elif isinstance(ending, ConnectionLost | PeerClosed):
            self._finish(closed)  # eof_received lets the transport close
        elif isinstance(ending, DeadlinePassed) and ending.deadline in ("silence", "answer"):
            log.info("%s:%d: %s", *self.peer, closed.reason)
            self.abort(closed.reason, cause="lost")
        else:
            if isinstance(ending, ProtocolFailed):
                log.info("protocol error from %s:%d: %s", *self.peer, ending.error.reason)
            elif isinstance(ending, DeadlinePassed):
                log.info("protocol error from %s:%d: %s", *self.peer, ending.reason)
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
        self.protocol.pause_reading()
        assert self.transport is not None
        self.transport.pause_reading()

    def _resume_reading(self) -> None:
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
            if isinstance(event, _ONGOING):
                if (
                    protocol.their_state is State.PAUSED
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
        line = type(message) in _LINES  # the hot path: no clock read, no deadline can change
        try:
            frame = protocol.send(message) if line else protocol.send(message, now=self.loop.time())
        except LocalProtocolError:
            if protocol.our_state is State.BYE_SENT:
                raise ConnectionClosed("left", cause="closed") from None  # nothing after bye
            raise
        self._write_frame(frame)
        if not line:
            self._arm()  # a welcome starts the keep-alive; a bye stops the pings

    def write_encoded(self, frame: bytes) -> None:
        """Send one line frame encoded once for many links (:mod:`net.broadcast`).

        The protocol object is not asked to encode it, so the checks it would make are made
        here: the connection is open and our bye not sent.

        Raises:
            ConnectionClosed: The link is over, or the peer has stopped reading (dropped now).
            LocalProtocolError: The handshake is not done yet.
        """
        if self.closed is not None:
            raise self.closed
        protocol = self.protocol
        ours = protocol.our_state
        if ours is not State.LINES:
            if ours is State.BYE_SENT or ours is State.CLOSED:
                raise ConnectionClosed("left", cause="closed")
            raise not_now(Half.OURS, ours, "a show may only be sent after the welcome")
        self._write_frame(frame)

    # ------------------------------------------------------------------ ending

    def _ended(self) -> None:
        self._cancel(self._timer)
        self._timer = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

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
        answers are still returned by :meth:`next_event`. Use :meth:`wait_closed` or
        :meth:`say_bye` afterwards to bound the wait.
        """
        if self.closed is None and self.protocol.our_state is not State.BYE_SENT:
            with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                self.write(Bye(reason=reason or "left", code=code))
            transport = self.transport
            if transport is not None and transport.can_write_eof():
                with contextlib.suppress(OSError, RuntimeError):
                    transport.write_eof()

    def say_bye(self, reason: str, code: str | None = None) -> None:
        """Send ``bye`` (if still possible), end the link and start closing it."""
        if self.closed is None:
            if self.protocol.our_state is not State.BYE_SENT:
                with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                    self.write(Bye(reason=reason or "left", code=code))
            self._finish(ConnectionClosed(reason or "left", cause="closed"))
        self._shutdown()
