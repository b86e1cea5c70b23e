"""Bot timings, each printed beside a plain-Python baseline measured in the same run.

Run from the repository root: ``python tests/bench/bench_bots.py``. A script, not a timed test:
machines differ, so the baseline (a bare loop/dict workload of comparable size) shows whether a
slow figure is the code or the machine. Targets (2-core machine): perfect bot cold first move
≤ 25 ms, later moves ≤ 50 µs; gomoku bot answers within 1 s.
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # runnable without installing the project

from game import gomoku_bot, perfect_bot  # noqa: E402
from game.mnk import GOMOKU, MnkState  # noqa: E402


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of ``repeat`` calls."""
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def baseline_fill() -> None:
    """A dict of 5,478 int keys, each written once and read nine times (the cold memo's shape)."""
    memo: dict[int, int] = {}
    for key in range(5478):
        memo[key] = key & 7
        for i in range(9):
            memo.get(key ^ i)


_LOOKUP = {key: key & 7 for key in range(5478)}


def baseline_lookups() -> None:
    """Nine dict look-ups and a comparison each (what a warm move costs at best)."""
    best = -100
    for key in range(9):
        value = _LOOKUP.get(key * 601, 0)
        if value > best:  # noqa: PLR1730 -- mirrors the bot's own loop
            best = value


def baseline_scan() -> None:
    """A bare loop as big as one gomoku move's scoring: ~100 cells × 8 lines × 9 cells × 12."""
    total = 0
    line = [0] * 9
    for cell in range(100):
        for direction in range(8):
            for i in range(9):
                for _ in range(12):
                    total += line[i] + cell + direction


def cold_in_fresh_process() -> float:
    """First move from the empty board in a brand-new interpreter (import time excluded)."""
    code = (
        "import sys, time, random; sys.path.insert(0, sys.argv[1]);"
        "from game import perfect_bot; from game.mnk import MnkState;"
        "s = time.perf_counter(); perfect_bot.choose_move(MnkState(), random.Random(1));"
        "print(time.perf_counter() - s)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT)], capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def later_positions(count: int, rng: random.Random) -> list[MnkState]:
    """Random non-terminal positions with at least one stone."""
    positions: list[MnkState] = []
    while len(positions) < count:
        state = MnkState()
        for _ in range(rng.randint(1, 7)):
            state = state.play(rng.choice(state.legal_moves()))
            if state.outcome is not None:
                break
        if state.outcome is None:
            positions.append(state)
    return positions


def gomoku_move_times(rng: random.Random, moves: int) -> list[float]:
    """Time every bot move of a game against a random opponent (bot is X), up to ``moves``."""
    state, times = MnkState(GOMOKU), list[float]()
    while state.outcome is None and len(times) < moves:
        if state.turn == 0:
            start = time.perf_counter()
            move = gomoku_bot.choose_move(state, rng)
            times.append(time.perf_counter() - start)
        else:
            move = rng.choice(state.legal_moves())
        state = state.play(move)
    return times


def crowded_gomoku(rng: random.Random) -> MnkState:
    """A mid-game 15×15 position with 60 random stones: many candidate cells to score."""
    state = MnkState(GOMOKU)
    while (state.x | state.o).bit_count() < 60 or state.outcome is not None:
        state = MnkState(GOMOKU)
        for _ in range(60):
            state = state.play(rng.choice(state.legal_moves()))
            if state.outcome is not None:
                break
    return state


def row(name: str, seconds: float, baseline: float, target: str) -> None:
    ratio = seconds / baseline if baseline else float("inf")
    print(f"{name:<44} {_fmt(seconds):>10} {_fmt(baseline):>10} {ratio:>8.1f}x  {target}")


def _fmt(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.2f} µs"


def main() -> None:
    """Measure and print."""
    rng = random.Random(2026)
    print(f"python {sys.version.split()[0]} on {sys.platform}")
    print(f"{'measure':<44} {'bot':>10} {'baseline':>10} {'ratio':>9}  target")

    fresh = statistics.median(cold_in_fresh_process() for _ in range(3))
    cold = []
    for _ in range(7):
        perfect_bot.clear_memo()
        cold += timed(lambda: perfect_bot.choose_move(MnkState(), rng), 1)
    fill = statistics.median(timed(baseline_fill, 7))
    row("perfect bot, first move, fresh process", fresh, fill, "<= 25 ms")
    row("perfect bot, first move, memo cleared", statistics.median(cold), fill, "<= 25 ms")

    warm = statistics.median(timed(lambda: perfect_bot.choose_move(MnkState(), rng), 2000))
    lookups = statistics.median(timed(baseline_lookups, 2000))
    row("perfect bot, first move, warm", warm, lookups, "")
    positions = later_positions(2000, rng)
    start = time.perf_counter()
    for state in positions:
        perfect_bot.choose_move(state, rng)
    later = (time.perf_counter() - start) / len(positions)
    row("perfect bot, later moves (mean of 2000)", later, lookups, "<= 50 µs")

    scan = statistics.median(timed(baseline_scan, 5))
    game_times = gomoku_move_times(rng, 60)
    row("gomoku bot vs random, median move", statistics.median(game_times), scan, "")
    row("gomoku bot vs random, slowest move", max(game_times), scan, "<= 1 s")
    crowded = crowded_gomoku(rng)
    crowded_times = timed(lambda: gomoku_bot.choose_move(crowded, rng), 5)
    row("gomoku bot, 60 random stones, slowest of 5", max(crowded_times), scan, "<= 1 s")


if __name__ == "__main__":
    main()
