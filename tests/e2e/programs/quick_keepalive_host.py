"""The real host program, giving up on a silent join after seconds instead of 30.

``python -m tests.e2e.programs.quick_keepalive_host ARGS`` is ``python -m cli.host ARGS`` but
for the keep-alive of its connections: a ``ping`` every :data:`PING_INTERVAL` and a join silent
for :data:`DEAD_AFTER` lost, so that a test can stop the host for longer than its silence limit
in a few seconds. It lives with the tests on purpose: the program people run has no switch that
changes its limits (as quick_flood_host.py beside it for the flood rules).
"""

from __future__ import annotations

import dataclasses
import functools

import cli.hosting
from cli.host import main
from net.limits import DEFAULT_LIMITS
from net.serving import serve

PING_INTERVAL = 0.5
"""Seconds between the host's pings to a join (real: 10)."""
DEAD_AFTER = 4.0
"""Seconds of silence after which the host counts a join as lost (real: 30). Far beyond a stall
of a loaded machine (tests/net/support.py: LOAD_MARGIN) on top of a ping interval."""


def run() -> int:
    """Run the host program serving with the short keep-alive limits; its status."""
    quick = dataclasses.replace(DEFAULT_LIMITS, ping_interval=PING_INTERVAL, dead_after=DEAD_AFTER)
    # The host serves through the name serve in cli.hosting: that name gets the short limits.
    setattr(cli.hosting, "serve", functools.partial(serve, limits=quick))  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
