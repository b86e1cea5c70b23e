"""Scripted conversations with the table: every command and every explanation."""

from __future__ import annotations

import random

import pytest

from game.commands import is_quit
from game.table import Delivery, Kind, Seat, Shown, Table, TableFullError
from tests.game.support import GUEST, HOST, lines, only_error


def play(table: Table, *moves: tuple[Seat, str]) -> list[Delivery]:
    out: list[Delivery] = []
    for seat, text in moves:
        out = table.handle(seat, text)
    return out


# -- seating ---------------------------------------------------------------------------------------
def test_sit_greets_both_sides() -> None:
    table = Table("alice", rng=random.Random(0))
    name, out = table.sit("bob")
    assert name == "bob" and table.guest_name == "bob"
    assert lines(out, HOST) == ["bob sat down"]
    assert lines(out, GUEST) == ["welcome to alice's table, bob — type /help for the commands"]
    with pytest.raises(TableFullError):
        table.sit("carol")


@pytest.mark.parametrize(
    ("raw", "given"),
    [
        ("  bob  ", "bob"),
        ("b\x1b[31mob\n", "b[31mob"),
        ("\u202eevil\u202c", "evil"),
        ("", "guest"),
        ("\x00\x07", "guest"),
        ("ALICE", "ALICE-2"),
        ("bot", "bot-2"),
        ("x" * 50, "x" * 32),
        ("alice" + " " * 40, "alice-2"),
    ],
)
def test_names_are_cleaned(raw: str, given: str) -> None:
    name, _ = Table("alice", rng=random.Random(0)).sit(raw)
    assert name == given


# -- chat ------------------------------------------------------------------------------------------
def test_chat_goes_to_the_other_seat_only(table: Table) -> None:
    assert table.handle(HOST, "hi bob") == [Delivery(GUEST, Shown(Kind.CHAT, "hi bob", "alice"))]
    assert table.handle(GUEST, "hi") == [Delivery(HOST, Shown(Kind.CHAT, "hi", "bob"))]
    assert table.handle(GUEST, "   ") == []
    assert table.handle(GUEST, "//game on") == [Delivery(HOST, Shown(Kind.CHAT, "/game on", "bob"))]


def test_chat_is_kept_on_one_line(table: Table) -> None:
    (delivery,) = table.handle(GUEST, "one\ntwo\r\n")
    assert delivery.shown.text == "one two"


# -- starting games --------------------------------------------------------------------------------
def test_game_between_two_people(table: Table) -> None:
    out = table.handle(GUEST, "/game tictactoe")
    intro = "new game: tictactoe — bob (X) against alice (O); X moves first"
    assert lines(out, GUEST, Kind.NOTICE) == [intro, "your move (X)"]
    assert lines(out, HOST, Kind.NOTICE) == [intro, "waiting for bob (X)"]
    assert len(lines(out, HOST, Kind.BOARD)) == 1
    out = table.handle(GUEST, "b2")
    assert lines(out, HOST, Kind.NOTICE) == ["bob played b2", "your move (O)"]
    assert lines(out, GUEST, Kind.NOTICE) == ["waiting for alice (O)"]
    assert "X" in lines(out, HOST, Kind.BOARD)[0]


def test_win_draw_and_score(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    out = play(table, (HOST, "1"), (GUEST, "4"), (HOST, "2"), (GUEST, "5"), (HOST, "3"))
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: alice wins — 3 in a row — you win"]
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: alice wins — 3 in a row — you lose"]
    assert lines(out, HOST, Kind.NOTICE) == []  # no "your move" after the end
    table.handle(GUEST, "/rematch")  # alice moved first, so bob does now
    out = play(
        table,
        *[(GUEST if i % 2 == 0 else HOST, m) for i, m in enumerate("195287364")],
    )
    assert lines(out, kind=Kind.RESULT) == ["tictactoe: draw — the board is full"] * 2
    score = lines(table.handle(GUEST, "/score"), GUEST)
    assert score == ["score:\n  alice  1 win, 1 draw\n  bob    0 wins, 1 draw"]


def test_game_while_a_game_is_on(table: Table) -> None:
    table.handle(HOST, "/game gomoku")
    text = only_error(table.handle(GUEST, "/game tictactoe"), GUEST)
    assert text == "a game of gomoku is on — finish it or /resign, then /game"


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("/game", "which game? /game tictactoe, /game gomoku or /game hangman"),
        ("/game chess", 'no game called "chess" — try tictactoe, gomoku or hangman'),
        ("/game tictactoe 4x4 k=9", "k must be 3–4 on a 4x4 board — e.g. /game tictactoe 4x4 k=3"),
        ("/game gomoku big", 'unknown option "big" for gomoku — e.g. /game gomoku 4x4 k=3'),
        (
            '/game hangman "two words',
            'the phrase needs a closing quote: /game hangman "a short phrase"',
        ),
        (
            "/game hangman s3cret",
            "the secret may only hold letters a–z, spaces, hyphens and apostrophes",
        ),
        ("/dance", 'unknown command "/dance" — /help lists the commands'),
        # control characters draw nothing: the command is read without them (never echoed raw)
        ("/\x1b[2J", 'unknown command "/[2j" — /help lists the commands'),
        ("/board", "no game yet — start one with /game tictactoe (see /help)"),
        ("/resign", "no game in progress — nothing to resign"),
        ("/rematch", "no game to rematch yet — start one with /game (see /help)"),
        ("/move", "usage: /move TEXT, e.g. /move b2 or /guess e"),
        ("/move b2", "no game in progress — start one with /game (see /help)"),
    ],
)
def test_command_errors_go_to_the_typer_only(table: Table, line: str, error: str) -> None:
    assert only_error(table.handle(GUEST, line), GUEST) == error


def test_board_options() -> None:
    table = Table("alice", rng=random.Random(0))
    table.sit("bob")
    out = table.handle(HOST, "/game tictactoe 4x4 k=3")
    assert lines(out, HOST)[0] == (
        "new game: tictactoe 4x4 k=3 — alice (X) against bob (O); X moves first"
    )
    assert only_error(table.handle(HOST, "5"), HOST).startswith(
        "on this board cells are coordinates"
    )


# -- moves -----------------------------------------------------------------------------------------
def test_move_explanations(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    assert only_error(table.handle(GUEST, "5"), GUEST) == "it's alice's turn"
    assert only_error(table.handle(HOST, "b22"), HOST).startswith("no such cell b22")
    assert only_error(table.handle(HOST, "0"), HOST) == "no such cell 0: cells are 1–9"
    table.handle(HOST, "5")
    assert only_error(table.handle(GUEST, "B2"), GUEST) == "b2 is already taken"
    assert only_error(table.handle(GUEST, "/move x"), GUEST).startswith("that is not a cell")
    # a line not shaped like a move is chat, even from the player to move
    assert table.handle(GUEST, "nice one") == [Delivery(HOST, Shown(Kind.CHAT, "nice one", "bob"))]


def test_board_and_resign(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    out = table.handle(GUEST, "/board")
    assert [d.shown.kind for d in out] == [Kind.BOARD, Kind.NOTICE]
    assert lines(out, GUEST, Kind.NOTICE) == ["waiting for alice (X)"]
    out = table.handle(GUEST, "/resign")
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: bob resigned — alice wins — you win"]
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: bob resigned — alice wins — you lose"]
    out = table.handle(GUEST, "/board")
    assert lines(out, GUEST, Kind.NOTICE) == [
        "last game — tictactoe: bob resigned — alice wins — you lose"
    ]
    assert lines(table.handle(HOST, "/score"), HOST) == [
        "score:\n  alice  1 win, 0 draws\n  bob    0 wins, 0 draws"
    ]


def test_rematch_swaps_who_moves_first(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.handle(HOST, "/resign")
    out = table.handle(HOST, "/rematch")
    assert lines(out, HOST)[0] == "new game: tictactoe — bob (X) against alice (O); X moves first"
    assert only_error(table.handle(HOST, "/rematch"), HOST) == (
        "a game is on — finish it or /resign first, then /rematch"
    )


def test_help_lists_every_command(table: Table) -> None:
    (delivery,) = table.handle(GUEST, "/help")
    assert delivery.to is GUEST and delivery.shown.kind is Kind.NOTICE
    for command in ("/game", "/help", "/board", "/resign", "/rematch", "/score", "/q", "/move"):
        assert command in delivery.shown.text
    assert "from 1 at the top" in table.handle(GUEST, "/help tictactoe")[0].shown.text


# -- the bot ---------------------------------------------------------------------------------------
def test_alone_plays_the_bot(alone: Table) -> None:
    out = alone.handle(HOST, "/game tictactoe")
    assert lines(out, HOST, Kind.NOTICE) == [
        "new game: tictactoe — alice (X) against bot (O); X moves first",
        "your move (X)",
    ]
    out = alone.handle(HOST, "5")
    notices = lines(out, HOST, Kind.NOTICE)
    assert notices[0].startswith("bot played ") and notices[1] == "your move (X)"
    assert all(d.to is HOST for d in out)


def test_the_perfect_bot_never_lets_you_win(alone: Table) -> None:
    rng = random.Random(5)
    for _ in range(5):
        alone.handle(HOST, "/game tictactoe")
        while alone.match is not None and alone.match.in_progress:
            alone.handle(HOST, str(rng.choice(alone.match.state.legal_moves()) + 1))
        assert "alice wins" not in lines(alone.handle(HOST, "/board"), HOST)[-1]


def test_rematch_against_the_bot_lets_the_bot_open(alone: Table) -> None:
    alone.handle(HOST, "/game tictactoe")
    alone.handle(HOST, "/resign")
    out = alone.handle(HOST, "/rematch")
    notices = lines(out, HOST, Kind.NOTICE)
    assert notices[0] == "new game: tictactoe — bot (X) against alice (O); X moves first"
    assert notices[1].startswith("bot played ") and notices[2] == "your move (O)"


def test_guest_arrives_during_a_bot_game(alone: Table) -> None:
    alone.handle(HOST, "/game gomoku")
    _, out = alone.sit("bob")
    assert lines(out, HOST) == [
        "bob sat down",
        "your gomoku game against the bot carries on; /resign it to play bob sooner",
    ]
    spectating = (
        "alice is playing gomoku against the bot — you watch it move by move; "
        "/game is free for you two once it ends"
    )
    assert lines(out, GUEST, Kind.NOTICE)[1] == spectating
    assert len(lines(out, GUEST, Kind.BOARD)) == 1
    # the spectator gets the same explanation whatever they try (not "finish it or /resign")
    for line in ("h8", "/game tictactoe", "/rematch", "/resign", "/guess x"):
        assert only_error(alone.handle(GUEST, line), GUEST) == spectating, line
    out = alone.handle(HOST, "h8")  # the bot answers; the guest watches it live
    assert [d.shown.kind for d in out if d.to == GUEST] == [Kind.BOARD, Kind.NOTICE]
    assert lines(out, GUEST, Kind.NOTICE) == ["alice to move (X)"]
    out = alone.handle(HOST, "/resign")
    assert lines(out, GUEST, Kind.RESULT) == ["gomoku: alice resigned — bot wins"]
    out = alone.handle(GUEST, "/game tictactoe")
    assert lines(out, GUEST)[0] == "new game: tictactoe — bob (X) against alice (O); X moves first"


def test_hangman_duel_with_the_bot(alone: Table) -> None:
    out = alone.handle(HOST, "/game hangman")
    assert lines(out, HOST, Kind.NOTICE)[0] == (
        "new game: hangman — a 5-letter word from the list; alice and bot take turns guessing, "
        "alice first"
    )
    out = alone.handle(HOST, "z")
    notices = lines(out, HOST, Kind.NOTICE)
    assert notices[0].startswith("bot guessed ") and notices[-1] == "your guess"


def test_hangman_secret_alone_lets_the_bot_guess(alone: Table) -> None:
    out = alone.handle(HOST, "/game hangman melon")
    assert lines(out, HOST, Kind.NOTICE)[0] == "new game: hangman — you set the secret; bot guesses"
    assert lines(out, HOST, Kind.NOTICE)[1].startswith("bot guessed ")
    assert lines(out, HOST, Kind.RESULT)[0].startswith("hangman: ")
    assert alone.match is not None and not alone.match.in_progress


# -- hangman with a secret between two people ------------------------------------------------------
def test_secret_never_reaches_the_guesser(table: Table) -> None:
    out = table.handle(HOST, '/game hangman "sea-horse"')
    guest_texts = lines(out, GUEST)
    assert not any("sea" in t or "horse" in t for t in guest_texts)
    assert "secret:  sea-horse  (only you see this)" in lines(out, HOST, Kind.BOARD)[0]
    assert lines(out, GUEST, Kind.NOTICE)[0] == (
        "new game: hangman — alice set the secret; you guess: one letter per line, or the whole "
        'answer with /guess, e.g. /guess "two words" (anything else you type is chat)'
    )
    assert "word:    _ _ _ - _ _ _ _ _" in lines(out, GUEST, Kind.BOARD)[0]
    # the setter never guesses: a lone letter of theirs is chat, /guess is told why not
    assert table.handle(HOST, "k") == [Delivery(GUEST, Shown(Kind.CHAT, "k", "alice"))]
    assert only_error(table.handle(HOST, "/guess e"), HOST) == (
        "you set the secret — only bob guesses (start a line with // to send it as chat)"
    )
    assert only_error(table.handle(GUEST, "ß"), GUEST) == (
        "guess one letter a–z (no digits, accents or symbols)"
    )
    assert only_error(table.handle(GUEST, "/guess ab"), GUEST).startswith(
        "guess one letter a–z, or the whole answer with the same shape as _ _ _ - _ _ _ _ _"
    )
    table.handle(GUEST, "e")
    assert (
        only_error(table.handle(GUEST, "E"), GUEST)
        == "e was already guessed — no penalty, try another"
    )
    assert table.handle(GUEST, "sounds fun") == [
        Delivery(HOST, Shown(Kind.CHAT, "sounds fun", "bob"))
    ]
    assert table.handle(GUEST, "SEA-HORSE") == [  # shaped like the blanks, but plain: chat
        Delivery(HOST, Shown(Kind.CHAT, "SEA-HORSE", "bob"))
    ]
    out = table.handle(GUEST, "/guess SEA-HORSE")
    assert lines(out, HOST, Kind.RESULT) == ["hangman: bob wins — guessed “sea-horse” — you lose"]
    assert lines(out, GUEST, Kind.RESULT) == ["hangman: bob wins — guessed “sea-horse” — you win"]
    assert only_error(table.handle(GUEST, "/rematch"), GUEST) == (
        "hangman with a secret needs a new one: whoever sets it types /game hangman SECRET"
    )


def test_wrong_whole_word_costs_a_miss(table: Table) -> None:
    table.handle(HOST, "/game hangman ox")
    out = table.handle(GUEST, "/guess ab")
    assert "misses:  ab  (5 of 6 left)" in lines(out, GUEST, Kind.BOARD)[0]


def test_plain_words_are_chat_during_hangman(table: Table) -> None:
    table.handle(HOST, "/game hangman")  # a 5-letter word; alice guesses first
    # a plain word shaped like the blanks is chat, in turn or not, and costs nothing
    assert table.handle(HOST, "hello") == [Delivery(GUEST, Shown(Kind.CHAT, "hello", "alice"))]
    assert table.handle(GUEST, "hello") == [Delivery(HOST, Shown(Kind.CHAT, "hello", "bob"))]
    assert table.match is not None and "misses:  none" in table.match.render_for(HOST)
    # the whole answer is guessed with /guess (or /move), which costs a miss if wrong
    out = table.handle(HOST, "/guess hello")
    assert "misses:  hello  (5 of 6 left)" in lines(out, HOST, Kind.BOARD)[0]
    assert only_error(table.handle(HOST, "/guess hello"), HOST) == "it's bob's turn"
    out = table.handle(GUEST, "/move HELLO")
    assert only_error(out, GUEST) == "hello was already guessed — no penalty, try another"


def test_a_phrase_is_guessed_with_guess_and_quotes(table: Table) -> None:
    table.handle(HOST, '/game hangman "ice cream"')
    assert lines(table.handle(GUEST, "ice cream"), HOST, Kind.CHAT) == ["ice cream"]
    out = table.handle(GUEST, '/guess "ice bream"')
    assert "misses:  ice bream  (5 of 6 left)" in lines(out, GUEST, Kind.BOARD)[0]
    out = table.handle(GUEST, "/guess “ICE CREAM”")
    assert lines(out, kind=Kind.RESULT)[0].startswith("hangman: bob wins — guessed “ice cream”")


def test_gallows_complete_is_the_setters_win(table: Table) -> None:
    table.handle(GUEST, "/game hangman quiz")
    out = play(table, *[(HOST, c) for c in "abcdef"])
    result = "hangman: bob wins — the gallows is complete; it was “quiz”"
    assert lines(out, HOST, Kind.RESULT) == [f"{result} — you lose"]
    assert lines(out, GUEST, Kind.RESULT) == [f"{result} — you win"]


# -- leaving and coming back -----------------------------------------------------------------------
def test_a_dropped_guest_is_still_shown_everything_and_greeted_on_resume(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.handle(GUEST, "hello")
    assert lines(table.drop(GUEST, 300), HOST) == [
        "bob's connection dropped — waiting up to 5 minutes for them to come back"
    ]
    # The host program keeps what a dropped guest is shown, and resends it on resume.
    out = table.handle(HOST, "5")
    assert lines(out, GUEST, Kind.NOTICE)[-1] == "your move (O)"
    assert lines(table.handle(HOST, "are you there?"), GUEST, Kind.CHAT) == ["are you there?"]
    out = table.resume(GUEST, caught_up=True)
    assert lines(out, HOST) == ["bob is back"]
    assert [(d.to, d.shown.kind, d.shown.text) for d in out if d.to is GUEST] == [
        (GUEST, Kind.NOTICE, "welcome back, bob")
    ]


def test_a_guest_that_missed_shows_gets_the_board_on_resume(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.handle(HOST, "5")
    table.drop(GUEST, 30)
    out = table.resume(GUEST, caught_up=False)
    assert lines(out, GUEST, Kind.NOTICE)[0] == "welcome back, bob"
    assert lines(out, GUEST, Kind.NOTICE)[-1] == "your move (O)"
    assert len(lines(out, GUEST, Kind.BOARD)) == 1


def test_leave_abandons_the_game(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    out = table.leave(GUEST)
    assert lines(out) == ["bob left the table", "tictactoe: abandoned — nobody's loss"]
    assert all(d.to is HOST for d in out)
    assert table.guest_name is None
    assert lines(table.handle(HOST, "/score"), HOST) == [
        "score:\n  alice  0 wins, 0 draws\n  bob    0 wins, 0 draws\n  abandoned: 1"
    ]
    table.sit("carol")  # the seat is free again
    table.drop(GUEST, 30)
    assert lines(table.resume(GUEST, caught_up=True), GUEST, Kind.CHAT) == []


def test_q(table: Table) -> None:
    assert lines(table.handle(HOST, "/q"), HOST) == [
        "you are the host: /q in your terminal closes the table for everyone"
    ]
    out = table.handle(GUEST, "/q")
    assert out[0] == Delivery(GUEST, Shown(Kind.NOTICE, "you left the table"))
    assert lines(out, HOST) == ["bob left the table"]
    assert table.guest_name is None
    with pytest.raises(ValueError):
        table.handle(GUEST, "hello")


def test_a_guest_who_never_comes_back_is_told_apart_from_one_who_left(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.drop(GUEST, 150)
    out = table.expire(GUEST, 150)
    assert lines(out) == [
        "bob did not come back within 2 minutes 30 seconds — the seat is free again",
        "tictactoe: abandoned — nobody's loss",
    ]
    assert all(d.to is HOST for d in out)
    assert table.guest_name is None


def test_a_guest_put_out_by_the_host_gets_the_reason_on_one_line(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    out = table.disconnect(GUEST, "protocol error:\nunknown message type 'x'\r\n* forged")
    assert lines(out) == [
        "disconnected bob: protocol error: unknown message type 'x' * forged",
        "tictactoe: abandoned — nobody's loss",
    ]
    assert all(d.to is HOST for d in out)
    assert table.guest_name is None
    table.sit("carol")  # the seat is free at once


def test_host_seat_cannot_drop_or_leave(table: Table) -> None:
    assert (
        table.drop(HOST, 5) == []
        and table.resume(HOST, caught_up=True) == []
        and table.leave(HOST) == []
    )
    assert table.expire(HOST, 5) == [] and table.disconnect(HOST, "flooding") == []


# -- flood control ---------------------------------------------------------------------------------
def test_fast_chat_is_refused_but_moves_are_not(table: Table) -> None:
    for i in range(10):
        assert lines(table.handle(GUEST, f"msg {i}", now=1.0), HOST) == [f"msg {i}"]
    assert only_error(table.handle(GUEST, "one more", now=2.0), GUEST).startswith("slow down")
    table.handle(GUEST, "/game tictactoe", now=2.0)  # commands have a budget of their own
    table.handle(GUEST, "/resign", now=2.0)
    table.handle(HOST, "/game tictactoe", now=2.0)
    table.handle(HOST, "1", now=2.0)
    out = table.handle(GUEST, "5", now=2.0)  # but his moves are never refused
    assert lines(out, HOST, Kind.NOTICE)[0] == "bob played b2"
    assert lines(table.handle(GUEST, "later", now=10.0), HOST) == ["later"]


def test_starting_and_ending_games_counts_against_the_flood_budget(table: Table) -> None:
    # a loop of /game and /resign would flood the other screen and inflate the score
    refused = []
    for i in range(10):
        for line in ("/game tictactoe", "/resign"):
            out = table.handle(GUEST, line, now=i * 0.1)
            if any(d.shown.kind is Kind.ERROR and "slow down" in d.shown.text for d in out):
                refused.append(line)
                assert out == [d for d in out if d.to is GUEST]  # nothing reached alice
    assert refused
    # /help, /board and /score answer only the asker: never limited; nor are moves
    for line in ("/help", "/board", "/score"):
        assert "slow down" not in table.handle(GUEST, line, now=1.0)[0].shown.text
    table.handle(HOST, "/game tictactoe", now=1.0)
    assert lines(table.handle(HOST, "5", now=1.0), GUEST, Kind.NOTICE)[0] == "alice played b2"
    assert lines(table.handle(GUEST, "1", now=1.0), HOST, Kind.NOTICE)[0] == "bob played a1"
    # once the window has passed, the commands work again
    out = table.handle(GUEST, "/resign", now=20.0)
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: bob resigned — alice wins — you win"]
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: bob resigned — alice wins — you lose"]


def test_repeats_are_refused(table: Table) -> None:
    table.handle(GUEST, "spam", now=0)
    table.handle(GUEST, "spam", now=1)
    assert only_error(table.handle(GUEST, "spam", now=2), GUEST).startswith("slow down")


def test_persistent_flooding_is_reported(table: Table) -> None:
    assert not table.is_flooding(GUEST)
    for i in range(40):  # one burst: refused, but not yet a reason to disconnect
        table.handle(GUEST, f"x{i}", now=i * 0.1)
    assert not table.is_flooding(GUEST)
    for i in range(40, 100):  # still at it, three lines a second, long after "slow down"
        table.handle(GUEST, f"x{i}", now=4.0 + (i - 40) / 3)
    assert table.is_flooding(GUEST)
    assert not table.is_flooding(HOST)
    table.handle(GUEST, "calm now", now=100.0)
    assert not table.is_flooding(GUEST)


# -- delivery shapes -------------------------------------------------------------------------------
def test_shown_rejects_multi_line_errors_and_chat() -> None:
    with pytest.raises(ValueError):
        Shown(Kind.ERROR, "two\nlines")
    with pytest.raises(ValueError):
        Shown(Kind.CHAT, "no sender")
    Shown(Kind.BOARD, "a\nb")


# -- leading whitespace ----------------------------------------------------------------------------
def test_leading_whitespace_does_not_change_what_a_line_is(table: Table) -> None:
    out = table.handle(HOST, " /game hangman elephant")
    assert all("elephant" not in d.shown.text for d in out if d.to is GUEST)
    assert not lines(out, kind=Kind.CHAT)
    assert "you set the secret" in lines(out, HOST, Kind.NOTICE)[0]
    out = table.handle(GUEST, "\t e")
    assert lines(out, HOST, Kind.NOTICE)[0] == "bob guessed e"
    assert table.handle(GUEST, "  //help") == [Delivery(HOST, Shown(Kind.CHAT, "/help", "bob"))]
    out = table.handle(GUEST, " /q")
    assert lines(out, GUEST) == ["you left the table"] and table.guest_name is None


# -- the word list ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "message"),
    [
        ([], "the hangman word list is empty"),
        (["apple", "ab1cd"], "'ab1cd' is not a usable hangman word: the secret may only hold"),
        (["   "], "is not a usable hangman word: the secret needs at least one letter"),
    ],
)
def test_a_bad_word_list_is_refused_when_the_table_opens(words: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Table("alice", rng=random.Random(0), words=words)


def test_the_word_list_is_normalised() -> None:
    table = Table("alice", rng=random.Random(0), words=["  Apple "])
    table.sit("bob")
    out = table.handle(HOST, "/game hangman")
    assert "a 5-letter word" in lines(out, HOST, Kind.NOTICE)[0]


# -- the secret is revealed however hangman ends ---------------------------------------------------
def test_resigning_hangman_reveals_the_secret_and_the_final_boards(table: Table) -> None:
    table.handle(HOST, "/game hangman zebra")
    table.handle(GUEST, "e")
    out = table.handle(GUEST, "/resign")
    result = "hangman: bob resigned — alice wins — the word was “zebra”"
    assert lines(out, HOST, Kind.RESULT) == [f"{result} — you win"]
    assert lines(out, GUEST, Kind.RESULT) == [f"{result} — you lose"]
    for seat in (HOST, GUEST):
        (board,) = lines(out, seat, Kind.BOARD)
        assert "word:    z e b r a" in board and "the answer was" not in board
    assert [d.shown.kind for d in out if d.to is GUEST] == [Kind.BOARD, Kind.RESULT]


def test_abandoned_hangman_reveals_the_secret(table: Table) -> None:
    table.handle(GUEST, '/game hangman "sea-horse"')
    out = table.leave(GUEST)
    assert lines(out, HOST, Kind.RESULT) == [
        "hangman: abandoned — nobody's loss — the word was “sea-horse”"
    ]


def test_resigning_a_duel_reveals_the_listed_word(alone: Table) -> None:
    alone.handle(HOST, "/game hangman")
    out = alone.handle(HOST, "/resign")
    (result,) = lines(out, HOST, Kind.RESULT)
    assert result.startswith("hangman: alice resigned — bot wins — the word was “")
    assert result.endswith("” — you lose")
    assert result.removesuffix("” — you lose").rsplit("“", 1)[1] in {"apple", "melon", "berry"}


# -- commands that take no arguments ---------------------------------------------------------------
@pytest.mark.parametrize("word", ["resign", "who", "record", "rematch", "q", "Resign"])
def test_commands_without_arguments_refuse_them(table: Table, word: str) -> None:
    table.handle(HOST, "/game tictactoe")
    error = only_error(table.handle(GUEST, f"/{word} please"), GUEST)
    assert error == f"/{word.lower()} takes no arguments — type just /{word.lower()}"
    assert table.guest_name == "bob"  # "/q please" did not leave
    assert table.match is not None and table.match.in_progress  # "/resign please" did not resign


@pytest.mark.parametrize("line", ["/q", "/Q", "/ q", "/quit", "/QUIT", "/exit", " /Exit "])
def test_every_spelling_of_quit_is_quit(line: str) -> None:
    assert is_quit(line)


@pytest.mark.parametrize("line", ["q", "//q", "/q now", "/quiet", "/exits", "quit", ""])
def test_other_lines_are_not_quit(line: str) -> None:
    assert not is_quit(line)


@pytest.mark.parametrize("line", ["/Q", "/quit", "/exit"])
def test_the_table_unseats_on_every_spelling_of_quit(table: Table, line: str) -> None:
    out = table.handle(GUEST, line)
    assert lines(out, GUEST) == ["you left the table"] and table.guest_name is None


def test_q_alone_still_leaves(table: Table) -> None:
    out = table.handle(GUEST, "  /q  ")
    assert lines(out, GUEST) == ["you left the table"] and table.guest_name is None
