"""The /help text: one screen of commands, and the details under ``/help NAME``.

Generated from the command table (:data:`game.table_commands.COMMANDS`) and the game registry,
so a new command or game is listed, and answers ``/help NAME``, without an edit here. The list
fits one screen of an 80-column terminal (at most :data:`HELP_LINES` lines of at most
:data:`HELP_WIDTH` characters, two columns spare for the console's indent); everything longer is
a topic of its own. A topic is looked up by its name or a command's name, with or without the
slash (``/help hangman``, ``/help /resign``).
"""

from __future__ import annotations

from game import registry
from game.commands import HelpRow, nearest
from game.errors import CommandError
from game.offers import REPEAT_AFTER, OfferKind
from game.spectators import SPECTATOR_LIMIT
from game.table_commands import COMMANDS
from game.untrusted import quote

HELP_LINES = 20
HELP_WIDTH = 78

_FOOTER = "b2 or 5 (one letter in hangman) is a move; //anything is chat, whatever it is."

_MOVES = """\
moves: during a game a line shaped like a move is a move — a cell number
(5) or letter + number (b2) in tictactoe and gomoku, one character in
hangman. It is played if it is legal and your turn; otherwise only you are
told why. /move TEXT plays TEXT whatever it looks like; /guess is the same.
A line starting with / is a command, // sends the rest as chat, and anything
else is chat for the other person."""

_BOT = """\
bot: alone at the table, /game plays the bot (perfect at 3×3 tic-tac-toe).
If someone sits down meanwhile, that game carries on — they watch it move by
move — and /game is free for the two of you once it ends."""

_WATCH = f"""\
watch: when both seats are taken, newcomers may watch ({SPECTATOR_LIMIT} at most).
Spectators see every board and result and the players' chat, and are told
who comes and goes; a hangman word stays hidden until the game ends.
While a game is on, a spectator's lines go to the other spectators only,
so nobody can coach a player; between games they reach everyone.
Spectators may use /board, /last, /free, /history, /score, /record, /who,
/help and /q, and /sit takes the seat once it is free; only the two players
move or start, resign and rematch games. /who lists who watches; during a
game the players are told only how many (a name could be a hint) and not who
comes or goes."""

_RECORDS = """\
records: every game that ends is kept — won, drawn, resigned, abandoned, or
unfinished when a program closes — with its moves and chat in order. The
host keeps its copy and python -m cli.join its own, in the state directory:
~/.local/state/tablechat/records (or $XDG_STATE_HOME/tablechat/records).
python -m cli.replay lists them; python -m cli.replay 1 plays the newest
back, a key a step (n next, b back, f first, l last, q quit); --all prints
it whole, --sgf exports tictactoe and gomoku as SGF. /record prints your
copy of the last game; on nc or telnet, copy it into a file and
python -m cli.replay FILE plays it. /score NAME: you against NAME in every
game kept."""

_OFFERS = f"""\
offers: /takeback offers to take back your last move and the reply to it
(/takeback N: the last N moves); /draw offers a draw; /abort calls off a
game started by mistake — at once before both players have moved (it counts
for nobody), as an offer after that. Against the bot a takeback is at once.
The other player answers /accept or /decline (the latest offer to them, or
name it: /accept draw); /pending lists the offers open both ways. Everyone
at the table, spectators too, reads each offer and its answer.
Making a move declines an offer to you; an offer lapses when its maker
moves or the game ends. One open offer of each kind each; offering what you
are offered accepts it; a declined offer cannot be made again for the next
{REPEAT_AFTER} moves, and offers count against flood control like /resign.
Hangman: a takeback that would hide a letter already revealed is refused,
and so is the setter's (the setter makes no guesses); a draw means nothing
in hangman and is refused."""

#: The topics that are about the table rather than one game or command.
_TABLE_TOPICS = {
    "moves": _MOVES,
    "move": _MOVES,
    "chat": _MOVES,
    "bot": _BOT,
    "watch": _WATCH,
    "spectators": _WATCH,
    "kibitz": _WATCH,
    "records": _RECORDS,
    "record": _RECORDS,
    "replay": _RECORDS,
    **dict.fromkeys(("offers", "offer", *(str(kind) for kind in OfferKind)), _OFFERS),
    **dict.fromkeys(("accept", "decline", "pending"), _OFFERS),
}


def _rows(rows: list[HelpRow]) -> list[str]:
    width = max(len(usage) for usage, _ in rows)
    return [f"  {usage.ljust(width)}  {summary}" for usage, summary in rows]


def _listed_topics() -> list[str]:
    """The topics ``/help`` names in its first line (and a name it has no help on suggests)."""
    return [game.name for game in registry.games()] + ["moves", "bot", "watch"]


def help_list(*, spectator: bool = False) -> str:
    """The text of ``/help``: every command (each game under ``/game``) on one screen — for a
    *spectator*, only the commands a spectator may use."""
    header = f"commands — /help NAME for more: {', '.join(_listed_topics())}"
    commands = [c for c in COMMANDS if not spectator or c.watcher is not None]
    rows = [row for command in commands for row in command.help_rows()]
    if spectator:
        header = "you are watching — these are yours; /help NAME for more: watch, moves"
        return "\n".join([header, *_rows(rows)])
    return "\n".join([header, *_rows(rows), _FOOTER])


def topics() -> dict[str, str]:
    """Every topic ``/help NAME`` answers with a text of its own, by name: each game (under
    its names), and the table's topics."""
    found: dict[str, str] = {}
    for game in registry.games():
        for word in (*game.names, *game.topic_words):
            found[word] = game.topic
    return found | _TABLE_TOPICS


def _command_lines() -> dict[str, str]:
    """Each command's lines of the ``/help`` list, by command word (``resign`` → its line;
    ``game`` → one line per game), aligned as in the list."""
    commands = [(command, command.help_rows()) for command in COMMANDS]
    texts = iter(_rows([row for _, rows in commands for row in rows]))
    found: dict[str, str] = {}
    for command, rows in commands:
        text = "\n".join(next(texts).strip() for _ in rows)
        if not rows:  # listed on another command's row: its own words here
            text = f"/{command.name}  {command.summary}"
        found.update(dict.fromkeys(command.names, text))
    return found


def help_topic(name: str) -> str | None:
    """The text of ``/help NAME``: a topic, or the line of the command called ``name``.

    Returns:
        The text, or ``None`` when there is no help on ``name``.
    """
    key = name.strip().lstrip("/").lower()
    return topics().get(key) or _command_lines().get(key)


def topic_names() -> list[str]:
    """Everything ``/help NAME`` answers, for suggestions."""
    return sorted(set(topics()) | set(_command_lines()))


def help_for(args: str, *, spectator: bool = False) -> str:
    """What ``/help`` followed by ``args`` answers: the command list (a *spectator*'s own), or
    the text on a name.

    Raises:
        CommandError: there is no help on ``args`` (suggesting the nearest name when close).
    """
    if not args.strip():
        return help_list(spectator=spectator)
    text = help_topic(args)
    if text is not None:
        return text
    guess = nearest(args.strip().lstrip("/"), topic_names())
    hint = f"did you mean /help {guess}?" if guess else "try /help " + ", ".join(_listed_topics())
    raise CommandError(f"no help on {quote(args, 24)} — {hint}")


#: The ``/help`` list and topics of the games that ship with tablechat, as at import.
HELP = help_list()
TOPICS = topics()
