"""What the people at the table are shown about a game: moves, boards, whose turn, the result.

Pure functions from a :class:`~game.match.Match` to deliveries. Every board is rendered for the
seat it is delivered to (``Match.render_for``), so a hangman guesser only ever receives the
guesser's view; only the result — sent once the game is over — may name the secret.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from game.delivery import Delivery, Kind, Recipient, Seat, Shown, Spectator
from game.match import Match, NameOf, Participant

SEATS = (Seat.HOST, Seat.GUEST)


def say(to: Recipient, kind: Kind, text: str) -> Delivery:
    """A NOTICE / ERROR / BOARD / RESULT for ``to`` (a seat, a spectator or all of them)."""
    return Delivery(to, Shown(kind, text))


def moves_shown(
    match: Match,
    moves: list[tuple[Participant, str]],
    name_of: NameOf,
    in_words: Callable[[Seat], bool] = lambda seat: False,
) -> list[Delivery]:
    """After ``moves`` (who, move text): each player is told the others' moves, shown their own
    view of the board, and told whose turn it is. Spectators are not sent every move (they may
    ask with /board); the result goes to everyone (see :func:`result_shown`).

    A player who reads boards in words (*in_words*) is told the moves and whose turn it is in
    one line instead, and no board: ``/board`` says the whole position in words."""
    verb = match.spec.moved_word
    out = []
    for seat in SEATS:
        if seat not in match.seats:
            continue
        lines = []
        others = [(who, text) for who, text in moves if who != seat]
        if others:
            texts = ", ".join(text for _, text in others)
            lines.append(f"{name_of(others[0][0])} {verb} {texts}")
        turn = match.turn_text(seat, name_of) if match.in_progress else ""
        if in_words(seat):
            if turn:
                lines.append(turn)
            if lines:
                out.append(say(seat, Kind.NOTICE, " · ".join(lines)))
            continue
        out += [say(seat, Kind.NOTICE, line) for line in lines]
        out.append(say(seat, Kind.BOARD, match.render_for(seat)))
        if turn:
            out.append(say(seat, Kind.NOTICE, turn))
    return out


def result_shown(match: Match, name_of: NameOf) -> list[Delivery]:
    """The RESULT line, for both seats, each in its own words — the winner reads "you win",
    the loser "you lose" (the table drops what nobody can receive)."""
    return [say(seat, Kind.RESULT, match.result_text(name_of, seat)) for seat in SEATS]


def board_shown(match: Match, seat: Seat, name_of: NameOf) -> list[Delivery]:
    """/board, and the board part of a catch-up: the picture for ``seat`` and a line saying
    whose turn it is, who is playing, or how the last game ended."""
    out = [say(seat, Kind.BOARD, match.render_for(seat))]
    if not match.in_progress:
        text = f"last game — {match.result_text(name_of, seat)}"
    elif seat in match.seats:
        text = match.turn_text(seat, name_of)
    else:
        players = " and ".join(name_of(who) for who in match.seats)
        text = f"{players} are playing {match.spec.title}"
    out.append(say(seat, Kind.NOTICE, text))
    return out


def duration(seconds: float) -> str:
    """``300`` → ``5 minutes``; ``150`` → ``2 minutes 30 seconds``; ``45`` → ``45 seconds``.

    A minute or more is said in whole seconds rounded up, so a grace period is never
    understated (``150`` reads "2 minutes 30 seconds", never "2 minutes").
    """
    if seconds < 60:
        return f"{seconds:g} second{'s' * (seconds != 1)}"
    minutes, rest = divmod(math.ceil(seconds), 60)
    text = f"{minutes} minute{'s' * (minutes != 1)}"
    if rest:
        text += f" {rest} second{'s' * (rest != 1)}"
    return text


def who_text(
    viewer: Seat | Spectator,
    guest: str | None,
    guest_connected: bool,
    match: Match | None,
    name_of: NameOf,
    *,
    watching: Sequence[Spectator] = (),
    nameless: bool = False,
) -> str:
    """/who for ``viewer``: the host, the guest (and whether their connection dropped), and
    the bot while it plays, one per line; then the spectators ``watching``, first come first,
    on one line (the terminal wraps it) — or, when ``nameless`` (a player asking during a
    game: a name is text a spectator chose), only how many watch."""
    rows = [(name_of(Seat.HOST), "host" + " (you)" * (viewer is Seat.HOST))]
    if guest is not None:
        state = " (you)" if viewer is Seat.GUEST else ""
        if not guest_connected:
            state = " — connection dropped, the seat is kept for now"
        rows.append((guest, "guest" + state))
    if match is not None and match.in_progress and None in match.seats:
        opponent = next(name_of(s) for s in match.seats if s is not None)
        rows.append((name_of(None), f"computer, playing {match.spec.title} against {opponent}"))
    width = max(len(name) for name, _ in rows)
    lines = [f"  {name.ljust(width)}  {what}" for name, what in rows]
    if guest is None:
        lines.append("  (no guest yet)")
    if watching and nameless:
        lines.append(f"  {len(watching)} watching")
    elif watching:
        names = ", ".join(s.name + " (you)" * (s == viewer) for s in watching)
        lines.append(f"  watching: {names}")
    return "\n".join(["at the table:", *lines])
