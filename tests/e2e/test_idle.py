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
    pids = [p.child.pid for p in (host, join)]
    woke = _woken(pids)
    if max(woke.values()) > MOST_SWITCHES:
        # Work the last lines left behind (the host's journal fsync on a busy disk, a late
        # write) wakes a program once; a poll wakes it in every span. So a program over the
        # bound gets one more span, and the quieter of the two is what counts.
        again = _woken(pids)
        woke = {pid: min(woke[pid], again[pid]) for pid in pids}
    for program, pid in zip(("host", "join"), pids, strict=True):
        assert woke[pid] <= MOST_SWITCHES, (
            f"the {program}: {woke[pid]} context switches in {SPAN} s of idleness"
        )


def _woken(pids: list[int]) -> dict[int, int]:
    """Context switches of each program over :data:`SPAN` seconds of doing nothing."""
    before = {pid: _switches(pid) for pid in pids}
    time.sleep(SPAN)  # the measurement is of doing nothing for this long
    return {pid: _switches(pid) - before[pid] for pid in pids}
