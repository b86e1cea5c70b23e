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
from collections.abc import Callable, Iterable
from typing import Any, Final

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.snapshot_values import Fields, SnapshotError
from net.errors import ProtocolError
from net.messages import Show, from_dict

#: How many chat lines each person's history keeps: ``/history N`` shows at most this many.
HISTORY_KEPT: Final = 50

Viewer = Seat | Spectator

#: How a viewer is named in a snapshot: its seat's name, or a spectator's number.
ViewerKey = str | int
#: The person a snapshot's viewer key names at a table (raises SnapshotError for nobody).
ViewerOf = Callable[[object], Viewer]


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

    def to_snapshot(self) -> dict[str, Any]:
        """Each person's kept lines as JSON values (:meth:`restore_snapshot`).

        A line that reached many people is written once, as the wire carries a show, under
        ``lines``; ``seen`` gives each person's lines as numbers into it — the host's first,
        then the guest's, then the spectators' by number — so the snapshot grows with the
        lines said, not with the lines times the people who read them.
        """
        index: dict[Shown, int] = {}
        seen = []
        for viewer, kept in sorted(self._seen.items(), key=lambda item: viewer_order(item[0])):
            if kept:
                numbers = [index.setdefault(shown, len(index)) for shown in kept]
                seen.append({"who": viewer_key(viewer), "lines": numbers})
        return {"lines": [_show(shown).to_dict() for shown in index], "seen": seen}

    def restore_snapshot(self, snapshot: Fields, people: int, viewer: ViewerOf) -> None:
        """Keep what :meth:`to_snapshot` wrote, instead of what is kept now.

        Args:
            snapshot: what it wrote (read back from disk: not trusted).
            people: how many people are at the table being restored.
            viewer: the person a ``who`` names there (raises SnapshotError for nobody).

        Raises:
            SnapshotError: a line is no chat line the wire would carry, a number names no
                line, a person repeats, or someone holds more than :data:`HISTORY_KEPT`
                lines; nothing is changed then.
        """
        where = snapshot.where
        lines = [
            _chat_line(item, f"{where}.lines")
            for item in snapshot.items("lines", limit=HISTORY_KEPT * people)
        ]
        seen: dict[Viewer, deque[Shown]] = {}
        for item in snapshot.items("seen", limit=people):
            part = Fields(item, f"{where}.seen")
            who = viewer(part.raw("who"))
            if who in seen:
                raise SnapshotError(f"{where}.seen holds one person's lines twice")
            numbers = part.items("lines", limit=HISTORY_KEPT)
            if any(type(n) is not int or not 0 <= n < len(lines) for n in numbers):
                raise SnapshotError(f"{part.where}.lines must be numbers of lines kept")
            seen[who] = deque((lines[n] for n in numbers), HISTORY_KEPT)
        self._seen = seen


def viewer_key(viewer: Viewer) -> ViewerKey:
    """How *viewer* is named in a snapshot: ``"host"``, ``"guest"`` or a spectator's number."""
    return viewer.number if isinstance(viewer, Spectator) else viewer.name.lower()


def viewer_order(viewer: Viewer) -> int:
    """Where *viewer* comes in a snapshot: the host, the guest, then spectators by number."""
    if isinstance(viewer, Spectator):
        return viewer.number + 1
    return 0 if viewer is Seat.HOST else 1


def _show(shown: Shown) -> Show:
    return Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)


def _chat_line(item: object, where: str) -> Shown:
    """A chat line read back from a snapshot, checked as the wire checks a show."""
    try:
        show = from_dict(item) if isinstance(item, dict) else None
    except ProtocolError as exc:
        raise SnapshotError(f"{where}: {exc}") from None
    if not isinstance(show, Show) or show.kind != Kind.CHAT or show.sender is None:
        raise SnapshotError(f"{where} must hold chat lines, each with its sender")
    if show.seq is not None:
        raise SnapshotError(f"{where} must hold unnumbered lines")
    try:
        return Shown(Kind.CHAT, show.text, show.sender)
    except ValueError:  # more than one line
        raise SnapshotError(f"{where} must hold single-line chat") from None
