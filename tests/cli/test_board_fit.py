"""cli.board_fit: a move's board on a terminal too short for it and some chat."""

from __future__ import annotations

import textwrap

from cli.board_fit import KEPT_ROWS, BoardFit, compact_board
from game.mnk import GOMOKU, MnkRules, MnkState

CENTRE = 7 * 15 + 7


def _gomoku(*moves: int) -> str:
    state = MnkState(GOMOKU)
    for move in moves:
        state = state.play(move)
    return state.render()


def test_a_compact_board_is_the_letters_and_the_row_of_the_last_move() -> None:
    assert compact_board(_gomoku(CENTRE, CENTRE + 16)) == textwrap.dedent("""\
            a b c d e f g h i j k l m n o
         9  . . . . . . . .(O). . . . . .  9
        (the row of the last move — /board shows the whole board)""")
    compact = compact_board(_gomoku(0))  # a1: the top row
    assert compact is not None and compact.splitlines()[1].startswith(" 1 (X)")


def test_nothing_is_left_out_of_small_new_or_won_boards() -> None:
    assert compact_board(MnkState().play(4).render()) is None  # 3×3
    assert compact_board(MnkState(MnkRules(7, 7, 4)).play(0).render()) is None  # 7 rows
    assert compact_board(_gomoku()) is None  # no move yet
    won = _gomoku(0, 15, 1, 16, 2, 17, 3, 18, 4)  # five in a row on a1–e1
    assert compact_board(won) is None


def test_a_short_terminal_gets_the_compact_board_unless_board_was_typed() -> None:
    fit, board = BoardFit(), _gomoku(CENTRE)
    assert fit.fitted("board", board, 24) == compact_board(board)
    assert fit.fitted("board", board, 17 + KEPT_ROWS) == board  # tall enough
    assert fit.fitted("board", board, None) == board  # not a terminal
    fit.typed(" /Board")
    assert fit.fitted("board", board, 24) == board  # asked for: whole
    assert fit.fitted("board", board, 24) == compact_board(board)  # once
    fit.typed("//board is chat")
    assert fit.fitted("board", board, 24) == compact_board(board)
    assert fit.fitted("notice", "x (X) y", 5) == "x (X) y"


def test_a_hangman_picture_is_never_cut() -> None:
    picture = "\n".join(["  +---+"] * 8 + ["misses:  none  (6 of 6 left)"])
    assert BoardFit().fitted("board", picture, 5) == picture
