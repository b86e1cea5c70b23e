"""cli.visible: untrusted text is shown, never interpreted."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from cli.visible import visible, visible_lines

BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]


def _is_dangerous(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F or code in BIDI


ZWJ = "\u200d"
EMOJI_FORMAT = {ZWJ, *map(chr, range(0xE0020, 0xE0080))}  # the joiner; tags and CANCEL TAG
# Text rich in what emoji are built from, so hypothesis meets joiners between pictographs.
EMOJI_PARTS = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            " ",
            "\x1b",
            "\u202e",
            ZWJ,
            "\u200c",
            "\ufe0f",
            "\U0001f3fd",
            "\U0001f469",
            "\U0001f4bb",
            "\u2764",
            "\U0001f3f4",
            "\U000e0067",
            "\U000e007f",
            "\u20e3",
            "1",
        ]
    )
)


@given(st.text() | EMOJI_PARTS)
def test_output_has_no_control_or_bidi_character(text: str) -> None:
    shown = visible(text)
    assert not any(_is_dangerous(ch) for ch in shown)
    assert not any(unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"} for ch in shown)
    # The only format characters let through are those emoji are built with.
    assert all(ch in EMOJI_FORMAT for ch in shown if unicodedata.category(ch) == "Cf")


@given(EMOJI_PARTS)
def test_a_kept_joiner_always_stands_between_two_pictographs(text: str) -> None:
    shown = visible(text)
    for index, ch in enumerate(shown):
        if ch == ZWJ:
            assert 0 < index < len(shown) - 1
            assert shown[index + 1] in "\U0001f469\U0001f4bb\u2764\U0001f3f4"


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_printable_ascii_is_unchanged(text: str) -> None:
    assert visible(text) == text


@given(st.text() | EMOJI_PARTS)
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


def test_emoji_show_as_typed() -> None:
    for emoji in (
        "\U0001f469\u200d\U0001f4bb",  # woman technologist: ZWJ
        "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family: two ZWJs
        "\U0001f3f3\ufe0f\u200d\U0001f308",  # rainbow flag: VS16 then ZWJ
        "\U0001f469\U0001f3fd\u200d\U0001f4bb",  # with a skin tone
        "\u2764\ufe0f",  # red heart, emoji style (VS16)
        "\u2764\ufe0e",  # text style (VS15)
        "1\ufe0f\u20e3",  # keycap one
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland
    ):
        assert visible(f"hi {emoji}!") == f"hi {emoji}!"


def test_invisible_characters_that_could_hide_text_stay_escaped() -> None:
    assert visible("pay\u200dpal") == "pay\\u200dpal"  # a joiner between letters
    assert visible("\u200d\U0001f469") == "\\u200d\U0001f469"  # joining nothing
    assert visible("\U0001f469\u200d") == "\U0001f469\\u200d"
    assert visible("a\u200cb\u200bc\u2060d\u00ade\ufeff") == (
        "a\\u200cb\\u200bc\\u2060d\\u00ade\\ufeff"
    )
    assert visible("x\U000e0067\U000e007f") == "x\\U000e0067\\U000e007f"  # tags, no flag
    assert visible("\U0001f3f4\U000e0067") == "\U0001f3f4\\U000e0067"  # never cancelled
    # Direction and cursor controls next to emoji are escaped all the same.
    assert visible("\U0001f469\u202e\U0001f4bb") == "\U0001f469\\u202e\U0001f4bb"
