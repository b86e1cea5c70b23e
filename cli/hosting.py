"""The host's event loop: one Table, one console, at most one guest connection at a time.

Who may sit down (issue 5): a hello with a seat token, under the seat's name, resumes that seat
(the token is rotated); any other hello must pass the join code (when the table has one) and
find the seat free. Exactly one connection owns the seat (:class:`cli.guest_seat.GuestSeat`):
a resume replaces the one before. A guest whose connection is lost keeps the seat for the grace
period; one who leaves — or is disconnected for flooding or for breaking the protocol — frees
it at once.

Split from :mod:`cli.host` so that ``python -m cli.host --help`` imports none of this.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import random
import socket

from cli.app import Failure, log_to, make_console
from cli.args import HostOptions
from cli.console import Console
from cli.guest_seat import GuestSeat, SeqVerdict
from game.announce import duration
from game.commands import is_quit
from game.table import Delivery, Seat, Table
from net.admission import JoinCodeGate, SeatTokens, Verdict, format_code, new_join_code
from net.connection import Connection, ConnectionClosed, PendingConnection, serve
from net.errors import RemoteProtocolError
from net.messages import Say, Show, Welcome, validate_name


def is_loopback(bind: str) -> bool:
    """True when listening on *bind* is reachable from this machine only (no code needed)."""
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind).is_loopback  # all of 127.0.0.0/8, and ::1
    except ValueError:
        return False  # a host name: it may resolve to anything, so ask for a code


class Host:
    """The host program's state: options, the table, the console and the guest seat."""

    def __init__(self, options: HostOptions) -> None:
        """Prepare a host for *options*; nothing is opened before :meth:`run`."""
        self.options = options
        self.table = Table(options.name, rng=random.Random())
        # The table cleans the name (trims, cuts to 32 characters); show the one it uses.
        self.name = self.table.host_name
        self.console: Console = make_console(self.name, options.color, bell=options.bell)
        self.seat = GuestSeat()
        self.tokens: SeatTokens[Seat] = SeatTokens()
        # A table reachable beyond this machine needs a code; on loopback only if one is given.
        code = options.code
        if code is None and not is_loopback(options.bind):
            code = new_join_code()
        self.gate = JoinCodeGate(code)
        self._leaving = asyncio.Event()
        self._guest_task: asyncio.Task[None] | None = None

    async def run(self) -> int:
        """Open the table, then handle typed lines until the host leaves; returns 0."""
        try:
            # The name travels in every welcome and chat line: check it before opening.
            validate_name("--name", self.options.name)
        except ValueError as exc:
            raise Failure(f"cannot use that name: {exc}", status=2) from None
        server = await self._open()
        port = server.sockets[0].getsockname()[1]
        self.console.start()
        log_to(self.console)
        try:
            self.console.notice(self._opening_line(port))
            await self._read_typed_lines()
        finally:
            server.close()
            await self._close_guest()
            self.console.close()
        return 0

    # ------------------------------------------------------------------------ opening

    async def _open(self) -> asyncio.Server:
        bind, port = self.options.bind, self.options.port
        where = f"{bind}:{port}"
        try:
            return await serve(self._on_connect, bind, port)
        except socket.gaierror as exc:
            raise Failure(f"cannot listen on {where}: unknown address {bind!r}") from exc
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Failure(
                    f"port {port} on {bind} is already in use (another table?) — "
                    f"choose another port, e.g. python -m cli.host {_next_port(port)}"
                ) from exc
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise Failure(
                    f"not allowed to listen on {where} — choose a port above 1023"
                ) from exc
            raise Failure(f"cannot listen on {where}: {exc.strerror or exc}") from exc

    def _opening_line(self, port: int) -> str:
        name, bind, code = self.name, self.options.bind, self.gate.code
        where = "" if is_loopback(bind) else "--host ADDRESS-OF-THIS-MACHINE "
        shown_code = "" if code is None else f"--code {format_code(code)} "
        hint = f"python -m cli.join {where}{shown_code}{port}"
        told = "" if code is None else f" — join code {format_code(code)}"
        return (
            f"{name}'s table is open on {_address(bind, port)}{told} — "
            f"waiting for someone to join ({hint})"
        )

    # ------------------------------------------------------------------- the local side

    async def _read_typed_lines(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            line = await self.console.read_line()
            if line is None or is_quit(line):
                return
            self._handle(Seat.HOST, line, loop.time())

    def _handle(self, seat: Seat, line: str, now: float) -> None:
        try:
            deliveries = self.table.handle(seat, line, now=now)
        except Exception as exc:
            # A bug in the table must not end the conversation (or leave the seat stuck):
            # report it on the host's screen, drop the line, carry on.
            self.console.show("error", f"the table could not handle that line ({exc!r})")
            return
        self._deliver(deliveries)

    def _deliver(self, deliveries: list[Delivery]) -> None:
        for delivery in deliveries:
            shown = delivery.shown
            if delivery.to == Seat.HOST:
                self.console.show(str(shown.kind), shown.text, shown.sender)
            else:
                show = Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)
                try:
                    self.seat.send(show)
                except ValueError:  # net's LocalProtocolError: more than one frame can hold
                    self.console.show(
                        "error", f"not sent to {self.seat.name}: too long for one message"
                    )

    # ------------------------------------------------------------------- the guest side

    async def _on_connect(self, pending: PendingConnection) -> None:
        # net calls this once per connection whose hello is well-formed; one guest at a time.
        if self._leaving.is_set():
            await pending.refuse(f"{self.name}'s table is closing", "full")
            return
        if pending.hello.token is not None and not self._is_other_guest(pending):
            # The token is stronger than the code: it was issued to someone who had the code.
            await self._resume(pending)
            return
        verdict = self.gate.check(
            pending.peer[0], pending.hello.code, asyncio.get_running_loop().time()
        )
        if not verdict.ok:
            await pending.refuse(self._refusal(verdict, pending.hello.code), verdict.code or "")
            return
        if self.seat.taken or self.table.guest_name is not None:
            await pending.refuse(self._full(), "full")
            return
        await self._sit(pending)

    def _is_other_guest(self, pending: PendingConnection) -> bool:
        """True when *pending* holds the seat's valid token under a name that is not the seat's.

        A token belongs to a name (issue 8 §3): ``--name carol`` run from the account that
        holds bob's token is carol, a new guest, and must never take bob's seat. The token is
        only verified here, not rotated: bob's stays as it was.
        """
        token = pending.hello.token
        return self.tokens.verify(token) is not None and not self.seat.is_named(pending.hello.name)

    def _refusal(self, verdict: Verdict, presented: str | None) -> str:
        if verdict.code == "rate-limited":
            # The gate's sentence says whose attempts were counted and how long to wait.
            return verdict.reason
        if not presented:
            return f"this table needs a join code — ask {self.name} for it (--code CODE)"
        return f"wrong join code — ask {self.name} for the code"

    def _full(self) -> str:
        guest = self.seat.name or self.table.guest_name or "someone"
        if self.seat.connected or not self.seat.taken:
            return f"this table is full — {self.name} is playing with {guest}"
        left = duration(max(1, round(self.seat.grace_left())))
        return f"this table is full — {self.name} is keeping {guest}'s seat for up to {left} more"

    async def _sit(self, pending: PendingConnection) -> None:
        name, deliveries = self.table.sit(pending.hello.name)
        token = self.tokens.issue(Seat.GUEST)
        self.seat.sit(name, pending.hello.name)
        welcome = Welcome(name=name, host=self.name, token=token, resumed=False, last_seq=0)
        try:
            connection = await self.seat.take_over(pending, welcome)
        except (ConnectionClosed, OSError):
            if self.seat.give_up_claim(pending):
                # Gone during the welcome: nobody was told they sat down, so nobody is told
                # more.
                self.tokens.revoke(Seat.GUEST)
                self.seat.free()
                self.table.leave(Seat.GUEST)
            return
        if await self._closed_meanwhile():
            return
        # The host sees the arrival even if a resume with the new token (a fast join's second
        # connection) took the seat over meanwhile: the table did seat this guest.
        self._deliver(deliveries)
        if connection is not None:
            await self._serve(connection)

    async def _resume(self, pending: PendingConnection) -> None:
        rotated = self.tokens.resume(pending.hello.token)
        name = self.seat.name
        if rotated is None or name is None:
            await pending.refuse(
                "that seat is no longer yours — the grace period is over, the guest left, "
                "or a newer connection took it over",
                "bad-token",
            )
            return
        # The presented token stays valid until the new one is presented: this welcome may be
        # lost on the way, and the guest must still be able to come back (net.admission).
        _, token = rotated
        welcome = Welcome(
            name=name, host=self.name, token=token, resumed=True, last_seq=self.seat.last_seq
        )
        try:
            # Replaces the old connection (the host may not have noticed it drop yet) and any
            # resume still being welcomed: only the latest claim is served.
            connection = await self.seat.take_over(pending, welcome)
        except (ConnectionClosed, OSError):
            if self.seat.give_up_claim(pending):
                self._dropped()  # gone again at once: keep waiting as for any lost connection
            return
        if connection is None or await self._closed_meanwhile():
            return
        self._deliver(self.table.resume(Seat.GUEST))
        await self._serve(connection)

    async def _closed_meanwhile(self) -> bool:
        """Whether the host left while a guest was being welcomed; if so, say bye to it.

        Leaving says bye to the connection the seat had then; one admitted during that goodbye
        must hear "left" too, or its join would reconnect for a minute and report the table
        gone instead of "alice left".
        """
        if not self._leaving.is_set():
            return False
        await self.seat.detach("left")
        return True

    async def _serve(self, connection: Connection) -> None:
        self._guest_task = asyncio.current_task()
        # Cancelled when the host leaves; _close_guest has said bye by then.
        with contextlib.suppress(asyncio.CancelledError):
            await self._serve_guest(connection)

    async def _serve_guest(self, connection: Connection) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                message = await connection.recv()
                if self.seat.connection is not connection:
                    return  # replaced by a resumed connection: this one speaks no more
                if not isinstance(message, Say) or not self._in_order(message):
                    continue
                if is_quit(message.text):
                    # An older or foreign join may send /q as text: treat it as leaving.
                    await self._free_seat("left")
                    return
                self._handle(Seat.GUEST, message.text, loop.time())
                if self.table.is_flooding(Seat.GUEST):
                    await self._free_seat("flooding", "flooding (too many chat lines too fast)")
                    return
        except ConnectionClosed as closed:
            if self._leaving.is_set() or self.seat.connection is not connection:
                return  # we closed it ourselves: on the way out, or replaced by a resume
            if closed.cause == "left":
                await self._free_seat(None)
            elif closed.cause == "error":
                # A program that breaks the protocol is broken or hostile: it does not get the
                # seat held for it (on loopback, with no join code, anyone could block the table
                # that way). net already sent the error frame and closed.
                await self._free_seat(None, closed.reason)
            else:
                # Seat kept before the await: a resume arriving while the connection closes
                # then finds a dropped seat to take over, not one about to be marked dropped.
                self._dropped()
                await self.seat.detach(None)

    def _in_order(self, say: Say) -> bool:
        """True when *say* is the next line to apply; a repeat (resent after a resume) is
        skipped; a seq that is 0 or skips lines fails the connection (its recv then ends it)."""
        try:
            return self.seat.accept_seq(say.seq) is SeqVerdict.APPLY
        except RemoteProtocolError as error:
            self.seat.fail(error)
            return False

    def _dropped(self) -> None:
        """The guest's connection was lost: keep the seat for the grace period."""
        grace = self.options.grace
        self._deliver(self.table.drop(Seat.GUEST, grace))
        self.seat.start_grace(grace, self._grace_over)

    def _grace_over(self) -> None:
        if self._leaving.is_set() or self.seat.connected:
            return
        self.tokens.revoke(Seat.GUEST)
        self.seat.free()
        self._deliver(self.table.expire(Seat.GUEST, self.options.grace))

    async def _free_seat(self, bye: str | None, why: str | None = None) -> None:
        """End the guest's seat without a grace period.

        Args:
            bye: the bye to send — ``"left"`` (they typed /q as text), ``"flooding"`` (we
                disconnect them) — or None when the connection is already over (they said bye,
                or broke the protocol).
            why: why we put the guest out, when they did not leave of their own accord; the
                table words the host's notice from it.
        """
        # Revoked before the await: no resume may claim a seat that is being freed.
        self.tokens.revoke(Seat.GUEST)
        await self.seat.detach(bye)
        self.seat.free()
        if why is None:
            self._deliver(self.table.leave(Seat.GUEST))
        else:
            self._deliver(self.table.disconnect(Seat.GUEST, why))
        self._guest_task = None

    async def _close_guest(self) -> None:
        self._leaving.set()
        self.seat.cancel_grace()
        # Bye first, so the guest hears "left" rather than a lost connection.
        await self.seat.detach("left")
        task = self._guest_task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _address(bind: str, port: int) -> str:
    return f"[{bind}]:{port}" if ":" in bind else f"{bind}:{port}"


def _next_port(port: int) -> int:
    return port + 1 if 0 < port < 65535 else 3581
