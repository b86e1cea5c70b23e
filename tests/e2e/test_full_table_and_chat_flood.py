"""A table is for two, and chat cannot flood it — with the real host and join programs.

A third connection is told "the table is full" and
watches, without disturbing the game (it never plays, and its lines never reach the players
during the game). Chat faster than a person types (more than 10 lines in 5 s) is
refused with "slow down" to the sender and not shown to the other person; moves are never
dropped by it.

Both are checked on the screens people see, through pseudo-terminals, because that is where a
failure would matter: a refused line that still reaches the host's screen, a move lost in a
flood, a third person's arrival leaking into a game.
"""

from __future__ import annotations

import re
import time

import pexpect

from game.flood import FloodControl, FloodVerdict
from tests.e2e.support import TIMEOUT, Players, start_tictactoe

# What game/flood.py says for a line refused for speed (the text is the table's, not ours).
_FLOOD = FloodControl()
SLOW_DOWN = _FLOOD.message(FloodVerdict.TOO_FAST)
MAX_LINES = _FLOOD.max_lines
# Rows 1 and 2 of the tic-tac-toe picture once X has a1 and a2 and O has b1; a2, the last
# move, is marked "(X)".
BOARD_AFTER_A2 = re.compile(rb"1  X \| O \| 3\s+---\+---\+---\s+2 \(X\)\| 5 \| 6")


def test_a_third_connection_only_watches_and_the_game_goes_on(players: Players) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob")
    host.expect("bob sat down")
    start_tictactoe(host, join)
    join.say("a1")
    host.expect("bob played a1")
    host.expect("your move (O)")

    third = players.start("cli.join", str(port), "--name", "carol")
    third.expect("the table is full — watching alice and bob")
    third.expect("<carol> ")
    third.say("a3")  # shaped like a move: a spectator never plays
    third.expect("you are watching — only alice and bob play")
    third.say("play c3, bob")

    # The game in progress is undisturbed: the same turn, and it plays on to the end.
    host.say("b1")
    join.expect("alice played b1")
    join.expect("your move (X)")
    join.say("a2")
    host.expect("bob played a2")
    for player in (host, join):  # the board, on both screens, has bob's X at a2
        player.expect_re(BOARD_AFTER_A2)
    host.say("b2")
    join.expect("alice played b2")
    join.say("a3")
    for player in (host, join):
        player.expect("bob wins — 3 in a row")
    third.expect("bob wins — 3 in a row")
    # Mid-game the players are told nothing a spectator chose: not her lines, not her name.
    for player in (host, join):
        assert b"play c3" not in player.raw
        assert b"carol" not in player.raw
        assert b"Traceback" not in player.raw


def test_chat_flood_is_refused_but_moves_land(players: Players) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob")
    host.expect("bob sat down")
    start_tictactoe(host, join)
    join.say("a1")
    host.expect("bob played a1")
    host.say("b1")
    join.expect("alice played b1")
    join.expect("your move (X)")

    # Fourteen distinct chat lines and a move in the middle, typed in one burst (well within
    # 5 s): the first ten are chat as usual, the next four are refused; the move always lands.
    # Each line is typed the moment the prompt is back, so that the console passes every one
    # on (a paste it cuts itself: tests/e2e/test_typing_help).
    lines = [f"flood line {n:02d}" for n in range(1, 15)]
    burst = [*lines[:12], "a2", *lines[12:]]
    start = len(join.raw)
    for line in burst:
        join.say(line)
        join.expect("<bob> ")
    refused = len(lines) - MAX_LINES
    # bob's screen, in the order the host answered: two refusals, the move, two refusals.
    deadline = time.monotonic() + TIMEOUT
    while join.raw[start:].count(SLOW_DOWN.encode()) < refused:
        assert time.monotonic() < deadline, join.raw[start:]
        join.child.expect([pexpect.TIMEOUT], timeout=0.05)  # reads what comes meanwhile
    answers = join.raw[start:]
    board = BOARD_AFTER_A2.search(answers)
    assert board is not None, answers
    assert answers[: board.start()].count(SLOW_DOWN.encode()) == 2, answers
    assert answers[board.end() :].count(SLOW_DOWN.encode()) == 2, answers
    # alice's screen: the move landed.
    host.expect("bob played a2")
    host.expect_re(BOARD_AFTER_A2)
    host.say("b2")
    join.expect("alice played b2")
    join.say("a3")
    for player in (host, join):
        player.expect("bob wins — 3 in a row")

    # By now the host has handled every line of the burst (they precede a3 on one connection).
    shown = re.findall(rb"<bob> (flood line \d\d)", host.raw)
    assert [s.decode() for s in shown] == lines[:MAX_LINES]
    for line in lines[MAX_LINES:]:
        assert line.encode() not in host.raw
    assert join.raw.count(SLOW_DOWN.encode()) == refused
    assert b"slow down" not in host.raw  # the refusal is for the sender only
