"""The join's event loop: a connection loop (:class:`Link`) and a console wired to it.

The link knows nothing of the console and the console nothing of the network, so the resume
step (issue 5) can reconnect inside :class:`Link` — same ``say.seq`` counter, new token — while
the person keeps typing.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from cli.app import Failure, log_to, make_console
from cli.args import JoinOptions
from cli.console import Console
from net.connection import Connection, ConnectionClosed, HandshakeError, Refused, connect
from net.messages import Hello, Say, Show, validate_name

QUIT_COMMANDS = frozenset({"/q"})


class Link:
    """The join's side of the conversation with one host, across connections.

    ``seq`` numbers every ``say`` from 1 and is never reused, so the host can apply a line
    exactly once even if it is sent again after a reconnect.
    """

    def __init__(self, host: str, port: int, name: str) -> None:
        """Prepare a link to *host*:*port* for the person called *name*; nothing is opened."""
        self.host, self.port, self.name = host, port, name
        self.seq = 0
        self.token: str | None = None
        self.connection: Connection | None = None

    @property
    def address(self) -> str:
        """The host's address as people write it."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    async def open(self) -> Connection:
        """Connect and say hello.

        Raises:
            Failure: nothing listening, an unknown address, a refused hello, or a peer that
                does not speak the protocol — each as one sentence.
        """
        try:
            validate_name("--name", self.name)
        except ValueError as exc:  # net's LocalProtocolError: the name breaks the protocol rules
            raise Failure(f"cannot use that name: {exc}", status=2) from None
        hello = Hello(name=self.name, code=None, token=self.token)
        try:
            connection = await connect(self.host, self.port, hello)
        except Refused as refused:
            raise Failure(f"the table at {self.address} refused you: {refused.reason}") from None
        except HandshakeError as exc:
            raise Failure(
                f"{self.address} did not answer like a tablechat table: {exc.reason}"
            ) from None
        except socket.gaierror:
            raise Failure(f"cannot find the address {self.host!r}") from None
        except ConnectionRefusedError:
            raise Failure(f"no table at {self.address} — is the host running?") from None
        except (TimeoutError, OSError) as exc:
            raise Failure(
                f"cannot reach {self.address}: {getattr(exc, 'strerror', None) or exc}"
            ) from None
        welcome = connection.welcome
        if welcome is not None:
            self.name, self.token = welcome.name, welcome.token
        self.connection = connection
        return connection

    async def say(self, text: str) -> None:
        """Send one typed line. Raises ConnectionClosed when the connection is gone."""
        if self.connection is None:
            raise ConnectionClosed("connection lost")
        say = Say(seq=self.seq + 1, text=text)  # ValueError (LocalProtocolError) if unsendable
        self.seq += 1
        await self.connection.send(say)

    async def receive(self) -> Show:
        """Wait for the next ``show``. Raises ConnectionClosed when the connection ends."""
        if self.connection is None:
            raise ConnectionClosed("connection lost")
        while True:
            message = await self.connection.recv()
            if isinstance(message, Show):
                return message

    async def close(self) -> None:
        """Say bye and close (bounded); harmless when already closed."""
        if self.connection is not None:
            with contextlib.suppress(ConnectionClosed, OSError):
                await self.connection.close("left")


class Guest:
    """The join program: one link, one console, until either side leaves."""

    def __init__(self, options: JoinOptions) -> None:
        """Prepare the join for *options*."""
        self.options = options
        self.link = Link(options.host, options.port, options.name)
        self.host_name = "the host"

    async def run(self) -> int:
        """Connect, then chat until someone leaves; returns the exit status.

        0 when you or the host left deliberately, 1 when the connection was lost.
        """
        connection = await self.link.open()
        welcome = connection.welcome
        if welcome is not None:
            self.host_name = welcome.host
        console = make_console(self.link.name, self.options.color)
        console.start()
        log_to(console)
        try:
            console.notice(
                f"you joined {self.host_name}'s table at {self.link.address} as {self.link.name}"
            )
            return await self._converse(console)
        finally:
            await self.link.close()
            console.close()

    async def _converse(self, console: Console) -> int:
        incoming = asyncio.create_task(self._show_incoming(console))
        typed = asyncio.create_task(self._send_typed(console))
        done, _ = await asyncio.wait({incoming, typed}, return_when=asyncio.FIRST_COMPLETED)
        for task in (incoming, typed):
            if task not in done:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        finished = done.pop()
        return finished.result()

    async def _show_incoming(self, console: Console) -> int:
        try:
            while True:
                show = await self.link.receive()
                console.show(show.kind, show.text, show.sender)
        except ConnectionClosed as closed:
            if closed.left:
                console.notice(f"{self.host_name} left")
                return 0
            console.notice(f"connection to {self.host_name} lost")
            return 1

    async def _send_typed(self, console: Console) -> int:
        while True:
            line = await console.read_line()
            if line is None or line.strip() in QUIT_COMMANDS:
                return 0  # run() says bye on the way out
            try:
                await self.link.say(line)
            except ValueError as exc:  # e.g. longer than a frame may be: tell, keep going
                console.show("error", f"not sent: {exc}")
            except ConnectionClosed:
                # The receiving task reports how the connection ended; wait for it.
                await asyncio.Event().wait()
