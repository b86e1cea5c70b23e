"""Round trip of a chat line between two processes: our Connection beside a bare echo.

Run from the repository root, nothing installed: ``python tests/bench/bench_roundtrip.py``.

The parent spawns child processes (``sys.executable`` running this file): one hosting our
:func:`net.serving.serve` echo (say in, show out), one a bare asyncio length-prefixed echo
(bytes in, the same bytes out, one write per frame), and the calibration echo below. The
parent measures each round trip with ``perf_counter`` and prints p50 and p99 for each, in
short rounds of one block through each echo, so that drift of the machine hits all alike.
Targets: ours p50 <= 1.5x bare, and any p50 over 10 ms is a bug (Nagle, polling).

Beside the latency it prints the CPU time a round trip costs the parent (the client) and the
echo's process (the server): ``time.process_time`` around each block in the parent, and in
the echo, which the parent asks for on a pipe before and after each block. A round trip on
loopback is mostly two processes waiting for each other, so its wall time is decided by how
soon a sleeping process runs again — that moves with the load of other programs on the
machine — while the CPU time counts only what the two processes did: our code, its system
calls, and what the kernel spends waking them. The CPU ratio (ours over bare, the median of
the rounds' ratios) is the figure to compare changes of the code with.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.connection import ConnectionClosed, PendingConnection, connect  # noqa: E402 - after the sys.path line, so no install is needed
from net.messages import Hello, Say, Show, Welcome, encode_message  # noqa: E402
from net.serving import serve  # noqa: E402

TEXT = "hello there, your move: b2 — nice one!"
#: Many short rounds (a block through each echo, back to back), so that the machine changes
#: little within a round: a CPU ratio is taken within each round, and the median of the rounds
#: is the one printed.
ROUNDS, PER_BLOCK, WARMUP = 100, 100, 300
#: CPU the calibration echo spins before each reply. Its row calibrates the CPU columns: its
#: server CPU should read about this much more than the bare echo's (the last line prints the
#: difference), and how far it misses is how finely the CPU columns tell two pieces of code
#: apart on this machine at this load. Its latency calibrates nothing: 10 µs more work moves
#: the reply against the moment the waiting process falls asleep, which can make a round trip
#: slower or faster by more than 10 µs (on a virtual machine it often comes out faster than the
#: bare echo's) — the wake-ups the wall times measure, which is why the CPU columns exist.
BUSY = 10e-6


# --- children --------------------------------------------------------------------------------


def answer_cpu_queries(served: Callable[[], int]) -> None:
    """Answer each line on stdin with this process's CPU seconds and the round trips served.

    The parent asks between its blocks of round trips, so each block's CPU is the difference
    of two answers; the echo is idle meanwhile, and one answer costs a few microseconds.
    """
    loop = asyncio.get_running_loop()
    fd = sys.stdin.fileno()

    def on_query() -> None:
        if not os.read(fd, 4096):
            loop.remove_reader(fd)
            return
        print(f"{time.process_time()} {served()}", flush=True)

    loop.add_reader(fd, on_query)


async def child_ours() -> None:
    """Serve our protocol: answer each say with a show of the same text."""
    served = 0

    async def on_connect(pending: PendingConnection) -> None:
        nonlocal served
        conn = await pending.accept(Welcome(name=pending.hello.name, host="bench", token="t"))
        try:
            while True:
                say = await conn.recv()
                served += 1  # before the answer leaves: the parent may ask at once
                await conn.send(Show(kind="chat", text=say.text, sender=pending.hello.name))
        except ConnectionClosed:
            stop.set()

    stop = asyncio.Event()
    server = await serve(on_connect, "127.0.0.1", 0)
    answer_cpu_queries(lambda: served)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()


async def child_bare(busy: float = 0.0) -> None:
    """Serve a bare length-prefixed echo: read a frame, write it back in one write.

    With *busy* seconds, spin that long before each reply (the calibration row).
    """
    served = 0

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal served
        try:
            while True:
                header = await reader.readexactly(4)
                body = await reader.readexactly(int.from_bytes(header, "big"))
                if busy:
                    until = time.perf_counter() + busy
                    while time.perf_counter() < until:
                        pass
                served += 1  # before the answer leaves: the parent may ask at once
                writer.write(header + body)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            stop.set()
        finally:
            writer.close()

    stop = asyncio.Event()
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    answer_cpu_queries(lambda: served)
    print(server.sockets[0].getsockname()[1], flush=True)
    await stop.wait()


# --- parent ----------------------------------------------------------------------------------


@dataclass
class Block:
    """One block of round trips through one echo: their count and the CPU seconds they cost."""

    trips: int
    client_cpu: float  # the parent's
    server_cpu: float  # the echo process's

    @property
    def per_trip(self) -> float:
        """CPU seconds of both processes per round trip."""
        return (self.client_cpu + self.server_cpu) / self.trips


@dataclass
class Echo:
    """One echo child and what the parent measured through it."""

    label: str
    child: subprocess.Popen[str]
    port: int
    seconds: list[float] = field(default_factory=list)  # each measured round trip, wall time
    blocks: list[Block] = field(default_factory=list)  # the measured blocks, in order

    def cpu(self) -> tuple[float, int]:
        """Ask the child for its CPU seconds so far and the round trips it has served."""
        assert self.child.stdin is not None and self.child.stdout is not None
        self.child.stdin.write("cpu\n")
        self.child.stdin.flush()
        answer = self.child.stdout.readline()
        if not answer:
            raise SystemExit(f"the {self.label} child stopped answering")
        cpu, served = answer.split()
        return float(cpu), int(served)

    def cpu_per_trip(self) -> tuple[float, float, float]:
        """CPU seconds per round trip, medians of the blocks: the parent's, the child's, both."""
        return (
            statistics.median(block.client_cpu / block.trips for block in self.blocks),
            statistics.median(block.server_cpu / block.trips for block in self.blocks),
            statistics.median(block.per_trip for block in self.blocks),
        )


def spawn(label: str, mode: str) -> Echo:
    """Start a child in *mode* and read the port it listens on."""
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        child.kill()
        raise SystemExit(f"the {mode} child did not start")
    return Echo(label, child, int(line))


async def measure(ours: Echo, bare: Echo, busy: Echo) -> None:
    """Run rounds of blocks of round trips through the echoes, filling in what each measured."""
    conn = await connect("127.0.0.1", ours.port, Hello(name="bench"))
    reader, writer = await asyncio.open_connection("127.0.0.1", bare.port)
    busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", busy.port)
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

    async def block(
        once: Callable[[], Awaitable[None]], echo: Echo, n: int, *, keep: bool = True
    ) -> None:
        clock = time.perf_counter
        server_start, served_before = echo.cpu()
        client_start = time.process_time()
        for _ in range(n):
            start = clock()
            await once()
            if keep:
                echo.seconds.append(clock() - start)
        client = time.process_time() - client_start
        server_end, served_after = echo.cpu()
        # Each answer was counted by the echo, so its CPU is that of exactly these round trips.
        assert served_after - served_before == n, (echo.label, served_after - served_before, n)
        if keep:
            echo.blocks.append(Block(n, client, server_end - server_start))

    await block(ours_once, ours, WARMUP, keep=False)
    await block(bare_once, bare, WARMUP, keep=False)
    await block(busy_once, busy, WARMUP, keep=False)
    rounds = [(bare_once, bare), (ours_once, ours), (busy_once, busy)]
    for number in range(ROUNDS):
        # Every other round the other way round: whatever the first block of a round pays
        # (the caches of the echo that ran before it) falls on each echo alike.
        for once, echo in rounds if number % 2 == 0 else rounds[::-1]:
            await block(once, echo, PER_BLOCK)
    await conn.close()
    writer.close()
    busy_writer.close()


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100) of *values*."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def quartiles(values: list[float]) -> list[float]:
    """The first quartile, the median and the third quartile of *values*."""
    return statistics.quantiles(values, n=4, method="inclusive")


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

    echoes: list[Echo] = []
    try:
        bare = spawn("bare echo", "bare")
        echoes.append(bare)
        ours = spawn("tablechat", "ours")
        echoes.append(ours)
        busy = spawn(f"bare echo + {BUSY * 1e6:.0f} µs CPU (calibration)", "busy")
        echoes.append(busy)
        asyncio.run(measure(ours, bare, busy))
    finally:
        for echo in echoes:
            echo.child.kill()
            echo.child.communicate()
    print(
        f"{len(ours.seconds)} round trips each (after {WARMUP} to warm up), two processes, "
        "127.0.0.1, chat-sized say/show"
    )
    print(f"{'':<41} {'wall µs':>17}   {'CPU µs per round trip':>23}")
    print(f"{'':<41} {'p50':>8} {'p99':>8}   {'client':>7} {'server':>7} {'both':>7}")
    for echo in echoes:
        p50, p99 = statistics.median(echo.seconds), percentile(echo.seconds, 99)
        client, server, both = echo.cpu_per_trip()
        print(
            f"{echo.label:<41} {p50 * 1e6:8.1f} {p99 * 1e6:8.1f}   "
            f"{client * 1e6:7.1f} {server * 1e6:7.1f} {both * 1e6:7.1f}"
        )
    ratio = statistics.median(ours.seconds) / statistics.median(bare.seconds)
    p99_ratio = percentile(ours.seconds, 99) / percentile(bare.seconds, 99)
    # Within each round: the same moment of the machine for both echoes.
    cpu_ratios = quartiles(
        [o.per_trip / b.per_trip for o, b in zip(ours.blocks, bare.blocks, strict=True)]
    )
    print(
        f"tablechat / bare: wall p50 {ratio:.2f} (target <= 1.5), p99 {p99_ratio:.2f}; "
        f"CPU of both processes {cpu_ratios[1]:.2f} "
        f"(the median of {ROUNDS} rounds; half of them {cpu_ratios[0]:.2f}–{cpu_ratios[2]:.2f})"
    )
    spun = statistics.median(
        (s.server_cpu - b.server_cpu) / s.trips
        for s, b in zip(busy.blocks, bare.blocks, strict=True)
    )
    print(
        f"calibration: the spinning echo's CPU reads {spun * 1e6:+.1f} µs per round trip "
        f"for {BUSY * 1e6:.0f} µs spun"
    )
    slow = statistics.median(ours.seconds) > 0.010
    if slow:
        print("p50 over 10 ms: that is a bug (Nagle? polling?)")
    return 1 if ratio > 1.5 or slow else 0


if __name__ == "__main__":
    sys.exit(main())
