"""Boards in words, for the people at the table who read them with a screen reader.

Who reads boards in words is the table's to know (``/board words`` asks for it, ``/board
picture`` for pictures again; the programs' ``--accessible`` asks for it on its own). What the
words say is each game's: :meth:`describe` on the state, next to :meth:`render`, from what the
viewer may see. Here, the pictures the table is about to deliver are put into words for those
who asked: each becomes a notice (a notice wraps to the reader's width; a picture's columns
mean something, a sentence's do not), with no drawing and nothing to redraw.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.match import Match

Viewer = Seat | Spectator


def in_words(
    deliveries: Iterable[Delivery],
    readers: Collection[Viewer],
    match: Match | None,
    watching: Iterable[Spectator],
) -> list[Delivery]:
    """*deliveries* with every board for one of *readers* said in words instead.

    Every board the table delivers is of the position as it is now, so the words are made from
    *match*'s state. A board for all the spectators, some of whom read words, becomes one
    delivery for each of them.

    Args:
        deliveries: what the table is about to deliver.
        readers: who reads boards in words.
        match: the game whose boards these are (``None``: there is no board to describe).
        watching: the spectators now.

    Returns:
        The deliveries, in the same order.
    """
    out = list(deliveries)
    if match is None or not readers:
        return out
    spectators = list(watching)
    words: list[Delivery] = []
    for delivery in out:
        to = delivery.to
        if delivery.shown.kind is not Kind.BOARD:
            words.append(delivery)
        elif to is SPECTATORS:
            reached = [s for s in spectators if delivery.reaches(s)]
            if not any(s in readers for s in reached):
                words.append(delivery)
                continue
            for spectator in reached:
                shown = _described(match, spectator) if spectator in readers else delivery.shown
                words.append(Delivery(spectator, shown))
        elif to in readers:
            words.append(Delivery(to, _described(match, to)))
        else:
            words.append(delivery)
    return words


def _described(match: Match, viewer: Viewer) -> Shown:
    seat = viewer if isinstance(viewer, Seat) else None
    return Shown(Kind.NOTICE, match.describe_for(seat))
