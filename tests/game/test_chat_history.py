"""Each person's chat history at the table (game.chat_history, /history)."""

from __future__ import annotations

import json
import random

from game.chat_history import HISTORY_KEPT
from game.delivery import Kind, Seat, Spectator
from game.snapshot_values import Fields
from game.table import Table
from tests.game.support import GUEST, HOST, lines, only_error


def test_history_shows_the_last_lines_said_and_heard(table: Table) -> None:
    for number in range(15):
        table.handle(HOST if number % 2 else GUEST, f"line {number}")
    out = table.handle(GUEST, "/history 3")
    assert [(d.to, d.shown.kind, d.shown.sender, d.shown.text) for d in out] == [
        (GUEST, Kind.NOTICE, None, "the last 3 chat lines again:"),
        (GUEST, Kind.CHAT, "bob", "line 12"),  # bob's own lines: he said them
        (GUEST, Kind.CHAT, "alice", "line 13"),
        (GUEST, Kind.CHAT, "bob", "line 14"),
    ]
    assert len(lines(table.handle(HOST, "/history"), HOST, Kind.CHAT)) == 10  # the default


def test_history_keeps_at_most_its_limit_and_refuses_other_counts(table: Table) -> None:
    for number in range(HISTORY_KEPT + 5):
        table.handle(HOST, f"line {number}", now=number * 1.0)  # at a person's pace
    shown = lines(table.handle(HOST, f"/history {HISTORY_KEPT}"), HOST, Kind.CHAT)
    assert shown == [f"line {n}" for n in range(5, HISTORY_KEPT + 5)]
    for bad in ("0", str(HISTORY_KEPT + 1), "many", "-3"):
        error = only_error(table.handle(HOST, f"/history {bad}"), HOST)
        assert error.startswith(f"usage: /history [N] — N lines, 1 to {HISTORY_KEPT}")


def test_history_answers_are_not_history_themselves(table: Table) -> None:
    table.handle(HOST, "hello")
    table.handle(HOST, "/history")
    assert lines(table.handle(HOST, "/history"), HOST, Kind.CHAT) == ["hello"]


def test_a_new_guest_never_reads_what_was_said_to_the_one_before(table: Table) -> None:
    table.handle(HOST, "a secret for bob")
    table.leave(GUEST)
    table.sit("erin")
    assert lines(table.handle(GUEST, "/history"), GUEST) == ["no chat to show again yet"]
    assert lines(table.handle(HOST, "/history"), HOST, Kind.CHAT) == ["a secret for bob"]


def test_a_spectator_reads_what_reached_them_only(table: Table) -> None:
    table.handle(HOST, "before carol came")
    carol, _ = table.watch("carol")
    table.watch("dave")
    table.handle(GUEST, "hi all")
    table.handle(HOST, "/game tictactoe")
    table.handle(carol, "players cannot read this")  # mid-game: for spectators only
    assert lines(table.handle(carol, "/history"), None, Kind.CHAT) == [
        "hi all",
        "players cannot read this",
    ]
    assert "players cannot read this" not in lines(table.handle(HOST, "/history"), HOST)


def test_a_snapshot_writes_each_line_once_however_many_read_it(table: Table) -> None:
    watching = [table.watch(name)[0] for name in ("carol", "dave", "erin", "fay")]
    long_line = "x" * 60_000  # a line near the wire's frame, as a flooder would send
    for number in range(HISTORY_KEPT):
        table.handle(HOST if number % 2 else GUEST, f"{number} {long_line}", now=number * 1.0)
    history = table.to_snapshot()["history"]
    assert len(history["lines"]) == HISTORY_KEPT  # not 6 people × 50
    assert [part["who"] for part in history["seen"]] == ["host", "guest", 1, 2, 3, 4]
    restored = Table("alice", rng=random.Random(0))
    restored.restore_snapshot(Fields(json.loads(json.dumps(table.to_snapshot())), "table"))
    people: list[Seat | Spectator] = [Seat.HOST, Seat.GUEST, *watching]
    for who in people:
        assert restored.chat_seen(who, HISTORY_KEPT) == table.chat_seen(who, HISTORY_KEPT)


def test_a_lone_spectators_kibitz_during_a_game_is_in_their_history_only(table: Table) -> None:
    erin, _ = table.watch("erin")
    table.handle(HOST, "/game tictactoe")
    table.handle(erin, "erin kibitzing here")  # nobody else watches: it reaches only erin
    assert lines(table.handle(erin, "/history"), None, Kind.CHAT) == ["erin kibitzing here"]
    for player in (HOST, GUEST):
        assert lines(table.handle(player, "/history"), player) == ["no chat to show again yet"]
    dave, _ = table.watch("dave")
    table.handle(dave, "dave too")
    assert lines(table.handle(erin, "/history"), None, Kind.CHAT)[-1] == "dave too"
