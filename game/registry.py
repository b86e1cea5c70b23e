"""The games a table knows, each described by one module.

A game is one module. It holds (or imports) its engine — a :class:`~game.state.GameState` — and
describes itself with a :class:`Game`: its name and aliases, how ``/game NAME OPTIONS`` reads
the options, and its lines of ``/help``. Reading the options gives a :class:`GameSpec`: the game
as asked for, which knows how to set it up, let the bot play and word it for the people at the
table (marks, whose turn, the opening notice, the result). The table, the match, the
announcements and ``/help`` consult only these two shapes and the state's own API, never a
particular game::

    register(Game("nim", ("pile",), parse=NimSpec.parse, topic="nim: …",
                  help_rows=(("/game nim", "take 1–3 stones; the last one wins"),),
                  restore=NimSpec.restore))

Hidden information stays with the engine: ``state.render(viewer)`` draws what one player may
see (a hangman guesser never gets the secret), and a spec's words never hold more than the
viewer's render does.

The built-in games are registered, in the order of :data:`BUILT_IN`, when the registry is first
consulted, so ``import game.table`` stays cheap (no bot or word list is loaded before a game is
asked for). Each of those modules lists its games in ``GAMES``; importing one does not register
anything, so the order — and ``/help`` — never depends on which module was imported first. A game
from anywhere else (a test's toy game, a plug-in) calls :func:`register`.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, TypeVar

from game.commands import nearest
from game.errors import CommandError
from game.outcome import Outcome
from game.snapshot_values import Fields
from game.state import GameState
from game.untrusted import quote

#: The modules of the games that ship with tablechat, each with a ``GAMES`` tuple: registered in
#: this order on first use. A new built-in game is a module and its name here.
BUILT_IN = ("game.mnk_game", "game.hangman_game")

#: Returns the hangman word list; called only by a game that needs it (it may load a file).
WordSource = Callable[[], Sequence[str]]

StateT = TypeVar("StateT", bound=GameState[Any])


class GameSpec(Protocol[StateT]):
    """One game as asked for with ``/game`` — a game and its options — and how the table words
    it. Each game module defines its own (a frozen dataclass is the natural shape); a secret
    among the options must be kept out of its ``repr``.

    ``names`` are the players' names by engine player index (0 moves first).
    """

    @property
    def title(self) -> str:
        """How the game is named in notices, as it could be typed after ``/game``
        (``tictactoe``, ``gomoku 10x10 k=5``, ``hangman`` — never a secret)."""

    @property
    def move_word(self) -> str:
        """What a turn is called: ``your move (X)`` / ``your guess``. One of
        :data:`game.wants_you.TURN_VERBS`, since the terminal recognises a turn by it."""

    @property
    def moved_word(self) -> str:
        """The past tense for the others: ``bob played b2`` / ``bob guessed e``."""

    def new_state(self, rng: random.Random, words: WordSource) -> StateT:
        """The opening position (``rng`` for any choice the table makes, such as a word)."""

    def rematch_refusal(self) -> str | None:
        """Why ``/rematch`` cannot replay this game (a secret needs a new one), or ``None``."""

    def bot_move(self, state: StateT, rng: random.Random, words: WordSource) -> str:
        """The text of the move the bot makes for the player to move. It may be wrong or raise
        ``ValueError``: the table then plays the first legal move instead."""

    def takeback_refusal(
        self, state: StateT, back_to: StateT, player: int, names: Sequence[str]
    ) -> str | None:
        """Why ``player`` may not take the game back from ``state`` to the earlier position
        ``back_to`` (hangman: a guess that revealed a letter, or the setter asking), or
        ``None``. Only positions the game passed through are asked about."""

    def draw_refusal(self) -> str | None:
        """Why a draw cannot be offered in this game (hangman: it means nothing), or
        ``None``."""

    def mark(self, player: int) -> str:
        """How ``player`` is labelled after a name: ``" (X)"``, or ``""``."""

    def idle_reason(self, state: StateT, player: int, names: Sequence[str]) -> str | None:
        """Why ``player`` makes no moves at all in this game (a hangman setter), or ``None``."""

    def intro_text(self, state: StateT, player: int, names: Sequence[str]) -> str:
        """The notice that opens the game for ``player`` (holding only what they may see)."""

    def result_text(self, state: StateT, outcome: Outcome, names: Sequence[str]) -> str:
        """Who won and why, for everyone (the game is over: nothing is hidden any more).
        :func:`game.outcome.table_ending` words resigning and abandoning alike in every game."""

    def to_snapshot(self, state: StateT) -> dict[str, Any]:
        """This game (``"game"``: its registered name), its options and *state* as JSON
        values, which its :attr:`Game.restore` reads back (a table's snapshot in the host's
        journal)."""


Restore: TypeAlias = Callable[[Fields], tuple[GameSpec[Any], GameState[Any]]]
"""Reads a game's snapshot back into its spec and state (see :attr:`Game.restore`)."""


@dataclass(frozen=True)
class Game:
    """A game as the registry holds it.

    Attributes:
        name: the name typed after ``/game`` (lower case, one word).
        aliases: other names that may be typed (``ttt``, ``tic-tac-toe``).
        parse: reads the options typed after the name (``"4x4 k=3"``, ``""``) into a spec;
            raises :class:`~game.errors.CommandError` with what to type instead.
        help_rows: its lines of the ``/help`` list, ``(usage, what it does)``.
        topic: the text of ``/help NAME`` (at most 20 lines of 78 columns).
        topic_words: more words ``/help`` answers with ``topic`` (hangman: ``guess``).
        secret_options: the options may hold a secret (hangman's word): a line starting the
            game with options is never kept in a history (:mod:`game.line_history`).
        restore: reads back what its specs' ``to_snapshot`` wrote (a
            :class:`~game.snapshot_values.Fields`): the spec and the state; raises
            :class:`~game.snapshot_values.SnapshotError` for anything a game cannot reach.
    """

    name: str
    aliases: tuple[str, ...]
    parse: Callable[[str], GameSpec[Any]]
    help_rows: tuple[tuple[str, str], ...]
    topic: str
    topic_words: tuple[str, ...] = ()
    secret_options: bool = False
    restore: Restore = field(kw_only=True)

    @property
    def names(self) -> tuple[str, ...]:
        """The name and the aliases."""
        return (self.name, *self.aliases)


_games: dict[str, Game] = {}  # by name, in the order registered (built-ins first)
_built_ins_loaded = False


def _registry() -> dict[str, Game]:
    global _built_ins_loaded  # noqa: PLW0603 -- loaded once per process, like codecs' registry
    if not _built_ins_loaded:
        _built_ins_loaded = True  # first: register() below consults the registry too
        for module in BUILT_IN:
            built_in: tuple[Game, ...] = importlib.import_module(module).GAMES
            for game in built_in:
                register(game)
    return _games


def register(game: Game) -> Game:
    """Make ``game`` playable at every table (``/game NAME``) and described by ``/help``.

    Returns:
        ``game``, so a module may keep it: ``NIM = register(Game(...))``.

    Raises:
        ValueError: a name is not one lower-case word, or is already another game's.
    """
    games = _registry()
    for word in game.names:
        if not word or word != word.lower() or len(word.split()) != 1:
            raise ValueError(f"a game's names are lower-case words, not {word!r}")
        if find(word) is not None:
            raise ValueError(f"there is already a game called {word!r}")
    games[game.name] = game
    return game


def unregister(name: str) -> None:
    """Forget the game called ``name`` (a test's toy game, say); unknown names are ignored."""
    _registry().pop(name, None)


def games() -> tuple[Game, ...]:
    """Every registered game, in the order registered (the built-ins first)."""
    return tuple(_registry().values())


def find(word: str) -> Game | None:
    """The game called ``word`` (its name or an alias, any case), or ``None``."""
    word = word.lower()
    return next((g for g in _registry().values() if word in g.names), None)


def _listed(items: Sequence[str]) -> str:
    """``a, b or c`` (``a`` alone, ``a or b``)."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def names_text() -> str:
    """The games' names for a sentence: ``tictactoe, gomoku or hangman``."""
    return _listed([game.name for game in games()])


def parse_game(args: str) -> GameSpec[Any]:
    """Read the arguments of ``/game``: a game's name, then its options.

    Raises:
        CommandError: no or unknown game, or options the game does not accept (the message
            never repeats a secret).
    """
    name_text, _, rest = args.strip().partition(" ")
    if not name_text:
        usage = _listed([f"/game {game.name}" for game in games()])
        raise CommandError(f"which game? {usage}")
    game = find(name_text)
    if game is None:
        typed = name_text.lower()
        # "tic" begins one game's names only (tictactoe, tic-tac-toe): that game
        begun = {game.name for game in games() for word in game.names if word.startswith(typed)}
        words = [word for game in games() for word in game.names]
        guess = begun.pop() if len(begun) == 1 else nearest(name_text, words)
        hint = f"did you mean /game {guess}?" if guess else f"try {names_text()}"
        raise CommandError(f"no game called {quote(name_text, 20)} — {hint}")
    return game.parse(rest)
