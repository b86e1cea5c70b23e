"""A heuristic player for m,n,k boards too big to search (gomoku and friends).

How it picks a move, in order:

1. take an immediate win if there is one;
2. otherwise block the opponent's immediate win (one of them, if there are several);
3. otherwise score the empty cells near the stones by the threats a stone there would make for
   itself (attack) and would take away from the opponent (defence) — five, open four (two ways to
   complete), four, open three (one stone from an open four) — and play the best, ties broken with
   the injected ``random.Random``. From the weights below, in falling order:

   a. making an open four of one's own (it cannot be stopped);
   b. an attack with two threats of which one is a four (four-three, double four): the four must
      be answered at once, and the other threat then becomes an open four;
   c. taking the cell where the opponent would make an open four, i.e. stopping their open three
      (once it is an open four it cannot be stopped);
   d. a double three of one's own — it must not outrank (c): the opponent's open four would come
      first;
   e. taking a cell where the opponent would make two threats at once;
   f. single fours and open threes, one's own a little ahead of the opponent's;
   g. a small positional score (open windows through the cell) to separate quiet moves.

It answers within a budget: at most ``max_candidates`` cells are scored in step 3 (a deterministic
budget, since game/ reads no clock), and optionally a caller-supplied ``clock`` callable with a
``time_limit`` in seconds stops scoring early and returns the best so far. Steps 1 and 2 always run
in full, so a win is never missed and a loss never left open for lack of time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from game.mnk import MnkState, completes_line

_DIRECTIONS = ((0, 1), (1, 0), (1, 1), (1, -1))
_EMPTY, _MINE, _BLOCKED = 0, 1, -1

# Threat levels of one direction through a cell, once a stone is put there.
NONE, OPEN_THREE, FOUR, OPEN_FOUR, FIVE = range(5)
_ATTACK = {NONE: 0, OPEN_THREE: 12_000, FOUR: 15_000, OPEN_FOUR: 10_000_000, FIVE: 10**12}
_DEFENCE = {NONE: 0, OPEN_THREE: 9_000, FOUR: 11_000, OPEN_FOUR: 1_000_000, FIVE: 10**10}
# Two threats in different directions at once. With a four among them (four-three, double four)
# they win by force even against an open three (the four must be answered first), so they rank
# just below an open four of one's own and above stopping the opponent's open three
# (_DEFENCE[OPEN_FOUR]). A double three is one tempo slower: it ranks below stopping an open three.
_ATTACK_COMBO_WITH_FOUR = 3_000_000
_ATTACK_DOUBLE_THREE = 800_000
_DEFENCE_COMBO = 500_000


@dataclass(frozen=True)
class Budget:
    """How much work one move may take.

    Attributes:
        max_candidates: at most this many cells are scored: the empty cells within two steps of
            a stone, the most crowded first (most stones around them, adjacent ones counting
            double), so on a crowded board the quietest cells are the ones left out.
        clock: optional monotonic clock (seconds); with it, scoring stops after ``time_limit``.
        time_limit: seconds allowed when ``clock`` is given.
    """

    max_candidates: int = 400
    clock: Callable[[], float] | None = None
    time_limit: float = 0.5


def choose_move(state: MnkState, rng: random.Random, budget: Budget | None = None) -> int:
    """The heuristic bot's move in ``state`` (any m,n,k board).

    Raises:
        ValueError: the game is over.
    """
    if state.outcome is not None or state.turn is None:
        raise ValueError("the game is over")
    budget = budget or Budget()
    rules = state.rules
    mine, theirs = (state.x, state.o) if state.turn == 0 else (state.o, state.x)
    if not mine | theirs:
        return (rules.n // 2) * rules.m + rules.m // 2  # the centre: most lines through it
    candidates = _candidates(state)
    for stones in (mine, theirs):  # win first, then block
        wins = [c for c in candidates if completes_line(rules, stones | 1 << c, c)]
        if wins:
            return wins[0] if len(wins) == 1 else rng.choice(wins)
    start = budget.clock() if budget.clock is not None else 0.0
    best: list[int] = []
    best_score = -1
    for count, cell in enumerate(candidates[: budget.max_candidates]):
        if budget.clock is not None and count and budget.clock() - start > budget.time_limit:
            break
        score = _score(state, mine, theirs, cell)
        if score > best_score:
            best_score, best = score, [cell]
        elif score == best_score:
            best.append(cell)
    return best[0] if len(best) == 1 else rng.choice(best)


def _candidates(state: MnkState) -> list[int]:
    """Empty cells within two steps of a stone, most crowded neighbourhoods first."""
    m, n = state.rules.m, state.rules.n
    taken = state.x | state.o
    near: dict[int, int] = {}
    for cell in range(m * n):
        if not taken >> cell & 1:
            continue
        row, col = divmod(cell, m)
        for r in range(max(0, row - 2), min(n, row + 3)):
            for c in range(max(0, col - 2), min(m, col + 3)):
                other = r * m + c
                if not taken >> other & 1:
                    # adjacent cells weigh more than cells two steps away
                    weight = 2 if abs(r - row) <= 1 and abs(c - col) <= 1 else 1
                    near[other] = near.get(other, 0) + weight
    return sorted(near, key=lambda cell: (-near[cell], cell))


def _score(state: MnkState, mine: int, theirs: int, cell: int) -> int:
    attack = [_threat(state, mine, theirs, cell, d) for d in _DIRECTIONS]
    defence = [_threat(state, theirs, mine, cell, d) for d in _DIRECTIONS]
    score = sum(_ATTACK[level] for level in attack) + sum(_DEFENCE[level] for level in defence)
    if sum(level >= OPEN_THREE for level in attack) >= 2:
        score += _ATTACK_COMBO_WITH_FOUR if max(attack) >= FOUR else _ATTACK_DOUBLE_THREE
    if sum(level >= OPEN_THREE for level in defence) >= 2:
        score += _DEFENCE_COMBO
    return score + _shape(state, mine, theirs, cell) + _shape(state, theirs, mine, cell)


def _segment(
    state: MnkState, own: int, other: int, cell: int, direction: tuple[int, int]
) -> list[int]:
    """The 2k-1 cells centred on ``cell`` along ``direction`` as EMPTY / MINE / BLOCKED, with a
    stone of ``own`` assumed on ``cell``; off-board counts as blocked."""
    m, n, k = state.rules.m, state.rules.n, state.rules.k
    row, col = divmod(cell, m)
    dr, dc = direction
    line = []
    for i in range(-(k - 1), k):
        r, c = row + i * dr, col + i * dc
        if not (0 <= r < n and 0 <= c < m):
            line.append(_BLOCKED)
            continue
        index = r * m + c
        if i == 0 or own >> index & 1:
            line.append(_MINE)
        elif other >> index & 1:
            line.append(_BLOCKED)
        else:
            line.append(_EMPTY)
    return line


def _completions(line: list[int], k: int) -> set[int]:
    """Empty positions of ``line`` that would complete k in a row through its centre."""
    centre = k - 1
    found: set[int] = set()
    for start in range(centre - k + 1, centre + 1):
        window = line[start : start + k]
        if _BLOCKED in window or window.count(_MINE) != k - 1:
            continue
        found.add(start + window.index(_EMPTY))
    return found


def _threat(state: MnkState, own: int, other: int, cell: int, direction: tuple[int, int]) -> int:
    """The threat level ``own`` gets along ``direction`` by playing ``cell``."""
    k = state.rules.k
    line = _segment(state, own, other, cell, direction)
    centre = k - 1
    run = 1
    for step in (1, -1):
        i = centre + step
        while 0 <= i < len(line) and line[i] == _MINE:
            run += 1
            i += step
    if run >= k:
        return FIVE
    completions = _completions(line, k)
    if len(completions) >= 2:
        return OPEN_FOUR
    if completions:
        return FOUR
    for i, value in enumerate(line):
        if value == _EMPTY:
            line[i] = _MINE
            opens = len(_completions(line, k)) >= 2
            line[i] = _EMPTY
            if opens:
                return OPEN_THREE
    return NONE


def _shape(state: MnkState, own: int, other: int, cell: int) -> int:
    """A small positional score: how many open windows through ``cell`` ``own`` would fill, and
    how full they are. Separates quiet moves when there are no threats."""
    k = state.rules.k
    total = 0
    for direction in _DIRECTIONS:
        line = _segment(state, own, other, cell, direction)
        for start in range(k):
            window = line[start : start + k]
            if _BLOCKED not in window:
                total += 4 ** window.count(_MINE)
    return total
