"""A host under a flood of connections that never say hello (issue 8 §4, §5), in-process.

The waiting room caps them (in total and per address) by turning away the ones waiting
longest, so a real join still gets in. The real program out of file descriptors is in
test_descriptors.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import pytest

from net.connection import CROWDED

from .harness import FAST, WAIT, decode_frames, hello_frame, run, start_echo_host, well_behaved

# Silent connections must outlive the test's checks: only the caps may end them.
PATIENT = dataclasses.replace(FAST, hello_timeout=60.0)

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
