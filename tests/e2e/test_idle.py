"""An idle program sleeps: no polling while nobody types and nothing arrives.

A readline woken every 0.1 s to look for lines to draw would cost ten context switches a second
per program, forever: the reader thread sleeps in select() until a key or a line comes
(cli.readline_hook). Counted on Linux from /proc, over a span of doing nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from tests.e2e.support import Players

SPAN = 2.0  # seconds of idleness counted
# The old 0.1 s poll gave 20 per program in SPAN; an idle program now has none, but the event
# loop or the runtime may wake once or twice (a keep-alive, a late write).
MOST_SWITCHES = 5


def _switches(pid: int) -> int:
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for row in (task / "status").read_text().splitlines():
            if "ctxt_switches:" in row:
                total += int(row.split(":")[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts from Linux's /proc")
def test_idle_programs_do_not_poll(players: Players) -> None:
    host, join, _ = players.pair()
    join.say("hello")  # both have drawn something and are back at an empty prompt
    host.expect("<bob> hello")
    join.expect("<bob> ")
    before = {p.child.pid: _switches(p.child.pid) for p in (host, join)}
    time.sleep(SPAN)  # the measurement is of doing nothing for this long
    for pid, count in before.items():
        woke = _switches(pid) - count
        assert woke <= MOST_SWITCHES, f"{woke} context switches in {SPAN} s of idleness"
