"""The guest's place at the host's table: it outlives any one connection (issue 5).

A :class:`GuestSeat` holds what must survive a dropped connection — the seat name and the
highest ``say.seq`` already applied (so a line sent again after a resume is applied exactly
once) — plus the connection currently attached, the sender task that feeds it, and the grace
timer that frees the seat if a dropped guest does not come back. The token that proves the seat
lives in the host's :class:`net.admission.SeatTokens`; the table itself (game, chat history)
lives in :class:`game.table.Table`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from net.connection import Connection, ConnectionClosed
from net.messages import Show

# How long a deliberate close waits for queued frames (the last result, "slow down") to reach
# the guest before bye; the same bound as net's own close timeout.
_DRAIN_SECONDS = 1.0


class GuestSeat:
    """The guest's seat: a name, the last applied ``say.seq``, a connection or a grace timer.

    Frames towards the guest go through an outbox drained by one sender task, so a slow guest
    never blocks the host's console.
    """

    def __init__(self) -> None:
        """An empty seat."""
        self.name: str | None = None
        self.last_seq = 0
        self.connection: Connection | None = None
        self._outbox: asyncio.Queue[Show] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None
        self._grace: asyncio.TimerHandle | None = None
        self._grace_ends = 0.0

    @property
    def connected(self) -> bool:
        """True while a guest connection is attached."""
        return self.connection is not None

    @property
    def taken(self) -> bool:
        """True while someone holds the seat: connected, or dropped and within the grace period."""
        return self.name is not None

    def attach(self, connection: Connection, name: str) -> None:
        """Attach a newly accepted connection and start sending to it.

        ``last_seq`` is kept: a resumed seat goes on from the lines it already had applied.
        """
        self.cancel_grace()
        self.name, self.connection = name, connection
        self._outbox = asyncio.Queue()
        self._sender = asyncio.create_task(self._send_all(connection, self._outbox))

    def send(self, show: Show) -> None:
        """Queue *show* for the guest; silently dropped when nobody is connected."""
        if self.connection is not None:
            self._outbox.put_nowait(show)

    def accept_seq(self, seq: int) -> bool:
        """Return True if ``say.seq`` *seq* is new, and remember it as applied."""
        if seq <= self.last_seq:
            return False
        self.last_seq = seq
        return True

    async def detach(self, reason: str | None, *, drain: bool = True) -> None:
        """Forget the connection; with a *reason*, say bye with it.

        Args:
            reason: The bye reason (``"left"``, ``"flooding"``, ``"replaced"``), or None when
                the connection is already over (lost).
            drain: Let queued frames reach the guest first (bounded), so the last result or
                "slow down" arrives before the bye. Not worth waiting for on a connection that
                is being replaced: it is most likely dead.
        """
        connection, sender = self.connection, self._sender
        self.connection, self._sender = None, None
        if connection is not None and reason is not None and drain:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox.join(), _DRAIN_SECONDS)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await sender
        if connection is not None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await connection.close(reason or "left")

    def start_grace(self, seconds: float, on_expiry: Callable[[], None]) -> None:
        """Keep the (dropped) seat for *seconds*, then call *on_expiry*."""
        self.cancel_grace()
        loop = asyncio.get_running_loop()
        self._grace_ends = loop.time() + seconds
        self._grace = loop.call_later(seconds, self._expire, on_expiry)

    def _expire(self, on_expiry: Callable[[], None]) -> None:
        self._grace = None
        on_expiry()

    def cancel_grace(self) -> None:
        """Stop the grace timer (the guest came back, or the host is closing)."""
        if self._grace is not None:
            self._grace.cancel()
            self._grace = None

    def grace_left(self) -> float:
        """Seconds until a dropped seat is freed (0 when no grace timer runs)."""
        if self._grace is None:
            return 0.0
        return max(0.0, self._grace_ends - asyncio.get_running_loop().time())

    def free(self) -> None:
        """Clear the seat for the next guest (a new guest starts from ``say.seq`` 0)."""
        self.cancel_grace()
        self.name, self.last_seq = None, 0

    @staticmethod
    async def _send_all(connection: Connection, outbox: asyncio.Queue[Show]) -> None:
        while True:
            show = await outbox.get()
            try:
                await connection.send(show)
            except ValueError:
                pass  # net's LocalProtocolError: too big for a frame; nothing sensible to send
            except ConnectionClosed:
                # The receive side notices the loss and reports it; nothing more to send.
                outbox.task_done()
                while not outbox.empty():
                    outbox.get_nowait()
                    outbox.task_done()
                return
            outbox.task_done()
