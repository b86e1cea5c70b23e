"""A half-typed line spanning several rows survives an incoming line whole.

The join runs in a real pseudo-terminal of 40 or 80 columns; everything it writes is replayed
into pyte, a terminal emulator, and the resulting screen is what is checked: the incoming line
is there, your half-typed line is below it exactly once — wide and combining characters,
cursor anywhere — and no piece of it is left behind above.
"""

from __future__ import annotations

import unicodedata

import pyte  # a terminal emulator, in the test extra: a missing one must fail, not skip
import pytest

from cli.terminal_layout import display_width
from tests.e2e.support import ROWS, Player, Players

LEFT = "\x1b[D"
# Each wraps at 80 columns too: longer than 80 display columns with the prompt.
PARTIAL = {
    "ascii": "the quick brown fox jumps over the lazy dog and keeps running far away " * 2,
    "wide": "quick 你好世界，这是一行很长的中文 and more text after the wide part ok 再见朋友们",
    "combining": "quick cafe\u0301 nai\u0308ve re\u0301sume\u0301 " * 4,
}
END = " -- the end"  # after every partial: a tail that appears once, to wait for


def _screen(player: Player, columns: int) -> list[str]:
    screen = pyte.Screen(columns, ROWS)
    stream = pyte.ByteStream(screen)
    stream.feed(player.raw)
    return list(screen.display)


def _input_rows(rows: list[str], after: str) -> list[str]:
    """The rows below the one holding *after*, up to the last non-blank one."""
    start = next(i for i, row in enumerate(rows) if after in row) + 1
    end = max(i for i, row in enumerate(rows) if row.strip()) + 1
    return rows[start:end]


def _squeezed(text: str) -> str:
    # A wide character that does not fit at a row's end moves to the next row and leaves a
    # blank cell: compare without blanks. pyte composes a combining mark with the character
    # before it (NFC), as it is shown.
    return unicodedata.normalize("NFC", "".join(text.split()))


def _back(text: str, steps: int) -> int:
    """Where the cursor is after *steps* left arrows from the end: readline steps over a
    character together with its combining marks."""
    at = len(text)
    for _ in range(steps):
        at -= 1
        while at > 0 and unicodedata.combining(text[at]):
            at -= 1
    return at


def test_every_partial_wraps_at_80_columns() -> None:
    for partial in PARTIAL.values():
        assert display_width("<bob> " + partial) > 80


@pytest.mark.parametrize("columns", [40, 80])
@pytest.mark.parametrize("kind", sorted(PARTIAL))
@pytest.mark.parametrize("cursor_back", [0, 7])
def test_wrapped_half_line_is_redrawn_whole(
    players: Players, columns: int, kind: str, cursor_back: int
) -> None:
    host, port = players.host()
    join = players.join(port, "bob", columns=columns)
    host.expect("bob")
    partial = PARTIAL[kind] + END
    join.type(partial)
    join.expect(END)
    join.type(LEFT * cursor_back)
    if cursor_back:
        join.child.expect_exact(b"\x08")  # readline moved the cursor back
    host.say("an incoming line from alice")
    join.expect("<alice> an incoming line from alice")
    join.expect(END)  # readline redrew the line below it (then put the cursor back)

    rows = _screen(join, columns)
    incoming = next(i for i, row in enumerate(rows) if "<alice> an incoming line" in row)
    below = _input_rows(rows, "<alice> an incoming line from alice")
    assert _squeezed("".join(below)) == _squeezed("<bob> " + partial), rows
    # Nothing of the half line stayed above the incoming line.
    assert not any("<bob>" in row or "quick" in row for row in rows[:incoming]), rows

    # Typed where the cursor was, Enter: readline's state survived, the host gets it all.
    join.type("Q")
    join.say("")
    at = _back(partial, cursor_back)
    host.expect("<bob> " + (partial[:at] + "Q" + partial[at:]).rstrip())


def test_after_the_window_narrows_the_half_line_is_still_redrawn_whole(players: Players) -> None:
    host, port = players.host()
    join = players.join(port, "bob", columns=80)
    host.expect("bob")
    partial = PARTIAL["ascii"] + END
    join.type(partial)
    join.expect(END)
    resized_at = len(join.raw)
    join.child.setwinsize(ROWS, 40)  # SIGWINCH: readline re-reads the width and redraws
    join.expect(END)
    host.say("an incoming line from alice")
    join.expect("<alice> an incoming line from alice")
    join.expect(END)

    screen = pyte.Screen(80, ROWS)
    stream = pyte.ByteStream(screen)
    stream.feed(join.raw[:resized_at])
    screen.resize(ROWS, 40)  # like xterm: rows are cut, not re-flowed
    stream.feed(join.raw[resized_at:])
    rows = list(screen.display)
    below = _input_rows(rows, "<alice> an incoming line from alice")
    assert _squeezed("".join(below)) == _squeezed("<bob> " + partial), rows
    # Nothing of the line as it was drawn before the resize is left above: the console takes
    # SIGWINCH from readline and erases the rows as they were drawn, on a terminal that cuts
    # rows (xterm; pyte here), before readline draws for the new width.
    incoming = next(i for i, row in enumerate(rows) if "<alice> an incoming line" in row)
    assert not any("<bob>" in row or "quick" in row for row in rows[:incoming]), rows
    join.say("")
    host.expect("<bob> " + partial.rstrip())
