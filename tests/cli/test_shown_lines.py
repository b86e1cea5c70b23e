"""cli.shown_lines: what each kind of shown thing looks like."""

from __future__ import annotations

import pytest

from cli.colors import Palette
from cli.shown_lines import shown_rows
from cli.terminal_layout import display_width
from game.help import HELP
from game.record_magic import MAGIC

PLAIN = Palette(False)
COLOR = Palette(True)
LONG = "new game: gomoku 15x15 k=5 — alice (X) against bob (O); X moves first, type a cell"


def test_long_notices_wrap_at_words_with_the_mark_indent() -> None:
    rows = shown_rows("notice", LONG, None, PLAIN, 40)
    assert rows == [
        "* new game: gomoku 15x15 k=5 — alice (X)",
        "  against bob (O); X moves first, type a",
        "  cell",
    ]
    assert all(display_width(row) <= 40 for row in rows)


def test_errors_and_results_wrap_too_with_their_own_marks() -> None:
    assert shown_rows("result", LONG, None, PLAIN, 40)[:2] == [
        "** new game: gomoku 15x15 k=5 — alice",
        "   (X) against bob (O); X moves first,",
    ]
    assert shown_rows("error", LONG, None, PLAIN, 40)[1].startswith("  against")


def test_without_a_terminal_nothing_wraps() -> None:
    assert shown_rows("notice", LONG, None, PLAIN, None) == ["* " + LONG]


def test_boards_never_wrap() -> None:
    board = " 1  . . . . . . . . . . . . . . .  1"
    assert shown_rows("board", board, None, PLAIN, 20) == ["  " + board]


def test_chat_wraps_at_words_with_its_rows_after_the_first_indented() -> None:
    rows = shown_rows("chat", LONG, "bob", PLAIN, 40)
    assert rows == [
        "<bob> new game: gomoku 15x15 k=5 — alice",
        "    (X) against bob (O); X moves first,",
        "    type a cell",
    ]
    assert " ".join(row.strip() for row in rows) == "<bob> " + LONG  # no word cut or lost
    assert shown_rows("chat", LONG, "bob", PLAIN, None) == ["<bob> " + LONG]


def test_a_wrapped_chat_line_paints_only_the_name() -> None:
    rows = shown_rows("chat", LONG, "bob", COLOR, 40)
    assert rows[0].startswith(COLOR.other("<bob>"))
    assert rows[1] == "    (X) against bob (O); X moves first,"


def test_a_word_longer_than_a_row_is_cut_and_no_row_is_too_wide() -> None:
    rows = shown_rows("chat", "x" * 100, "bob", PLAIN, 30)
    assert all(display_width(row) <= 30 for row in rows)
    assert "".join(row.strip() for row in rows) == "<bob>" + "x" * 100


def test_two_column_rows_lose_their_padding_then_all_become_one_column() -> None:
    short = "commands:\n  /board               show the board again\n  /who   who is here"
    assert shown_rows("notice", short, None, PLAIN, 40) == [
        "* commands:",
        "    /board  show the board again",
        "    /who   who is here",  # it fits: its padding stays
    ]
    text = short + "\n  /q, /quit, /exit      leave the table (also Ctrl-D or Ctrl-C)"
    # one row of the notice cannot keep two columns: none of them does, short ones too
    assert shown_rows("notice", text, None, PLAIN, 40) == [
        "* commands:",
        "    /board",
        "      show the board again",
        "    /who",
        "      who is here",
        "    /q, /quit, /exit",
        "      leave the table (also Ctrl-D or",
        "      Ctrl-C)",
    ]
    assert (
        shown_rows("notice", text, None, PLAIN, 80)[1]
        == "    /board               show the board again"
    )


def test_the_help_list_at_40_columns_is_one_column_and_every_row_fits() -> None:
    rows = shown_rows("notice", HELP, None, PLAIN, 40)
    assert all(display_width(row) <= 40 for row in rows)
    commands = [row for row in rows if row.startswith("    /")]
    assert commands[0] == "    /game tictactoe"
    assert all(row.startswith("  ") for row in rows[1:])  # nothing under the mark
    at = rows.index("    /who")  # a short row too: the list reads the same all the way down
    assert rows[at + 1] == "      who is at the table"
    at = rows.index("    /score, /record")  # a row too wide for one line: its text below it
    assert rows[at + 1].startswith("      the score")


@pytest.mark.parametrize("width", [40, 59])
def test_no_help_row_keeps_two_columns_once_one_cannot(width: int) -> None:
    rows = shown_rows("notice", HELP, None, PLAIN, width)
    commands = [row for row in rows if row.startswith("    /")]
    assert "    /sit" in commands and "    /who" in commands
    assert not [row for row in commands if "  " in row.strip()], commands  # none beside its words


def test_the_help_list_on_a_40_by_24_screen_keeps_its_commands_and_its_top_on_screen() -> None:
    tall = shown_rows("notice", HELP, None, PLAIN, 40, height=60)
    assert len(tall) > 24 - 1  # with what each does, it would scroll its own top away
    rows = shown_rows("notice", HELP, None, PLAIN, 40, height=24)
    assert len(rows) <= 24 - 1  # and the prompt below it
    assert rows[0].startswith("* commands — /help NAME")  # which says how to learn more
    assert "    /game tictactoe" in rows and "    /who" in rows
    assert "      who is at the table" not in rows  # the words went, the commands stayed
    assert all(display_width(row) <= 40 for row in rows)
    assert shown_rows("notice", HELP, None, PLAIN, 80, height=24) == shown_rows(
        "notice", HELP, None, PLAIN, 80
    )  # two columns fit a wide screen: nothing to leave out


def test_multi_line_notices_keep_their_lines_and_indent() -> None:
    rows = shown_rows("notice", "score:\n    bob    1 win, 0 draws", None, PLAIN, 80)
    assert rows == ["* score:", "      bob    1 win, 0 draws"]


def test_your_turn_is_bright_and_other_notices_dim() -> None:
    turn = shown_rows("notice", "your move (X)", None, COLOR)[0]
    guess = shown_rows("notice", "your guess", None, COLOR)[0]
    waiting = shown_rows("notice", "waiting for alice (O)", None, COLOR)[0]
    assert turn == COLOR.turn("* your move (X)")
    assert guess == COLOR.turn("* your guess")
    assert waiting == COLOR.notice("* waiting for alice (O)")
    assert "\x1b[2m" not in turn  # not dim
    assert "\x1b[1m" in turn  # bold


def test_an_offer_to_you_is_bright_like_your_turn() -> None:
    offer = "bob offers you a draw — /accept or /decline"
    assert shown_rows("notice", offer, None, COLOR) == [COLOR.turn(f"* {offer}")]
    mine = "you offer bob a draw — they may /accept or /decline"
    assert shown_rows("notice", mine, None, COLOR) == [COLOR.notice(f"* {mine}")]


def test_peer_text_is_made_visible_before_painting() -> None:
    rows = shown_rows("chat", "hi\x1b[2J", "bo\u202eb", COLOR)
    assert "\x1b[2J" not in rows[0]
    assert "^[[2J" in rows[0] and "\\u202e" in rows[0]
    # A notice that merely starts like the turn notice is still made visible.
    assert "^[" in shown_rows("notice", "your move\x1b[31m", None, PLAIN)[0]


def test_a_record_in_a_notice_is_never_wrapped_but_its_heading_is() -> None:
    chat = 'chat "bob" "' + "word " * 20 + '"'
    text = "a heading long enough to wrap at forty columns, as notices do\n" + "\n".join(
        [MAGIC, '[Id "x"]', "", chat, "", '[Result "?"]']
    )
    rows = shown_rows("notice", text, None, PLAIN, 40)
    assert all(display_width(row) <= 40 for row in rows[: rows.index("  " + MAGIC)])
    assert rows[rows.index("  " + MAGIC) :] == ["  " + line for line in text.split("\n")[1:]]
