"""One person's TCP connection (``nc``, ``telnet``): the thin asyncio adapter over
:class:`net.text_protocol.TextProtocol`, as :class:`net.link.FramedLink` is over the framed
protocol.

What is left here is I/O, and it is the framed link's I/O (its base class,
:class:`net.socket_link.SocketLink`): the same small receive buffer, the same bounded send
buffer (a person whose client stops reading is dropped), the same half-close and bounded
close. On top:

* bytes go straight into the protocol object; a reader waiting in :meth:`TextLink.next_event`
  wakes one loop step later, and cancelling it loses nothing;
* reading stops while 64 lines wait unread (TCP then holds the person back);
* one timer, for an unanswered prompt (:meth:`TextLink.ask`);
* TCP keep-alive (:func:`keep_alive`): a person has no pings to answer, and a network that
  dies sends no FIN, so only TCP's own probes can tell a dead peer from a silent one;
* the client's EOF is the person leaving (``nc``'s Ctrl-C; Ctrl-D with ``nc -N``), and
  so is telnet's Ctrl-C (``IAC IP``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from typing import Any, Final

from net.errors import Cause, ConnectionClosed
from net.limits import Limits
from net.socket_link import SocketLink
from net.text_protocol import (
    PROMPT_TIMEOUT,
    Ended,
    TextProtocol,
    TimedOut,
    TooLong,
    TooManyCommands,
    Typed,
)

__all__ = [
    "KEEPALIVE_COUNT",
    "KEEPALIVE_IDLE",
    "KEEPALIVE_INTERVAL",
    "LEFT",
    "TextLink",
    "keep_alive",
]

log = logging.getLogger("net")

#: What our own side's ConnectionClosed says when the person closed their client.
LEFT: Final = "left"
_INBOX_HIGH: Final = 64
_INBOX_LOW: Final = 16

#: Seconds of silence before TCP probes whether a person's peer is still there.
KEEPALIVE_IDLE: Final = 30
#: Seconds between unanswered probes.
KEEPALIVE_INTERVAL: Final = 10
#: Unanswered probes after which the connection is dead: lost about a minute after the last
#: byte from a peer whose network died.
KEEPALIVE_COUNT: Final = 3


class TextLink(SocketLink):
    """The asyncio protocol for one person's connection (see the module docstring).

    Attributes:
        protocol: The sans-IO conversation it drives.
        limits: The same limits as a framed connection's (send buffer, close timeout).
        peer: The person's (address, port).
        closed: How the link ended, once it has.
    """

    def __init__(self, limits: Limits, *, telnet: bool = False) -> None:
        """Create an unconnected link.

        Args:
            limits: Send-buffer bound, close timeout and the rest.
            telnet: The client opened with telnet negotiation (IAC).
        """
        super().__init__(limits)
        self.protocol = TextProtocol(telnet=telnet)
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._timer: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the socket as a framed link's, plus TCP keep-alive (see :func:`keep_alive`)."""
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            keep_alive(sock)

    def _frame_remaining(self) -> int:
        return 0  # lines are bounded by the decoder: nothing to grow the buffer for

    def data_received(self, data: bytes) -> None:
        """Feed the conversation; send any telnet refusals; wake the reader."""
        if self.closed is not None:
            return
        try:
            self.protocol.receive_data(data, self.loop.time())
            self._after_protocol()
        except Exception:  # never let a bug escape into the event loop's transport code
            log.exception("internal error handling text from %s:%d", *self.peer)
            self.abort("internal error")

    def eof_received(self) -> bool:
        """The person closed their client: that is leaving (a last unfinished line is kept)."""
        self.protocol.receive_data(b"", self.loop.time())
        self._after_protocol()
        # Recorded now, before the transport reports the socket lost: lines typed before it
        # are still read (next_event), then this.
        self._finish(ConnectionClosed(LEFT, cause="left"))
        return False  # let the transport close our side too

    def _after_protocol(self) -> None:
        protocol = self.protocol
        replies = protocol.data_to_send()
        if replies and self.closed is None:
            with contextlib.suppress(ConnectionClosed):
                self._write_frame(replies)
        pending = protocol.pending_events
        if pending:
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            if pending >= _INBOX_HIGH:
                self._stop_reading()
        self._arm()

    def _arm(self) -> None:
        self._cancel(self._timer)
        self._timer = None
        deadline = self.protocol.next_deadline()
        if deadline is not None and self.closed is None:
            self._timer = self.loop.call_at(deadline, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self.closed is None:
            self.protocol.handle_timeout(self.loop.time())
            self._after_protocol()

    # ------------------------------------------------------------------ receiving

    async def next_event(self, *, skip_blank: bool = False) -> Typed | TooLong:
        """The next line the person typed (or a too-long one skipped), waiting if needed.

        Args:
            skip_blank: Pass over lines of nothing but spaces (see
                :meth:`TextProtocol.next_event`).

        Raises:
            ConnectionClosed: The person left (cause ``"left"``), a prompt went unanswered
                (``"lost"``), the client sent telnet commands without end (``"error"``), or
                the link ended otherwise; lines typed before are returned first.
            RuntimeError: Another coroutine is already waiting on this link.
        """
        protocol = self.protocol
        while True:
            closed = self.closed
            if closed is not None and closed.cause != "left":
                # We ended it (turned away, timed out, closed): lines still queued are not
                # read. After the person's own leaving, the lines before it still count.
                raise closed
            event = protocol.next_event(skip_blank=skip_blank)
            # Checked whether or not an event came: skipping blank lines can empty the inbox
            # and hand out nothing, and a paused socket would then never be read again.
            if self._reading_paused and protocol.pending_events <= _INBOX_LOW:
                self._reading_paused = False
                if self.transport is not None and self.closed is None:
                    self.transport.resume_reading()
            if event is None:
                if closed is not None:
                    raise closed
                if self._waiter is not None:
                    raise RuntimeError("recv() is already being awaited on this connection")
                self._waiter = self.loop.create_future()
                try:
                    await self._waiter
                finally:
                    self._waiter = None
                continue
            if isinstance(event, Typed | TooLong):
                return event
            if isinstance(event, Ended):
                self._finish(ConnectionClosed(LEFT, cause="left"))
                self._shutdown()  # after telnet's Ctrl-C the socket is still open: close it
            elif isinstance(event, TimedOut):
                reason = f"no answer within {event.seconds:g} s"
                self.say_last(f"! {reason} — goodbye", reason, cause="lost")
            elif isinstance(event, TooManyCommands):
                reason = (
                    f"too many telnet commands (more than {event.burst} at once or "
                    f"{event.per_second:g} a second)"
                )
                self.say_last(f"! {reason} — goodbye", reason, cause="error")
                # Nothing it sends is read any more: taking a flood in only to throw it away
                # would cost as much as reading it. TCP holds it back until the close.
                self._stop_reading()
            assert self.closed is not None
            raise self.closed

    def _stop_reading(self) -> None:
        if not self._reading_paused and self.transport is not None:
            self._reading_paused = True
            self.transport.pause_reading()

    def waiting_line(self) -> str | None:
        """A line the person already typed that nobody has read yet (it stays unread), or None."""
        return self.protocol.waiting_line()

    @property
    def opening(self) -> bytes:
        """The first bytes the client sent, as they came (another protocol is told by them)."""
        return self.protocol.opening

    @property
    def typed(self) -> bool:
        """True once the person typed anything (a byte of a line; telnet commands are not)."""
        return self.protocol.typed

    async def ask(self, prompt: str, timeout: float = PROMPT_TIMEOUT) -> str:
        """Show *prompt* and return the next line typed within *timeout* seconds.

        A too-long answer is told and skipped (the deadline keeps running).

        Raises:
            ConnectionClosed: The person left, did not answer in time, or the link ended.
        """
        self.write_text(prompt)
        self.protocol.expect_answer(self.loop.time(), timeout)
        self._arm()
        while True:
            event = await self.next_event()
            if isinstance(event, Typed):
                self.protocol.answered()
                self._arm()
                return event.text
            self.write_text(too_long(event))

    # ------------------------------------------------------------------ sending

    def write_text(self, text: str) -> None:
        """Send *text* (lines separated by ``\\n``) as CR LF lines, escaped for telnet.

        Raises:
            ConnectionClosed: The link is over, or the person's client stopped reading.
        """
        if self.closed is not None:
            raise self.closed
        self._write_frame(self.protocol.send(text))

    def write_bytes(self, data: bytes) -> None:
        """Send CR LF lines already encoded (see :mod:`net.broadcast`), escaped as
        :meth:`write_text` escapes them.

        Raises:
            ConnectionClosed: The link is over, or the person's client stopped reading.
        """
        if self.closed is not None:
            raise self.closed
        self._write_frame(self.protocol.send_encoded(data))

    # ------------------------------------------------------------------ ending

    def _ended(self) -> None:
        self._cancel(self._timer)
        self._timer = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def say_last(self, text: str, reason: str, *, cause: Cause = "closed") -> None:
        """Send a last line (if still possible), end the link and start closing it.

        Args:
            text: The last thing the person reads.
            reason: What our own side's ConnectionClosed says.
            cause: Its ``cause``.
        """
        if self.closed is None:
            with contextlib.suppress(ConnectionClosed):
                self.write_text(text)
            self._finish(ConnectionClosed(reason, cause=cause))
        self._shutdown()

    def half_close(self) -> None:
        """Stop sending (after what is queued) but keep reading until the person closes."""
        transport = self.transport
        if transport is not None and transport.can_write_eof() and not transport.is_closing():
            with contextlib.suppress(OSError, RuntimeError):
                transport.write_eof()

    def turn_away(self, reason: str) -> None:
        """Tell the person *reason* and close at once (the waiting room is full).

        Like the framed link's: no wait for the person, the descriptor is free at once.
        """
        if self.closed is None:
            with contextlib.suppress(ConnectionClosed):
                self.write_text(f"! {reason}")
            self._finish(ConnectionClosed(reason, cause="closed"))
        transport = self.transport
        if transport is not None and not transport.is_closing():
            if transport.get_write_buffer_size():
                transport.abort()
            else:
                transport.close()


def keep_alive(sock: Any) -> None:
    """Turn on TCP keep-alive with short timers, where the platform lets us set them.

    A join answers pings (PROTOCOL.md §4); a person cannot, and may watch in silence for
    hours. Without keep-alive a person whose network died (no FIN) would hold their seat until
    a write failed, on an idle table never. With it the kernel probes after
    :data:`KEEPALIVE_IDLE` seconds of silence and gives up after :data:`KEEPALIVE_COUNT`
    unanswered probes; the read then fails and the link ends as ``lost`` (the seat is kept for
    the grace period, as for a join). ``TCP_USER_TIMEOUT`` (Linux) bounds the same minute for
    data the host sent that is never acknowledged, which keep-alive alone does not cover (the
    kernel would retransmit for ~15 minutes).

    Args:
        sock: The connection's socket (the transport's ``"socket"`` extra info).
    """
    budget = KEEPALIVE_IDLE + KEEPALIVE_COUNT * KEEPALIVE_INTERVAL
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    # TCP_KEEPALIVE is macOS's name for the idle time.
    idle = getattr(socket, "TCP_KEEPIDLE", getattr(socket, "TCP_KEEPALIVE", None))
    for option, value in (
        (idle, KEEPALIVE_IDLE),
        (getattr(socket, "TCP_KEEPINTVL", None), KEEPALIVE_INTERVAL),
        (getattr(socket, "TCP_KEEPCNT", None), KEEPALIVE_COUNT),
        (getattr(socket, "TCP_USER_TIMEOUT", None), budget * 1000),
    ):
        if option is not None:
            options.append((socket.IPPROTO_TCP, option, value))
    for level, option, value in options:
        # A platform that refuses one timer keeps the others (and its own defaults).
        with contextlib.suppress(OSError):
            sock.setsockopt(level, option, value)


def too_long(event: TooLong) -> str:
    """What a person is told when a line of theirs was too long to keep."""
    return f"! that line was too long ({event.size} bytes, at most {event.limit}) and was not sent"
