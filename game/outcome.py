"""How a game ended: who won (or nobody) and why.

"Is the game over" is always derived from whether a state has an :class:`Outcome`; it is never
stored a second time as a flag that could disagree with it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from game.errors import IllegalMoveError
from game.snapshot_values import Fields, SnapshotError


class Termination(enum.Enum):
    """Why a game ended. Stored explicitly so the result line can say it.

    ``RESIGNED``, ``ABANDONED``, ``AGREED`` (a draw both players accepted) and ``ABORTED`` (a
    game called off, which counts for nobody) are the table's endings, the same in every game;
    the others are the built-in games' own. A new game may end for reasons of its own enum
    (the game words its results itself, see :meth:`game.registry.GameSpec.result_text`).
    """

    LINE_COMPLETED = "line completed"
    BOARD_FULL = "board full"
    WORD_GUESSED = "word guessed"
    GALLOWS_COMPLETE = "gallows complete"
    RESIGNED = "resigned"
    ABANDONED = "abandoned"
    AGREED = "draw agreed"
    ABORTED = "aborted"


@dataclass(frozen=True)
class Outcome:
    """The end of a game.

    Attributes:
        winner: index of the winning player (0 moved first, "X"), or ``None`` for nobody.
        termination: why the game ended: a :class:`Termination`, or a member of a game's own
            enum.
    """

    winner: int | None
    termination: enum.Enum

    @property
    def is_draw(self) -> bool:
        """True for an ending nobody won that still counts as a played game: not abandoned,
        not aborted, and not one that beat every player (:attr:`lost_by_all`)."""
        return (
            self.winner is None
            and self.termination not in (Termination.ABANDONED, Termination.ABORTED)
            and not self.lost_by_all
        )

    @property
    def counts(self) -> bool:
        """False for an aborted game: it is not scored at all, not even as abandoned."""
        return self.termination is not Termination.ABORTED

    @property
    def lost_by_all(self) -> bool:
        """True when the game beat every player: a hangman duel whose gallows was completed
        before either guessed the word. A loss for each, not a draw."""
        return self.winner is None and self.termination is Termination.GALLOWS_COMPLETE


def resignation(current: Outcome | None, player: int) -> Outcome:
    """The outcome of ``player`` resigning a game whose outcome so far is ``current``: the other
    player wins.

    Raises:
        IllegalMoveError: the game is already over.
    """
    if current is not None:
        raise IllegalMoveError("the game is over")
    return Outcome(1 - player, Termination.RESIGNED)


def abandonment(current: Outcome | None) -> Outcome:
    """The outcome of abandoning a game whose outcome so far is ``current``: nobody's loss.

    Raises:
        IllegalMoveError: the game is already over.
    """
    if current is not None:
        raise IllegalMoveError("the game is over")
    return Outcome(None, Termination.ABANDONED)


def agreed_draw(current: Outcome | None) -> Outcome:
    """The outcome of a draw both players agreed to in a game whose outcome so far is
    ``current``.

    Raises:
        IllegalMoveError: the game is already over.
    """
    if current is not None:
        raise IllegalMoveError("the game is over")
    return Outcome(None, Termination.AGREED)


def abortion(current: Outcome | None) -> Outcome:
    """The outcome of calling off a game whose outcome so far is ``current``: it counts for
    nobody.

    Raises:
        IllegalMoveError: the game is already over.
    """
    if current is not None:
        raise IllegalMoveError("the game is over")
    return Outcome(None, Termination.ABORTED)


def table_ending(outcome: Outcome, names: Sequence[str]) -> str | None:
    """How every game words the table's own endings — ``bob resigned — alice wins``,
    ``abandoned — nobody's loss``, ``draw by agreement``, ``aborted — it counts for nobody`` —
    or ``None`` for an ending of the game's own.

    Args:
        outcome: how the game ended.
        names: the players' names, by engine player index.
    """
    if outcome.termination is Termination.ABANDONED:
        return "abandoned — nobody's loss"
    if outcome.termination is Termination.AGREED:
        return "draw by agreement"
    if outcome.termination is Termination.ABORTED:
        return "aborted — it counts for nobody"
    if outcome.termination is Termination.RESIGNED and outcome.winner is not None:
        return f"{names[1 - outcome.winner]} resigned — {names[outcome.winner]} wins"
    return None


def outcome_to_snapshot(outcome: Outcome | None) -> dict[str, Any] | None:
    """*outcome* as JSON values (None stays null); the termination by its value.

    Raises:
        SnapshotError: the termination is a game's own enum, which
            :func:`outcome_from_snapshot` cannot read back.
    """
    if outcome is None:
        return None
    if not isinstance(outcome.termination, Termination):
        raise SnapshotError(f"an ending of the game's own ({outcome.termination}) is not kept")
    return {"winner": outcome.winner, "termination": outcome.termination.value}


def outcome_from_snapshot(snapshot: Fields | None) -> Outcome | None:
    """The outcome :func:`outcome_to_snapshot` wrote (None for a game in progress).

    Raises:
        SnapshotError: an unknown termination, or a winner that is not player 0 or 1.
    """
    if snapshot is None:
        return None
    winner = snapshot.optional_whole("winner", high=1)
    value = snapshot.text("termination", limit=40)
    try:
        termination = Termination(value)
    except ValueError:
        raise SnapshotError(f"{snapshot.where}.termination is not an ending") from None
    return Outcome(winner, termination)
