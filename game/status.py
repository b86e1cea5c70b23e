"""The table at a glance, for a player's prompt: the game, whose turn, the score.

``tic-tac-toe · your move (X) · 2–1``: the game's title, whose turn it is as the turn notice
words it (:meth:`game.match.Match.turn_text`), and the games this player won against the
other's. Empty when no game is being played (nothing to put in the prompt then). One line,
no control characters: the programs put it in front of the prompt as it is.
"""

from __future__ import annotations

from game.delivery import Seat
from game.play import Play


def status_for(play: Play, seat: Seat) -> str:
    """The status *seat*'s player sees: ``"gomoku · your move · 2–1"``, or ``""``.

    Args:
        play: the games half of the table.
        seat: the player who reads it.

    Returns:
        The status, or an empty string when no game is in progress.
    """
    match = play.match
    if match is None or not match.in_progress:
        return ""
    other = Seat.GUEST if seat is Seat.HOST else Seat.HOST
    mine = play.name_of(seat)
    # the opponent: the other seat, or the bot in a game against it
    theirs = play.name_of(other if other in match.seats else None)
    turn = match.turn_text(seat, play.name_of)
    wins = play.score.wins
    parts = [match.spec.title, turn, f"{wins[mine]}–{wins[theirs]}"]
    return " · ".join(part for part in parts if part)
