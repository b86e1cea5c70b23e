"""``python -m cli.host --lobby``: many tables on one port, and nobody at the console.

Every rule — names, the table list, opening, sitting, watching, leaving, the limits, and at
each table every rule of a served table — belongs to :class:`game.lobby.Lobby`. This module
carries lines from the network to it and its actions back out (:class:`cli.carrying.Carrier`,
shared with the one-table host), and journals each table's events before they are applied
(:class:`cli.lobby_journals.LobbyJournals`, one journal per table), so a server killed with
``kill -9`` and started again on the same port has every table back, and every join resumes
its seat with the token the lobby gave it.

What a connection is told on the wire beyond the lobby's plain lines: a version 3 join gets a
``token`` show whenever it takes or gives up a seat (PROTOCOL.md, "Lobbies"); an older join,
which cannot follow a new seat's numbering, gets its shows unnumbered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Final

from cli.app import Failure
from cli.args import PYTHON, HostOptions
from cli.arrivals import Arrival, Seated
from cli.carrying import Carrier
from cli.hosting import OVER_BUDGET_PAUSE, is_loopback, listen
from cli.lobby_journals import LobbyJournals
from cli.text_client_words import NC_NOTE, closing, render
from game.lobby import Lobby, no_status
from game.lobby_decisions import LobbyDecision
from game.lobby_limits import LobbyLimits
from game.lobby_table import lobby_table
from game.lobby_words import back_at_table
from game.lobby_words import welcome as lobby_welcome
from game.seat_decisions import Action, Refusal
from game.table_events import Line, Opened, Restarted, TableEvent
from game.untrusted import clean_name
from net.admission import JoinCodeGate, format_code, new_join_code
from net.connection import ConnectionClosed
from net.messages import Say, Show, Welcome, validate_name
from net.serving import TextService

#: The token a lobby welcome carries (the field is required): it names no seat, so the lobby
#: never accepts it back; a version 3 join is told at once that it holds none.
LOBBY_TOKEN: Final = "lobby"
#: Seconds between looks for seats whose grace period is over (one look covers every table).
TICK: Final = 1.0
_CLOSE_WAIT: Final = 5.0

log = logging.getLogger("lobby")


class LobbyServer:
    """The lobby server program: the lobby, its connections and its tables' journals."""

    def __init__(
        self,
        options: HostOptions,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        limits: LobbyLimits | None = None,
        root: Path | None = None,
        out: Callable[[str], None] | None = None,
    ) -> None:
        """Prepare a server for *options*; nothing is opened before :meth:`run`.

        Args:
            options: The command line (``--lobby``; ``--name`` names the server).
            clock: Monotonic seconds (asyncio's loop reads the same clock).
            wall_clock: Seconds since the epoch: the date of a game's record.
            limits: The lobby's bounds (the defaults if None; the benchmark raises them);
                ``--per-address`` sets its people per address.
            root: The state directory for the journals (default the user's).
            out: Where the server's own lines go (default: printed).
        """
        self.options = options
        self._clock = clock
        self._wall_clock = wall_clock
        code = options.code
        if code is None and not is_loopback(options.bind):
            code = new_join_code()
        self.gate = JoinCodeGate(code)
        self.name = clean_name(options.name, fallback="tablechat")
        limits = LobbyLimits() if limits is None else limits
        if options.per_address is not None:
            limits = replace(limits, people_per_address=options.per_address)
        self.lobby: Lobby[Arrival] = Lobby(
            self.name,
            rng=random.SystemRandom(),
            limits=limits,
            make_table=lambda: lobby_table(options.grace),
        )
        self.carrier: Carrier[Arrival] = Carrier(shown=self._shown)
        #: The protocol version of each framed join (a person on nc/telnet has none).
        self.versions: dict[Arrival, int] = {}
        self.journals = LobbyJournals(options.port, root=root)
        self._out = out or (lambda line: print(line, flush=True))
        self._stop: asyncio.Event | None = None
        self.port = 0

    # ------------------------------------------------------------------------ running
    async def run(self) -> int:
        """Open the port, bring back the tables, serve until stopped; returns 0."""
        try:
            validate_name("--name", self.options.name)
        except ValueError as exc:
            raise Failure(f"cannot use that name: {exc}", status=2) from None
        server = await self.start()
        loop = asyncio.get_running_loop()
        stop = self._stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
            if sig is not None:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await self.stop(server)
        return 0

    async def start(self) -> asyncio.Server:
        """Listen, restore the tables from their journals, and say where the lobby is."""
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        text = TextService(
            lambda: f"{self.name}'s lobby (tablechat) — what is your name?",
            self.gate.code is not None,
            "this lobby needs a join code — what is it?",
            render,
            seated=self._text_greeting,
            closing=closing,
            nc_note=NC_NOTE,
        )
        server = await listen(self._on_connect, self.options.bind, self.options.port, text)
        self.port = server.sockets[0].getsockname()[1]
        if self.options.fresh:
            self.journals.forget_all()
        restored = self._restore()
        for warning in self.journals.warnings:
            log.warning("%s", warning)
        self.journals.warnings.clear()
        told = "" if self.gate.code is None else f" — join code {format_code(self.gate.code)}"
        self._out(f"{self.name}'s lobby is open on {self.options.bind}:{self.port}{told}")
        if restored:
            self._out(f"restored {restored} table{'s' if restored != 1 else ''} after a restart")
        self._out(
            f"to play: {PYTHON} -m cli.join {self.port}, nc {self.options.bind} {self.port} "
            f"or telnet {self.options.bind} {self.port}"
        )
        asyncio.get_running_loop().call_later(TICK, self._tick)
        return server

    def _text_greeting(self, welcome: Welcome) -> str:
        """What a person on nc/telnet reads first: the lobby, or the seat they took back."""
        words = back_at_table if welcome.resumed else lobby_welcome
        return f"{words(self.name, welcome.name)} — /q leaves"

    async def stop(self, server: asyncio.Server) -> None:
        """Stop serving: everyone is told the server may come back (``closing``), and every
        table's journal is kept for the next start."""
        server.close()
        reason = f"{self.name}'s lobby is stopping and may come back"
        for key in list(self.carrier.connections):
            self.carrier.spawn(_bye(self.carrier, key, reason))
        await self.carrier.finish(_CLOSE_WAIT)
        self.journals.close_all()

    def _restore(self) -> int:
        """Replay every table's journal; returns how many tables came back."""
        restored = 0
        now = self._clock()
        for number in self.journals.numbers():
            self.lobby.restore(number)

            def apply(event: TableEvent, number: int = number) -> None:
                self.lobby.apply(number, event, now, replaying=True)

            replayed = self.journals.restore(number, apply, self.lobby.tables[number].served, now)
            if replayed is None or not self.lobby.finish_restore(number):
                self.journals.close(number, deliberate=True)
                continue
            restored += 1
            # As the host does: recorded, so that a second restart replays this one too; then
            # the seats held by the old process's connections are dropped, their grace from now.
            self._apply(number, Restarted(self.options.grace))
            for event in self.lobby.after_restart(number):
                self._apply(number, event)
        return restored

    def _tick(self) -> None:
        self._run_events(self.lobby.handle_timeout(self._clock()))
        if self._stop is None or not self._stop.is_set():
            asyncio.get_running_loop().call_later(TICK, self._tick)

    # ------------------------------------------------------------------------ applying
    def _apply(self, number: int, event: TableEvent) -> None:
        """Journal one event of table *number*, apply it, carry out what it gives, and apply
        what follows the same way."""
        if isinstance(event, Line) and not event.wall:
            event = replace(event, wall=self._wall_clock())  # journaled with its date
        opening = self.lobby.tables.get(number) if isinstance(event, Opened) else None
        self.journals.record(number, event, opening=None if opening is None else opening.served)
        applied = self.lobby.apply(number, event, self._clock())
        # The token first: the new seat's shows, numbered from 1, come after it.
        for key in applied.moved:
            self._tell_token(key)
        self.carrier.carry_out(applied.actions)
        if applied.closed is not None:
            self.journals.close(applied.closed, deliberate=True)
        self._run_events(applied.then)

    def _run_events(self, events: list[tuple[int, TableEvent]]) -> None:
        for number, event in events:
            self._apply(number, event)

    def _decide(self, decision: LobbyDecision[Arrival]) -> None:
        self._run_events(decision.events)
        for key in decision.moved:
            self._tell_token(key)
        self._carry_out(decision.actions)

    def _carry_out(self, actions: list[Action[Arrival]]) -> None:
        self.carrier.carry_out(actions)

    def _tell_token(self, key: Arrival) -> None:
        """A version 3 join learns the token of the seat it holds now ("" for none)."""
        if self.versions.get(key, 0) >= 3:
            self.carrier.send(key, Show(kind="token", text=self.lobby.seat_token(key) or ""))

    def _shown(self, key: Arrival, show: Show) -> Show:
        # An older join numbers a seat's shows once: at a second seat they would be taken for
        # repeats, so it gets them unnumbered (and resumes nothing after a drop).
        if show.seq is not None and self.versions.get(key, 3) < 3:
            return Show(kind=show.kind, text=show.text, sender=show.sender)
        return show

    # ------------------------------------------------------------------------ connections
    async def _on_connect(self, pending: Arrival) -> None:
        now = self._clock()
        hello = pending.hello
        address = pending.peer[0]
        text = getattr(pending, "kind", "framed") == "text"
        verdict = self.gate.check(address, hello.code, now)
        if not verdict.ok:
            reason = verdict.reason if verdict.code == "rate-limited" else "wrong join code"
            if not hello.code and verdict.code != "rate-limited":
                reason = "this lobby needs a join code (--code CODE)"
            await pending.refuse(reason, verdict.code or "bad-code")
            return
        if hello.token is not None and not text:
            welcome = await self._resume(pending, now)
        else:
            welcome = await self._arrive(pending, now, text=text)
        if welcome is None:
            return
        try:
            connection = await pending.accept(welcome)
        except (ConnectionClosed, OSError):
            self._decide(self.lobby.lost(pending, "lost", "gone during the welcome"))
            return
        self.carrier.connections[pending] = connection
        if not text:
            self.versions[pending] = getattr(connection, "version", hello.version)
        if welcome.resumed:
            decision = self.lobby.welcomed(pending)
            self._run_events([(self.lobby.people[pending].at or 0, e) for e in decision.events])
            self._carry_out(decision.actions)
        else:
            self._tell_token(pending)  # the welcome's token names no seat
            # nor any table: a prompt kept from a seat this join held before a restart goes
            self.carrier.carry_out([no_status(pending)])
            if not text:
                notice = Show(kind="notice", text=lobby_welcome(self.name, welcome.name))
                self.carrier.send(pending, notice)
            renamed = self.lobby.why_renamed(pending, hello.name, now)
            if renamed is not None:
                self.carrier.send(pending, Show(kind="notice", text=renamed))
        task = asyncio.current_task()
        assert task is not None
        self.carrier.tasks.add(task)
        try:
            await self._serve(pending, connection)
        except asyncio.CancelledError:
            pass  # the server is stopping; the bye was said
        finally:
            self.carrier.tasks.discard(task)
            self.carrier.connections.pop(pending, None)
            self.versions.pop(pending, None)

    async def _resume(self, pending: Arrival, now: float) -> Welcome | None:
        """A hello with a token: the seat it names, or a refusal (then None)."""
        self._run_events(self.lobby.handle_timeout(now))  # a grace period over by now ends first
        decision, keeper = self.lobby.resume(pending, pending.hello, pending.peer[0], now)
        person = self.lobby.people.get(pending)
        number = 0 if person is None or person.at is None else person.at
        self._run_events([(number, event) for event in decision.events])
        self._carry_out(decision.actions)
        if decision.refusal is not None or keeper is None:
            refusal = decision.refusal
            assert refusal is not None
            await pending.refuse(refusal.reason, refusal.code)
            return None
        return self.lobby.welcome(pending, keeper)

    async def _arrive(self, pending: Arrival, now: float, *, text: bool) -> Welcome | None:
        """A hello without a token: a person on nc/telnet taking back the seat they dropped
        (:meth:`Lobby.reclaim`), or anyone into the lobby; None when refused."""
        hello, address = pending.hello, pending.peer[0]
        reclaimed = None
        if text:
            self._run_events(self.lobby.handle_timeout(now))  # a grace period over ends first
            reclaimed = self.lobby.reclaim(pending, hello, address, now)
        if reclaimed is None:
            person = self.lobby.arrive(pending, hello.name, address, text=text)
            if isinstance(person, Refusal):
                await pending.refuse(person.reason, person.code)
                return None
            return Welcome(
                name=person.name,
                host=self.name,
                token=LOBBY_TOKEN,
                resumed=False,
                last_seq=0,
                lobby=self.name,
            )
        if isinstance(reclaimed, Refusal):
            await pending.refuse(reclaimed.reason, reclaimed.code)
            return None
        return self.lobby.welcome(pending, reclaimed)

    async def _serve(self, key: Arrival, connection: Seated) -> None:
        """A connection's lines, until it ends or the lobby lets it go."""
        try:
            while key in self.lobby.people:
                message = await connection.recv()
                if isinstance(message, Say) and key in self.lobby.people:
                    decision = self.lobby.said(key, message.seq, message.text, self._clock())
                    self._decide(decision)
                    if decision.over_budget:
                        # as the host does: a burst waits in its own socket buffers
                        await asyncio.sleep(OVER_BUDGET_PAUSE)
        except ConnectionClosed as closed:
            self._decide(self.lobby.lost(key, closed.cause, closed.reason))


async def _bye(carrier: Carrier[Arrival], key: Arrival, reason: str) -> None:
    connection = carrier.connections.pop(key, None)
    if connection is not None:
        with contextlib.suppress(ConnectionClosed, OSError):
            await connection.close(reason, code="closing")
