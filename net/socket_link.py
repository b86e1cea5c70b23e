"""The socket half of a link: an ``asyncio.BufferedProtocol`` that bounds what a connection
may cost in bytes and closes it gracefully — everything of :class:`net.link.FramedLink` that is I/O
and not protocol.

* Reads go into one reused buffer (with a plain ``asyncio.Protocol`` asyncio allocates a fresh
  256 KiB ``bytes`` per read: mmap + mremap + munmap on Linux, three system calls per message
  that cost more than all our JSON work). It starts small and grows only for a large frame.
* Writes: one ``transport.write`` per frame; more than ``max_send_buffer`` queued for a peer
  that does not read drops it at once, and a sender that waits for the peer to catch up
  (:meth:`SocketLink.drain`) waits at most ``dead_after``.
* Closing: half-close after the last frame (a full close with unread input makes the kernel
  send RST, which can destroy that frame), then cut the socket after ``close_timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Final

from net.errors import Cause, ConnectionClosed
from net.limits import Limits

__all__ = ["CONNECTION_LOST", "SocketLink"]

CONNECTION_LOST: Final = "connection lost"

#: The receive buffer the transport reads into (see SocketLink.get_buffer) starts this small: a
#: hello, a chat line or a tic-tac-toe board fits, and a connection that never says anything —
#: thousands of them, in a flood — costs a kilobyte each instead of 64.
_FIRST_READ_SIZE: Final = 1024
#: It grows, by doubling, up to this: when a frame declares more than fits, or when a read
#: fills it (more is waiting: a burst, a resume catch-up). It never shrinks: only connections
#: that really sent that much pay for it.
_MAX_READ_SIZE: Final = 64 * 1024


class SocketLink(asyncio.BufferedProtocol):
    """The byte bounds and the closing of one connection (see the module docstring).

    Subclasses feed what is read (:meth:`data_received`) to a protocol and say how much of the
    frame in progress is still to come (:meth:`_frame_remaining`).

    Attributes:
        limits: The connection's limits.
        transport: The socket's transport, once connected.
        peer: The peer's (address, port).
        closed: How the link ended, once it has; every later call raises it.
        lost: Done once the socket is closed.
    """

    def __init__(self, limits: Limits) -> None:
        """Create an unconnected link.

        Args:
            limits: Sizes and deadlines.
        """
        self.limits = limits
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.peer: tuple[str, int] = ("?", 0)
        self.closed: ConnectionClosed | None = None
        self.lost: asyncio.Future[None] = self.loop.create_future()
        self._read_view = memoryview(bytearray(_FIRST_READ_SIZE))
        self._read_filled = False  # the last read filled the buffer: more is probably waiting
        self._writing_paused = False
        self._drain_waiters: list[asyncio.Future[None]] = []
        self._abort_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Set up the socket: no Nagle, bounded write buffer."""
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

    def _frame_remaining(self) -> int:
        """Bytes still to come of the frame being read (0 between frames)."""
        raise NotImplementedError

    def data_received(self, data: bytes) -> None:
        """Bytes from the peer (the subclass feeds them to its protocol)."""
        raise NotImplementedError

    def get_buffer(self, sizehint: int) -> memoryview:
        """Where the transport should put the next bytes it reads (grown when needed)."""
        size = len(self._read_view)
        if size < _MAX_READ_SIZE:
            remaining = self._frame_remaining()
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

    def connection_lost(self, exc: Exception | None) -> None:
        """Record the end (a lost connection, unless it had ended already) and wake waiters."""
        self._finish(ConnectionClosed(CONNECTION_LOST, cause="lost"))
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

    # ------------------------------------------------------------------ sending

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
        self._ended()
        self._wake_drainers()

    def _ended(self) -> None:
        """Hook: the link has just ended (a subclass stops its timers, wakes its readers)."""

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
