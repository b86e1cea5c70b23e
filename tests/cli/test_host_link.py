"""The join's HostLink across connections: lines the host had not applied are sent again after a
resume, in order, exactly those; a new seat starts clean; say.seq is never reused."""

from __future__ import annotations

import asyncio

import pytest

from cli.joining import MAX_WAITING, HostLink, NotSent
from net.connection import Connection, ConnectionClosed, PendingConnection
from net.messages import Say, Welcome
from net.serving import serve


class FakeHost:
    """A host that records every say and answers hellos with a scripted last_seq."""

    def __init__(self) -> None:
        self.says: list[tuple[int, str]] = []
        self.last_seq = 0
        self.resumed = False
        self.connections: list[Connection] = []
        self.got = asyncio.Condition()

    async def on_connect(self, pending: PendingConnection) -> None:
        welcome = Welcome(
            name="bob",
            host="alice",
            token=f"token-{len(self.connections)}",
            resumed=self.resumed,
            last_seq=self.last_seq,
        )
        connection = await pending.accept(welcome)
        self.connections.append(connection)
        while True:
            try:
                message = await connection.recv()
            except Exception:
                return
            assert isinstance(message, Say)
            async with self.got:
                self.says.append((message.seq, message.text))
                self.got.notify_all()

    async def wait_for(self, count: int) -> None:
        async with self.got:
            await asyncio.wait_for(self.got.wait_for(lambda: len(self.says) >= count), 5)


async def _scenario() -> None:
    fake = FakeHost()
    server = await serve(fake.on_connect, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        link = HostLink("127.0.0.1", port, "bob")
        await link.open()
        assert link.token == "token-0"
        for text in ("one", "two", "three"):
            assert await link.say(text)
        await fake.wait_for(3)

        # The connection is cut; the host had applied up to 2 ("three" was in flight).
        fake.connections[0]._link.abort("cut")
        with pytest.raises(ConnectionClosed):
            await link.receive()
        assert not link.connected
        assert not await link.say("typed while away")  # kept, numbered 4
        assert list(link.keeper.recent)[-2:] == [(3, "three"), (4, "typed while away")]

        fake.says.clear()
        fake.resumed, fake.last_seq = True, 2
        welcome = await link.open()
        assert welcome.resumed and link.token == "token-1"  # the rotated token is kept
        await fake.wait_for(2)
        assert fake.says == [(3, "three"), (4, "typed while away")]  # in order, only those
        assert await link.say("five")
        await fake.wait_for(3)
        assert fake.says[-1] == (5, "five")  # never reused

        # A new seat (the old one was gone): nothing of the old seat is sent to it.
        fake.connections[1]._link.abort("cut")
        with pytest.raises(ConnectionClosed):
            await link.receive()
        assert not await link.say("typed while away, again")
        fake.says.clear()
        fake.resumed, fake.last_seq = False, 0
        await link.open()
        assert link.unsent == 1  # counted for the person, not silently dropped
        assert await link.say("fresh")
        await fake.wait_for(1)
        # A new seat counts from 1: the host takes exactly the next seq.
        assert fake.says == [(1, "fresh")]
        await link.close()
    finally:
        server.close()
        await server.wait_closed()


def test_resend_after_resume() -> None:
    asyncio.run(_scenario())


def test_lines_waiting_for_the_connection_are_bounded() -> None:
    async def scenario() -> None:
        link = HostLink("127.0.0.1", 9, "bob")  # never opened: not connected
        for n in range(MAX_WAITING):
            assert not await link.say(f"line {n}")
        with pytest.raises(NotSent):
            await link.say("one too many")
        assert link.seq == MAX_WAITING  # the refused line used no seq

    asyncio.run(scenario())


def test_a_resumed_new_process_counts_on_from_the_hosts_last_seq() -> None:
    async def scenario() -> None:
        fake = FakeHost()
        fake.resumed, fake.last_seq = True, 41
        server = await serve(fake.on_connect, "127.0.0.1", 0)
        try:
            link = HostLink("127.0.0.1", server.sockets[0].getsockname()[1], "bob", token="t")
            await link.open()
            assert await link.say("hello")
            await fake.wait_for(1)
            assert fake.says == [(42, "hello")]
            await link.close()
        finally:
            server.close()
            await server.wait_closed()

    asyncio.run(scenario())
