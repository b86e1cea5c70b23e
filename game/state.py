"""The small API every game state offers (in the spirit of python-chess ``Board`` and OpenSpiel
``State``), written down as a :class:`typing.Protocol` so the table and the tests can rely on it.

Players are numbered 0 and 1; player 0 moves first (X). States are immutable: ``play``,
``resign``, ``abandon`` and ``end`` return new states, so a game's earlier positions are kept
as they were (a takeback goes back to one of them).
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

from game.outcome import Outcome

MoveT = TypeVar("MoveT")


class GameState(Protocol[MoveT]):
    """What the table needs from a game state."""

    @property
    def outcome(self) -> Outcome | None:
        """Who won and why, or ``None`` while the game is in progress."""

    @property
    def turn(self) -> int | None:
        """The player to move, or ``None`` once the game is over."""

    def is_move_attempt(self, text: str, *, by_mover: bool = True) -> bool:
        """Whether a typed line is shaped like a move in this game (legal or not); *by_mover*
        says whether the one who typed it is to move now (a game may read a line as chat
        otherwise)."""

    def parse_move(self, text: str) -> MoveT:
        """A legal move read from ``text``; raises MoveSyntaxError / IllegalMoveError."""

    def move_text(self, move: MoveT) -> str:
        """The text form of ``move``; ``parse_move`` reads it back to the same move."""

    def legal_moves(self) -> list[MoveT]:
        """The moves that may be played now."""

    def play(self, move: MoveT) -> Self:
        """The state after the player to move plays ``move``."""

    def resign(self, player: int) -> Self:
        """The state ended by ``player`` resigning."""

    def abandon(self) -> Self:
        """The state ended as abandoned (nobody's loss)."""

    def end(self, outcome: Outcome) -> Self:
        """The state ended by the players' agreement rather than a move: ``outcome`` is an
        agreed draw or an abort (:func:`game.outcome.agreed_draw`, :func:`game.outcome.abortion`,
        which raise once the game is over)."""

    def render(self, viewer: int | None = None) -> str:
        """The ASCII picture for ``viewer`` (a player index, ``None`` for a spectator)."""

    def describe(self, viewer: int | None = None) -> str:
        """The picture's content in words, one line, for ``viewer`` (a screen reader's board):
        what ``render`` shows them, and nothing it hides."""

    def free_text(self) -> str:
        """The moves still open (cells, letters) in words, separated by spaces."""

    def last_text(self) -> str | None:
        """The latest move in words, or ``None`` before the first."""
