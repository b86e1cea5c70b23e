"""A record played back: the positions after each move, re-played through the game's engine.

A record keeps moves, never pictures: :func:`frames` deals the game's opening again (from the
registry, by the record's ``Game`` tag; a hidden word from its ``Secret`` tag) and plays each
move through the engine, so a board shown on replay is the engine's own drawing for the record's
viewer. A move the engine refuses means the record is damaged (:class:`RecordError`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from game.errors import CommandError
from game.game_log import HiddenOpening
from game.record_format import Entry, Record, RecordError
from game.registry import GameSpec, parse_game
from game.state import GameState


@dataclass(frozen=True)
class Frame:
    """One step of a replay.

    Attributes:
        lines: what happened to reach it: the move (none for the opening), then what was said
            after it until the next move.
        board: the picture for the record's viewer, or None when it cannot be drawn (a hidden
            word this copy never learned, a game this program does not know).
    """

    lines: tuple[Entry, ...]
    board: str | None


def viewer_player(record: Record) -> int | None:
    """The engine player whose copy *record* is (None: a spectator's, or not a player)."""
    viewer = record.tag("Viewer")
    players = record.players
    return players.index(viewer) if viewer in players else None


def game_spec(record: Record) -> GameSpec[Any] | None:
    """The game *record* was played as, or None when this program does not know it."""
    try:
        return parse_game(record.tag("Game") or "")
    except CommandError:
        return None


def opening(record: Record) -> GameState[Any] | None:
    """The position the game of *record* began from (None: it cannot be dealt again).

    Raises:
        RecordError: the hidden word cannot be a secret.
    """
    spec = game_spec(record)
    if spec is None:
        return None
    if isinstance(spec, HiddenOpening):
        hidden = record.tag("Secret")
        if hidden is None:
            return None
        set_by = record.tag("SetBy")
        players = record.players
        seen_by = players.index(set_by) if set_by in players else None
        try:
            return spec.dealt(hidden, seen_by)
        except ValueError as exc:
            raise RecordError(f"the secret cannot be played: {exc}") from None
    # nothing hidden: the opening is the game's own, without any choice to make
    state: GameState[Any] = spec.new_state(random.Random(0), tuple)
    return state


def positions(record: Record) -> list[GameState[Any]] | None:
    """The opening and the position after each move, the last with the record's ending (a
    resignation, an abandonment) applied; None when the opening cannot be dealt.

    Raises:
        RecordError: a move the engine does not accept.
    """
    state = opening(record)
    if state is None:
        return None
    states = [state]
    for number, text in enumerate(record.moves, 1):
        try:
            state = state.play(state.parse_move(text))
        except ValueError as exc:
            raise RecordError(f"move {number} cannot be played: {exc}") from None
        states.append(state)
    if state.outcome is None:
        states[-1] = _ended(record, state)
    return states


def _ended(record: Record, state: GameState[Any]) -> GameState[Any]:
    ending, winner = record.tag("Ending"), record.tag("Winner")
    if ending == "resigned" and winner in record.players:
        return state.resign(1 - record.players.index(winner))
    if ending == "abandoned":
        return state.abandon()
    return state


def frames(record: Record) -> list[Frame]:
    """The steps of a replay: the opening, then one per move.

    Raises:
        RecordError: a move the engine does not accept.
    """
    states = positions(record)
    viewer = viewer_player(record)
    groups: list[list[Entry]] = [[]]
    for entry in record.entries:
        if entry.kind == "move":
            groups.append([])
        groups[-1].append(entry)
    return [
        Frame(tuple(lines), None if states is None else states[index].render(viewer))
        for index, lines in enumerate(groups)
    ]
