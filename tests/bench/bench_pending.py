"""Memory of a host under 2,000 silent connections: RSS beside the idle host.

Run from the repository root, nothing installed (Linux: it reads /proc)::

    python tests/bench/bench_pending.py [COUNT]

Two hosts, each in its own process, measured the same way:

* ``python -m cli.host``, the real program with its default waiting-room caps (64 connections
  that have not said hello, 16 per address): what a flood does to a real table;
* a bare :func:`net.serving.serve` with the caps lifted above COUNT, so that it really holds
  every silent connection: what one costs (a connection gets no 64 KiB receive buffer up front).

For each, the resident set size (VmRSS): idle (after serving one join, so that first-use
allocations are done); with COUNT silent connections open (default 2,000, from 8 loopback
addresses, opened by this process), and how many of them it holds (its descriptors beyond the
idle ones); once they are closed; and the same for a second flood, which shows whether memory
keeps growing flood after flood. Before reading a flood's figure, one more connection says
hello and is welcomed: the host accepts in order, so by then it has taken in every silent
one. The target is flood 1 / idle <= 2 for the real program. Exit status 0 always: a
measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.connection import Limits, PendingConnection, connect  # noqa: E402 - after the sys.path line, so no install is needed
from net.messages import Hello, Welcome  # noqa: E402
from net.serving import serve  # noqa: E402

TIMEOUT = 30.0
PROGRAM = "cli.host (caps: 64, 16 per address)"
BARE = "net.serve (caps lifted)"
PORT_LINE = re.compile(r"127\.0\.0\.1:(\d+)")


# --- the bare host (a child process) ---------------------------------------------------------


async def child_bare(count: int) -> None:
    """Serve with the caps lifted; print the port; run until stdin closes."""

    async def on_connect(pending: PendingConnection) -> None:
        conn = await pending.accept(Welcome(name=pending.hello.name, host="bench", token="t"))
        await conn.close()

    limits = Limits(max_pending=count + 100, max_pending_per_address=count + 100)
    server = await serve(on_connect, "127.0.0.1", 0, limits=limits)
    print(f"listening on 127.0.0.1:{server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()


# --- measuring ---------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """The process's resident set size in MB (VmRSS)."""
    status = Path(f"/proc/{pid}/status").read_text()
    kb = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return kb / 1024


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def say_hello(port: int) -> None:
    """One join: welcomed, then leaves (the host has handled every earlier connection)."""

    async def once() -> None:
        conn = await connect("127.0.0.1", port, Hello(name="probe"))
        await conn.close()

    asyncio.run(asyncio.wait_for(once(), TIMEOUT))


def wait_descriptors(pid: int, at_most: int) -> None:
    """Wait (bounded) until the host holds at most *at_most* descriptors again."""
    deadline = time.monotonic() + TIMEOUT
    while descriptors(pid) > at_most and time.monotonic() < deadline:
        time.sleep(0.05)  # polling /proc: the host has no other way to say it let go


def measure(label: str, command: list[str], count: int, home: str) -> Figures:
    """Start *command*; measure it idle, then under two floods of *count* silent connections."""
    from tests.net.support import SilentCrowd, wait_accepted  # noqa: PLC0415 - see main()

    env = dict(os.environ, HOME=home, XDG_STATE_HOME=home, NO_COLOR="1", PYTHONUTF8="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    host = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT, env=env, text=True
    )
    try:
        assert host.stdout is not None
        match = PORT_LINE.search(host.stdout.readline())
        assert match, f"{label}: no port in its first line"
        port = int(match.group(1))
        # Keep reading what it prints, so that it never blocks on a full pipe.
        threading.Thread(target=host.stdout.read, daemon=True).start()
        say_hello(port)
        baseline = descriptors(host.pid)
        figures = Figures(idle=rss_mb(host.pid))
        for _ in range(2):  # the second flood shows whether what the first took is reused
            crowd = SilentCrowd(port, count, settle=lambda: wait_accepted(port, TIMEOUT))
            try:
                say_hello(port)
                figures.flooded.append(rss_mb(host.pid))
                figures.held = descriptors(host.pid) - baseline
            finally:
                crowd.close()
            wait_descriptors(host.pid, baseline)
            figures.after.append(rss_mb(host.pid))
    finally:
        if host.stdin is not None:
            host.stdin.close()
        try:
            host.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            host.kill()
            host.wait()
    return figures


@dataclass
class Figures:
    """RSS in MB: idle, with each flood open, after each flood closed; connections held."""

    idle: float
    flooded: list[float] = field(default_factory=list)
    after: list[float] = field(default_factory=list)
    held: int = 0


def main() -> None:
    """Parse arguments and either serve (child) or measure (parent)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", nargs="?", type=int, default=2000)
    parser.add_argument("--bare-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_child:
        # Its descriptor limit is the one this process raised below before starting it.
        asyncio.run(child_bare(args.count))
        return
    # Imported here, not at the top: the bare host runs this file too, and its memory is the
    # figure; tests.net.support brings hypothesis along (some 11 MB) that no host holds.
    from tests.net.support import raise_descriptor_limit  # noqa: PLC0415

    # Both ends of every connection are open at once: this process and the children need the
    # descriptors (children inherit the raised soft limit).
    limit = raise_descriptor_limit(2 * args.count + 200)
    count = min(args.count, limit - 200)
    print(f"{count} silent connections from 8 loopback addresses (descriptor limit {limit})")
    with tempfile.TemporaryDirectory() as home:
        hosts = {
            PROGRAM: [sys.executable, "-m", "cli.host", "0", "--name", "bench"],
            BARE: [sys.executable, __file__, str(count), "--bare-child"],
        }
        print(
            f"{'':36} {'idle':>6} {'flood 1':>8} {'ratio':>6} {'held':>5} {'closed':>7}"
            f" {'flood 2':>8} {'closed':>7}   (MB)"
        )
        results = {}
        for label, command in hosts.items():
            got = results[label] = measure(label, command, count, home)
            print(
                f"{label:36} {got.idle:6.1f} {got.flooded[0]:8.1f} "
                f"{got.flooded[0] / got.idle:5.2f}x {got.held:5d} {got.after[0]:7.1f}"
                f" {got.flooded[1]:8.1f} {got.after[1]:7.1f}"
            )
    bare = results[BARE]
    per = (bare.flooded[0] - bare.idle) * 1024 / max(bare.held, 1)
    print(f"each silent connection net.serve holds: {per:.1f} KiB (its read buffer was 64 KiB)")
    ratio = results[PROGRAM].flooded[0] / results[PROGRAM].idle
    verdict = "met" if ratio <= 2 else "NOT met"
    print(f"target: flood 1 / idle <= 2 for the real program (cli.host): {verdict} ({ratio:.2f}x)")


if __name__ == "__main__":
    main()
