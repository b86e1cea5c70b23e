"""Hangman rules, the pictures, and that a guesser's view never holds the secret."""

from __future__ import annotations

import re
import string
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.errors import IllegalMoveError, MoveSyntaxError
from game.hangman import Guess, HangmanState, check_secret, gallows
from game.outcome import Outcome, Termination
from tests.game.support import HIDDEN, SEEN


def play(state: HangmanState, *texts: str) -> HangmanState:
    for text in texts:
        state = state.play(state.parse_move(text))
    return state


def test_fresh_guesser_picture() -> None:
    state = HangmanState.set_by("Rock-n'roll")
    assert state.render(1) == textwrap.dedent(
        """\
          +---+
          |   |
              |
              |
              |
              |
        =========
        word:    _ _ _ _ - _ ' _ _ _ _
        guessed: -
        misses:  none  (6 of 6 left)"""
    )
    assert "secret:  rock-n'roll  (only you see this)" in state.render(0)


def test_picture_after_some_guesses() -> None:
    state = play(HangmanState.duel("banana"), "a", "z", "Q", "n")
    assert state.render(0) == textwrap.dedent(
        """\
          +---+
          |   |
          O   |
          |   |
              |
              |
        =========
        word:    _ a n a n a
        guessed: a z q n
        misses:  z, q  (4 of 6 left)"""
    )


def test_all_seven_gallows_stages_differ() -> None:
    stages = ["\n".join(gallows(i)) for i in range(7)]
    assert len(set(stages)) == 7
    assert "\n".join(gallows(6)) == textwrap.dedent(
        """\
          +---+
          |   |
          O   |
         /|\\  |
         / \\  |
              |
        ========="""
    )


@pytest.mark.parametrize("text", ["7", "!", "ß", "Ａ", "é", "e\u0301", " ", "\u212a", "٣"])
def test_non_letters_are_rejected_free(text: str) -> None:
    state = HangmanState.duel("kelvin")
    assert state.is_move_attempt(text) == bool(text.strip())  # decomposed é is one character
    with pytest.raises(MoveSyntaxError, match="one letter a–z"):
        state.parse_move(text)
    assert state.misses == ()


def test_two_letters_and_wrong_shape_are_rejected_free() -> None:
    state = HangmanState.duel("kelvin")
    with pytest.raises(MoveSyntaxError, match=r"same shape as _ _ _ _ _ _ \(6 letters\)"):
        state.parse_move("ab")


def test_repeated_letter_is_already_guessed() -> None:
    state = play(HangmanState.duel("kelvin"), "z", "e")
    for text in ("z", "E"):
        with pytest.raises(IllegalMoveError, match="already guessed"):
            state.parse_move(text)


def test_whole_word_guesses() -> None:
    state = play(HangmanState.set_by("ice cream"), "ice bream")
    assert state.misses == ("ice bream",)
    assert state.turn == 1
    won = play(state, "ICE CREAM")
    assert won.outcome == Outcome(1, Termination.WORD_GUESSED)
    assert "word:    i c e / c r e a m" in won.render(1)  # shown once in the picture
    assert "the answer was" not in won.render(1)


def test_duel_turns_and_the_completing_player_wins() -> None:
    state = play(HangmanState.duel("abba"), "a")
    assert state.turn == 1
    state = play(state, "b")
    assert state.outcome == Outcome(1, Termination.WORD_GUESSED)


def test_gallows_complete() -> None:
    duel = play(HangmanState.duel("quiz"), *"abcdef")
    assert duel.outcome == Outcome(None, Termination.GALLOWS_COMPLETE)
    assert duel.outcome.lost_by_all and not duel.outcome.is_draw  # a loss for both
    setter = play(HangmanState.set_by("quiz"), *"abcdef")
    assert setter.outcome == Outcome(0, Termination.GALLOWS_COMPLETE)
    assert setter.turn is None
    assert "word:    q u i z" in setter.render(1)


@pytest.mark.parametrize("bad", ["", "   ", "123", "abc1", "naïve", "a  b", "x" * 41])
def test_bad_secrets_are_refused_without_repeating_them(bad: str) -> None:
    with pytest.raises(MoveSyntaxError) as info:
        check_secret(bad)
    assert bad.strip() == "" or bad not in str(info.value)


def test_move_attempt_shapes() -> None:
    # typed plainly, only one character is a guess; a whole answer needs /guess (the table's
    # business), so even a line shaped exactly like the blanks is not a move attempt
    state = HangmanState.set_by("don't stop")
    for text in ("a", "7", "ß", " q "):
        assert state.is_move_attempt(text)
    for text in ("DON'T STOP", "abc'd efgh", "hello", "dont stop", "ab", "don't st0p"):
        assert not state.is_move_attempt(text)
    # what /guess hands over is read as a whole-answer guess, quoted or not
    assert state.parse_move("DON'T STOP").text == "don't stop"
    assert state.parse_move('"abc\'d efgh"').text == "abc'd efgh"


def _two_letters(secret: str) -> bool:
    # a playable secret has at least two different letters (check_secret)
    return len({c for c in secret if c.isalpha()}) >= 2


def secrets() -> st.SearchStrategy[str]:
    """Secrets a setter may type."""
    return _any_secret().filter(_two_letters)


@st.composite
def _any_secret(draw: st.DrawFn) -> str:
    words = draw(
        st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=8), min_size=1, max_size=3)
    )
    joiners = draw(
        st.lists(st.sampled_from(" -'"), min_size=len(words) - 1, max_size=len(words) - 1)
    )
    text = words[0]
    for joiner, word in zip(joiners, words[1:], strict=True):
        text += joiner + word
    # a hyphen or apostrophe may also open or close the secret ("'tis", "dogs'", "rock-")
    before = draw(st.sampled_from(["", "-", "'"]))
    after = draw(st.sampled_from(["", "-", "'"]))
    return before + text + after


def _decoy(state: HangmanState) -> HangmanState:
    """The same game with every still-hidden letter of the secret changed to another letter
    nobody has guessed. Everything made for the guesser must be identical for both: then it
    cannot depend on the hidden letters (non-interference)."""
    spare = [c for c in string.ascii_lowercase if c not in state.guessed]
    hidden = sorted({c for c in state.secret if c in string.ascii_lowercase} - set(state.guessed))
    swap = {c: next(s for s in reversed(spare) if s != c) for c in hidden}
    decoy = "".join(swap.get(c, c) for c in state.secret)
    return HangmanState(decoy, state.setter, state.guessed, state.misses, state.moves)


def _error(state: HangmanState, text: str) -> str | None:
    try:
        state.parse_move(text)
    except (MoveSyntaxError, IllegalMoveError) as error:
        return str(error)
    return None


@settings(max_examples=150, deadline=None)
@given(
    secrets(), st.lists(st.sampled_from([*string.ascii_lowercase, "word", "ab", "7"]), max_size=30)
)
def test_guesser_views_never_leak(secret: str, guesses: list[str]) -> None:
    state = HangmanState.set_by(secret)
    for guess in guesses:
        if state.outcome is not None:
            break
        decoy = _decoy(state)
        assert decoy.secret != secret or all(c in state.guessed or c in " -'" for c in secret)
        view = state.view(1)
        assert view.secret is None
        assert view == decoy.view(1)
        assert state.render(1) == decoy.render(1)
        assert state.describe(1) == decoy.describe(1)  # the words say no more than the picture
        word_line = next(x for x in state.render(1).splitlines() if x.startswith("word:"))
        for char, cell in zip(secret, word_line.removeprefix("word:").split(), strict=True):
            assert cell == (
                "/" if char == " " else char if char in state.guessed + tuple(" -'") else "_"
            )
        text = "".join("a" if c not in " -'" else c for c in secret) if guess == "word" else guess
        assert state.is_move_attempt(text) == decoy.is_move_attempt(text)
        error = _error(state, text)
        if error is not None:
            assert error == _error(decoy, text)
            continue
        move = state.parse_move(text)
        assert state.move_text(move) == text.lower()
        state = state.play(move)
    if state.outcome is not None:
        assert state.view(1).secret == secret


@settings(max_examples=100, deadline=None)
@given(secrets(), st.sampled_from(string.ascii_letters))
def test_letter_text_round_trips(secret: str, letter: str) -> None:
    state = HangmanState.duel(secret)
    move = state.parse_move(letter)
    assert move == Guess(letter.lower())
    assert state.parse_move(state.move_text(move)) == move


@pytest.mark.parametrize("secret", ["a", "aaa", "a-a", "'a'", "b b"])
def test_a_secret_of_one_letter_is_refused(secret: str) -> None:
    with pytest.raises(MoveSyntaxError, match="at least two different letters"):
        check_secret(secret)
    assert check_secret("ab") == "ab"


@settings(max_examples=100, deadline=None)
@given(
    st.text(HIDDEN, min_size=2, max_size=12).filter(lambda s: len(set(s)) >= 2),
    st.lists(st.sampled_from(SEEN), max_size=5, unique=True),  # six misses end the game
)
def test_a_guessers_words_never_hold_the_secret(secret: str, guesses: list[str]) -> None:
    state = HangmanState.set_by(secret)
    for letter in guesses:  # letters not in the secret: nothing is revealed
        state = state.play(state.parse_move(letter))
    for viewer in (1, None):
        words = state.describe(viewer)
        assert secret not in re.split(r"[ ·():]+", words)  # not as a word of its own
        assert words.count("blank") == len(secret)  # nor letter by letter
    assert f"secret: {secret}" in state.describe(0)  # the setter reads their own word


def test_the_words_of_a_hangman_position() -> None:
    state = HangmanState.set_by("ice cream")
    for letter in "ez":
        state = state.play(state.parse_move(letter))
    assert state.describe(1) == (
        "word: blank blank e space blank blank e blank blank (9 characters) · "
        "guessed: e z · misses: z (5 of 6 left)"
    )
    assert state.last_text() == "last letter: z, a miss · last miss: z"
    assert state.free_text().split() == [c for c in string.ascii_lowercase if c not in "ez"]
    assert HangmanState.set_by("ice cream").last_text() is None
