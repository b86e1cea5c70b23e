"""The bots: perfect tic-tac-toe (proven exhaustively), the m,n,k heuristic, the hangman guesser."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import gomoku_bot, perfect_bot
from game.hangman import HangmanState
from game.hangman_bot import choose_guess, consistent_words
from game.mnk import GOMOKU, TICTACTOE, MnkRules, MnkState, completes_line
from game.outcome import Termination
from game.table import Kind, Seat, Table
from game.words import shipped_words


@pytest.mark.parametrize("bot_player", [0, 1])
def test_perfect_bot_never_loses_against_any_line(bot_player: int) -> None:
    """Walk every opponent reply; the bot plays every one of its best moves (so any tie-break is
    covered). Memoised on the position, so the whole tree is a few thousand states."""
    seen: dict[tuple[int, int], None] = {}

    def walk(state: MnkState) -> None:
        key = (state.x, state.o)
        if key in seen:
            return
        seen[key] = None
        if state.outcome is not None:
            assert state.outcome.winner != 1 - bot_player, state.render()
            return
        if state.turn == bot_player:
            moves = perfect_bot.best_moves(state)
            assert moves and all(m in state.legal_moves() for m in moves)
        else:
            moves = state.legal_moves()
        for move in moves:
            walk(state.play(move))

    walk(MnkState())
    assert len(seen) > 100


def test_perfect_bot_takes_the_fastest_win_and_blocks() -> None:
    # X: a1 b1, O: a2 b2, X to move: c1 wins now (c3 would be slower)
    state = MnkState(x=0b000_000_011, o=0b000_011_000)
    assert perfect_bot.best_moves(state) == [2]
    # O to move must block c1 (X threatens a1 b1 c1)
    state = MnkState(x=0b000_000_011, o=0b000_010_000)
    assert state.turn == 1
    assert perfect_bot.best_moves(state) == [2]


def test_perfect_bot_prefers_the_slowest_loss() -> None:
    # X a1 a2, O b1, O to move: lost (after the block at a3, X still forks), but a3 makes X
    # wait; every other move lets X complete the a column at once. With every move a loss, only
    # the preference for the slowest loss singles out a3.
    state = MnkState(x=0b000_001_001, o=0b000_000_010)
    assert state.turn == 1 and perfect_bot.position_value(state) < 0
    for move in state.legal_moves():
        after = state.play(move)
        x_wins_at_once = any(
            completes_line(TICTACTOE, after.x | 1 << c, c) for c in after.legal_moves()
        )
        assert x_wins_at_once == (move != state.parse_move("a3"))
    assert perfect_bot.best_moves(state) == [state.parse_move("a3")]
    assert perfect_bot.position_value(state.play(6)) > 0  # X still wins, just later


def test_perfect_bot_ties_use_the_rng_and_refuse_other_boards() -> None:
    moves = {perfect_bot.choose_move(MnkState(), random.Random(seed)) for seed in range(40)}
    assert len(moves) > 3
    with pytest.raises(ValueError):
        perfect_bot.best_moves(MnkState(MnkRules(4, 4, 3)))


def test_perfect_bot_cold_and_warm_agree() -> None:
    state = MnkState().play(0)
    warm = perfect_bot.best_moves(state)
    perfect_bot.clear_memo()
    assert perfect_bot.best_moves(state) == warm


def _place(rules: MnkRules, xs: list[str], os: list[str]) -> MnkState:
    state = MnkState(rules)
    x = sum(1 << state.parse_move(t) for t in xs)
    o = sum(1 << state.parse_move(t) for t in os)
    return MnkState(rules, x, o)


def test_gomoku_bot_wins_blocks_and_stops_open_threes() -> None:
    rng = random.Random(0)
    # X to move with four in a row: must complete it rather than block O's four.
    state = _place(GOMOKU, ["d4", "e4", "f4", "g4"], ["d5", "e5", "f5", "g5"])
    assert state.turn == 0
    assert gomoku_bot.choose_move(state, rng) in {state.parse_move("c4"), state.parse_move("h4")}
    # O to move, X threatens h4 only (c4 blocked): block it.
    state = _place(GOMOKU, ["d4", "e4", "f4", "g4", "a1"], ["c4", "d5", "e6", "o15"])
    assert state.turn == 1
    assert gomoku_bot.choose_move(state, rng) == state.parse_move("h4")
    # O to move, X has an open three d4 e4 f4: O must stop it at c4 or g4 (or b4/h4 leaves a
    # four, so only the adjacent ends are accepted here).
    state = _place(GOMOKU, ["d4", "e4", "f4"], ["k10", "l11"])
    assert gomoku_bot.choose_move(state, rng) in {state.parse_move("c4"), state.parse_move("g4")}


def test_gomoku_bot_makes_its_open_four_before_stopping_an_open_three() -> None:
    # X to move: X's open four wins before O's open three can become five.
    state = _place(GOMOKU, ["d4", "e4", "f4"], ["h8", "i8", "j8"])
    assert state.turn == 0
    move = gomoku_bot.choose_move(state, random.Random(0))
    assert move in {state.parse_move("c4"), state.parse_move("g4")}


def test_gomoku_bot_stops_an_open_three_rather_than_make_a_double_three() -> None:
    # X to move could make a double three at l8 (j8 k8 l8 and l8 l9 l10), but O's open three
    # d4 e4 f4 would become an open four first and win: X must stop it.
    state = _place(GOMOKU, ["j8", "k8", "l9", "l10", "a15"], ["d4", "e4", "f4", "b14", "c13"])
    assert state.turn == 0
    for seed in range(5):
        move = gomoku_bot.choose_move(state, random.Random(seed))
        assert move in {state.parse_move("c4"), state.parse_move("g4")}, state.move_text(move)


def test_gomoku_bot_makes_a_four_three_before_stopping_an_open_three() -> None:
    # X to move: m8 makes a four (j8–m8, i8 is O's) and an open three (m8 m9 m10): O must answer
    # the four, and X's three then becomes an open four — faster than O's open three d4 e4 f4.
    state = _place(GOMOKU, ["j8", "k8", "l8", "m9", "m10"], ["d4", "e4", "f4", "i8", "a15"])
    assert state.turn == 0
    assert gomoku_bot.choose_move(state, random.Random(0)) == state.parse_move("m8")


def test_gomoku_bot_opens_in_the_centre_and_honours_the_clock() -> None:
    assert gomoku_bot.choose_move(MnkState(GOMOKU), random.Random(1)) == 7 * 15 + 7
    ticks = iter(range(1000))
    budget = gomoku_bot.Budget(clock=lambda: float(next(ticks)), time_limit=2.5)
    state = _place(GOMOKU, ["h8", "i9"], ["h9"])
    assert gomoku_bot.choose_move(state, random.Random(1), budget) in state.legal_moves()
    assert next(ticks) < 10  # stopped after a few candidates


def test_gomoku_bot_beats_a_random_player() -> None:
    rng = random.Random(2)
    state = MnkState(GOMOKU)
    while state.outcome is None:
        if state.turn == 0:
            state = state.play(gomoku_bot.choose_move(state, rng))
        else:
            state = state.play(rng.choice(state.legal_moves()))
    assert state.outcome.winner == 0
    assert state.outcome.termination is Termination.LINE_COMPLETED


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 9), st.integers(3, 9), st.integers(3, 5), st.randoms(use_true_random=False))
def test_heuristic_bot_always_takes_a_win_and_blocks_a_loss(m, n, k, rnd) -> None:
    rules = MnkRules(m, n, min(k, max(m, n)))
    state = MnkState(rules)
    while state.outcome is None:
        move = gomoku_bot.choose_move(state, rnd)
        assert move in state.legal_moves()
        mine, theirs = (state.x, state.o) if state.turn == 0 else (state.o, state.x)
        empties = state.legal_moves()
        if any(completes_line(rules, mine | 1 << c, c) for c in empties):
            assert completes_line(rules, mine | 1 << move, move)
        elif any(completes_line(rules, theirs | 1 << c, c) for c in empties):
            assert completes_line(rules, theirs | 1 << move, move)
        # the bot plays one side (checked at each of its moves), a random player the other,
        # which makes varied positions
        state = state.play(move)
        if state.outcome is None:
            state = state.play(rnd.choice(state.legal_moves()))


def test_hangman_bot_counts_consistent_words() -> None:
    words = ["cart", "care", "core", "bore", "cute"]
    state = HangmanState.set_by("core")
    state = state.play(state.parse_move("c")).play(state.parse_move("z"))
    view = state.view(1)
    guessed = frozenset(view.guessed)
    assert consistent_words(tuple(view.pattern), guessed, words) == ["cart", "care", "core", "cute"]
    assert choose_guess(view, words) == "e"  # in care, core, cute
    state = state.play(state.parse_move("e")).play(state.parse_move("o"))
    assert choose_guess(state.view(1), words) == "core"  # only one word fits


def test_hangman_bot_falls_back_to_english_frequency() -> None:
    state = HangmanState.set_by("xy zq")
    assert choose_guess(state.view(1), ["long", "words"]) == "e"
    state = state.play(state.parse_move("e"))
    assert choose_guess(state.view(1), []) == "t"


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(shipped_words()[:300]))
def test_hangman_bot_only_makes_legal_guesses(secret: str) -> None:
    state = HangmanState.set_by(secret)
    while state.outcome is None:
        guess = choose_guess(state.view(1), shipped_words())
        assert all(c in string.ascii_lowercase for c in guess)
        state = state.play(state.parse_move(guess))
    assert state.outcome.termination in {Termination.WORD_GUESSED, Termination.GALLOWS_COMPLETE}


@pytest.mark.parametrize("secret", ["dogs'", "-dogs", "rock-", "'tis", "dogs -"])
def test_hangman_bot_guesses_the_whole_answer_with_its_separators(secret: str) -> None:
    word = secret.strip(" -'")
    state = HangmanState.set_by(secret)
    for letter in word[:-1]:
        state = state.play(state.parse_move(letter))
    guess = choose_guess(state.view(1), [word, "zzzzzz"])
    assert guess == secret  # the separators kept, so it is a valid whole-answer guess
    assert state.play(state.parse_move(guess)).outcome is not None


@st.composite
def edge_secrets(draw: st.DrawFn) -> str:
    """Secrets from the shipped list, sometimes with a separator at either end or inside."""
    words = draw(st.lists(st.sampled_from(shipped_words()[:200]), min_size=1, max_size=2))
    text = draw(st.sampled_from(" -'")).join(words)
    return draw(st.sampled_from(["", "-", "'"])) + text + draw(st.sampled_from(["", "-", "'"]))


@settings(max_examples=60, deadline=None)
@given(edge_secrets(), st.randoms(use_true_random=False))
def test_bot_guessing_at_the_table_never_raises(secret: str, rnd: random.Random) -> None:
    table = Table("alice", rng=rnd, words=shipped_words())
    out = table.handle(Seat.HOST, f'/game hangman "{secret}"')  # alone: the bot guesses at once
    assert [d.shown.kind for d in out].count(Kind.RESULT) == 1  # only the host is there to see it


def test_a_bot_mistake_never_raises_out_of_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("game.hangman_game.choose_guess", lambda view, words: "not-a-guess!")
    monkeypatch.setattr("game.mnk_game.perfect_bot.choose_move", lambda state, rng: 99)
    table = Table("alice", rng=random.Random(0), words=["apple"])
    out = table.handle(Seat.HOST, "/game hangman zebra")  # the bot guesses alone
    assert [d.shown.kind for d in out].count(Kind.RESULT) == 1
    table.handle(Seat.HOST, "/game tictactoe")
    out = table.handle(Seat.HOST, "5")
    assert "bot played a1" in [d.shown.text for d in out]
