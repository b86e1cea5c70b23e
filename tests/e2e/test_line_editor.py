"""The console's own line editor, where there is no readline, in a real pseudo-terminal.

readline is hidden from the join with ``TABLECHAT_NO_READLINE`` (cli.terminal_modes), as it is
missing on Windows or in a Python built without it. What the join writes is replayed into
pyte, a terminal emulator, and its screen is what is checked: a half-typed line that wraps
stays whole and in one place, below everything that arrived while it was typed, and the
editing keys work on it as readline's do.
"""

from __future__ import annotations

import pyte
import pytest

from tests.e2e.support import ROWS, Player, Players

NO_READLINE = {"TABLECHAT_NO_READLINE": "1"}
LEFT, HOME, END_KEY = "\x1b[D", "\x1b[H", "\x1b[F"
HALF = "hello half-typed line, long enough to wrap over the rows of a narrow window -- end"


def _rows(player: Player, columns: int) -> tuple[list[str], tuple[int, int]]:
    screen = pyte.Screen(columns, ROWS)
    pyte.ByteStream(screen).feed(player.raw)
    return list(screen.display), (screen.cursor.y, screen.cursor.x)


def _below(rows: list[str], marker: str) -> list[str]:
    """The non-blank rows after the last row holding *marker*."""
    start = max(i for i, row in enumerate(rows) if marker in row) + 1
    return [row.rstrip() for row in rows[start:] if row.strip()]


@pytest.mark.parametrize("columns", [40, 80])
def test_the_half_line_stays_whole_under_twenty_incoming_lines(
    players: Players, columns: int
) -> None:
    host, port = players.host()
    join = players.join(port, "bob", columns=columns, extra=NO_READLINE)
    host.expect("bob sat down")
    join.type(HALF)
    join.expect("-- end")
    join.type(LEFT * 4)  # the cursor mid-line: "-- |end" … "--| end"
    for i in range(10):  # a seat's flood budget: 10 lines in 5 s
        host.say(f"incoming {i}")
        join.expect(f"<alice> incoming {i}")
    # a notice, two boards, turns: ten rows and more
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")
    join.expect("[tictactoe · your move (O) · 0–0] <bob> ")  # the status comes after it
    join.expect("-- end")

    rows, (row, column) = _rows(join, columns)
    first = next(i for i, text in enumerate(rows) if "<alice> incoming 0" in text)
    last = max(i for i, text in enumerate(rows) if "* your move (O)" in text)
    assert last - first + 1 >= 20, rows  # twenty rows and more came in while bob typed
    below = _below(rows, "* your move (O)")
    prompt_and_half = "[tictactoe · your move (O) · 0–0] <bob> " + HALF  # the status too
    assert "".join(row.ljust(columns) for row in below).rstrip() == prompt_and_half, rows
    assert not any("half-typed" in text for text in rows[:last]), rows  # nothing left above
    # The cursor is where it was left: four characters before the end.
    at = len(prompt_and_half) - 4
    assert (row, column) == (last + 1 + at // columns, at % columns), rows

    join.type("X" + HOME + "> " + END_KEY + "!")
    join.say("")
    host.expect("<bob> > " + HALF[:-4] + "X" + HALF[-4:] + "!")


def test_editing_keys_act_as_readlines(players: Players) -> None:
    host, port = players.host()
    join = players.join(port, "bob", extra=NO_READLINE)
    host.expect("bob")
    # Ctrl-W takes the word before the cursor, Ctrl-U all before it, Ctrl-K all after it;
    # Backspace and Delete one character; Ctrl-A/E the ends.
    join.type("drop these words\x17\x17\x17keep tail\x01\x0b")
    join.type("second\x17one\x7f\x7fne two\x01\x1b[3~O\x05 three")
    join.say("")
    host.expect("<bob> One two three")
