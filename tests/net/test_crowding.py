"""A host under a flood of connections that never say hello, in-process.

The waiting room caps them (in total and per address) by turning away, from the address with
the most waiting, the ones waiting longest, so a real join still gets in — and so does a person
on nc who takes seconds to type a name while a hundred connections a second reach the name
prompt beside them. Each one that waits costs a small receive buffer, not 64 KiB. The real
program out of file descriptors is in test_descriptors.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import tracemalloc

import pytest

from net.codec import encode
from net.connection import PendingConnection, connect
from net.host_protocol import HostProtocol
from net.link import FramedLink
from net.messages import Hello, Say, Welcome
from net.protocol_events import HelloReceived
from net.serving import CROWDED, serve
from tests.net.support import (
    GREETING,
    STEADY,
    WAIT,
    Person,
    close_quietly,
    decode_frames,
    hello_frame,
    run,
    start_echo_host,
    start_text_host,
    well_behaved,
)

# Silent connections must outlive the test's checks: only the caps may end them.
PATIENT = dataclasses.replace(STEADY, hello_timeout=60.0)

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def open_from(port: int, source: str) -> Stream:
    """A connection to the host from the loopback address *source* (all of 127/8 is local)."""
    return await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))


async def told_then_closed(stream: Stream) -> list[dict[str, object]]:
    """Everything the host sent on *stream* until it closed it (bounded)."""
    data = await asyncio.wait_for(stream[0].read(), WAIT)
    return decode_frames(data)


async def welcomed(stream: Stream, name: str) -> bool:
    """Say hello on *stream*; True if the host answers with a welcome."""
    stream[1].write(hello_frame(name))
    header = await asyncio.wait_for(stream[0].readexactly(4), WAIT)
    body = await asyncio.wait_for(stream[0].readexactly(int.from_bytes(header, "big")), WAIT)
    return bool(decode_frames(header + body)[0]["type"] == "welcome")


def close_all(streams: list[Stream]) -> None:
    for _, writer in streams:
        writer.close()


def test_past_the_caps_the_connections_waiting_longest_are_turned_away(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="net")
    limits = dataclasses.replace(PATIENT, max_pending=4, max_pending_per_address=2)

    async def main() -> None:
        host = await start_echo_host(limits)
        streams: dict[str, Stream] = {}
        try:
            # In order: the host sees them in this order (one kernel accept queue, FIFO).
            for name, source in [
                ("a1", "127.0.0.2"),
                ("a2", "127.0.0.2"),
                ("b1", "127.0.0.3"),
                ("b2", "127.0.0.3"),
                ("a3", "127.0.0.2"),  # a third from .2: a1 goes (two per address)
                ("c1", "127.0.0.4"),  # a fifth in all: a2 goes, the longest waiting overall
            ]:
                streams[name] = await open_from(host.port, source)
            for name in ("a1", "a2"):
                frames = await told_then_closed(streams[name])
                assert frames == [{"type": "error", "reason": CROWDED}], name
            for name in ("b1", "b2", "a3", "c1"):  # still waiting: they may still say hello
                assert await welcomed(streams[name], name), name
            assert sorted(p.hello.name for p in host.connects) == ["a3", "b1", "b2", "c1"]
        finally:
            close_all(list(streams.values()))
            await host.aclose()

    run(main())
    turned = [r for r in caplog.records if r.getMessage().startswith("turning away")]
    assert len(turned) == 2 and all(r.levelno == logging.INFO for r in turned)
    # The host person is told once (a WARNING is a notice on the host's screen), not per socket.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "have not said hello" in warnings[0]


def test_a_real_join_gets_in_during_a_flood_of_silent_connections() -> None:
    count, cap = 200, PATIENT.max_pending  # the default caps: 64, and 16 per address

    async def main() -> None:
        host = await start_echo_host(PATIENT)
        crowd: list[Stream] = []
        try:
            for i in range(count):  # eight addresses: the total cap, not the per-address one
                crowd.append(await open_from(host.port, f"127.0.0.{2 + i % 8}"))
            # The newest connection is never the one turned away: carol is in, and the one
            # waiting longest makes room for her.
            await well_behaved(host.port)
            turned_away = count - cap + 1
            for stream in crowd[:turned_away]:
                assert await told_then_closed(stream) == [{"type": "error", "reason": CROWDED}]
            for i, stream in enumerate(crowd[turned_away:]):  # the rest were still waiting
                assert await welcomed(stream, f"late{i}")
        finally:
            close_all(crowd)
            await host.aclose()

    run(main(), timeout=60.0)


#: Churn: a connection every this many seconds, each from one of 8 addresses, silent until
#: the host closes it — so it sits at the name prompt once half a second has passed.
CHURN_EVERY = 0.01
#: How long a person takes to type a name (on nc the line comes on Enter, at the end).
TYPING = 3.0


async def churn(port: int, opened: list[int], stop: asyncio.Event, most: int) -> None:
    """Open silent connections at CHURN_EVERY from 127.0.0.2-9 until *stop* (at most *most*);
    each one reads what it is sent and is closed when the host closes it."""
    readers: set[asyncio.Task[bytes]] = set()
    streams: list[Stream] = []
    try:
        while not stop.is_set() and opened[0] < most:
            stream = await open_from(port, f"127.0.0.{2 + opened[0] % 8}")
            streams.append(stream)
            opened[0] += 1
            reader = asyncio.ensure_future(stream[0].read())
            readers.add(reader)
            reader.add_done_callback(readers.discard)
            # Pacing the load, not waiting for anything: the next one comes this much later.
            await asyncio.sleep(CHURN_EVERY)
    finally:
        for task in readers:
            task.cancel()
        close_all(streams)


async def slow_person(port: int, name: str, letter_by_letter: bool) -> str:
    """A person who reads the banner and takes TYPING seconds over their name; returns the
    line the host answers with (where they sit, or why not)."""
    person = await Person.connect(port)
    try:
        assert await person.line() == GREETING
        if letter_by_letter:  # a client that sends as it is typed
            for letter in name:
                await asyncio.sleep(TYPING / len(name))  # a person's pace: the scenario's input
                person.type(letter.encode())
                await person.writer.drain()
        else:  # nc: nothing until Enter
            await asyncio.sleep(TYPING)
            person.type(name.encode())
        person.type(b"\r\n")
        return await person.line()
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        return f"{name} was cut off ({exc!r}) after {bytes(person.received)!r}"
    finally:
        close_quietly(person)


def test_people_slow_to_type_their_name_sit_down_while_connections_churn_at_the_prompt() -> None:
    async def main() -> None:
        host = await start_text_host()  # the default caps: 64 waiting, 16 per address
        stop = asyncio.Event()
        opened = [0]
        churning = asyncio.ensure_future(churn(host.port, opened, stop, most=1500))
        try:
            await asyncio.sleep(1.0)  # the room is full of churn before anyone comes
            assert opened[0] > 64
            before = opened[0]
            people = [
                asyncio.ensure_future(slow_person(host.port, f"person{i}", i % 2 == 0))
                for i in range(5)
            ]
            answers = await asyncio.wait_for(asyncio.gather(*people), TYPING + 2 * WAIT)
            # More came while they typed than the room holds: had the longest waiting been
            # the ones to go, every one of them would have been turned away.
            assert opened[0] - before > 64
            assert answers == [f"* you joined ann's table as person{i}" for i in range(5)]
            # A join gets in too, as ever.
            join = await connect("127.0.0.1", host.port, Hello(name="carol"), limits=STEADY)
            await join.close()
        finally:
            stop.set()
            await churning
            await host.aclose()

    run(main(), timeout=60.0)


def test_a_silent_connection_costs_the_host_a_few_kilobytes() -> None:
    # Not a 64 KiB receive buffer from the start: 5,383 of those would take a host from 27 MB
    # to 415 MB.
    count = 150
    limits = dataclasses.replace(PATIENT, max_pending=1000, max_pending_per_address=1000)
    last_hello: asyncio.Future[None]

    async def on_connect(pending: PendingConnection) -> None:
        last_hello.set_result(None)
        await pending.accept(Welcome(name="bob", host="ann", token="t"))

    async def main() -> None:
        nonlocal last_hello
        last_hello = asyncio.get_running_loop().create_future()
        server = await serve(on_connect, "127.0.0.1", 0, limits=limits)
        port = server.sockets[0].getsockname()[1]
        streams: list[Stream] = []
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(count):
                streams.append(await open_from(port, "127.0.0.2"))
            # One more says hello: the host reads it after it accepted every earlier one.
            streams.append(await open_from(port, "127.0.0.2"))
            streams[-1][1].write(hello_frame("bob"))
            await asyncio.wait_for(last_hello, WAIT)
            per_connection = (tracemalloc.get_traced_memory()[0] - before) / count
        finally:
            tracemalloc.stop()
            close_all(streams)
            server.close()
        # Both ends of each connection are in this process: the client's stream counts too.
        assert per_connection < 16 * 1024, f"{per_connection / 1024:.1f} KiB per connection"

    run(main(), timeout=60.0)


class _CountingLink(FramedLink):
    """A link that reports itself once connected, and counts the reads it took."""

    def __init__(self, made: asyncio.Future[_CountingLink]) -> None:
        super().__init__(HostProtocol(STEADY, asyncio.get_running_loop().time()))
        self.made = made
        self.reads = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.made.set_result(self)

    def buffer_updated(self, nbytes: int) -> None:
        self.reads += 1
        super().buffer_updated(nbytes)


def test_the_receive_buffer_stays_small_until_a_frame_needs_more() -> None:
    async def main() -> None:
        made: asyncio.Future[_CountingLink] = asyncio.get_running_loop().create_future()
        server = await asyncio.get_running_loop().create_server(
            lambda: _CountingLink(made), "127.0.0.1", 0
        )
        port = server.sockets[0].getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            link = await asyncio.wait_for(made, WAIT)
            assert link.receive_buffer_size <= 1024  # silent: small
            writer.write(hello_frame("bob"))
            assert isinstance(await asyncio.wait_for(link.next_event(), WAIT), HelloReceived)
            assert link.receive_buffer_size <= 1024  # a hello fits
            big = encode({"type": "say", "seq": 1, "text": "x" * 60_000})
            reads_before = link.reads
            writer.write(big)
            assert await asyncio.wait_for(link.next_event(), WAIT) == Say(1, "x" * 60_000)
            # The header declared 60 KB: the buffer grew to take it in a few reads, not 59.
            assert link.receive_buffer_size > 32 * 1024
            assert link.reads - reads_before <= 8
        finally:
            writer.close()
            server.close()

    run(main())
