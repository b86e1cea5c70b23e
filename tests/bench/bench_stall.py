"""bob's stall at a real host while one connection floods it, beside the same table idle.

Run from the repository root, nothing installed::

    python tests/bench/bench_stall.py [SECONDS]

Each row starts a real host (``python -m cli.host PORT --fresh``, its own state directory, so
its journal is written and fsync'd as a person's is) and seats bob, a framed join in this
process. bob asks ``/who`` every 20 ms (answered to him alone, after the line is journaled and
applied: the whole path a chat line or a move takes) and times each answer, for SECONDS seconds
(default 3). A third of a second in, one connection floods the table:

* idle — nobody does (the baseline, in the same run);
* nc — a person on nc, watching, writes 60 KB of one-character lines in one write (30,000
  lines: ten are said, the rest are over the flood budget and refused before any work);
* framed — a join, watching, writes 5,000 ``say`` frames in one write.

Each row prints bob's round trips: how many, the median, the p99 and the worst, and the
worst beside the idle row's. Target: a worst stall of at most 50 ms while either floods. The
host's terminal (a pseudo-terminal read by this process) is checked for tracebacks and counted
for notices. Exit status 0 always: a measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.connection import Connection, connect  # noqa: E402 - after the sys.path line, so no install is needed
from net.messages import Hello, Say, Show, encode_message  # noqa: E402
from net.text_connection import NAME_PROMPT  # noqa: E402

PACE = 0.02  # seconds between two of bob's questions: a lively table, not a load of its own
FLOOD_AT = 0.3  # seconds into a row when the flood is written
TARGET = 0.050
TIMEOUT = 10.0
NC_LINES = 30_000  # 60 KB of "x\n"
SAYS = 5_000


class Host:
    """``python -m cli.host`` in a pseudo-terminal whose output a thread reads (a host whose
    terminal nobody reads would stop at its next notice)."""

    def __init__(self, home: str) -> None:
        with socket.socket() as probe:  # a free port: a host on port 0 keeps no journal
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        env = dict(os.environ, HOME=home, XDG_STATE_HOME=home, TERM="xterm", NO_COLOR="1")
        env["PYTHONPATH"] = str(ROOT)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "cli.host", str(self.port), "--name", "alice", "--fresh"],
            cwd=str(ROOT),
            env=env,
            timeout=TIMEOUT,
        )
        self.child.expect_exact(b"<alice> ")
        self.screen = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                self.screen += self.child.read_nonblocking(65536, timeout=0.2)
            except pexpect.TIMEOUT:
                continue
            except (pexpect.EOF, OSError, ValueError):
                return

    def close(self) -> None:
        self.child.sendline("/q")
        with contextlib.suppress(pexpect.ExceptionPexpect):
            self.child.expect(pexpect.EOF, timeout=TIMEOUT)
        self.child.close(force=True)
        self._reader.join(TIMEOUT)


#: What each flooder was sent back (its "slow down"s show the flood was refused, not ignored).
ANSWERED = bytearray()
_TASKS: set[asyncio.Future[None]] = set()  # the flooders' readers, kept until the row ends


def _keep(future: asyncio.Future[None]) -> None:
    _TASKS.add(future)
    future.add_done_callback(_TASKS.discard)


async def _drain(reader: asyncio.StreamReader) -> None:
    with contextlib.suppress(ConnectionError, OSError):
        while data := await reader.read(65536):
            ANSWERED.extend(data)


async def _nc_flood(port: int) -> Callable[[], Awaitable[None]]:
    """A person on nc who sits down to watch; returns the burst to write later."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    seen = b""
    while NAME_PROMPT.encode() not in seen:
        seen += await asyncio.wait_for(reader.read(4096), TIMEOUT)
    writer.write(b"mallory\n")
    while b"watching" not in seen:
        seen += await asyncio.wait_for(reader.read(4096), TIMEOUT)
    _keep(asyncio.ensure_future(_drain(reader)))

    async def burst() -> None:
        writer.write(b"x\n" * NC_LINES)
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    return burst


async def _framed_flood(port: int) -> Callable[[], Awaitable[None]]:
    """A join that sits down to watch; returns the burst of says to write later."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(encode_message(Hello(name="eve")))
    header = await asyncio.wait_for(reader.readexactly(4), TIMEOUT)
    welcome = await asyncio.wait_for(reader.readexactly(int.from_bytes(header, "big")), TIMEOUT)
    if b'"watching":true' not in welcome:
        raise SystemExit(f"the framed flooder was not let in to watch: {welcome[:200]!r}")
    _keep(asyncio.ensure_future(_drain(reader)))
    frames = b"".join(encode_message(Say(seq, f"spam {seq}")) for seq in range(1, SAYS + 1))

    async def burst() -> None:
        writer.write(frames)
        with contextlib.suppress(ConnectionError):
            await writer.drain()

    return burst


FLOODS: dict[str, Callable[[int], Awaitable[Callable[[], Awaitable[None]]]] | None] = {
    "idle table (baseline)": None,
    f"nc: {NC_LINES:,} one-character lines in one write": _nc_flood,
    f"framed join: {SAYS:,} says in one write": _framed_flood,
}


async def _ask(bob: Connection, seq: int) -> float:
    """Seconds from bob's ``/who`` to its answer (other shows on the way are skipped)."""
    start = time.perf_counter()
    await bob.send(Say(seq, "/who"))
    while True:
        message = await asyncio.wait_for(bob.recv(), TIMEOUT)
        if isinstance(message, Show) and "(you)" in message.text:
            return time.perf_counter() - start


async def _row(
    port: int,
    seconds: float,
    flood: Callable[[int], Awaitable[Callable[[], Awaitable[None]]]] | None,
) -> list[float]:
    bob = await connect("127.0.0.1", port, Hello(name="bob"))
    await _ask(bob, 1)  # seated and answered: the table is ready
    burst = None if flood is None else await flood(port)
    times: list[float] = []
    seq, start, flooded = 1, time.perf_counter(), False
    while (now := time.perf_counter()) - start < seconds:
        if burst is not None and not flooded and now - start >= FLOOD_AT:
            _keep(asyncio.ensure_future(burst()))
            flooded = True
        seq += 1
        times.append(await _ask(bob, seq))
        await asyncio.sleep(max(0.0, PACE - times[-1]))
    await bob.close()
    return times


def _p99(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[98] if len(times) >= 2 else times[0]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seconds", nargs="?", type=float, default=3.0)
    args = parser.parse_args(argv[1:])
    every = f"one every {PACE * 1000:g} ms"
    print(f"bob's /who round trips at a real host, {args.seconds:g} s a row, {every}")
    print(f"  {'':<44} {'count':>6} {'median':>8} {'p99':>8} {'worst':>8}  worst/idle")
    idle_worst = 0.0
    worst_flooded = 0.0
    with tempfile.TemporaryDirectory() as home:
        for name, flood in FLOODS.items():
            host = Host(os.path.join(home, str(len(name))))
            ANSWERED.clear()
            try:
                times = asyncio.run(_row(host.port, args.seconds, flood))
            finally:
                host.close()
            worst = max(times)
            idle_worst = idle_worst or worst
            if flood is not None:
                worst_flooded = max(worst_flooded, worst)
            ms = [
                f"{value * 1000:7.1f}ms" for value in (statistics.median(times), _p99(times), worst)
            ]
            print(f"  {name:<44} {len(times):>6} {' '.join(ms)}  x{worst / idle_worst:.1f}")
            screen = bytes(host.screen)
            tracebacks = screen.count(b"Traceback")
            refused = ANSWERED.count(b"slow down")
            print(
                f"  {'':<44} host's screen: {tracebacks} tracebacks, {screen.count(b'* ')} "
                f"notices; the flooder was told 'slow down' {refused} times"
            )
    verdict = (
        "met" if worst_flooded <= TARGET else f"missed by {(worst_flooded - TARGET) * 1000:.0f} ms"
    )
    print(f"target: worst stall while flooded <= {TARGET * 1000:.0f} ms — {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
