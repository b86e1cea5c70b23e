"""Which typed lines a program may keep in its history of lines (up-arrow, the history file).

Every line but one that would keep a secret: ``/game hangman SECRET`` sets the word the other
player guesses, and a history file or an up-arrow must never show it to whoever sits at the
keyboard next. The game says which of its options are secret (:attr:`Game.secret_options
<game.registry.Game.secret_options>`), so a new game with a secret needs no word here.
"""

from __future__ import annotations

from game import registry
from game.commands import split_command
from game.untrusted import classified_text


def may_keep(line: str) -> bool:
    """Whether *line* may be kept in a history: not a ``/game`` line with a secret in it.

    Reads the line as the table does (:func:`~game.untrusted.classified_text`), so a secret
    typed behind an invisible character is not kept either.
    """
    text = classified_text(line).strip()
    if not text.startswith("/"):
        return True
    word, args = split_command(text)
    if word != "game" or not args:
        return True
    name, _, options = args.partition(" ")
    game = registry.find(name.lower())
    return not (game is not None and game.secret_options and options.strip())
