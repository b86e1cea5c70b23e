"""The real host program, judging a flood persistent after 1 s of refusals instead of 10 s.

``python -m tests.resume.quick_flood_host ARGS`` is ``python -m cli.host ARGS`` but for that one
rule, so the flood test floods for a second or two instead of waiting out the real span (issue
9 §8). It lives with the tests on purpose: the program people run has no switch that changes
its flood rules, and nothing in cli/ or game/ had to change for this.
"""

from __future__ import annotations

from dataclasses import dataclass

import game.table
from cli.host import main
from game.flood import FloodControl

SPAN = 1.0
"""Seconds that refusals must keep coming before the seat counts as flooding (real: 10)."""


@dataclass
class QuickFloodControl(FloodControl):
    """The table's flood rules with a short persistence span; every other rule as shipped."""

    persistent_span: float = SPAN


def run() -> int:
    """Run the host program with :class:`QuickFloodControl` in the table's place; its status."""
    # The table makes one FloodControl per seat, when it opens and for every new guest, from
    # the name in its own module: replacing that name changes the rules of every seat.
    setattr(game.table, "FloodControl", QuickFloodControl)  # noqa: B010
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
