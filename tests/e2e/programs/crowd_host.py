"""The real host program, letting spectators arrive as fast as a test brings them.

``python -m tests.e2e.programs.crowd_host ARGS`` is ``python -m cli.host ARGS`` but for the
spectators' arrival limit (:class:`game.spectator_connections.ArrivalLimit`: 10 a minute from
one address), so a test can seat :data:`~game.spectators.SPECTATOR_LIMIT` spectators from
127.0.0.1 in a moment to reach the table's own limit. It lives with the tests on purpose: the
program people run has no switch that lifts the limit (as quick_flood_host.py beside it for
the flood rules).
"""

from __future__ import annotations

import functools

import cli.hosting
from cli.host import main
from game.spectator_connections import ArrivalLimit
from game.spectators import SPECTATOR_LIMIT


def run() -> int:
    """Run the host program with room for every spectator to arrive at once; its status."""
    crowd = SPECTATOR_LIMIT + 10
    roomy = functools.partial(ArrivalLimit, per_address=crowd, overall=crowd)
    setattr(cli.hosting, "ArrivalLimit", roomy)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
