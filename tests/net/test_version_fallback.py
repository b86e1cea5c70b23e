"""A join of version 2 meets a host of version 1 only, over real sockets: refused with code
``version``, ``connect`` says hello again once, in version 1 and without ``seen``, and plays on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from net.codec import Decoder, encode
from net.connection import Refused, connect
from net.messages import Hello, Refuse, Say, Show, Welcome
from tests.net.support import STEADY, WAIT, run


async def old_host(
    hellos: list[dict[str, Any]], *, speaks: int | None = 1
) -> tuple[asyncio.Server, int]:
    """A host that speaks only version *speaks* (None: none at all), as a version 1 host did:
    refuse any other version with code ``version``; welcome, then echo each say as a show."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        decoder = Decoder()
        try:
            while data := await reader.read(65536):
                for frame in decoder.feed(data):
                    if frame["type"] == "hello":
                        hellos.append(frame)
                        if frame["version"] != speaks:
                            reason = f"this host speaks tablechat protocol version {speaks}"
                            writer.write(encode(Refuse(reason=reason, code="version").to_dict()))
                            await writer.drain()
                            return
                        welcome = Welcome(name="bob", host="ann", token="t", version=1)
                        writer.write(encode(welcome.to_dict()))
                    elif frame["type"] == "say":
                        writer.write(encode(Show(kind="chat", text=frame["text"]).to_dict()))
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


def test_a_version_2_join_falls_back_once_to_version_1_and_plays() -> None:
    hellos: list[dict[str, Any]] = []

    async def main() -> None:
        server, port = await old_host(hellos)
        hello = Hello(name="bob", token="t", seen=7)
        conn = await connect("127.0.0.1", port, hello, limits=STEADY)
        assert conn.version == 1 and conn.welcome is not None and conn.welcome.version == 1
        await conn.send(Say(seq=1, text="hi"))
        assert await asyncio.wait_for(conn.recv(), WAIT) == Show(kind="chat", text="hi")
        await conn.close()
        server.close()
        await server.wait_closed()

    run(main())
    first, second = hellos
    assert (first["version"], first["seen"]) == (2, 7)
    assert second["version"] == 1 and "seen" not in second  # version 1 has no seen
    assert second["token"] == "t" and second["name"] == "bob"


def test_the_fallback_is_tried_once() -> None:
    hellos: list[dict[str, Any]] = []

    async def main() -> None:
        server, port = await old_host(hellos, speaks=None)
        with pytest.raises(Refused) as info:
            await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        assert info.value.code == "version"
        server.close()
        await server.wait_closed()

    run(main())
    assert [h["version"] for h in hellos] == [2, 1]
