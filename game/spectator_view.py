"""What spectators are shown of a game and of the people playing it.

A spectator sees what no player's view would give away: every board as ``state.render(None)``
draws it — for hangman the guesser's view, so the secret is never shown to a spectator before
the game ends (the result and the final board may name it, as they do for the players) — the
result in neutral words (nobody's "you win"), and who sits down, drops, comes back and leaves.

What is news is decided by comparing two :class:`Snapshot` values — the table as the spectators
last saw it, and as it is now — rather than by each way of changing the table remembering to
tell them: a seat change, a game started, a move, a resignation or an abandoned game all show
up as a difference, whichever method made it. Pure functions of the scenes; no spectator is
named here (the table addresses the news to all of them at once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from game.delivery import Kind, Seat, Shown
from game.match import Match, NameOf, Participant
from game.state import GameState


@dataclass(frozen=True)
class Snapshot:
    """The table as spectators see it at one moment.

    Attributes:
        host: the host's name.
        guest: the seated guest's name (also while dropped), or ``None``.
        guest_connected: whether the guest's connection is up.
        bot: the bot's name.
        match: the game in progress or the last one, or ``None``; its state changes in place,
            so ``state`` keeps the one seen (states are immutable: a new one is a change).
        state: ``match.state`` at that moment.
    """

    host: str
    guest: str | None
    guest_connected: bool
    bot: str
    match: Match | None
    state: GameState[Any] | None

    def name_of(self, who: Participant) -> str:
        """The name of a seat (or of the bot for ``None``) in this scene."""
        if who is None:
            return self.bot
        if who is Seat.HOST:
            return self.host
        return self.guest or "guest"


def changes_between(before: Snapshot, after: Snapshot) -> list[Shown]:
    """What the spectators are to be shown about the change from ``before`` to ``after``:
    seat notices first, then a new game's opening, then the board and whose turn it is — or
    the final board and the result.

    Returns:
        Nothing when nothing they can see changed.
    """
    out: list[Shown] = []
    if before.guest != after.guest:
        if before.guest is not None:
            out.append(Shown(Kind.NOTICE, f"{before.guest} left the table"))
        if after.guest is not None:
            out.append(Shown(Kind.NOTICE, f"{after.guest} sat down"))
    elif after.guest is not None and before.guest_connected != after.guest_connected:
        text = (
            f"{after.guest} is back"
            if after.guest_connected
            else f"{after.guest}'s connection dropped — the seat is kept for now"
        )
        out.append(Shown(Kind.NOTICE, text))
    match = after.match
    if match is None or (match is before.match and after.state is before.state):
        return out

    def name_of(who: Participant) -> str:
        # a game abandoned because the guest left ends after their name is gone: the result
        # still names them, as the players' result does
        if who is Seat.GUEST and after.guest is None and before.guest is not None:
            return before.guest
        return after.name_of(who)

    if match is not before.match:
        out.append(Shown(Kind.NOTICE, opening_text(match, name_of)))
    out.append(board(match))
    if match.in_progress:
        out.append(Shown(Kind.NOTICE, turn_text(match, name_of)))
    else:
        out.append(Shown(Kind.RESULT, match.result_text(name_of)))
    return out


def board(match: Match) -> Shown:
    """The board as every spectator sees it (what no player's own view would add)."""
    return Shown(Kind.BOARD, match.state.render(None))


def board_view(match: Match, name_of: NameOf) -> list[Shown]:
    """``/board`` for a spectator, and what a late one is shown on arrival: the board, and who
    is playing whom and whose turn it is — or how the last game ended."""
    if not match.in_progress:
        status = f"last game — {match.result_text(name_of)}"
    else:
        players = " and ".join(name_of(who) for who in match.seats)
        status = f"{players} are playing {match.spec.title} — {turn_text(match, name_of)}"
    return [board(match), Shown(Kind.NOTICE, status)]


def turn_text(match: Match, name_of: NameOf) -> str:
    """``bob to move (O)`` / ``bob to guess``: never "your move", which a terminal takes for
    its reader's turn (:func:`game.wants_you.is_your_turn`)."""
    turn = match.state.turn
    assert turn is not None, "turn_text of a finished game"
    return f"{name_of(match.seats[turn])} to {match.spec.move_word}{match.spec.mark(turn)}"


def opening_text(match: Match, name_of: NameOf) -> str:
    """``new game of tictactoe: alice (X) against bob (O)`` — the title never holds a secret."""
    first, second = (f"{name_of(who)}{match.spec.mark(p)}" for p, who in enumerate(match.seats))
    return f"new game of {match.spec.title}: {first} against {second}"


def players_text(host: str, guest: str | None) -> str:
    """``alice and bob play`` / ``alice plays``: who may move, for a spectator who tried to."""
    return f"{host} and {guest} play" if guest is not None else f"{host} plays"


def welcome_texts(host: str, guest: str | None, given: str) -> list[str]:
    """What a new spectator is told first: that they watch (and that the table is full when
    both seats are taken), the name they were given, and where their lines go."""
    first = (
        f"the table is full — watching {host} and {guest}" if guest else f"watching {host}'s table"
    )
    return [
        first,
        f"you watch as {given}: while a game is on, your lines go to the other spectators "
        "only — /help watch says more",
    ]
