"""A host process that is stopped and continued (SIGSTOP and SIGCONT, as a shell's Ctrl-Z and
``fg``) keeps its guest: the time it did not run is not the guest's silence.

The host is the real program with a silence limit of seconds (quick_keepalive_host.py here);
the join is the real program with the real limits: it hears nothing from the stopped host for
a few seconds, far below its own 30 s.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from tests.e2e.programs.quick_keepalive_host import DEAD_AFTER
from tests.e2e.support import OPEN_LINE, Players

STOPPED = 1.5 * DEAD_AFTER
"""How long the host is kept stopped: half as long again as its silence limit, so that counting
its own pause as the guest's silence would cut the guest at once when it runs again."""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP and SIGCONT are POSIX")
def test_a_host_stopped_longer_than_its_silence_limit_keeps_its_guest(players: Players) -> None:
    host = players.start("tests.e2e.programs.quick_keepalive_host", "0", "--name", "alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    join = players.join(port, "bob")
    host.expect("bob sat down")
    os.kill(host.child.pid, signal.SIGSTOP)
    try:
        time.sleep(STOPPED)  # the pause under test is this long: nothing to wait for instead
    finally:
        os.kill(host.child.pid, signal.SIGCONT)
    # Running again, the host acts on its overdue deadlines before it reads the console: a
    # guest cut for the pause would be cut (and told, and resumed) before this line reaches it.
    host.say("still here?")
    join.expect("<alice> still here?")
    join.say("yes")
    host.expect("<bob> yes")
    assert b"dropped" not in host.raw and b"is back" not in host.raw
    assert b"lost" not in join.raw and b"welcome back" not in join.raw
    assert b"reconnect" not in join.raw
