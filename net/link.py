"""One TCP connection speaking framed JSON: the asyncio half under :mod:`net.connection`.

Why an ``asyncio.BufferedProtocol`` rather than streams: bytes go straight from the socket into
the sans-IO decoder and complete frames into a small inbox, so

* the transport reads into one reused buffer instead of allocating 256 KiB per read;
* a receiver waiting in :meth:`Link.next_frame` wakes one loop step after the bytes arrive
  (a stream reader task in between would add a hop, visible in the round-trip benchmark);
* nothing is ever buffered inside a coroutine, so cancelling a receive loses nothing;
* deadlines are ``call_later`` timers (no polling, no task per timer), and the write buffer,
  ``pause_writing``/``resume_writing`` and half-close are under our control.

The link handles what is the same for both sides and for every phase: keep-alive (``ping`` /
``pong``), ``bye`` and ``error`` from the peer, the slowloris and dead-peer deadlines, the
bounded send buffer and the graceful close. Every other frame is queued, still as a dict, for
the handshake code or :class:`net.connection.Connection` to interpret.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import socket
from dataclasses import dataclass
from typing import Any, Final

from net.codec import DEFAULT_MAX_FRAME, Decoder
from net.errors import Cause, ConnectionClosed, LocalProtocolError, RemoteProtocolError
from net.messages import BYE_CODES, Bye, Error, Message, Ping, Pong, encode_message, from_dict

__all__ = ["CONNECTION_LOST", "DEFAULT_LIMITS", "Limits", "Link"]

log = logging.getLogger("net")

CONNECTION_LOST: Final = "connection lost"
#: Frames the link answers itself; everything else goes to the inbox.
_CONTROL: Final = frozenset({"ping", "pong", "bye", "error"})
#: Stop reading the socket when this many frames wait unread: TCP flow control then holds the
#: peer back, so a consumer that is slow (or not reading) cannot make us buffer without bound.
_INBOX_HIGH: Final = 64
_INBOX_LOW: Final = 16


@dataclass(frozen=True)
class Limits:
    """Every limit and deadline of a connection (seconds and bytes).

    Attributes:
        max_frame: The largest frame body accepted or sent, in bytes.
        hello_timeout: On the join side (``connect``), the whole handshake: connecting,
            sending the hello and receiving the answer. On the host side (``serve``), only
            receiving the hello, counted from the moment the connection opens: what
            ``on_connect`` then takes to decide is not bounded by it, and ``accept``'s welcome
            is a send like any other (``max_send_buffer``, then ``dead_after``).
        frame_timeout: A frame begun (first header byte) must be complete within this
            (slowloris).
        ping_interval: How often each side sends a ``ping`` once connected.
        dead_after: Nothing at all received for this long means the peer is lost.
        max_send_buffer: Bytes queued towards a peer that is not reading before it is dropped
            (at once, by any write). Separately, a ``send`` that has to wait for the peer to
            catch up waits at most ``dead_after``, then drops it ("peer stopped reading").
        close_timeout: How long closing waits for the peer before cutting the connection.
        max_pending: Host only (``serve``): the most connections that have not said hello yet;
            past it the one waiting longest is turned away (see :mod:`net.waiting`).
        max_pending_per_address: Host only: the same, per address (per /64 for IPv6).
    """

    max_frame: int = DEFAULT_MAX_FRAME
    hello_timeout: float = 10.0
    frame_timeout: float = 10.0
    ping_interval: float = 10.0
    dead_after: float = 30.0
    max_send_buffer: int = 1 << 20
    close_timeout: float = 1.0
    #: A real join says hello within a round trip, so a handful wait at any moment; 64 leaves
    #: room for a burst of reconnects while bounding a flood to 64 descriptors and their
    #: buffers. 16 per address: several people behind one NAT can still join at once.
    max_pending: int = 64
    max_pending_per_address: int = 16

    def __post_init__(self) -> None:
        for name in (
            "hello_timeout",
            "frame_timeout",
            "ping_interval",
            "dead_after",
            "close_timeout",
        ):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"Limits.{name} must be positive, not {value!r}")
        if not 1 <= self.max_frame <= 0xFFFFFFFF:
            raise ValueError(f"Limits.max_frame must be 1..{0xFFFFFFFF}, not {self.max_frame}")
        for name in ("max_send_buffer", "max_pending", "max_pending_per_address"):
            value = getattr(self, name)
            if value < 1:
                raise ValueError(f"Limits.{name} must be positive, not {value}")


DEFAULT_LIMITS: Final = Limits()


#: The receive buffer the transport reads into (see Link.get_buffer) starts this small: a
#: hello, a chat line or a tic-tac-toe board fits, and a connection that never says anything —
#: thousands of them, in a flood — costs a kilobyte each instead of 64 (issue 8 §5).
_FIRST_READ_SIZE: Final = 1024
#: It grows, by doubling, up to this: when a frame declares more than fits, or when a read
#: fills it (more is waiting: a burst, a resume catch-up). It never shrinks: only connections
#: that really sent that much pay for it.
_MAX_READ_SIZE: Final = 64 * 1024


class Link(asyncio.BufferedProtocol):
    """The protocol object for one connection (see the module docstring)."""

    def __init__(self, limits: Limits) -> None:
        """Create an unconnected link.

        Args:
            limits: Deadlines and sizes for this connection.
        """
        self.limits = limits
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.peer: tuple[str, int] = ("?", 0)
        self.closed: ConnectionClosed | None = None  # set once; every later call raises it
        self.lost: asyncio.Future[None] = self.loop.create_future()
        self._decoder = Decoder(limits.max_frame)
        # A BufferedProtocol: the transport recv_into()s this one buffer. With a plain Protocol
        # asyncio allocates a fresh 256 KiB bytes per read (mmap + mremap + munmap on Linux),
        # three system calls per message that cost more than all our JSON work.
        self._read_view = memoryview(bytearray(_FIRST_READ_SIZE))
        self._read_filled = False  # the last read filled the buffer: more is probably waiting
        self._inbox: collections.deque[dict[str, Any]] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self._reading_paused = False
        self._writing_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._last_rx = self.loop.time()
        self._next_ping = 0
        self._dead_timer: asyncio.TimerHandle | None = None
        self._frame_timer: asyncio.TimerHandle | None = None
        self._ping_timer: asyncio.TimerHandle | None = None
        self._abort_timer: asyncio.TimerHandle | None = None
        # A bye that arrived behind frames still unread: the link ends when they have been
        # read, so what they ask for can still be answered (PROTOCOL.md §6, "Leaving").
        self._peer_bye: ConnectionClosed | None = None
        self._bye_sent = False  # end_sending(): we said bye and keep reading the answers
        self._peer_eof = False  # the peer half-closed after its bye; we kept our side open

    # ------------------------------------------------------------------ asyncio callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the socket and start the dead-peer deadline."""
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
        self._last_rx = self.loop.time()

    def get_buffer(self, sizehint: int) -> memoryview:
        """Where the transport should put the next bytes it reads (grown when needed)."""
        size = len(self._read_view)
        if size < _MAX_READ_SIZE and (self._read_filled or self._decoder.frame_remaining > size):
            wanted = max(size * 2, self._decoder.frame_remaining)
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
        """Feed the decoder and dispatch every complete frame."""
        if self.closed is not None or self._peer_bye is not None:
            return  # closing: discard until the peer closes too (or the abort timer fires)
        self._last_rx = self.loop.time()
        decoder = self._decoder
        completed = False
        try:
            decoder.receive_data(data)
            while (obj := decoder.next_message()) is not None:
                completed = True
                if self._dispatch(obj):
                    return  # the link ended (bye/error): ignore whatever follows
        except RemoteProtocolError as exc:
            self.fail(exc)
            return
        except Exception:  # never let a bug escape into the event loop's transport code
            log.exception("internal error handling data from %s:%d", *self.peer)
            self.abort("internal error")
            return
        # Slowloris: a frame, once begun, must finish within frame_timeout — while we read.
        # When our inbox is full we stop reading, and the peer cannot be blamed for the wait
        # (_resume_reading re-arms the deadline).
        if decoder.in_frame and not self._reading_paused:
            if completed or self._frame_timer is None:
                self._arm_frame_timer()
        elif self._frame_timer is not None:
            self._frame_timer.cancel()
            self._frame_timer = None

    def _arm_frame_timer(self) -> None:
        """Start the slowloris deadline for the frame the decoder is in the middle of."""
        self._cancel(self._frame_timer)
        self._frame_timer = self.loop.call_later(self.limits.frame_timeout, self._frame_too_slow)

    def _pause_reading(self) -> None:
        """Our inbox is full: stop reading, and stop timing the peer — the wait is ours."""
        self._reading_paused = True
        self._cancel(self._frame_timer)
        self._frame_timer = None
        assert self.transport is not None
        self.transport.pause_reading()

    def _resume_reading(self) -> None:
        """Read again; a frame that was half in when we paused gets a fresh deadline."""
        self._reading_paused = False
        self._last_rx = self.loop.time()  # we were not listening; do not count it as silence
        if self._decoder.in_frame:
            self._arm_frame_timer()
        assert self.transport is not None
        self.transport.resume_reading()

    def eof_received(self) -> bool:
        """The peer half-closed: after a bye that is expected, otherwise the link is lost."""
        if self._peer_bye is not None and self.closed is None:
            self._peer_eof = True
            return True  # keep our sending side open: the frames before its bye get answers
        if self._bye_sent:
            self._finish(ConnectionClosed("left", cause="closed"))  # the answer to our bye
        self._finish(ConnectionClosed(CONNECTION_LOST, cause="lost"))
        return False  # let the transport close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        """Record the end and wake everyone waiting."""
        # After the peer's bye, its going away is its leaving, whatever happens to the socket.
        self._finish(self._peer_bye or ConnectionClosed(CONNECTION_LOST, cause="lost"))
        for timer in (self._dead_timer, self._frame_timer, self._ping_timer, self._abort_timer):
            self._cancel(timer)
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

    # ------------------------------------------------------------------ receiving

    def _dispatch(self, obj: dict[str, Any]) -> bool:
        """Queue or handle one frame; return True if it ended the link."""
        kind = obj["type"]
        if kind not in _CONTROL:
            self._inbox.append(obj)
            if len(self._inbox) >= _INBOX_HIGH and not self._reading_paused:
                self._pause_reading()
            waiter = self._waiter
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
            return False
        message = from_dict(obj)  # RemoteProtocolError propagates to data_received
        if isinstance(message, Ping):
            # A peer that floods pings and never reads fills our send buffer: write() then
            # drops it (the link is closed, and the receiving side reports it), which is not
            # an internal error.
            with contextlib.suppress(ConnectionClosed):
                self.write(Pong(id=message.id))
        elif isinstance(message, Bye):
            # A version 1 bye's reason is its code when it is one ("left", "replaced", …).
            code = message.code or (message.reason if message.reason in BYE_CODES else None)
            closed = ConnectionClosed(message.reason, cause="left", code=code)
            if self._inbox and not self._bye_sent:
                # Frames before the bye are still to be read (and answered): end the link
                # once they have been (next_frame); nothing after the bye is read.
                self._peer_bye = closed
                return True
            self._finish(closed)
            self._shutdown()
        elif isinstance(message, Error):
            log.info("%s:%d reported a protocol error: %s", *self.peer, message.reason)
            self._finish(
                ConnectionClosed(f"peer reported a protocol error: {message.reason}", cause="error")
            )
            self._shutdown()
        # Pong: receiving anything already proved the peer alive (_last_rx).
        return self.closed is not None

    async def next_frame(self) -> dict[str, Any]:
        """Return the next queued frame (not ping/pong/bye/error), waiting if needed.

        Cancel-safe: frames stay queued until returned.

        Returns:
            The decoded JSON object.

        Raises:
            ConnectionClosed: The link is over and every queued frame has been returned.
            RuntimeError: Another coroutine is already waiting on this link.
        """
        while not self._inbox:
            if self._peer_bye is not None and self.closed is None:
                self._finish(self._peer_bye)
                if self._peer_eof and self.transport is not None:
                    self.transport.close()  # both sides are done: flush our answers, close
                else:
                    self._shutdown()
            if self.closed is not None:
                raise self.closed
            if self._waiter is not None:
                raise RuntimeError("recv() is already being awaited on this connection")
            self._waiter = self.loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        obj = self._inbox.popleft()
        if self._reading_paused and len(self._inbox) <= _INBOX_LOW and self.closed is None:
            self._resume_reading()
        return obj

    # ------------------------------------------------------------------ sending

    def write(self, message: Message) -> None:
        """Queue one message as one frame (one ``transport.write``).

        Args:
            message: The message.

        Raises:
            ConnectionClosed: The link is over, or the peer has stopped reading (dropped now).
            LocalProtocolError: The message does not fit in a frame.
        """
        if self.closed is not None:
            raise self.closed
        if self._bye_sent:
            raise ConnectionClosed("left", cause="closed")  # nothing may follow our bye
        frame = encode_message(message, max_frame=self.limits.max_frame)
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

    # ------------------------------------------------------------------ keep-alive

    def start_keepalive(self) -> None:
        """Start pinging and watching for silence (once the handshake is done).

        Before that, ``hello_timeout`` is the deadline that matters.
        """
        if self.closed is None and self._ping_timer is None:
            self._ping_timer = self.loop.call_later(self.limits.ping_interval, self._ping)
            self._last_rx = self.loop.time()
            self._dead_timer = self.loop.call_later(self.limits.dead_after, self._check_alive)

    def _ping(self) -> None:
        if self.closed is not None:
            return
        self._next_ping += 1
        with contextlib.suppress(ConnectionClosed):
            self.write(Ping(id=self._next_ping))
        if self.closed is None:
            self._ping_timer = self.loop.call_later(self.limits.ping_interval, self._ping)

    def _check_alive(self) -> None:
        if self.closed is not None or self._peer_bye is not None:
            return  # over, or the peer said bye: its silence now is expected
        idle = self.loop.time() - self._last_rx
        if self._reading_paused or idle < self.limits.dead_after:
            # Still alive (or we are the ones not reading): check again when it could expire.
            wait = max(self.limits.dead_after - idle, 0.001)
            self._dead_timer = self.loop.call_later(wait, self._check_alive)
            return
        log.info("%s:%d silent for %.3g s: connection lost", *self.peer, idle)
        self.abort(
            f"{CONNECTION_LOST}: nothing heard for {self.limits.dead_after:g} s", cause="lost"
        )

    def _frame_too_slow(self) -> None:
        self._frame_timer = None
        if self.closed is None and self._decoder.in_frame:
            self.fail(
                RemoteProtocolError(
                    f"a frame was begun but not finished within {self.limits.frame_timeout:g} s"
                )
            )

    # ------------------------------------------------------------------ ending

    def _finish(self, closed: ConnectionClosed) -> None:
        """Record how the link ended (first caller wins) and wake every waiter."""
        if self.closed is not None:
            return
        self.closed = closed
        self._cancel(self._ping_timer)
        self._cancel(self._frame_timer)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        self._wake_drainers()

    def fail(self, exc: RemoteProtocolError, *, discard_queued: bool = False) -> None:
        """The peer broke the protocol: send an ``error`` frame with the reason, then close.

        Args:
            exc: What the peer did wrong.
            discard_queued: Also drop the frames still waiting in the inbox. Right when the
                error is in a frame already taken from the inbox (a message-level error): the
                queued frames came after it, and nothing after the first error is read
                (PROTOCOL.md §6). A decoder error is later than everything queued, so those
                frames may stay.
        """
        if discard_queued:
            self._inbox.clear()
        if self.closed is None:
            log.info("protocol error from %s:%d: %s", *self.peer, exc.reason)
            self.send_error(exc.reason, f"protocol error: {exc.reason}", cause="error")

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
        if self.closed is None and not self._bye_sent:
            with contextlib.suppress(ConnectionClosed, LocalProtocolError):
                self.write(Bye(reason=reason or "left", code=code))
            self._bye_sent = True
            transport = self.transport
            if transport is not None and transport.can_write_eof():
                with contextlib.suppress(OSError, RuntimeError):
                    transport.write_eof()

    def say_bye(self, reason: str, code: str | None = None) -> None:
        """Send ``bye`` (if still possible), end the link and start closing it."""
        if self.closed is None:
            if not self._bye_sent:
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
