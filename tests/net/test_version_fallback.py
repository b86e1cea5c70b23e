"""A join of the newest version meets a host of an earlier one, over real sockets: refused with
code ``version``, ``connect`` says hello again one version lower each time (version 1 without
``seen``) until the host's own, and plays on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from net.codec import Decoder, encode
from net.connection import Refused, connect
from net.messages import PROTOCOL_VERSION, Hello, Refuse, Say, Show, Welcome
from tests.net.support import STEADY, WAIT, run


async def old_host(
    hellos: list[dict[str, Any]], *, speaks: int | None = 1
) -> tuple[asyncio.Server, int]:
    """A host that speaks only version *speaks* (None: none at all), as an older host did:
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
                        assert speaks is not None
                        welcome = Welcome(name="bob", host="ann", token="t", version=speaks)
                        writer.write(encode(welcome.to_dict()))
                    elif frame["type"] == "say":
                        writer.write(encode(Show(kind="chat", text=frame["text"]).to_dict()))
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


@pytest.mark.parametrize("speaks", [1, 2])
def test_a_join_steps_down_to_the_hosts_version_and_plays(speaks: int) -> None:
    hellos: list[dict[str, Any]] = []

    async def main() -> None:
        server, port = await old_host(hellos, speaks=speaks)
        hello = Hello(name="bob", token="t", seen=7)
        conn = await connect("127.0.0.1", port, hello, limits=STEADY)
        assert conn.version == speaks and conn.welcome is not None
        assert conn.welcome.version == speaks
        await conn.send(Say(seq=1, text="hi"))
        assert await asyncio.wait_for(conn.recv(), WAIT) == Show(kind="chat", text="hi")
        await conn.close()
        server.close()
        await server.wait_closed()

    run(main())
    assert [h["version"] for h in hellos] == list(range(PROTOCOL_VERSION, speaks - 1, -1))
    assert all(h["token"] == "t" and h["name"] == "bob" for h in hellos)
    # seen goes with every version that has it; version 1 has none.
    assert [h.get("seen") for h in hellos] == [7 if h["version"] >= 2 else None for h in hellos]


def test_the_fallback_stops_at_version_1() -> None:
    hellos: list[dict[str, Any]] = []

    async def main() -> None:
        server, port = await old_host(hellos, speaks=None)
        with pytest.raises(Refused) as info:
            await connect("127.0.0.1", port, Hello(name="bob"), limits=STEADY)
        assert info.value.code == "version"
        server.close()
        await server.wait_closed()

    run(main())
    assert [h["version"] for h in hellos] == [3, 2, 1]
