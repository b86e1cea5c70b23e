"""Tab's candidates, from the table's own lists, and which typed lines a history may keep."""

from __future__ import annotations

from game import registry
from game.completion import completions
from game.line_history import may_keep
from game.table_commands import COMMANDS


def test_commands_and_their_arguments_complete_from_the_tables_lists() -> None:
    assert completions("/ga") == ["/game"]
    assert completions("/game go") == ["gomoku"]
    assert completions("/GAME Go") == ["gomoku"]
    assert completions("/res") == ["/resign"]
    assert completions("/re") == [f"/{word}" for word in COMMANDS.words() if word.startswith("re")]
    assert len(completions("/re")) > 1  # several: Tab then completes their common start
    assert completions("/") == [f"/{word}" for word in COMMANDS.words()]
    assert completions("/game ") == sorted(n for g in registry.games() for n in g.names)
    assert completions("/game tictactoe k") == ["k=3"]  # the option its /help row shows
    assert completions("/help hang") == ["hangman"]
    assert completions("/board x") == []


def test_chat_completes_the_names_at_the_table() -> None:
    names = ["alice", "Albert", "bob"]
    assert completions("hi al", names) == ["Albert", "alice"]
    assert completions("hi ", names) == []
    assert completions("b", names) == ["bob"]


def test_a_hangman_secret_is_never_kept_every_other_line_is() -> None:
    assert not may_keep("/game hangman maple syrup")
    assert not may_keep("  /Game  HANGMAN  maple")
    assert not may_keep("\u200b/game hangman maple")  # read as the table reads it
    assert may_keep("/game hangman")  # the word list's game: no secret
    assert may_keep("/game tictactoe 4x4 k=3")
    assert may_keep("hangman maple syrup")
    assert may_keep("/guess maple")
