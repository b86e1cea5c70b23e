"""Hostile peers against a listening host; after each, a well-behaved join still talks."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import random
import socket
from collections.abc import Iterator

import pytest

from net.codec import encode
from net.connection import Connection, ConnectionClosed, Limits
from net.messages import Show
from tests.net.support import (
    STEADY,
    WAIT,
    decode_frames,
    hello_frame,
    raw_exchange,
    run,
    start_echo_host,
    well_behaved,
)


def frame(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


def exact_limit_hello(limit: int) -> bytes:
    body = hello_frame()[4:]
    return frame(body + b" " * (limit - len(body)))  # whitespace after the value is legal


HELLO_HEAD = b'{"type":"hello","protocol":"tablechat","version":1,"name":"m"'
BIG = dataclasses.replace(STEADY, max_frame=1 << 18)
# A frame begun and left unfinished is cut after this; a stall only makes it later.
SLOWLORIS = dataclasses.replace(STEADY, frame_timeout=0.2)

# (id, payload, expected substring of the error frame's reason, limits)
ERROR_CASES = [
    ("header ff ff ff ff", b"\xff\xff\xff\xff", "4294967295 bytes, over the 65536", STEADY),
    ("length 0", b"\x00\x00\x00\x00", "empty body", STEADY),
    ("one over the limit", frame(b" " * 65537), "65537 bytes, over the 65536-byte limit", STEADY),
    ("half a header then silence", b"\x00\x00", "not finished within 0.2 s", SLOWLORIS),
    ("half a body then silence", b"\x00\x00\x00\x64" + b"{" * 50, "not finished", SLOWLORIS),
    ("invalid utf-8", frame(HELLO_HEAD[:-1] + b'\xff"}'), "not valid UTF-8", STEADY),
    ("brackets (size)", frame(b"[" * 100000 + b"]" * 100000), "200000 bytes, over", STEADY),
    ("brackets (depth)", frame(b"[" * 100000 + b"]" * 100000), "deeper than 32", BIG),
    (
        "5000-digit integer",
        frame(b'{"type":"hello","version":' + b"9" * 5000 + b"}"),
        "integer of 5000 digits",
        STEADY,
    ),
    ("duplicate type", frame(HELLO_HEAD + b',"type":"hello"}'), "duplicate key 'type'", STEADY),
    ("json array", frame(b'["hello"]'), "JSON array, not an object", STEADY),
    ("unknown type first", encode({"type": "gimme"}), "expected hello, received 'gimme'", STEADY),
    ("http request line", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "1195725856 bytes", STEADY),
    (
        "unknown type after hello",
        hello_frame() + encode({"type": "gimme", "x": 1}),
        "unknown message type 'gimme'",
        STEADY,
    ),
    (
        "say with bad seq",
        hello_frame() + encode({"type": "say", "seq": -1, "text": ""}),
        "say.seq",
        STEADY,
    ),
    (
        "show from the join",
        hello_frame() + encode({"type": "show", "kind": "chat", "text": "x"}),
        "expected say",
        STEADY,
    ),
    ("nan", frame(HELLO_HEAD + b',"code":NaN}'), "NaN is not allowed", STEADY),
]


@pytest.fixture
def no_errors_logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="net")
    yield caplog
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


@pytest.mark.usefixtures("no_errors_logged")
@pytest.mark.parametrize(
    ("payload", "reason", "limits"),
    [case[1:] for case in ERROR_CASES],
    ids=[case[0] for case in ERROR_CASES],
)
def test_bad_input_gets_an_error_frame_then_close(
    payload: bytes, reason: str, limits: Limits
) -> None:
    async def main() -> None:
        host = await start_echo_host(limits)
        frames, _ = await raw_exchange(host.port, payload)
        assert frames, "the host closed without an error frame"
        assert frames[-1]["type"] == "error"
        assert reason in frames[-1]["reason"]
        await well_behaved(host.port, limits)
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
def test_exactly_the_limit_is_accepted() -> None:
    async def main() -> None:
        host = await start_echo_host()
        reader, writer = await asyncio.open_connection("127.0.0.1", host.port)
        writer.write(exact_limit_hello(65536))
        header = await asyncio.wait_for(reader.readexactly(4), WAIT)
        body = await asyncio.wait_for(reader.readexactly(int.from_bytes(header, "big")), WAIT)
        assert json.loads(body)["type"] == "welcome"
        writer.close()
        await well_behaved(host.port)
        assert len(host.connects) == 2
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
@pytest.mark.parametrize(
    "payload",
    [b"\x00\x00\x00\x64" + b"{" * 50, b"\x00\x00", b"", hello_frame()[:20]],
    ids=["half a body", "half a header", "nothing", "half a hello"],
)
def test_partial_input_then_close(payload: bytes) -> None:
    async def main() -> None:
        host = await start_echo_host()
        await raw_exchange(host.port, payload, close_after=True)
        await well_behaved(host.port)
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # No hello, or half a header, then EOF: the peer went away before saying anything a
        # host could answer, so nothing is sent — the close is the whole answer.
        (b"", []),
        (b"\x00\x00\x00", []),
        # A hello then EOF: the host welcomes it (the hello was complete and valid), then sees
        # the connection lost. Pings may follow the welcome if the EOF is noticed late.
        (hello_frame(), ["welcome"]),
    ],
    ids=["nothing", "half a header", "a hello"],
)
def test_a_peer_that_half_closes(payload: bytes, expected: list[str]) -> None:
    async def main() -> None:
        host = await start_echo_host()
        frames, raw = await raw_exchange(host.port, payload, half_close=True)
        assert len(raw) == sum(len(encode(f)) for f in frames)  # whole frames, nothing else
        types = [f["type"] for f in frames]
        assert [t for t in types if t != "ping"] == expected
        if expected:
            assert types[0] == expected[0]
        await well_behaved(host.port)
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
def test_a_mebibyte_of_random_bytes() -> None:
    async def main() -> None:
        host = await start_echo_host()
        payload = random.Random(7).randbytes(1 << 20)
        frames, _ = await raw_exchange(host.port, payload)
        assert [f["type"] for f in frames] in ([], ["error"])  # the error may be cut by RST
        await well_behaved(host.port)
        assert host.connects == [] or len(host.connects) == 1
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
def test_silence_before_hello_is_cut_at_the_hello_deadline() -> None:
    # Short enough for a quick test, long enough that the well-behaved join afterwards (whose
    # hello leaves in the same loop step as its connect completes) is not cut by a stall.
    async def main() -> None:
        host = await start_echo_host(dataclasses.replace(STEADY, hello_timeout=0.5))
        frames, _ = await raw_exchange(host.port, b"")
        assert "no hello within 0.5 s" in frames[-1]["reason"]
        await well_behaved(host.port)
        await host.aclose()

    run(main())


async def _deaf_peer(port: int) -> socket.socket:
    """A peer that says hello, then never reads: a tiny receive buffer fills at once."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    sock.sendall(hello_frame())
    return sock


@pytest.mark.usefixtures("no_errors_logged")
def test_a_peer_that_never_reads_is_dropped() -> None:
    # The deaf peer never answers a ping either: dead_after is far beyond the test's bound, so
    # the keep-alive cannot get there first with another reason.
    limits = dataclasses.replace(STEADY, max_send_buffer=64 * 1024, dead_after=60.0)
    dropped: asyncio.Queue[ConnectionClosed] = asyncio.Queue()

    async def flood(conn: Connection) -> None:
        text = "x" * 30000
        try:
            while True:
                await conn.send(Show(kind="board", text=text))
        except ConnectionClosed as closed:
            dropped.put_nowait(closed)

    async def main() -> None:
        host = await start_echo_host(limits, on_accept=flood)
        sock = await _deaf_peer(host.port)
        try:
            closed = await asyncio.wait_for(dropped.get(), WAIT)
        finally:
            sock.close()
        assert not closed.left
        assert "not reading" in closed.reason
        await well_behaved(host.port, limits)
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
def test_send_nowait_drops_a_peer_that_never_reads_at_once() -> None:
    # dead_after is far beyond the test's bound: the drop must come from the send buffer limit
    # alone, the moment it is passed, not from the keep-alive giving up on the peer later.
    limits = dataclasses.replace(STEADY, max_send_buffer=64 * 1024, dead_after=60.0)
    dropped: asyncio.Queue[tuple[int, ConnectionClosed]] = asyncio.Queue()

    async def flood(conn: Connection) -> None:
        text = "x" * 30000
        for sent in range(100_000):  # far more than the kernel's buffers plus ours can take
            try:
                conn.send_nowait(Show(kind="board", text=text))
            except ConnectionClosed as closed:
                dropped.put_nowait((sent, closed))
                return

    async def main() -> None:
        host = await start_echo_host(limits, on_accept=flood)
        sock = await _deaf_peer(host.port)
        try:
            sent, closed = await asyncio.wait_for(dropped.get(), WAIT)
        finally:
            sock.close()
        assert sent < 100_000
        assert not closed.left
        assert "not reading" in closed.reason
        await well_behaved(host.port, limits)
        await host.aclose()

    run(main())


@pytest.mark.usefixtures("no_errors_logged")
def test_a_ping_flood_from_a_peer_that_never_reads_is_no_internal_error() -> None:
    # Answering each ping fills the send buffer of a peer that never reads: the pong's write
    # drops it, and that must end the link quietly, not as an "internal error".
    limits = dataclasses.replace(STEADY, max_send_buffer=4096, dead_after=5.0, ping_interval=1.0)
    ended: asyncio.Queue[ConnectionClosed] = asyncio.Queue()

    async def wait_for_end(conn: Connection) -> None:
        try:
            await conn.recv()
        except ConnectionClosed as closed:
            ended.put_nowait(closed)

    async def main() -> None:
        host = await start_echo_host(limits, on_accept=wait_for_end)
        port = host.port
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await loop.sock_connect(sock, ("127.0.0.1", port))
        pings = encode({"type": "ping", "id": 1}) * 2000
        try:
            await loop.sock_sendall(sock, hello_frame())
            for _ in range(200):
                await loop.sock_sendall(sock, pings)
        except OSError:
            pass  # the host dropped us: expected
        closed = await asyncio.wait_for(ended.get(), WAIT)
        sock.close()
        assert closed.cause == "lost"
        assert "not reading" in closed.reason
        await well_behaved(port, limits)
        await host.aclose()

    run(main())


def test_decode_frames_helper_tolerates_garbage() -> None:
    assert decode_frames(encode({"type": "x"}) + b"\x00\x00\x00\x00") == [{"type": "x"}]
