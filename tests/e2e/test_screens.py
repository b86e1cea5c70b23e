"""Screens that fit: /help and chat in a 40-column pane, lines of 79 columns for nc, /history,
a gomoku move on a 24-row terminal, and words mode for a screen reader.

Each program runs in a real pseudo-terminal; what the join wrote is replayed into pyte, a
terminal emulator, where a row is what a person sees.
"""

from __future__ import annotations

import re

import pyte  # a terminal emulator, in the test extra: a missing one must fail, not skip
import pytest

from tests.e2e.support import ROWS, Client, Player, Players, sat_down, start_text_client

# Each takes 1–3 s on an idle machine; 30 s leaves room for a loaded 2-core CI machine.
pytestmark = pytest.mark.timeout(30)

LONG = (
    "a chat line long enough to wrap twice at forty columns, with words like "
    "extraordinarily and unbreakable that must never be cut in the middle"
)


def _screen(
    player: Player, columns: int, rows: int = ROWS, resized_at: int | None = None
) -> list[str]:
    """The screen *player* shows: its output replayed into pyte (resized to *rows* rows where
    the test resized the terminal, as xterm cuts rows)."""
    screen = pyte.Screen(columns, ROWS)
    stream = pyte.ByteStream(screen)
    raw = player.raw
    if resized_at is not None:
        stream.feed(raw[:resized_at])
        screen.resize(rows, columns)
        raw = raw[resized_at:]
    stream.feed(raw)
    return [row.rstrip() for row in screen.display]


def test_help_and_chat_fit_a_40_column_pane(players: Players) -> None:
    host, port = players.host()
    join = players.join(port, "bob", columns=40)
    host.expect("bob sat down")
    join.say("/help")
    join.expect_re(rb"whatever\s+it\s+is\.")  # the last words, however they wrap
    rows = _screen(join, 40)
    top = next(i for i, row in enumerate(rows) if row.startswith("* commands — /help NAME"))
    listed = rows[top : next(i for i, row in enumerate(rows) if row.endswith("is.")) + 1]
    assert "    /q, /quit, /exit" in listed  # one column: the command on its row…
    assert "      leave the table (also Ctrl-D or" in listed  # …what it does indented below
    at = listed.index("    /who")  # a short one too: every row of the list alike
    assert listed[at + 1] == "      who is at the table"
    assert all(row.startswith("  ") for row in listed[1:]), listed  # nothing under the mark

    host.say(LONG)
    join.expect("the middle")
    rows = _screen(join, 40)
    first = next(i for i, row in enumerate(rows) if row.startswith("<alice> a chat line"))
    said = [rows[first]]
    while not said[-1].endswith("middle"):
        said.append(rows[first + len(said)])
    assert all(row.startswith("    ") for row in said[1:]), said  # indented under the name
    assert " ".join(row.strip() for row in said) == "<alice> " + LONG  # no word cut

    join.say("/history 1")  # the join asks the table, which kept what bob saw
    join.expect("the last 1 chat line again:")
    join.expect("the middle")


def test_nc_reads_lines_of_79_columns_and_history_and_boards_in_words(players: Players) -> None:
    host, port = players.host()
    bob = start_text_client(players, Client.NC, port, "bob")
    sat_down(host, bob)
    host.say(LONG + " " + LONG)
    bob.expect("the middle")
    bob.expect("the middle")
    said = bob.raw.decode()
    rows = [row.rstrip("\r") for row in said[said.index("<alice> a chat line") :].split("\n")]
    rows = rows[: next(i for i, row in enumerate(rows) if row.endswith("the middle")) + 1]
    assert all(len(row) <= 79 for row in rows), rows
    assert all(row.startswith("    ") for row in rows[1:]), rows
    assert " ".join(row.strip() for row in rows) == f"<alice> {LONG} {LONG}"  # no word cut

    host.say("second line")
    bob.expect("second line")
    bob.say("/history 2")
    bob.expect("the last 2 chat lines again:")
    bob.expect("the middle")
    bob.expect("<alice> second line")

    bob.say("/board words")
    bob.expect("boards will be said in words")
    host.say("/game tictactoe")
    host.expect("your move")
    host.say("b2")
    bob.expect("alice played b2 · your move (O)")
    bob.say("/free")
    bob.expect("free: a1 b1 c1 a2 c2 a3 b3 c3")
    assert "---+---" not in bob.raw.decode()  # no picture reached bob


def test_a_gomoku_move_on_24_rows_leaves_the_chat_on_screen(players: Players) -> None:
    host, port = players.host()
    join = players.join(port, "bob", columns=80)
    host.expect("bob sat down")
    resized_at = len(join.raw)
    join.child.setwinsize(24, 80)
    host.say("/game gomoku")
    join.expect("waiting for alice (X)")
    host.say("what I said before the move")
    join.expect("<alice> what I said before the move")
    host.say("h8")
    join.expect("the row of the last move — /board shows the whole board")
    join.expect("your move (O)")
    join.say("i9")
    host.expect("bob played i9")  # the prompt's status said "your move (X)" before the move
    host.expect("your move (X)")
    host.say("h9")  # two whole boards (19 rows each) would have scrolled the chat away
    join.expect("alice played h9")
    join.expect("the row of the last move — /board shows the whole board")
    join.expect("your move (O)")
    rows = _screen(join, 80, 24, resized_at)
    assert any("<alice> what I said before the move" in row for row in rows), rows
    assert any(re.match(r" *9 +\. .*\(X\)", row) for row in rows), rows  # the move's row
    join.say("/board")
    join.expect(" 15 ")  # the whole board: its last row too


def test_accessible_join_reads_a_move_and_whose_turn_in_one_line(players: Players) -> None:
    host, port = players.host()
    join = players.start("cli.join", str(port), "--name", "bob", "--accessible")
    # asked for as it sat down: the answer may come before or after its first prompt
    join.expect("boards will be said in words")
    host.expect("bob sat down")
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("alice played b2 · your move (O)")
    join.say("/last")
    join.expect("last move: X b2 · your move (O)")
    join.say("/board")
    join.expect("X: b2 · O: none · free: a1 b1 c1 a2 c2 a3 b3 c3 · last move: X b2")
    assert "---+---" not in join.raw.decode()
