"""Edges of the link: reading after an error, and why a connection ended
(``ConnectionClosed.cause``). The slowloris deadline while we are the ones not reading is in
test_protocol_deadlines.py (the rule) and test_link_adapter.py (the wiring)."""

from __future__ import annotations

import asyncio

import pytest

from net.codec import encode
from net.connection import ConnectionClosed, PendingConnection, connect
from net.messages import Hello, Show, Welcome, encode_message
from net.serving import serve
from tests.net.support import STEADY, WAIT, hello_frame, run, start_echo_host


def test_nothing_after_a_message_level_error_is_returned() -> None:
    # The show is wrong for a host to receive; the says behind it were queued with it and must
    # never be returned (PROTOCOL.md §6: nothing after the first error is read).
    outcomes: asyncio.Queue[object] = asyncio.Queue()

    async def on_connect(pending: PendingConnection) -> None:
        conn = await pending.accept(Welcome(name="bob", host="ann", token="t"))
        # Wait until everything has been received, so the later frames really were there.
        while conn._link.protocol.ended is None:
            await asyncio.sleep(0.01)
        for _ in range(3):
            try:
                outcomes.put_nowait(await conn.recv())
            except ConnectionClosed as closed:
                outcomes.put_nowait(closed)

    async def main() -> None:
        server = await serve(on_connect, "127.0.0.1", 0, limits=STEADY)
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(hello_frame("bob"))
        await asyncio.wait_for(reader.read(4), WAIT)  # the welcome is on its way: open
        writer.write(
            encode({"type": "show", "kind": "chat", "text": "x", "from": None})
            + encode({"type": "say", "seq": 1, "text": "after the error"})
            + encode({"type": "say", "seq": 2, "text": "and another"})
        )
        await writer.drain()
        got = [await asyncio.wait_for(outcomes.get(), WAIT) for _ in range(3)]
        writer.close()
        server.close()
        assert all(isinstance(o, ConnectionClosed) for o in got), got
        first = got[0]
        assert isinstance(first, ConnectionClosed)
        assert first.cause == "error"
        assert not first.left

    run(main())


def test_the_cause_of_an_end_is_readable_without_parsing_the_reason() -> None:
    async def main() -> None:
        host = await start_echo_host()
        join = await connect("127.0.0.1", host.port, Hello(name="bob"), limits=STEADY)
        await join.close()
        assert join.closed is not None and join.closed.cause == "closed"
        left = await asyncio.wait_for(host.ended.get(), WAIT)
        assert (left.cause, left.left) == ("left", True)
        # lost
        join = await connect("127.0.0.1", host.port, Hello(name="bob"), limits=STEADY)
        join._link.abort("test")
        lost = await asyncio.wait_for(host.ended.get(), WAIT)
        assert (lost.cause, lost.left) == ("lost", False)
        # error: the join sends a frame the host must not receive
        join = await connect("127.0.0.1", host.port, Hello(name="bob"), limits=STEADY)
        # Past the join's protocol object, which would not send it.
        join._link.transport.write(  # type: ignore[union-attr]
            encode_message(Show(kind="chat", text="a host never receives this"))
        )
        error = await asyncio.wait_for(host.ended.get(), WAIT)
        assert (error.cause, error.left) == ("error", False)
        with pytest.raises(ConnectionClosed) as reported:
            await asyncio.wait_for(join.recv(), WAIT)
        assert reported.value.cause == "error"
        await host.aclose()

    run(main())


def test_connection_closed_keeps_its_old_constructor() -> None:
    assert ConnectionClosed("bye", left=True).cause == "left"
    assert ConnectionClosed("connection lost").cause == "lost"
    closed = ConnectionClosed("x", cause="error")
    with pytest.raises(AttributeError):
        closed.cause = "left"  # type: ignore[misc]
