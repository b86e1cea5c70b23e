"""The console's own line editor, its key decoder and its drawing, in-process.

The drawing is replayed into pyte, a terminal emulator: whatever was drawn before, at whatever
width, the screen then shows the prompt and the line once, and the cursor where the line's
cursor is — wide characters and rows filled to the last column included.
"""

from __future__ import annotations

import unicodedata

import pyte
from hypothesis import given
from hypothesis import strategies as st

from cli.editor_screen import EditorScreen
from cli.key_decoder import KeyDecoder
from cli.line_editor import ENTER, EOF, LineEditor, is_key_name
from cli.terminal_layout import display_width


def _typed(editor: LineEditor, *keys: str) -> list[str | None]:
    return [editor.key(key) for key in keys]


def test_editing_keys() -> None:
    editor = LineEditor()
    _typed(editor, "hello world", "ctrl-w", "there", "home", "delete", "H", "end", "!")
    assert (editor.text, editor.point) == ("Hello there!", 12)
    _typed(editor, "left", "left", "ctrl-k")
    assert editor.text == "Hello ther"
    _typed(editor, "ctrl-a", "right", "ctrl-u")
    assert (editor.text, editor.point) == ("ello ther", 0)
    _typed(editor, "end", "backspace", "ctrl-h")
    assert editor.text == "ello th"
    assert editor.key("enter") == ENTER


def test_ctrl_d_leaves_on_an_empty_line_and_deletes_otherwise() -> None:
    editor = LineEditor()
    _typed(editor, "ab", "home")
    assert editor.key("ctrl-d") is None and editor.text == "b"
    _typed(editor, "ctrl-d")
    assert editor.key("ctrl-d") == EOF


def test_a_combining_mark_moves_and_goes_with_its_letter() -> None:
    editor = LineEditor()
    _typed(editor, "cafe\u0301!", "left", "left")
    assert editor.point == 3
    _typed(editor, "delete")
    assert editor.text == "caf!"


def test_history_walks_back_and_forth_and_keeps_the_draft() -> None:
    editor = LineEditor(history=["one", "two"])
    _typed(editor, "draft", "up")
    assert editor.text == "two"
    _typed(editor, "up", "up")
    assert editor.text == "one"
    _typed(editor, "down")
    assert editor.text == "two"
    _typed(editor, "down")
    assert (editor.text, editor.point) == ("draft", 5)


def test_tab_completes_a_single_candidate_with_a_space_and_many_to_their_common_start() -> None:
    offered = {"/ga": ["/game"], "/game go": ["gomoku"], "/r": ["/rematch", "/resign"]}
    editor = LineEditor(completer=lambda before: offered.get(before, []))
    _typed(editor, "/ga", "tab")
    assert editor.text == "/game "
    _typed(editor, "go", "tab")
    assert editor.text == "/game gomoku "
    editor.reset()
    _typed(editor, "/r", "tab")
    assert editor.text == "/re"
    editor.reset()
    _typed(editor, "nothing", "tab")
    assert editor.text == "nothing"


def test_the_decoder_names_keys_and_waits_for_split_sequences() -> None:
    decoder = KeyDecoder()
    assert decoder.feed(b"ab\x1b[D\x1b[3~\x1bOH\x7f\r\t") == [
        "ab",
        "left",
        "delete",
        "home",
        "backspace",
        "enter",
        "tab",
    ]
    assert decoder.feed(b"\x1b[") == []  # half an escape sequence: wait for the rest
    assert decoder.feed(b"A\xc3") == ["up"]  # half a UTF-8 character: wait too
    assert decoder.feed(b"\xa9") == ["é"]
    assert decoder.feed(b"\x1b[15~x\x1bfy") == ["xy"]  # F5 and Alt-f are dropped whole


@given(st.binary(max_size=60), st.integers(min_value=0, max_value=60))
def test_any_bytes_at_any_split_give_the_same_line_and_never_a_control_character(
    data: bytes, cut: int
) -> None:
    whole, split = LineEditor(), LineEditor()
    for key in KeyDecoder().feed(data):
        whole.key(key)
    decoder = KeyDecoder()
    for key in decoder.feed(data[:cut]) + decoder.feed(data[cut:]):
        split.key(key)
        assert is_key_name(key) or not any(unicodedata.category(ch) == "Cc" for ch in key)
    assert (whole.text, whole.point) == (split.text, split.point)
    assert not any(unicodedata.category(ch) == "Cc" for ch in whole.text)


def _screen(columns: int, *drawings: str) -> pyte.Screen:
    screen = pyte.Screen(columns, 12)
    stream = pyte.Stream(screen)
    stream.feed("\r\n".join(["above"] * 3) + "\r\n")
    for drawing in drawings:
        stream.feed(drawing.replace("\n", "\r\n"))
    return screen


# Pieces two columns wide, after a prompt of six, at an even width: a wide character never
# straddles a row's end, where pyte (unlike xterm, whose wrapping the screen follows) does not
# move it to the next row.
TEXTS = st.lists(st.sampled_from(["ab", "你", "é ", "  "]), max_size=35).map("".join)
PROMPT = "<me>  "


@given(TEXTS, TEXTS, st.integers(min_value=0, max_value=70), st.sampled_from([10, 12, 20]))
def test_drawing_again_leaves_the_line_once_and_the_cursor_at_its_point(
    old: str, new: str, point: int, columns: int
) -> None:
    point = min(point, len(new))
    view = EditorScreen()
    first = view.draw(PROMPT, PROMPT, old, len(old), columns)
    second = view.draw(PROMPT, PROMPT, new, point, columns)
    screen = _screen(columns, first, second)
    rows = [row for row in screen.display[3:] if row.strip()]
    assert "".join(rows).replace(" ", "") == (PROMPT + new).replace(" ", "")
    assert screen.display[:3] == ["above".ljust(columns)] * 3  # nothing above was touched
    # The cursor: prompt and text before it, as the terminal lays them out.
    row = col = 0
    for ch in PROMPT + new[:point]:
        width = display_width(ch)
        if col + width > columns:
            row, col = row + 1, 0
        col += width
        if col >= columns:
            row, col = row + 1, 0
    assert (screen.cursor.y, screen.cursor.x) == (3 + row, col)


def test_erase_after_the_window_narrowed_takes_the_rows_as_they_were_drawn() -> None:
    view = EditorScreen()
    text = "x" * 50  # with the prompt: three rows at 20 columns
    drawn = view.draw("<me> ", "<me> ", text, 10, 20)
    screen = _screen(20, drawn)
    screen.resize(12, 10)  # narrower, as xterm does: rows cut, the cursor's row kept
    pyte.Stream(screen).feed(view.draw("<me> ", "<me> ", text, 10, 10))
    rows = [row.rstrip() for row in screen.display if row.strip()]
    assert rows[:3] == ["above"] * 3
    assert "".join(rows[3:]) == "<me> " + text  # one copy, no stale rows


def test_finish_leaves_the_sent_line_and_goes_below_it() -> None:
    view = EditorScreen()
    for text in ("short", "x" * 15):  # the second fills its row to the last column
        screen = _screen(
            20, view.draw("<me> ", "<me> ", text, 0, 20), view.finish("<me> ", "<me> ", text, 20)
        )
        assert screen.display[3].rstrip() == "<me> " + text
        assert (screen.cursor.y, screen.cursor.x) == (4, 0)
        assert not view.drawn and view.erase() == ""
