"""What the seat keeper decides: events to apply, actions for connections, refusals.

:class:`game.seat_keeper.SeatKeeper` returns these; the host program carries them out. A
connection is whatever hashable key the host chooses. Also the ``say.seq`` rule's wording.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from game.table_events import TableEvent
from net.messages import Show

__all__ = [
    "Action",
    "Asked",
    "ByeCode",
    "Decision",
    "Fail",
    "LetIn",
    "Refusal",
    "SayBye",
    "Send",
    "SendAll",
    "TurnAway",
    "seq_error",
]

C = TypeVar("C", bound=Hashable)

ByeCode = Literal["left", "flooding", "replaced", "closing"]
"""The ``bye.code`` s the host sends a guest."""


def seq_error(seq: int, last: int) -> str | None:
    """Why ``say.seq`` *seq* breaks the protocol after *last*, or None when it does not.

    Args:
        seq: The ``seq`` received.
        last: The highest ``seq`` already applied for this seat.

    Returns:
        A reason for the ``error`` frame (0 is never a seq; above ``last + 1`` skips lines),
        or None for the next one or a repeat.
    """
    expected = last + 1
    if seq == 0:
        return f"say.seq 0 is not a sequence number (they start at 1): expected {expected}"
    if seq <= expected:
        return None
    skipped = str(expected) if seq == expected + 1 else f"{expected}–{seq - 1}"
    return f"say.seq {seq} skips {skipped}: expected {expected}"


@dataclass(frozen=True, slots=True)
class Send(Generic[C]):
    """Write *show* to connection *key* (without waiting)."""

    key: C
    show: Show


@dataclass(frozen=True, slots=True)
class SendAll(Generic[C]):
    """Write *show* to every connection in *keys*, encoded once for all of them."""

    keys: tuple[C, ...]
    show: Show


@dataclass(frozen=True, slots=True)
class SayBye(Generic[C]):
    """Say ``bye`` with *code* to *key* and close it; *reason* is for the person."""

    key: C
    code: ByeCode
    reason: str


@dataclass(frozen=True, slots=True)
class Fail(Generic[C]):
    """*key* broke the protocol: send it an ``error`` frame with *reason* and close it."""

    key: C
    reason: str


@dataclass(frozen=True, slots=True)
class TurnAway(Generic[C]):
    """Refuse *key*, which was waiting for the host's answer (a text client's seat back)."""

    key: C
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class LetIn(Generic[C]):
    """*key*, which was waiting for the host's answer, may have its welcome now."""

    key: C


Action = Send[C] | SendAll[C] | SayBye[C] | Fail[C] | TurnAway[C] | LetIn[C]


@dataclass(frozen=True, slots=True)
class Asked:
    """A text client (no token) asks for the kept seat of *name*: the host decides.

    *number* names this claimant alone (``/let 2``): claimants are numbered from 1 and a number
    is never given twice, so an answer cannot reach a later claimant. *address* is where it
    connected from; *wait* the seconds left of the grace period; *token_held* is True when the
    seat's guest sat down with a program that keeps its seat token (and so usually comes back
    by itself), False when they sat down from nc/telnet.
    """

    number: int
    name: str
    address: str
    wait: float
    token_held: bool


@dataclass(frozen=True, slots=True)
class Refusal:
    """Answer a hello with ``refuse``: *code* for programs, *reason* for people."""

    code: str
    reason: str


@dataclass(slots=True)
class Decision(Generic[C]):
    """What to do: apply *events* (in order, through the host's one apply method), carry out
    *actions*; for a hello, *refusal* when it is turned away, or *asked* when it waits for
    the host to answer (then a later :class:`LetIn` or :class:`TurnAway` settles it)."""

    events: list[TableEvent] = field(default_factory=list)
    actions: list[Action[C]] = field(default_factory=list)
    refusal: Refusal | None = None
    asked: Asked | None = None
    #: A line refused by flood control before any work for it: the program may read that
    #: connection more slowly for a while (its sender is held back by TCP itself).
    over_budget: bool = False
