"""The real host program, judging a flood persistent after 1 s of refusals instead of 10 s.

``python -m tests.e2e.programs.quick_flood_host ARGS`` is ``python -m cli.host ARGS`` but for
that one rule, so the flood test floods for a second or two instead of waiting out the real span.
It lives with the tests on purpose: the program people run has no switch that
changes its flood rules, and the table's flood rules are injected through ``Table(flood=...)``.
"""

from __future__ import annotations

import functools

import cli.hosting
from cli.host import main
from game.flood import FloodControl
from game.table import Table

SPAN = 1.0
"""Seconds that refusals must keep coming before the seat counts as flooding (real: 10)."""


def run() -> int:
    """Run the host program with a table whose flood rules have the short span; its status."""
    # Table(flood=...) is the engine's injection point; the host builds its table from the
    # name in cli.hosting, so that name gets the table with the short span.
    quick = functools.partial(Table, flood=FloodControl(persistent_span=SPAN))
    setattr(cli.hosting, "Table", quick)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
