"""The real host program under a flood of silent connections, in a terminal.

Two floods against ``python -m cli.host``: one with its descriptor limit lowered below what the
flood needs (``ulimit -n``, i.e. setrlimit(RLIMIT_NOFILE), in the shell that execs it), where
accept() fails with EMFILE; and one at the normal limit, where the waiting-room cap turns the
flood away. After each, or during it, a real ``python -m cli.join`` sits down, and the host's
screen has said what happened in one line, not hundreds.
"""

from __future__ import annotations

import os
import re
import shlex
import sys

import pexpect
import pytest

from net.link import DEFAULT_LIMITS
from net.serving import CROWDED
from tests.e2e.support import OPEN_LINE, TIMEOUT, Players
from tests.net.support import SilentCrowd, wait_accepted

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: /proc, lo")

# Python, readline and the terminal take about 8 descriptors; this leaves the host a few dozen,
# fewer than its waiting room would hold (64), so the flood really does run it out.
DESCRIPTOR_LIMIT = 40
# asyncio retries a failed accept() every second, logging it up to a hundred times each time;
# this long a look shows whether any of that still reaches the screen.
QUIET_WINDOW = 3.0
ACCEPT_LINE = re.compile(rb"[^\n]*accept[^\n]*\n")


def open_descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def test_out_of_descriptors_the_host_says_so_once_and_serves_a_join_afterwards(
    players: Players,
) -> None:
    command = f"ulimit -n {DESCRIPTOR_LIMIT} && exec {shlex.quote(sys.executable)} -m cli.host"
    host = players.start_shell(f"{command} 0 --name alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    # More than the descriptors left, fewer than the accept queue holds (100), so none of the
    # handshakes is dropped and retried: the join below is not stuck behind a backlog.
    crowd = SilentCrowd(port, DESCRIPTOR_LIMIT + 10)
    try:
        host.expect_re(ACCEPT_LINE)  # said once…
        with pytest.raises(pexpect.TIMEOUT):
            host.expect_re(ACCEPT_LINE, timeout=QUIET_WINDOW)  # …and not again
    finally:
        crowd.close()
    # Their descriptors come back as the host sees them close; accepting resumes by itself.
    players.join(port, "bob")
    host.expect("bob")
    said = ACCEPT_LINE.findall(host.raw)
    assert len(said) == 1, said
    assert b"cannot accept new connections: Too many open files (EMFILE)" in said[0]


def test_a_flood_of_silent_connections_is_capped_and_a_join_still_gets_in(
    players: Players,
) -> None:
    host, port = players.host("alice")
    pid = host.child.pid
    before = open_descriptors(pid)
    cap = DEFAULT_LIMITS.max_pending
    count = 3 * cap
    # From eight addresses: the total cap is what bites. Batch by batch, once the host has
    # emptied its accept queue: an overflowing queue would make the kernel retry handshakes
    # seconds later, and the turned-away count below would wait for them.
    crowd = SilentCrowd(port, count, settle=lambda: wait_accepted(port, TIMEOUT))
    try:
        crowd.wait_ended(count - cap, timeout=TIMEOUT)
        # A silent connection is a person once it has kept quiet 0.5 s: one turned
        # away before that is closed without a word (nobody knows what it speaks), one after
        # it has been greeted as a person and reads why, as a line of text — never a frame.
        for told in crowd.told_bytes():
            assert told == b"" or told.endswith(f"! {CROWDED}\r\n".encode()), told
        # Those turned away were closed at once (no waiting for them to close first).
        assert open_descriptors(pid) <= before + cap
        # The flood is still there; a real join comes in, and makes the oldest waiter leave.
        players.join(port, "bob")
        host.expect("bob")
    finally:
        crowd.close()
    assert host.raw.count(b"have not said hello") == 1
