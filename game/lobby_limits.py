"""What keeps one person from spoiling a lobby for everyone: how many tables, how many people
from one address and in all, and how long a table nobody sits at stays open.

Pure values; the lobby (:mod:`game.lobby`) counts against them and words each refusal. A
name is held only while its person is connected or their seat is kept for them (the grace
period), so the bound on people from one address is also the bound on the names it can squat.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LobbyLimits:
    """The lobby's bounds.

    Attributes:
        tables: Tables open at once on the server. Each table costs a journal file and some
            kilobytes: the server stays within what it was measured at (tests/bench).
        people: People connected at once (in the lobby and at tables).
        people_per_address: People connected from one address: a flood of connections from
            one machine cannot take every name (name squatting) or every place. A person
            holds one table at a time (the one they opened, sat at or watch), so it bounds
            the tables one address opens too; a class behind one NAT address raises it
            (``--per-address``).
        idle_table: Seconds a table whose guest seat is empty may go without an event (a
            line, someone watching or leaving) before it closes: an opener who walked away
            does not hold a table in the list for ever.
    """

    tables: int = 1000
    people: int = 4000
    people_per_address: int = 32
    idle_table: float = 600.0
