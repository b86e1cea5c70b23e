"""What the table hands back: who is to be shown what (the shapes named in CONTRACT.md)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Seat(enum.IntEnum):
    """The two places at a table."""

    HOST = 0
    GUEST = 1


class Kind(enum.StrEnum):
    """How a line is to be displayed."""

    CHAT = "chat"  # a line someone said; Shown.sender is the author's name
    NOTICE = "notice"  # table information: joins, leaves, whose turn, help text, score
    ERROR = "error"  # a specific explanation, only ever delivered to the one who erred
    BOARD = "board"  # a multi-line picture of the current game for this viewer
    RESULT = "result"  # the end of a game: who won / drawn / abandoned, and why


_MULTILINE = frozenset({Kind.BOARD, Kind.NOTICE, Kind.RESULT})

#: What a turn may be called (``GameSpec.move_word``). The notice telling a player it is their
#: turn begins "your move" or "your guess" (game.match.Match.turn_text): the terminal makes it
#: stand out (and may ring the bell) without knowing any game's rules — nor which games a host
#: has, so the words are fixed here rather than taken from the registry.
TURN_VERBS = ("move", "guess")
_YOUR_TURN = tuple(f"your {verb}" for verb in TURN_VERBS)


def is_your_turn(kind: str, text: str) -> bool:
    """Whether a shown (kind, text) tells its reader it is their turn to play."""
    return kind == Kind.NOTICE and text.startswith(_YOUR_TURN)


@dataclass(frozen=True)
class Shown:
    """One thing to display. CHAT and ERROR texts are single lines (checked on construction),
    so a peer's text can never spill into something that looks like another line."""

    kind: Kind
    text: str
    sender: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in _MULTILINE and ("\n" in self.text or "\r" in self.text):
            raise ValueError(f"a {self.kind} text must be a single line")
        if (self.sender is not None) != (self.kind is Kind.CHAT):
            raise ValueError("sender is set for chat lines and only for them")


@dataclass(frozen=True)
class Delivery:
    """``shown`` is for the person at seat ``to``."""

    to: Seat
    shown: Shown
