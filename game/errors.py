"""The exceptions the game engine raises, each carrying a sentence a player can read.

Parsing a typed move happens in two layers, as in python-chess: text that is not a move in the
game's notation at all raises :class:`MoveSyntaxError`; a well-formed move that cannot be played
now raises :class:`IllegalMoveError`. Both are :class:`GameError`, itself a ``ValueError``, so a
caller that only wants "was it usable" catches one class. A move that comes back from
``parse_move`` is guaranteed legal.
"""

from __future__ import annotations


class GameError(ValueError):
    """Base class of every error the engine raises about a player's input.

    ``str(error)`` is the explanation meant for the person who typed the input; it never contains
    anything that person may not already see (in hangman: nothing derived from the secret).
    """


class MoveSyntaxError(GameError):
    """Not a move in this game's notation (e.g. ``zz`` in tic-tac-toe, ``ß`` in hangman)."""


class IllegalMoveError(GameError):
    """A well-formed move that cannot be played now (cell taken or off the board, game over)."""


class CommandError(GameError):
    """A command that cannot be carried out as typed (``/game chess``, ``/resign now``); the
    message says why and what to type."""


class TableFullError(GameError):
    """``Table.sit`` was called while a guest is already seated."""


class SpectatorLimitError(TableFullError):
    """``Table.watch`` was called while as many people watch as the table lets in
    (:data:`game.spectators.SPECTATOR_LIMIT`)."""
