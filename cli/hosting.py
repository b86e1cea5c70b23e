"""The host's event loop: one served table, one console, and the connections.

Every rule — who may sit down or watch, which connection owns the guest seat, ``say.seq``, the
grace period, ``show.seq`` and catch-up, and every game rule — belongs to
:class:`game.served_table.ServedTable`. This module carries events from the console and the
network to it and its outputs back out: it asks the served table what an arrival, a line or a
lost connection means, journals each event it gets (:meth:`Host.apply`), applies it, shows the
host person's lines, and carries out the actions on connections. Applying the same events again
(a journal replay, with sending off) rebuilds the same table and the same ``show.seq`` numbers.

The host person's ``/let N`` and ``/deny N`` answer a person on nc/telnet asking for a
dropped guest's seat back (they have no token).

Split from :mod:`cli.host` so that ``python -m cli.host --help`` imports none of this.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import logging
import random
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import Any

from cli.app import Failure, log_to, make_console, too_long
from cli.archive import Archive, ArchiveError
from cli.args import PYTHON, HostOptions
from cli.arrivals import Arrival, Seated
from cli.board_fit import BoardFit
from cli.carrying import Carrier
from cli.console import Console
from cli.seat_commands import HOST_HELP, asked_sentence, gone_sentence, seat_command
from cli.table_replay import TableJournal, restored_notice
from cli.terminal_layout import terminal_rows
from cli.text_client_words import text_client_words, waiting_sentence
from game.announce import duration
from game.commands import is_quit, split_command
from game.game_log import Result
from game.record_format import RecordError
from game.seat_keeper import (
    Action,
    Asked,
    Decision,
    LetIn,
    Refusal,
    SeatKeeper,
    TurnAway,
)
from game.served_table import ServedTable
from game.spectator_connections import ArrivalLimit
from game.spectators import SPECTATOR_LIMIT, no_room
from game.table import Seat, Table
from game.table_events import Line, Opened, Restarted, TableEvent
from game.untrusted import clean_name
from net.admission import JoinCodeGate, format_code, new_join_code
from net.connection import ConnectionClosed
from net.messages import STATUS, Say, Show, validate_name
from net.serving import TextService, serve


def is_loopback(bind: str) -> bool:
    """True when listening on *bind* is reachable from this machine only (no code needed)."""
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind).is_loopback  # all of 127.0.0.0/8, and ::1
    except ValueError:
        return False  # a host name: it may resolve to anything, so ask for a code


class Host:
    """The host program's state: options, the table, the console and the seat keeper."""

    def __init__(
        self,
        options: HostOptions,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        archive: Archive | None = None,
    ) -> None:
        """Prepare a host for *options*; nothing is opened before :meth:`run`.

        Args:
            options: The command line.
            clock: Monotonic seconds (asyncio's loop reads the same clock).
            wall_clock: Seconds since the epoch: the date of a game's record.
            archive: Where the host keeps the records of its games (default: the user's).
        """
        self.options = options
        self._clock = clock
        self._wall_clock = wall_clock
        self.archive = Archive() if archive is None else archive
        # A table reachable beyond this machine needs a code; on loopback only if one is given.
        code = options.code
        if code is None and not is_loopback(options.bind):
            code = new_join_code()
        self.gate = JoinCodeGate(code)
        #: What a person on nc/telnet reads (net's TextService is built from these).
        self.text_client_words = text_client_words(lambda: self.name, needs_code=code is not None)
        keeper: SeatKeeper[Arrival] = SeatKeeper(
            options.name,
            self.gate,
            grace=options.grace,
            name_key=lambda name: clean_name(name).casefold(),
            duration=duration,
            spectator_limit=SPECTATOR_LIMIT,
            no_room=no_room,
            arrivals=ArrivalLimit(),
        )
        # Table is looked up when a table opens: a test program may swap it (flood rules).
        self.served = ServedTable(
            keeper, make_table=lambda name, rng: Table(name, rng=rng, past=self._past_results)
        )
        self.journal = TableJournal(None)  # opened in run(), once the port is bound
        #: The event that opened this table: the first record of a new journal (a journal that
        #: restores an earlier table replays that table's own opening instead).
        self.opened = Opened(options.name, random.SystemRandom().randrange(2**63))
        self.apply(self.opened, replaying=True)
        # The table cleans the name (trims, cuts to 32 characters); show the one it uses.
        self.name = self.table.host_name
        self.console: Console = make_console(
            self.name, options.color, bell=options.bell, accessible=options.accessible
        )
        #: The connections, and the one way actions reach them.
        self.carrier: Carrier[Arrival] = Carrier(
            answer=self._answer_waiting, too_long=self._not_sent
        )
        self._connections = self.carrier.connections
        # Text clients waiting for the host's /let or /deny: the answer (None: let in).
        self._waiting: dict[Arrival, asyncio.Future[Refusal | None]] = {}
        self._tasks = self.carrier.tasks  # guests being served, byes being said
        self._timer: asyncio.TimerHandle | None = None
        self._leaving = False
        self.board_fit = BoardFit()  # a move's board on a short terminal: the rows around it

    @property
    def keeper(self) -> SeatKeeper[Arrival]:
        """Who is connected as whom (the served table's seat keeper)."""
        return self.served.keeper

    @property
    def table(self) -> Table:
        """The table (the served table's)."""
        return self.served.table

    async def run(self) -> int:
        """Open the table, then handle typed lines until the host leaves; returns 0."""
        try:
            # The name travels in every welcome and chat line: check it before opening.
            validate_name("--name", self.options.name)
        except ValueError as exc:
            raise Failure(f"cannot use that name: {exc}", status=2) from None
        server = await self._open()
        port = server.sockets[0].getsockname()[1]
        # No await from here to the end of the replay: no guest is served before it is done.
        self.journal = TableJournal.open(
            self.options.port, fresh=self.options.fresh, table=self.served
        )
        replayed = self.journal.restore(
            lambda event: self.apply(event, replaying=True), self.opened, self._clock()
        )
        if replayed is not None:
            # Recorded like any change, so that a second restart replays this one too: the
            # table forgets its flood history (the recorded clock was another process's) and
            # the seat keeper takes this run's grace period.
            self.apply(Restarted(self.options.grace))
            last = self.served.last_record()
            if last is not None:
                self._keep_records([last])
            self.name = self.table.host_name
            self.console.set_name(self.name)  # the restored table's host, whatever --name says
        if self.options.accessible:  # this run's choice, so not a recorded event
            self.table.set_words(Seat.HOST, True)
        self.console.start()
        logged = log_to(self.console)
        deliberate = False
        try:
            for line in self._opening_lines(port, restored=replayed is not None):
                self.console.notice(line)
            warning = self.journal.take_warning()
            if warning is not None:
                self.console.show("error", warning)
            if replayed is not None:
                playing = self.table.match is not None
                # The seat is the next line's news ("bob's connection dropped — waiting up to
                # 5 minutes…"), so the notice does not say it twice.
                self.console.notice(restored_notice(replayed, self.name, playing=playing))
                self._show_restored()
                # A guest seated when the old process died has lost that connection: the seat
                # is dropped now (and recorded), and its grace period runs from now.
                self.finish_replay()
            self._arm_timer()
            await self._read_typed_lines()
            # /q, Ctrl-D, Ctrl-C close the table, and its journal goes. A SIGTERM or SIGHUP
            # (a shutdown, a closed terminal) stops the program but keeps the table, as a
            # crash does: the guest is told "closing" and tries to come back.
            deliberate = self.console.stopped_by is None
        finally:
            server.close()
            if deliberate:
                # The table closes with a game on: each player keeps it as it stands.
                closing = self.served.closing()
                self._keep_records(closing.records)
                self._carry_out(closing.actions)
            await self._close_guests(keeping=not deliberate)
            logged.close()  # what a burst of warnings left unsaid, before the console goes
            self.console.close()
            self.journal.close(deliberate=deliberate)
        return 0

    # ------------------------------------------------------------------------ opening

    def _show_restored(self) -> None:
        """After a restore: a --name the restored table does not use is said, then the last
        chat lines and the game as they stood, so the host sees where they left off."""
        asked = clean_name(self.options.name, fallback="host")
        if asked != self.name:
            self.console.notice(
                f"this is {self.name}'s table, restored: --name {asked} is not used "
                f"({PYTHON} -m cli.host --fresh opens a new table)"
            )
        chat = list(self.served.recent_chat)
        if chat:
            self.console.notice("the last lines said before the restart:")
            for shown in chat:
                self.console.show(str(shown.kind), shown.text, shown.sender)
        match = self.table.match
        if match is not None and match.in_progress:
            for delivery in self.table.play.board(Seat.HOST):
                shown = delivery.shown
                self.console.show(str(shown.kind), shown.text, shown.sender)

    async def _open(self) -> asyncio.Server:
        words = self.text_client_words
        # People on nc/telnet share the port with joins (net tells them apart).
        text = TextService(
            words.greeting,
            words.needs_code,
            words.code_prompt,
            words.render,
            seated=words.seated,
            closing=words.closing,
            nc_note=words.nc_note,
        )
        return await listen(self._on_connect, self.options.bind, self.options.port, text)

    def _opening_lines(self, port: int, *, restored: bool) -> list[str]:
        """What the host reads when the table opens: where it listens (and the join code),
        then — each on a line of its own, so a narrow terminal never splits one — the commands
        that join it from another program."""
        name, bind, code = self.name, self.options.bind, self.gate.code
        told = "" if code is None else f" — join code {format_code(code)}"
        # A restored table may hold a kept seat: the restore notices say what it waits for.
        waiting = "" if restored else " — waiting for someone to join"
        lines = [f"{name}'s table is open on {_address(bind, port)}{told}{waiting}"]
        shown_code = "" if code is None else f" --code {format_code(code)}"
        addresses = _join_addresses(bind)
        for host in addresses:
            option = "" if host == "127.0.0.1" else f" --host {host}"
            lines.append(f"to join: {PYTHON} -m cli.join{option}{shown_code} {port}")
        if addresses == ["127.0.0.1"] and not is_loopback(bind):
            # this machine's name resolves to no other address: say how to find one
            lines.append(
                f"from another machine: {PYTHON} -m cli.join --host ADDRESS{shown_code} {port} "
                "(ADDRESS is this machine's: `hostname -I` shows it)"
            )
        return lines

    # ------------------------------------------------------------------ applying events

    def apply(self, event: TableEvent, *, replaying: bool = False) -> None:
        """Journal one change, apply it to the served table, then show and send what it gives,
        and apply the events that follow from it the same way.

        The one way the table changes (the journal records here, then applies).

        Args:
            event: The change.
            replaying: True to rebuild state only (a journal replay before serving): nothing is
                recorded, shown or sent.
        """
        if not replaying:
            if isinstance(event, Line) and not event.wall:
                event = replace(event, wall=self._wall_clock())  # journaled with its date
            # Written down (fsync'd) before it is applied: a crash after this replays it.
            warning = self.journal.record(event)
            if warning is not None:
                self.console.show("error", warning)
        applied = self.served.apply(event, self._clock(), replaying=replaying)
        if replaying:
            return  # nothing to show or send: the state is rebuilt
        rows = terminal_rows(sys.stdout)  # None when the output is not a terminal
        for shown in applied.host:
            text = self.board_fit.fitted(str(shown.kind), shown.text, rows)
            self.console.show(str(shown.kind), text, shown.sender)
        self._keep_records(applied.records)
        self._carry_out(applied.actions)
        self.console.show(STATUS, self.served.table.status_for(Seat.HOST))
        for follows in applied.then:
            self.apply(follows)

    def _keep_records(self, records: Sequence[str]) -> None:
        """Save the host's record of each game that ended; a failure is one line on screen."""
        for text in records:
            try:
                self.archive.save(text)
            except (ArchiveError, RecordError) as exc:
                self.console.show("error", str(exc))

    def _past_results(self) -> tuple[list[Result], str | None]:
        """The results of the games in the archive, for /score (read-only)."""
        try:
            return self.archive.results()
        except ArchiveError as exc:
            return [], str(exc)
        except OSError as exc:
            return [], f"cannot read the archive {self.archive.path}: {exc.strerror or exc}"

    def finish_replay(self) -> None:
        """After a journal replay: a guest seated when the host stopped has lost its
        connection with it (or had lost it before), so their seat is dropped now and this
        run's grace period runs from now; whoever watched watches no more."""
        for event in self.served.finish_replay():
            self.apply(event)

    def _decide(self, decision: Decision[Arrival]) -> None:
        """Apply a keeper decision's events in order, then carry out its actions."""
        for event in decision.events:
            self.apply(event)
        self._carry_out(decision.actions)

    def _carry_out(self, actions: Sequence[Action[Arrival]]) -> None:
        self.carrier.carry_out(actions)
        self._arm_timer()

    def _not_sent(self, key: Arrival) -> None:
        if key is self.keeper.owner:  # a spectator simply misses it
            guest = self.keeper.name or "the guest"
            self.console.show("error", f"not sent to {guest}: too long for one message")

    def _answer_waiting(self, action: TurnAway[Arrival] | LetIn[Arrival]) -> None:
        waiting = self._waiting.pop(action.key, None)
        if waiting is None or waiting.done():
            return
        if isinstance(action, LetIn):
            waiting.set_result(None)
        else:
            waiting.set_result(Refusal(action.code, action.reason))

    def _arm_timer(self) -> None:
        """One timer, at the keeper's next deadline (the end of a grace period)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.keeper.next_deadline()
        if deadline is None or self._leaving:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not serving yet (a replay before run): run() arms it
        self._timer = loop.call_at(deadline, self._on_deadline)

    def _on_deadline(self) -> None:
        self._timer = None
        self._decide(self.keeper.handle_timeout(self._clock()))

    # ------------------------------------------------------------------- the local side

    async def _read_typed_lines(self) -> None:
        while True:
            line = await self.console.read_line()
            if line is None or is_quit(line):
                return
            refusal = too_long(line)
            if refusal is not None:
                self.console.show("error", refusal)
                continue
            if self._seat_command(line):
                continue
            self.board_fit.typed(line)
            now = self._clock()
            refused = self.served.host_refusal(line, now)
            if refused is not None:
                for shown in refused:
                    self.console.show(str(shown.kind), shown.text, shown.sender)
                continue
            self.apply(Line("host", line, now))
            if split_command(line.strip()) == ("help", ""):
                self.console.show("notice", HOST_HELP)

    def _seat_command(self, line: str) -> bool:
        """``/let N`` or ``/deny N`` (cli.seat_commands): carried out, never a table
        line. Returns whether *line* was one of them."""
        decision = seat_command(line, self.keeper, self.console.show)
        if decision is None:
            return False
        self._decide(decision)
        return True

    # ------------------------------------------------------------------- the guest side

    async def _on_connect(self, pending: Arrival) -> None:
        # net calls this once per connection whose hello is well-formed.
        keeper = self.keeper
        now = self._clock()
        self._decide(keeper.handle_timeout(now))  # a grace period over by now ends first
        text = getattr(pending, "kind", "framed") == "text"
        decision = keeper.admit(pending, pending.hello, pending.peer[0], now, text=text)
        self._decide(decision)
        refusal = decision.refusal
        if decision.asked is not None:
            refusal = await self._wait_for_answer(pending, decision.asked)
        if refusal is not None and refusal.code in ("bad-code", "rate-limited"):
            # the host should know someone tries codes; the log shows a burst as a count
            if refusal.code == "rate-limited":
                what = "a join code held back (too many wrong ones)"
            else:
                what = "a wrong join code" if pending.hello.code else "no join code"
            _codes_log.warning("%s from %s", what, pending.peer[0])
        if refusal is not None:
            await pending.refuse(refusal.reason, refusal.code)
            return
        try:
            welcome = keeper.welcome(pending)
        except KeyError:  # the table could not seat them (its error is on the host's screen)
            await pending.refuse(f"{self.name}'s table could not seat you", "full")
            return
        watching = keeper.watchers.get(pending) is not None
        try:
            connection = await pending.accept(welcome)
        except (ConnectionClosed, OSError):
            self._decide(keeper.lost(pending, "lost", "gone during the welcome"))
            return
        self._connections[pending] = connection
        self._decide(self.served.welcomed(pending))
        if not self._serving(pending):
            # replaced, stopped watching, or the host is leaving while the welcome was on its way
            self._connections.pop(pending, None)
            return
        if not watching:
            self._carry_out(keeper.to_send())
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(pending, connection)
        except asyncio.CancelledError:
            pass  # the host is leaving; the bye was said
        finally:
            self._tasks.discard(task)
            self._connections.pop(pending, None)

    def _serving(self, key: Arrival) -> bool:
        """Whether *key* owns the guest seat or watches (its lines count)."""
        return self.keeper.owner is key or self.keeper.watchers.get(key) is not None

    async def _wait_for_answer(self, pending: Arrival, asked: Asked) -> Refusal | None:
        """A text client asks for a kept seat: ask the host person, tell the client it waits,
        and wait for /let, /deny, the end of the grace period or the host leaving."""
        name = asked.name
        self.console.notice(asked_sentence(pending.hello.name, asked))
        answer: asyncio.Future[Refusal | None] = asyncio.get_running_loop().create_future()
        self._waiting[pending] = answer
        tell = getattr(pending, "tell", None)  # PendingText.tell: a join has no screen to tell
        if callable(tell):
            wait = duration(max(1, round(asked.wait)))
            with contextlib.suppress(ConnectionClosed, OSError, RuntimeError):
                tell(Show(kind="notice", text=waiting_sentence(self.name, name, wait)))
        # The claimant may leave while the host thinks: a /let then must not hand bob's seat
        # (and kill bob's token) to a connection that is gone.
        wait_gone = getattr(pending, "wait_gone", None)  # PendingText.wait_gone
        gone = asyncio.ensure_future(wait_gone()) if callable(wait_gone) else None
        try:
            await asyncio.wait(
                [answer] if gone is None else [answer, gone], return_when=asyncio.FIRST_COMPLETED
            )
            if answer.done():
                return answer.result()
            self.keeper.gone_asking(pending)
            self.console.notice(gone_sentence(name, asked.number))
            return Refusal("full", "you left before the host answered")
        finally:
            self._waiting.pop(pending, None)
            if gone is not None:
                gone.cancel()

    async def _serve(self, key: Arrival, connection: Seated) -> None:
        """The guest's or a spectator's lines, until it stops being either or its connection
        ends."""
        try:
            while self._serving(key):
                message = await connection.recv()
                if isinstance(message, Say) and self._serving(key):
                    now = self._clock()
                    decision = self.served.said(key, message.seq, message.text, now)
                    self._decide(decision)
                    if decision.over_budget:
                        # Over budget: read this connection slowly for a moment, so a burst
                        # waits in its own socket buffers instead of in our loop.
                        await asyncio.sleep(OVER_BUDGET_PAUSE)
        except ConnectionClosed as closed:
            self._decide(self.keeper.lost(key, closed.cause, closed.reason))

    async def _close_guests(self, *, keeping: bool) -> None:
        """The host is leaving: bye to the guest ("left", or "closing" when *keeping* the table
        for a restart), then wait for the goodbyes (bounded by net's close timeout) and stop
        serving."""
        self._leaving = True
        self._carry_out(self.keeper.close(keeping=keeping))
        await self.carrier.finish(_CLOSE_WAIT)


_CLOSE_WAIT = 5.0  # seconds; net bounds each close well within this
_codes_log = logging.getLogger("join codes")
#: Seconds a connection is not read after a line of its was refused for flooding: at most a
#: few refused lines a second cost the host anything, however fast they come.
OVER_BUDGET_PAUSE = 0.2


async def listen(
    on_connect: Callable[[Any], Awaitable[None]],
    bind: str,
    port: int,
    text: TextService,
) -> asyncio.Server:
    """Serve joins and people on nc/telnet on *bind*:*port* (net's :func:`~net.serving.serve`).

    Raises:
        Failure: the port cannot be listened on, said in one sentence with what to do.
    """
    where = f"{bind}:{port}"
    try:
        return await serve(on_connect, bind, port, text=text)
    except socket.gaierror as exc:
        raise Failure(f"cannot listen on {where}: unknown address {bind!r}") from exc
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise Failure(
                f"port {port} on {bind} is already in use (another table?) — "
                f"choose another port, e.g. {PYTHON} -m cli.host {_next_port(port)}"
            ) from exc
        if exc.errno in (errno.EACCES, errno.EPERM):
            raise Failure(f"not allowed to listen on {where} — choose a port above 1023") from exc
        raise Failure(f"cannot listen on {where}: {exc.strerror or exc}") from exc


def _join_addresses(bind: str) -> list[str]:
    """The addresses a join gives to reach a host listening on *bind*: that address itself,
    or for every interface (``0.0.0.0``, ``::``) this machine's own addresses as its name
    resolves, loopback last (a join on this machine needs no --host)."""
    if bind in ("", "0.0.0.0", "::"):
        try:
            _, _, found = socket.gethostbyname_ex(socket.gethostname())
        except OSError:
            found = []
        outside = sorted({a for a in found if not ipaddress.ip_address(a).is_loopback})
        return [*outside, "127.0.0.1"]
    if bind == "localhost":
        return ["127.0.0.1"]
    return [bind]


def _address(bind: str, port: int) -> str:
    return f"[{bind}]:{port}" if ":" in bind else f"{bind}:{port}"


def _next_port(port: int) -> int:
    return port + 1 if 0 < port < 65535 else 3581
