"""The real host program, taking :data:`MAX_LINES` chat lines in the flood window instead of 10.

``python -m tests.e2e.programs.roomy_flood_host ARGS`` is ``python -m cli.host ARGS`` but for
that one rule, so a test can have a guest say more lines than the real budget at once without
waiting out the window between batches. It lives with the tests on purpose: the program people
run has no switch that changes its flood rules (as quick_flood_host.py beside it for the span).
"""

from __future__ import annotations

import functools

import cli.hosting
from cli.host import main
from game.flood import FloodControl
from game.table import Table

MAX_LINES = 100
"""Chat lines a seat may say within the flood window (real: 10)."""


def run() -> int:
    """Run the host program with a table whose flood rules take :data:`MAX_LINES` lines; its
    status."""
    # Table(flood=...) is the engine's injection point; the host builds its table from the
    # name in cli.hosting, so that name gets the table with the roomy budget.
    roomy = functools.partial(Table, flood=FloodControl(max_lines=MAX_LINES))
    setattr(cli.hosting, "Table", roomy)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
