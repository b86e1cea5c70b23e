"""The join's event loop: a connection loop (:class:`HostLink`) and a console wired to it.

The link knows nothing of the console and the console nothing of the network, so a lost
connection is resumed inside :class:`HostLink` — same ``say.seq`` counter, new token, the lines
the host had not applied sent again — while the person keeps typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from cli.app import Failure, log_to, make_console, too_long
from cli.args import JoinOptions
from cli.board_fit import BoardFit
from cli.console import Console
from cli.seats_file import SeatEntry, SeatsFile
from cli.terminal_layout import terminal_rows
from cli.terminal_question import ask
from cli.visible import visible
from net.connection import Connection, ConnectionClosed, HandshakeError, Refused, connect
from net.join_keeper import MAX_WAITING, RECENT_LINES, JoinKeeper, NotSent
from net.messages import MAX_SECRET, SHOW_KIND_SINCE, Show, Welcome, validate_name

if TYPE_CHECKING:  # the archive is loaded when the first record arrives, not at start-up
    from cli.archive import Archive

__all__ = [
    "CODE_QUESTION",
    "CODE_TRIES",
    "MAX_WAITING",
    "RECENT_LINES",
    "Guest",
    "HostLink",
    "NotSent",
]

FIRST_DELAY = 0.25  # seconds before the first reconnection attempt; doubles each time
MAX_DELAY = 5.0
# One bye reason the join explains itself: another connection resumed this seat.
REPLACED = "replaced"
# The host program is stopping but keeps the table (its journal): it may come back on the same
# port, so the join keeps its token and reconnects as after a lost connection.
CLOSING = "closing"
#: The show kind (version 3) by which a lobby tells the join the token of the seat its
#: connection holds now (empty: none): kept, never displayed.
TOKEN_KIND = "token"
# A host that has not welcomed us by then gets a "connecting to …" line, so a newcomer is not
# left looking at a silent terminal.
CONNECTING_NOTICE_AFTER = 0.3
# Script mode, leaving: how long the host may take to answer the lines sent before our bye.
ANSWERS_TIMEOUT = 5.0
#: On a terminal, a host that wants a join code (missing or wrong) gets it asked for this many
#: times before the join gives up — within the host's own limit of 5 wrong codes a minute.
CODE_TRIES = 3
#: The question for the join code, after the host's reason ("wrong join code — ask alice…").
CODE_QUESTION = "join code: "
#: The protocol version whose host sends the guest their record of each game.
_RECORDS_SINCE = SHOW_KIND_SINCE["record"]


class HostLink:
    """The join's side of the conversation with one host, across connections.

    What survives a connection — ``say.seq``, the lines kept for resending, the shows seen —
    is :class:`net.join_keeper.JoinKeeper`'s; this is the asyncio around it.
    """

    def __init__(
        self, host: str, port: int, name: str, *, code: str | None = None, token: str | None = None
    ) -> None:
        """Prepare a link to *host*:*port* for the person called *name*; nothing is opened.

        Args:
            host: the host's address.
            port: the host's port.
            name: the seat name to ask for.
            code: the join code (normalised), if the host needs one.
            token: a seat token from an earlier welcome, to resume that seat.
        """
        self.host, self.port, self.name = host, port, name
        self.code = code
        self.keeper = JoinKeeper(token)
        self.connection: Connection | None = None
        #: Told the new token when a lobby moves this connection to another seat (None: none).
        self.on_moved: Callable[[str | None], None] | None = None
        # say() and the resend after a resume both send: one at a time, so seqs leave in order.
        self._sending = asyncio.Lock()

    @property
    def address(self) -> str:
        """The host's address as people write it."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    @property
    def token(self) -> str | None:
        """The seat token to resume with (None: sit down as a new guest)."""
        return self.keeper.token

    @token.setter
    def token(self, token: str | None) -> None:
        self.keeper.use_token(token)

    @property
    def seq(self) -> int:
        """The ``say.seq`` of the last line typed."""
        return self.keeper.seq

    @property
    def unsent(self) -> int:
        """Lines typed while disconnected that the new seat made pointless."""
        return self.keeper.unsent

    @property
    def connected(self) -> bool:
        """True while a connection is open."""
        return self.connection is not None and self.connection.closed is None

    async def open(self) -> Welcome:
        """Connect and say hello; on a resume, send again what the host had not applied.

        Returns:
            The host's welcome.

        Raises:
            Refused: the host refused the hello.
            HandshakeError: the peer did not answer like a tablechat host.
            OSError: nothing listening, unknown address, unreachable.
            ValueError: our own name breaks the protocol's rules.
        """
        connection = await connect(self.host, self.port, self.keeper.hello(self.name, self.code))
        welcome = connection.welcome
        assert welcome is not None  # connect() returns only after a welcome
        self.name = welcome.name
        async with self._sending:
            self.connection = connection
            for say in self.keeper.welcomed(welcome):
                with contextlib.suppress(ConnectionClosed):
                    await connection.send(say)
        return welcome

    async def say(self, text: str) -> bool:
        """Send one typed line, or keep it for after the reconnection.

        Returns:
            True when sent now, False when it waits for the connection to come back.

        Raises:
            NotSent: too long for a frame, or too many lines already waiting.
        """
        async with self._sending:
            connected = self.connected
            say = self.keeper.say(text, connected=connected)
            if connected and self.connection is not None:
                try:
                    await self.connection.send(say)
                    return True
                except ConnectionClosed:
                    pass  # kept: sent again after the resume
            self.keeper.not_sent()
            return False

    async def receive(self) -> Show:
        """Wait for the next ``show`` not displayed yet (one resent after a resume whose
        ``seq`` was displayed is skipped). Raises ConnectionClosed when the connection ends."""
        if self.connection is None:
            raise ConnectionClosed("connection lost")
        while True:
            message = await self.connection.recv()
            if isinstance(message, Show) and message.kind == TOKEN_KIND:
                token = message.text or None
                self.keeper.moved(token)
                if self.on_moved is not None:
                    self.on_moved(token)
            elif isinstance(message, Show) and self.keeper.displays(message):
                return message

    def end_sending(self) -> bool:
        """Say bye but keep receiving the host's answers; False when not connected."""
        if not self.connected or self.connection is None:
            return False
        self.connection.end_sending("left")
        return True

    async def close(self) -> None:
        """Say bye and close (bounded); harmless when already closed."""
        if self.connection is not None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await self.connection.close("left")


class Guest:
    """The join program: one link, one console, until either side leaves or the host is gone."""

    def __init__(
        self,
        options: JoinOptions,
        seats: SeatsFile | None = None,
        archive: Archive | None = None,
    ) -> None:
        """Prepare the join for *options*; *seats* is the state file and *archive* where the
        records of games are kept (default: the user's)."""
        self.options = options
        self.seats = SeatsFile() if seats is None else seats
        self._archive = archive
        self.link = HostLink(options.host, options.port, options.name, code=options.code)
        # A token belongs to the name it was asked for: another --name never presents it.
        self.table, self.asked = self.link.address, options.name
        self.host_name = "the host"
        #: The lobby server's name when the last welcome was a lobby's (None: a one-table
        #: host, or a join older than version 3 there).
        self.lobby: str | None = None
        self._early: list[str] = []  # notices from before the console started
        self._leaving = False  # said bye; the connection ending now is no reason to reconnect
        # Watching (the table was full): no seat, so nothing in the seats file is ours to touch.
        self.watching = False
        # The host refused our seat token: the next welcome says what became of us instead.
        self._seat_gone = False
        # The person left and the host was told so with "/q": its bye, after our record of a
        # game that the leaving ended, is the end.
        self._quit_said = False
        self.board_fit = BoardFit()  # a move's board on a short terminal: the rows around it
        self.link.on_moved = self._moved

    async def run(self) -> int:
        """Connect, then chat until someone leaves; returns the exit status.

        0 when you or the host left deliberately; 1 when the host disconnected you or was
        gone for longer than ``--retry-for``.
        """
        options = self.options
        console = make_console(
            options.name, options.color, bell=options.bell, accessible=options.accessible
        )
        welcome = await self._sit_down(console)
        console.set_name(self.link.name)
        console.start()
        log_to(console)
        try:
            for notice in self._early:
                console.notice(notice)
            again = " again (your seat was kept)" if welcome.resumed else ""
            lost = self._lost_seat(welcome)
            if lost is not None:
                console.notice(lost)
            if welcome.watching and lost is None:
                # where a spectator's lines go is the table's welcome, next: said once
                console.notice(
                    f"you are watching {self.host_name}'s table at {self.link.address} "
                    f"as {self.link.name} — /q stops watching"
                )
                hint = self._seats_held_here()
                if hint is not None:
                    console.notice(hint)
            elif self.lobby is not None and welcome.resumed:
                console.notice(
                    f"you are back at your table in {self.where} at {self.link.address} "
                    f"as {self.link.name} (your seat was kept)"
                )
            elif self.lobby is None and not welcome.watching:
                # (a lobby's own greeting says where a newcomer is: said once)
                console.notice(
                    f"you joined {self.host_name}'s table at {self.link.address} "
                    f"as {self.link.name}{again}"
                )
            await self._ask_for_words()
            return await self._converse(console)
        finally:
            if console.stopped_by is None:
                await self.link.close()
            # Stopped from outside, the join says no bye: the host sees the connection drop
            # (the socket closes as the process ends) and keeps the seat, as after a crash.
            console.close()

    async def _sit_down(self, console: Console) -> Welcome:
        """The first connection: resume a remembered seat, else sit down as a new guest."""
        try:
            validate_name("--name", self.options.name)
        except ValueError as exc:  # net's LocalProtocolError: the name breaks the protocol rules
            raise Failure(f"cannot use that name: {exc}", status=2) from None
        stored = self._choose_seat()
        self._warn_about_seats_file()
        if stored is not None:
            self.link.token, self.host_name = stored.token, stored.host_name
        try:
            welcome = await self._first_welcome(console, stored)
        except Refused as refused:
            raise Failure(
                f"the table at {self.link.address} refused you: {refused.reason}"
            ) from None
        except HandshakeError as exc:
            raise Failure(
                f"{self.link.address} did not answer like a tablechat table: {exc.reason}"
            ) from None
        except socket.gaierror:
            raise Failure(f"cannot find the address {self.link.host!r}") from None
        except ConnectionRefusedError:
            raise Failure(f"no table at {self.link.address} — is the host running?") from None
        except (TimeoutError, OSError) as exc:
            raise Failure(
                f"cannot reach {self.link.address}: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        self._remember(welcome)
        self._warn_about_seats_file()
        return welcome

    def _choose_seat(self) -> SeatEntry | None:
        """Choose the seat to resume: the one kept for ``--name``; without ``--name``, the one
        this account keeps at the table whatever name it was asked for (if there is just one),
        which then becomes the name asked for."""
        stored = self.seats.get(self.table, self.asked)
        if stored is not None or self.options.named:
            return stored
        held = self.seats.at(self.table)
        if len(held) != 1:
            return None
        ((asked, stored),) = held.items()
        try:
            validate_name("--name", asked)
        except ValueError:  # no join could have asked with it: the file is not ours to trust
            return None
        # The name that seat was asked for, which the host knows it by.
        self.asked = self.link.name = asked
        return stored

    async def _first_welcome(self, console: Console, stored: SeatEntry | None) -> Welcome:
        """Open the first connection, resuming *stored*; without it if its token is refused,
        and with the join code asked for at a terminal while the host wants one.

        Raises:
            Refused: the host refused us for good (the caller says why).
            HandshakeError, OSError: as :meth:`HostLink.open`.
        """
        asked = 0
        while True:
            try:
                return await self._open_telling(console)
            except Refused as refused:
                if refused.code == "bad-token" and stored is not None and self.link.token:
                    # The grace period is over, the host restarted or gave the seat to someone
                    # else: that seat is gone for good.
                    self.seats.remove(self.table, self.asked, token=stored.token)
                    self.link.token = None
                    self._seat_gone = True
                    continue
                if refused.code != "bad-code" or not console.interactive or asked == CODE_TRIES:
                    raise
                asked += 1
                console.notice(visible(refused.reason))
                answer = await ask(CODE_QUESTION, sys.stdin, sys.stdout)
                # Lazy: admission's hashing and secrets are the host's; a join asks for a code
                # only when the first one was wrong.
                from net.admission import normalize_code  # noqa: PLC0415

                code = normalize_code(answer or "")[:MAX_SECRET]
                if not code:
                    raise refused from None  # Ctrl-D or nothing typed: the person gives up
                self.link.code = code

    async def _open_telling(self, console: Console) -> Welcome:
        """``link.open()``, saying "connecting to …" if the welcome is slow to come."""
        opening = asyncio.ensure_future(self.link.open())
        try:
            done, _ = await asyncio.wait({opening}, timeout=CONNECTING_NOTICE_AFTER)
            if not done:
                console.notice(f"connecting to {self.link.address}…")
            return await opening
        finally:
            opening.cancel()  # only matters when we are cancelled (Ctrl-C) while waiting

    def _warn_about_seats_file(self) -> None:
        # One line, however many times the damaged file is read or written in this run.
        warning = self.seats.take_warning()
        if warning is not None:
            self._early.append(visible(warning))

    def _lost_seat(self, welcome: Welcome) -> str | None:
        """What became of us, in one sentence, when the host refused our seat token before
        this *welcome* (None when it did not): a new guest, or — the seat being someone
        else's now — a spectator."""
        if not self._seat_gone:
            return None
        self._seat_gone = False
        if self.lobby is not None:
            return (
                f"your old seat in {self.where} is gone (its table closed or its grace period "
                f"is over) — back in the lobby as {welcome.name}"
            )
        table = f"{self.host_name}'s table"
        if not welcome.watching:
            return f"your old seat at {table} is gone — sitting down as a new guest"
        return (
            f"your old seat at {table} is gone and someone else sits there now — you are "
            f"watching as {welcome.name} (/q stops watching; join again once the seat is free)"
        )

    def _seats_held_here(self) -> str | None:
        """For a spectator: the seats this account keeps at this table under other names, and
        how to take one back (None when there are none)."""
        import shlex  # noqa: PLC0415 (lazy: only a spectator holding other seats needs it)

        held = self.seats.at(self.table)
        names = sorted(shlex.quote(visible(asked)) for asked in held if asked != self.asked)
        if not names:
            return None
        table = f"{self.host_name}'s table"
        if len(names) == 1:
            return (
                f"this account also holds a seat at {table}, as {names[0]} — "
                f"run the join with --name {names[0]} to take it back"
            )
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        return (
            f"this account also holds seats at {table}, as {listed} — "
            "run the join with --name NAME to take one back"
        )

    @property
    def where(self) -> str:
        """Where this join is, as its sentences say it: ``club's lobby`` or ``ann's table``."""
        return f"{self.lobby}'s lobby" if self.lobby is not None else f"{self.host_name}'s table"

    @property
    def who(self) -> str:
        """Whom this join is connected to: the lobby server, not a table's opener, at a lobby."""
        return self.lobby if self.lobby is not None else self.host_name

    def _remember(self, welcome: Welcome) -> None:
        # Written at every welcome: the token was rotated, the old one is dead.
        self.host_name = welcome.host
        self.lobby = welcome.lobby
        self.watching = welcome.watching
        if welcome.watching:
            return  # a spectator's token is never accepted back: nothing to resume
        entry = SeatEntry(welcome.token, welcome.name, welcome.host)
        self.seats.put(self.table, self.asked, entry)

    def _moved(self, token: str | None) -> None:
        """A lobby moved this connection to another seat (or to none): the seats file holds
        that seat's token from now on, so a join started again resumes it by itself."""
        if token is None:
            self.seats.remove(self.table, self.asked)
            return
        self.watching = False
        self.seats.put(self.table, self.asked, SeatEntry(token, self.link.name, self.host_name))

    def _forget_seat(self) -> None:
        """Forget this seat in the seats file (not another join's newer one; nothing when
        watching: a spectator has no entry there)."""
        if not self.watching:
            self.seats.remove(self.table, self.asked, token=self.link.token)

    async def _ask_for_words(self) -> None:
        """In words mode (``--accessible``), ask the table for boards in words: the table
        knows who reads them (and a person on nc or telnet asks the same way)."""
        if self.options.accessible:
            await self.link.say("/board words")

    async def _converse(self, console: Console) -> int:
        incoming = asyncio.create_task(self._show_incoming(console))
        typed = asyncio.create_task(self._send_typed(console))
        done, _ = await asyncio.wait({incoming, typed}, return_when=asyncio.FIRST_COMPLETED)
        stopped = console.stopped_by is not None
        answers = not console.interactive or self._quit_said
        if typed in done and incoming not in done and answers and not stopped:
            # Script mode, or a leave said as /q: show the answers to every line sent (and
            # keep the record of a game the leave ended). The host answers each say
            # before it reads our bye and closes only then (PROTOCOL.md §6, "Leaving"), so
            # reading until it closes is the barrier; bounded for a host that never closes.
            self._leaving = self.link.end_sending()
            if self._leaving:
                await asyncio.wait({incoming}, timeout=ANSWERS_TIMEOUT)
        for task in (incoming, typed):
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finished = done.pop()
        if finished is typed:
            if stopped:
                self._stopped(console)
            else:
                self._forget_seat()  # a deliberate leave: nothing to resume
                self._left(console)
        return finished.result()

    def _left(self, console: Console) -> None:
        """Say that we left (as nc is told): the bye goes on the way out. A script's output
        stays the answers to its lines, so only a person at a terminal is told."""
        if console.interactive:
            doing = "stopped watching" if self.watching and self.lobby is None else "left"
            console.notice(f"you {doing} {self.where}")

    def _stopped(self, console: Console) -> None:
        """Stopped from outside (SIGTERM, SIGHUP, a closed window): no bye, the token kept."""
        if self.lobby is not None and self.link.token is None:
            console.notice(f"stopped — run the join again to come back to {self.where}")
        elif not self.watching:  # a spectator has no seat to come back to
            console.notice(
                f"stopped — {self.where} keeps your seat for a while: "
                "run the join again to take it back"
            )

    async def _show_incoming(self, console: Console) -> int:
        while True:
            try:
                while True:
                    show = await self.link.receive()
                    if show.kind == "record":
                        self._keep_record(console, show.text)
                        continue
                    rows = terminal_rows(sys.stdout)  # None when not a terminal
                    text = self.board_fit.fitted(show.kind, show.text, rows)
                    console.show(show.kind, text, show.sender)
            except ConnectionClosed as closed:
                if self._leaving:
                    return 0
                stopping = closed.left and closed.code == CLOSING
                if closed.left and not stopping:
                    return self._host_ended(console, closed)
                if closed.cause == "error":
                    # The host frees the seat of a connection that broke the protocol (either
                    # side's fault): there is nothing to resume, so say why and stop.
                    self._forget_seat()
                    console.notice(
                        visible(f"the connection to {self.where} failed: {closed.reason}")
                    )
                    return 1
                if stopping:
                    console.notice(f"{self.where} is stopping and may come back — reconnecting…")
                else:
                    console.notice(f"connection to {self.who} lost — reconnecting…")
                status = await self._reconnect(console)
                if status is not None:
                    return status

    async def _say_quit(self) -> bool:
        """Send ``/q`` to a host that speaks version 3 (it sends a guest who leaves mid-game
        their record before its bye); False when not sent."""
        connection = self.link.connection
        if self.watching or not self.link.connected or connection is None:
            return False
        if connection.version < _RECORDS_SINCE:
            return False
        try:
            return await self.link.say("/q")
        except ValueError:
            return False

    @property
    def archive(self) -> Archive:
        """Where this user's records of games are kept (opened on first use: a join that never
        finishes a game never loads it)."""
        if self._archive is None:
            from cli.archive import Archive  # noqa: PLC0415

            self._archive = Archive()
        return self._archive

    def _keep_record(self, console: Console, text: str) -> None:
        """Keep the host's record of a game in this user's archive. The text is the host's:
        it is read by the record format's own reader (bounded) before anything is written,
        and what is wrong with it is one line, never the end of the connection."""
        # imported here: the record format is not needed before the first game ends
        from cli.archive import ArchiveError  # noqa: PLC0415
        from game.record_format import RecordError  # noqa: PLC0415

        try:
            self.archive.save(text)
        except RecordError as exc:
            console.show("error", visible(f"the host sent a game record that is not one ({exc})"))
        except ArchiveError as exc:
            console.show("error", visible(str(exc)))

    def _host_ended(self, console: Console, closed: ConnectionClosed) -> int:
        """The host said bye: it left (0), or disconnected us on purpose (1). No reconnecting.

        The bye's code says which (a version 2 host's ``bye.code``, or a version 1 host's
        reason); its reason is then for people.
        """
        code, reason = closed.code, closed.reason
        if code == REPLACED:
            # A newer join resumed this seat and owns the state file entry now: leave it be.
            console.notice(f"your seat at {self.where} was taken over by another connection")
            return 1
        self._forget_seat()
        if code == "left" or (code is None and reason == "left"):
            console.notice(f"{self.who} left")
            return 0
        console.notice(visible(f"{self.where} disconnected you: {reason}"))
        return 1

    def _taken_over(self) -> bool:
        """Whether another join of this person has resumed the seat since we last held it.

        That join wrote the seat's newer token to the seats file. Our older token may still be
        accepted by the host (it stays valid until the newer one is used), and resuming with it
        would take the seat back from the newer join — so we stop instead.
        """
        stored = self.seats.get(self.table, self.asked)
        held = self.link.token
        return stored is not None and held is not None and stored.token != held

    async def _reconnect(self, console: Console) -> int | None:
        """Try to resume with backoff until ``--retry-for`` runs out.

        Returns:
            None once connected again; an exit status when giving up or refused.
        """
        loop = asyncio.get_running_loop()
        retry_for = self.options.retry_for
        deadline = loop.time() + retry_for
        delay = FIRST_DELAY
        while True:
            if self._taken_over():
                console.notice(f"your seat at {self.where} was taken over by another connection")
                return 1
            try:
                # Bounded: an attempt towards a machine that vanished must not outlast the window.
                welcome = await asyncio.wait_for(self.link.open(), max(1.0, deadline - loop.time()))
            except Refused as refused:
                if refused.code == "bad-token" and self.link.token is not None:
                    # Said with the next welcome: a new guest, or a spectator if the seat is
                    # someone else's now.
                    self.seats.remove(self.table, self.asked, token=self.link.token)
                    self.link.token = None
                    self._seat_gone = True
                    continue
                console.notice(f"{self.where} refused you: {refused.reason}")
                return 1
            except (HandshakeError, OSError, TimeoutError):
                pass  # not back yet
            else:
                self._remember(welcome)
                warning = self.seats.take_warning()
                if warning is not None:
                    console.notice(visible(warning))
                console.set_name(welcome.name)
                self._say_reconnected(console, welcome)
                await self._ask_for_words()  # a new seat or watcher starts with pictures
                return None
            remaining = deadline - loop.time()
            if remaining <= 0:
                console.notice(
                    f"{self.where} at {self.link.address} is gone — "
                    f"gave up reconnecting after {retry_for:g} s"
                )
                return 1
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_DELAY)

    def _say_reconnected(self, console: Console, welcome: Welcome) -> None:
        """Say where the *welcome* of a reconnection put us: our seat again, a new one, the
        lobby, or watching."""
        lost = self._lost_seat(welcome)
        if lost is not None:
            console.notice(lost)
        if welcome.watching and lost is None:
            console.notice(f"watching {self.host_name}'s table again as {welcome.name}")
        elif welcome.resumed and self.lobby is not None:
            console.notice(f"reconnected to {self.lobby}: back at your table")
        elif welcome.resumed:
            console.notice(f"reconnected to {self.host_name}'s table")
        elif not welcome.watching:
            if lost is None and self.lobby is not None:
                console.notice(f"back in {self.where} as {welcome.name}")
            elif lost is None:
                console.notice(f"sat down again at {self.host_name}'s table as a new guest")
            if self.link.unsent:
                console.notice(_unsent_sentence(self.link.unsent))

    async def _send_typed(self, console: Console) -> int:
        while True:
            line = await console.read_line()
            # imported here: the quit rule's module costs start-up more than anything else
            # before the first line is typed
            from game.commands import is_quit  # noqa: PLC0415

            if line is None or is_quit(line):
                # run() says bye on the way out; a host of version 3 is told /q first, so
                # that a game the leave ends comes back as our record of it (stopped from
                # outside, the join does not leave: nothing is said)
                if console.stopped_by is None:
                    self._quit_said = await self._say_quit()
                return 0
            refusal = too_long(line)
            if refusal is not None:
                console.show("error", refusal)
                continue
            self.board_fit.typed(line)
            try:
                sent = await self.link.say(line)
            except ValueError as exc:  # too many lines waiting: tell, go on
                console.show("error", f"not sent: {exc}")
                continue
            if not sent:
                console.notice("not connected — will send when reconnected")


def _unsent_sentence(count: int) -> str:
    """Tell how many lines typed while disconnected a new seat made pointless."""
    lines = "1 line" if count == 1 else f"{count} lines"
    was = "was" if count == 1 else "were"
    return f"{lines} typed while disconnected {was} not sent: your seat was gone"
