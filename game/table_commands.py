"""The table's slash commands: one row each — name, arguments, flood budget, help text and
handler — in the order ``/help`` lists them.

Adding a command is adding a row (and its handler) here: :meth:`Table.handle
<game.table.Table.handle>` finds it by word, refuses arguments it does not take, charges its
flood budget, and ``/help`` and ``/help NAME`` describe it. Games are not commands: ``/game``
lists and starts whatever the registry holds. A row with a ``watcher`` handler also answers
spectators (:mod:`game.spectators`); the others are for the two players only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from game import registry
from game.announce import say, who_text
from game.commands import Command, CommandTable, HelpRow, nearest
from game.delivery import Delivery, Kind, Seat, Spectator
from game.errors import CommandError
from game.match import Participant
from game.spectator_view import board_view
from game.untrusted import quote

if TYPE_CHECKING:
    from game.table import Table


def _game(table: Table, seat: Seat, args: str) -> list[Delivery]:
    opponent: Participant = None  # alone at the table: the bot
    if table.guest_name is not None:
        opponent = Seat.GUEST if seat is Seat.HOST else Seat.HOST
    return table.play.new_game(seat, args, opponent)


def _game_rows() -> list[HelpRow]:
    return [row for game in registry.games() for row in game.help_rows]


def _board(table: Table, seat: Seat, args: str) -> list[Delivery]:
    return table.play.board(seat)


def _resign(table: Table, seat: Seat, args: str) -> list[Delivery]:
    return table.play.resign(seat)


def _rematch(table: Table, seat: Seat, args: str) -> list[Delivery]:
    return table.play.rematch(seat, guest_seated=table.guest_name is not None)


def _watched_board(table: Table, spectator: Spectator, args: str) -> list[Delivery]:
    if table.match is None:
        return [say(spectator, Kind.ERROR, "no game yet — nothing to watch until one starts")]
    return [Delivery(spectator, shown) for shown in board_view(table.match, table.play.name_of)]


def _score(table: Table, who: Seat | Spectator, args: str) -> list[Delivery]:
    return [say(who, Kind.NOTICE, table.play.score.render())]


def _played(word: str) -> Callable[[Table, Seat, str], list[Delivery]]:
    """The handler of ``/move TEXT`` and ``/guess TEXT``: ``TEXT`` is a move, whatever it looks
    like (a whole hangman answer can only be guessed this way)."""

    def handler(table: Table, seat: Seat, args: str) -> list[Delivery]:
        if not args:
            return [say(seat, Kind.ERROR, f"usage: /{word} TEXT, e.g. /move b2 or /guess e")]
        return table.play.move(seat, args)

    return handler


def _who(table: Table, who: Seat | Spectator, args: str) -> list[Delivery]:
    play = table.play
    watching = list(table.gallery)
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


def _help(table: Table, who: Seat | Spectator, args: str) -> list[Delivery]:
    # imported here: game.help builds its list from COMMANDS below
    from game.help import help_for  # noqa: PLC0415

    try:
        return [say(who, Kind.NOTICE, help_for(args))]
    except CommandError as error:
        return [say(who, Kind.ERROR, str(error))]


def _quit(table: Table, seat: Seat, args: str) -> list[Delivery]:
    if seat is Seat.HOST:
        text = "you are the host: /q in your terminal closes the table for everyone"
        return [say(seat, Kind.NOTICE, text)]
    return table.leave(seat)  # unreachable in practice: Table.handle answers the guest's /q


def _stop_watching(table: Table, spectator: Spectator, args: str) -> list[Delivery]:
    return [say(spectator, Kind.NOTICE, "you stopped watching"), *table.unwatch(spectator)]


COMMANDS: CommandTable[Table] = CommandTable(
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
        Command("board", _board, "show the board again", watcher=_watched_board),
        Command("resign", _resign, "give up the game in progress", flood_limited=True),
        Command(
            "rematch",
            _rematch,
            "the same game again; the other player moves first",
            flood_limited=True,
        ),
        Command("score", _score, "wins and draws so far", watcher=_score),
        Command(
            "guess",
            _played("guess"),
            'hangman: guess the whole answer (/guess "a phrase")',
            usage="WORD",
            takes_args=True,
        ),
        Command(
            "move",
            _played("move"),
            "play TEXT as a move even if it would read as chat",
            usage="TEXT",
            takes_args=True,
        ),
        Command("who", _who, "who is at the table", watcher=_who),
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
