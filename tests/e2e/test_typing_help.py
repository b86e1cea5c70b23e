"""What helps a person type at the real join, readline's and the console's own editor alike:
Tab completion from the table's own lists, a history kept between runs (never a hangman
secret), and a paste of many lines that is one decision rather than a burst of refusals.
"""

from __future__ import annotations

import os
import signal
import stat

import pexpect
import pyte
import pytest

from tests.e2e.support import ROWS, Player, Players

NO_READLINE = {"TABLECHAT_NO_READLINE": "1"}
UP = "\x1b[A"


def _bottom(player: Player) -> str:
    """The last row with text on the program's screen (pyte), spaces at its end kept."""
    screen = pyte.Screen(220, ROWS)
    pyte.ByteStream(screen).feed(player.raw)
    rows = [row for row in screen.display if row.strip()]
    return rows[-1][: screen.cursor.x] if screen.cursor.y == len(rows) - 1 else rows[-1]


@pytest.mark.parametrize("editor", ["readline", "own"])
def test_tab_completes_commands_and_game_names_and_history_keeps_no_secret(
    players: Players, editor: str
) -> None:
    extra = NO_READLINE if editor == "own" else None
    host, port = players.host()
    join = players.join(port, "bob", extra=extra, state="bob")
    host.expect("bob sat down")
    join.type("/ga")
    join.expect("/ga")
    join.type("\t")
    join.expect("me ")  # readline writes what it inserts, the editor the whole line
    assert _bottom(join) == "<bob> /game "
    join.type("go\t")
    join.expect("moku ")
    assert _bottom(join) == "<bob> /game gomoku "
    join.say("")
    host.expect("new game: gomoku")
    join.say("/game hangman maple syrup")  # refused (gomoku is on), and never kept
    join.expect("a game of gomoku is on")
    join.type(UP)  # the secret's line is not there to come back: the line before it is
    join.expect("/game gomoku ")  # with its space: the line is drawn to its end
    assert _bottom(join).endswith("<bob> /game gomoku ")
    join.type("\x15")  # Ctrl-U

    join.say("/q")
    join.wait_exit()
    history = players.home / "xdg-state" / "bob" / "tablechat" / "history"  # written at the end
    assert history.read_text(encoding="utf-8").splitlines() == ["/game gomoku ", "/q"]
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    again = players.join(port, "bob", extra=extra, state="bob")  # a new run of the same person
    again.type(UP + UP)  # "/q", then the line before it
    again.expect("game gomoku ")  # readline rewrites only what differs from "/q"
    assert _bottom(again).endswith("<bob> /game gomoku ")


def test_lines_are_kept_as_they_are_typed_so_a_killed_host_loses_none(players: Players) -> None:
    host, _ = players.host(state="alice")
    for line in ("first line", "second line", "third line"):
        host.say(line)
        host.expect(f"{line}\r")  # read: the line before it was written before this one was read
    os.kill(host.child.pid, signal.SIGKILL)  # no close, no clean-up: only what is on disk stays
    host.child.expect(pexpect.EOF)
    again, _ = players.host(state="alice")  # started again: reads the file back (and keeps it)
    history = players.home / "xdg-state" / "alice" / "tablechat" / "history"
    kept = history.read_text(encoding="utf-8").splitlines()
    assert kept in (["first line", "second line"], ["first line", "second line", "third line"])
    again.say("/q")
    again.wait_exit()


def test_a_fifteen_line_paste_sends_ten_and_names_the_five_it_did_not(players: Players) -> None:
    host, join, _ = players.pair()
    join.type("".join(f"pasted line {n}\r" for n in range(1, 16)))  # one write: a paste
    join.expect("not sent: lines 11–15 of the 15 you pasted (from “pasted line 11”)")
    host.expect("<bob> pasted line 10")
    host.say("seen them")  # after any answer to bob's lines: read everything up to it
    host.expect("seen them")
    join.expect("<alice> seen them")
    assert b"slow down" not in join.raw  # not one refusal
    assert join.raw.count(b"you pasted") == 1
    assert b"pasted line 11" not in host.raw
