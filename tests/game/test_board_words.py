"""Boards in words (game.board_words, /board words, /last, /free): what a screen reader's
person at the table reads instead of pictures."""

from __future__ import annotations

from game.delivery import Delivery, Kind
from game.table import Table
from tests.game.support import GUEST, HOST, lines, only_error


def test_board_words_says_the_position_in_one_line_and_a_move_in_one_line(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    asked = table.handle(GUEST, "/board words")
    assert lines(asked, GUEST) == [
        "X: none · O: none · free: a1 b1 c1 a2 b2 c2 a3 b3 c3",
        "waiting for alice (X)",
    ]
    assert all(d.shown.kind is Kind.NOTICE for d in asked)  # no picture to draw
    moved = table.handle(HOST, "b2")
    assert lines(moved, GUEST) == ["alice played b2 · your move (O)"]  # no board, one line
    assert lines(moved, HOST, Kind.BOARD) != []  # alice still reads pictures
    assert lines(table.handle(GUEST, "/board"), GUEST)[0].startswith("X: b2 · O: none · free: a1")


def test_board_picture_draws_boards_again(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.handle(GUEST, "/board words")
    assert lines(table.handle(GUEST, "/board picture"), GUEST, Kind.BOARD) != []
    assert lines(table.handle(HOST, "b2"), GUEST, Kind.BOARD) != []


def test_before_any_game_board_words_says_what_was_chosen(table: Table) -> None:
    assert lines(table.handle(GUEST, "/board words"), GUEST) == [
        "boards will be said in words — no game yet (/game starts one)"
    ]
    table.handle(HOST, "/game tictactoe")
    started = table.handle(HOST, "a1")
    assert lines(started, GUEST) == ["alice played a1 · your move (O)"]


def test_a_board_of_anything_else_is_refused_with_the_choices(table: Table) -> None:
    error = only_error(table.handle(GUEST, "/board please"), GUEST)
    assert error.startswith("usage: /board, /board words (boards in words) or /board picture")


def test_last_and_free_answer_in_words(table: Table) -> None:
    assert only_error(table.handle(GUEST, "/last"), GUEST) == "no game yet — nothing was played"
    table.handle(HOST, "/game tictactoe")
    assert lines(table.handle(GUEST, "/last"), GUEST) == ["no move yet · waiting for alice (X)"]
    table.handle(HOST, "c3")
    assert lines(table.handle(GUEST, "/last"), GUEST) == ["last move: X c3 · your move (O)"]
    assert lines(table.handle(HOST, "/free"), HOST) == ["free: a1 b1 c1 a2 b2 c2 a3 b3"]
    table.handle(GUEST, "/resign")
    last = lines(table.handle(HOST, "/last"), HOST)[0]
    assert last.startswith("last move: X c3 · last game — tictactoe: bob resigned")
    assert only_error(table.handle(HOST, "/free"), HOST).startswith("no game in progress")


def test_a_spectator_reads_words_and_the_others_pictures(table: Table) -> None:
    carol, _ = table.watch("carol")
    dave, _ = table.watch("dave")
    table.handle(carol, "/board words")
    out = table.handle(HOST, "/game gomoku")
    to_carol = [d for d in out if d.reaches(carol) and d.shown.kind is not Kind.NOTICE]
    to_dave = [d for d in out if d.reaches(dave)]
    assert to_carol == []  # her board is a sentence now
    carols = [d.shown.text for d in out if d.to == carol]
    assert any(text.startswith("X: none · O: none · free: a1 b1") for text in carols)
    assert any(d.shown.kind is Kind.BOARD for d in to_dave)
    assert lines(table.handle(carol, "/free"), None)[0].startswith("free: a1 b1 c1")


def test_a_hangman_guesser_reads_blanks_never_the_secret(table: Table) -> None:
    table.handle(GUEST, "/board words")
    out = table.handle(HOST, "/game hangman quartz jinx")
    guessers = " ".join(lines(out, GUEST))
    assert "quartz" not in guessers and "jinx" not in guessers
    board = lines(table.handle(GUEST, "/board"), GUEST)[0]
    assert board.startswith("word: blank blank blank blank blank blank space blank")
    assert "quartz" not in board and "jinx" not in board


def test_a_new_guest_reads_pictures_until_they_ask(table: Table) -> None:
    table.handle(GUEST, "/board words")
    table.leave(GUEST)
    table.sit("erin")
    table.handle(HOST, "/game tictactoe")
    out: list[Delivery] = table.handle(HOST, "a1")
    assert lines(out, GUEST, Kind.BOARD) != []
