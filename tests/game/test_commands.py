"""The command table. Every command in it is reachable by its name (any case,
spaces after the slash) and by /help NAME; /help lists exactly its rows; arguments, the flood
budget and unknown words are answered as its rows say."""

from __future__ import annotations

import random
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.commands import QUIT_WORDS, Command, CommandTable, split_command
from game.delivery import Delivery, Seat
from game.help import help_for, help_list, help_topic
from game.table import Table
from game.table_commands import COMMANDS
from tests.game.support import GUEST, HOST, lines

WORDS = COMMANDS.words()


def _fresh() -> Table:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    table.sit("bob")
    return table


def _answers(table: Table, line: str) -> list[str]:
    return [d.shown.text for d in table.handle(HOST, line)]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(WORDS), st.booleans(), st.text(" ", max_size=2))
def test_every_command_is_reachable_by_name(word: str, upper: bool, gap: str) -> None:
    typed = f"/{gap}{word.upper() if upper else word}"
    answers = _answers(_fresh(), typed)
    assert answers, typed
    assert not any("unknown command" in text for text in answers), (typed, answers)


@pytest.mark.parametrize("word", WORDS)
def test_every_command_has_help_by_name_naming_it(word: str) -> None:
    for asked in (word, f"/{word}", word.upper()):
        text = help_topic(asked)
        assert text is not None and f"/{word}" in text, asked
        assert help_for(asked) == text


def test_the_help_list_is_the_command_rows_in_order() -> None:
    listed = [row.split()[0] for row in help_list().splitlines() if row.startswith("  /")]
    expected = [f"/{command.name}" for command in COMMANDS for _ in command.help_rows()]
    assert [word.rstrip(",") for word in listed] == expected


def test_the_quit_command_is_the_quit_rule() -> None:
    quit_command = COMMANDS.find("q")
    assert quit_command is not None and set(quit_command.names) == QUIT_WORDS


@settings(max_examples=200, deadline=None)
@given(st.text(string.ascii_letters + string.digits + "-_", min_size=1, max_size=12))
def test_any_other_word_is_an_unknown_command_for_the_typer_only(word: str) -> None:
    if word.lower() in WORDS:
        return
    out = _fresh().handle(GUEST, f"/{word}")
    assert [(d.to, d.shown.kind.value) for d in out] == [(GUEST, "error")]
    assert out[0].shown.text.startswith("unknown command")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([c for c in COMMANDS if not c.takes_args]),
    st.text(string.ascii_letters + " ", min_size=1, max_size=10).filter(str.strip),
)
def test_a_command_without_arguments_refuses_them(command: Command[Table], args: str) -> None:
    table = _fresh()
    table.handle(HOST, "/game tictactoe")
    out = table.handle(GUEST, f"/{command.name} {args}")
    assert lines(out, GUEST) == [f"/{command.name} takes no arguments — type just /{command.name}"]
    assert table.guest_name == "bob" and table.match is not None and table.match.in_progress


@settings(max_examples=100, deadline=None)
@given(st.text(string.ascii_letters, min_size=1, max_size=8), st.text(max_size=20))
def test_split_command_reads_any_case_and_spacing(word: str, rest: str) -> None:
    assert split_command(f"/ {word.upper()}  {rest}") == (word.lower(), rest.strip())


@pytest.mark.parametrize("command", list(COMMANDS), ids=lambda c: c.name)
def test_only_flood_limited_commands_spend_the_budget(command: Command[Table]) -> None:
    table = _fresh()
    for _ in range(10):  # the command budget: 10 in 5 s
        table.handle(HOST, "/game tictactoe", now=1.0)
        table.handle(HOST, "/resign", now=1.0)
    line = f"/{command.name}" + (" tictactoe" if command.name == "game" else "")
    refused = any("slow down" in text for text in _answers_at(table, line, 1.0))
    assert refused is command.flood_limited


def _answers_at(table: Table, line: str, now: float) -> list[str]:
    return [d.shown.text for d in table.handle(HOST, line, now=now)]


def test_a_command_table_refuses_a_word_twice() -> None:
    def handler(target: object, seat: Seat, args: str) -> list[Delivery]:
        return []

    with pytest.raises(ValueError, match="taken"):
        CommandTable([Command("a", handler, "x"), Command("b", handler, "y", aliases=("a",))])
