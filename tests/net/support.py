"""What the tests of net/ are made of: hosts on 127.0.0.1 port 0, raw clients, sans-IO protocol
objects at a fake time, people on nc or telnet played by raw sockets, silent crowds. Nothing
here sleeps (but :func:`wait_accepted`, which has no event to wait on): every wait is on an
event with a timeout.

Sockets (:func:`start_echo_host`, :func:`raw_exchange`, :func:`run`)
    An echo host on 127.0.0.1:0, raw clients, bounded waits. pytest-asyncio is not a
    dependency, so every async test body runs under :func:`run`, which also bounds it in time.

The sans-IO protocol objects (:func:`open_host`, :func:`open_join`, :func:`events`)
    Objects opened at a fake time, events drained, frames decoded. No sockets, no clock: every
    test of them runs in milliseconds.

People on nc/telnet (:func:`start_text_host`, :class:`Person`)
    A host serving text, and a raw person: a plain TCP socket on 127.0.0.1 that types bytes and
    reads CR LF lines, keeping every byte it received (to check what a real ``nc`` would have
    shown).

Silent connections by the hundred (:class:`SilentCrowd`), for the flood tests and the
pending-memory benchmark
    A :class:`SilentCrowd` opens plain sockets towards a host on 127.0.0.1 that never send a
    byte — the cheapest attack on a listening host. They come from several
    loopback addresses (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to the loopback
    interface), so both the per-address and the total cap of the host's waiting room come into
    play.

    Connecting does not wait: a host that has run out of descriptors leaves the connections in
    its kernel's accept queue, and a blocking connect past that queue would hang. Every wait
    here is bounded; :meth:`SilentCrowd.close` closes every socket, also after a failure.

Bytes as they may arrive (:func:`split_anywhere`, :data:`CLIENT_HELLO`)
    Data cut wherever a socket may cut it, and the opening of another protocol's client.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import resource
import selectors
import socket
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from net.codec import Decoder, encode
from net.connection import Connection, ConnectionClosed, Limits, PendingConnection, connect
from net.errors import RemoteProtocolError
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.messages import Hello, Say, Show, Welcome, encode_message
from net.protocol_base import ProtocolBase
from net.protocol_events import NEED_DATA, DeadlinePassed, Event, HelloReceived, Welcomed
from net.serving import PendingText, TextConnection, TextService, serve

# --- sockets --------------------------------------------------------------------------------------

T = TypeVar("T")
WAIT = 5.0  # generous bound for anything that should happen "at once"

#: How much later than its deadline something may happen on a loaded 2-core machine and still
#: count as on time. A test's upper bound is a deadline plus this, kept below the next deadline
#: that could also end the wait, so that a deadline that is not kept still fails the test.
LOAD_MARGIN = 2.0

#: Limits for connections meant to stay healthy. Both ends of a test share one event loop, so
#: a stall of the machine looks to each like silence from the other: every deadline a healthy
#: connection could hit is far beyond such stalls, while pings still go out every
#: 50 ms so that every test exercises them. A test about one deadline sets that one short (with
#: dataclasses.replace) and says why its margin holds.
STEADY = Limits(
    hello_timeout=WAIT,
    frame_timeout=WAIT,
    ping_interval=0.05,
    dead_after=WAIT,
    close_timeout=1.0,
    max_send_buffer=256 * 1024,
)


def run(coro: Coroutine[Any, Any, T], timeout: float = 20.0) -> T:
    """Run *coro* in a fresh event loop, failing instead of hanging."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


@dataclass
class EchoHost:
    """A listening host that welcomes everyone and echoes each say back as a show."""

    server: asyncio.Server
    port: int
    connects: list[PendingConnection] = field(default_factory=list)
    ended: asyncio.Queue[ConnectionClosed] = field(default_factory=asyncio.Queue)
    connections: asyncio.Queue[Connection] = field(default_factory=asyncio.Queue)

    async def aclose(self) -> None:
        self.server.close()
        await self.server.wait_closed()


async def start_echo_host(
    limits: Limits = STEADY,
    on_accept: Callable[[Connection], Awaitable[None]] | None = None,
) -> EchoHost:
    """Start an echo host on 127.0.0.1, port 0 (*on_accept* replaces echo for "mallory")."""
    host: EchoHost

    async def on_connect(pending: PendingConnection) -> None:
        host.connects.append(pending)
        conn = await pending.accept(
            Welcome(name=pending.hello.name, host="ann", token="seat-token")
        )
        host.connections.put_nowait(conn)
        if on_accept is not None and pending.hello.name == "mallory":
            await on_accept(conn)
        else:
            await echo(host, conn)

    server = await serve(on_connect, "127.0.0.1", 0, limits=limits)
    host = EchoHost(server, server.sockets[0].getsockname()[1])
    return host


async def echo(host: EchoHost, conn: Connection) -> None:
    """Answer every say with a show of the same text, until the connection ends."""
    assert conn.peer_hello is not None
    try:
        while True:
            message = await conn.recv()
            assert isinstance(message, Say)
            await conn.send(Show(kind="chat", text=message.text, sender=conn.peer_hello.name))
    except ConnectionClosed as closed:
        host.ended.put_nowait(closed)


async def well_behaved(port: int, limits: Limits = STEADY, name: str = "carol") -> None:
    """Connect, exchange two lines, leave: proves the host still serves."""
    conn = await asyncio.wait_for(connect("127.0.0.1", port, Hello(name=name), limits=limits), WAIT)
    for seq, text in enumerate(["hello", "b2"], start=1):
        await conn.send(Say(seq=seq, text=text))
        reply = await asyncio.wait_for(conn.recv(), WAIT)
        assert reply == Show(kind="chat", text=text, sender=name)
    await conn.close()


def hello_frame(name: str = "mallory", **fields: Any) -> bytes:
    """A hello frame built by hand, so it may break the rules Hello() enforces."""
    return encode({**Hello(name="m").to_dict(), "name": name, **fields})


async def raw_exchange(
    port: int,
    payload: bytes,
    *,
    close_after: bool = False,
    half_close: bool = False,
) -> tuple[list[dict[str, Any]], bytes]:
    """Send *payload* on a raw socket and read until the host closes.

    Returns:
        The frames the host sent (as far as they decode) and the raw bytes.
    """
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        with contextlib.suppress(ConnectionError):
            writer.write(payload)
            await writer.drain()
        if half_close:
            writer.write_eof()
        if close_after:
            writer.close()
            return [], b""
        data = bytearray()
        while chunk := await asyncio.wait_for(_read_some(reader), WAIT):
            data += chunk
        return decode_frames(bytes(data)), bytes(data)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _read_some(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.read(65536)
    except ConnectionError:
        return b""


def decode_frames(data: bytes) -> list[dict[str, Any]]:
    decoder = Decoder(1 << 20)
    decoder.receive_data(data)
    frames = []
    with contextlib.suppress(RemoteProtocolError):
        while (frame := decoder.next_message()) is not None:
            frames.append(frame)
    return frames


# --- the sans-IO protocol objects -----------------------------------------------------------------

#: The defaults, spelled out: the tests state the rules in these numbers.
LIMITS = Limits(hello_timeout=10.0, frame_timeout=10.0, ping_interval=10.0, dead_after=30.0)
T0 = 1000.0  # a fake monotonic time to start from (not 0: nothing may assume a zero start)
WELCOME = Welcome(name="bob", host="ann", token="seat-token")


def events(protocol: ProtocolBase) -> list[Event]:
    """Every event *protocol* has ready, in order."""
    got: list[Event] = []
    while (event := protocol.next_event()) is not NEED_DATA:
        got.append(event)
    return got


def sent(protocol: ProtocolBase) -> list[dict[str, Any]]:
    """The frames in *protocol*'s ``data_to_send()``, decoded."""
    return decode_frames(protocol.data_to_send())


def frame(**fields: Any) -> bytes:
    """One frame of any object (it may break the message rules)."""
    return encode(fields)


def open_host(version: int = 2, now: float = T0) -> HostProtocol:
    """A host protocol object that has received a hello of *version* and sent its welcome."""
    host = HostProtocol(LIMITS, now)
    host.receive_data(encode_message(Hello(name="bob", version=version)), now)
    assert events(host) == [HelloReceived(Hello(name="bob", version=version))]
    host.send(WELCOME, now=now)
    assert host.data_to_send() == b""
    return host


def open_join(version: int = 2, now: float = T0) -> JoinProtocol:
    """A join protocol object that has sent its hello and received a welcome of *version*."""
    join = JoinProtocol(Hello(name="bob", version=version), LIMITS, now)
    assert sent(join)[0]["type"] == "hello"
    welcome = Welcome(name="bob", host="ann", token="seat-token", version=version)
    join.receive_data(encode_message(welcome), now)
    assert events(join) == [Welcomed(welcome)]
    return join


def timed_out(protocol: ProtocolBase) -> str | None:
    """Which deadline ended *protocol* (``"silence"``, ``"frame"``, …), or None."""
    ended = protocol.ended
    return ended.deadline if isinstance(ended, DeadlinePassed) else None


def on_time_until(protocol: ProtocolBase, until: float) -> None:
    """Call *protocol*'s ``handle_timeout`` at each of its deadlines before *until*, on time as
    an event loop that keeps running does, then at *until* (what it sends is left unread)."""
    while (due := protocol.next_deadline()) is not None and due < until:
        protocol.handle_timeout(due)
    protocol.handle_timeout(until)


# --- people on nc/telnet --------------------------------------------------------------------------

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


# --- silent crowds --------------------------------------------------------------------------------


def raise_descriptor_limit(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards *wanted* (never above the hard limit).

    Returns:
        The soft limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def accept_queue(port: int) -> int:
    """Connections waiting in the accept queue of the socket listening on 127.0.0.1:*port*.

    Linux only: read from /proc/net/tcp, where a listening socket's rx_queue is that count.
    """
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    return 0


def wait_accepted(port: int, timeout: float) -> None:
    """Wait until the host on *port* has accepted every connection made so far.

    Raises:
        TimeoutError: It has not within *timeout* seconds.
    """
    deadline = time.monotonic() + timeout
    while (waiting := accept_queue(port)) > 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{waiting} connections still wait for the host to accept them")
        time.sleep(0.005)  # the kernel has no way to say when a listener's queue empties


class SilentCrowd:
    """*count* connections to 127.0.0.1:*port* from *addresses* loopback addresses, all mute."""

    def __init__(
        self,
        port: int,
        count: int,
        addresses: int = 8,
        *,
        batch: int = 50,
        timeout: float = 20.0,
        settle: Callable[[], None] | None = None,
    ) -> None:
        """Connect every socket, *batch* at a time (each batch within *timeout* seconds).

        A batch is connected once the kernel has completed its handshakes (they may still wait
        in the host's accept queue). Batches keep that queue — 100 places at the host — from
        overflowing, which would make the kernel drop handshakes and retry them a second later;
        *settle*, called after each batch, may also wait for the host to empty it.

        Raises:
            OSError: A connection failed.
            TimeoutError: A batch did not connect in time.
        """
        self.sockets: list[socket.socket] = []
        self._received: dict[socket.socket, bytearray] = {}
        self._ended: set[socket.socket] = set()
        try:
            for start in range(0, count, batch):
                opened = [
                    self._open(port, f"127.0.0.{2 + i % addresses}")
                    for i in range(start, min(start + batch, count))
                ]
                _wait_connected(opened, timeout)
                if settle is not None:
                    settle()
        except BaseException:
            self.close()
            raise

    def _open(self, port: int, source: str) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sockets.append(sock)
        sock.setblocking(False)
        sock.bind((source, 0))
        code = sock.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, f"connecting from {source}: {errno.errorcode[code]}")
        return sock

    def wait_ended(self, at_least: int, timeout: float) -> int:
        """Read what the host sends until at least *at_least* sockets were closed by it.

        Returns:
            How many the host has closed so far (it may be more than *at_least*).

        Raises:
            TimeoutError: Fewer were closed within *timeout* seconds.
        """
        deadline = time.monotonic() + timeout
        # A selector, not select(): descriptors past 1023 are out of select()'s range.
        with selectors.DefaultSelector() as selector:
            for sock in self.sockets:
                if sock not in self._ended:
                    selector.register(sock, selectors.EVENT_READ, sock)
            while len(self._ended) < at_least:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the host closed {len(self._ended)} of {at_least} sockets")
                for key, _ in selector.select(left):
                    ready: socket.socket = key.data
                    if self._read(ready):
                        selector.unregister(ready)
        return len(self._ended)

    def _read(self, sock: socket.socket) -> bool:
        """Read what is there; True when the host has closed this one."""
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return False
        except OSError:  # reset, or refused while still connecting
            chunk = b""
        if chunk:
            self._received.setdefault(sock, bytearray()).extend(chunk)
            return False
        self._ended.add(sock)
        return True

    def told(self) -> list[list[dict[str, object]]]:
        """The frames each closed socket received before its end (net's own decoder)."""
        result = []
        for sock in self._ended:
            decoder = Decoder()
            frames: list[dict[str, object]] = []
            with contextlib.suppress(RemoteProtocolError):
                frames = decoder.feed(bytes(self._received.get(sock, b"")))
            result.append(frames)
        return result

    def told_bytes(self) -> list[bytes]:
        """The bytes each closed socket received before its end, as they came."""
        return [bytes(self._received.get(sock, b"")) for sock in self._ended]

    def close(self) -> None:
        """Close every socket (idempotent)."""
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def _wait_connected(sockets: list[socket.socket], timeout: float) -> None:
    """Wait until every socket's non-blocking connect has completed (bounded)."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_WRITE, sock)
        waiting = len(sockets)
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{waiting} of {len(sockets)} connections still connecting")
            for key, _ in selector.select(left):
                ready: socket.socket = key.data
                code = ready.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, f"a silent connection failed: {errno.errorcode[code]}")
                selector.unregister(ready)
                waiting -= 1


# --- bytes as they may arrive ---------------------------------------------------------------------

#: The opening of a TLS client: nothing in the first line, a TLS record is binary, its bytes are
#: what count.
CLIENT_HELLO = bytes.fromhex("160301020001000000fc0303") + bytes(range(32)) + b"\x20" + b"\xaa" * 32


def split_anywhere(data: bytes, cuts: list[int]) -> list[bytes]:
    """*data* cut at each of *cuts* (past its end: at its end), as a socket may hand it over."""
    points = sorted({min(c, len(data)) for c in cuts})
    parts, start = [], 0
    for point in points:
        parts.append(data[start:point])
        start = point
    parts.append(data[start:])
    return parts
