"""Head-to-head /score: two people's games per game, counted once each, from the host's
archive (an injected, read-only source) and this table's run."""

from __future__ import annotations

import random
from collections.abc import Sequence

from game.game_log import Result
from game.head_to_head import head_to_head
from game.table import Table
from tests.game.support import GUEST, HOST, lines

PAST = [
    Result("old-1", "2026-11-30T10:00:00Z", "tictactoe", ("alice", "bob"), "win", "alice"),
    Result("old-2", "2026-12-01T10:00:00Z", "tictactoe", ("bob", "alice"), "draw"),
    Result("old-2", "2026-12-01T10:00:00Z", "tictactoe", ("bob", "alice"), "draw"),  # a copy
    Result("old-3", "2026-12-02T10:00:00Z", "gomoku", ("Bob", "alice"), "win", "Bob"),
    Result("old-4", "2026-12-03T10:00:00Z", "hangman", ("alice", "bob"), "lost together"),
    Result("old-5", "2026-12-03T11:00:00Z", "tictactoe", ("alice", "bob"), "abandoned"),
    Result("old-6", "2026-11-01T10:00:00Z", "tictactoe", ("alice", "carol"), "win", "carol"),
]


def test_two_peoples_games_per_game_since_the_first() -> None:
    assert head_to_head(PAST, "alice", "bob") == (
        "alice against bob since 2026-11-30:\n"
        "  gomoku     alice 0 wins, bob 1 win, 0 draws\n"
        "  hangman    alice 0 wins, bob 0 wins, 0 draws, 1 lost together\n"
        "  tictactoe  alice 1 win, bob 0 wins, 1 draw"
    )
    assert head_to_head(PAST, "bob", "dave") is None


def table_with(past: Sequence[Result], warning: str | None = None) -> Table:
    table = Table("alice", rng=random.Random(5), past=lambda: (past, warning))
    table.sit("bob")
    return table


def test_score_adds_the_head_to_head_of_the_archive_and_this_run() -> None:
    table = table_with(PAST, "(skipped 1 damaged record in the host's archive: cut short)")
    table.handle(GUEST, "/game tictactoe")
    table.handle(HOST, "/resign")
    (text,) = lines(table.handle(GUEST, "/score"), GUEST)
    assert text.startswith("score:\n  bob    1 win, 0 draws\n  alice  0 wins, 0 draws\n")
    assert "  tictactoe  bob 1 win, alice 1 win, 1 draw" in text  # this run's game counts
    assert text.endswith("cut short)")


def test_score_name_is_the_asker_against_that_name() -> None:
    table = table_with(PAST)
    carol, _ = table.watch("carol")
    (text,) = [d.shown.text for d in table.handle(carol, "/score alice") if d.to == carol]
    assert text == (
        "carol against alice since 2026-11-01:\n  tictactoe  carol 1 win, alice 0 wins, 0 draws"
    )
    (text,) = lines(table.handle(GUEST, "/score dave"), GUEST)
    assert text == "bob against dave: no finished game between you kept yet"


def test_without_an_archive_score_reads_as_it_always_did() -> None:
    table = Table("alice", rng=random.Random(5))
    table.sit("bob")
    table.handle(HOST, "/game tictactoe")
    table.handle(HOST, "/resign")
    assert lines(table.handle(HOST, "/score"), HOST) == [
        "score:\n  alice  0 wins, 0 draws\n  bob    1 win, 0 draws"
    ]
    (text,) = lines(table.handle(HOST, "/score bob"), HOST)
    assert text.startswith("alice against bob") and "bob 1 win" in text
