"""The guest's place at the host's table: it outlives any one connection (issue 5).

A :class:`GuestSeat` holds what must survive a dropped connection — the seat name, the name
first asked for, and the highest ``say.seq`` already applied (so a line sent again after a
resume is applied exactly once) — plus the one connection that owns the seat and the grace
timer that frees the seat if a dropped guest does not come back. The token that proves the seat
lives in the host's :class:`net.admission.SeatTokens`; the table itself (game, chat history)
lives in :class:`game.table.Table`.

Ownership is decided here and nowhere else (issue 8 §2): :meth:`GuestSeat.take_over` makes a
connection being admitted the seat's only claimant, replacing — ``bye`` "replaced", then
closed — whatever owned the seat or was being admitted for it before. A connection that is not
the owner is never served and never kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections.abc import Callable

from game.untrusted import clean_name
from net.connection import Connection, ConnectionClosed, PendingConnection
from net.errors import RemoteProtocolError
from net.messages import Show, Welcome

REPLACED = "replaced"
"""The ``bye`` reason a connection gets when another one takes its seat over."""


class SeqVerdict(enum.Enum):
    """What to do with one ``say``, judged by its ``seq`` alone."""

    APPLY = "apply"  # exactly the next one
    REPEAT = "repeat"  # already applied (sent again after a resume): ignore it


def seq_error(seq: int, last: int) -> str | None:
    """Why ``say.seq`` *seq* breaks the protocol after *last*, or None when it does not.

    Args:
        seq: The ``seq`` received.
        last: The highest ``seq`` already applied for this seat.

    Returns:
        A reason for the ``error`` frame (0 is never a seq; above ``last + 1`` skips lines),
        or None for the next one or a repeat.
    """
    expected = last + 1
    if seq == 0:
        return f"say.seq 0 is not a sequence number (they start at 1): expected {expected}"
    if seq <= expected:
        return None
    skipped = str(expected) if seq == expected + 1 else f"{expected}–{seq - 1}"
    return f"say.seq {seq} skips {skipped}: expected {expected}"


class GuestSeat:
    """The guest's seat: a name, the last applied ``say.seq``, a connection or a grace timer.

    Frames towards the guest are written without waiting (``Connection.send_nowait``), so a
    slow guest never blocks the host's console; the connection's send buffer is the outbox, and
    net drops a guest that falls more than ``Limits.max_send_buffer`` bytes behind.
    """

    def __init__(self) -> None:
        """An empty seat."""
        self.name: str | None = None
        self.asked: str | None = None  # the name the guest asked for, as the table reads it
        self.last_seq = 0
        self.connection: Connection | None = None
        self._claimant: PendingConnection | None = None
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

    def sit(self, name: str, asked: str) -> None:
        """Give the seat to a new guest: called *name* at the table, having asked for *asked*.

        A new guest's ``say.seq`` starts again from 1.
        """
        self.cancel_grace()
        self.name, self.asked, self.last_seq = name, clean_name(asked), 0

    def is_named(self, name: str) -> bool:
        """True when a hello's *name* is this seat's, as the table names people.

        The table trims and cleans names and tells them apart ignoring case (``Bob`` is
        ``bob``). A join that reconnects asks for the seat name it was given (``alice-2``),
        one started again for the name on its command line (``alice``): both are this seat.
        """
        wanted = clean_name(name).casefold()
        return any(
            known is not None and known.casefold() == wanted for known in (self.name, self.asked)
        )

    async def take_over(self, pending: PendingConnection, welcome: Welcome) -> Connection | None:
        """Admit *pending* as the seat's one connection, replacing every other.

        The connection that owned the seat, and one still being admitted for it, get ``bye``
        "replaced" and are closed. *pending* is welcomed either way (its hello was valid when it
        came), but if yet another connection claims the seat while the welcome is on its way,
        *pending* is replaced in turn and None is returned.

        Args:
            pending: The connection whose hello earned the seat (a valid token, or a free seat).
            welcome: What it is told.

        Returns:
            The connection, now the seat's owner; or None when it was replaced meanwhile.

        Raises:
            ConnectionClosed: *pending* went away during the welcome (:meth:`give_up_claim` says
                whether it was still the claimant).
            OSError: Likewise, at the socket level.
        """
        self.cancel_grace()
        replaced, self.connection = self.connection, None
        self._claimant = pending  # an earlier claimant sees this when its welcome is sent
        if replaced is not None:
            await _close(replaced, REPLACED)
        connection = await pending.accept(welcome)
        if self._claimant is not pending:
            await _close(connection, REPLACED)
            return None
        self._claimant, self.connection = None, connection
        return connection

    def give_up_claim(self, pending: PendingConnection) -> bool:
        """Forget *pending* as the claimant (it went away while being welcomed).

        Returns:
            True if it was the claimant — the seat then has no connection at all.
        """
        if self._claimant is not pending:
            return False
        self._claimant = None
        return True

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

    def accept_seq(self, seq: int) -> SeqVerdict:
        """Judge ``say.seq`` *seq*; the next one is remembered as applied.

        Returns:
            ``APPLY`` for exactly ``last_seq + 1``, ``REPEAT`` for one already applied.

        Raises:
            RemoteProtocolError: *seq* is 0 or skips lines (:func:`seq_error` says how).
        """
        reason = seq_error(seq, self.last_seq)
        if reason is not None:
            raise RemoteProtocolError(reason)
        if seq <= self.last_seq:
            return SeqVerdict.REPEAT
        self.last_seq = seq
        return SeqVerdict.APPLY

    def fail(self, error: RemoteProtocolError) -> None:
        """The owner broke the protocol: send it an ``error`` frame with the reason and close.

        Its next ``recv`` raises ConnectionClosed with cause ``"error"``, as for any protocol
        error net finds itself; nothing it sent after the bad frame is applied.
        """
        connection = self.connection
        if connection is not None:
            connection.fail(error)

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
            await _close(connection, reason or "left")

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
        self.name, self.asked, self.last_seq = None, None, 0
        self._claimant = None


async def _close(connection: Connection, reason: str) -> None:
    """Say bye with *reason* and close; a connection already over is fine."""
    with contextlib.suppress(ConnectionClosed, OSError):
        await connection.close(reason)
