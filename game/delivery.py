"""What the table hands back: who is to be shown what.

A delivery goes to one of the two seats, to one spectator, or to all the spectators at once.
The broadcast is one :class:`Delivery` (``to=SPECTATORS``) rather than one per spectator, so the
host program encodes it once and writes the same bytes to every spectator's connection; when a
spectator said the line (kibitz), ``except_`` names them, so their own words are not sent back.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Seat(enum.IntEnum):
    """The two places at a table."""

    HOST = 0
    GUEST = 1


@dataclass(frozen=True)
class Spectator:
    """Someone watching the table (:meth:`game.table.Table.watch` hands these out).

    Attributes:
        number: unique at the table and never reused, so a stale one never names a newcomer.
        name: the name the table gave them (cleaned, distinct from everyone else's there).
    """

    number: int
    name: str


class Audience(enum.Enum):
    """Addresses that reach more than one person. An enum of one member, so that ``to is
    SPECTATORS`` narrows the type for a type checker."""

    SPECTATORS = "spectators"


#: Every spectator at the table (but ``Delivery.except_``): one delivery, encoded once.
SPECTATORS = Audience.SPECTATORS

#: Whom a delivery is for.
Recipient = Seat | Spectator | Audience


class Kind(enum.StrEnum):
    """How a line is to be displayed."""

    CHAT = "chat"  # a line someone said; Shown.sender is the author's name
    NOTICE = "notice"  # table information: joins, leaves, whose turn, help text, score
    ERROR = "error"  # a specific explanation, only ever delivered to the one who erred
    BOARD = "board"  # a multi-line picture of the current game for this viewer
    RESULT = "result"  # the end of a game: who won / drawn / abandoned, and why


_MULTILINE = frozenset({Kind.BOARD, Kind.NOTICE, Kind.RESULT})


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
    """``shown`` is for ``to``: the person at a seat, one spectator, or every spectator.

    Attributes:
        to: a :class:`Seat`, a :class:`Spectator`, or :data:`SPECTATORS`.
        shown: what they are shown.
        except_: with ``to=SPECTATORS`` only: the one spectator not to send it to (the author
            of a kibitz line); ``None`` sends it to all of them.
    """

    to: Recipient
    shown: Shown
    except_: Spectator | None = None

    def __post_init__(self) -> None:
        if self.except_ is not None and self.to is not SPECTATORS:
            raise ValueError("except_ is only for a delivery to SPECTATORS")

    def reaches(self, spectator: Spectator) -> bool:
        """Whether ``spectator`` is to be shown this."""
        if self.to is SPECTATORS:
            return self.except_ != spectator
        return self.to == spectator
