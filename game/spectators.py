"""The spectators at a table: who they are, in the order they came, each one's flood budget,
and what they have been shown of the table.

A spectator is named like a guest (:func:`~game.untrusted.clean_name`: cleaned, and distinct
from every name at the table, a look-alike renamed visibly) and identified by a
:class:`~game.delivery.Spectator` whose number is never reused, so a host program holding a
stale one cannot reach a newcomer with it.

What spectators are told of the table is not worded by each way of changing it: the table
compares the :class:`~game.spectator_view.Snapshot` they last saw with the one it is now
(:meth:`Spectators.catch_up`), so a seat change or a move cannot forget them. Who may read what
a spectator says or who comes and goes depends on whether a game is on (:func:`kibitz`,
:func:`coming_or_going`): a spectator's name and lines are text they chose, so during a game
they would be a way to coach a player.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.errors import SpectatorLimitError
from game.flood import FloodControl
from game.match import Match
from game.snapshot_values import Fields, SnapshotError
from game.spectator_view import Snapshot, changes_between
from game.untrusted import clean_name

#: How many people may watch one table at once. Each costs the host a connection, and every
#: board is written to all of them; fifty is a full room for a game between two people.
SPECTATOR_LIMIT = 50


def no_room(host_name: str, limit: int) -> str:
    """What a would-be spectator beyond *limit* is told (by the table, and by the host's seat
    keeper, which refuses them before they reach the table)."""
    return (
        f"no room to watch {host_name}'s table: {limit} people are watching already, "
        "the most it lets in — try again later"
    )


class Spectators:
    """The spectators of one table, in the order they sat down to watch."""

    def __init__(
        self, flood_rules: FloodControl, seen: Snapshot, limit: int = SPECTATOR_LIMIT
    ) -> None:
        """Nobody watches yet.

        Args:
            flood_rules: the limits each spectator gets a fresh copy of
                (:meth:`~game.flood.FloodControl.fresh`), the same as a seat's.
            seen: the table as it is now: what spectators are shown is the news since.
            limit: how many may watch at once.

        Raises:
            ValueError: ``limit`` is negative.
        """
        if limit < 0:
            raise ValueError("the spectator limit cannot be negative")
        self.limit = limit
        self._seen = seen
        self._flood_rules = flood_rules
        self._floods: dict[Spectator, FloodControl] = {}
        self._numbered = 0

    def __len__(self) -> int:
        return len(self._floods)

    def __contains__(self, spectator: object) -> bool:
        return spectator in self._floods

    def __iter__(self) -> Iterator[Spectator]:
        """The spectators, first come first."""
        return iter(list(self._floods))

    @property
    def is_full(self) -> bool:
        """Whether nobody else may watch now."""
        return len(self._floods) >= self.limit

    def names(self) -> list[str]:
        """Their names, first come first."""
        return [spectator.name for spectator in self._floods]

    def by_number(self, number: int) -> Spectator | None:
        """The spectator numbered *number*, or None when nobody watching has that number."""
        for spectator in self._floods:
            if spectator.number == number:
                return spectator
        return None

    def add(self, name: str, *, taken: Collection[str], refusal: str) -> Spectator:
        """Seat someone to watch.

        Args:
            name: the name they asked for (untrusted).
            taken: the names at the table besides the spectators' (host, guest, bot).
            refusal: the sentence to refuse with when the room is full.

        Returns:
            Their identity, holding the name actually given.

        Raises:
            SpectatorLimitError: ``limit`` people are watching already (``refusal``).
        """
        if self.is_full:
            raise SpectatorLimitError(refusal)
        given = clean_name(name, taken=[*taken, *self.names()], fallback="spectator")
        self._numbered += 1
        spectator = Spectator(self._numbered, given)
        self._floods[spectator] = self._flood_rules.fresh()
        return spectator

    def remove(self, spectator: Spectator) -> bool:
        """Let ``spectator`` go. Returns whether they were watching."""
        return self._floods.pop(spectator, None) is not None

    def flood(self, spectator: Spectator) -> FloodControl:
        """``spectator``'s own flood budget (chat and commands)."""
        return self._floods[spectator]

    def forget_flood(self) -> None:
        """A fresh flood state for every spectator (see :meth:`game.table.Table.forget_flood`)."""
        for spectator in self._floods:
            self._floods[spectator] = self._flood_rules.fresh()

    def to_snapshot(self) -> dict[str, Any]:
        """Who watches (number, name, flood budget) and the last number given, as JSON values
        (:meth:`restore_snapshot`)."""
        return {
            "numbered": self._numbered,
            "watching": [
                {"number": s.number, "name": s.name, "flood": flood.to_snapshot()}
                for s, flood in self._floods.items()
            ],
        }

    def restore_snapshot(self, snapshot: Fields, seen: Snapshot) -> None:
        """Take back who watches as :meth:`to_snapshot` wrote it; they have seen *seen*.

        Raises:
            SnapshotError: a value is out of bounds, a number repeats or is above the last one
                given, or more watch than the limit (nothing is changed then).
        """
        numbered = snapshot.whole("numbered")
        floods: dict[Spectator, FloodControl] = {}
        for item in snapshot.items("watching", limit=self.limit):
            watching = Fields(item, f"{snapshot.where}.watching")
            number = watching.whole("number", low=1, high=numbered)
            if any(known.number == number for known in floods):
                raise SnapshotError(f"{watching.where}.number {number} watches twice")
            spectator = Spectator(number, watching.name("name"))
            floods[spectator] = self._flood_rules.restored(watching.object("flood"))
        self._numbered, self._floods, self._seen = numbered, floods, seen

    def catch_up(self, scene: Snapshot) -> list[Delivery]:
        """What the spectators have not been shown yet of the table now at *scene* (seats,
        game, board), as broadcasts; from now on they have seen it. Nothing when nobody
        watches."""
        before, self._seen = self._seen, scene
        if not self._floods:
            return []
        return [Delivery(SPECTATORS, shown) for shown in changes_between(before, scene)]


def _between_games(match: Match | None) -> bool:
    return match is None or not match.in_progress


def coming_or_going(spectator: Spectator, text: str, match: Match | None) -> list[Delivery]:
    """A notice about *spectator* arriving or leaving: for the other spectators, and for both
    players too — but only between games (a name like ``guess E now`` could coach a player;
    the players' ``/who`` still says how many watch)."""
    shown = Shown(Kind.NOTICE, text)
    out = [Delivery(SPECTATORS, shown, except_=spectator)]
    if _between_games(match):
        out = [Delivery(Seat.HOST, shown), Delivery(Seat.GUEST, shown), *out]
    return out


def kibitz(spectator: Spectator, text: str, match: Match | None) -> list[Delivery]:
    """A spectator's chat line: for the other spectators, and for the players only between
    games (during one — the host's bot game included — nobody may coach a player)."""
    shown = Shown(Kind.CHAT, text, spectator.name)
    out = [Delivery(SPECTATORS, shown, except_=spectator)]
    if _between_games(match):
        out = [Delivery(Seat.HOST, shown), Delivery(Seat.GUEST, shown), *out]
    return out
