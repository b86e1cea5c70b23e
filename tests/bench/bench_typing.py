"""Typing latency and idle cost through real terminals.

Run from the repository root::

    python tests/bench/bench_typing.py [ROUNDS] [IDLE_SECONDS]

Latency: a host and a join, each in its own pseudo-terminal, talk over 127.0.0.1 (port 0). The
time from a line (``Enter`` included) written into one terminal until it is on the other is
measured ROUNDS times (default 50) in each of three settings: join to host and host to join
with the receiver idle at its prompt, and join to host with the host person half-way through
typing a line. The table's flood control lets a seat say 10 lines in 5 s, so rounds are paced
at :data:`PACE` seconds (a pause between measurements, not inside one). Beside it, in the same run
and alternating round by round so both see the same machine load, a bare relay: two tiny
Python programs in two pseudo-terminals, one reading lines from its terminal and sending them
over TCP, the other writing them to its terminal. Medians and p90s are printed, with the ratio
of medians; the target is a median of at most 5 ms.

Idle: after that, nobody types for IDLE_SECONDS (default 30); the CPU time and context
switches of each program over that span are read from /proc (Linux) and printed.

Exit status 0 always: this is a measurement, not a test.
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0
PACE = 0.55  # seconds per line per seat: under flood control's 2 lines/s

_RELAY_SERVER = """
import socket, sys
server = socket.create_server(("127.0.0.1", 0))
print("port", server.getsockname()[1], flush=True)
peer, _ = server.accept()
for line in peer.makefile("rb"):
    sys.stdout.buffer.write(line)
    sys.stdout.flush()
"""

_RELAY_CLIENT = """
import socket, sys
peer = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
for line in sys.stdin.buffer:
    peer.sendall(line)
"""


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=home, XDG_STATE_HOME=home, TERM="xterm", NO_COLOR="1", PYTHONUTF8="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _spawn(args: list[str], env: dict[str, str]) -> pexpect.spawn:
    child = pexpect.spawn(sys.executable, args, env=env, cwd=str(REPO), dimensions=(50, 200))
    child.delaybeforesend = None  # pexpect sleeps 50 ms before every send by default
    return child


def _time_line(sender: pexpect.spawn, receiver: pexpect.spawn, line: str, seen: str) -> float:
    start = time.perf_counter()
    sender.send(line.encode() + b"\r")
    receiver.expect_exact(seen.encode(), timeout=TIMEOUT)
    return time.perf_counter() - start


def _figures(name: str, samples: list[float]) -> float:
    ms = sorted(s * 1000 for s in samples)
    median = statistics.median(ms)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"{name:<44} median {median:7.2f} ms   p90 {p90:7.2f} ms")
    return median


def _cpu_and_switches(pid: int) -> tuple[float, int]:
    """CPU seconds and context switches of every thread of *pid* so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu, switches = 0.0, 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        cpu += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        for row in (task / "status").read_text().splitlines():
            if row.endswith("ctxt_switches") or "ctxt_switches:" in row:
                switches += int(row.split(":")[1])
    return cpu, switches


def _idle(programs: dict[str, pexpect.spawn], seconds: float) -> None:
    if not Path("/proc/self/task").exists():
        print("idle: no /proc here, not measured")
        return
    before = {name: _cpu_and_switches(child.pid) for name, child in programs.items()}
    time.sleep(seconds)  # a measurement of doing nothing: nothing to synchronise on
    for name, child in programs.items():
        cpu0, sw0 = before[name]
        cpu1, sw1 = _cpu_and_switches(child.pid)
        print(
            f"idle {seconds:.0f} s, {name:<6} CPU {1000 * (cpu1 - cpu0):6.1f} ms   "
            f"context switches {sw1 - sw0:5d} ({(sw1 - sw0) / seconds:5.1f}/s)"
        )


def main(argv: list[str]) -> int:
    """Measure and print; returns 0."""
    rounds = int(argv[1]) if len(argv) > 1 else 200
    idle_seconds = float(argv[2]) if len(argv) > 2 else 30.0
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        started: list[pexpect.spawn] = []
        try:
            host = _spawn(["-m", "cli.host", "0", "--name", "alice"], env)
            started.append(host)
            host.expect(rb"open on 127\.0\.0\.1:(\d+)", timeout=TIMEOUT)
            match = host.match
            assert isinstance(match, re.Match)
            port = match.group(1).decode()
            host.expect_exact(b"<alice> ", timeout=TIMEOUT)
            join = _spawn(["-m", "cli.join", port, "--name", "bob"], env)
            started.append(join)
            join.expect_exact(b"<bob> ", timeout=TIMEOUT)
            host.expect_exact(b"bob", timeout=TIMEOUT)

            server = _spawn(["-c", _RELAY_SERVER], env)
            started.append(server)
            server.expect(rb"port (\d+)", timeout=TIMEOUT)
            match = server.match
            assert isinstance(match, re.Match)
            client = _spawn(["-c", _RELAY_CLIENT, match.group(1).decode()], env)
            started.append(client)
            client.expect_exact(b"ready", timeout=TIMEOUT)

            to_host, to_join, typing_host, relay = [], [], [], []
            for i in range(rounds):
                paced = time.monotonic() + PACE
                to_host.append(_time_line(join, host, f"idle{i}", f"<bob> idle{i}"))
                relay.append(_time_line(client, server, f"relay{i}", f"relay{i}\r\n"))
                to_join.append(_time_line(host, join, f"back{i}", f"<alice> back{i}"))
                relay.append(_time_line(client, server, f"relay{i}", f"relay{i}\r\n"))
                time.sleep(max(0.0, paced - time.monotonic()))
            host.send(b"alice is typing this")
            host.expect_exact(b"typing this", timeout=TIMEOUT)
            for i in range(rounds):
                paced = time.monotonic() + PACE
                typing_host.append(_time_line(join, host, f"typed{i}", f"<bob> typed{i}"))
                relay.append(_time_line(client, server, f"relay{i}", f"relay{i}\r\n"))
                time.sleep(max(0.0, paced - time.monotonic()))
            host.send(b"\x15")  # Ctrl-U: the half line goes, the prompt stays

            print(f"rounds each:                                 {rounds}")
            base = _figures("bare pty → TCP → pty relay:", relay)
            medians = [
                _figures("join → host, host at an empty prompt:", to_host),
                _figures("host → join, join at an empty prompt:", to_join),
                _figures("join → host, host half-way through a line:", typing_host),
            ]
            ratios = ", ".join(f"{m / base:.1f}" for m in medians)
            print(f"ratios of those medians to the relay's:      {ratios}")
            print("target: median <= 5 ms")
            host.expect_exact(b"<alice> ", timeout=TIMEOUT)
            _idle({"host": host, "join": join}, idle_seconds)
        finally:
            for child in started:
                child.terminate(force=True)
                child.close(force=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
