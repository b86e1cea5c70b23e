"""cli.colors: when to color, and that a disabled palette leaves text alone (issue 4 §6)."""

from __future__ import annotations

import io

from cli.colors import Palette, color_wanted, strip_readline_markers


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_only_for_a_terminal_without_no_color_or_flag() -> None:
    assert color_wanted(True, _Terminal(), {}) is True  # colorama is installed in the test env
    assert color_wanted(True, _Terminal(), {"NO_COLOR": ""}) is False  # any value, even empty
    assert color_wanted(False, _Terminal(), {}) is False  # --no-color
    assert color_wanted(True, io.StringIO(), {}) is False  # not a terminal


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
