"""Slash commands: how a command line is split, the one quit rule, and the shape of a command
table — name, arguments, flood budget, help text and handler for each command.

The table's own commands are listed in :mod:`game.table_commands`; ``/help`` is generated from
that list (:mod:`game.help`). Parsing only here — what a command *does* is its handler's
business. A handler gets the rest of the line and answers with deliveries; every malformed
command is answered with an explanation for the one who typed it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from game.delivery import Delivery, Seat, Spectator
from game.untrusted import classified_text

#: The words that leave the table: ``/q``, ``/quit``, ``/exit`` (any case, see :func:`is_quit`).
QUIT_WORDS = frozenset({"q", "quit", "exit"})

HelpRow = tuple[str, str]  # (usage, what it does): one line of the /help list
T = TypeVar("T")  # what a handler acts on (the table)


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


def nearest(word: str, choices: Sequence[str]) -> str | None:
    """The choice ``word`` was most likely a typo of (``gmae`` → ``game``), or ``None`` when
    none is close: only a near miss is worth suggesting."""
    word = word.lower()
    bare = word.strip("!?.,;:'\"")  # "/q!" as a vim user types it
    if bare in choices:
        return bare
    started = [choice for choice in choices if bare and choice.startswith(bare)]
    if len(started) == 1:  # "tic" for tictactoe: the one it begins
        return started[0]
    import difflib  # noqa: PLC0415 (only a mistyped command needs it; the join imports this module)

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.7)
    return close[0] if close else None


@dataclass(frozen=True)
class Command(Generic[T]):
    """One slash command.

    Attributes:
        name: the word after the slash (lower case).
        handler: ``handler(target, seat, args)`` carries it out for ``seat``; ``args`` is the
            rest of the line, stripped (empty for a command that takes none).
        summary: what it does, for its line of ``/help``.
        usage: its arguments as ``/help`` shows them (``WORD``, ``[NAME]``), or nothing.
        aliases: other words for the same command (``quit``, ``exit``).
        takes_args: whether anything may follow it; if not, ``/resign please`` is refused
            rather than carried out.
        flood_limited: whether it counts against the seat's command budget — the commands
            whose effect the other person sees (a game starts or ends), so a loop of them
            cannot flood the other screen. Commands that answer only the asker are free.
        listing: the ``/help`` rows shown instead of the usage line (``/game``: one per game;
            none: the command is named on another one's row),
            asked for each time, so a game registered later is listed.
        watcher: ``watcher(target, spectator, args)`` carries it out for a spectator; ``None``
            (the default) makes it a players' command, which a spectator is refused with
            "you are watching — only … play". A command a spectator may use answers only them.
    """

    name: str
    handler: Callable[[T, Seat, str], list[Delivery]]
    summary: str
    usage: str = ""
    aliases: tuple[str, ...] = ()
    takes_args: bool = False
    flood_limited: bool = False
    listing: Callable[[], Sequence[HelpRow]] | None = None
    watcher: Callable[[T, Spectator, str], list[Delivery]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases."""
        return (self.name, *self.aliases)

    def help_rows(self) -> Sequence[HelpRow]:
        """Its lines of ``/help``: ``("/q, /quit, /exit", "leave the table …")``."""
        if self.listing is not None:
            return self.listing()
        words = ", ".join(f"/{name}" for name in self.names)
        return ((f"{words} {self.usage}".rstrip(), self.summary),)


class CommandTable(Generic[T]):
    """The commands a table answers, in the order ``/help`` lists them."""

    def __init__(self, commands: Sequence[Command[T]]) -> None:
        """Args:
            commands: in ``/help`` order.

        Raises:
            ValueError: two commands share a word, or a word is not lower case.
        """
        self._commands = tuple(commands)
        self._by_word: dict[str, Command[T]] = {}
        for command in self._commands:
            for word in command.names:
                if word != word.lower() or word in self._by_word:
                    raise ValueError(f"command word {word!r} is not lower case or is taken")
                self._by_word[word] = command

    def __iter__(self) -> Iterator[Command[T]]:
        return iter(self._commands)

    def find(self, word: str) -> Command[T] | None:
        """The command called ``word`` (lower case, without the slash), or ``None``."""
        return self._by_word.get(word)

    def words(self) -> list[str]:
        """Every word that names a command, sorted (for "did you mean")."""
        return sorted(self._by_word)
