"""A lobby: many tables behind one door, people with names unique on the server.

The one owner of a lobby server's state. :class:`Lobby` holds the people connected (their
names, where their lines go, their ``say.seq`` while in the lobby) and the tables, each a
:class:`~game.served_table.ServedTable` whose two seats are both held by connections: the
person who opened it holds the host's seat (its own :class:`~game.seat_keeper.SeatKeeper`,
``seat="host"``), the one who sat down the guest's. Which connection owns a seat, its tokens,
its numbered shows and its grace period are the table's keepers' alone; the lobby keeps only
*which table* a person's lines go to, and hands a connection's ``say`` numbering to the seat
it takes (``Sat.lines_from``) and takes it back when the person leaves the seat.

Everything a person types in the lobby is a plain line: ``/tables``, ``/open [GAME]``,
``/sit N``, ``/watch N``, ``/help``, ``/q``, or chat for everyone in the lobby. At a table
every line is the table's, but ``/leave`` (back to the lobby), ``/tables`` and ``/q``.

A table is its opener's: when their seat is freed (they ``/leave``, or do not come back within
the grace period) the table closes and whoever sat or watched there is back in the lobby. A
table nobody sits at closes too, once it has gone ``limits.idle_table`` seconds without an
event (:meth:`Lobby.handle_timeout` frees its opener's seat, ``Freed("idle")``, journaled
like any event, so a restart does not bring it back).

As with a served table, nothing here reads a clock or touches a connection: the methods that
react to people return :class:`LobbyDecision` s (table events, tagged with their table's
number, and actions), and :meth:`Lobby.apply` applies one table event. A program journals
each table's events (one journal per table) before applying them, and replaying a table's
journal into :meth:`Lobby.apply` (``replaying=True``) brings the table back as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field, replace
from typing import Generic, TypeVar

from game.announce import duration
from game.commands import split_command
from game.errors import CommandError
from game.flood import FloodControl, FloodVerdict
from game.lobby_decisions import LobbyApplied, LobbyDecision, TableEvents
from game.lobby_limits import LobbyLimits
from game.lobby_table import TOKEN_SEPARATOR, LobbyTable, lobby_table
from game.lobby_words import (
    AT_TABLE_HELP,
    LOBBY_HELP,
    TableRow,
    back_in_lobby,
    idle_closed,
    opened,
    table_list,
)
from game.registry import parse_game
from game.seat_decisions import Action, Decision, Fail, Refusal, SayBye, Send, SendAll, seq_error
from game.seat_keeper import SeatKeeper
from game.served_table import FLOODING, ServedTable
from game.table_events import Dropped, Freed, Line, Opened, Sat, TableEvent, Watched
from game.untrusted import classified_text, clean_name, skeleton
from net.messages import STATUS, Hello, Show, Welcome

C = TypeVar("C", bound=Hashable)


@dataclass(slots=True)
class Person(Generic[C]):
    """Someone connected to the lobby server.

    Attributes:
        key: their connection.
        name: their name, unique on the server.
        address: where they connect from (the per-address limit counts it).
        text: True for a person on nc/telnet.
        at: the table their lines go to, or None in the lobby.
        last_say: the highest ``say.seq`` applied while in the lobby (at a table the seat's
            keeper counts, and hands it back on leaving).
        flood: their lobby chat's flood control.
    """

    key: C
    name: str
    address: str
    text: bool
    at: int | None = None
    last_say: int = 0
    flood: FloodControl = field(default_factory=FloodControl)


def _notice(key: C, text: str) -> Send[C]:
    return Send(key, Show(kind="notice", text=text))


def _error(key: C, text: str) -> Send[C]:
    return Send(key, Show(kind="error", text=text))


def no_status(key: C) -> Send[C]:
    """The empty status that takes a table's status out of *key*'s prompt: in the lobby no
    game is played (a join older than version 3, or a text client, is not sent it)."""
    return Send(key, Show(kind=STATUS, text=""))


class Lobby(Generic[C]):
    """The people and the tables of one lobby server (see the module docstring)."""

    def __init__(
        self,
        server_name: str,
        *,
        rng: random.Random,
        limits: LobbyLimits | None = None,
        make_table: Callable[[], ServedTable[C]] = lobby_table,
        flood: FloodControl | None = None,
    ) -> None:
        """An empty lobby.

        Args:
            server_name: What the lobby is called (in welcomes and the greeting).
            rng: Where each table's seed comes from (:class:`Opened`).
            limits: Its bounds (:class:`~game.lobby_limits.LobbyLimits` defaults if None).
            make_table: Builds each table (tests inject short grace periods).
            flood: The lobby chat's flood rules (each person a fresh copy).
        """
        self.server_name = server_name
        self.limits = LobbyLimits() if limits is None else limits
        self._rng = rng
        self._make_table = make_table
        self._flood = FloodControl() if flood is None else flood
        self.people: dict[C, Person[C]] = {}
        self.tables: dict[int, LobbyTable[C]] = {}
        self._next_number = 1
        # Connections whose table event is being applied: the opener of a table being opened
        # and a spectator arriving, so that the event's follow-up reaches them.
        self._opening: dict[int, C] = {}
        self._watching: dict[int, C] = {}

    # ------------------------------------------------------------------------ looking
    def names(self) -> Iterator[str]:
        """Every name held on the server: the people connected and the seats kept."""
        for person in self.people.values():
            yield person.name
        for table in self.tables.values():
            for keeper in table.served.seats.values():
                if keeper.name is not None:
                    yield keeper.name

    def in_lobby(self) -> list[C]:
        """The connections of the people in the lobby (not at a table)."""
        return [key for key, person in self.people.items() if person.at is None]

    def rows(self) -> list[TableRow]:
        """The table list, by number."""
        rows = []
        for number in sorted(self.tables):
            table = self.tables[number]
            served = table.served
            if not served.opened:
                continue
            at = served.table
            players = (at.host_name,) + (() if at.guest_name is None else (at.guest_name,))
            match = at.match
            game = match.spec.title if match is not None and match.in_progress else table.title
            rows.append(TableRow(number, game, players, len(at.spectators)))
        return rows

    def seat_token(self, key: C) -> str | None:
        """The token that resumes the seat *key* holds (its table's number, a dot, the seat
        token), or None when it holds none: in the lobby, or watching."""
        person = self.people.get(key)
        if person is None or person.at is None:
            return None
        for keeper in self.tables[person.at].served.seats.values():
            if keeper.owner == key and keeper.owner_token is not None:
                return f"{person.at}{TOKEN_SEPARATOR}{keeper.owner_token}"
        return None

    def next_deadline(self) -> float | None:
        """When :meth:`handle_timeout` has something to do: the first grace period to end, or
        the first table nobody sits at to have been idle for ``limits.idle_table``."""
        idle = self.limits.idle_table
        deadlines = [
            deadline
            for table in self.tables.values()
            for keeper in table.served.seats.values()
            if (deadline := keeper.next_deadline()) is not None
        ]
        deadlines += [
            deadline
            for table in self.tables.values()
            if (deadline := table.idle_until(idle)) is not None
        ]
        return min(deadlines, default=None)

    # ------------------------------------------------------------------------ arriving
    def arrive(self, key: C, name: str, address: str, *, text: bool) -> Refusal | Person[C]:
        """Someone said hello (without a seat token): into the lobby, or refused.

        Args:
            key: The connection.
            name: The name asked for (a valid protocol name); a name already held on the
                server gets a visibly different one (``alice-2``).
            address: Where they connect from.
            text: True for a person on nc/telnet.

        Returns:
            The person (their ``name`` as given), or why they are refused.
        """
        refusal = self._crowded(address)
        if refusal is not None:
            return refusal
        given = clean_name(name, taken=list(self.names()))
        person: Person[C] = Person(key, given, address, text, flood=self._flood.fresh())
        self.people[key] = person
        return person

    def why_renamed(self, key: C, asked: str, now: float) -> str | None:
        """Why *key*'s person got another name than the *asked* one, in one sentence (None
        when they got it): whose it is, and for how long a dropped player's seat keeps it.

        Args:
            key: A connection :meth:`arrive` let in.
            asked: The name its hello asked for.
            now: The server's monotonic clock (how much of a grace period is left).
        """
        person = self.people.get(key)
        wanted = clean_name(asked)
        if person is None or person.name == wanted:
            return None
        mark = skeleton(wanted)
        for number in sorted(self.tables):
            for keeper in self.tables[number].served.seats.values():
                if keeper.name is None or skeleton(keeper.name) != mark or not keeper.dropped:
                    continue
                wait = duration(keeper.grace_left(now))
                return (
                    f"{wanted} is still held for the player who dropped from table {number} "
                    f"(for up to {wait}) — you are {person.name}"
                )
        return f"{wanted} is taken by someone connected here — you are {person.name}"

    def _crowded(self, address: str) -> Refusal | None:
        limits = self.limits
        if len(self.people) >= limits.people:
            return Refusal("full", f"{self.server_name} is full ({limits.people} people)")
        from_there = sum(1 for person in self.people.values() if person.address == address)
        if from_there >= limits.people_per_address:
            why = f"{limits.people_per_address} people are connected from your address already"
            return Refusal("rate-limited", f"{why} — the most {self.server_name} lets in")
        return None

    def resume(
        self, key: C, hello: Hello, address: str, now: float
    ) -> tuple[Decision[C], SeatKeeper[C] | None]:
        """A hello with a seat token this lobby gave: the seat it names, resumed.

        Returns:
            The seat keeper's decision (its refusal set when the token names no seat, or the
            server is full) and the keeper whose :meth:`~SeatKeeper.welcome` then words the
            welcome (see :meth:`welcome`).
        """
        number_text, _, token = (hello.token or "").partition(TOKEN_SEPARATOR)
        table = self.tables.get(int(number_text)) if number_text.isdigit() else None
        keeper = None
        if table is not None and token:
            keeper = next(
                (k for k in table.served.seats.values() if k.tokens.verify(token) is not None),
                None,
            )
        if table is None or keeper is None or keeper.name is None:
            gone = "that seat is no longer yours — its table closed or its grace period is over"
            return Decision(refusal=Refusal("bad-token", gone)), None
        refusal = self._crowded(address)
        if refusal is not None:
            return Decision(refusal=refusal), None
        # The token proves the seat: the name is the seat's, whatever the hello asked for.
        decision = keeper.admit(key, replace(hello, token=token, name=keeper.name), address, now)
        if decision.refusal is None:
            self.people[key] = Person(
                key, keeper.name, address, False, at=table.number, flood=self._flood.fresh()
            )
        return decision, keeper

    def reclaim(
        self, key: C, hello: Hello, address: str, now: float
    ) -> Refusal | SeatKeeper[C] | None:
        """A person on nc/telnet (no token) says hello: the dropped seat they held, back.

        A lobby has no host to approve it (the one-table host's ``/let``), so the rule is the
        seat's own: it was dropped (the server saw its connection end, so nobody else holds
        it), it is kept (within the grace period), its name is the one asked for, and the
        hello comes from the address the seat dropped from.

        Returns:
            None when no seat is theirs to take back (they arrive as newcomers); the refusal
            when the server is full; else the seat's keeper, whose welcome then greets them
            (see :meth:`welcome`).
        """
        for number, table in self.tables.items():
            for keeper in table.served.seats.values():
                kept = keeper.dropped and keeper.owner is None and keeper.is_named(hello.name)
                if not kept or keeper.dropped_from != address:
                    continue
                refusal = self._crowded(address)
                if refusal is not None:
                    return refusal
                decision = keeper.admit(key, hello, address, now, text=True)
                asked = keeper.asking
                if decision.refusal is not None or asked is None or keeper.name is None:
                    return None
                if not keeper.let(asked).actions:  # the rule above is the host's answer
                    return None
                self.people[key] = Person(
                    key, keeper.name, address, True, at=number, flood=self._flood.fresh()
                )
                return keeper
        return None

    def welcome(self, key: C, keeper: SeatKeeper[C]) -> Welcome:
        """The welcome of a resume :meth:`resume` let in: the seat's, its token and its
        ``lobby`` the lobby's."""
        person = self.people[key]
        welcome = keeper.welcome(key)
        token = f"{person.at}{TOKEN_SEPARATOR}{welcome.token}"
        return replace(welcome, token=token, lobby=self.server_name)

    def welcomed(self, key: C) -> Decision[C]:
        """*key*'s welcome is out: a resumed seat is live (its :class:`Resumed` comes back)."""
        person = self.people.get(key)
        if person is None or person.at is None:
            return Decision()
        return self.tables[person.at].served.welcomed(key)

    # ------------------------------------------------------------------------ lines
    def said(self, key: C, seq: int, text: str, now: float) -> LobbyDecision[C]:
        """``say`` *seq* with *text* arrived from *key*: a lobby line, or its table's."""
        person = self.people.get(key)
        if person is None:
            return LobbyDecision()
        if person.at is not None:
            return self._at_table(person, seq, text, now)
        reason = seq_error(seq, person.last_say)
        if reason is not None:
            self.people.pop(key, None)
            return LobbyDecision(actions=[Fail(key, reason)])
        if seq <= person.last_say:
            return LobbyDecision()  # a repeat
        person.last_say = seq
        return self._lobby_line(person, text, now)

    def _lobby_line(self, person: Person[C], line: str, now: float) -> LobbyDecision[C]:
        key = person.key
        text = classified_text(line).strip()
        if not text:
            return LobbyDecision()
        if text.startswith("/") and not text.startswith("//"):
            word, args = split_command(text)
            match word:
                case "tables":
                    return self._tables(key)
                case "open":
                    return self._open(person, args, now)
                case "sit" | "watch":
                    return self._join_table(person, word, args, now)
                case "help":
                    return LobbyDecision(actions=[_notice(key, LOBBY_HELP)])
                case "q" | "quit":
                    self.people.pop(key, None)
                    return LobbyDecision(actions=[SayBye(key, "left", "you left the lobby")])
                case "leave":
                    return LobbyDecision(actions=[_error(key, "you are in the lobby already")])
            return LobbyDecision(
                actions=[_error(key, f"no lobby command /{word[:20]} — /help lists them")]
            )
        if text.startswith("//"):
            line = line.lstrip()[1:]
        verdict = person.flood.check(line, now)
        if verdict is not FloodVerdict.OK:
            if person.flood.is_persistent():  # flooding on purpose: put out, as at a table
                self.people.pop(key, None)
                bye = SayBye(key, "flooding", FLOODING)
                return LobbyDecision(actions=[bye], over_budget=True)
            error = _error(key, person.flood.message(verdict))
            return LobbyDecision(actions=[error], over_budget=True)
        others = tuple(k for k in self.in_lobby() if k != key)
        shown = Show(kind="chat", text=" ".join(line.splitlines()), sender=person.name)
        return LobbyDecision(actions=[SendAll(others, shown)] if others else [])

    def _tables(self, key: C) -> LobbyDecision[C]:
        listing = table_list(self.rows(), self.limits.tables)
        return LobbyDecision(actions=[_notice(key, listing)])

    def _open(self, person: Person[C], args: str, now: float) -> LobbyDecision[C]:
        key = person.key
        game = ""
        if args:
            try:
                game = parse_game(args).title
            except CommandError as exc:
                return LobbyDecision(actions=[_error(key, str(exc))])
        limits = self.limits
        if len(self.tables) >= limits.tables:
            full = f"{limits.tables} tables are open, the most this server holds"
            return LobbyDecision(actions=[_error(key, f"{full} — /sit or /watch one")])
        number = self._next_number
        self._next_number += 1
        table = LobbyTable(number, self._make_table(), now)
        self.tables[number] = table
        self._opening[number] = key
        person.at = number
        seed = self._rng.randrange(2**63)
        notice = _notice(key, opened(number, game))
        opening = Opened(person.name, seed, args.strip() if game else "")
        return LobbyDecision(events=[(number, opening)], actions=[notice])

    def _join_table(self, person: Person[C], word: str, args: str, now: float) -> LobbyDecision[C]:
        key = person.key
        table = self.tables.get(int(args)) if args.strip().isdigit() else None
        if table is None:
            what = f"no table {args[:20]}" if args else f"which table? /{word} N"
            return LobbyDecision(actions=[_error(key, f"{what} — /tables lists them")])
        served = table.served
        number = table.number
        if word == "sit":
            sitting = served.keeper.take(
                key, person.name, lines_from=person.last_say, text=person.text
            )
            if sitting is None:
                full = f"table {number}'s seats are taken — /watch {number} watches it"
                return LobbyDecision(actions=[_error(key, full)])
            person.at = number
            return LobbyDecision(events=[(number, event) for event in sitting.events])
        watchers = served.keeper.watchers
        if watchers.is_full:
            return LobbyDecision(actions=[_error(key, watchers.no_room(served.table.host_name))])
        watchers.arriving(key, now, text=person.text, lines_from=person.last_say)
        self._watching[number] = key
        person.at = number
        return LobbyDecision(events=[(number, Watched(person.name))])

    def _at_table(self, person: Person[C], seq: int, text: str, now: float) -> LobbyDecision[C]:
        assert person.at is not None
        table = self.tables[person.at]
        word = split_command(classified_text(text).strip())
        if word in (("leave", ""), ("q", ""), ("quit", ""), ("tables", "")):
            # Numbered as a table line would be: a repeat after a resume is not done twice.
            last = self._last_say(table, person.key)
            if seq_error(seq, last) is not None or seq <= last:
                return self._to_table(table, person.key, seq, text, now)
            self._count_line(table, person.key, seq)
            if word == ("tables", ""):
                return self._tables(person.key)
            return self._leave(person, table, quitting=word != ("leave", ""))
        decision = self._to_table(table, person.key, seq, text, now)
        if word == ("help", ""):
            decision.actions.append(_notice(person.key, AT_TABLE_HELP))
        return decision

    def _to_table(
        self, table: LobbyTable[C], key: C, seq: int, text: str, now: float
    ) -> LobbyDecision[C]:
        decision = table.served.said(key, seq, text, now)
        events = [(table.number, event) for event in decision.events]
        return LobbyDecision(
            events=events, actions=decision.actions, over_budget=decision.over_budget
        )

    def _last_say(self, table: LobbyTable[C], key: C) -> int:
        """The ``say.seq`` *key*'s lines at *table* have reached."""
        served = table.served
        watcher = served.keeper.watchers.get(key)
        if watcher is not None:
            return watcher.last_say
        for keeper in served.seats.values():
            if keeper.owner == key:
                return keeper.last_say
        return 0

    def _count_line(self, table: LobbyTable[C], key: C, seq: int) -> None:
        """A line the lobby took from a table's connection counts as read there."""
        served = table.served
        watcher = served.keeper.watchers.get(key)
        if watcher is not None:
            watcher.last_say = max(watcher.last_say, seq)
        for keeper in served.seats.values():
            if keeper.owner == key:
                keeper.passed_over(seq)

    def _leave(
        self, person: Person[C], table: LobbyTable[C], *, quitting: bool
    ) -> LobbyDecision[C]:
        key = person.key
        person.last_say = self._last_say(table, key)
        decision = table.served.lost(key, "left", "")
        person.at = None
        events = [(table.number, event) for event in decision.events]
        if quitting:
            self.people.pop(key, None)
            bye = SayBye(key, "left", f"you left {self.server_name}")
            return LobbyDecision(events=events, actions=[*decision.actions, bye])
        back = _notice(key, back_in_lobby(f"you left table {table.number}"))
        actions = [*decision.actions, no_status(key), back]
        return LobbyDecision(events=events, actions=actions, moved=[key])

    # ------------------------------------------------------------------------ leaving
    def lost(self, key: C, cause: str, reason: str) -> LobbyDecision[C]:
        """*key*'s connection ended (*cause* as :class:`~net.errors.ConnectionClosed` says):
        its person is gone; a seat it held is kept for the grace period, or freed when it
        left or broke the protocol."""
        person = self.people.pop(key, None)
        if person is None or person.at is None or person.at not in self.tables:
            return LobbyDecision()
        table = self.tables[person.at]
        decision = table.served.lost(key, cause, reason)
        # Journaled with the drop: a person on nc/telnet coming back from there takes the
        # seat back (:meth:`reclaim`), after a restart too.
        events: TableEvents = [
            (table.number, replace(event, address=person.address))
            if isinstance(event, Dropped)
            else (table.number, event)
            for event in decision.events
        ]
        return LobbyDecision(events=events, actions=decision.actions)

    def handle_timeout(self, now: float) -> TableEvents:
        """The seats whose grace period is over at *now*, freed; and the opener's seat of each
        table nobody sat at for ``limits.idle_table`` seconds by *now* (``Freed("idle")``:
        the table closes with it)."""
        # Asked every second of every table: only a seat with a deadline costs a decision.
        idle = self.limits.idle_table
        events: TableEvents = []
        for number, table in list(self.tables.items()):
            expired = [
                (number, event)
                for keeper in table.served.seats.values()
                if keeper.next_deadline() is not None
                for event in keeper.handle_timeout(now).events
            ]
            events += expired
            idle_until = table.idle_until(idle)
            if not expired and idle_until is not None and now >= idle_until:
                events.append((number, Freed("idle", seat="host")))
        return events

    # ------------------------------------------------------------------------ applying
    def restore(self, number: int) -> None:
        """Make room for table *number*, about to be replayed from its journal."""
        self.tables[number] = LobbyTable(number, self._make_table())
        self._next_number = max(self._next_number, number + 1)

    def apply(
        self, number: int, event: TableEvent, now: float, *, replaying: bool = False
    ) -> LobbyApplied[C]:
        """Apply one event to table *number* (see :meth:`ServedTable.apply`).

        Args:
            number: The table.
            event: The change.
            now: The server's monotonic clock.
            replaying: True to rebuild the table from its journal: nothing comes back.

        Returns:
            What to carry out and apply next; ``closed`` when the table is over.
        """
        table = self.tables.get(number)
        if table is None:
            return LobbyApplied()
        served = table.served
        table.active = now
        closing = isinstance(event, Freed) and event.seat == "host"
        # Read before the seat is freed: an opener still connected goes back to the lobby,
        # numbering its lines on from where its seat had them.
        lines = {} if replaying or not closing else self._lines_at(number)
        applied = served.apply(event, now, replaying=replaying)
        out: LobbyApplied[C] = LobbyApplied(actions=applied.actions)
        out.then = [(number, follows) for follows in applied.then]
        if replaying:
            return out
        if isinstance(event, Opened):
            opener = self._opening.pop(number, None)
            person = None if opener is None else self.people.get(opener)
            if opener is not None and person is not None:
                taking = served.opener
                assert taking is not None
                sat = taking.take(opener, person.name, lines_from=person.last_say, text=person.text)
                if sat is not None:
                    out.then += [(number, follows) for follows in sat.events]
        elif isinstance(event, Sat):
            keeper = served.seats[event.seat]
            if keeper.owner is not None:
                out.moved.append(keeper.owner)
            if event.seat == "guest" and table.game:
                out.then.append((number, Line("host", f"/game {table.game}", now)))
        elif isinstance(event, Watched):
            watcher = self._watching.pop(number, None)
            if watcher is not None:
                out.actions += served.welcomed(watcher).actions
        if isinstance(event, Freed) and event.seat == "host":
            out.moved += self._moved_out(number)
            out.actions += self._close(table, lines, idle=event.why == "idle")
            out.closed = number
        return out

    def finish_restore(self, number: int) -> bool:
        """After table *number*'s journal was replayed: close it when its opener's seat is
        free (the old process died before it could remove the journal). Returns whether it
        is still open."""
        table = self.tables.get(number)
        if table is None or not table.served.opened or table.served.host_left:
            self.tables.pop(number, None)
            return False
        return True

    def after_restart(self, number: int) -> list[TableEvent]:
        """After table *number* was restored and its :class:`Restarted` applied: the events
        that end what the old process's connections held (see
        :meth:`ServedTable.finish_replay`), but for a seat dropped before the restart. Whoever
        sits across resumes and catches up on what the seat told them, that drop included:
        a second drop would say it again. Its grace period runs from the restart already (the
        replay applied its drop now)."""
        table = self.tables[number]
        seats = table.served.seats
        return [
            event
            for event in table.served.finish_replay()
            if not (isinstance(event, Dropped) and seats[event.seat].dropped)
        ]

    def _moved_out(self, number: int) -> list[C]:
        return [key for key, person in self.people.items() if person.at == number]

    def _lines_at(self, number: int) -> dict[C, int]:
        """The ``say.seq`` each connection at table *number* has reached there."""
        table = self.tables[number]
        return {
            key: self._last_say(table, key)
            for key, person in self.people.items()
            if person.at == number
        }

    def _close(self, table: LobbyTable[C], lines: dict[C, int], *, idle: bool) -> list[Action[C]]:
        """The opener's seat is free: the table is over; whoever was at it is back in the
        lobby, their ``say`` numbering where their seat or watching had it (*lines*, read
        before the seat was freed), told why in one notice: its opener left, or nobody sat
        at it for the idle limit (*idle*)."""
        number = table.number
        if idle:
            said = idle_closed(number, duration(self.limits.idle_table))
        else:
            said = back_in_lobby(f"{table.served.table.host_name} left, and table {number} closed")
        actions: list[Action[C]] = []
        for person in self.people.values():
            if person.at != number:
                continue
            person.last_say = lines.get(person.key, 0)
            person.at = None
            actions += [no_status(person.key), _notice(person.key, said)]
        del self.tables[number]
        return actions
