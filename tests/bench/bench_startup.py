"""Start-up benchmark of the join (issue 4 §10): launch → prompt, against importing asyncio.

Run from the repository root::

    python tests/bench/bench_startup.py [RUNS]

It starts one host (port 0), then alternates, RUNS times each (default 15):

* ``python -m cli.join PORT`` in a pseudo-terminal, timed from launch until its prompt is on
  the screen (it has connected, been welcomed and can take your first line); it then types /q;
* ``python -c "import asyncio, json, argparse"`` in a pseudo-terminal, timed from launch to exit.

Alternating the two keeps both under the same machine load. It prints the medians and their
ratio; the target is a ratio of at most 1.3. Exit status 0 always: this is a measurement, not
a test (the figures are recorded in reports, and a loaded machine should not fail CI).
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


def _env(home: str) -> dict[str, str]:
    env = dict(os.environ)
    # Our own state directory too: an inherited XDG_STATE_HOME would let the join resume a real
    # seat (or leave a token behind) instead of sitting down fresh.
    env.update(HOME=home, XDG_STATE_HOME=home, TERM="xterm", NO_COLOR="1", PYTHONUTF8="1")
    # A person's second start reads cached bytecode; the warm-up below writes it. A sandbox's
    # PYTHONDONTWRITEBYTECODE would instead make every start compile every module again, and
    # measure the compiler rather than the start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def _time_join(port: int, env: dict[str, str], host: pexpect.spawn) -> float:
    start = time.perf_counter()
    join = pexpect.spawn(
        sys.executable, ["-m", "cli.join", str(port), "--name", "bench"], env=env, cwd=REPO
    )
    join.expect_exact(b"<bench> ", timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    join.send(b"/q\r")
    join.expect(pexpect.EOF, timeout=TIMEOUT)
    join.close()
    host.expect([rb"bench\S* left", rb"lost"], timeout=TIMEOUT)  # the seat is free again
    return elapsed


def _time_baseline(env: dict[str, str]) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(
        sys.executable, ["-c", "import asyncio, json, argparse"], env=env, cwd=REPO
    )
    child.expect(pexpect.EOF, timeout=TIMEOUT)
    elapsed = time.perf_counter() - start
    child.close()
    return elapsed


def main(argv: list[str]) -> int:
    """Measure and print the medians; returns 0."""
    runs = int(argv[1]) if len(argv) > 1 else 15
    with tempfile.TemporaryDirectory() as home:
        env = _env(home)
        host = pexpect.spawn(
            sys.executable, ["-m", "cli.host", "0", "--name", "benchhost"], env=env, cwd=REPO
        )
        try:
            host.expect(rb"open on 127\.0\.0\.1:(\d+)", timeout=TIMEOUT)
            match = host.match
            assert isinstance(match, re.Match)
            port = int(match.group(1))
            _time_join(port, env, host)  # warm-up: file system caches, .pyc files
            _time_baseline(env)
            joins, baselines = [], []
            for _ in range(runs):
                joins.append(_time_join(port, env, host))
                baselines.append(_time_baseline(env))
        finally:
            host.terminate(force=True)
            host.close(force=True)
    join_ms = statistics.median(joins) * 1000
    base_ms = statistics.median(baselines) * 1000
    print(f"runs each:                                   {runs}")
    print(f"join, launch to prompt (median):             {join_ms:7.1f} ms")
    print(f'python -c "import asyncio, json, argparse":  {base_ms:7.1f} ms')
    print(
        f"ratio:                                       {join_ms / base_ms:7.2f}  (target <= 1.30)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
