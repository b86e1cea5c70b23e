"""Spectators at the table: sitting down to watch, getting up, and what their lines do.

The host program decides who watches (issue 11: a newcomer when both seats are taken); the
table names them, keeps to :data:`~game.gallery.SPECTATOR_LIMIT`, and reads their lines:

* chat from a spectator while a game is in progress — the host's bot game included — goes to
  the other spectators only (kibitz), so nobody can coach a player; between games it goes to
  everyone at the table. Either way it is one delivery to :data:`~game.delivery.SPECTATORS`
  with the author as ``except_``, and it counts against the spectator's own flood budget;
* a move, or a command that only a player may use (``/game``, ``/resign``, ``/rematch``,
  ``/move``, ``/guess``), gets "you are watching — only alice and bob play";
* "carol is watching" and "carol stopped watching" go to the other spectators, and to the
  players only between games: a name is chosen by the spectator, so during a game it could
  coach a player. For the same reason a player's ``/who`` during a game counts the spectators
  ("2 watching") without naming them;
* ``/board``, ``/score``, ``/who`` and ``/help`` answer the spectator alone, and ``/q`` stops
  watching. A command row says what it does for a spectator
  (:attr:`game.commands.Command.watcher`); a row without one is for players only.

What spectators are shown of the game itself is :mod:`game.spectator_view`'s. A line is read
exactly as a player's is (:func:`~game.untrusted.classified_text`, ``//`` for chat).

What they are told of the table is not worded by each method that changes it: every public
method of the table ends with :func:`news` — the difference between the table as they last saw
it and as it is now, sent to all of them at once. The methods that change who is seated are
wrapped (:func:`told`, :func:`sits_beside`) rather than edited, so a change to their bodies
cannot forget the spectators.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from game.announce import say
from game.commands import split_command
from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.flood import FloodVerdict
from game.gallery import no_room
from game.spectator_view import Scene, board_view, players_text, welcome_texts
from game.spectator_view import news as news_between
from game.table_commands import COMMANDS, unknown_command
from game.untrusted import classified_text, clean_name, typed_after_slash

if TYPE_CHECKING:
    from game.table import Table

P = ParamSpec("P")


def scene(table: Table) -> Scene:
    """The table as spectators would see it now."""
    match = table.match
    state = None if match is None else match.state
    return Scene(
        table.host_name, table.guest_name, table.guest_connected, table.bot_name, match, state
    )


def news(table: Table) -> list[Delivery]:
    """What the spectators have not been shown yet of ``table`` (seats, game, board), as
    broadcasts; from now on they have seen it. Nothing when nobody watches."""
    gallery = table.gallery
    before = gallery.seen
    gallery.seen = scene(table)
    if not gallery:
        return []
    return [Delivery(SPECTATORS, shown) for shown in news_between(before, gallery.seen)]


def told(
    method: Callable[Concatenate[Table, P], list[Delivery]],
) -> Callable[Concatenate[Table, P], list[Delivery]]:
    """A table method that changes who is seated (drop, resume, leave…): what it returns, then
    the :func:`news` for the spectators (someone dropped or left; a game abandoned)."""

    def with_news(table: Table, /, *args: P.args, **kwargs: P.kwargs) -> list[Delivery]:
        return [*method(table, *args, **kwargs), *news(table)]

    functools.update_wrapper(with_news, method)
    return with_news


def sits_beside(
    method: Callable[[Table, str], tuple[str, list[Delivery]]],
) -> Callable[[Table, str], tuple[str, list[Delivery]]]:
    """:meth:`Table.sit <game.table.Table.sit>`, with the guest's name made distinct from the
    spectators' too, and the spectators told who sat down. A name that would look like a
    spectator's is handed to the seat already renamed (``carol-2``), which its own cleaning
    keeps; any other name is handed over as typed, so the seat names it as it always did."""

    def sit(table: Table, name: str) -> tuple[str, list[Delivery]]:
        players = [table.host_name, table.bot_name]
        distinct = clean_name(name, taken=[*players, *table.gallery.names()])
        if distinct != clean_name(name, taken=players):
            name = distinct
        given, out = method(table, name)
        return given, [*out, *news(table)]

    functools.update_wrapper(sit, method)
    return sit


def watch(table: Table, name: str) -> tuple[Spectator, list[Delivery]]:
    """Seat a spectator (see :meth:`game.table.Table.watch`)."""
    gallery, host, guest = table.gallery, table.host_name, table.guest_name
    refusal = no_room(host, gallery.limit)
    taken = [host, table.bot_name] + ([guest] if guest is not None else [])
    spectator = gallery.add(name, taken=taken, refusal=refusal)
    out = arrival(table, spectator)
    return spectator, out + _notice(table, spectator, f"{spectator.name} is watching")


def arrival(table: Table, spectator: Spectator) -> list[Delivery]:
    """What ``spectator`` is shown on arriving now: their welcome ("the table is full —
    watching alice and bob") and the board as it stands, if there is a game."""
    host, guest = table.host_name, table.guest_name
    out = [say(spectator, Kind.NOTICE, text) for text in welcome_texts(host, guest, spectator.name)]
    if table.match is not None:
        out += [Delivery(spectator, shown) for shown in board_view(table.match, table.play.name_of)]
    return out


def unwatch(table: Table, spectator: Spectator) -> list[Delivery]:
    """Let a spectator go (see :meth:`game.table.Table.unwatch`)."""
    if not table.gallery.remove(spectator):
        return []
    return _notice(table, spectator, f"{spectator.name} stopped watching")


def only_players(table: Table) -> str:
    """The error for a spectator's move or player-only command."""
    return f"you are watching — only {players_text(table.host_name, table.guest_name)}"


def line(table: Table, spectator: Spectator, typed: str, now: float) -> list[Delivery]:
    """Read one line typed by ``spectator`` (see :meth:`game.table.Table.handle`)."""
    typed = typed.rstrip("\r\n")
    text = classified_text(typed).strip()
    if not text:
        return []
    if text.startswith("//"):
        return _chat(table, spectator, typed_after_slash(typed), now)
    if text.startswith("/"):
        return _command(table, spectator, text)
    match = table.match
    if match is not None and match.in_progress and match.state.is_move_attempt(text):
        return [say(spectator, Kind.ERROR, only_players(table))]
    return _chat(table, spectator, typed, now)


def _chat(table: Table, spectator: Spectator, text: str, now: float) -> list[Delivery]:
    text = text.replace("\r", " ").replace("\n", " ")  # a chat line stays one line
    flood = table.gallery.flood(spectator)
    verdict = flood.check(classified_text(text), now)
    if verdict is not FloodVerdict.OK:
        return [say(spectator, Kind.ERROR, flood.message(verdict))]
    shown = Shown(Kind.CHAT, text, spectator.name)
    out = []
    match = table.match
    if match is None or not match.in_progress:
        out += [Delivery(Seat.HOST, shown), Delivery(Seat.GUEST, shown)]
    return [*out, Delivery(SPECTATORS, shown, except_=spectator)]


def _command(table: Table, spectator: Spectator, text: str) -> list[Delivery]:
    word, args = split_command(text)
    command = COMMANDS.find(word)
    if command is None:
        return [say(spectator, Kind.ERROR, unknown_command(word))]
    if args and not command.takes_args:
        return [say(spectator, Kind.ERROR, f"/{word} takes no arguments — type just /{word}")]
    if command.watcher is None:
        return [say(spectator, Kind.ERROR, only_players(table))]
    # what a spectator may do answers them alone (or ends their watching): no flood budget
    return command.watcher(table, spectator, args)


def _notice(table: Table, spectator: Spectator, text: str) -> list[Delivery]:
    """A notice about ``spectator`` coming or going: for the other spectators, and for both
    players too — but only between games. A spectator's name is text they chose (``guess E
    now``), so during a game it would be a way to coach a player; the players' ``/who`` still
    says how many watch."""
    shown = Shown(Kind.NOTICE, text)
    out = [Delivery(SPECTATORS, shown, except_=spectator)]
    match = table.match
    if match is None or not match.in_progress:
        out = [Delivery(Seat.HOST, shown), Delivery(Seat.GUEST, shown), *out]
    return out
