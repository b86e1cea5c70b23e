"""Small pieces of the table: untrusted text, flood control, command parsing, the game API."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.announce import duration
from game.commands import split_command
from game.delivery import Delivery, Seat, Shown
from game.errors import CommandError, IllegalMoveError, MoveSyntaxError
from game.flood import FloodControl, FloodVerdict
from game.hangman import HangmanState
from game.help import HELP
from game.mnk import GOMOKU, MnkRules, MnkState
from game.outcome import Outcome, Termination
from game.state import GameState, MoveT
from game.table import Kind, Table
from game.untrusted import MAX_NAME, clean_name, quote
from game.wants_you import is_your_turn
from tests.game.support import GUEST, HOST, lines, parse_game


def _exercise(game: GameState[MoveT], first: str, bad: str) -> None:
    """Play a game to its end through the protocol alone."""
    assert game.turn == 0 and game.outcome is None
    assert game.is_move_attempt(first) and not game.is_move_attempt("hello there")
    with pytest.raises(MoveSyntaxError):
        game.parse_move(bad)
    move = game.parse_move(first)
    assert move in game.legal_moves()
    assert game.parse_move(game.move_text(move)) == move  # the text form reads back
    picture = game.render(0)
    game = game.play(move)
    assert game.turn == 1 and game.render(0) != picture
    with pytest.raises(IllegalMoveError):
        game.parse_move(first)  # taken / already guessed
    assert game.resign(1).outcome == Outcome(0, Termination.RESIGNED)
    assert game.abandon().outcome == Outcome(None, Termination.ABANDONED)
    while game.outcome is None:
        game = game.play(game.legal_moves()[0])
    assert game.turn is None and game.legal_moves() == []
    with pytest.raises(IllegalMoveError):
        game.resign(0)


def test_engines_satisfy_the_common_api() -> None:
    _exercise(MnkState(), "5", "zz")
    _exercise(MnkState(GOMOKU), "h8", "8")
    _exercise(HangmanState.duel("word"), "w", "7")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["alice", "bob", "x" * 32]))
def test_clean_name_is_always_safe(raw: str, host: str) -> None:
    name = clean_name(raw, taken=[host])
    assert 1 <= len(name) <= MAX_NAME
    assert name == name.strip()
    assert name.casefold() != host.casefold()
    assert all(c.isprintable() for c in name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_quote_is_one_printable_line(text: str) -> None:
    quoted = quote(text)
    assert quoted.startswith('"') and quoted.endswith('"')
    assert all(c.isprintable() for c in quoted)
    assert len(quoted) <= 42


def test_quote_examples() -> None:
    assert quote("a\nb") == '"a\\nb"'
    assert quote("\u202eevil") == '"\\u202eevil"'
    assert quote("x" * 50, 10) == '"xxxxxxxxx…"'


def test_flood_rate_window() -> None:
    flood = FloodControl()
    assert all(flood.check(f"m{i}", 0.0) is FloodVerdict.OK for i in range(10))
    assert flood.check("m10", 4.9) is FloodVerdict.TOO_FAST
    assert flood.check("m11", 5.0) is FloodVerdict.OK  # the first ten have left the window


def test_flood_repeats_need_to_be_in_a_row_and_close() -> None:
    flood = FloodControl()
    assert flood.check("hi", 0) is FloodVerdict.OK
    assert flood.check("hi", 1) is FloodVerdict.OK
    assert flood.check("hi", 2) is FloodVerdict.REPEATED
    assert flood.check("other", 3) is FloodVerdict.OK
    assert flood.check("hi", 4) is FloodVerdict.OK
    assert flood.check("hi", 20) is FloodVerdict.OK  # long after: not "in a row"
    assert "slow down" in flood.message(FloodVerdict.REPEATED)
    assert "more than 10 in 5 s" in flood.message(FloodVerdict.TOO_FAST)


def test_flood_persistence_decays() -> None:
    flood = FloodControl(persistent_refusals=3, persistent_window=10, persistent_span=0)
    for i in range(14):
        flood.check(f"m{i}", 0.0)
    assert flood.is_persistent(1.0)
    assert not flood.is_persistent(11.0)


def test_one_burst_is_not_persistent_flooding() -> None:
    # A paste: forty lines within a second. Thirty are refused, but it is over at once.
    flood = FloodControl()
    for i in range(40):
        flood.check(f"pasted {i}", i * 0.025)
    assert not flood.is_persistent()


def test_flooding_that_goes_on_after_slow_down_is_persistent() -> None:
    # Five lines a second, kept up: refused from the eleventh on, and still coming ten seconds
    # after the first refusal — only then is it persistent.
    flood = FloodControl()
    first_refusal: float | None = None
    for i in range(100):
        now = i / 5
        if flood.check(f"spam {i}", now) is not FloodVerdict.OK and first_refusal is None:
            first_refusal = now
        if first_refusal is None or now < first_refusal + flood.persistent_span:
            assert not flood.is_persistent(), f"judged persistent already at {now:.1f} s"
    assert first_refusal == 2.0
    assert flood.is_persistent()


def test_split_command() -> None:
    assert split_command("/Game  hangman x y") == ("game", "hangman x y")
    assert split_command("/") == ("", "")


def test_parse_game_defaults_and_aliases() -> None:
    assert parse_game("ttt").rules == MnkRules(3, 3, 3)
    assert parse_game("Tic-Tac-Toe 5x4").rules == MnkRules(5, 4, 3)
    assert parse_game("gomoku").rules == GOMOKU
    assert parse_game("gomoku 10x10").rules == MnkRules(10, 10, 5)
    spec = parse_game('hangman "don\'t stop"')
    assert spec.secret == "don't stop" and "don't" not in repr(spec)
    assert parse_game("hangman Two Words").secret == "two words"
    assert parse_game("hangman").secret is None
    with pytest.raises(CommandError, match="closing quote"):
        parse_game('hangman "open')


@pytest.mark.parametrize("option", ["４x４", "4x４", "k=３", "٤x4"])
def test_board_options_take_ascii_digits_only(option: str) -> None:
    with pytest.raises(CommandError, match="unknown option"):
        parse_game(f"tictactoe {option}")


def test_help_is_documented() -> None:
    assert "/guess WORD" in HELP
    assert "//" in HELP


def test_hangman_duel_between_people() -> None:
    table = Table("alice", rng=random.Random(0), words=["abba"])
    table.sit("bob")
    out = table.handle(GUEST, "/game hangman")
    assert (
        "a 4-letter word from the list; bob and alice take turns guessing, bob first"
        in (lines(out, GUEST)[0])
    )
    # a letter out of turn is a reply in the chat, not a guess; /guess says whose turn it is
    assert table.handle(HOST, "a") == [Delivery(GUEST, Shown(Kind.CHAT, "a", "alice"))]
    assert lines(table.handle(HOST, "/guess a"), HOST) == ["it's bob's turn"]
    table.handle(GUEST, "a")
    out = table.handle(HOST, "b")
    assert lines(out, HOST, Kind.RESULT) == ["hangman: alice wins — guessed “abba” — you win"]
    assert lines(out, GUEST, Kind.RESULT) == ["hangman: alice wins — guessed “abba” — you lose"]


@pytest.mark.parametrize(
    ("args", "title"),
    [
        ("gomoku 10x10", "gomoku 10x10 k=5"),
        ("gomoku", "gomoku"),
        ("gomoku 15x15 k=5", "gomoku"),
        ("tictactoe 4x4", "tictactoe 4x4 k=3"),
        ("tictactoe 15x15 k=5", "gomoku"),
        ("tictactoe", "tictactoe"),
    ],
)
def test_game_titles_name_the_game_asked_for(args: str, title: str) -> None:
    assert parse_game(args).title == title


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (300, "5 minutes"),
        (150, "2 minutes 30 seconds"),
        (90, "1 minute 30 seconds"),
        (61, "1 minute 1 second"),
        (60, "1 minute"),
        (149.2, "2 minutes 30 seconds"),  # rounded up: a grace period is never understated
        (45, "45 seconds"),
        (1, "1 second"),
    ],
)
def test_duration_never_understates(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_flood_persistence_as_of_the_last_line() -> None:
    flood = FloodControl(persistent_refusals=3, persistent_window=10, persistent_span=0)
    for i in range(14):
        flood.check(f"m{i}", 0.0)
    assert flood.is_persistent()  # as of the last line it judged
    flood.check("calm", 11.0)
    assert not flood.is_persistent()


def test_flood_commands_have_their_own_rate_budget() -> None:
    flood = FloodControl(persistent_refusals=3, persistent_span=0)
    assert all(flood.check(f"m{i}", 0.0) is FloodVerdict.OK for i in range(10))
    assert flood.check_command(0.0) is FloodVerdict.OK  # chat did not use up the commands
    assert all(flood.check_command(0.1) is FloodVerdict.OK for _ in range(9))
    assert flood.check_command(0.2) is FloodVerdict.TOO_FAST
    assert flood.check_command(0.3) is FloodVerdict.TOO_FAST
    assert flood.check_command(0.3) is FloodVerdict.TOO_FAST
    assert flood.is_persistent()  # refused commands count too
    assert flood.check_command(5.2) is FloodVerdict.OK
    assert "that command was not carried out" in flood.message(FloodVerdict.TOO_FAST, command=True)


def test_the_turn_notice_is_recognised_for_the_terminal() -> None:
    table = Table("alice", rng=random.Random(0))
    table.sit("bob")
    out = table.handle(Seat.HOST, "/game tictactoe")
    told = {
        d.to: d.shown for d in out if d.shown.kind is Kind.NOTICE and "game" not in d.shown.text
    }
    assert is_your_turn(told[Seat.HOST].kind, told[Seat.HOST].text)
    assert not is_your_turn(told[Seat.GUEST].kind, told[Seat.GUEST].text)  # "waiting for alice"
    assert not is_your_turn("chat", "your move (X)")  # a peer's chat line never counts


def test_a_hangman_duel_the_gallows_won_is_a_loss_for_both_not_a_draw() -> None:
    table = Table("alice", rng=random.Random(0), words=["quiz"])
    table.sit("bob")
    table.handle(HOST, "/game hangman")
    for letter in "abcdef":  # six misses, taken in turns: the gallows wins
        assert table.match is not None and table.match.state.turn is not None
        table.handle(table.match.seats[table.match.state.turn] or HOST, letter)
    assert table.match is not None and table.match.state.outcome is not None
    (score,) = lines(table.handle(HOST, "/score"), HOST)
    assert score.splitlines()[1:] == [
        "  alice  0 wins, 0 draws, 1 lost together",
        "  bob    0 wins, 0 draws, 1 lost together",
    ]
