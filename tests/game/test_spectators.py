"""Spectators, the table's half: they watch, kibitz among themselves, and never see a
secret or reach a player during a game."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.errors import SpectatorLimitError, TableFullError
from game.flood import FloodControl
from game.spectator_view import Snapshot
from game.spectators import SPECTATOR_LIMIT, Spectators
from game.table import Table
from game.untrusted import clean_name, skeleton
from tests.game.support import GUEST, HOST, lines, only_error

ONLY_PLAYERS = "you are watching — only alice and bob play"


def seen(deliveries: list[Delivery], spectator: Spectator) -> list[tuple[Kind, str]]:
    """What ``spectator`` is shown, in order: their own deliveries and the broadcasts."""
    return [(d.shown.kind, d.shown.text) for d in deliveries if d.reaches(spectator)]


def to_seats(deliveries: list[Delivery]) -> list[Delivery]:
    return [d for d in deliveries if isinstance(d.to, Seat)]


def to_spectators(deliveries: list[Delivery]) -> list[Delivery]:
    return [d for d in deliveries if not isinstance(d.to, Seat)]


@pytest.fixture
def watched(table: Table) -> tuple[Table, Spectator, Spectator]:
    """alice hosts, bob is seated, carol and dave watch."""
    carol, _ = table.watch("carol")
    dave, _ = table.watch("dave")
    return table, carol, dave


# -- addresses -------------------------------------------------------------------------------------
def test_a_delivery_reaches_one_spectator_or_all_but_the_author() -> None:
    carol, dave = Spectator(1, "carol"), Spectator(2, "dave")
    shown = Shown(Kind.NOTICE, "hi")
    assert Delivery(carol, shown).reaches(carol) and not Delivery(carol, shown).reaches(dave)
    everyone = Delivery(SPECTATORS, shown)
    assert everyone.reaches(carol) and everyone.reaches(dave)
    kibitz = Delivery(SPECTATORS, shown, except_=carol)
    assert not kibitz.reaches(carol) and kibitz.reaches(dave)
    assert not Delivery(Seat.HOST, shown).reaches(carol)
    assert Delivery(Seat.GUEST, shown) == Delivery(to=Seat.GUEST, shown=shown)  # as before
    with pytest.raises(ValueError, match="only for a delivery to SPECTATORS"):
        Delivery(Seat.HOST, shown, except_=carol)


def test_spectator_identities_are_never_reused() -> None:
    scene = Snapshot("alice", None, False, "bot", None, None)
    watching = Spectators(FloodControl(), scene, limit=2)
    first = watching.add("carol", taken=["alice"], refusal="full")
    assert watching.by_number(first.number) == first
    assert watching.remove(first) and not watching.remove(first)
    assert watching.by_number(first.number) is None
    again = watching.add("carol", taken=["alice"], refusal="full")
    assert again.name == first.name and again != first and first not in watching
    with pytest.raises(ValueError, match="negative"):
        Spectators(FloodControl(), scene, limit=-1)


# -- sitting down to watch ------------------------------------------------------------------------
def test_a_spectator_is_told_the_table_is_full_and_everyone_else_who_watches(
    table: Table,
) -> None:
    carol, out = table.watch("carol")
    assert carol.name == "carol" and list(table.spectators) == [carol]
    assert seen(out, carol)[0] == (Kind.NOTICE, "the table is full — watching alice and bob")
    assert "your lines go to the other spectators only" in seen(out, carol)[1][1]
    assert lines(out, HOST) == lines(out, GUEST) == ["carol is watching"]
    assert len(out) == 4  # nobody else watches yet: no broadcast
    dave, out = table.watch("dave")
    assert seen(out, carol) == [(Kind.NOTICE, "dave is watching")]
    assert [d.except_ for d in out if d.to is SPECTATORS] == [dave]


def test_watching_a_table_with_a_free_seat(alone: Table) -> None:
    carol, out = alone.watch("carol")
    assert seen(out, carol)[0] == (Kind.NOTICE, "watching alice's table")
    assert lines(out, HOST) == ["carol is watching"] and lines(out, GUEST) == []


@pytest.mark.parametrize(
    ("raw", "given"),
    [
        ("  carol ", "carol"),
        ("", "spectator"),
        ("\x1b[31mcarol\u202e", "[31mcarol"),
        ("alice", "alice-2"),  # the host
        ("BOB", "BOB-2"),  # the guest
        ("\u0430lice", "\u0430lice-2"),  # Cyrillic а: a look-alike of the host, renamed visibly
        ("bot", "bot-2"),
        ("dave", "dave-2"),  # another spectator
        ("ｄａｖｅ", "dave-2"),
        ("x" * 40, "x" * 32),
    ],
)
def test_spectator_names_are_cleaned_and_distinct(table: Table, raw: str, given: str) -> None:
    table.watch("dave")
    spectator, _ = table.watch(raw)
    assert spectator.name == given


def test_a_guest_does_not_take_a_spectators_name(alone: Table) -> None:
    alone.watch("bob")
    given, out = alone.sit("b0b")  # a look-alike of the spectator's name
    assert given == "b0b-2" and lines(out, HOST) == ["b0b-2 sat down"]


@given(st.text(max_size=40), st.lists(st.text(max_size=8), max_size=3))
@example("e\u200b\u0301", [])  # cleaning twice would compose what cleaning once leaves apart
@example("c\u0430rol", ["carol"])
def test_a_guest_is_named_as_ever_unless_a_spectator_has_the_name(
    raw: str, fans: list[str]
) -> None:
    watched = Table("alice", rng=random.Random(0))
    spectators = [watched.watch(fan)[0].name for fan in fans]
    given = watched.sit(raw)[0]
    expected = clean_name(raw, taken=["alice", "bot"])  # how a seat names a guest
    if skeleton(expected) not in {skeleton(name) for name in spectators}:
        assert given == expected
    assert skeleton(given) not in {skeleton(name) for name in [*spectators, "alice", "bot"]}


def test_no_more_than_the_limit_may_watch(table: Table) -> None:
    crowd = [table.watch(f"fan{n}")[0] for n in range(SPECTATOR_LIMIT)]
    with pytest.raises(SpectatorLimitError) as refused:
        table.watch("latecomer")
    assert isinstance(refused.value, TableFullError)
    assert str(refused.value) == (
        "no room to watch alice's table: 50 people are watching already, "
        "the most it lets in — try again later"
    )
    assert len(table.spectators) == SPECTATOR_LIMIT
    table.unwatch(crowd[0])
    latecomer, _ = table.watch("latecomer")
    assert latecomer in table.spectators


def test_leaving_is_told_to_the_others(watched: tuple[Table, Spectator, Spectator]) -> None:
    table, carol, dave = watched
    out = table.unwatch(carol)
    assert lines(out, HOST) == lines(out, GUEST) == ["carol stopped watching"]
    assert seen(out, dave) == [(Kind.NOTICE, "carol stopped watching")]
    assert table.unwatch(carol) == []  # already gone
    with pytest.raises(ValueError, match="carol is not watching"):
        table.handle(carol, "hello?")


@pytest.mark.parametrize("line", ["/q", "/quit", "/EXIT", " / q"])
def test_a_spectator_stops_watching_with_q(
    watched: tuple[Table, Spectator, Spectator], line: str
) -> None:
    table, carol, dave = watched
    out = table.handle(carol, line)
    assert seen(out, carol) == [(Kind.NOTICE, "you stopped watching")]
    assert seen(out, dave) == [(Kind.NOTICE, "carol stopped watching")]
    assert lines(out, HOST) == ["carol stopped watching"] and carol not in table.spectators
    assert only_error(table.handle(dave, "/q now"), dave) == "/q takes no arguments — type just /q"


# -- what spectators see ---------------------------------------------------------------------------
def test_every_board_and_the_result_are_broadcast_once(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, dave = watched
    out = table.handle(HOST, "/game tictactoe")
    news = to_spectators(out)
    assert all(d.to is SPECTATORS and d.except_ is None for d in news)  # one for all of them
    assert [(d.shown.kind, d.shown.text) for d in news] == [
        (Kind.NOTICE, "new game of tictactoe: alice (X) against bob (O)"),
        (
            Kind.BOARD,
            "   a   b   c\n1  1 | 2 | 3\n  ---+---+---\n2  4 | 5 | 6\n  ---+---+---\n3  7 | 8 | 9",
        ),
        (Kind.NOTICE, "alice to move (X)"),
    ]
    out = table.handle(HOST, "5")
    assert [d.shown.kind for d in to_spectators(out)] == [Kind.BOARD, Kind.NOTICE]
    assert seen(out, carol)[-1] == (Kind.NOTICE, "bob to move (O)")
    for seat, move in [(GUEST, "1"), (HOST, "3"), (GUEST, "2")]:
        table.handle(seat, move)
    out = table.handle(HOST, "7")
    assert seen(out, dave)[-1] == (Kind.RESULT, "tictactoe: alice wins — 3 in a row")
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: alice wins — 3 in a row — you win"]


def test_a_late_spectator_gets_the_board_on_arrival(table: Table) -> None:
    carol, _ = table.watch("carol")
    table.handle(HOST, "/game tictactoe")
    out = table.handle(HOST, "b2")
    last_board = [text for kind, text in seen(out, carol) if kind is Kind.BOARD][-1]
    erin, out = table.watch("erin")
    assert seen(out, erin)[2:] == [
        (Kind.BOARD, last_board),
        (Kind.NOTICE, "alice and bob are playing tictactoe — bob to move (O)"),
    ]
    assert seen(table.handle(erin, "/board"), erin) == seen(out, erin)[2:]


def test_a_spectator_arriving_after_a_game_is_told_how_it_ended(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    table.handle(GUEST, "/resign")
    carol, out = table.watch("carol")
    assert seen(out, carol)[-1] == (Kind.NOTICE, "last game — tictactoe: bob resigned — alice wins")
    fresh, out = Table("alice", rng=random.Random(0)).watch("carol")
    assert len(seen(out, fresh)) == 2  # no game yet: no board


def test_board_before_any_game(alone: Table) -> None:
    carol, _ = alone.watch("carol")
    assert only_error(alone.handle(carol, "/board"), carol) == (
        "no game yet — nothing to watch until one starts"
    )


def test_the_hangman_secret_reaches_a_spectator_only_with_the_result(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, _ = watched
    shown = table.handle(HOST, '/game hangman "zebra crossing"')
    shown += table.handle(GUEST, "e")
    shown += table.handle(carol, "/board")
    shown += table.handle(HOST, "/game hangman zebra")  # refused to the host alone
    assert not any("zebra" in text for _, text in seen(shown, carol))
    out = table.handle(GUEST, "/resign")
    assert seen(out, carol)[-1] == (
        Kind.RESULT,
        "hangman: bob resigned — alice wins — the word was “zebra crossing”",
    )


def test_the_players_chat_reaches_spectators(watched: tuple[Table, Spectator, Spectator]) -> None:
    table, _, _ = watched
    table.handle(HOST, "/game tictactoe")
    out = table.handle(GUEST, "good luck")
    assert out == [
        Delivery(HOST, Shown(Kind.CHAT, "good luck", "bob")),
        Delivery(SPECTATORS, Shown(Kind.CHAT, "good luck", "bob")),
    ]
    table.leave(GUEST)
    out = table.handle(HOST, "//anyone there?")  # nobody in the guest seat to read it
    assert out == [Delivery(SPECTATORS, Shown(Kind.CHAT, "/anyone there?", "alice"))]


def test_seat_changes_are_news_for_spectators(alone: Table) -> None:
    carol, _ = alone.watch("carol")
    assert seen(alone.sit("bob")[1], carol) == [(Kind.NOTICE, "bob sat down")]
    alone.handle(HOST, "/game tictactoe")
    assert seen(alone.drop(GUEST, 60), carol) == [
        (Kind.NOTICE, "bob's connection dropped — the seat is kept for now")
    ]
    assert seen(alone.resume(GUEST, caught_up=True), carol) == [(Kind.NOTICE, "bob is back")]
    news = seen(alone.leave(GUEST), carol)
    assert news[0] == (Kind.NOTICE, "bob left the table")
    assert news[1][0] is Kind.BOARD
    assert news[2] == (Kind.RESULT, "tictactoe: abandoned — nobody's loss")


def test_spectators_watch_the_hosts_bot_game(alone: Table) -> None:
    carol, _ = alone.watch("carol")
    out = alone.handle(HOST, "/game tictactoe")
    assert seen(out, carol)[0] == (Kind.NOTICE, "new game of tictactoe: alice (X) against bot (O)")
    out = alone.handle(HOST, "5")  # the bot answers in the same call: one board after both
    assert [kind for kind, _ in seen(out, carol)] == [Kind.BOARD, Kind.NOTICE]
    assert seen(out, carol)[1] == (Kind.NOTICE, "alice to move (X)")
    assert only_error(alone.handle(carol, "1"), carol) == "you are watching — only alice plays"


# -- what spectators say ---------------------------------------------------------------------------
def test_kibitz_during_a_game_reaches_only_the_other_spectators(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, dave = watched
    table.handle(HOST, "/game tictactoe")
    kibitz = Shown(Kind.CHAT, "alice should take a corner", "carol")
    assert table.handle(carol, "alice should take a corner") == [
        Delivery(SPECTATORS, kibitz, except_=carol)
    ]
    assert table.handle(dave, "//5 wins") == [
        Delivery(SPECTATORS, Shown(Kind.CHAT, "/5 wins", "dave"), except_=dave)
    ]


def test_between_games_a_spectator_talks_to_everyone(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, _ = watched
    said = Shown(Kind.CHAT, "who is winning?", "carol")
    assert table.handle(carol, "who is winning?") == [
        Delivery(HOST, said),
        Delivery(GUEST, said),
        Delivery(SPECTATORS, said, except_=carol),
    ]
    table.drop(GUEST, 60)
    # A dropped guest's shows are still addressed to it: the host program keeps them for its
    # catch-up.
    assert [d.to for d in table.handle(carol, "still there?")] == [HOST, GUEST, SPECTATORS]


@pytest.mark.parametrize(
    "line",
    ["5", "b2", "/game tictactoe", "/rematch", "/resign", "/move 5", "/guess e", "/GAME gomoku"],
)
def test_a_spectator_cannot_play(watched: tuple[Table, Spectator, Spectator], line: str) -> None:
    table, carol, _ = watched
    table.handle(HOST, "/game tictactoe")
    assert only_error(table.handle(carol, line), carol) == ONLY_PLAYERS


def test_a_spectators_secret_is_not_set(watched: tuple[Table, Spectator, Spectator]) -> None:
    table, carol, _ = watched
    assert only_error(table.handle(carol, "/game hangman zebra"), carol) == ONLY_PLAYERS
    assert table.match is None


def test_spectators_use_board_score_who_help(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, dave = watched
    table.handle(HOST, "/game tictactoe")
    assert seen(table.handle(carol, "/score"), carol) == [
        (Kind.NOTICE, "score: no games finished yet")
    ]
    (who,) = table.handle(carol, "/who")
    assert who.to == carol and who.shown.text == (
        "at the table:\n  alice  host\n  bob    guest\n  watching: carol (you), dave"
    )
    # during a game a player is told how many watch, not who: a name could coach them
    assert lines(table.handle(HOST, "/who"), HOST) == [
        "at the table:\n  alice  host (you)\n  bob    guest\n  2 watching"
    ]
    table.handle(HOST, "/resign")
    assert lines(table.handle(HOST, "/who"), HOST) == [
        "at the table:\n  alice  host (you)\n  bob    guest\n  watching: carol, dave"
    ]
    (help_,) = table.handle(dave, "/help watch")
    assert help_.to == dave and "other spectators only" in help_.shown.text
    assert only_error(table.handle(dave, "/who now"), dave) == (
        "/who takes no arguments — type just /who"
    )
    assert only_error(table.handle(dave, "/gmae"), dave).startswith('unknown command "/gmae"')
    assert table.handle(dave, "  \u200b ") == []


def test_who_without_spectators_is_unchanged(table: Table) -> None:
    assert "watching" not in lines(table.handle(HOST, "/who"), HOST)[0]


def test_each_spectator_has_its_own_flood_budget(
    watched: tuple[Table, Spectator, Spectator],
) -> None:
    table, carol, dave = watched
    table.handle(HOST, "/game tictactoe")
    for n in range(10):
        assert to_spectators(table.handle(carol, f"line {n}", now=1.0))
    refused = table.handle(carol, "one more", now=1.0)
    assert only_error(refused, carol).startswith("slow down: that line was not sent")
    assert table.handle(dave, "dave is fine", now=1.0)[0].shown.kind is Kind.CHAT
    assert not table.is_flooding(carol)
    for n in range(60):  # still at it, three lines a second, long after "slow down"
        table.handle(carol, f"spam {n}", now=1.0 + n / 3)
    assert table.is_flooding(carol) and not table.is_flooding(dave)
    assert not table.is_flooding(HOST)
    table.forget_flood()
    assert not table.is_flooding(carol)
    assert table.handle(carol, "calm now", now=100.0)[0].shown.kind is Kind.CHAT
    table.unwatch(carol)
    assert not table.is_flooding(carol)


def test_nobody_watching_changes_nothing_for_the_players(table: Table) -> None:
    watcher = Table("alice", rng=random.Random(0), words=["apple", "melon", "berry"])
    watcher.sit("bob")
    watcher.watch("carol")
    script = [(HOST, "/game hangman"), (GUEST, "e"), (HOST, "hi"), (GUEST, "/resign")]
    for seat, line in script:
        assert table.handle(seat, line) == to_seats(watcher.handle(seat, line))


def test_a_guest_seated_during_the_hosts_bot_game_watches_every_move_live() -> None:
    table = Table("alice", rng=random.Random(1))
    table.handle(HOST, "/game tictactoe")
    table.sit("bob")
    shown = [(d.shown.kind, d.shown.text) for d in table.handle(HOST, "b2") if d.to == GUEST]
    assert [kind for kind, _ in shown] == [Kind.BOARD, Kind.NOTICE]
    assert " X " in shown[0][1] and shown[1][1] == "alice to move (X)"
    for move in ("a1", "a3"):
        last = [(d.shown.kind, d.shown.text) for d in table.handle(HOST, move) if d.to == GUEST]
    assert [kind for kind, _ in last] == [Kind.BOARD, Kind.RESULT]  # the last board, then how
    assert last[1][1] == "tictactoe: bot wins — 3 in a row"
    # once it is over, the two of them play; nothing of the bot game is shown again
    assert all(d.to != GUEST for d in table.handle(HOST, "/score"))
