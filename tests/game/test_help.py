"""/help fits one screen, /help NAME has the details, a mistyped command
gets a suggestion, and /who says who is at the table."""

from __future__ import annotations

import random

import pytest

from game.help import HELP, HELP_LINES, HELP_WIDTH, TOPICS, help_for
from game.table import Kind, Table
from tests.game.support import GUEST, HOST, lines, only_error


def _notice(table: Table, seat: int, line: str) -> str:
    out = table.handle(HOST if seat == HOST else GUEST, line)
    assert [d.shown.kind for d in out] == [Kind.NOTICE], out
    return out[0].shown.text


@pytest.mark.parametrize("text", [HELP, *TOPICS.values()])
def test_every_help_text_fits_an_80_column_screen(text: str) -> None:
    rows = text.splitlines()
    assert len(rows) <= HELP_LINES == 20
    assert max(len(row) for row in rows) <= HELP_WIDTH == 78


def test_help_lists_the_commands_first_including_every_way_to_leave(table: Table) -> None:
    text = _notice(table, GUEST, "/help")
    assert text == HELP
    for command in ("/game tictactoe", "/board", "/resign", "/rematch", "/score", "/who"):
        assert f"\n  {command}" in text
    assert "/q, /quit, /exit" in text


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("tictactoe", "rows are numbered from 1 at the top"),
        ("TicTacToe", "(X)"),
        ("gomoku", "a1 (top-left) … o15"),
        ("hangman", 'with /guess WORD or /guess "a phrase"'),
        ("moves", "// sends the rest as chat"),
        ("bot", "alone at the table"),
        ("/resign", "give up the game in progress"),
        ("who", "who is at the table"),
        ("game", "/game hangman SECRET"),
    ],
)
def test_help_name_gives_the_details(table: Table, name: str, says: str) -> None:
    assert says in _notice(table, HOST, f"/help {name}")


def test_help_on_something_unknown_suggests_the_nearest(table: Table) -> None:
    assert only_error(table.handle(GUEST, "/help gomku"), GUEST) == (
        'no help on "gomku" — did you mean /help gomoku?'
    )
    assert only_error(table.handle(GUEST, "/help zzz"), GUEST) == (
        'no help on "zzz" — try /help tictactoe, gomoku, hangman, moves, bot, watch'
    )  # every topic /help names, no fewer


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (
            "/gmae hangman",
            'unknown command "/gmae" — did you mean /game? (/help lists the commands)',
        ),
        ("/scroe", 'unknown command "/scroe" — did you mean /score? (/help lists the commands)'),
        ("/quiy", 'unknown command "/quiy" — did you mean /quit? (/help lists the commands)'),
        ("/dance", 'unknown command "/dance" — /help lists the commands'),
        ("/x", 'unknown command "/x" — /help lists the commands'),
    ],
)
def test_an_unknown_command_suggests_the_nearest_only_when_close(
    table: Table, line: str, error: str
) -> None:
    assert only_error(table.handle(GUEST, line), GUEST) == error


def test_who_is_at_the_table() -> None:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    assert _notice(table, HOST, "/who") == "at the table:\n  alice  host (you)\n  (no guest yet)"
    table.handle(HOST, "/game gomoku")
    table.sit("bob")
    assert _notice(table, GUEST, "/who") == (
        "at the table:\n"
        "  alice  host\n"
        "  bob    guest (you)\n"
        "  bot    computer, playing gomoku against alice"
    )
    table.drop(GUEST, 300)
    text = _notice(table, HOST, "/who")
    assert "  bob    guest — connection dropped, the seat is kept for now" in text
    table.handle(HOST, "/resign")
    assert "bot" not in _notice(table, HOST, "/who")  # the bot is there only while it plays
    assert lines(table.handle(HOST, "/who now"), HOST) == [
        "/who takes no arguments — type just /who"
    ]


def test_a_near_miss_is_named_for_commands_games_and_guesses(table: Table) -> None:
    assert only_error(table.handle(HOST, "/q!"), HOST).endswith(
        "did you mean /q? (/help lists the commands)"
    )
    assert only_error(table.handle(HOST, "/game tic"), HOST).endswith(
        "did you mean /game tictactoe?"
    )
    table.handle(HOST, "/game tictactoe")
    assert only_error(table.handle(HOST, "/guess e"), HOST) == (
        "/guess is for hangman — in tictactoe type your move as it is (e.g. b2)"
    )


def test_a_spectator_is_listed_only_the_commands_a_spectator_may_use(table: Table) -> None:
    carol, _ = table.watch("carol")
    listed = next(d.shown.text for d in table.handle(carol, "/help") if d.to == carol)
    assert listed.splitlines()[0].startswith("you are watching — these are yours")
    words = {line.split()[0].rstrip(",") for line in listed.splitlines()[1:]}
    assert words == {
        "/board",
        "/last",  # and /free, on the same row
        "/history",
        "/score",
        "/who",
        "/sit",
        "/help",
        "/q",
    }


def test_a_command_listed_on_another_ones_row_has_help_of_its_own() -> None:
    assert help_for("free") == "/free  the cells (or letters) still free, in words"
    assert help_for("/last").startswith("/last, /free")
    assert "/free" not in [row.split()[0] for row in HELP.splitlines()[1:]]  # not twice
