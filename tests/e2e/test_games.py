"""Playing through the real programs: every game to its end, results on both screens.

Tic-tac-toe to a win and to a draw, hangman with a set
secret to a win and to a loss, gomoku to five in a row, /rematch, /score, a game against the
bot while alone. One host+join pair is shared by the tests of this module (starting programs
is the slow part); each test starts its own game, so they do not depend on each other's
moves — only on the previous game having ended, which every test makes sure of.
"""

from __future__ import annotations

import pytest

from tests.e2e.support import Player, Players, tictactoe_started


@pytest.fixture(scope="module")
def table(module_players: Players) -> tuple[Player, Player]:
    """alice hosting, bob seated."""
    host, join, _port = module_players.pair("alice", "bob")
    return host, join


def _both(table: tuple[Player, Player], text: str) -> None:
    for player in table:
        player.expect(text)


def _play(table: tuple[Player, Player], moves: list[str]) -> None:
    """Alternate moves, host first; after each, the other side is told it is their move."""
    host, join = table
    for number, move in enumerate(moves):
        mover, other = (host, join) if number % 2 == 0 else (join, host)
        name = "alice" if mover is host else "bob"
        mover.say(move)
        if number < len(moves) - 1:
            other.expect(f"{name} played {move}")
            other.expect("your move")


def test_tictactoe_win_seen_on_both_screens(table: tuple[Player, Player]) -> None:
    host, join = table
    host.say("/game tictactoe")
    _both(table, "new game: tictactoe — alice (X) against bob (O); X moves first")
    host.expect("your move (X)")
    join.expect("waiting for alice (X)")
    _play(table, ["a1", "a2", "b1", "b2", "c1"])  # X takes the top row
    _both(table, "alice wins — 3 in a row")


def test_tictactoe_draw_and_coordinates(table: tuple[Player, Player]) -> None:
    host, join = table
    join.say("/game tictactoe")
    _both(table, "bob (X) against alice (O)")
    # bob is X now; cells may be typed as numbers (1 top-left … 9) or coordinates (b2: centre)
    moves = ["1", "2", "3", "b2", "4", "6", "8", "7", "9"]
    for number, move in enumerate(moves):
        mover, other, name = (join, host, "bob") if number % 2 == 0 else (host, join, "alice")
        mover.say(move)
        if number < len(moves) - 1:
            other.expect(f"{name} played")
            other.expect("your move")
    _both(table, "draw — the board is full")


def test_an_illegal_move_is_explained_to_the_mover_only(table: tuple[Player, Player]) -> None:
    host, join = table
    host.say("/game tictactoe")
    host.expect("your move (X)")
    join.expect("waiting for alice")
    join.say("5")
    join.expect("! it's alice's turn")
    host.say("5")
    join.expect("your move (O)")
    join.say("5")
    join.expect("! ")  # taken: the reason, in the error style, to bob only
    host.say("/resign")
    _both(table, "alice resigned — bob wins")
    assert b"it's alice's turn" not in host.raw


def test_score(table: tuple[Player, Player]) -> None:
    host, join = table
    join.say("/score")
    join.expect("score:")
    join.expect("alice")
    host.say("/score")
    host.expect("score:")


def test_rematch_swaps_who_moves_first(table: tuple[Player, Player]) -> None:
    host, join = table
    host.say("/game tictactoe")
    host.expect("your move (X)")
    host.say("/resign")
    _both(table, "alice resigned — bob wins")
    join.say("/rematch")
    _both(table, "bob (X) against alice (O)")
    join.expect("your move (X)")
    join.say("/resign")
    _both(table, "bob resigned — alice wins")


def test_hangman_with_a_set_secret_won_by_the_guesser(table: tuple[Player, Player]) -> None:
    host, join = table
    host.say("/game hangman cat")
    host.expect("you set the secret; bob guesses")
    join.expect("alice set the secret; you guess")
    for letter in "cat":
        join.say(letter)
        host.expect(f"bob guessed {letter}")
    _both(table, "bob wins — guessed “cat”")


def test_hangman_with_a_set_secret_lost_by_the_guesser(table: tuple[Player, Player]) -> None:
    host, join = table
    join.say("/game hangman dog")
    join.expect("you set the secret; alice guesses")
    host.expect("bob set the secret; you guess")
    for letter in "zqxjvw":
        host.say(letter)
        join.expect(f"alice guessed {letter}")
    _both(table, "bob wins — the gallows is complete; it was “dog”")


def test_gomoku_to_five_in_a_row(table: tuple[Player, Player]) -> None:
    host, _join = table
    host.say("/game gomoku")
    _both(table, "new game: gomoku")
    host.expect("your move (X)")
    _play(table, ["h8", "a1", "i8", "a2", "j8", "a3", "k8", "a4", "l8"])
    _both(table, "alice wins — 5 in a row")


def test_help_lists_the_commands(table: tuple[Player, Player]) -> None:
    _host, join = table
    join.say("/help")
    for command in ("/game tictactoe", "/board", "/resign", "/rematch", "/score", "/q"):
        join.expect(command)


def test_against_the_bot_while_alone(players: Players) -> None:
    host, _port = players.host("alice")
    host.say("/game tictactoe")
    host.expect("(X) against bot (O)")
    host.expect("your move")
    # The perfect bot never loses; play the cells in order (a taken one is just refused)
    # until the game is over, waiting for the table's answer to each line.
    for cell in range(1, 10):
        host.say(str(cell))
        index = host.child.expect_exact([b"your move", b"! ", b"** "])
        if index == 2:
            break
    else:
        host.expect("** ")
    host.expect_re(rb"bot wins|draw")


def test_bell_rings_on_your_turn_only_for_the_one_who_asked(players: Players) -> None:
    # --bell rings with the turn notice; a program started without it never rings.
    host, port = players.host("alice")
    join = players.join(port, "bob", "--bell")
    tictactoe_started(host, join)
    # "your move (O)" is in the prompt's status as well as in the notice, and either may be
    # on screen first: wait for the BEL itself, then see that it closes the turn notice.
    join.expect("\x07")
    bell = join.raw.index(b"\x07")
    assert b"your move (O)" in join.raw[bell - 40 : bell]  # the BEL goes out with that notice
    join.say("a1")
    host.expect("your move (X)")
    assert b"\x07" not in host.raw  # alice did not ask for a bell


def test_a_guest_who_sits_down_during_the_hosts_bot_game_watches_it_live(
    players: Players,
) -> None:
    host, port = players.host("alice")
    host.say("/game tictactoe")
    host.expect("your move (X)")
    join = players.join(port, "bob")  # told, before its prompt, that it watches the bot game
    host.expect("bob sat down")
    host.say("b2")
    join.expect("alice to move (X)")  # the bot's answer reached bob as it was played
    host.say("/resign")
    join.expect("alice resigned — bot wins")


def test_in_hangman_a_lone_letter_from_the_setter_or_out_of_turn_is_chat(
    players: Players,
) -> None:
    host, join, _ = players.pair("alice", "bob")
    host.say('/game hangman "sea horse"')
    join.expect("you guess")
    host.say("k")  # the setter answering "ok?" with k: a reply, never a guess
    join.expect("<alice> k")
    join.say("e")  # bob's turn: his letter is a guess
    host.expect("bob guessed e")
    host.say("/resign")
    join.say("/game hangman x")  # a one-letter secret is no game: refused with the reason
    join.expect("at least two different letters")
