"""The /help text: one screen of commands, and the details under ``/help NAME``.

The list fits one screen of an 80-column terminal (at most :data:`HELP_LINES` lines of at most
:data:`HELP_WIDTH` characters, two columns spare for the console's indent); everything longer
is a topic of its own. A topic is looked up by its name or a command's name, with or without
the slash (``/help hangman``, ``/help /resign``).
"""

from __future__ import annotations

import difflib

from game.commands import CommandError
from game.untrusted import quote

HELP_LINES = 20
HELP_WIDTH = 78

HELP = """\
commands — /help NAME says more: /help tictactoe, gomoku, hangman, moves, bot
  /game tictactoe       3×3 tic-tac-toe; other boards: /game tictactoe 4x4 k=3
  /game gomoku          15×15, five in a row
  /game hangman         guess a word from the built-in list, taking turns
  /game hangman SECRET  set the word (or "a phrase"); the other one guesses
  /board                show the board again
  /resign               give up the game in progress
  /rematch              the same game again; the other player moves first
  /score                wins and draws so far
  /guess WORD           hangman: guess the whole answer (/guess "a phrase")
  /move TEXT            play TEXT as a move even if it would read as chat
  /who                  who is at the table
  /help [NAME]          this list, or more about NAME
  /q, /quit, /exit      leave the table (also Ctrl-D or Ctrl-C)
A line like b2 or 5 (one letter in hangman) is a move, /word a command,
anything else chat. Start a line with // to send it as chat whatever it is."""

_TICTACTOE = """\
tictactoe: /game tictactoe is 3×3, three in a row. Any board:
/game tictactoe 4x4 k=3 (columns x rows, sides 3–26, k in a row wins).
The one who types /game moves first, as X; /rematch swaps who starts.
Cells: 1–9 on 3×3 as the empty board shows them (1 top-left, 9 bottom-right),
or column letter + row number, e.g. b2; rows are numbered from 1 at the top.
On the board the last move is in parentheses, (X), and the line that won
in square brackets, [X]."""

_GOMOKU = """\
gomoku: /game gomoku is 15×15, five in a row (/game gomoku 19x19 k=5 for
another board). Cells are column letter + row number: a1 (top-left) … o15
(bottom-right). The one who types /game moves first, as X. The last move is
shown (X), the five that won [X X X X X]."""

_HANGMAN = """\
hangman: /game hangman picks a word from the list and you take turns
guessing; /game hangman SECRET (or "a short phrase") sets the answer
yourself and the other player guesses.
A line of one character is a letter guess. The whole answer is guessed only
with /guess WORD or /guess "a phrase" (the same spaces, hyphens and
apostrophes as the blanks); a wrong one costs a miss. Six misses and the
gallows is complete. In the picture a / stands for a space between words."""

_MOVES = """\
moves: during a game a line shaped like a move is a move — a cell number
(5) or letter + number (b2) in tictactoe and gomoku, one character in
hangman. It is played if it is legal and your turn; otherwise only you are
told why. /move TEXT plays TEXT whatever it looks like; /guess is the same.
A line starting with / is a command, // sends the rest as chat, and anything
else is chat for the other person."""

_BOT = """\
bot: alone at the table, /game plays the bot (perfect at 3×3 tic-tac-toe).
If someone sits down meanwhile, that game carries on — they may watch with
/board — and /game is free for the two of you once it ends."""

TOPICS: dict[str, str] = {
    "tictactoe": _TICTACTOE,
    "tic-tac-toe": _TICTACTOE,
    "ttt": _TICTACTOE,
    "gomoku": _GOMOKU,
    "hangman": _HANGMAN,
    "guess": _HANGMAN,
    "moves": _MOVES,
    "move": _MOVES,
    "chat": _MOVES,
    "bot": _BOT,
}


def _command_lines() -> dict[str, str]:
    """Each command's lines of :data:`HELP`, by command word (``resign`` → its line; ``game``
    → its four)."""
    found: dict[str, list[str]] = {}
    for line in HELP.splitlines()[1:]:
        if not line.startswith("  /"):
            continue
        for word in line.split("  ")[1].split(", "):
            found.setdefault(word.split()[0].lstrip("/"), []).append(line.strip())
    return {word: "\n".join(lines) for word, lines in found.items()}


_COMMAND_LINES = _command_lines()


def help_topic(name: str) -> str | None:
    """The text of ``/help NAME``: a topic, or the line of the command called ``name``.

    Returns:
        The text, or ``None`` when there is no help on ``name``.
    """
    key = name.strip().lstrip("/").lower()
    return TOPICS.get(key) or _COMMAND_LINES.get(key)


def topic_names() -> list[str]:
    """Everything ``/help NAME`` answers, for suggestions."""
    return sorted(set(TOPICS) | set(_COMMAND_LINES))


def nearest(word: str, choices: list[str]) -> str | None:
    """The choice ``word`` was most likely a typo of (``gmae`` → ``game``), or ``None`` when
    none is close: only a near miss is worth suggesting."""
    close = difflib.get_close_matches(word.lower(), choices, n=1, cutoff=0.7)
    return close[0] if close else None


def help_for(args: str) -> str:
    """What ``/help`` followed by ``args`` answers: the command list, or the text on a name.

    Raises:
        CommandError: there is no help on ``args`` (suggesting the nearest name when close).
    """
    if not args.strip():
        return HELP
    text = help_topic(args)
    if text is not None:
        return text
    guess = nearest(args.strip().lstrip("/"), topic_names())
    hint = f"did you mean /help {guess}?" if guess else "try /help tictactoe, gomoku, hangman"
    raise CommandError(f"no help on {quote(args, 24)} — {hint}")
