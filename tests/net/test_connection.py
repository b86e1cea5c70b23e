"""The connection: handshake, refusals, leave vs loss, keep-alive, close, cancel-safety."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import time
from typing import Any

import pytest

from net.codec import Decoder, encode
from net.connection import (
    Connection,
    ConnectionClosed,
    HandshakeError,
    Limits,
    PendingConnection,
    Refused,
    connect,
)
from net.errors import LocalProtocolError
from net.messages import Hello, Say, Show, Welcome
from net.protocol_state import State
from net.serving import _NoticeLimiter, serve
from tests.net.support import (
    LOAD_MARGIN,
    STEADY,
    WAIT,
    hello_frame,
    run,
    start_echo_host,
    well_behaved,
)


async def fake_host(answer: Callable_t) -> tuple[asyncio.Server, int]:
    """A raw host: reads the hello frame, then runs *answer(reader, writer, hello)*."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            header = await reader.readexactly(4)
            body = await reader.readexactly(int.from_bytes(header, "big"))
            (hello,) = Decoder().feed(header + body)
            await answer(reader, writer, hello)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


Callable_t = Any


async def pair(limits: Limits = STEADY) -> tuple[Connection, Connection, asyncio.Server]:
    """A host-side and a join-side Connection talking to each other."""
    accepted: asyncio.Queue[Connection] = asyncio.Queue()

    async def on_connect(pending: PendingConnection) -> None:
        accepted.put_nowait(
            await pending.accept(Welcome(name=pending.hello.name, host="ann", token="tok"))
        )

    server = await serve(on_connect, "127.0.0.1", 0, limits=limits)
    port = server.sockets[0].getsockname()[1]
    join = await connect("127.0.0.1", port, Hello(name="bob"), limits=limits)
    host = await asyncio.wait_for(accepted.get(), WAIT)
    return host, join, server


# --- handshake -----------------------------------------------------------------------------------


def test_handshake_exposes_hello_and_welcome() -> None:
    async def main() -> None:
        host, join, server = await pair()
        assert host.peer_hello == Hello(name="bob")
        assert join.welcome == Welcome(name="bob", host="ann", token="tok")
        assert host.welcome is None and join.peer_hello is None
        await join.send(Say(seq=1, text="hi"))
        assert await asyncio.wait_for(host.recv(), WAIT) == Say(seq=1, text="hi")
        await host.send(Show(kind="notice", text="bob sat down"))
        assert await asyncio.wait_for(join.recv(), WAIT) == Show("notice", "bob sat down")
        await join.close()
        server.close()

    run(main())


def test_version_mismatch_is_refused_with_both_versions_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="net")

    async def main() -> None:
        host = await start_echo_host()
        with pytest.raises(Refused) as info:
            await connect("127.0.0.1", host.port, Hello(name="bob", version=4), limits=STEADY)
        assert info.value.code == "version"
        assert "versions 1, 2 and 3" in info.value.reason and "version 4" in info.value.reason
        with pytest.raises(Refused, match="not 'chess'") as info:
            await connect("127.0.0.1", host.port, Hello(name="bob", protocol="chess"))
        assert host.connects == []  # refused by net before on_connect
        await well_behaved(host.port)
        await host.aclose()

    run(main())
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("versions 1, 2 and 3" in w and "version 4" in w for w in warnings)


def test_a_join_retrying_with_the_wrong_version_is_a_warning_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A WARNING is a notice on the host's screen: a join looping on version 2 must not flood it.
    caplog.set_level(logging.INFO, logger="net")

    async def main() -> None:
        host = await start_echo_host()
        for _ in range(5):
            with pytest.raises(Refused):
                await connect("127.0.0.1", host.port, Hello(name="bob", version=4), limits=STEADY)
        await host.aclose()

    run(main())
    refusals = [r for r in caplog.records if "refusing" in r.getMessage()]
    assert len(refusals) == 5
    assert [r.levelno for r in refusals] == [logging.WARNING] + [logging.INFO] * 4


def test_the_version_notice_limiter_is_per_address_per_window_and_bounded() -> None:
    notices = _NoticeLimiter(window=60.0, max_addresses=100)
    assert notices.warn("10.0.0.1", now=0.0)
    assert not notices.warn("10.0.0.1", now=59.0)
    assert notices.warn("10.0.0.2", now=59.0)  # another address is told at once
    assert notices.warn("10.0.0.1", now=60.0)  # a minute later, again
    for i in range(1000):
        notices.warn(f"10.1.{i // 256}.{i % 256}", now=61.0)
    assert len(notices) == 100


def test_join_refuses_a_host_of_another_version() -> None:
    async def answer(reader: Any, writer: asyncio.StreamWriter, hello: dict[str, Any]) -> None:
        welcome = Welcome(name="bob", host="ann", token="t", version=4).to_dict()
        writer.write(encode(welcome))
        # The join must answer with an error frame naming the mismatch, then close.
        data = await asyncio.wait_for(reader.read(), WAIT)
        got.extend(Decoder().feed(data))

    got: list[dict[str, Any]] = []

    async def main() -> None:
        server, port = await fake_host(answer)
        with pytest.raises(HandshakeError) as info:
            await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        reason = info.value.reason
        assert "version 4" in reason and "versions 1, 2 and 3" in reason
        server.close()
        await server.wait_closed()
        assert got and got[0]["type"] == "error" and "version 4" in got[0]["reason"]

    run(main())


def test_a_refusal_from_on_connect_reaches_the_join() -> None:
    async def on_connect(pending: PendingConnection) -> None:
        await pending.refuse("this table is full", "full")
        with pytest.raises(RuntimeError):
            await pending.refuse("again", "full")

    async def main() -> None:
        server = await serve(on_connect, "127.0.0.1", 0, limits=STEADY)
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(Refused) as info:
            await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        assert (info.value.code, info.value.reason) == ("full", "this table is full")
        server.close()

    run(main())


def test_a_malformed_hello_is_refused_as_bad_hello() -> None:
    async def main() -> None:
        host = await start_echo_host()
        reader, writer = await asyncio.open_connection("127.0.0.1", host.port)
        writer.write(hello_frame(name="x" * 40))
        data = await asyncio.wait_for(reader.read(), WAIT)
        (refuse,) = Decoder().feed(data)
        assert refuse["type"] == "refuse" and refuse["code"] == "bad-hello"
        assert "hello.name must be at most 32 characters" in refuse["reason"]
        writer.close()
        await host.aclose()

    run(main())


def test_connect_to_nothing_is_an_os_error() -> None:
    async def main() -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        with pytest.raises(ConnectionRefusedError):
            await connect("127.0.0.1", port, Hello(name="bob"))

    run(main())


@pytest.mark.parametrize(
    "reply",
    [
        b"",
        b"HTTP/1.1 400 Bad Request\r\n\r\n",
        encode({"type": "show", "kind": "chat", "text": "x"}),
    ],
    ids=["silence", "http", "show before welcome"],
)
def test_connect_to_something_else_is_a_handshake_error(reply: bytes) -> None:
    async def answer(reader: Any, writer: asyncio.StreamWriter, hello: dict[str, Any]) -> None:
        writer.write(reply)
        await reader.read()

    async def main() -> None:
        server, port = await fake_host(answer)
        limits = dataclasses.replace(STEADY, hello_timeout=0.3)
        with pytest.raises(HandshakeError):
            await connect("127.0.0.1", port, Hello(name="bob"), limits=limits)
        server.close()

    run(main())


def test_on_connect_failures_are_contained_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0

    async def on_connect(pending: PendingConnection) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("boom")
        if calls == 2:
            return  # neither accepts nor refuses
        conn = await pending.accept(Welcome(name="bob", host="ann", token="t"))
        with contextlib.suppress(ConnectionClosed):
            await conn.send(Show(kind="chat", text=(await conn.recv()).text))
            await conn.recv()

    async def main() -> None:
        server = await serve(on_connect, "127.0.0.1", 0, limits=STEADY)
        port = server.sockets[0].getsockname()[1]
        for _ in range(2):
            with pytest.raises(HandshakeError):
                await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        conn = await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        await conn.send(Say(seq=1, text="still here"))
        assert (await asyncio.wait_for(conn.recv(), WAIT)).text == "still here"
        await conn.close()
        server.close()

    run(main())
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None
    assert "boom" in str(errors[0].exc_info[1])


def test_server_socket_options() -> None:
    async def main() -> None:
        host, join, server = await pair()
        listening = server.sockets[0]
        assert listening.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
        for conn in (host, join):
            sock = conn._link.transport.get_extra_info("socket")  # type: ignore[union-attr]
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        await join.close()
        server.close()

    run(main())


# --- leaving, losing, keep-alive ------------------------------------------------------------------


def test_bye_is_left_and_everything_before_it_arrives() -> None:
    async def main() -> None:
        host, join, server = await pair()
        for seq in range(1, 4):
            await join.send(Say(seq=seq, text=f"line {seq}"))
        await join.close("left")
        got = [await asyncio.wait_for(host.recv(), WAIT) for _ in range(3)]
        assert [m.seq for m in got if isinstance(m, Say)] == [1, 2, 3]
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(host.recv(), WAIT)
        assert info.value.left and info.value.reason == "left"
        with pytest.raises(ConnectionClosed):
            await host.send(Show(kind="chat", text="too late"))
        server.close()

    run(main())


def test_frames_sent_without_waiting_arrive_before_the_bye() -> None:
    async def main() -> None:
        host, join, server = await pair()
        for n in range(3):
            host.send_nowait(Show(kind="notice", text=f"line {n}"))
        await host.close("left")
        got = [await asyncio.wait_for(join.recv(), WAIT) for _ in range(3)]
        assert [m.text for m in got if isinstance(m, Show)] == ["line 0", "line 1", "line 2"]
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(join.recv(), WAIT)
        assert info.value.left
        with pytest.raises(ConnectionClosed):
            host.send_nowait(Show(kind="notice", text="too late"))
        with pytest.raises(LocalProtocolError):
            join.send_nowait(Show(kind="notice", text="a join does not show"))
        server.close()

    run(main())


def test_an_abrupt_close_is_connection_lost() -> None:
    async def main() -> None:
        host, join, server = await pair()
        join._link.transport.abort()  # type: ignore[union-attr]
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(host.recv(), WAIT)
        assert not info.value.left and info.value.reason == "connection lost"
        server.close()

    run(main())


def test_keepalive_notices_a_silent_peer_on_both_sides() -> None:
    limits = dataclasses.replace(STEADY, dead_after=0.3)

    async def silent_host(reader: Any, writer: asyncio.StreamWriter, hello: Any) -> None:
        writer.write(encode(Welcome(name="bob", host="ann", token="t").to_dict()))
        await reader.read()  # read (and ignore pings) but never answer

    async def main() -> None:
        server, port = await fake_host(silent_host)
        join = await connect("127.0.0.1", port, Hello(name="bob"), limits=limits)
        start = time.monotonic()
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(join.recv(), WAIT)
        assert not info.value.left and info.value.reason.startswith("connection lost")
        # Not before dead_after (a stall only makes it later), and not much after.
        assert 0.25 < time.monotonic() - start < limits.dead_after + LOAD_MARGIN
        server.close()

        echo = await start_echo_host(limits)
        sock = socket.create_connection(("127.0.0.1", echo.port))
        sock.sendall(hello_frame())  # then silence, though the socket stays open
        closed = await asyncio.wait_for(echo.ended.get(), WAIT)
        assert not closed.left and "nothing heard for 0.3 s" in closed.reason
        sock.close()
        await echo.aclose()

    run(main())


def test_slowloris_after_the_handshake() -> None:
    async def main() -> None:
        echo = await start_echo_host(dataclasses.replace(STEADY, frame_timeout=0.2))
        _reader, writer = await asyncio.open_connection("127.0.0.1", echo.port)
        writer.write(hello_frame() + b"\x00\x00\x00\x10{")
        closed = await asyncio.wait_for(echo.ended.get(), WAIT)
        assert "not finished within 0.2 s" in closed.reason
        writer.close()
        await echo.aclose()

    run(main())


# --- close and cancel -----------------------------------------------------------------------------


def test_close_is_idempotent_and_bounded() -> None:
    # The bound is close_timeout plus the load margin, below dead_after: a close that waited
    # for the keep-alive to give up on the peer instead would still fail it.
    assert STEADY.close_timeout + LOAD_MARGIN < STEADY.dead_after

    async def main() -> None:
        host, join, server = await pair()
        start = time.monotonic()
        await asyncio.gather(join.close(), join.close())
        await join.close()
        await host.close()  # after the peer already left
        assert time.monotonic() - start < STEADY.close_timeout + LOAD_MARGIN
        assert join.closed is not None and host.closed is not None
        server.close()

    run(main())


def test_close_is_bounded_when_the_peer_never_closes() -> None:
    async def stubborn(reader: Any, writer: asyncio.StreamWriter, hello: Any) -> None:
        writer.write(encode(Welcome(name="bob", host="ann", token="t").to_dict()))
        await asyncio.Event().wait()  # neither reads nor closes (cancelled at the end)

    async def main() -> None:
        server, port = await fake_host(stubborn)
        join = await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        start = time.monotonic()
        await join.close()
        # The stubborn host does not answer pings either: below dead_after, only close_timeout
        # can have ended the wait.
        assert time.monotonic() - start < STEADY.close_timeout + LOAD_MARGIN < STEADY.dead_after
        server.close()

    run(main())


def test_recv_cancellation_loses_nothing() -> None:
    async def main() -> None:
        host, join, server = await pair()
        waiting = asyncio.create_task(join.recv())
        await asyncio.sleep(0)  # let it start waiting
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        count = 200
        for i in range(count):
            await host.send(Show(kind="chat", text=str(i)))
        got: list[str] = []
        while len(got) < count:
            # Time-outs (i.e. cancellations) at random points; nothing may be lost or reordered.
            with contextlib.suppress(TimeoutError):
                message = await asyncio.wait_for(join.recv(), 0.0001)
                assert isinstance(message, Show)
                got.append(message.text)
        assert got == [str(i) for i in range(count)]
        await join.close()
        server.close()

    run(main())


def test_each_side_sends_only_its_own_kind() -> None:
    async def main() -> None:
        host, join, server = await pair()
        with pytest.raises(LocalProtocolError):
            await host.send(Say(seq=1, text="x"))
        with pytest.raises(LocalProtocolError):
            await join.send(Show(kind="chat", text="x"))
        with pytest.raises(LocalProtocolError):
            await join.send(Say(seq=1, text="x" * 70000))
        assert join.closed is None
        await join.close()
        server.close()

    run(main())


def test_limits_are_validated() -> None:
    with pytest.raises(ValueError):
        Limits(dead_after=0)
    with pytest.raises(ValueError):
        Limits(max_frame=0)


def test_a_host_that_is_not_reading_stops_reading_the_socket() -> None:
    limits = dataclasses.replace(STEADY, dead_after=5.0, ping_interval=1.0)

    async def main() -> None:
        host, join, server = await pair(limits)
        count, text = 3000, "x" * 200

        async def flood() -> None:
            for seq in range(1, count + 1):
                await join.send(Say(seq=seq, text=text))

        sender = asyncio.create_task(flood())
        # The host reads nothing: once its inbox is full it must stop reading the socket (the
        # kernel and TCP hold the rest back), and its queue must stay small. Wait for that
        # event itself, polled with a bound, rather than for a fixed time.
        for _ in range(int(WAIT / 0.01)):
            if host._link.protocol.their_state is State.PAUSED:
                break
            await asyncio.sleep(0.01)
        assert host._link.protocol.their_state is State.PAUSED
        assert host._link.protocol.pending_events <= 64 + 65536 // len(text)
        got = [await asyncio.wait_for(host.recv(), WAIT) for _ in range(count)]
        await sender
        assert [m.seq for m in got if isinstance(m, Say)] == list(range(1, count + 1))
        await join.close()
        server.close()

    run(main())


def test_cancelling_connect_leaves_no_socket_behind() -> None:
    async def mute(reader: Any, writer: asyncio.StreamWriter, hello: Any) -> None:
        heard.set()
        await reader.read()  # never answers; returns when the join's socket goes away
        gone.set()

    heard, gone = asyncio.Event(), asyncio.Event()

    async def main() -> None:
        server, port = await fake_host(mute)
        attempt = asyncio.create_task(connect("127.0.0.1", port, Hello(name="bob")))
        await asyncio.wait_for(heard.wait(), WAIT)  # the hello has arrived; no answer will come
        attempt.cancel()
        with pytest.raises(asyncio.CancelledError):
            await attempt
        await asyncio.wait_for(gone.wait(), WAIT)
        server.close()

    run(main())


def test_a_hello_deadline_passing_while_connecting_is_a_handshake_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limits = dataclasses.replace(STEADY, hello_timeout=0.1)

    async def main() -> None:
        loop = asyncio.get_running_loop()

        async def slow_connect(*args: Any, **kwargs: Any) -> Any:
            await asyncio.sleep(WAIT)  # a SYN nobody answers (cut short by the deadline)

        monkeypatch.setattr(loop, "create_connection", slow_connect)
        with pytest.raises(HandshakeError, match=r"no answer from 127\.0\.0\.1:9 within 0\.1 s"):
            await connect("127.0.0.1", 9, Hello(name="bob"), limits=limits)

    run(main())


def test_a_hello_that_cannot_be_sent_opens_no_socket() -> None:
    # The hello is framed before connecting, so there is no socket to leave behind.
    limits = dataclasses.replace(STEADY, max_frame=20)  # no hello fits
    accepted: list[object] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        with pytest.raises(LocalProtocolError):
            await connect("127.0.0.1", port, Hello(name="bob"), limits=limits)
        # An accept would have run by now: connect() returned after at least one loop step
        # had it connected at all.
        await asyncio.sleep(0)
        assert accepted == []
        server.close()

    run(main())


def test_a_version_1_join_is_answered_in_version_1_without_version_2_fields() -> None:
    # Programs of both versions play together: the host answers in the join's version.
    async def main() -> None:
        host = await start_echo_host()
        old = await connect("127.0.0.1", host.port, Hello(name="bob", version=1), limits=STEADY)
        assert old.welcome is not None and old.welcome.version == 1
        served = await asyncio.wait_for(host.connections.get(), WAIT)
        served.send_nowait(Show(kind="notice", text="hi", seq=1))
        shown = await asyncio.wait_for(old.recv(), WAIT)
        assert shown == Show(kind="notice", text="hi")  # no seq for a version 1 join
        new = await connect("127.0.0.1", host.port, Hello(name="carol"), limits=STEADY)
        assert new.welcome is not None and new.welcome.version == 3
        await old.close()
        await new.close()
        await host.aclose()

    run(main())


@pytest.mark.parametrize("version", [1, 2])
def test_a_bye_code_reaches_either_version_as_a_code(version: int) -> None:
    # Version 2 sends the code beside a sentence; version 1 sends the code as the reason.
    async def main() -> None:
        host = await start_echo_host()
        join = await connect(
            "127.0.0.1", host.port, Hello(name="bob", version=version), limits=STEADY
        )
        served = await asyncio.wait_for(host.connections.get(), WAIT)
        await served.close("bob was put out for flooding", code="flooding")
        with pytest.raises(ConnectionClosed) as info:
            await asyncio.wait_for(join.recv(), WAIT)
        assert info.value.left and info.value.code == "flooding"
        expected = "bob was put out for flooding" if version == 2 else "flooding"
        assert info.value.reason == expected
        await join.close()
        await host.aclose()

    run(main())
