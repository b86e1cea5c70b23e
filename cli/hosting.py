"""The host's event loop: one Table, one console, at most one guest connection at a time.

Split from :mod:`cli.host` so that ``python -m cli.host --help`` imports none of this.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import random
import secrets
import socket

from cli.app import Failure, log_to, make_console
from cli.args import HostOptions
from cli.console import Console
from game.table import Delivery, Kind, Seat, Table
from net.connection import Connection, ConnectionClosed, PendingConnection, serve
from net.messages import Say, Show, Welcome, validate_name

# /q is about the connection, not the table: the programs intercept it (CONTRACT.md).
QUIT_COMMANDS = frozenset({"/q"})
_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


class GuestSeat:
    """The guest's place at the host's table, independent of any one connection.

    Holds what must survive a dropped connection once resume exists (issue 5): the seat name,
    the token that proves the seat, and the highest ``say.seq`` already applied so that a line
    sent again after a reconnect is applied exactly once. Frames towards the guest go through an
    outbox drained by one sender task, so a slow guest never blocks the host's console.
    """

    def __init__(self) -> None:
        """An empty seat."""
        self.name: str | None = None
        self.token: str | None = None
        self.last_seq = 0
        self.connection: Connection | None = None
        self._outbox: asyncio.Queue[Show] = asyncio.Queue()
        self._sender: asyncio.Task[None] | None = None

    @property
    def connected(self) -> bool:
        """True while a guest connection is attached."""
        return self.connection is not None

    def attach(self, connection: Connection, name: str, token: str) -> None:
        """Seat a newly accepted connection and start sending to it."""
        self.name, self.token, self.connection = name, token, connection
        self.last_seq = 0
        self._outbox = asyncio.Queue()
        self._sender = asyncio.create_task(self._send_all(connection, self._outbox))

    def send(self, show: Show) -> None:
        """Queue *show* for the guest; silently dropped when nobody is connected."""
        if self.connection is not None:
            self._outbox.put_nowait(show)

    def accept_seq(self, seq: int) -> bool:
        """Return True if ``say.seq`` *seq* is new, and remember it as applied."""
        if seq <= self.last_seq:
            return False
        self.last_seq = seq
        return True

    async def detach(self, reason: str | None) -> None:
        """Forget the connection; with a *reason*, first say bye (after queued frames)."""
        connection, sender = self.connection, self._sender
        self.connection, self._sender = None, None
        if connection is not None and reason is not None:
            # Let the last result/notice reach the guest before bye; bounded like close().
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._outbox.join(), 1.0)
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await sender
        if connection is not None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await connection.close(reason or "left")

    def free(self) -> None:
        """Clear the seat for the next guest."""
        self.name, self.token, self.last_seq = None, None, 0

    @staticmethod
    async def _send_all(connection: Connection, outbox: asyncio.Queue[Show]) -> None:
        while True:
            show = await outbox.get()
            try:
                await connection.send(show)
            except ValueError:
                pass  # net's LocalProtocolError: too big for a frame; nothing sensible to send
            except ConnectionClosed:
                # The receive side notices the loss and reports it; nothing more to send.
                outbox.task_done()
                while not outbox.empty():
                    outbox.get_nowait()
                    outbox.task_done()
                return
            outbox.task_done()


class Host:
    """The host program's state: options, the table, the console and the guest seat."""

    def __init__(self, options: HostOptions) -> None:
        """Prepare a host for *options*; nothing is opened before :meth:`run`."""
        self.options = options
        self.table = Table(options.name, rng=random.Random())
        # The table cleans the name (trims, cuts to 32 characters); show the one it uses.
        self.name = self.table.host_name
        self.console: Console = make_console(self.name, options.color)
        self.seat = GuestSeat()
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
        name, bind = self.name, self.options.bind
        if bind in _LOOPBACK:
            hint = f"python -m cli.join {port}"
        else:
            hint = f"python -m cli.join --host ADDRESS-OF-THIS-MACHINE {port}"
        return (
            f"{name}'s table is open on {_address(bind, port)} — "
            f"waiting for someone to join ({hint})"
        )

    # ------------------------------------------------------------------- the local side

    async def _read_typed_lines(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            line = await self.console.read_line()
            if line is None or line.strip() in QUIT_COMMANDS:
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
                self.seat.send(Show(kind=str(shown.kind), text=shown.text, sender=shown.sender))

    # ------------------------------------------------------------------- the guest side

    async def _on_connect(self, pending: PendingConnection) -> None:
        # net calls this once per connection whose hello is well-formed; one guest at a time.
        if self.seat.connected or self.table.guest_name is not None or self._leaving.is_set():
            who = self.table.guest_name or "someone"
            await pending.refuse(
                f"this table is full — {self.name} is already playing with {who}",
                "full",
            )
            return
        name, deliveries = self.table.sit(pending.hello.name)
        token = secrets.token_urlsafe(16)
        try:
            connection = await pending.accept(
                Welcome(name=name, host=self.name, token=token, resumed=False, last_seq=0)
            )
        except (ConnectionClosed, OSError):
            # Gone during the welcome: nobody was told they sat down, so nobody is told more.
            self.table.leave(Seat.GUEST)
            return
        self.seat.attach(connection, name, token)
        self._deliver(deliveries)
        self._guest_task = asyncio.current_task()
        # Cancelled when the host leaves; _close_guest has said bye by then.
        with contextlib.suppress(asyncio.CancelledError):
            await self._serve_guest(connection, name)

    async def _serve_guest(self, connection: Connection, name: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                message = await connection.recv()
                if not isinstance(message, Say) or not self.seat.accept_seq(message.seq):
                    continue  # a repeated line (after a resume) is applied once
                if message.text.strip() in QUIT_COMMANDS:
                    # An older or foreign join may send /q as text: treat it as leaving.
                    await self._guest_gone(name, left=True, reason="left")
                    return
                self._handle(Seat.GUEST, message.text, loop.time())
        except ConnectionClosed as closed:
            await self._guest_gone(name, left=closed.left, reason=None)

    async def _guest_gone(self, name: str, *, left: bool, reason: str | None) -> None:
        if self._leaving.is_set():
            return  # we closed it ourselves on the way out
        await self.seat.detach(reason)
        self.seat.free()
        deliveries = self.table.leave(Seat.GUEST)
        if not left:
            # Lost is not leaving, so the table's "NAME left the table" notice would be wrong.
            # Until resume exists (issue 5: Table.drop, a grace period, then leave) the seat is
            # freed at once; what the table says beyond that notice (an abandoned game's
            # result) is still shown.
            self.console.notice(f"connection to {name} lost — the seat is free again")
            deliveries = [d for d in deliveries if d.shown.kind != Kind.NOTICE]
        self._deliver(deliveries)
        self._guest_task = None

    async def _close_guest(self) -> None:
        self._leaving.set()
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
