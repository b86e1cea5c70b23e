"""The chat each person at the table has seen, kept to show again with ``/history``.

A person's history is the chat that reached them and the chat they said themselves, in the
order the table handled it: the host's and the guest's each their own (a new guest starts with
none — they never saw what was said to the one before), and each spectator's their own. Only
the last :data:`HISTORY_KEPT` lines of each are kept.

The table is its one owner: the host program's "last lines said before the restart" read the
host's history, and a replayed journal rebuilds it as it rebuilds the table.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Final

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator

#: How many chat lines each person's history keeps: ``/history N`` shows at most this many.
HISTORY_KEPT: Final = 50

Viewer = Seat | Spectator


class ChatHistory:
    """Each person's last chat lines (see the module docstring)."""

    def __init__(self) -> None:
        """Nobody has seen any chat yet."""
        self._seen: dict[Viewer, deque[Shown]] = {}

    def record(
        self, deliveries: Iterable[Delivery], author: Viewer, watching: Iterable[Spectator]
    ) -> None:
        """Keep the chat lines among *deliveries* for whoever they reach, and for their *author*.

        Args:
            deliveries: what the table delivers for one line (only chat is kept).
            author: who said it (they saw their own line as they typed it).
            watching: the spectators watching now (whom a delivery to all of them reaches).
        """
        spectators = list(watching)
        for delivery in deliveries:
            if delivery.shown.kind is not Kind.CHAT:
                continue
            reached: list[Viewer] = [author]
            if delivery.to is SPECTATORS:
                reached += [s for s in spectators if delivery.reaches(s)]
            else:
                reached.append(delivery.to)
            for viewer in dict.fromkeys(reached):  # the author once, however many copies
                self._keep(viewer, delivery.shown)

    def _keep(self, viewer: Viewer, shown: Shown) -> None:
        seen = self._seen.get(viewer)
        if seen is None:
            seen = self._seen[viewer] = deque(maxlen=HISTORY_KEPT)
        if seen and seen[-1] is shown:
            return  # one line reaching the author and one of the audiences they belong to
        seen.append(shown)

    def forget(self, viewer: Viewer) -> None:
        """*viewer* left: whoever sits or watches next starts with no history."""
        self._seen.pop(viewer, None)

    def last(self, viewer: Viewer, count: int) -> list[Shown]:
        """The last *count* chat lines *viewer* saw, oldest first (fewer when fewer were kept)."""
        seen = self._seen.get(viewer)
        if seen is None or count <= 0:
            return []
        return list(seen)[-count:]
