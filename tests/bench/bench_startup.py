"""Start-up benchmark of the join: launch → prompt, against importing asyncio.

Run from the repository root::

    python tests/bench/bench_startup.py [RUNS] [--compare CHECKOUT ...]

It starts one host (port 0), then alternates, RUNS times each (default 15):

* ``python -m cli.join PORT`` in a pseudo-terminal, timed from launch until its prompt is on
  the screen (it has connected, been welcomed and can take your first line); it then types /q;
* with ``--compare``, the same for the join of each other checkout given (a worktree of main,
  say), so that a change is measured beside what it changes, under the same load;
* ``python -c "import asyncio, json, argparse"`` in a pseudo-terminal, timed from launch to exit.

Alternating them (a baseline after every join) keeps all under the same machine load. It
prints the medians and their ratio; the target is a ratio of at most 1.3. Beside each it prints
the CPU time the process had used by then — a join's threads when its prompt appeared (read
from Linux's ``/proc``; elsewhere that column stays empty), the baseline's by its exit — which
counts no waiting, so the load of other programs moves it less than the wall time. Exit status
0 always: this is a measurement, not a test (the figures are recorded in reports, and a loaded
machine should not fail CI).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0
TARGET = 1.3
BASELINE = "import asyncio, json, argparse"


@dataclass
class Timings:
    """What one program measured: wall seconds to its prompt (or exit), CPU seconds to exit."""

    label: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


def _env(home: str, checkout: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Our own state directory too: an inherited XDG_STATE_HOME would let the join resume a real
    # seat (or leave a token behind) instead of sitting down fresh.
    env.update(HOME=home, XDG_STATE_HOME=home, TERM="xterm", NO_COLOR="1", PYTHONUTF8="1")
    # A person's second start reads cached bytecode; the warm-up below writes it. A sandbox's
    # PYTHONDONTWRITEBYTECODE would instead make every start compile every module again, and
    # measure the compiler rather than the start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(checkout), env.get("PYTHONPATH")]))
    return env


def _children_cpu() -> float:
    """CPU seconds of every child this process has waited for (pexpect waits in close())."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _threads_cpu(pid: int) -> float | None:
    """CPU seconds the threads of process *pid* have run so far, or None without ``/proc``.

    A thread's count grows when it stops running, so this is exact for a program waiting for
    input, which is what a join showing its prompt is.
    """
    nanoseconds = 0
    try:
        for thread in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{thread}/schedstat", encoding="ascii") as stat:
                nanoseconds += int(stat.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return nanoseconds / 1e9


def _time_join(
    port: int, env: dict[str, str], checkout: Path, host: pexpect.spawn, into: Timings
) -> None:
    start = time.perf_counter()
    join = pexpect.spawn(
        sys.executable, ["-m", "cli.join", str(port), "--name", "bench"], env=env, cwd=checkout
    )
    join.expect_exact(b"<bench> ", timeout=TIMEOUT)
    into.wall.append(time.perf_counter() - start)
    cpu = _threads_cpu(join.pid)
    if cpu is not None:
        into.cpu.append(cpu)
    join.send(b"/q\r")
    join.expect(pexpect.EOF, timeout=TIMEOUT)
    join.close()
    host.expect([rb"bench\S* left", rb"lost"], timeout=TIMEOUT)  # the seat is free again


def _time_baseline(env: dict[str, str], into: Timings) -> None:
    cpu = _children_cpu()
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-c", BASELINE], env=env, cwd=REPO)
    child.expect(pexpect.EOF, timeout=TIMEOUT)
    into.wall.append(time.perf_counter() - start)
    child.close()
    into.cpu.append(_children_cpu() - cpu)


def main(argv: list[str]) -> int:
    """Measure and print the medians; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=15, help="runs of each (15)")
    parser.add_argument(
        "--compare",
        type=Path,
        action="append",
        default=[],
        metavar="CHECKOUT",
        help="also time the join of this checkout (may be given again)",
    )
    args = parser.parse_args(argv[1:])
    joins = [(REPO, Timings("join, launch to prompt"))]
    for other in args.compare:
        joins.append((other.resolve(), Timings(f"join of {other.resolve().name}, the same")))
    baseline = Timings(f'python -c "{BASELINE}"')
    with tempfile.TemporaryDirectory() as home:
        envs = {checkout: _env(home, checkout) for checkout, _ in joins}
        host = pexpect.spawn(
            sys.executable,
            ["-m", "cli.host", "0", "--name", "benchhost"],
            env=envs[REPO],
            cwd=REPO,
        )
        try:
            host.expect(rb"open on 127\.0\.0\.1:(\d+)", timeout=TIMEOUT)
            match = host.match
            assert isinstance(match, re.Match)
            port = int(match.group(1))
            for checkout, _ in joins:  # warm-up: file system caches, .pyc files
                _time_join(port, envs[checkout], checkout, host, Timings("warm-up"))
            _time_baseline(envs[REPO], Timings("warm-up"))
            for run in range(args.runs):
                # Each join right after a baseline, never after another join (whose leaving the
                # host may still be writing down), and the joins in turn in a different order
                # each run.
                turn = run % len(joins)
                for checkout, timings in joins[turn:] + joins[:turn]:
                    _time_join(port, envs[checkout], checkout, host, timings)
                    _time_baseline(envs[REPO], baseline)
        finally:
            host.terminate(force=True)
            host.close(force=True)
    base_wall, base_cpu = statistics.median(baseline.wall), statistics.median(baseline.cpu)
    print(f"runs each: {args.runs}   (medians; CPU: a join's by its prompt, python's by its exit)")
    print(f"{'':<44} {'wall ms':>8} {'ratio':>6}   {'CPU ms':>7} {'ratio':>6}")
    for timings in [*(timings for _, timings in joins), baseline]:
        wall = statistics.median(timings.wall)
        line = f"{timings.label:<44} {wall * 1000:8.1f} {wall / base_wall:6.2f}"
        if timings.cpu:
            cpu = statistics.median(timings.cpu)
            line += f"   {cpu * 1000:7.1f} {cpu / base_cpu:6.2f}"
        print(line)
    ratio = statistics.median(joins[0][1].wall) / base_wall
    print(f"ratio: {ratio:.2f}  (target <= {TARGET:.2f}, wall time to the prompt)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
