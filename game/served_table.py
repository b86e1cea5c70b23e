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
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Final, Generic, Literal, TypeAlias, TypeVar

from game.commands import is_quit, split_command
from game.delivery import SPECTATORS, Delivery, Kind, Recipient, Seat, Shown, Spectator
from game.game_log import GameLog
from game.record_format import write
from game.seat_decisions import Action, Decision, Send, SendAll
from game.seat_keeper import SeatKeeper
from game.snapshot_values import Fields, SnapshotError
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

#: How many of the host's last chat lines a restarted host shows again.
RECENT_CHAT: Final = 10

#: What the host is told, and the guest's bye says, when a guest is put out for flooding.
FLOODING: Final = "flooding (too many chat lines too fast)"

#: The guest seat as the events left it: nobody, a guest whose connection was up, or one
#: dropped and kept for its grace period.
GuestSeat: TypeAlias = Literal["free", "connected", "dropped"]

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
        records: the host's record of each game that ended (:mod:`game.record_format` text),
            to be kept in the host's archive.
    """

    host: list[Shown] = field(default_factory=list)
    actions: list[Action[C]] = field(default_factory=list)
    then: list[TableEvent] = field(default_factory=list)
    records: list[str] = field(default_factory=list)


def _show(shown: Shown) -> Show:
    return Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)


class ServedTable(Generic[C]):
    """A table and its connections (see the module docstring)."""

    def __init__(
        self,
        keeper: SeatKeeper[C],
        *,
        make_table: MakeTable = _table,
        opener: SeatKeeper[C] | None = None,
    ) -> None:
        """A served table that opens when its first :class:`Opened` event is applied.

        Args:
            keeper: The seat keeper (its join code, grace period and limits) of the guest
                seat and the spectators.
            make_table: Builds the table an :class:`Opened` opens (tests inject flood rules).
            opener: At a lobby table, the keeper of the host's seat (``seat="host"``): the
                person who opened it plays from a connection, their shows numbered and kept
                as the guest's are. None: the host person is at the program's console.
        """
        self.keeper = keeper
        self.opener = opener
        #: Each seat held by a connection, by the name its events give it.
        self.seats: dict[str, SeatKeeper[C]] = {keeper.seat: keeper}
        if opener is not None:
            self.seats[opener.seat] = opener
        self._make_table = make_table
        self._table: Table | None = None
        self._opened: Opened | None = None
        # The status last sent to each seat held by a connection, and to which (_statuses).
        self._status_sent: dict[str, tuple[C, str]] = {}
        # The connection that left each seat (lost with cause "left"), until the seat's Freed
        # is applied: the record of a game its leaving ends is sent to it (at a lobby the
        # person is back in the lobby, still connected, and keeps it).
        self._left: dict[str, C] = {}

    @property
    def opened(self) -> bool:
        """True once the opening event is applied."""
        return self._table is not None

    @property
    def opening(self) -> Opened | None:
        """The event that opened the table (None before it is applied)."""
        return self._opened

    @property
    def table(self) -> Table:
        """The table (raises RuntimeError before the opening event is applied)."""
        if self._table is None:
            raise RuntimeError("the table is not open yet: apply its Opened event first")
        return self._table

    @property
    def recent_chat(self) -> list[Shown]:
        """The host's last :data:`RECENT_CHAT` chat lines, oldest first (what a restarted host
        shows again), as the table keeps them (:meth:`Table.chat_seen`)."""
        return [] if self._table is None else self._table.chat_seen(Seat.HOST, RECENT_CHAT)

    @property
    def guest_seat(self) -> GuestSeat:
        """The guest seat as the events applied so far left it."""
        if not self.keeper.taken:
            return "free"
        return "dropped" if self.keeper.dropped else "connected"

    # ------------------------------------------------------------------------ snapshots
    def to_snapshot(self) -> dict[str, Any]:
        """Everything the events applied so far built, as JSON values: what :meth:`restore`
        takes back instead of replaying them. Each part writes its own: the table (who sits,
        the game and its moves and offers, the score, each person's chat history and board
        reading, the flood budgets, the spectators) and the keeper of each seat a connection
        holds, by the seat's name (tokens, ``say.seq``, the outbox and its ``show.seq``); the
        opening (host name, seed, and the game a lobby table was opened for) says which table
        it is.

        Raises:
            SnapshotError: a part cannot be written (a game that keeps an ending of its own).
            RuntimeError: the table is not open yet.
        """
        if self._opened is None:
            raise RuntimeError("the table is not open yet: apply its Opened event first")
        opened: dict[str, Any] = {"host_name": self._opened.host_name, "seed": self._opened.seed}
        if self._opened.game:
            opened["game"] = self._opened.game
        return {
            "opened": opened,
            "table": self.table.to_snapshot(),
            "seats": {seat: keeper.to_snapshot() for seat, keeper in self.seats.items()},
        }

    def restore(self, snapshot: dict[str, Any], now: float) -> Opened:
        """Make this served table the one :meth:`to_snapshot` wrote, as replaying its events
        at *now* would (see :meth:`apply` with ``replaying``): nobody is connected, every show
        counts as delivered.

        Every value is checked as the wire checks it (names, texts, ``seq`` numbers within
        :data:`~net.messages.MAX_INT`) and as the games check positions; nothing is changed
        unless all of it can be taken back.

        Args:
            snapshot: What :meth:`to_snapshot` wrote (read back from disk: not trusted).
            now: The host's monotonic clock (a dropped seat's grace period runs from it).

        Returns:
            The event that opened the table.

        Raises:
            SnapshotError: a value is missing, out of bounds or inconsistent, or the snapshot
                holds other seats than this table's (a lobby table's in a one-table host).
        """
        top = Fields(snapshot, "snapshot")
        opening = top.object("opened")
        seed = opening.whole("seed", low=-(2**64), high=2**64)
        opened = Opened(opening.name("host_name"), seed, opening.optional_text("game") or "")
        table = self._make_table(opened.host_name, random.Random(opened.seed))
        table.restore_snapshot(top.object("table"))
        seats = top.object("seats")
        if sorted(seats.members()) != sorted(self.seats):
            raise SnapshotError(f"{seats.where} must hold this table's seats: {sorted(self.seats)}")
        # Every seat is checked before any is taken back.
        takes = [keeper.restorer(seats.object(seat), now) for seat, keeper in self.seats.items()]
        for take in takes:
            take()
        for keeper in self.seats.values():
            keeper.host_name = table.host_name
        for spectator in table.spectators:
            self.keeper.watched(spectator.number, spectator.name)
        self._table, self._opened = table, opened
        return opened

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
        leaving: dict[str, C] = {}
        if isinstance(event, Freed) and event.seat in self.seats:
            # the seat's connection, before its seat is freed — or the one that left it
            left = self._left.pop(event.seat, None)
            owner = self.seats[event.seat].owner or left
            if owner is not None:
                leaving[event.seat] = owner
        out: Applied[C] = Applied()
        for seat_keeper in self.seats.values():
            out.actions += seat_keeper.apply(event, now)
        # A resume's greeting (and the board, when it missed too much) is for the connection
        # that resumed, not a show to catch up on: a later resume must not resend it.
        greeting: list[Action[C]] = []
        resumed = event.seat if isinstance(event, Resumed) else None
        if isinstance(event, Line) and self._table is not None:
            self._table.play.records.wall = event.wall  # dates a game this line begins
        for delivery in self._change_table(event, out):
            keeper = self._keeper_of(delivery.to)
            if keeper is not None and keeper.seat == resumed:
                if not replaying and keeper.owner is not None:
                    greeting.append(Send(keeper.owner, _show(delivery.shown)))
            elif keeper is not None:
                keeper.show(_show(delivery.shown))
            elif replaying:
                continue  # nobody watches during a replay: their connections died with it
            elif delivery.to == Seat.HOST:
                out.host.append(delivery.shown)
            else:
                out.actions += self._to_spectators(delivery)
        if self._table is not None:
            for log in self._table.play.records.take_finished():
                self._hand_out(log, out, replaying=replaying, leaving=leaving)
        if replaying:
            for seat_keeper in self.seats.values():
                seat_keeper.assume_delivered()
            return Applied()
        for seat_keeper in self.seats.values():
            out.actions += seat_keeper.to_send()
        out.actions += greeting
        out.actions += self._statuses()
        if isinstance(event, Line):
            out.then += self._flooding(event)
        return out

    def _statuses(self) -> list[Action[C]]:
        """Each connection-held seat's status (game, turn, score) when it changed, or when its
        connection is new.

        Unnumbered and not kept for catch-up: only the current status matters, so a resumed
        connection gets it once, as it is now, instead of every old one. Only to a connection
        that is welcomed: one still being welcomed cannot be sent anything yet, so it gets its
        status once its welcome is out (:meth:`welcomed`).
        """
        if self._table is None:
            return []
        sends: list[Action[C]] = []
        for name, seat_keeper in self.seats.items():
            owner = seat_keeper.owner
            if owner is None or not seat_keeper.connected:
                continue
            status = self._table.status_for(Seat.HOST if name == "host" else Seat.GUEST)
            if self._status_sent.get(name) != (owner, status):
                self._status_sent[name] = (owner, status)
                sends.append(Send(owner, Show(kind=STATUS, text=status)))
        return sends

    def _keeper_of(self, to: object) -> SeatKeeper[C] | None:
        """The keeper of the seat a delivery is *to*, when a connection holds that seat."""
        if to == Seat.GUEST:
            return self.keeper
        if to == Seat.HOST:
            return self.opener
        return None

    def _change_table(self, event: TableEvent, out: Applied[C]) -> list[Delivery]:
        """What *event* changes at the table, and what the table says of it."""
        if isinstance(event, Opened):
            self._opened = event
            self._table = self._make_table(event.host_name, random.Random(event.seed))
            for keeper in self.seats.values():  # cleaned, as the table names it
                keeper.host_name = self._table.host_name
            return []
        table = self.table
        if getattr(event, "seat", None) == "host" and not isinstance(event, Line):
            return self._change_host_seat(event)
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

    def _hand_out(
        self,
        log: GameLog,
        out: Applied[C],
        *,
        replaying: bool = False,
        leaving: dict[str, C] | None = None,
    ) -> None:
        """Each viewer's record of a game that ended: the host's to keep (at a lobby table,
        numbered among the opener's shows, as the guest's are), the guest's (when they played
        it) numbered among their shows — or, when the game ended because a player left, sent
        to the connection that left that seat (*leaving*, by seat) ahead of its bye or its
        return to the lobby — and one copy for every spectator (none in a replay: their
        connections died with the old process)."""
        gone = {} if leaving is None or replaying else leaving
        host_copy = write(log.record_for("host"))
        if self.opener is None:
            out.records.append(host_copy)
        elif self.opener.taken:
            self.opener.show(Show(kind="record", text=host_copy))
        elif self.opener.seat in gone:
            out.actions.insert(0, Send(gone[self.opener.seat], Show(kind="record", text=host_copy)))
        table = self.table
        if log.guest_player is not None:
            show = Show(kind="record", text=write(log.record_for("guest")))
            if table.guest_name is not None:
                self.keeper.show(show)
            elif self.keeper.seat in gone:
                out.actions.insert(0, Send(gone[self.keeper.seat], show))
        if table.spectators and not replaying:
            show = Show(kind="record", text=write(log.record_for("spectator")))
            out.actions += self._to_spectators_show(show, SPECTATORS, None)

    def closing(self) -> Applied[C]:
        """The host closes the table: each viewer's record of a game still on, as it stands
        (unfinished), handed out as :meth:`apply` hands out a game that ended. Not an event:
        the table closes with it."""
        out: Applied[C] = Applied()
        log = self.table.play.records.unfinished()
        if log is not None:
            self._hand_out(log, out)
            for seat_keeper in self.seats.values():
                out.actions += seat_keeper.to_send()
        return out

    def last_record(self) -> str | None:
        """The host's record of the last game that ended, or None. After a journal replay the
        host keeps it again (saving one twice changes nothing): a host killed between
        journaling a game's last move and keeping its record still keeps it."""
        log = self.table.play.records.last
        return None if log is None else write(log.record_for("host"))

    def _change_host_seat(self, event: TableEvent) -> list[Delivery]:
        """What an event of the host's seat at a lobby table changes: the opener is the
        table's host from its opening, so sitting there names nobody new, and a free host
        seat ends the table (the lobby closes it)."""
        assert self.opener is not None, "the host's seat is held by a connection only at a lobby"
        table = self.table
        match event:
            case Sat():
                self.opener.seated(table.host_name)
            case Resumed(caught_up=caught_up):
                return table.opener_back(caught_up=caught_up)
            case Dropped(grace=grace):
                return table.opener_dropped(grace)
            case Freed():
                return table.opener_left()
        return []

    @property
    def host_left(self) -> bool:
        """True at a lobby table whose opener's seat is free: the table is over."""
        return self.opener is not None and self._table is not None and not self.opener.taken

    def lost(self, key: C, cause: str, reason: str) -> Decision[C]:
        """Connection *key* ended, *cause* as :class:`~net.errors.ConnectionClosed` says (see
        :meth:`SeatKeeper.lost`): whichever seat it held, or its watching."""
        for seat, keeper in self.seats.items():
            decision = keeper.lost(key, cause, reason)
            if cause == "left" and any(isinstance(e, Freed) for e in decision.events):
                self._left[seat] = key
            if decision.events or decision.actions:
                return decision
        return Decision()

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
        elif line.seat == "host" and self.opener is not None:
            if table.is_flooding(Seat.HOST):
                return [Freed("flooding", FLOODING, seat="host")]
        elif line.seat == "spectator":
            spectator = table.spectators.by_number(line.watcher)
            if spectator is not None and table.is_flooding(spectator):
                return [Unwatched(line.watcher, "flooding")]
        return []

    def _to_spectators(self, delivery: Delivery) -> list[Action[C]]:
        """One delivery for spectators as sends: kept for one whose welcome is on its way,
        one shared send for all the live ones (encoded once)."""
        return self._to_spectators_show(_show(delivery.shown), delivery.to, delivery.except_)

    def _to_spectators_show(
        self, show: Show, to: Recipient, except_: Spectator | None
    ) -> list[Action[C]]:
        connections = self.keeper.watchers
        if to is SPECTATORS:
            skip = None if except_ is None else except_.number
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
            welcome and the board as they are now); for a seat they end with its status.
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
        keeper = next((k for k in self.seats.values() if k.owner == key), self.keeper)
        decision = keeper.welcomed(key)
        decision.actions[:0] = kept
        decision.actions += self._statuses()  # the seat's, now that it can be sent
        return decision

    def said(self, key: C, seq: int, text: str, now: float) -> Decision[C]:
        """``say`` *seq* with *text* arrived on *key* (see :meth:`SeatKeeper.said`).

        The one quit rule for connections: a guest's ``/q`` sent as text is leaving
        (:class:`Freed`), a spectator's stops their watching, so an older or foreign join that
        sends it as a line leaves as the table's own ``/q`` would have them.
        """
        decision = self.keeper.said(key, seq, text, now)
        if self.opener is not None and not (decision.events or decision.actions):
            decision = self.opener.said(key, seq, text, now)
        events = decision.events
        if not events or not isinstance(first := events[0], Line):
            return decision
        if first.seat == "spectator" and _is_sit(first.text):
            sitting = self.keeper.sit_down(key)
            if sitting is not None:  # the seat is free: this connection takes it
                return sitting
        if is_quit(first.text):
            if first.seat in self.seats:
                decision.events = [Freed("left", seat=self.seats[first.seat].seat)]
            elif first.seat == "spectator":
                decision.events = [Unwatched(first.watcher, "left")]
            return decision
        refused = self.table.over_budget(self._typist(first), first.text, now)
        if refused is None:
            return decision
        # Refused before any work: not written down, not applied; its answer is for this
        # connection alone and unnumbered (a "slow down" is not worth catching up on).
        if first.seat in self.seats:
            self.seats[first.seat].passed_over(first.seq)
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
        events: list[TableEvent] = [
            Dropped(keeper.grace, seat=keeper.seat)
            for keeper in self.seats.values()
            if keeper.taken
        ]
        events += [Unwatched(spectator.number, "restart") for spectator in self.table.spectators]
        return events


def _is_sit(line: str) -> bool:
    """Whether *line* is ``/sit`` (read as the table reads a command)."""
    text = classified_text(line).strip()
    return text.startswith("/") and not text.startswith("//") and split_command(text) == ("sit", "")
