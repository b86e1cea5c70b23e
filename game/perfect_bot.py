"""A perfect tic-tac-toe player: negamax over the 3×3 state with a memo.

It never loses from any reachable position, takes the fastest win and the slowest loss, and picks
among equally good moves with the injected ``random.Random``.

Speed: the state key is the two 9-bit stone masks packed into one ``int`` (side to move first),
and the memo is a plain module-level ``dict`` shared by every game in the process. The first
call from the empty board fills it (a few thousand positions, tens of milliseconds at most); every
later move is at most nine dictionary look-ups.
"""

from __future__ import annotations

import random

from game.mnk import TICTACTOE, MnkState

_FULL = 0b111_111_111
_LINES = (
    0b000_000_111,
    0b000_111_000,
    0b111_000_000,
    0b001_001_001,
    0b010_010_010,
    0b100_100_100,
    0b100_010_001,
    0b001_010_100,
)

# key: mover | other << 9  ->  value for the player to move (see _negamax). Module-level on
# purpose: positions are the same in every game, so one process computes them once.
_memo: dict[int, int] = {}


def clear_memo() -> None:
    """Forget every evaluated position (for benchmarks that want a cold start)."""
    _memo.clear()


def _won(stones: int) -> bool:
    return any(stones & line == line for line in _LINES)


def _negamax(mover: int, other: int) -> int:
    """Value of the position for the player to move.

    ``other`` has just moved. A win is worth ``1 + empty cells left`` to the winner, so an earlier
    win scores higher and a later loss hurts less: maximising this gives the fastest win and the
    slowest loss. A draw is 0.
    """
    key = mover | other << 9
    value = _memo.get(key)
    if value is not None:
        return value
    taken = mover | other
    if _won(other):
        value = -(10 - taken.bit_count())
    elif taken == _FULL:
        value = 0
    else:
        value = -100
        free = _FULL & ~taken
        while free:
            bit = free & -free
            free ^= bit
            score = -_negamax(other, mover | bit)
            if score > value:  # noqa: PLR1730 -- a plain comparison beats calling max() here
                value = score
    _memo[key] = value
    return value


def best_moves(state: MnkState) -> list[int]:
    """Every move of the player to move that achieves the best value, in cell order.

    Raises:
        ValueError: the state is not classic 3×3 tic-tac-toe, or the game is over.
    """
    if state.rules != TICTACTOE:
        raise ValueError("the perfect bot only plays 3×3 tic-tac-toe")
    if state.outcome is not None:
        raise ValueError("the game is over")
    mover, other = (state.x, state.o) if state.turn == 0 else (state.o, state.x)
    best: list[int] = []
    best_value = -100
    free = _FULL & ~(mover | other)
    while free:
        bit = free & -free
        free ^= bit
        score = -_negamax(other, mover | bit)
        if score > best_value:
            best_value, best = score, [bit.bit_length() - 1]
        elif score == best_value:
            best.append(bit.bit_length() - 1)
    return best


def choose_move(state: MnkState, rng: random.Random) -> int:
    """The move the perfect bot plays: a best move, ties broken with ``rng``."""
    moves = best_moves(state)
    return moves[0] if len(moves) == 1 else rng.choice(moves)


def position_value(state: MnkState) -> int:
    """The negamax value of ``state`` for the player to move (0 means a draw with best play)."""
    mover, other = (state.x, state.o) if state.turn == 0 else (state.o, state.x)
    return _negamax(mover, other)
