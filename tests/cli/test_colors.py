"""cli.colors: when to color, and that a disabled palette leaves text alone."""

from __future__ import annotations

import io

from cli.colors import Palette, color_wanted, strip_readline_markers


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_only_for_a_terminal_without_no_color_or_flag() -> None:
    assert color_wanted(True, _Terminal(), {}) is True  # colorama is installed in the test env
    assert color_wanted(True, _Terminal(), {"NO_COLOR": "1"}) is False
    assert color_wanted(True, _Terminal(), {"NO_COLOR": "0"}) is False  # any value but empty
    assert color_wanted(True, _Terminal(), {"NO_COLOR": ""}) is True  # no-color.org: empty is unset
    assert color_wanted(False, _Terminal(), {}) is False  # --no-color
    assert color_wanted(True, io.StringIO(), {}) is False  # not a terminal


def test_no_color_on_a_dumb_terminal() -> None:
    assert color_wanted(True, _Terminal(), {"TERM": "dumb"}) is False
    assert color_wanted(True, _Terminal(), {"TERM": "xterm-256color"}) is True
    # No TERM at all is a Windows console's normal state, where colorama makes ANSI work.
    assert color_wanted(True, _Terminal(), {"TERM": ""}) is True


def test_disabled_palette_is_plain() -> None:
    plain = Palette(False)
    for paint in (plain.me, plain.other, plain.notice, plain.error, plain.result, plain.board):
        assert paint("X | O") == "X | O"


def test_enabled_palette_tells_things_apart() -> None:
    color = Palette(True)
    assert color.board("1  X | O") != "1  X | O"
    x_colored = color.board("1  X")
    o_colored = color.board("1  O")
    assert x_colored.replace("X", "") != o_colored.replace("O", "")  # X and O differ
    assert color.me("a") != color.other("a")
    assert len({color.notice("a"), color.error("a"), color.result("a")}) == 3
    assert color.board("1  OK, Xavier") == "1  OK, Xavier"  # only lone marks are colored
    prompt = color.readline_prompt("<bob> ")
    assert strip_readline_markers(prompt) == color.me("<bob> ")


REVERSE, UNDERLINE = "\x1b[7m", "\x1b[4m"


def test_last_move_and_winning_cells_stand_out_and_keep_their_colors() -> None:
    color = Palette(True)
    plain_x = color.board("2  X")[3:]  # X as any X on a board is painted
    last = color.board("2  4 |(X)| 6")
    assert REVERSE in last and "(" in last and ")" in last
    assert last.count("X") == 1 and plain_x.split("X")[0] in last  # X's own color kept
    win = color.board(" 8  . [X X X X X] .  8")
    assert win.count(UNDERLINE) == 5  # each winning mark, none of the blanks
    assert REVERSE not in win
    won_o = color.board("3 [O]| 8 | 9")
    assert UNDERLINE in won_o and color.board("3  O | 8 | 9").split("O")[0][-5:] in won_o
    # Outside the brackets and parentheses the marks are plain pieces again.
    after = color.board(" 8  [X X] O (X) O  8")
    assert after.count(UNDERLINE) == 2 and after.count(REVERSE) == 3  # "(", X, ")"


def test_only_grid_rows_are_painted_so_the_gallows_head_is_no_piece() -> None:
    color = Palette(True)
    for line in ("  |   O", "  |  /|\\", "word:    O _ _", "guessed: o x", "    a b c d e"):
        assert color.board(line) == line
    assert color.board("10  . O .  10") != "10  . O .  10"


def test_turn_is_bright_not_dim() -> None:
    color = Palette(True)
    assert color.turn("a") not in {color.notice("a"), color.result("a"), color.me("a")}
    assert "\x1b[2m" not in color.turn("a")
    assert Palette(False).turn("a") == "a"
