"""A new game is one module. A toy game — nim, engine and registration together in
this file — is played through the Table, /help, /rematch, the bot and the score without any
other module knowing about it. And for every registered game: the notation round-trips its
legal moves, the title reads back as the same game, and the turn is called by a word the
terminal recognises."""

from __future__ import annotations

import enum
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game import registry
from game.delivery import Kind, Seat
from game.errors import CommandError, IllegalMoveError, MoveSyntaxError
from game.help import HELP, help_for
from game.outcome import Outcome, Termination, abandonment, resignation, table_ending
from game.registry import Game, GameSpec, WordSource
from game.snapshot_values import Fields
from game.state import GameState
from game.table import Table
from game.wants_you import TURN_VERBS
from tests.game.support import GUEST, HOST, lines, only_error

# -- the toy game: everything a game is, in one place ---------------------------------------------


class NimEnding(enum.Enum):
    """Nim's own reason for a game to end (not one of the built-in Terminations)."""

    LAST_STONE = "last stone taken"


_TAKE = re.compile(r"\s*([0-9])\s*", re.ASCII)


@dataclass(frozen=True)
class NimState:
    """A pile of stones; each turn takes 1–3; whoever takes the last one wins."""

    pile: int
    moves: int = 0
    outcome: Outcome | None = None

    @property
    def turn(self) -> int | None:
        return None if self.outcome is not None else self.moves % 2

    def is_move_attempt(self, text: str, *, by_mover: bool = True) -> bool:
        return _TAKE.fullmatch(text) is not None

    def parse_move(self, text: str) -> int:
        shape = _TAKE.fullmatch(text)
        if shape is None:
            raise MoveSyntaxError("type how many stones to take: 1, 2 or 3")
        take = int(shape[1])
        if self.outcome is not None or not 1 <= take <= min(3, self.pile):
            raise IllegalMoveError(f"you may take 1–{min(3, self.pile)} stones")
        return take

    def move_text(self, move: int) -> str:
        return str(move)

    def legal_moves(self) -> list[int]:
        return [] if self.outcome is not None else list(range(1, min(3, self.pile) + 1))

    def play(self, move: int) -> NimState:
        self.parse_move(str(move))
        pile = self.pile - move
        outcome = Outcome(self.turn, NimEnding.LAST_STONE) if pile == 0 else None
        return NimState(pile, self.moves + 1, outcome)

    def resign(self, player: int) -> NimState:
        return replace(self, outcome=resignation(self.outcome, player))

    def abandon(self) -> NimState:
        return replace(self, outcome=abandonment(self.outcome))

    def end(self, outcome: Outcome) -> NimState:
        return replace(self, outcome=outcome)

    def render(self, viewer: int | None = None) -> str:
        seen = "" if viewer is None else f"\nyou are player {viewer + 1}"  # a per-seat view
        return f"pile: {'o' * self.pile} ({self.pile}){seen}"

    def describe(self, viewer: int | None = None) -> str:
        return f"pile of {self.pile} stones"

    def free_text(self) -> str:
        return " ".join(map(str, self.legal_moves()))

    def last_text(self) -> str | None:
        return None


@dataclass(frozen=True)
class NimSpec:
    pile: int = 7

    @classmethod
    def parse(cls, text: str) -> NimSpec:
        if not text:
            return cls()
        if not text.isdigit() or not 4 <= int(text) <= 20:
            raise CommandError("nim takes a pile of 4–20 stones, e.g. /game nim 9")
        return cls(int(text))

    @property
    def title(self) -> str:
        return "nim" if self.pile == 7 else f"nim {self.pile}"

    @property
    def move_word(self) -> str:
        return "move"

    @property
    def moved_word(self) -> str:
        return "took"

    def new_state(self, rng: random.Random, words: WordSource) -> NimState:
        return NimState(self.pile)

    def rematch_refusal(self) -> str | None:
        return None

    def bot_move(self, state: NimState, rng: random.Random, words: WordSource) -> str:
        return str(state.pile % 4 or 1)  # leave a multiple of four when it can

    def takeback_refusal(
        self, state: NimState, back_to: NimState, player: int, names: Sequence[str]
    ) -> str | None:
        return None

    def draw_refusal(self) -> str | None:
        return "nim always has a winner"

    def mark(self, player: int) -> str:
        return ""

    def idle_reason(self, state: NimState, player: int, names: Sequence[str]) -> str | None:
        return None

    def intro_text(self, state: NimState, player: int, names: Sequence[str]) -> str:
        return (
            f"new game: {self.title} — {names[0]} and {names[1]} take 1–3 stones, {names[0]} first"
        )

    def result_text(self, state: NimState, outcome: Outcome, names: Sequence[str]) -> str:
        common = table_ending(outcome, names)
        if common is not None or outcome.winner is None:
            return common or "nobody wins"
        return f"{names[outcome.winner]} wins — took the last stone"

    def to_snapshot(self, state: NimState) -> dict[str, Any]:
        outcome = state.outcome
        ending = None if outcome is None else [outcome.winner, outcome.termination.name]
        return {
            "game": "nim",
            "start": self.pile,
            "pile": state.pile,
            "moves": state.moves,
            "ending": ending,
        }

    @classmethod
    def restore(cls, snapshot: Fields) -> tuple[NimSpec, NimState]:
        spec = cls(snapshot.whole("start", low=4, high=20))
        state = NimState(snapshot.whole("pile", high=spec.pile), snapshot.whole("moves"))
        ending = snapshot.raw("ending")
        if isinstance(ending, list) and len(ending) == 2:
            winner, name = ending
            enum_type = NimEnding if name in NimEnding.__members__ else Termination
            state = replace(state, outcome=Outcome(winner, enum_type[name]))
        return spec, state


NIM = Game(
    "nim",
    ("pile",),
    parse=NimSpec.parse,
    help_rows=(("/game nim", "take 1–3 stones in turn; whoever takes the last wins"),),
    topic="nim: a pile of stones; take 1, 2 or 3 a turn (type the number).",
    restore=NimSpec.restore,
)


@pytest.fixture
def nim() -> Iterator[Game]:
    """The toy game, registered for one test."""
    registry.register(NIM)
    try:
        yield NIM
    finally:
        registry.unregister(NIM.name)


# -- the toy game at the table ---------------------------------------------------------------------


@pytest.mark.usefixtures("nim")
def test_a_game_registered_in_one_module_is_played_by_two_people(table: Table) -> None:
    out = table.handle(GUEST, "/game nim 5")
    assert lines(out, GUEST)[:3] == [
        "new game: nim 5 — bob and alice take 1–3 stones, bob first",
        "pile: ooooo (5)\nyou are player 1",  # each seat's own view
        "your move",
    ]
    assert lines(out, HOST, Kind.BOARD) == ["pile: ooooo (5)\nyou are player 2"]
    assert lines(out, HOST)[-1] == "waiting for bob"
    assert lines(table.handle(GUEST, "hello there"), HOST) == ["hello there"]  # chat
    assert only_error(table.handle(GUEST, "4"), GUEST) == "you may take 1–3 stones"
    assert only_error(table.handle(HOST, "1"), HOST) == "it's bob's turn"
    out = table.handle(GUEST, "1")
    assert lines(out, HOST)[0] == "bob took 1"
    table.handle(HOST, "/move 3")
    out = table.handle(GUEST, "1")
    assert lines(out, GUEST, Kind.RESULT) == ["nim 5: bob wins — took the last stone — you win"]
    assert lines(out, HOST, Kind.RESULT) == ["nim 5: bob wins — took the last stone — you lose"]
    assert "bob    1 win, 0 draws" in lines(table.handle(HOST, "/score"), HOST)[0]
    out = table.handle(HOST, "/rematch")  # the other one moves first
    assert lines(out, HOST)[0] == "new game: nim 5 — alice and bob take 1–3 stones, alice first"
    out = table.handle(GUEST, "/resign")
    assert lines(out, HOST, Kind.RESULT) == ["nim 5: bob resigned — alice wins — you win"]


@pytest.mark.usefixtures("nim")
def test_the_toy_game_against_the_bot_by_an_alias(alone: Table) -> None:
    out = alone.handle(HOST, "/game pile")  # alice first: 7 stones
    assert lines(out, HOST)[-1] == "your move"
    out = alone.handle(HOST, "1")  # 6 left: the bot takes 2, leaving 4
    assert lines(out, HOST)[:2] == ["bot took 2", "pile: oooo (4)\nyou are player 1"]
    alone.handle(HOST, "3")
    assert (
        lines(alone.handle(HOST, "/board"), HOST)[-1]
        == "last game — nim: bot wins — took the last stone — you lose"
    )


@pytest.mark.usefixtures("nim")
def test_the_toy_game_is_in_help_and_its_options_are_its_own(table: Table) -> None:
    listing = lines(table.handle(HOST, "/help"), HOST)[0]
    assert "/help NAME for more: tictactoe, gomoku, hangman, nim, moves, bot, watch" in listing
    assert (
        f"\n  {'/game nim':<20}  take 1–3 stones in turn; whoever takes the last wins\n" in listing
    )
    assert len(listing.splitlines()) <= 20
    assert help_for("nim") == help_for("/pile") == NIM.topic
    assert "/game nim" in help_for("game")
    assert only_error(table.handle(HOST, "/game nim 99"), HOST) == (
        "nim takes a pile of 4–20 stones, e.g. /game nim 9"
    )
    assert "try tictactoe, gomoku, hangman or nim" in only_error(
        table.handle(HOST, "/game chess"), HOST
    )
    assert only_error(table.handle(HOST, "/game ni"), HOST).endswith("did you mean /game nim?")


def test_an_unregistered_game_is_gone(table: Table) -> None:
    registry.register(NIM)
    registry.unregister("nim")
    assert registry.find("pile") is None
    assert only_error(table.handle(HOST, "/game nim"), HOST) == (
        'no game called "nim" — try tictactoe, gomoku or hangman'
    )
    assert lines(table.handle(HOST, "/help"), HOST) == [HELP]


@pytest.mark.parametrize(
    "game",
    [
        replace(NIM, name="ttt"),  # a built-in's alias
        replace(NIM, aliases=("Hangman",)),
        replace(NIM, aliases=("two words",)),
        replace(NIM, name=""),
    ],
)
def test_a_game_cannot_take_another_games_name_or_a_bad_one(game: Game) -> None:
    with pytest.raises(ValueError, match="game"):
        registry.register(game)
    assert registry.find("nim") is None


# -- every registered game -------------------------------------------------------------------------

_OPTIONS = ["", "4x4", "5x3 k=3", "7x7 k=4", "two words", "x-ray"]


@st.composite
def game_states(draw: st.DrawFn) -> tuple[GameSpec[Any], list[GameState[Any]]]:
    """A registered game (with options it accepts, when any) and a random play-out of it:
    the spec and the states from the opening to the end."""
    game = draw(st.sampled_from(registry.games()))
    specs: list[GameSpec[Any]] = []
    for options in _OPTIONS:
        try:
            specs.append(game.parse(options))
        except CommandError:
            continue
    spec = draw(st.sampled_from(specs))
    rng = draw(st.randoms(use_true_random=False))
    state = spec.new_state(rng, lambda: ["apple", "kiwi", "banana"])
    states = [state]
    while state.outcome is None and len(states) < 40:
        state = state.play(draw(st.sampled_from(state.legal_moves())))
        states.append(state)
    return spec, states


@settings(max_examples=150, deadline=None)
@given(game_states())
def test_every_games_notation_round_trips_its_legal_moves(
    played: tuple[GameSpec[Any], list[GameState[Any]]],
) -> None:
    spec, states = played
    for state in states:
        for move in state.legal_moves():
            text = state.move_text(move)
            assert state.parse_move(text) == move, (spec, text)
            assert state.is_move_attempt(text), (spec, text)  # typed plainly, it is a move


@settings(max_examples=50, deadline=None)
@given(game_states())
def test_every_games_title_reads_back_and_its_turn_is_recognised(
    played: tuple[GameSpec[Any], list[GameState[Any]]],
) -> None:
    spec, _ = played
    title = spec.title
    assert registry.parse_game(title).title == title
    assert spec.move_word in TURN_VERBS


def test_every_game_has_help_that_fits_and_a_game_row() -> None:
    for game in registry.games():
        assert any(usage.startswith(f"/game {game.name}") for usage, _ in game.help_rows)
        rows = game.topic.splitlines()
        assert len(rows) <= 20 and max(len(row) for row in rows) <= 78
        assert help_for(game.name) == game.topic


def test_forget_flood_gives_both_seats_a_fresh_budget(table: Table) -> None:
    for seat in (HOST, GUEST):
        for i in range(10):
            table.handle(seat, f"line {i}", now=100.0)
        assert lines(table.handle(seat, "one more", now=100.0), seat, Kind.ERROR)
    table.forget_flood()
    for seat in (HOST, GUEST):
        assert lines(table.handle(seat, "one more", now=0.0), Seat(1 - seat)) == ["one more"]
        assert not table.is_flooding(seat)
