"""The last move and the winning line are marked in the board text itself, so they
read without color (a terminal may color the same marks). The pictures are the spec."""

from __future__ import annotations

import random
import textwrap

from game.mnk import GOMOKU, MnkRules, MnkState
from game.table import Kind, Table
from tests.game.support import GUEST, HOST, lines

EMPTY_GOMOKU_ROWS = "\n".join(f"{r:>2}  {' '.join('.' * 15)}  {r}" for r in range(2, 11))


def _play(state: MnkState, moves: str) -> MnkState:
    for move in moves.split():
        state = state.play(state.parse_move(move))
    return state


def test_the_last_move_is_in_parentheses_on_3x3() -> None:
    assert _play(MnkState(), "b2 a1").render() == textwrap.dedent(
        """\
           a   b   c
        1 (O)| 2 | 3
          ---+---+---
        2  4 | X | 6
          ---+---+---
        3  7 | 8 | 9"""
    )
    assert _play(MnkState(), "b2 c3").render().splitlines()[-1] == "3  7 | 8 |(O)"


def test_the_winning_line_is_in_brackets_on_3x3_and_outranks_the_last_move() -> None:
    assert _play(MnkState(), "a1 a2 b1 b2 c1").render() == textwrap.dedent(
        """\
           a   b   c
        1 [X]|[X]|[X]
          ---+---+---
        2  O | O | 6
          ---+---+---
        3  7 | 8 | 9"""
    )


def test_a_diagonal_win_on_gomoku_brackets_each_stone() -> None:
    state = _play(MnkState(GOMOKU), "a11 a1 b12 b1 c13 c1 d14 d1 e15")
    assert state.render() == textwrap.dedent(
        """\
            a b c d e f g h i j k l m n o
         1  O O O O . . . . . . . . . . .  1
        {empty}
        11 [X]. . . . . . . . . . . . . .  11
        12  .[X]. . . . . . . . . . . . .  12
        13  . .[X]. . . . . . . . . . . .  13
        14  . . .[X]. . . . . . . . . . .  14
        15  . . . .[X]. . . . . . . . . .  15
            a b c d e f g h i j k l m n o"""
    ).format(empty=EMPTY_GOMOKU_ROWS)


def test_a_row_win_on_gomoku_shares_one_pair_of_brackets() -> None:
    state = _play(MnkState(GOMOKU), "k11 a1 l11 b1 m11 c1 n11 d1 o11")
    row = state.render().splitlines()[11]
    assert row == "11  . . . . . . . . . .[X X X X X] 11"


def test_a_game_not_won_by_a_line_marks_only_the_last_move() -> None:
    state = _play(MnkState(MnkRules(5, 4, 4)), "a1 a4 a2 e4 a3 b4 d1 c4").resign(0)
    assert state.render().splitlines() == [
        "    a b c d e",
        " 1  X . . X .  1",
        " 2  X . . . .  2",
        " 3  X . . . .  3",
        " 4  O O(O). O  4",
        "    a b c d e",
    ]
    assert MnkState(GOMOKU).render().splitlines()[8] == " 8  . . . . . . . . . . . . . . .  8"


def test_each_player_reads_their_own_result() -> None:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    table.sit("bob")
    table.handle(HOST, "/game tictactoe")
    out = []
    for seat, move in [(HOST, "1"), (GUEST, "4"), (HOST, "2"), (GUEST, "5"), (HOST, "3")]:
        out = table.handle(seat, move)
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: alice wins — 3 in a row — you win"]
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: alice wins — 3 in a row — you lose"]
    assert lines(out, GUEST, Kind.BOARD)[0].splitlines()[1] == "1 [X]|[X]|[X]"


def test_someone_watching_a_bot_game_reads_it_plainly() -> None:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    table.handle(HOST, "/game tictactoe")
    table.sit("bob")
    out = table.handle(HOST, "/resign")
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: alice resigned — bot wins — you lose"]
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: alice resigned — bot wins"]
