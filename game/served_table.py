"""A table as a host serves it: the table, and which connection is whom at it.

The one owner of a served table's state. :class:`ServedTable` holds the :class:`~game.table.Table`
(what lines mean, who sits and watches by name, the games) and the
:class:`~game.seat_keeper.SeatKeeper` (which connection owns the guest seat, its tokens,
``say.seq``, ``show.seq`` and outbox, the grace period, the spectators' connections), and
changes both only in :meth:`ServedTable.apply`, one :mod:`game.table_events` event at a time.
A host program asks it what an arriving connection, a line or a lost connection means (the
keeper's decisions: events and actions), journals each event, applies it, and carries out what
comes back: lines for the host person's screen, actions for connections, and the events that
follow from it (a guest who kept flooding is put out).

Nothing here reads a clock or touches a connection: ``now`` is passed in, and a connection is
whatever hashable key the program chooses. Applying the same events to a new ServedTable
rebuilds the same table, tokens and ``show.seq`` numbers (the journal's replay).
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from game.commands import is_quit, split_command
from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.seat_decisions import Action, Decision, Send, SendAll
from game.seat_keeper import SeatKeeper
from game.table import Table
from game.table_events import (
    Dropped,
    Freed,
    Line,
    Opened,
    Restarted,
    Resumed,
    Rotated,
    Sat,
    TableEvent,
    Unwatched,
    Watched,
)
from game.untrusted import classified_text
from net.messages import STATUS, Show

C = TypeVar("C", bound=Hashable)

#: How many of the players' chat lines a served table keeps to show again after a restart.
RECENT_CHAT: Final = 10

#: What the host is told, and the guest's bye says, when a guest is put out for flooding.
FLOODING: Final = "flooding (too many chat lines too fast)"

MakeTable = Callable[[str, random.Random], Table]
"""Builds the table an :class:`Opened` event opens: the host's name and the seeded randomness."""


def _table(host_name: str, rng: random.Random) -> Table:
    return Table(host_name, rng=rng)


@dataclass
class Applied(Generic[C]):
    """What applying one event gives the host program to carry out.

    Attributes:
        host: what the host person is shown, in order.
        actions: what to do to connections (send, bye, fail, answer a waiting claimant).
        then: events that follow from this one (a guest or spectator who kept flooding is put
            out): journal and apply each of them next, in order.
    """

    host: list[Shown] = field(default_factory=list)
    actions: list[Action[C]] = field(default_factory=list)
    then: list[TableEvent] = field(default_factory=list)


def _show(shown: Shown) -> Show:
    return Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)


class ServedTable(Generic[C]):
    """A table and its connections (see the module docstring)."""

    def __init__(self, keeper: SeatKeeper[C], *, make_table: MakeTable = _table) -> None:
        """A served table that opens when its first :class:`Opened` event is applied.

        Args:
            keeper: The seat keeper (its join code, grace period and limits).
            make_table: Builds the table an :class:`Opened` opens (tests inject flood rules).
        """
        self.keeper = keeper
        self._make_table = make_table
        self._table: Table | None = None
        #: The players' last chat lines, oldest first (what a restarted host shows again).
        self.recent_chat: deque[Shown] = deque(maxlen=RECENT_CHAT)
        # The status last sent to the guest, and to which connection (_status_to_guest).
        self._guest_status: tuple[C, str] | None = None

    @property
    def table(self) -> Table:
        """The table (raises RuntimeError before the opening event is applied)."""
        if self._table is None:
            raise RuntimeError("the table is not open yet: apply its Opened event first")
        return self._table

    # ------------------------------------------------------------------------ applying
    def apply(self, event: TableEvent, now: float, *, replaying: bool = False) -> Applied[C]:
        """Apply one change to the table and the seat keeper.

        Shows for the guest are numbered and kept by the keeper whether or not a connection
        takes them, so replaying the same events gives the same ``show.seq`` numbers.

        Args:
            event: The change.
            now: The host's monotonic clock (the grace deadline of a :class:`Dropped`).
            replaying: True to rebuild state only (a journal replay before serving): nothing
                comes back to show or send, no event follows, and every show counts as
                delivered (a version 1 join cannot say what it saw).

        Returns:
            What to show, send and apply next.
        """
        keeper = self.keeper
        out: Applied[C] = Applied(actions=keeper.apply(event, now))
        # A resume's greeting (and the board, when it missed too much) is for the connection
        # that resumed, not a show to catch up on: a later resume must not resend it.
        greeting: list[Action[C]] = []
        for delivery in self._change_table(event, out):
            if delivery.shown.kind is Kind.CHAT and delivery.to in (Seat.HOST, Seat.GUEST):
                self.recent_chat.append(delivery.shown)  # each player's line reaches the other
            if delivery.to == Seat.GUEST and isinstance(event, Resumed):
                if not replaying and keeper.owner is not None:
                    greeting.append(Send(keeper.owner, _show(delivery.shown)))
            elif delivery.to == Seat.GUEST:
                keeper.show(_show(delivery.shown))
            elif replaying:
                continue  # nobody watches during a replay: their connections died with it
            elif delivery.to == Seat.HOST:
                out.host.append(delivery.shown)
            else:
                out.actions += self._to_spectators(delivery)
        if replaying:
            keeper.assume_delivered()
            return Applied()
        out.actions += [*keeper.to_send(), *greeting, *self._status_to_guest()]
        if isinstance(event, Line):
            out.then += self._flooding(event)
        return out

    def _status_to_guest(self) -> list[Action[C]]:
        """The guest's status (game, turn, score) when it changed, or its connection is new.

        Unnumbered and not kept for catch-up: only the current status matters, so a resumed
        connection gets it once, as it is now, instead of every old one.
        """
        owner = self.keeper.owner
        if owner is None or self._table is None:
            return []
        status = self._table.status_for(Seat.GUEST)
        if self._guest_status == (owner, status):
            return []
        self._guest_status = (owner, status)
        return [Send(owner, Show(kind=STATUS, text=status))]

    def _change_table(self, event: TableEvent, out: Applied[C]) -> list[Delivery]:
        """What *event* changes at the table, and what the table says of it."""
        if isinstance(event, Opened):
            self._table = self._make_table(event.host_name, random.Random(event.seed))
            self.keeper.host_name = self._table.host_name  # cleaned, as the table names it
            return []
        table = self.table
        match event:
            case Sat(asked=asked):
                name, deliveries = table.sit(asked)
                self.keeper.seated(name)
                return deliveries
            case Resumed(caught_up=caught_up):
                return table.resume(Seat.GUEST, caught_up=caught_up)
            case Rotated():
                return []  # the keeper's tokens only
            case Watched(name=name):
                spectator, deliveries = table.watch(name)
                self.keeper.watched(spectator.number, spectator.name)
                return deliveries
            case Unwatched(number=number, why=why):
                watching = table.spectators.by_number(number)
                if watching is None:
                    return []
                if why == "flooding":
                    out.host.append(self._put_out(watching))
                return table.unwatch(watching)
            case Restarted():
                table.forget_flood()
                return []
            case Line():
                return table.handle(self._typist(event), event.text, now=event.now)
            case Dropped(grace=grace):
                return table.drop(Seat.GUEST, grace)
            case Freed(why="left"):
                return table.leave(Seat.GUEST)
            case Freed(why="expired"):
                return table.expire(Seat.GUEST, self.keeper.grace)
            case Freed(why=why, detail=detail):
                return table.disconnect(Seat.GUEST, detail or why)
        raise AssertionError(f"unknown table event {event!r}")  # pragma: no cover

    def _put_out(self, spectator: Spectator) -> Shown:
        """What the host is told of a spectator put out for flooding; the name is the
        spectator's own text, so a player is not shown it mid-game."""
        match = self.table.match
        who = "a spectator" if match and match.in_progress else spectator.name
        return Shown(Kind.NOTICE, f"{who} stopped watching: {FLOODING}")

    def _typist(self, line: Line) -> Seat | Spectator:
        if line.seat == "host":
            return Seat.HOST
        if line.seat == "guest":
            return Seat.GUEST
        spectator = self.table.spectators.by_number(line.watcher)
        if spectator is None:
            raise ValueError(f"spectator {line.watcher} is not watching")
        return spectator

    def _flooding(self, line: Line) -> list[TableEvent]:
        """The event that puts out whoever typed *line*, when they keep flooding."""
        table = self.table
        if line.seat == "guest" and table.guest_name is not None:
            if table.is_flooding(Seat.GUEST):
                return [Freed("flooding", FLOODING)]
        elif line.seat == "spectator":
            spectator = table.spectators.by_number(line.watcher)
            if spectator is not None and table.is_flooding(spectator):
                return [Unwatched(line.watcher, "flooding")]
        return []

    def _to_spectators(self, delivery: Delivery) -> list[Action[C]]:
        """One delivery for spectators as sends: kept for one whose welcome is on its way,
        one shared send for all the live ones (encoded once)."""
        connections = self.keeper.watchers
        show = _show(delivery.shown)
        to = delivery.to
        if to is SPECTATORS:
            skip = None if delivery.except_ is None else delivery.except_.number
            live = [key for number, key in connections.live() if number != skip]
            for number in connections.welcoming():
                if number != skip:
                    connections.keep(number, show)
            return [SendAll(tuple(live), show)] if live else []
        if isinstance(to, Spectator):
            key = connections.live_key(to.number)
            if key is not None:
                return [Send(key, show)]
            connections.keep(to.number, show)
        return []

    # ------------------------------------------------------------------------ asking
    def welcomed(self, key: C) -> Decision[C]:
        """*key*'s welcome is out (see :meth:`SeatKeeper.welcomed`).

        Returns:
            The keeper's decision; for a spectator its actions start with what was kept for it
            while its welcome was on the way (and, when the oldest of that had to go, its
            welcome and the board as they are now).
        """
        connections = self.keeper.watchers
        watcher = connections.get(key)
        kept: list[Action[C]] = []
        if watcher is not None:
            shows, overflowed = connections.take_kept(watcher.number)
            if overflowed:
                spectator = self.table.spectators.by_number(watcher.number)
                if spectator is not None:
                    shows += [_show(d.shown) for d in self.table.arrival(spectator)]
            kept = [Send(key, show) for show in shows]
        decision = self.keeper.welcomed(key)
        decision.actions[:0] = kept
        return decision

    def said(self, key: C, seq: int, text: str, now: float) -> Decision[C]:
        """``say`` *seq* with *text* arrived on *key* (see :meth:`SeatKeeper.said`).

        The one quit rule for connections: a guest's ``/q`` sent as text is leaving
        (:class:`Freed`), a spectator's stops their watching, so an older or foreign join that
        sends it as a line leaves as the table's own ``/q`` would have them.
        """
        decision = self.keeper.said(key, seq, text, now)
        events = decision.events
        if not events or not isinstance(first := events[0], Line):
            return decision
        if first.seat == "spectator" and _is_sit(first.text):
            sitting = self.keeper.sit_down(key)
            if sitting is not None:  # the seat is free: this connection takes it
                return sitting
        if is_quit(first.text):
            if first.seat == "guest":
                decision.events = [Freed("left")]
            elif first.seat == "spectator":
                decision.events = [Unwatched(first.watcher, "left")]
            return decision
        refused = self.table.over_budget(self._typist(first), first.text, now)
        if refused is None:
            return decision
        # Refused before any work: not written down, not applied; its answer is for this
        # connection alone and unnumbered (a "slow down" is not worth catching up on).
        if first.seat == "guest":
            self.keeper.passed_over(first.seq)
        decision.events = self._flooding(first)
        decision.actions += [Send(key, _show(d.shown)) for d in refused]
        decision.over_budget = True
        return decision

    def host_refusal(self, text: str, now: float) -> list[Shown] | None:
        """What the host person is shown when their line *text* is over their flood budget
        (refused before it is written down), or None when it is to be applied."""
        refused = self.table.over_budget(Seat.HOST, text, now)
        return None if refused is None else [d.shown for d in refused]

    def finish_replay(self) -> list[TableEvent]:
        """After a journal replay, the events that end what the old process's connections
        held: a guest seated then has lost that connection (the seat is dropped, its grace
        period from now), and whoever watched watches no more."""
        events: list[TableEvent] = []
        if self.keeper.taken:
            events.append(Dropped(self.keeper.grace))
        events += [Unwatched(spectator.number, "restart") for spectator in self.table.spectators]
        return events


def _is_sit(line: str) -> bool:
    """Whether *line* is ``/sit`` (read as the table reads a command)."""
    text = classified_text(line).strip()
    return text.startswith("/") and not text.startswith("//") and split_command(text) == ("sit", "")
