"""Round trip of a chat line between two processes: our Connection beside a bare echo.

Run from the repository root, nothing installed: ``python tests/bench/bench_roundtrip.py``.

The parent spawns two child processes (``sys.executable`` running this file): one hosting our
:func:`net.connection.serve` echo (say in, show out), one a bare asyncio length-prefixed echo
(bytes in, the same bytes out, one write per frame). The parent measures each round trip with
``perf_counter`` and prints p50 and p99 for both, in alternating blocks so that drift of the
machine hits both alike. Targets (issue 3): ours p50 <= 1.5x bare, and any p50 over 10 ms is
a bug (Nagle, polling).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.connection import (  # noqa: E402 - after the sys.path line, so no install is needed
    ConnectionClosed,
    PendingConnection,
    connect,
    serve,
)
from net.messages import Hello, Say, Show, Welcome, encode_message  # noqa: E402

TEXT = "hello there, your move: b2 — nice one!"
BLOCKS, PER_BLOCK, WARMUP = 10, 500, 300
#: CPU the calibration echo burns per reply: about what our framing, validation and JSON cost
#: on both ends together. On a VM whose idle vCPUs halt, that much extra work can decide
#: whether a reply lands while the peer is still polling or after it slept (tens of µs more).
BUSY = 10e-6


# --- children --------------------------------------------------------------------------------


async def child_ours() -> None:
    """Serve our protocol: answer each say with a show of the same text."""

    async def on_connect(pending: PendingConnection) -> None:
        conn = await pending.accept(Welcome(name=pending.hello.name, host="bench", token="t"))
        try:
            while True:
                say = await conn.recv()
                await conn.send(Show(kind="chat", text=say.text, sender=pending.hello.name))
        except ConnectionClosed:
            stop.set()

    stop = asyncio.Event()
    server = await serve(on_connect, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()


async def child_bare(busy: float = 0.0) -> None:
    """Serve a bare length-prefixed echo: read a frame, write it back in one write.

    With *busy* seconds, spin that long before each reply: a calibration row showing how much
    a few microseconds of work cost in wall time on this machine (see the printout).
    """

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                header = await reader.readexactly(4)
                body = await reader.readexactly(int.from_bytes(header, "big"))
                if busy:
                    until = time.perf_counter() + busy
                    while time.perf_counter() < until:
                        pass
                writer.write(header + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            stop.set()
        finally:
            writer.close()

    stop = asyncio.Event()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()


# --- parent ----------------------------------------------------------------------------------


def spawn(mode: str) -> tuple[subprocess.Popen[str], int]:
    """Start a child in *mode* and read the port it listens on."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", mode], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        child.kill()
        raise SystemExit(f"the {mode} child did not start")
    return child, int(line)


async def measure(
    ours_port: int, bare_port: int, busy_port: int
) -> tuple[list[float], list[float], list[float]]:
    """Alternate blocks of round trips through the echoes; return the lists of seconds."""
    conn = await connect("127.0.0.1", ours_port, Hello(name="bench"))
    reader, writer = await asyncio.open_connection("127.0.0.1", bare_port)
    busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", busy_port)
    # The same bytes our say frame carries, echoed as they are.
    bare_frame = encode_message(Say(seq=1, text=TEXT))
    seq = 0

    async def ours_once() -> None:
        nonlocal seq
        seq += 1
        await conn.send(Say(seq=seq, text=TEXT))
        await conn.recv()

    async def bare_once() -> None:
        writer.write(bare_frame)
        await writer.drain()
        header = await reader.readexactly(4)
        await reader.readexactly(int.from_bytes(header, "big"))

    async def busy_once() -> None:
        busy_writer.write(bare_frame)
        await busy_writer.drain()
        header = await busy_reader.readexactly(4)
        await busy_reader.readexactly(int.from_bytes(header, "big"))

    async def block(once: Callable[[], Awaitable[None]], n: int, out: list[float]) -> None:
        clock = time.perf_counter
        for _ in range(n):
            start = clock()
            await once()
            out.append(clock() - start)

    ours: list[float] = []
    bare: list[float] = []
    busy: list[float] = []
    await block(ours_once, WARMUP, [])
    await block(bare_once, WARMUP, [])
    await block(busy_once, WARMUP, [])
    for _ in range(BLOCKS):
        await block(bare_once, PER_BLOCK, bare)
        await block(ours_once, PER_BLOCK, ours)
        await block(busy_once, PER_BLOCK // 5, busy)
    await conn.close()
    writer.close()
    busy_writer.close()
    return ours, bare, busy


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of *values*."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    """Run the benchmark; return 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=["ours", "bare", "busy"])
    args = parser.parse_args()
    if args.child == "ours":
        asyncio.run(child_ours())
        return 0
    if args.child == "bare":
        asyncio.run(child_bare())
        return 0
    if args.child == "busy":
        asyncio.run(child_bare(BUSY))
        return 0

    children = []
    try:
        ours_child, ours_port = spawn("ours")
        children.append(ours_child)
        bare_child, bare_port = spawn("bare")
        children.append(bare_child)
        busy_child, busy_port = spawn("busy")
        children.append(busy_child)
        ours, bare, busy = asyncio.run(measure(ours_port, bare_port, busy_port))
    finally:
        for child in children:
            child.kill()
            child.wait()
    rows = [
        ("bare echo", bare),
        ("tablechat", ours),
        (f"bare echo + {BUSY * 1e6:.0f} µs CPU (calibration)", busy),
    ]
    print(f"{len(ours)} round trips each, two processes, 127.0.0.1, chat-sized say/show")
    print(f"{'':<36} {'p50 µs':>8} {'p99 µs':>8}")
    for label, values in rows:
        p50, p99 = statistics.median(values), percentile(values, 99)
        print(f"{label:<36} {p50 * 1e6:8.1f} {p99 * 1e6:8.1f}")
    ratio = statistics.median(ours) / statistics.median(bare)
    p99_ratio = percentile(ours, 99) / percentile(bare, 99)
    print(f"ratio p50 {ratio:.2f} (target <= 1.5), p99 {p99_ratio:.2f}")
    slow = statistics.median(ours) > 0.010
    if slow:
        print("p50 over 10 ms: that is a bug (Nagle? polling?)")
    return 1 if ratio > 1.5 or slow else 0


if __name__ == "__main__":
    sys.exit(main())
