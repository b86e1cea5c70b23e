"""The table's log of each game, and what each viewer keeps of it: played through a real
table, as the host applies lines."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from game.delivery import Spectator
from game.game_log import GameLog, GameRecords
from game.record_format import Record, parse, write
from game.record_replay import frames
from game.table import Seat, Table
from tests.game.support import GUEST, HOST

WALL = 1_765_000_000.0  # 2025-12-06T05:46:40Z


def seated() -> Table:
    table = Table("alice", rng=random.Random(7))
    table.sit("bob")
    table.play.records.wall = WALL
    return table


def copies(table: Table) -> dict[str, Record]:
    log = table.play.records.last
    assert log is not None
    return {
        viewer: parse(write(log.record_for(viewer))) for viewer in ("host", "guest", "spectator")
    }


def test_a_game_is_logged_in_order_and_each_copy_says_whose_it_is() -> None:
    table = seated()
    carol, _ = table.watch("carol")
    lines: list[tuple[Seat | Spectator, str]] = [
        (HOST, "/game tictactoe"),
        (GUEST, "good luck"),
        (HOST, "a1"),
        (carol, "bob should take the middle"),
        (GUEST, "b2"),
        (HOST, "//b3"),
        (HOST, "/resign"),
    ]
    for typist, line in lines:
        table.handle(typist, line)
    records = copies(table)
    assert [r.tag("Viewer") for r in records.values()] == ["alice", "bob", "spectators"]
    for viewer, record in records.items():
        said = [(e.kind, e.who, e.text) for e in record.entries]
        kibitz = [("kibitz", "carol", "bob should take the middle")] * (viewer == "spectator")
        assert said == [
            ("chat", "bob", "good luck"),
            ("move", "alice", "a1"),
            *kibitz,
            ("move", "bob", "b2"),
            ("chat", "alice", "/b3"),
        ]
        assert record.tag("Date") == "2025-12-06T05:46:40Z"
        assert record.tag("Result") == "alice resigned — bob wins"
        assert (record.tag("Outcome"), record.tag("Winner")) == ("win", "bob")
        assert record.tag("Ending") == "resigned"


def test_chat_between_games_is_in_no_record() -> None:
    table = seated()
    table.handle(HOST, "before")
    table.handle(HOST, "/game tictactoe")
    table.handle(HOST, "/resign")
    table.handle(GUEST, "after")
    assert copies(table)["guest"].entries == ()


def test_a_game_left_by_the_guest_is_kept_as_abandoned() -> None:
    table = seated()
    table.handle(GUEST, "/game tictactoe")
    table.handle(GUEST, "b2")
    table.leave(Seat.GUEST)
    record = copies(table)["host"]
    assert record.tag("Outcome") == "abandoned" and record.moves == ["b2"]


def test_a_game_still_on_when_the_table_closes_is_kept_unfinished() -> None:
    table = seated()
    table.handle(HOST, "/game gomoku")
    table.handle(HOST, "h8")
    log = table.play.records.unfinished()
    assert log is not None
    record = parse(write(log.record_for("host")))
    assert record.tag("Outcome") == "unfinished" and record.moves == ["h8"]
    assert table.play.records.current is not None  # the game itself goes on


def test_the_records_round_trip_through_plain_values() -> None:
    table = seated()
    table.handle(HOST, "/game hangman apple")
    table.handle(GUEST, "p")
    values = table.play.records.to_dict()
    again = GameRecords.from_dict(values)
    assert again.to_dict() == values
    assert isinstance(again.current, GameLog)
    assert write(again.current.record_for("guest")) == write(
        table.play.records.current.record_for("guest")  # type: ignore[union-attr]
    )


def test_game_ids_stay_the_same_for_the_same_seed() -> None:
    ids = []
    for _ in range(2):
        table = seated()
        table.handle(HOST, "/game tictactoe")
        table.handle(HOST, "/resign")
        ids.append(copies(table)["host"].tag("Id"))
    assert ids[0] == ids[1] and ids[0] is not None and ids[0].endswith("-1")


# --- a hangman secret -----------------------------------------------------------------------------

LETTERS = st.lists(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), unique=True, max_size=12)
CHAT = st.lists(st.sampled_from(["hi", "close one", "hmm", "/board", "/score"]), max_size=3)
SECRETS = st.sampled_from(["quokka", "jazz hands", "rhythm", "xylophone", "lamb-chop"])


@given(SECRETS, LETTERS, CHAT, st.booleans())
def test_a_guessers_record_holds_the_secret_only_in_its_result(
    secret: str, guesses: list[str], chat: list[str], set_by_host: bool
) -> None:
    table = seated()
    table.handle(HOST, f"/game hangman {secret}" if set_by_host else "/game hangman")
    match = table.match
    assert match is not None
    hidden = match.state.secret  # type: ignore[attr-defined]
    for letter, line in zip(guesses, [*chat, *[""] * len(guesses)], strict=False):
        if not match.in_progress:
            break
        turn = match.state.turn
        assert turn is not None
        mover = match.seats[turn]
        assert isinstance(mover, Seat)
        table.handle(mover, letter)
        if line:
            table.handle(HOST, line)
    if match.in_progress:
        table.handle(HOST, "/resign")
    log = table.play.records.last
    assert log is not None
    guessers = ["guest", "spectator"] if set_by_host else ["host", "guest", "spectator"]
    for viewer in guessers:
        text = write(log.record_for(viewer))  # type: ignore[arg-type]
        head, result = text.rsplit("\n\n", 1)
        assert hidden not in head  # the moves, the chat and the header never hold it
        assert f'[Secret "{hidden}"]' in result
    if set_by_host:  # the setter's own copy may hold it from the start
        assert f'[Secret "{hidden}"]' in write(log.record_for("host")).split("\n\n")[0]
    # the guesser's replay plays the guesses on the secret the result gave
    assert frames(parse(write(log.record_for("guest"))))[-1].board is not None


def test_a_guesser_never_given_the_secret_replays_without_boards() -> None:
    table = seated()
    table.handle(HOST, "/game hangman quokka")
    table.handle(GUEST, "q")
    log = table.play.records.unfinished()
    assert log is not None
    record = parse(write(log.record_for("guest")))
    assert "quokka" not in write(record)
    assert [frame.board for frame in frames(record)] == [None, None]


def test_a_spectator_has_no_seat_player_in_the_game() -> None:
    table = seated()
    table.handle(HOST, "/game tictactoe")
    table.handle(HOST, "b2")
    table.handle(HOST, "/resign")
    watcher = Spectator(1, "carol")
    assert table.record_text(watcher) == write(copies(table)["spectator"])
