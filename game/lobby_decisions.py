"""What the lobby decides: table events to journal and apply, actions for connections.

:class:`game.lobby.Lobby` returns these; the lobby server carries them out, as the seat
keeper's :mod:`game.seat_decisions` are carried out by the host.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from game.seat_decisions import Action
from game.table_events import TableEvent

C = TypeVar("C", bound=Hashable)

TableEvents: TypeAlias = list[tuple[int, TableEvent]]
"""Events for tables, each with its table's number, in the order to apply them."""


@dataclass(slots=True)
class LobbyDecision(Generic[C]):
    """What to do: journal and apply *events* in order, then carry out *actions*."""

    events: TableEvents = field(default_factory=list)
    actions: list[Action[C]] = field(default_factory=list)
    #: Connections that gave up a seat (see :attr:`LobbyApplied.moved`).
    moved: list[C] = field(default_factory=list)
    #: A line refused by flood control before any work for it (see
    #: :attr:`~game.seat_decisions.Decision.over_budget`).
    over_budget: bool = False


@dataclass(slots=True)
class LobbyApplied(Generic[C]):
    """What applying one table event gives the program.

    Attributes:
        actions: what to do to connections.
        then: events that follow (journal and apply each next, in order).
        closed: the table's number when this event closed it (its journal can go).
        moved: connections that took or gave up a seat: a program tells each the token of
            the seat it holds now (:meth:`Lobby.seat_token`), or that it holds none.
    """

    actions: list[Action[C]] = field(default_factory=list)
    then: TableEvents = field(default_factory=list)
    closed: int | None = None
    moved: list[C] = field(default_factory=list)
