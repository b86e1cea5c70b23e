"""Reading slash commands: the command word, and the options of ``/game`` (the /help text is in
:mod:`game.help`).

Parsing only — what a command *does* is the table's business. Every malformed command raises
:class:`CommandError` with the explanation for the one who typed it; user text repeated in it is
passed through :func:`game.untrusted.quote`. A hangman secret is never repeated in any message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from game.errors import GameError, MoveSyntaxError
from game.hangman import check_secret
from game.mnk import GOMOKU, TICTACTOE, MnkRules
from game.untrusted import classified_text, quote

#: The words that leave the table: ``/q``, ``/quit``, ``/exit`` (any case, see :func:`is_quit`).
QUIT_WORDS = frozenset({"q", "quit", "exit"})
NO_ARGUMENTS = frozenset({"board", "resign", "rematch", "score", "who"}) | QUIT_WORDS
#: Every command word the table knows (an unknown one is answered with the nearest of these).
COMMAND_WORDS = NO_ARGUMENTS | {"game", "help", "guess", "move"}
# Commands the other person sees the effect of (a game starts or ends): flood-limited like chat.
FLOOD_LIMITED = frozenset({"game", "rematch", "resign"})
_GAME_NAMES = {
    "tictactoe": "tictactoe",
    "tic-tac-toe": "tictactoe",
    "ttt": "tictactoe",
    "gomoku": "gomoku",
    "hangman": "hangman",
}
# ASCII digits only: "４x４" is not a board size (int() would read it).
_SIZE = re.compile(r"([0-9]{1,2})x([0-9]{1,2})", re.IGNORECASE | re.ASCII)
_K = re.compile(r"k=([0-9]{1,2})", re.IGNORECASE | re.ASCII)


class CommandError(GameError):
    """A command that cannot be carried out as typed; the message says why and what to type."""


@dataclass(frozen=True)
class GameSpec:
    """A game as asked for by ``/game``.

    Attributes:
        name: ``tictactoe``, ``gomoku`` or ``hangman``.
        rules: board geometry for the m,n,k games, else ``None``.
        secret: the hangman secret set by the player, or ``None`` (table picks a word). Kept out
            of ``repr`` so it cannot end up in a log or message by accident.
    """

    name: str
    rules: MnkRules | None = None
    secret: str | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        """How the game is named in notices (never mentions the secret): as it could be typed
        after ``/game`` — ``tictactoe``, ``gomoku``, ``gomoku 10x10 k=5``, ``hangman``."""
        rules = self.rules
        if rules is None:
            return "hangman"
        if rules in (TICTACTOE, GOMOKU):
            return rules.name
        return f"{self.name} {rules.m}x{rules.n} k={rules.k}"


def split_command(line: str) -> tuple[str, str]:
    """``"/Game  hangman x"`` → ``("game", "hangman x")``: the lower-case word and the rest."""
    word, _, rest = line[1:].strip().partition(" ")
    return word.lower(), rest.strip()


def is_quit(line: str) -> bool:
    """Whether *line* is the command to leave the table: ``/q``, ``/quit`` or ``/exit``.

    The one quit rule, used by the table and by both programs (which act on it themselves, so
    that leaving works even when the other side has stopped answering). It reads the line as the
    table does — any case, spaces around the word (``/Q``, ``/ quit``) — so the programs and the
    table can never disagree about whether someone left. ``/q now`` is not leaving: the table
    answers that /q takes no arguments. Like the table, it reads
    :func:`~game.untrusted.classified_text`: ``"\u200b/q"`` leaves too.
    """
    text = classified_text(line).strip()
    if not text.startswith("/") or text.startswith("//"):
        return False
    word, args = split_command(text)
    return word in QUIT_WORDS and not args


def parse_game(args: str) -> GameSpec:
    """Read the arguments of ``/game``.

    Raises:
        CommandError: unknown game, bad board option, or a malformed secret (the message never
            repeats the secret).
    """
    name_text, _, rest = args.strip().partition(" ")
    if not name_text:
        raise CommandError("which game? /game tictactoe, /game gomoku or /game hangman")
    name = _GAME_NAMES.get(name_text.lower())
    if name is None:
        raise CommandError(
            f"no game called {quote(name_text, 20)} — try tictactoe, gomoku or hangman"
        )
    if name == "hangman":
        return GameSpec("hangman", None, _parse_secret(rest))
    return GameSpec(name, _parse_board(name, rest.split()))


def _parse_secret(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if text[0] in '"“':
        closing = "”" if text[0] == "“" else '"'
        if len(text) < 2 or text[-1] not in (closing, '"'):
            raise CommandError('the phrase needs a closing quote: /game hangman "a short phrase"')
        text = text[1:-1]
    try:
        return check_secret(text)
    except MoveSyntaxError as error:
        raise CommandError(str(error)) from None


def _parse_board(name: str, options: list[str]) -> MnkRules:
    base = GOMOKU if name == "gomoku" else TICTACTOE
    m, n, k = base.m, base.n, base.k
    size_given = False
    for option in options:
        if size := _SIZE.fullmatch(option):
            m, n = int(size[1]), int(size[2])
            size_given = True
        elif k_option := _K.fullmatch(option):
            k = int(k_option[1])
        else:
            raise CommandError(
                f"unknown option {quote(option, 20)} for {name} — e.g. /game {name} 4x4 k=3"
            )
    if size_given and not any(_K.fullmatch(o) for o in options):
        k = min(k, max(m, n))
    try:
        return MnkRules(m, n, k)
    except ValueError as error:
        raise CommandError(f"{error} — e.g. /game {name} 4x4 k=3") from None
