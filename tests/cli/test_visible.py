"""cli.visible: untrusted text is shown, never interpreted (issue 4 §7)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cli.visible import visible, visible_lines

BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]


def _is_dangerous(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or code in BIDI


@given(st.text())
def test_output_has_no_control_or_bidi_character(text: str) -> None:
    shown = visible(text)
    assert not any(_is_dangerous(ch) for ch in shown)
    assert not any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Zl", "Zp"} for ch in shown)


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_is_unchanged(text: str) -> None:
    assert visible(text) == text


@given(st.text())
def test_idempotent(text: str) -> None:
    once = visible(text)
    assert visible(once) == once


@given(st.text())
def test_visible_lines_never_contains_a_newline(text: str) -> None:
    lines = visible_lines(text)
    assert len(lines) == text.count("\n") + 1
    assert all("\n" not in line and "\r" not in line for line in lines)


def test_escape_sequences_are_shown() -> None:
    assert visible("\x1b[2J") == "^[[2J"
    assert visible("\x1b]52;c;aGk=\x07") == "^[]52;c;aGk=^G"
    assert visible("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") == (
        "^[]8;;http://x^[\\link^[]8;;^[\\"
    )
    assert visible("\x9b31m") == "\\u009b31m"
    assert visible("a\rb") == "a^Mb"
    assert visible("a\nb") == "a^Jb"
    assert visible("\x7f") == "^?"
    assert visible("abc\u202edef") == "abc\\u202edef"
    assert visible("\u2066\u2069\u200e\u200f\u061c") == "\\u2066\\u2069\\u200e\\u200f\\u061c"
    assert visible("\ud800") == "\\ud800"  # a lone surrogate would make print() raise
    assert visible("\U000e0001") == "\\U000e0001"  # format character beyond the BMP


def test_ordinary_unicode_is_kept() -> None:
    assert visible("héllo — 你好 ✓") == "héllo — 你好 ✓"


def test_multi_line_texts_keep_their_lines() -> None:
    assert visible_lines("a\nb\x1b[1Ac\n") == ["a", "b^[[1Ac", ""]
