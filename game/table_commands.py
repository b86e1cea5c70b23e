"""The table's slash commands: one row each — name, arguments, flood budget, help text and
handler — in the order ``/help`` lists them.

Adding a command is adding a row (and its handler) here: :meth:`Table.handle
<game.table.Table.handle>` finds it by word, refuses arguments it does not take, charges its
flood budget, and ``/help`` and ``/help NAME`` describe it. Games are not commands: ``/game``
lists and starts whatever the registry holds. A row with a ``watcher`` handler also answers
spectators; the others are for the two players only.

The handlers see the table through :class:`AtTheTable`, the few things they read or do, so
that this module needs nothing of :mod:`game.table` (which looks its commands up here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from game import registry
from game.announce import say, who_text
from game.chat_history import HISTORY_KEPT
from game.commands import Command, CommandTable, HelpRow, nearest
from game.delivery import Delivery, Kind, Seat, Shown, Spectator
from game.errors import CommandError
from game.match import Match, Participant
from game.offers import OfferKind
from game.play import Play
from game.spectator_view import board_view
from game.spectator_view import turn_text as spectator_turn_text
from game.spectators import Spectators
from game.untrusted import quote


class AtTheTable(Protocol):
    """What a command handler may read of the table or do to it."""

    @property
    def guest_name(self) -> str | None:
        """The seated guest's name, or None."""

    @property
    def guest_connected(self) -> bool:
        """Whether the seated guest's connection is up."""

    @property
    def match(self) -> Match | None:
        """The game in progress or the last one."""

    @property
    def play(self) -> Play:
        """The games half of the table."""

    @property
    def spectators(self) -> Spectators:
        """Who watches."""

    def chat_seen(self, who: Seat | Spectator, count: int) -> list[Shown]:
        """The last *count* chat lines *who* saw or said, oldest first."""

    def set_words(self, who: Seat | Spectator, on: bool) -> None:
        """Show *who* boards in words (*on*) or as pictures from now on."""

    def help_text(self, args: str, *, spectator: bool = False) -> str:
        """What ``/help ARGS`` answers a player or a *spectator* (raises CommandError when
        there is no such topic)."""

    def leave(self, seat: Seat) -> list[Delivery]:
        """The guest leaves."""

    def score_text(self, who: Seat | Spectator, args: str) -> str:
        """What ``/score ARGS`` answers *who*."""

    def record_text(self, who: Seat | Spectator) -> str | None:
        """*who*'s record of the last game that ended, or None."""

    def unwatch(self, spectator: Spectator) -> list[Delivery]:
        """A spectator stops watching."""


def _game(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    opponent: Participant = None  # alone at the table: the bot
    if table.guest_name is not None:
        opponent = Seat.GUEST if seat is Seat.HOST else Seat.HOST
    return table.play.new_game(seat, args, opponent)


def _game_rows() -> list[HelpRow]:
    return [row for game in registry.games() for row in game.help_rows]


def _board(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    chosen = _board_choice(table, seat, args)
    if chosen is not None:
        return chosen
    return table.play.board(seat)


def _resign(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return table.play.resign(seat)


def _rematch(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return table.play.rematch(seat, guest_seated=table.guest_name is not None)


def _offer(kind: OfferKind) -> Callable[[AtTheTable, Seat, str], list[Delivery]]:
    """The handler of ``/takeback [N]``, ``/draw`` and ``/abort``."""

    def handler(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
        return table.play.offer(seat, kind, args)

    return handler


def _accept(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return table.play.answer(seat, args, accept=True)


def _decline(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return table.play.answer(seat, args, accept=False)


def _pending(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return table.play.pending(seat)


def _on_the_row_above() -> list[HelpRow]:
    """The ``/help`` rows of a command named on the row of the one before it (``/abort``
    beside ``/takeback``): none of its own, so the list stays one screen; ``/help NAME`` has
    the details (:mod:`game.help`'s offers topic)."""
    return []


def _watched_board(table: AtTheTable, spectator: Spectator, args: str) -> list[Delivery]:
    chosen = _board_choice(table, spectator, args)
    if chosen is not None:
        return chosen
    if table.match is None:
        return [say(spectator, Kind.ERROR, "no game yet — nothing to watch until one starts")]
    return [Delivery(spectator, shown) for shown in board_view(table.match, table.play.name_of)]


# -- boards in words, the last move, the free cells, the chat again: for anyone at the table --
#: How many chat lines ``/history`` shows when not told.
HISTORY_SHOWN = 10
_BOARD_WORDS = {"words": True, "picture": False, "pictures": False}


def _board_choice(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery] | None:
    """``/board words`` or ``/board picture``: how *who* is shown boards from now on. Returns
    what to answer instead of the board (an error, or the news when there is no board yet), or
    None when the board is to be shown (in the way just chosen)."""
    if not args:
        return None
    choice = _BOARD_WORDS.get(args.lower())
    if choice is None:
        usage = "usage: /board, /board words (boards in words) or /board picture"
        return [say(who, Kind.ERROR, f"{usage} — not {quote(args, 24)}")]
    table.set_words(who, choice)
    if table.match is not None:
        return None
    text = "boards will be said in words" if choice else "boards will be drawn"
    return [say(who, Kind.NOTICE, f"{text} — no game yet (/game starts one)")]


def _last(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    match = table.match
    if match is None:
        return [say(who, Kind.ERROR, "no game yet — nothing was played")]
    parts = [match.state.last_text() or "no move yet"]
    if not match.in_progress:
        parts.append(f"last game — {match.result_text(table.play.name_of, _seat(who))}")
    elif isinstance(who, Seat) and who in match.seats:
        parts.append(match.turn_text(who, table.play.name_of))
    else:
        parts.append(spectator_turn_text(match, table.play.name_of))
    return [say(who, Kind.NOTICE, " · ".join(parts))]


def _free(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    match = table.match
    if match is None or not match.in_progress:
        return [say(who, Kind.ERROR, "no game in progress — nothing is free to play")]
    return [say(who, Kind.NOTICE, f"free: {match.state.free_text() or 'none'}")]


def _history(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    count = HISTORY_SHOWN
    if args:
        if not args.isdecimal() or not 1 <= int(args) <= HISTORY_KEPT:
            usage = f"usage: /history [N] — N lines, 1 to {HISTORY_KEPT}"
            return [say(who, Kind.ERROR, f"{usage}, not {quote(args, 24)}")]
        count = int(args)
    lines = table.chat_seen(who, count)
    if not lines:
        return [say(who, Kind.NOTICE, "no chat to show again yet")]
    heading = f"the last {len(lines)} chat line{'s' * (len(lines) != 1)} again:"
    return [say(who, Kind.NOTICE, heading), *(Delivery(who, shown) for shown in lines)]


def _seat(who: Seat | Spectator) -> Seat | None:
    return who if isinstance(who, Seat) else None


def _score(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    return [say(who, Kind.NOTICE, table.score_text(who, args))]


def _record(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    text = table.record_text(who)
    if text is None:
        return [say(who, Kind.ERROR, "no game has ended at this table yet — nothing to print")]
    # indented under one sentence, as every notice is: python -m cli.replay reads the lines
    # copied as they are
    heading = "your record of the last game (python -m cli.replay FILE plays it back):"
    return [say(who, Kind.NOTICE, heading + "\n" + text.rstrip("\n"))]


def _played(word: str) -> Callable[[AtTheTable, Seat, str], list[Delivery]]:
    """The handler of ``/move TEXT`` and ``/guess TEXT``: ``TEXT`` is a move, whatever it looks
    like (a whole hangman answer can only be guessed this way)."""

    def handler(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
        if not args:
            return [say(seat, Kind.ERROR, f"usage: /{word} TEXT, e.g. /move b2 or /guess e")]
        match = table.match
        # in a game of moves, not of guesses, /guess is a mistake worth naming
        playing = match is not None and match.in_progress and seat in match.seats
        if word == "guess" and playing and match and match.spec.move_word != "guess":
            title = match.spec.title
            hint = f"/guess is for hangman — in {title} type your move as it is (e.g. b2)"
            return [say(seat, Kind.ERROR, hint)]
        return table.play.move(seat, args)

    return handler


def _who(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    play = table.play
    watching = list(table.spectators)
    # a player is not shown spectators' names during a game: a name can be a coaching line
    nameless = isinstance(who, Seat) and play.match is not None and play.match.in_progress
    text = who_text(
        who,
        table.guest_name,
        table.guest_connected,
        play.match,
        play.name_of,
        watching=watching,
        nameless=nameless,
    )
    return [say(who, Kind.NOTICE, text)]


def _help(table: AtTheTable, who: Seat | Spectator, args: str) -> list[Delivery]:
    try:
        spectator = isinstance(who, Spectator)
        return [say(who, Kind.NOTICE, table.help_text(args, spectator=spectator))]
    except CommandError as error:
        return [say(who, Kind.ERROR, str(error))]


def _quit(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    if seat is Seat.HOST:
        text = "you are the host: /q in your terminal closes the table for everyone"
        return [say(seat, Kind.NOTICE, text)]
    return [say(seat, Kind.NOTICE, "you left the table"), *table.leave(seat)]


def _sit_seated(table: AtTheTable, seat: Seat, args: str) -> list[Delivery]:
    return [say(seat, Kind.ERROR, "you have a seat at this table already")]


def _sit_taken(table: AtTheTable, spectator: Spectator, args: str) -> list[Delivery]:
    # a free seat is taken before the table sees the line (the host program moves the
    # connection): here it is taken, or cannot be given now
    guest = table.guest_name
    text = (
        f"{guest} has the seat — /sit takes it once it is free"
        if guest is not None
        else "the seat cannot be given to you now — try /sit again"
    )
    return [say(spectator, Kind.ERROR, text)]


def _stop_watching(table: AtTheTable, spectator: Spectator, args: str) -> list[Delivery]:
    return [say(spectator, Kind.NOTICE, "you stopped watching"), *table.unwatch(spectator)]


COMMANDS: CommandTable[AtTheTable] = CommandTable(
    [
        Command(
            "game",
            _game,
            "start a game",
            usage="NAME",
            takes_args=True,
            flood_limited=True,
            listing=_game_rows,
        ),
        Command(
            "board",
            _board,
            "show the board again (words: say boards in words)",
            usage="[words]",
            takes_args=True,
            watcher=_watched_board,
        ),
        Command(
            "last",
            _last,
            "the last move and whose turn, in words",
            watcher=_last,
            listing=lambda: [("/last, /free", "the last move and whose turn; what is free")],
        ),
        # listed on /last's row: one screen of /help has no row to spare
        Command(
            "free",
            _free,
            "the cells (or letters) still free, in words",
            watcher=_free,
            listing=lambda: (),
        ),
        Command(
            "history",
            _history,
            f"the last N chat lines again ({HISTORY_SHOWN}; at most {HISTORY_KEPT})",
            usage="[N]",
            takes_args=True,
            watcher=_history,
        ),
        Command("resign", _resign, "give up the game in progress", flood_limited=True),
        Command(
            "rematch",
            _rematch,
            "the same game again; the other player moves first",
            flood_limited=True,
        ),
        # the offers: each shows the other player something, so each counts against the budget
        Command(
            "takeback",
            _offer(OfferKind.TAKEBACK),
            "offer to take back your last move and the reply (N: the last N moves)",
            usage="[N]",
            takes_args=True,
            flood_limited=True,
            listing=lambda: [
                ("/takeback, /draw", "offer a takeback or a draw; /abort calls a game off")
            ],
        ),
        Command(
            "draw",
            _offer(OfferKind.DRAW),
            "offer a draw",
            flood_limited=True,
            listing=_on_the_row_above,
        ),
        Command(
            "abort",
            _offer(OfferKind.ABORT),
            "call off a game started by mistake (it counts for nobody)",
            flood_limited=True,
            listing=_on_the_row_above,
        ),
        Command(
            "accept",
            _accept,
            "accept the latest offer to you, or the one named",
            usage="[KIND]",
            takes_args=True,
            flood_limited=True,
            listing=lambda: [("/accept, /decline", "answer an offer to you; /pending lists them")],
        ),
        Command(
            "decline",
            _decline,
            "decline the latest offer to you, or the one named",
            usage="[KIND]",
            takes_args=True,
            flood_limited=True,
            listing=_on_the_row_above,
        ),
        Command("pending", _pending, "the offers open both ways", listing=_on_the_row_above),
        Command(
            "score",
            _score,
            "wins and draws; NAME: you against NAME in every game",
            usage="[NAME]",
            takes_args=True,
            watcher=_score,
            listing=lambda: [
                ("/score, /record", "the score (/score NAME: yours vs NAME); your record")
            ],
        ),
        Command(
            "record",
            _record,
            "print your record of the last game, to copy (/help record)",
            watcher=_record,
            listing=_on_the_row_above,
        ),
        Command(
            "guess",
            _played("guess"),
            'hangman: guess the whole answer (/guess "a phrase")',
            usage="WORD",
            takes_args=True,
            listing=lambda: [
                ("/guess WORD, /move", "a hangman answer; /move plays any text as a move")
            ],
        ),
        Command(
            "move",
            _played("move"),
            "play TEXT as a move even if it would read as chat",
            usage="TEXT",
            takes_args=True,
            listing=_on_the_row_above,
        ),
        Command("who", _who, "who is at the table", watcher=_who),
        Command(
            "sit",
            _sit_seated,
            "a spectator: take the guest seat once it is free",
            watcher=_sit_taken,
        ),
        Command(
            "help",
            _help,
            "this list, or more about NAME",
            usage="[NAME]",
            takes_args=True,
            watcher=_help,
        ),
        Command(
            "q",
            _quit,
            "leave the table (also Ctrl-D or Ctrl-C)",
            aliases=("quit", "exit"),
            watcher=_stop_watching,
        ),
    ]
)


def unknown_command(word: str) -> str:
    """The error for ``/word`` when no command is called ``word``, suggesting a near miss."""
    guess = nearest(word, COMMANDS.words())
    hint = f"did you mean /{guess}? (/help lists the commands)" if guess else ""
    return f"unknown command {quote('/' + word, 24)} — {hint or '/help lists the commands'}"
