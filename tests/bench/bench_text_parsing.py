"""What hostile bytes from people's connections (nc, telnet) cost a host, beside plain data.

Run from the repository root, nothing installed (Linux: it reads /proc)::

    python tests/bench/bench_text_parsing.py [SECONDS]

Part 1, the parsers alone, in this process: nanoseconds per byte for one 64 KiB read fed to
:class:`net.text_protocol.TextProtocol` (telnet commands stripped, lines split) and every event
read as a seated person's connection reads them (blank lines skipped), for plain bytes — no
0xFF, no line end: what a person at the name prompt may send, read as one over-long line —
and, in the same run, for hostile shapes of the same size: a stream of 0xFF (telnet's doubled
IAC, a literal 0xFF each pair), Latin-1 0xFF from ``nc``, telnet NOPs, option requests, a
never-ending subnegotiation, and lines (short ones, empty ones, blank ones). Each figure is the
best of several rounds, with its ratio to plain data (target: at most 3 for the 0xFF stream).

Part 2, a real host: a child process runs :func:`net.serving.serve` with a text service;
another child holds 32 connections from 8 loopback addresses (127.0.0.2-9, so no address cap
is reached) that stream one shape as fast as the host reads it — at the name prompt, or seated
at the table — reconnecting whenever the host closes one. Meanwhile this process, a join,
sends a chat line every 20 ms and times the host's answer. Each row has a fresh host and lasts
SECONDS seconds (default 5): the join's round trip (median, p90), the host's CPU, the MB/s the
connections sent, the host's CPU per MB of it (approximate: bytes in flight in the kernel's
buffers are counted as read), and how often a connection was closed and opened again. The
first row is the host with nobody streaming. Target: a 0xFF stream at the name prompt leaves
the join a median round trip of at most 50 ms.

Exit status 0 always: a measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import functools
import inspect
import os
import selectors
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.connection import ConnectionClosed, connect  # noqa: E402 - after the sys.path line, so no install is needed
from net.messages import Hello, Say, Show, Welcome  # noqa: E402
from net.serving import TextService, serve  # noqa: E402
from net.text_protocol import TextProtocol  # noqa: E402

CHUNK = 64 * 1024
FLOODERS = 32
ADDRESSES = 8
PACE = 0.02  # seconds between two of the join's lines: a lively chat, not a load of its own
TIMEOUT = 30.0
NAME_PROMPT = "what is your name?"
IAC, NOP, DO, SB = 0xFF, 241, 253, 250
BOTH = selectors.EVENT_READ | selectors.EVENT_WRITE


def _repeat(unit: bytes, size: int = CHUNK) -> bytes:
    return (unit * (size // len(unit) + 1))[:size]


#: name, opens with IAC (a negotiating telnet), one read's bytes
SHAPES: list[tuple[str, bool, bytes]] = [
    ("plain bytes, no line end (baseline)", False, _repeat(b"a")),
    ("0xFF stream (telnet: IAC IAC)", True, _repeat(b"\xff")),
    ("Latin-1 0xFF from nc ('a', 0xFF)", False, _repeat(b"a\xff")),
    ("telnet NOPs (IAC NOP)", True, _repeat(bytes((IAC, NOP)))),
    ("option requests (IAC DO x)", True, _repeat(bytes((IAC, DO, 1)))),
    ("one endless subnegotiation", True, bytes((IAC, SB, 24)) + _repeat(b"x", CHUNK - 3)),
    ("typed lines (59 bytes + LF)", False, _repeat(b"x" * 59 + b"\n")),
    ("empty lines (LF)", False, _repeat(b"\n")),
    ("blank lines (space LF)", False, _repeat(b" \n")),
]


# --- part 1: the parsers alone -----------------------------------------------------------------


def _seated_reader(protocol: TextProtocol) -> Callable[[], object]:
    """How a seated person's connection reads events: blank lines skipped — by the protocol
    where it can (its ``skip_blank``), else one by one, as the reader above it did."""
    if "skip_blank" in inspect.signature(protocol.next_event).parameters:
        return functools.partial(protocol.next_event, skip_blank=True)
    return protocol.next_event


def parse_cost(telnet: bool, data: bytes, rounds: int) -> float:
    """Best nanoseconds per byte to feed *data* to a fresh TextProtocol and read every event
    as a seated person's connection does."""
    best = float("inf")
    for _ in range(rounds):
        protocol = TextProtocol(telnet=telnet)
        read = _seated_reader(protocol)
        start = time.perf_counter()
        protocol.receive_data(data, 0.0)
        while read() is not None:
            pass
        best = min(best, time.perf_counter() - start)
    return best * 1e9 / len(data)


def part_one(rounds: int) -> None:
    print(f"part 1: TextProtocol on one {CHUNK // 1024} KiB read, best of {rounds}")
    base = 0.0
    for name, telnet, data in SHAPES:
        cost = parse_cost(telnet, data, rounds)
        base = base or cost
        print(f"  {name:<40} {cost:9.2f} ns/B   x{cost / base:8.1f}")
    print("  target: the 0xFF stream at most x3")


# --- part 2: a real host ------------------------------------------------------------------------


async def child_host() -> None:
    """Serve joins and people; echo a join's lines back to it; read people's lines and drop them."""

    async def on_connect(pending: object) -> None:
        hello = pending.hello  # type: ignore[attr-defined]
        welcome = Welcome(name=hello.name, host="bench", token="t")
        connection = await pending.accept(welcome)  # type: ignore[attr-defined]
        try:
            while True:
                say = await connection.recv()
                if connection.kind == "framed":
                    await connection.send(Show(kind="chat", text=say.text, sender=hello.name))
        except ConnectionClosed:
            pass

    service = TextService(
        greeting=lambda: f"bench — {NAME_PROMPT}",
        needs_code=False,
        code_prompt="",
        render=lambda show: show.text,
    )
    server = await serve(on_connect, "127.0.0.1", 0, text=service)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until the parent ends


@dataclass
class _Flooder:
    sock: socket.socket
    streaming: bool  # at the name prompt from the start, or seated by now
    received: bytearray
    owed: bytes  # what it must send before streaming (telnet's opening, its name)


def child_flood(port: int, shape: int, seated: bool) -> None:
    """Stream one shape from FLOODERS connections until stdin closes.

    Each line read from stdin is answered with the bytes sent so far and the reconnects.
    """
    _, telnet, chunk = SHAPES[shape]
    opening = bytes((IAC, NOP)) if telnet else b""  # a negotiating telnet opens with IAC
    selector = selectors.DefaultSelector()
    sent = reconnects = number = 0

    def open_one(index: int) -> None:
        nonlocal number
        number += 1
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.bind((f"127.0.0.{2 + index % ADDRESSES}", 0))
        code = sock.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, errno.errorcode[code])
        owed = opening + (f"f{number}\r\n".encode() if seated else b"")
        flooder = _Flooder(sock, not seated, bytearray(), owed)
        selector.register(sock, BOTH, (index, flooder))

    for index in range(FLOODERS):
        open_one(index)
    selector.register(sys.stdin, selectors.EVENT_READ, None)
    while True:
        for key, events in selector.select():
            if key.data is None:
                if not sys.stdin.readline():
                    return
                print(sent, reconnects, flush=True)
                continue
            index, flooder = key.data
            sock = flooder.sock
            closed = False
            if events & selectors.EVENT_READ:
                try:
                    data = sock.recv(65536)
                    closed = not data
                except BlockingIOError:
                    data = b""
                except OSError:
                    data, closed = b"", True
                if not flooder.streaming:
                    flooder.received += data
                    if b"you joined" in flooder.received:
                        flooder.streaming = True
                        selector.modify(
                            sock, selectors.EVENT_READ | selectors.EVENT_WRITE, key.data
                        )
            if not closed and events & selectors.EVENT_WRITE:
                out = flooder.owed or chunk
                try:
                    count = sock.send(out)
                except BlockingIOError:
                    count = 0
                except OSError:
                    count, closed = 0, True
                if flooder.owed:
                    flooder.owed = flooder.owed[count:]
                    if not flooder.owed and not flooder.streaming:
                        selector.modify(sock, selectors.EVENT_READ, key.data)  # wait for the seat
                else:
                    sent += count
            if closed:
                selector.unregister(sock)
                sock.close()
                reconnects += 1
                open_one(index)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _round_trips(port: int, seconds: float) -> list[float]:
    conn = await connect("127.0.0.1", port, Hello(name="player"))
    trips: list[float] = []
    seq = 0
    try:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            seq += 1
            start = time.perf_counter()
            await conn.send(Say(seq=seq, text=f"line {seq}"))
            await asyncio.wait_for(conn.recv(), TIMEOUT)
            trips.append(time.perf_counter() - start)
            await asyncio.sleep(PACE)
    finally:
        await conn.close()
    return trips


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _mark(flood: subprocess.Popen[str] | None) -> tuple[int, int]:
    """The bytes *flood* has sent so far and its reconnections (0, 0 without one)."""
    if flood is None:
        return 0, 0
    assert flood.stdin is not None and flood.stdout is not None
    flood.stdin.write("mark\n")
    flood.stdin.flush()
    sent, reconnects = flood.stdout.readline().split()
    return int(sent), int(reconnects)


def _row(name: str, trips: list[float], *, cpu: float, wall: float, sent: int, again: int) -> None:
    ms = sorted(t * 1000 for t in trips)
    median = statistics.median(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    per_mb = f"{cpu / (sent / 1e6) * 1000:7.2f}" if sent else "      -"
    print(
        f"  {name:<40} {median:8.2f} {p90:8.2f} {100 * cpu / wall:5.0f}% "
        f"{sent / 1e6 / wall:7.1f} {per_mb} {again / wall:7.0f}"
    )


SCENARIOS: list[tuple[str, int | None, bool]] = [
    ("nobody streaming", None, False),
    ("plain bytes at the name prompt", 0, False),
    ("0xFF stream at the name prompt", 1, False),
    ("Latin-1 0xFF from nc at the name prompt", 2, False),
    ("telnet NOPs at the name prompt", 3, False),
    ("option requests at the name prompt", 4, False),
    ("plain bytes, seated", 0, True),
    ("empty lines, seated", 7, True),
    ("blank lines, seated", 8, True),
]


def scenario(name: str, shape: int | None, seated: bool, seconds: float) -> None:
    """One row: a fresh host (nothing left over from the last row), streamers, the join."""
    children = [_spawn("--child", "host")]
    try:
        stdout = children[0].stdout
        assert stdout is not None
        port = int(stdout.readline())
        flood = None
        if shape is not None:
            flood = _spawn("--child", "flood", str(port), str(shape), "1" if seated else "0")
            children.append(flood)
            time.sleep(1.0)  # connected, seated if they sit down, streaming
        cpu_before, wall_before = _cpu_seconds(children[0].pid), time.monotonic()
        sent_before, again_before = _mark(flood)
        trips = asyncio.run(_round_trips(port, seconds))
        sent, again = _mark(flood)
        wall = time.monotonic() - wall_before
        cpu = _cpu_seconds(children[0].pid) - cpu_before
        _row(name, trips, cpu=cpu, wall=wall, sent=sent - sent_before, again=again - again_before)
    finally:
        for child in children:
            child.kill()
            child.wait()


def part_two(seconds: float) -> None:
    print(f"part 2: a host, {FLOODERS} connections streaming; a join's round trips, {seconds:g} s")
    print(
        f"  {'round trip (ms), host CPU':<40} {'median':>8} {'p90':>8} {'CPU':>6} {'MB/s':>7} "
        f"{'ms/MB':>7} {'again/s':>7}"
    )
    for name, shape, seated in SCENARIOS:
        scenario(name, shape, seated, seconds)
    print("  target: a 0xFF stream at the name prompt, median <= 50 ms")


def main(argv: list[str]) -> int:
    """Measure and print; returns 0."""
    if argv[1:2] == ["--child"]:
        if argv[2] == "host":
            asyncio.run(child_host())
        else:
            port, shape, seated = argv[3:6]
            child_flood(int(port), int(shape), seated == "1")
        return 0
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("seconds", nargs="?", type=float, default=5.0)
    args = parser.parse_args(argv[1:])
    part_one(rounds=7)
    part_two(args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
