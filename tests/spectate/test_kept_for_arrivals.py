"""What the host keeps for a spectator whose welcome is on its way (cli.watching.Gallery):
bounded (review of issue 11 — it kept every broadcast, however slow the welcome), and a
spectator whose oldest kept shows had to go is shown the board as it stands, as a late one is.
In one process, with the real table and a stand-in connection."""

from __future__ import annotations

import random
from typing import cast

from cli.arrivals import Seated
from cli.watching import KEPT_LIMIT, Gallery
from game.delivery import SPECTATORS, Delivery, Kind, Shown
from game.table import Seat, Table
from net.broadcast import Broadcast
from net.messages import Show


class ConnectionStandIn:
    """A welcomed spectator's connection: records what it is sent."""

    closed = None

    def __init__(self) -> None:
        self.shows: list[Show] = []

    def send_nowait(self, show: Show) -> None:
        self.shows.append(show)

    def send_broadcast(self, broadcast: Broadcast) -> None:
        self.shows.append(broadcast.show)


def _show(delivery: Delivery) -> Show:
    shown = delivery.shown
    return Show(kind=str(shown.kind), text=shown.text, sender=shown.sender)


def _watched_mid_game() -> tuple[Table, Gallery, int]:
    table = Table("alice", rng=random.Random(1), words=["apple"])
    table.sit("bob")
    table.handle(Seat.HOST, "/game tictactoe")
    table.handle(Seat.HOST, "b2")
    spectator, _ = table.watch("carol")

    def late(number: int) -> list[Show]:
        return [_show(d) for d in table.arrival(spectator)] if number == spectator.number else []

    gallery = Gallery(late)
    gallery.expect(spectator.number)
    return table, gallery, spectator.number


def test_a_slow_welcome_keeps_at_most_the_limit_then_shows_the_board_as_it_stands() -> None:
    table, gallery, number = _watched_mid_game()
    for n in range(KEPT_LIMIT * 4):
        gallery.deliver(Delivery(SPECTATORS, Shown(Kind.CHAT, f"line {n}", "dave")))
    assert gallery.kept() == KEPT_LIMIT
    table.handle(Seat.GUEST, "a1")  # the game moved on while nobody could tell carol
    connection = ConnectionStandIn()
    gallery.arrived(number, cast(Seated, connection))
    texts = [show.text for show in connection.shows]
    kept = texts[:KEPT_LIMIT]
    assert kept == [f"line {n}" for n in range(KEPT_LIMIT * 3, KEPT_LIMIT * 4)]  # the newest
    late = texts[KEPT_LIMIT:]
    assert late[0].startswith("the table is full — watching alice and bob")
    boards = [show.text for show in connection.shows[KEPT_LIMIT:] if show.kind == "board"]
    assert boards and "1 (O)| 2 | 3" in boards[-1]  # bob's a1: the board as it is now
    assert gallery.kept() == 0


def test_below_the_limit_everything_kept_arrives_in_order_and_nothing_more() -> None:
    _, gallery, number = _watched_mid_game()
    for n in range(KEPT_LIMIT):
        gallery.deliver(Delivery(SPECTATORS, Shown(Kind.CHAT, f"line {n}", "dave")))
    connection = ConnectionStandIn()
    gallery.arrived(number, cast(Seated, connection))
    assert [show.text for show in connection.shows] == [f"line {n}" for n in range(KEPT_LIMIT)]
