"""The status in the prompt — game, whose turn, score — follows the table, on both programs.

The join learns it from the host's ``status`` shows (protocol version 3), the host from its own
table. The join's screen is replayed into pyte: after each move its bottom row is the new
status and prompt, with the half-typed line after it, whole.
"""

from __future__ import annotations

import time

import pexpect
import pyte

from tests.e2e.support import ROWS, TIMEOUT, Player, Players


def _bottom(player: Player, columns: int = 220) -> str:
    screen = pyte.Screen(columns, ROWS)
    pyte.ByteStream(screen).feed(player.raw)
    return [row.rstrip() for row in screen.display if row.strip()][-1]


def _until_bottom(player: Player, row: str) -> None:
    """Wait until the program's bottom row reads *row* (its output read as it comes)."""
    deadline = time.monotonic() + TIMEOUT
    while _bottom(player) != row:
        assert time.monotonic() < deadline, _bottom(player)
        player.child.expect([pexpect.TIMEOUT], timeout=0.05)


def test_the_status_changes_with_each_move(players: Players) -> None:
    host, join, _ = players.pair()
    join.type("half typed")
    join.expect("half typed")
    host.say("/game tictactoe")
    host.expect("[tictactoe · your move (X) · 0–0] <alice> ")
    join.expect("[tictactoe · waiting for alice (X) · 0–0] <bob> ")
    join.expect("half typed")  # the half line, drawn again after the new prompt
    assert _bottom(join) == "[tictactoe · waiting for alice (X) · 0–0] <bob> half typed"

    host.say("b2")
    join.expect("[tictactoe · your move (O) · 0–0] <bob> ")
    join.expect("half typed")
    assert _bottom(join) == "[tictactoe · your move (O) · 0–0] <bob> half typed"
    host.expect("[tictactoe · waiting for bob (O) · 0–0] <alice> ")

    host.say("/resign")  # no game any more: no status
    join.expect("you win")
    _until_bottom(join, "<bob> half typed")  # the status goes after the result: drawn again
