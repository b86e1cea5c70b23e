"""A record played back: the positions after each move, re-played through the game's engine.

A record keeps moves, never pictures: :func:`frames` deals the game's opening again (from the
registry, by the record's ``Game`` tag; a hidden word from its ``Secret`` tag) and plays each
move through the engine, so a board shown on replay is the engine's own drawing for the record's
viewer. A move the engine refuses means the record is damaged (:class:`RecordError`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from game.errors import CommandError
from game.game_log import HiddenOpening
from game.outcome import Outcome, abortion, agreed_draw
from game.record_format import Entry, Record, RecordError, takeback_plies
from game.registry import GameSpec, parse_game
from game.state import GameState

#: The endings the players agreed on, as a record names them, and how each ends a state.
_AGREED: Final[dict[str, Callable[[Outcome | None], Outcome]]] = {
    "draw agreed": agreed_draw,
    "aborted": abortion,
}


@dataclass(frozen=True)
class Frame:
    """One step of a replay.

    Attributes:
        lines: what happened to reach it: the move (none for the opening), then what was said
            after it until the next move.
        board: the picture for the record's viewer, or None when it cannot be drawn (a hidden
            word this copy never learned, a game this program does not know).
        ply: how many moves stand on the board here.
    """

    lines: tuple[Entry, ...]
    board: str | None
    ply: int = 0


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
    """The opening and the position after each move or takeback of the body, the last with
    the record's ending (a resignation, an abandonment, an agreement) applied; None when the
    opening cannot be dealt.

    Raises:
        RecordError: a move the engine does not accept, or a takeback of more than was played.
    """
    state = opening(record)
    if state is None:
        return None
    line = [state]  # the positions of the game as it stands: a takeback goes back along it
    states = [state]
    for entry in record.entries:
        if entry.kind == "move":
            try:
                line.append(line[-1].play(line[-1].parse_move(entry.text)))
            except ValueError as exc:
                raise RecordError(f"move {len(line)} cannot be played: {exc}") from None
        elif entry.kind == "takeback":
            plies = takeback_plies(entry)
            if plies >= len(line):
                raise RecordError(f"a takeback of {plies} moves after {len(line) - 1}")
            del line[len(line) - plies :]
        else:
            continue
        states.append(line[-1])
    if states[-1].outcome is None:
        states[-1] = _ended(record, states[-1])
    return states


def _ended(record: Record, state: GameState[Any]) -> GameState[Any]:
    ending, winner = record.tag("Ending"), record.tag("Winner")
    if ending == "resigned" and winner in record.players:
        return state.resign(1 - record.players.index(winner))
    if ending == "abandoned":
        return state.abandon()
    if ending in _AGREED:
        return state.end(_AGREED[ending](None))
    return state


def frames(record: Record) -> list[Frame]:
    """The steps of a replay: the opening, then one per move or takeback.

    Raises:
        RecordError: a move the engine does not accept, or a takeback of more than was played.
    """
    states = positions(record)
    viewer = viewer_player(record)
    groups: list[list[Entry]] = [[]]
    plies = [0]
    for entry in record.entries:
        if entry.kind == "move":
            groups.append([])
            plies.append(plies[-1] + 1)
        elif entry.kind == "takeback":
            groups.append([])
            plies.append(plies[-1] - takeback_plies(entry))
        groups[-1].append(entry)
    if states is None:
        return [Frame(tuple(lines), None, ply) for lines, ply in zip(groups, plies, strict=True)]
    return [
        Frame(tuple(lines), state.render(viewer), ply)
        for lines, state, ply in zip(groups, states, plies, strict=True)
    ]
