"""The status a player's prompt shows: the game, whose turn it is and the score, or nothing.

At the table itself (:meth:`game.table.Table.status_for`), and as the served table sends it to
the guest's connection: whenever it changes, unnumbered, and once to each new connection.
"""

from __future__ import annotations

import random

from game.table import Seat, Table
from game.table_events import Line, Resumed
from net.messages import Hello
from tests.game.test_served_table import ADDRESS, Program


def _playing() -> Table:
    table = Table("alice", rng=random.Random(0))
    table.sit("bob")
    table.handle(Seat.HOST, "/game tictactoe")
    return table


def test_no_game_no_status() -> None:
    table = Table("alice", rng=random.Random(0))
    assert table.status_for(Seat.HOST) == ""
    table.sit("bob")
    assert table.status_for(Seat.GUEST) == ""


def test_each_player_reads_the_game_their_turn_and_their_score_first() -> None:
    table = _playing()
    assert table.status_for(Seat.HOST) == "tictactoe · your move (X) · 0–0"
    assert table.status_for(Seat.GUEST) == "tictactoe · waiting for alice (X) · 0–0"
    for host_move, guest_move in [("a1", "b1"), ("a2", "b2")]:
        table.handle(Seat.HOST, host_move)
        table.handle(Seat.GUEST, guest_move)
    table.handle(Seat.HOST, "a3")  # three in a column: alice wins
    assert table.status_for(Seat.HOST) == ""  # over: no game in progress
    table.handle(Seat.GUEST, "/rematch")
    assert table.status_for(Seat.GUEST) == "tictactoe · your move (X) · 0–1"
    assert table.status_for(Seat.HOST) == "tictactoe · waiting for bob (X) · 1–0"


def test_alone_with_the_bot_the_score_is_against_the_bot() -> None:
    table = Table("alice", rng=random.Random(0))
    table.handle(Seat.HOST, "/game tictactoe")
    status = table.status_for(Seat.HOST)
    assert status.startswith("tictactoe · ") and status.endswith(" · 0–0")


def _statuses(program: Program, key: str) -> list[tuple[str, int | None]]:
    return [(show.text, show.seq) for show in program.sent.get(key, []) if show.kind == "status"]


def test_the_guest_is_sent_its_status_when_it_changes_unnumbered() -> None:
    program = Program()
    program.arrive("bob", "bob")
    program.welcomed("bob")
    program.apply(Line("host", "hello", 0.0))  # chat changes no status: none sent again
    assert _statuses(program, "bob") == [("", None)]  # a new connection gets it once
    program.apply(Line("host", "/game tictactoe", 0.0))
    program.apply(Line("host", "b2", 0.0))
    assert _statuses(program, "bob")[1:] == [
        ("tictactoe · waiting for alice (X) · 0–0", None),
        ("tictactoe · your move (O) · 0–0", None),
    ]


def test_a_resumed_connection_gets_the_current_status_once_not_the_old_ones() -> None:
    program = Program()
    program.arrive("bob", "bob")
    program.welcomed("bob")
    program.apply(Line("host", "/game tictactoe", 0.0))
    keeper = program.served.keeper
    token = keeper.welcome("bob").token
    program.decide(keeper.lost("bob", "lost", "connection lost"))
    seen = [show.seq for show in program.sent["bob"] if show.seq is not None][-1]
    program.apply(Line("host", "b2", 0.0))  # the status changes while nobody is connected
    program.apply(Line("host", "/resign", 0.0))
    program.apply(Line("host", "/game tictactoe", 0.0))
    decision = keeper.admit("again", Hello(name="bob", token=token, seen=seen), ADDRESS, 0.0)
    assert decision.refusal is None
    program.decide(decision)
    keeper.welcome("again")
    program.welcomed("again")
    assert any(isinstance(event, Resumed) for event in program.events)
    assert _statuses(program, "again") == [("tictactoe · waiting for alice (X) · 1–0", None)]
