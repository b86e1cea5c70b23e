"""The fixed words by which a shown line asks its reader to act: their turn, an offer to answer.

The terminal makes such a notice stand out (and ``--bell`` rings for it) without knowing any
game's rules, nor which games a host has — so the words are fixed here, apart from
:mod:`game.delivery` and its classes, and a join's console imports only these few predicates.
A shown line is taken as it arrives: ``kind`` a plain string (:class:`game.delivery.Kind` is a
``StrEnum``, equal to its value), ``text`` as the host sent it.
"""

from __future__ import annotations

from typing import Final

# Kind.NOTICE's value: what a notice's show.kind reads on the wire.
_NOTICE: Final = "notice"

#: What a turn may be called (``GameSpec.move_word``). The notice telling a player it is their
#: turn begins "your move" or "your guess" (game.match.Match.turn_text).
TURN_VERBS: Final = ("move", "guess")
_YOUR_TURN: Final = tuple(f"your {verb}" for verb in TURN_VERBS)

#: How the one-line notice of an offer made to its reader ends, after ``bob offers you a
#: draw`` (game.offer_words). Both phrases are needed: a name (at most 32 characters) cannot
#: hold the two, so no other notice naming somebody reads as an offer.
OFFER_ANSWERS: Final = "— /accept or /decline"
_OFFERS_YOU: Final = " offers you "


def is_your_turn(kind: str, text: str) -> bool:
    """Whether a shown (kind, text) tells its reader it is their turn to play.

    Args:
        kind: the shown line's kind (``"notice"``, ``"chat"``…).
        text: its text.

    Returns:
        True for a notice beginning ``your move`` or ``your guess``.
    """
    return kind == _NOTICE and text.startswith(_YOUR_TURN)


def is_offer_to_you(kind: str, text: str) -> bool:
    """Whether a shown (kind, text) tells its reader of an offer they are to answer.

    Args:
        kind: the shown line's kind.
        text: its text.

    Returns:
        True for a one-line notice ``… offers you … — /accept or /decline``.
    """
    return (
        kind == _NOTICE
        and "\n" not in text
        and _OFFERS_YOU in text
        and text.endswith(OFFER_ANSWERS)
    )


def wants_you(kind: str, text: str) -> bool:
    """Whether a shown (kind, text) asks its reader to act: their turn, or an offer to
    answer (what ``--bell`` rings for).

    Args:
        kind: the shown line's kind.
        text: its text.

    Returns:
        :func:`is_your_turn` or :func:`is_offer_to_you`.
    """
    return is_your_turn(kind, text) or is_offer_to_you(kind, text)
