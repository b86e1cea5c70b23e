"""What Tab offers for the word before the cursor: commands, their arguments, names.

Everything comes from the table's own lists — the commands from
:data:`game.table_commands.COMMANDS`, the games and their options from :mod:`game.registry`
(the options a game's own ``/help`` rows show, such as ``4x4 k=3``), the topics from
:func:`game.help.topic_names` — so a new command or game is completed without a word here.
The names at the table are the caller's: a join knows only those it has seen.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from game import registry
from game.help import topic_names
from game.table_commands import COMMANDS

_OPTION = re.compile(r"[a-z0-9=]+")  # a literal option; SECRET and the like are placeholders


def completions(before: str, names: Iterable[str] = ()) -> list[str]:
    """The words that could stand for the last word of *before*, sorted.

    Args:
        before: the line up to the cursor (``"/game go"``).
        names: the names of the people at the table, for completing chat.

    Returns:
        Whole words (``["gomoku"]``), each starting with what was typed; none when nothing
        fits or nothing is being completed.
    """
    words = before.split(" ")
    typed = words[-1]
    first = words[0].lower()
    if len(words) == 1 and typed.startswith("/"):
        offered = [f"/{word}" for word in COMMANDS.words()]
    elif first == "/game" and len(words) == 2:
        offered = [name for game in registry.games() for name in game.names]
    elif first == "/game":
        offered = _options(words[1].lower())
    elif first == "/help" and len(words) == 2:
        offered = topic_names()
    elif first.startswith("/"):
        offered = []
    else:
        offered = list(names)
    if not typed and not first.startswith("/"):
        return []  # chat: Tab after a space offers nobody's name
    lowered = typed.lower()
    return sorted({word for word in offered if word.lower().startswith(lowered)})


def _options(name: str) -> list[str]:
    """The options the game called *name* shows in its ``/help`` rows."""
    game = registry.find(name)
    if game is None:
        return []
    found: list[str] = []
    for row in game.help_rows:
        for text in row:
            for shown in (f"/game {word} " for word in game.names):
                _, at, rest = text.partition(shown)
                if at:
                    found += [w for w in rest.split() if _OPTION.fullmatch(w)]
    return found
