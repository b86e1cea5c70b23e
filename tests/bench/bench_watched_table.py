"""What a full gallery costs the table: a game watched by 50 spectators against the
same game with nobody watching.

Run from the repository root::

    python tests/bench/bench_watched_table.py [ROUNDS]

Each round plays one scripted tic-tac-toe game with chat between the moves at a table nobody
watches, one that one spectator watches, and one that :data:`~game.spectators.SPECTATOR_LIMIT`
watch (in turn, so all run under the same machine load), and times the ``Table.handle`` calls.
The table addresses each board, result and chat line to all the spectators in ONE delivery, so
its work must not grow with their number: the target is a median ratio, 50 watching against one
watching, of at most 1.5, and the deliveries per game must be the same for one spectator and
for fifty (printed). One spectator against nobody is printed too: that is the price of drawing
the spectators' own board and news once per move. Encoding and writing those
deliveries to each connection is the host program's part, measured by its own benchmark.
Exit status 0 always: this is a measurement, not a test.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # runnable without installing

from game.delivery import Seat
from game.spectators import SPECTATOR_LIMIT
from game.table import Table

HOST, GUEST = Seat.HOST, Seat.GUEST
GAME = [
    (HOST, "/game tictactoe"),
    (GUEST, "good luck"),
    (HOST, "5"),
    (GUEST, "1"),
    (HOST, "hmm"),
    (HOST, "3"),
    (GUEST, "2"),
    (HOST, "7"),
    (GUEST, "well played"),
]


def _table(spectators: int) -> Table:
    table = Table("alice", rng=random.Random(0))
    table.sit("bob")
    for n in range(spectators):
        table.watch(f"fan{n}")
    return table


def _game(spectators: int) -> tuple[float, int]:
    """Seconds the table spends on one game, and how many deliveries it returns."""
    table = _table(spectators)
    deliveries = 0
    start = time.perf_counter()
    for seat, line in GAME:
        deliveries += len(table.handle(seat, line))
    return time.perf_counter() - start, deliveries


def main(rounds: int) -> None:
    crowds = (0, 1, SPECTATOR_LIMIT)
    seconds: dict[int, list[float]] = {crowd: [] for crowd in crowds}
    deliveries: dict[int, set[int]] = {crowd: set() for crowd in crowds}
    for _ in range(rounds):
        for crowd in crowds:
            spent, count = _game(crowd)
            seconds[crowd].append(spent)
            deliveries[crowd].add(count)
    median = {crowd: statistics.median(seconds[crowd]) for crowd in crowds}
    for crowd in crowds:
        print(
            f"one game, {crowd:2} watching: median {median[crowd] * 1e3:.3f} ms, "
            f"deliveries {sorted(deliveries[crowd])}"
        )
    ratio = median[SPECTATOR_LIMIT] / median[1]
    print(f"{SPECTATOR_LIMIT} watching / 1 watching: {ratio:.2f} (target ≤ 1.5)")
    print(f"1 watching / nobody: {median[1] / median[0]:.2f} (the spectators' own boards)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
