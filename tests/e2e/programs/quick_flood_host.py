"""The real host program, judging a flood persistent after 1 s of refusals instead of 10 s.

``python -m tests.e2e.programs.quick_flood_host ARGS`` is ``python -m cli.host ARGS`` but for
that one rule, so the flood test floods for a second or two instead of waiting out the real span.
It lives with the tests on purpose: the program people run has no switch that
changes its flood rules, and the table's flood rules are injected through ``Table(flood=...)``.

The host reads a seat whose line was refused again only after a pause (cli.hosting:
``OVER_BUDGET_PAUSE``, 0.2 s), so refusals come at most five a second: the real count of them
(20) would take 4 s however short the span. Here it is :data:`REFUSALS`, few enough to come
within :data:`SPAN`: the span is what makes a flood persistent, as with the real rules.
"""

from __future__ import annotations

import functools

import cli.hosting
from cli.host import main
from game.flood import FloodControl
from game.table import Table

SPAN = 1.0
"""Seconds that refusals must keep coming before the seat counts as flooding (real: 10)."""

REFUSALS = 4
"""Refusals within the window that, spread over :data:`SPAN`, make a flood persistent (real:
20)."""


def run() -> int:
    """Run the host program with a table whose flood rules have the short span; its status."""
    # Table(flood=...) is the engine's injection point; the host builds its table from the
    # name in cli.hosting, so that name gets the table with the short span.
    rule = FloodControl(persistent_refusals=REFUSALS, persistent_span=SPAN)
    quick = functools.partial(Table, flood=rule)
    setattr(cli.hosting, "Table", quick)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
