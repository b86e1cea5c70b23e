"""cli.terminal_layout: widths, rows and word wrapping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cli.terminal_layout import (
    char_width,
    display_width,
    erase_from_row_above,
    rows_above_cursor,
    wrap_words,
)

# Printable text as a notice holds it after cli.visible: letters, spaces, wide and combining.
TEXT = st.text(
    alphabet=st.sampled_from([*"abc xyz-", " ", "你", "好", "\u0308", "✓"]),
    max_size=120,
)


def test_widths_follow_terminals() -> None:
    assert char_width("a") == 1
    assert char_width("你") == 2  # East Asian wide
    assert char_width("\uff21") == 2  # fullwidth A
    assert char_width("\u0301") == 0  # combining acute
    assert char_width("\u200d") == 0  # zero-width joiner
    assert char_width("\ufe0f") == 0  # variation selector 16
    assert display_width("café 你好") == 9
    assert display_width("cafe\u0301") == 4


def test_rows_above_the_cursor() -> None:
    assert rows_above_cursor(0, 40) == 0
    assert rows_above_cursor(39, 40) == 0
    assert rows_above_cursor(40, 40) == 1  # readline wraps eagerly: the cursor is on row 1
    assert rows_above_cursor(85, 40) == 2
    assert erase_from_row_above(0) == "\r\x1b[J"
    assert erase_from_row_above(2) == "\r\x1b[2A\x1b[J"


def test_wrap_at_word_boundaries() -> None:
    assert wrap_words("the quick brown fox jumps over the lazy dog", 10) == [
        "the quick",
        "brown fox",
        "jumps over",
        "the lazy",
        "dog",
    ]
    assert wrap_words("short", 10) == ["short"]
    assert wrap_words("   score lines keep their indent", 16) == [
        "   score lines",
        "keep their",
        "indent",
    ]
    assert wrap_words("abcdefghijklmnopqrstuvwxyz end", 10) == [
        "abcdefghij",
        "klmnopqrst",
        "uvwxyz end",
    ]
    assert wrap_words("你好你好你好你好", 5) == [
        "你好",
        "你好",
        "你好",
        "你好",
    ]  # never half a wide char


@given(TEXT, st.integers(min_value=2, max_value=50))
def test_every_row_fits(text: str, width: int) -> None:
    assert all(display_width(row) <= width for row in wrap_words(text, width))


@given(TEXT, st.integers(min_value=1, max_value=50))
def test_no_word_is_lost_or_changed_except_at_breaks(text: str, width: int) -> None:
    rows = wrap_words(text, width)
    assert "".join("".join(rows).split()) == "".join(text.split())
    if display_width(text) <= width:
        assert rows == [text]
