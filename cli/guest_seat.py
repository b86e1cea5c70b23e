"""The guest's place at the host's table: it outlives any one connection (issue 5).

A :class:`GuestSeat` holds what must survive a dropped connection — the seat name and the
highest ``say.seq`` already applied (so a line sent again after a resume is applied exactly
once) — plus the connection currently attached and the grace timer that frees the seat if a
dropped guest does not come back. The token that proves the seat
lives in the host's :class:`net.admission.SeatTokens`; the table itself (game, chat history)
lives in :class:`game.table.Table`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from net.connection import Connection, ConnectionClosed
from net.messages import Show


class GuestSeat:
    """The guest's seat: a name, the last applied ``say.seq``, a connection or a grace timer.

    Frames towards the guest are written without waiting (``Connection.send_nowait``), so a
    slow guest never blocks the host's console; the connection's send buffer is the outbox, and
    net drops a guest that falls more than ``Limits.max_send_buffer`` bytes behind.
    """

    def __init__(self) -> None:
        """An empty seat."""
        self.name: str | None = None
        self.last_seq = 0
        self.connection: Connection | None = None
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
        """Attach a newly accepted connection.

        ``last_seq`` is kept: a resumed seat goes on from the lines it already had applied.
        """
        self.cancel_grace()
        self.name, self.connection = name, connection

    def send(self, show: Show) -> None:
        """Queue *show* for the guest without waiting; nothing happens when nobody is connected.

        A connection that has just ended (or was just dropped for not reading) is left for the
        receive side, which sees it end and reports it.

        Raises:
            ValueError: *show* does not fit in one frame (net's ``LocalProtocolError``).
        """
        if self.connection is not None:
            with contextlib.suppress(ConnectionClosed):
                self.connection.send_nowait(show)

    def accept_seq(self, seq: int) -> bool:
        """Return True if ``say.seq`` *seq* is new, and remember it as applied."""
        if seq <= self.last_seq:
            return False
        self.last_seq = seq
        return True

    async def detach(self, reason: str | None) -> None:
        """Forget the connection and close it, saying bye with *reason* if it is still open.

        Frames already sent reach the guest ahead of the bye (net keeps them in order), so the
        last result or "slow down" is not lost. Closing is bounded by net's close timeout.

        Args:
            reason: The bye reason (``"left"``, ``"flooding"``, ``"replaced"``), or None when
                the connection is already over (lost).
        """
        connection, self.connection = self.connection, None
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
