"""Rules, notation and pictures of the m,n,k engine (tic-tac-toe, gomoku and friends)."""

from __future__ import annotations

import functools
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.errors import GameError, IllegalMoveError, MoveSyntaxError
from game.mnk import GOMOKU, TICTACTOE, MnkRules, MnkState
from game.outcome import Outcome, Termination


def test_exhaustive_3x3_counts() -> None:
    """Every move sequence from the empty board: 255,168 games, 5,478 reachable positions."""
    positions: set[tuple[int, int]] = set()

    @functools.cache
    def count(state: MnkState) -> tuple[int, int, int, int]:
        positions.add((state.x, state.o))
        if state.outcome is not None:
            winner = state.outcome.winner
            return (1, int(winner == 0), int(winner == 1), int(winner is None))
        totals = [0, 0, 0, 0]
        for move in state.legal_moves():
            for i, n in enumerate(count(state.play(move))):
                totals[i] += n
        return (totals[0], totals[1], totals[2], totals[3])

    assert count(MnkState()) == (255_168, 131_184, 77_904, 46_080)
    assert len(positions) == 5_478


def test_empty_board_shows_cell_numbers() -> None:
    assert MnkState().render() == textwrap.dedent(
        """\
           a   b   c
        1  1 | 2 | 3
          ---+---+---
        2  4 | 5 | 6
          ---+---+---
        3  7 | 8 | 9"""
    )


def test_board_with_stones() -> None:
    state = MnkState()
    for text in ("b2", "1", "C3"):
        state = state.play(state.parse_move(text))
    assert state.render(0) == textwrap.dedent(
        """\
           a   b   c
        1  O | 2 | 3
          ---+---+---
        2  4 | X | 6
          ---+---+---
        3  7 | 8 |(X)"""
    )
    assert state.turn == 1


def test_gomoku_picture_has_letters_and_numbers_on_the_edges() -> None:
    state = MnkState(GOMOKU)
    state = state.play(state.parse_move("h8")).play(state.parse_move("O15"))
    lines = state.render().splitlines()
    assert lines[0] == "    a b c d e f g h i j k l m n o"
    assert lines[1] == " 1  . . . . . . . . . . . . . . .  1"
    assert lines[8] == " 8  . . . . . . . X . . . . . . .  8"
    assert lines[15] == "15  . . . . . . . . . . . . . .(O) 15"  # the last move
    assert lines[16] == lines[0]
    assert len(lines) == 17


def test_small_non_square_picture() -> None:
    state = MnkState(MnkRules(4, 3, 3))
    # Spelled out line by line: textwrap.dedent would eat the leading space of " 1".
    assert state.render().splitlines() == [
        "    a b c d",
        " 1  . . . .  1",
        " 2  . . . .  2",
        " 3  . . . .  3",
        "    a b c d",
    ]


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("b22", IllegalMoveError, "no such cell b22"),
        ("d1", IllegalMoveError, "no such cell d1"),
        ("0", IllegalMoveError, "no such cell 0: cells are 1–9"),
        ("10", IllegalMoveError, "no such cell 10"),
        ("zz", MoveSyntaxError, "that is not a cell"),
        ("", MoveSyntaxError, "that is not a cell"),
        ("b 2", MoveSyntaxError, "that is not a cell"),
    ],
)
def test_bad_cells_are_explained(text: str, error: type[GameError], message: str) -> None:
    with pytest.raises(error, match=message):
        MnkState().parse_move(text)


def test_taken_cell_and_finished_game() -> None:
    state = MnkState().play(4)
    with pytest.raises(IllegalMoveError, match="b2 is already taken"):
        state.parse_move("5")
    for move in (0, 8, 1, 7):  # O a1, X c3, O b1, X b3: X has no line, O to move
        state = state.play(move)
    state = state.play(2)  # O completes a1 b1 c1
    assert state.outcome == Outcome(1, Termination.LINE_COMPLETED)
    assert state.turn is None and state.legal_moves() == []
    with pytest.raises(IllegalMoveError, match="the game is over"):
        state.parse_move("4")


def test_gomoku_needs_coordinates() -> None:
    with pytest.raises(MoveSyntaxError, match="coordinate"):
        MnkState(GOMOKU).parse_move("5")
    assert MnkState(GOMOKU).parse_move("a1") == 0
    assert MnkState(GOMOKU).parse_move("o15") == 224


def test_move_attempt_shapes() -> None:
    state = MnkState()
    for text in ("5", "b2", "B22", " a1 ", "999"):
        assert state.is_move_attempt(text)
    for text in ("hi", "b2!", "5 apples", "ab2", ""):
        assert not state.is_move_attempt(text)


@pytest.mark.parametrize("text", ["５", "٣", "b٢", "ｂ2", "\u00a05", "b²"])
def test_only_ascii_digits_and_letters_make_a_cell(text: str) -> None:
    state = MnkState()
    assert not state.is_move_attempt(text)  # so the table sends it as chat
    with pytest.raises(MoveSyntaxError, match="not a cell"):
        state.parse_move(text)


def test_resign_and_abandon() -> None:
    state = MnkState().play(0)
    assert state.resign(1).outcome == Outcome(0, Termination.RESIGNED)
    assert state.abandon().outcome == Outcome(None, Termination.ABANDONED)
    assert not state.abandon().outcome.is_draw  # type: ignore[union-attr]


@pytest.mark.parametrize(("m", "n", "k"), [(2, 3, 3), (3, 27, 3), (3, 3, 4), (3, 3, 2)])
def test_rules_validation(m: int, n: int, k: int) -> None:
    with pytest.raises(ValueError):
        MnkRules(m, n, k)


def test_names() -> None:
    assert TICTACTOE.name == "tictactoe"
    assert GOMOKU.name == "gomoku"
    assert MnkRules(4, 4, 3).name == "tictactoe 4x4 k=3"


def _has_line(rules: MnkRules, stones: int) -> bool:
    """Independent check: scan every cell and direction for k in a row."""
    m, n, k = rules.m, rules.n, rules.k
    for r in range(n):
        for c in range(m):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                cells = [(r + i * dr, c + i * dc) for i in range(k)]
                if all(
                    0 <= rr < n and 0 <= cc < m and stones >> (rr * m + cc) & 1 for rr, cc in cells
                ):
                    return True
    return False


@st.composite
def games(draw: st.DrawFn) -> tuple[MnkRules, list[int]]:
    m = draw(st.integers(3, 15))
    n = draw(st.integers(3, 15))
    k = draw(st.integers(3, min(6, max(m, n))))
    rules = MnkRules(m, n, k)
    state = MnkState(rules)
    order = draw(st.permutations(range(rules.cells)))
    moves: list[int] = []
    for move in order:
        if state.outcome is not None:
            break
        moves.append(move)
        state = state.play(move)
    return rules, moves


@settings(max_examples=40, deadline=None)
@given(games())
def test_random_games_keep_invariants(game: tuple[MnkRules, list[int]]) -> None:
    rules, moves = game
    state = MnkState(rules)
    for i, move in enumerate(moves):
        assert state.outcome is None
        assert state.turn == i % 2
        assert move in state.legal_moves()
        text = state.move_text(move)
        assert state.parse_move(text) == move
        assert state.parse_move(text.upper()) == move
        if rules.numbered:
            assert state.parse_move(str(move + 1)) == move
        before = state
        state = state.play(move)
        assert before.at(move) is None  # immutability: the old state is unchanged
        assert state.x & state.o == 0
        assert state.x.bit_count() - state.o.bit_count() in (0, 1)
        x_line, o_line = _has_line(rules, state.x), _has_line(rules, state.o)
        assert not (x_line and o_line)
        if state.outcome is None:
            assert not x_line and not o_line
            assert (state.x | state.o).bit_count() < rules.cells
        elif state.outcome.termination is Termination.LINE_COMPLETED:
            assert state.outcome.winner == (0 if x_line else 1)
            assert state.outcome.winner == i % 2
        else:
            assert state.outcome == Outcome(None, Termination.BOARD_FULL)
            assert not x_line and not o_line
            assert (state.x | state.o).bit_count() == rules.cells
    assert len(state.render().splitlines()) in (rules.n * 2 - 1 + 1, rules.n + 2)


@settings(max_examples=100, deadline=None)
@given(st.integers(3, 26), st.integers(3, 26), st.data())
def test_every_cell_text_round_trips(m: int, n: int, data: st.DataObject) -> None:
    state = MnkState(MnkRules(m, n, 3))
    move = data.draw(st.integers(0, m * n - 1))
    assert state.is_move_attempt(state.move_text(move))
    assert state.parse_move(state.move_text(move)) == move


@settings(max_examples=40, deadline=None)
@given(games())
def test_the_words_name_every_cell_once_and_agree_with_the_board(
    game: tuple[MnkRules, list[int]],
) -> None:
    rules, moves = game
    state = MnkState(rules)
    for move in moves:
        state = state.play(move)
    parts = dict(part.split(": ", 1) for part in state.describe().split(" · "))
    named = {
        label: [] if cells == "none" else cells.split()
        for label, cells in parts.items()
        if label in ("X", "O", "free")
    }
    every = [cell for cells in named.values() for cell in cells]
    assert sorted(every) == sorted(rules.cell_text(i) for i in range(rules.cells))  # once each
    for label, owner in (("X", 0), ("O", 1), ("free", None)):
        for cell in named[label]:
            index = (int(cell[1:]) - 1) * rules.m + ord(cell[0]) - ord("a")
            assert state.at(index) == owner
    assert named["free"] == (state.free_text().split() if state.free_text() else [])
    if moves:
        assert parts["last move"] == f"{'XO'[(len(moves) - 1) % 2]} {rules.cell_text(moves[-1])}"


def test_the_words_of_a_small_board() -> None:
    state = MnkState().play(4).play(0)
    assert state.describe() == "X: b2 · O: a1 · free: b1 c1 a2 c2 a3 b3 c3 · last move: O a1"
    assert MnkState().describe() == "X: none · O: none · free: a1 b1 c1 a2 b2 c2 a3 b3 c3"
    assert MnkState().last_text() is None
