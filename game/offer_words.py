"""How the people at the table are told of offers: one plain line each, for the one who made
the offer, the one it is made to, and the spectators.

Pure functions from a :class:`~game.match.Match` and an :class:`~game.offers.Offer` to
deliveries. The line telling a player of an offer made to them reads ``bob offers you a draw —
/accept or /decline``, the fixed words :func:`game.wants_you.is_offer_to_you` recognises (so the
terminal may ring its bell); nobody else's line holds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown
from game.match import Match, NameOf, Ply
from game.offers import REPEAT_AFTER, Ended, Offer, OfferKind
from game.wants_you import OFFER_ANSWERS


def _to_all(match: Match, offer: Offer, *, maker: str, taker: str, others: str) -> list[Delivery]:
    """``maker`` for the offer's maker, ``taker`` for the other player, ``others`` for the
    spectators (the table drops what nobody can receive)."""
    out = []
    for player, text in ((offer.by, maker), (offer.to, taker)):
        seat = match.seats[player]
        if seat is not None:
            out.append(Delivery(seat, _notice(text)))
    out.append(Delivery(SPECTATORS, _notice(others)))
    return out


def _notice(text: str) -> Shown:
    return Shown(Kind.NOTICE, text)


def plies_text(match: Match, plies: Sequence[Ply]) -> str:
    """``1 move (b2)``, ``2 moves (b2, c3)``, ``1 guess (x)``: moves taken back, oldest first."""
    word = match.spec.move_word
    count = len(plies)
    texts = ", ".join(ply.text for ply in plies)
    return f"{count} {word}{'s' * (count != 1)} ({texts})"


def _what(match: Match, offer: Offer) -> str:
    """What is offered, after "offers you": ``a draw``, ``a takeback of 1 move (b2)``."""
    if offer.kind is OfferKind.DRAW:
        return "a draw"
    if offer.kind is OfferKind.ABORT:
        return "an abort (the game would count for nobody)"
    return f"a takeback of {plies_text(match, match.history[-offer.plies :])}"


def an(kind: OfferKind) -> str:
    """``a draw``, ``a takeback``, ``an abort``."""
    return f"{'an' if kind is OfferKind.ABORT else 'a'} {kind}"


def _noun(offer: Offer) -> str:
    return {
        OfferKind.DRAW: "draw offer",
        OfferKind.ABORT: "offer to abort",
        OfferKind.TAKEBACK: "takeback offer",
    }[offer.kind]


def made(match: Match, offer: Offer, name_of: NameOf) -> list[Delivery]:
    """An offer was just made: ``bob offers you a draw — /accept or /decline``."""
    maker, taker = name_of(match.seats[offer.by]), name_of(match.seats[offer.to])
    what = _what(match, offer)
    return _to_all(
        match,
        offer,
        maker=f"you offer {taker} {what} — they may /accept or /decline",
        taker=f"{maker} offers you {what} {OFFER_ANSWERS}",
        others=f"{maker} offers {taker} {what}",
    )


def accepted(match: Match, offer: Offer, name_of: NameOf, done: str = "") -> list[Delivery]:
    """``offer`` was accepted (``done``: what came of it, e.g. the moves taken back)."""
    maker, taker = name_of(match.seats[offer.by]), name_of(match.seats[offer.to])
    noun = _noun(offer)
    tail = f" — {done}" if done else ""
    return _to_all(
        match,
        offer,
        maker=f"{taker} accepts your {noun}{tail}",
        taker=f"you accept {maker}'s {noun}{tail}",
        others=f"{taker} accepts {maker}'s {noun}{tail}",
    )


def declined(match: Match, offer: Offer, name_of: NameOf) -> list[Delivery]:
    """``offer`` was declined with ``/decline``."""
    maker, taker = name_of(match.seats[offer.by]), name_of(match.seats[offer.to])
    noun = _noun(offer)
    return _to_all(
        match,
        offer,
        maker=f"{taker} declines your {noun} — {_again(offer)}",
        taker=f"you decline {maker}'s {noun}",
        others=f"{taker} declines {maker}'s {noun}",
    )


def ended_by_move(match: Match, ended: Ended, name_of: NameOf) -> list[Delivery]:
    """A move ended an open offer: the mover's own lapsed, or the mover declined one made to
    them by moving."""
    offer = ended.offer
    maker, taker = name_of(match.seats[offer.by]), name_of(match.seats[offer.to])
    noun = _noun(offer)
    if ended.declined:
        return _to_all(
            match,
            offer,
            maker=f"{taker} moved — your {noun} is declined; {_again(offer)}",
            taker=f"your move declines {maker}'s {noun}",
            others=f"{taker} moved — {maker}'s {noun} is declined",
        )
    lapsed = f"{maker} moved — their {noun} lapses"
    return _to_all(
        match, offer, maker=f"you moved — your {noun} lapses", taker=lapsed, others=lapsed
    )


def _again(offer: Offer) -> str:
    return f"you may offer it again after {REPEAT_AFTER} more moves"


def barred_text(offer: Offer, taker: str, moves: int) -> str:
    """Why ``offer``'s maker may not make it again yet: it was declined ``moves`` moves ago."""
    return (
        f"{taker} declined your {_noun(offer)} — you may offer it again after "
        f"{moves} more move{'s' * (moves != 1)}"
    )


def pending_text(match: Match, viewer: Seat, name_of: NameOf) -> str:
    """``/pending``: the offers open both ways, for the player at ``viewer``."""
    offers = match.offers.open
    if not offers:
        return "no open offers — /takeback, /draw and /abort make one (see /help offers)"
    lines = ["open offers:"]
    for offer in offers:
        maker, taker = match.seats[offer.by], match.seats[offer.to]
        what = _what(match, offer)
        if maker == viewer:
            lines.append(f"  you offer {name_of(taker)} {what}")
        else:
            # the offer's own words; a notice of many lines never rings (is_offer_to_you)
            lines.append(f"  {name_of(maker)} offers you {what} {OFFER_ANSWERS}")
    return "\n".join(lines)
