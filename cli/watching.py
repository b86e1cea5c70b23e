"""The spectators' connections: what the table delivers to one of them, or to all at once.

The table addresses a spectator by :class:`~game.delivery.Spectator` (its number) and all of
them by :data:`~game.delivery.SPECTATORS` — one delivery, so that it is encoded once and the
same bytes go to every connection but the one it is not for (the author of a kibitz line).
A spectator has no catch-up: its shows carry no ``seq``. What the table says to a spectator
while its welcome is on the way (the welcome notice, the board) is kept until it arrives — at
most :data:`KEPT_LIMIT` shows: a welcome that is slow to go out (a client that does not read)
must not make the host keep every broadcast meanwhile. Beyond it the oldest go, and the
spectator is shown, after the newest, what a late spectator is: its welcome and the board as it
stands.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from typing import Final

from cli.arrivals import Seated
from game.delivery import SPECTATORS, Delivery, Spectator
from net.broadcast import Broadcast
from net.connection import ConnectionClosed
from net.messages import Show

#: The most shows kept for one spectator being welcomed.
KEPT_LIMIT: Final = 256


def send_broadcast(show: Show, connections: list[Seated]) -> None:
    """Write one show to many spectators' connections, encoded once (net.broadcast): one
    frame for every join, one text for every person on nc/telnet, however many watch."""
    broadcast = Broadcast(show)
    for connection in connections:
        with contextlib.suppress(ConnectionClosed, ValueError):
            connection.send_broadcast(broadcast)


def send_show(connection: Seated, show: Show) -> None:
    """Write *show* to one spectator without waiting; an ended connection is skipped (its
    reader sees the end), a show too long for a frame is dropped for them alone."""
    with contextlib.suppress(ConnectionClosed, ValueError):
        connection.send_nowait(show)


class Gallery:
    """The spectators' connections by number, and shows kept for those being welcomed."""

    def __init__(self, late: Callable[[int], list[Show]] = lambda number: []) -> None:
        """Nobody watches yet; *late* gives what spectator *number* is shown arriving now (its
        welcome and the board: :meth:`game.table.Table.arrival`), for one whose kept shows
        overflowed."""
        self._connections: dict[int, Seated] = {}
        self._arriving: dict[int, deque[Show]] = {}
        self._overflowed: set[int] = set()
        self._late = late

    def __len__(self) -> int:
        return len(self._connections)

    def kept(self) -> int:
        """How many shows wait for spectators being welcomed."""
        return sum(len(shows) for shows in self._arriving.values())

    def expect(self, number: int) -> None:
        """Spectator *number* was let in: keep what they are shown until :meth:`arrived`."""
        self._arriving[number] = deque(maxlen=KEPT_LIMIT)

    def arrived(self, number: int, connection: Seated) -> None:
        """Spectator *number*'s welcome is out: send what was kept (and, when the oldest of
        it had to go, the welcome and the board as they are now), then everything live."""
        for show in self._arriving.pop(number, ()):
            send_show(connection, show)
        if number in self._overflowed:
            self._overflowed.discard(number)
            for show in self._late(number):
                send_show(connection, show)
        self._connections[number] = connection

    def left(self, number: int) -> None:
        """Spectator *number* stopped watching, or never arrived: forget them."""
        self._connections.pop(number, None)
        self._arriving.pop(number, None)
        self._overflowed.discard(number)

    def _keep(self, number: int, show: Show) -> None:
        kept = self._arriving[number]
        if len(kept) == KEPT_LIMIT:  # the deque drops the oldest
            self._overflowed.add(number)
        kept.append(show)

    def deliver(self, delivery: Delivery) -> None:
        """Route one delivery for spectators (to one of them or to all but ``except_``)."""
        shown = delivery.shown
        show = Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)
        to = delivery.to
        if to is SPECTATORS:
            skip = None if delivery.except_ is None else delivery.except_.number
            for number in self._arriving:
                if number != skip:
                    self._keep(number, show)
            targets = [c for number, c in self._connections.items() if number != skip]
            send_broadcast(show, targets)
        elif isinstance(to, Spectator):
            if to.number in self._arriving:
                self._keep(to.number, show)
            elif to.number in self._connections:
                send_show(self._connections[to.number], show)

    def close(self) -> None:
        """The host is leaving (the keeper said bye to each): forget every connection."""
        self._connections.clear()
        self._arriving.clear()
        self._overflowed.clear()
