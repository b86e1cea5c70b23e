"""Tic-tac-toe and gomoku at the table: their options, bots, words and help (the engine is
:mod:`game.mnk`, one m,n,k engine for both).

``/game tictactoe`` is 3×3, three in a row; ``/game gomoku`` 15×15, five in a row; either takes
a board ``MxN`` (columns x rows) and ``k=K`` (in a row to win). The bot is perfect on 3×3 and
the heuristic on every other board.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from game import gomoku_bot, perfect_bot
from game.errors import CommandError
from game.mnk import GOMOKU, SYMBOLS, TICTACTOE, MnkRules, MnkState
from game.outcome import Outcome, Termination, table_ending
from game.registry import Game, WordSource
from game.snapshot_values import Fields, SnapshotError
from game.untrusted import quote

# ASCII digits only: "４x４" is not a board size (int() would read it).
_SIZE = re.compile(r"([0-9]{1,2})x([0-9]{1,2})", re.IGNORECASE | re.ASCII)
_K = re.compile(r"k=([0-9]{1,2})", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class MnkSpec:
    """An m,n,k game as asked for: ``name`` as typed after ``/game`` (``tictactoe`` or
    ``gomoku``) and the board."""

    name: str
    rules: MnkRules

    @property
    def title(self) -> str:
        """``tictactoe``, ``gomoku``, or with the options when the board is not a standard one:
        ``gomoku 10x10 k=5``."""
        rules = self.rules
        if rules in (TICTACTOE, GOMOKU):
            return rules.name
        return f"{self.name} {rules.m}x{rules.n} k={rules.k}"

    @property
    def move_word(self) -> str:
        """A turn is a move."""
        return "move"

    @property
    def moved_word(self) -> str:
        """``bob played b2``."""
        return "played"

    def new_state(self, rng: random.Random, words: WordSource) -> MnkState:
        """The empty board (nothing is chosen at random)."""
        del rng, words
        return MnkState(self.rules)

    def rematch_refusal(self) -> str | None:
        """Any board can be played again."""
        return None

    def bot_move(self, state: MnkState, rng: random.Random, words: WordSource) -> str:
        """The perfect bot on 3×3, the heuristic on every other board."""
        del words
        bot = perfect_bot if state.rules == TICTACTOE else gomoku_bot
        return state.move_text(bot.choose_move(state, rng))

    def takeback_refusal(
        self, state: MnkState, back_to: MnkState, player: int, names: Sequence[str]
    ) -> str | None:
        """Every stone can be taken back: the board hides nothing."""
        return None

    def draw_refusal(self) -> str | None:
        """A draw may be offered."""
        return None

    def to_snapshot(self, state: MnkState) -> dict[str, Any]:
        """The game, its board and *state* as JSON values (:func:`_restore` reads them back)."""
        rules = self.rules
        return {"game": self.name, "m": rules.m, "n": rules.n, "k": rules.k, **state.to_snapshot()}

    def mark(self, player: int) -> str:
        """`` (X)`` for the first player, `` (O)`` for the second."""
        return f" ({SYMBOLS[player]})"

    def idle_reason(self, state: MnkState, player: int, names: Sequence[str]) -> str | None:
        """Both players move."""
        return None

    def intro_text(self, state: MnkState, player: int, names: Sequence[str]) -> str:
        """The same opening for both players."""
        return f"new game: {self.title} — {names[0]} (X) against {names[1]} (O); X moves first"

    def result_text(self, state: MnkState, outcome: Outcome, names: Sequence[str]) -> str:
        """``alice wins — 3 in a row`` or ``draw — the board is full``."""
        common = table_ending(outcome, names)
        if common is not None:
            return common
        if outcome.termination is Termination.LINE_COMPLETED and outcome.winner is not None:
            return f"{names[outcome.winner]} wins — {self.rules.k} in a row"
        return "draw — the board is full"


def _board(name: str, base: MnkRules, text: str) -> MnkSpec:
    """Read ``MxN`` and ``k=K`` (either, both or none, any order) for the game ``name``."""
    options = text.split()
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
        k = min(k, max(m, n))  # "tictactoe 4x4" keeps three in a row; "gomoku 4x4" needs ≤ 4
    try:
        return MnkSpec(name, MnkRules(m, n, k))
    except ValueError as error:
        raise CommandError(f"{error} — e.g. /game {name} 4x4 k=3") from None


def _restore(name: str, snapshot: Fields) -> tuple[MnkSpec, MnkState]:
    """The game *name* and its position as :meth:`MnkSpec.to_snapshot` wrote them.

    Raises:
        SnapshotError: a board no ``/game`` could ask for, or a position no game reaches.
    """
    sides = {key: snapshot.whole(key, high=99) for key in ("m", "n", "k")}
    try:
        rules = MnkRules(sides["m"], sides["n"], sides["k"])
    except ValueError as exc:
        raise SnapshotError(f"{snapshot.where}: {exc}") from None
    return MnkSpec(name, rules), MnkState.from_snapshot(rules, snapshot)


_TICTACTOE_HELP = """\
tictactoe: /game tictactoe is 3×3, three in a row. Any board:
/game tictactoe 4x4 k=3 (columns x rows, sides 3–26, k in a row wins).
The one who types /game moves first, as X; /rematch swaps who starts.
Cells: 1–9 on 3×3 as the empty board shows them (1 top-left, 9 bottom-right),
or column letter + row number, e.g. b2; rows are numbered from 1 at the top.
On the board the last move is in parentheses, (X), and the line that won
in square brackets, [X]."""

_GOMOKU_HELP = """\
gomoku: /game gomoku is 15×15, five in a row (/game gomoku 19x19 k=5 for
another board). Cells are column letter + row number: a1 (top-left) … o15
(bottom-right). The one who types /game moves first, as X. The last move is
shown (X), the five that won [X X X X X]."""

TICTACTOE_GAME = Game(
    "tictactoe",
    ("tic-tac-toe", "ttt"),
    parse=lambda text: _board("tictactoe", TICTACTOE, text),
    help_rows=(("/game tictactoe", "3×3 tic-tac-toe; other boards: /game tictactoe 4x4 k=3"),),
    topic=_TICTACTOE_HELP,
    restore=lambda snapshot: _restore("tictactoe", snapshot),
)
GOMOKU_GAME = Game(
    "gomoku",
    (),
    parse=lambda text: _board("gomoku", GOMOKU, text),
    help_rows=(("/game gomoku", "15×15, five in a row"),),
    topic=_GOMOKU_HELP,
    restore=lambda snapshot: _restore("gomoku", snapshot),
)

#: Registered by :mod:`game.registry` (see ``BUILT_IN``).
GAMES = (TICTACTOE_GAME, GOMOKU_GAME)
