"""The offers open in one game — a takeback, a draw, an abort — and the memory of those
declined.

One :class:`Offers` per :class:`~game.match.Match`, so the offers end with their game. It keeps
the rules that are about offers alone, whatever the game: at most one open offer of each kind
per player; a declined offer may not be made again until :data:`REPEAT_AFTER` more moves have
been played (so nobody can spam the other screen with it); and a move ends every open offer —
its maker's own lapses, one made to the mover is declined by the move. Players are engine
player indexes (0 moved first); what an offer *does* and how it is worded is
:class:`~game.play.Play`'s.

It holds only plain values, and :meth:`Offers.to_dict` / :meth:`Offers.from_dict` turn it into
JSON and back, for a snapshot of the table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Final

#: How many moves must be played after an offer was declined before its maker may make an
#: offer of that kind again: one each in a two-player game, so a refusal holds for a full turn.
REPEAT_AFTER: Final = 2


class OfferKind(enum.StrEnum):
    """What is offered."""

    TAKEBACK = "takeback"
    DRAW = "draw"
    ABORT = "abort"


@dataclass(frozen=True)
class Offer:
    """One offer: ``kind``, made by engine player ``by`` to the other one.

    Attributes:
        kind: what is offered.
        by: the player who offered it (0 or 1).
        plies: for a takeback, how many moves it takes back; 0 for the others.
    """

    kind: OfferKind
    by: int
    plies: int = 0

    def __post_init__(self) -> None:
        if self.by not in (0, 1):
            raise ValueError(f"an offer is made by player 0 or 1, not {self.by!r}")
        if (self.kind is OfferKind.TAKEBACK) != (self.plies > 0) or self.plies < 0:
            raise ValueError("a takeback takes back at least one move; other offers none")

    @property
    def to(self) -> int:
        """The player it is made to."""
        return 1 - self.by


@dataclass(frozen=True)
class Ended:
    """An offer a move ended: ``declined`` when the move was its receiver's, else it lapsed
    (its maker moved)."""

    offer: Offer
    declined: bool


class Offers:
    """The offers of one game (see the module docstring)."""

    def __init__(self) -> None:
        """No offers yet, no moves played."""
        self._open: list[Offer] = []  # oldest first
        self._moves = 0  # moves played in the game so far (a takeback does not unplay them)
        self._barred: dict[tuple[int, OfferKind], int] = {}  # -> the move count that frees it

    def __repr__(self) -> str:
        return f"Offers(open={self._open!r}, moves={self._moves}, barred={self._barred!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Offers):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by value, not hashable

    @property
    def open(self) -> tuple[Offer, ...]:
        """The offers waiting for an answer, oldest first."""
        return tuple(self._open)

    def made_by(self, player: int, kind: OfferKind) -> Offer | None:
        """``player``'s open offer of ``kind``, or ``None``."""
        return next((o for o in self._open if o.by == player and o.kind is kind), None)

    def latest_to(self, player: int, kind: OfferKind | None = None) -> Offer | None:
        """The latest open offer made to ``player`` (of ``kind``, when given), or ``None``."""
        made = [o for o in self._open if o.to == player and kind in (None, o.kind)]
        return made[-1] if made else None

    def moves_barred(self, player: int, kind: OfferKind) -> int:
        """How many more moves must be played before ``player`` may offer ``kind`` again after
        it was declined (0: they may)."""
        return max(0, self._barred.get((player, kind), 0) - self._moves)

    def make(self, offer: Offer) -> None:
        """Open ``offer``.

        Raises:
            ValueError: its maker has an open offer of that kind already, or may not offer it
                again yet (callers check :meth:`made_by` and :meth:`moves_barred` first, to say
                why).
        """
        if self.made_by(offer.by, offer.kind) is not None:
            raise ValueError(f"player {offer.by} has a {offer.kind} offer open already")
        if self.moves_barred(offer.by, offer.kind):
            raise ValueError(f"player {offer.by} may not offer a {offer.kind} again yet")
        self._open.append(offer)

    def decline(self, offer: Offer) -> None:
        """``offer`` was declined: close it, and bar its maker from making it again for
        :data:`REPEAT_AFTER` moves.

        Raises:
            ValueError: ``offer`` is not open.
        """
        self._open.remove(offer)
        self._barred[offer.by, offer.kind] = self._moves + REPEAT_AFTER

    def clear(self) -> None:
        """Close every open offer: one was accepted (the position or the game changed under
        the others), or the game ended."""
        self._open.clear()

    def moved(self, player: int) -> list[Ended]:
        """``player`` made a move: count it, and end every open offer — theirs lapse, those
        made to them are declined (and barred, as :meth:`decline` bars them).

        Returns:
            The offers that ended, oldest first.
        """
        self._moves += 1
        ended = [Ended(offer, declined=offer.to == player) for offer in self._open]
        self._open.clear()
        for end in ended:
            if end.declined:
                self._barred[end.offer.by, end.offer.kind] = self._moves + REPEAT_AFTER
        return ended

    # -- as JSON ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The offers as JSON values (see :meth:`from_dict`)."""
        return {
            "open": [{"kind": str(o.kind), "by": o.by, "plies": o.plies} for o in self._open],
            "moves": self._moves,
            "barred": [
                {"by": by, "kind": str(kind), "until": until}
                for (by, kind), until in sorted(self._barred.items())
            ],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Offers:
        """The offers :meth:`to_dict` gave, read back — from a file, so checked.

        Raises:
            ValueError: not such a dict (a wrong field, type or value).
        """
        if not isinstance(data, dict) or set(data) != {"open", "moves", "barred"}:
            raise ValueError("offers must be a dict of open, moves and barred")
        offers = cls()
        offers._moves = _count(data["moves"], "moves")
        for item in _items(data["open"], "open", {"kind", "by", "plies"}):
            offer = Offer(
                _kind(item["kind"]), _count(item["by"], "by"), _count(item["plies"], "plies")
            )
            offers.make(offer)
        for item in _items(data["barred"], "barred", {"by", "kind", "until"}):
            by = _count(item["by"], "by")
            if by not in (0, 1):
                raise ValueError(f"offers: barred by must be 0 or 1, not {by}")
            offers._barred[by, _kind(item["kind"])] = _count(item["until"], "until")
        return offers


def _count(value: Any, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"offers: {name} must be a whole number, not negative")
    return value


def _kind(value: Any) -> OfferKind:
    try:
        return OfferKind(value)
    except ValueError:
        raise ValueError(f"offers: no kind of offer called {str(value)[:20]!r}") from None


def _items(value: Any, name: str, keys: set[str]) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(
        isinstance(item, dict) and set(item) == keys for item in value
    ):
        raise ValueError(f"offers: {name} must be a list of dicts of {', '.join(sorted(keys))}")
    return value
