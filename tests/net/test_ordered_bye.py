"""A bye is ordered with the frames before it (PROTOCOL.md §6, "Leaving").

The side that receives a bye still returns every frame that came before it and may still answer
them; its link ends only when they have been read. The side that said bye with
``end_sending`` keeps receiving those answers until the peer closes. Together: a join that
says bye after its last line sees the answer to every line — the script-mode barrier.
"""

from __future__ import annotations

import asyncio

import pytest

from net.connection import Connection, ConnectionClosed, PendingConnection, connect
from net.messages import Hello, Say, Show, Welcome
from net.serving import serve
from tests.net.support import STEADY, WAIT, run


async def _answering_host(
    answered: asyncio.Queue[ConnectionClosed], said_bye: asyncio.Event
) -> asyncio.Server:
    """A host that answers each say with one show, but reads nothing before the join has said
    bye — as a busy host would: the worst case, every say and the bye already sent."""

    async def on_connect(pending: PendingConnection) -> None:
        connection = await pending.accept(Welcome(name="bob", host="ann", token="tok"))
        await asyncio.wait_for(said_bye.wait(), WAIT)
        try:
            while True:
                message = await connection.recv()
                assert isinstance(message, Say)
                connection.send_nowait(Show(kind="notice", text=f"answer {message.seq}"))
        except ConnectionClosed as closed:
            answered.put_nowait(closed)

    return await serve(on_connect, "127.0.0.1", 0, limits=STEADY)


async def _read_to_the_end(join: Connection) -> tuple[list[str], ConnectionClosed]:
    texts: list[str] = []
    while True:
        try:
            message = await asyncio.wait_for(join.recv(), WAIT)
        except ConnectionClosed as closed:
            return texts, closed
        assert isinstance(message, Show)
        texts.append(message.text)


@pytest.mark.parametrize("lines", [1, 3, 60])
def test_every_line_before_the_bye_is_answered(lines: int) -> None:
    async def main() -> None:
        ended: asyncio.Queue[ConnectionClosed] = asyncio.Queue()
        said_bye = asyncio.Event()
        server = await _answering_host(ended, said_bye)
        port = server.sockets[0].getsockname()[1]
        join = await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        for seq in range(1, lines + 1):
            await join.send(Say(seq=seq, text=f"line {seq}"))
        join.end_sending("left")
        said_bye.set()
        texts, closed = await _read_to_the_end(join)
        assert texts == [f"answer {seq}" for seq in range(1, lines + 1)]
        assert closed.cause != "error"
        host_end = await asyncio.wait_for(ended.get(), WAIT)
        assert host_end.left and host_end.reason == "left"  # a leave, never "lost"
        await join.close()
        server.close()

    run(main())


def test_nothing_may_be_sent_after_the_bye() -> None:
    async def main() -> None:
        ended: asyncio.Queue[ConnectionClosed] = asyncio.Queue()
        said_bye = asyncio.Event()
        server = await _answering_host(ended, said_bye)
        port = server.sockets[0].getsockname()[1]
        join = await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        join.end_sending("left")
        said_bye.set()
        with pytest.raises(ConnectionClosed):
            await join.send(Say(seq=1, text="too late"))
        _, closed = await _read_to_the_end(join)
        assert closed.cause != "error"
        await join.close()
        server.close()

    run(main())
