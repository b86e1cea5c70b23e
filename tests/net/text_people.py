"""Helpers for the socket tests of people on nc/telnet: a host serving text, a raw person.

The person is a plain TCP socket on 127.0.0.1 that types bytes and reads CR LF lines, keeping
every byte it received (to check what a real ``nc`` would have shown). Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from net.connection import Connection, Limits, PendingConnection
from net.messages import Show, Welcome
from net.serving import PendingText, TextConnection, TextService, serve

from .support import STEADY, WAIT

GREETING = "ann's table (tablechat) — what is your name?"
CODE_PROMPT = "the join code, please?"


def render(show: Show) -> str:
    """A plain rendering, like cli's: ``<name> text`` for chat, a mark for the rest."""
    if show.kind == "chat":
        return f"<{show.sender}> {show.text}"
    mark = {"error": "! ", "result": "** ", "board": "  "}.get(show.kind, "* ")
    return "\n".join(mark + line for line in show.text.split("\n"))


def service(*, needs_code: bool = False, prompt_timeout: float = WAIT * 4) -> TextService:
    """A text service like the host program's (the prompt deadline far beyond any stall)."""
    return TextService(
        greeting=lambda: GREETING,
        needs_code=needs_code,
        code_prompt=CODE_PROMPT,
        render=render,
        prompt_timeout=prompt_timeout,
    )


Pending = PendingConnection | PendingText
Opened = Connection | TextConnection


@dataclass
class TextHost:
    """A host serving joins and people; it welcomes everyone unless *decide* says otherwise."""

    server: asyncio.Server
    port: int
    pendings: asyncio.Queue[Pending] = field(default_factory=asyncio.Queue)
    connections: asyncio.Queue[Opened] = field(default_factory=asyncio.Queue)

    async def aclose(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def start_text_host(
    text: TextService | None = None,
    limits: Limits = STEADY,
    decide: Callable[[Pending], Awaitable[bool]] | None = None,
) -> TextHost:
    """Serve on 127.0.0.1 port 0; accepted connections go to ``host.connections`` and stay
    open until the test closes them (or *decide* returns False: it answered itself)."""
    host: TextHost
    release = asyncio.Event()

    async def on_connect(pending: Pending) -> None:
        host.pendings.put_nowait(pending)
        if decide is not None and not await decide(pending):
            return
        welcome = Welcome(name=pending.hello.name, host="ann", token="seat-token")
        host.connections.put_nowait(await pending.accept(welcome))
        await release.wait()  # the connection is the test's from here on

    server = await serve(on_connect, "127.0.0.1", 0, limits=limits, text=text or service())
    host = TextHost(server, server.sockets[0].getsockname()[1])
    return host


class Person:
    """A raw TCP client playing a person on nc (or telnet, by the bytes it types)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.received = bytearray()

    @classmethod
    async def connect(cls, port: int, source: str = "127.0.0.1") -> Person:
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        return cls(reader, writer)

    def type(self, data: bytes) -> None:
        self.writer.write(data)

    async def line(self, timeout: float = WAIT) -> str:
        """The next CR LF line (without it), decoded; fails the test on EOF or timeout."""
        data = await asyncio.wait_for(self.reader.readuntil(b"\r\n"), timeout)
        self.received += data
        return data[:-2].decode("utf-8")

    async def rest(self, timeout: float = WAIT) -> bytes:
        """Everything until the host closes."""
        try:
            data = await asyncio.wait_for(self.reader.read(), timeout)
        except ConnectionError:
            data = b""
        self.received += data
        return data

    async def sit_down(self, name: str = "bob", code: str | None = None) -> None:
        """Answer the greeting (and the code prompt), as a person would."""
        assert await self.line() == GREETING
        self.type(name.encode() + b"\r\n")
        if code is not None:
            assert await self.line() == CODE_PROMPT
            self.type(code.encode() + b"\r\n")
        assert (await self.line()).startswith("* you joined ann's table as ")

    def close(self) -> None:
        self.writer.close()


async def next_of(queue: asyncio.Queue[Opened]) -> Opened:
    return await asyncio.wait_for(queue.get(), WAIT)


async def pending_of(queue: asyncio.Queue[Pending]) -> Pending:
    return await asyncio.wait_for(queue.get(), WAIT)


def close_quietly(*people: Person) -> None:
    for person in people:
        with contextlib.suppress(Exception):
            person.close()


def short_prompts(seconds: float) -> TextService:
    """A text service whose prompts time out after *seconds* (a test about that deadline)."""
    return dataclasses.replace(service(), prompt_timeout=seconds)


def host_side_socket(connection: TextConnection) -> socket.socket:
    """The host's end of a person's connection (to read its socket options back).

    Reached through the link on purpose: what is tested is the socket the host accepted, and
    net has no reason to hand it out.
    """
    transport = connection._link.transport
    assert transport is not None
    sock: socket.socket = transport.get_extra_info("socket")
    return sock
