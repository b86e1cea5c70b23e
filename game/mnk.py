"""Tic-tac-toe and its m,n,k relatives (gomoku is 15×15 with 5 in a row).

The state is immutable: :meth:`MnkState.play` returns a new state, so a snapshot for resume or
for a property test is just the object.

Geometry and notation:

* ``m`` columns (letters ``a``, ``b``, … from the left), ``n`` rows numbered from 1 **at the top**,
  so that coordinates agree with cell numbers read in reading order: on 3×3, ``1`` is ``a1``
  (top-left) and ``9`` is ``c3`` (bottom-right). Gomoku therefore has ``a1`` top-left and ``o15``
  bottom-right.
* A move is the cell index ``row * m + col`` (0-based). Boards of at most 9 cells (3×3) also
  accept the cell numbers ``1``–``9`` that the empty board shows; larger boards take coordinates.
* X (player 0) moves first.

Each player's stones are one Python ``int`` used as a bit mask (bit ``row * m + col``), which keeps
states small and hashable and lets the perfect bot use them directly as its memo key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from game.errors import IllegalMoveError, MoveSyntaxError
from game.outcome import (
    Outcome,
    Termination,
    abandonment,
    outcome_from_snapshot,
    outcome_to_snapshot,
    resignation,
)
from game.snapshot_values import Fields, SnapshotError

SYMBOLS = "XO"
_MAX_SIDE = 26  # one letter per column keeps coordinates typeable
_DIRECTIONS = ((0, 1), (1, 0), (1, 1), (1, -1))  # (d_row, d_col): across, down, two diagonals
# What counts as an attempt to type a cell: a bare number or letter+number. Used by the table to
# tell moves from chat, so "b22" on 3×3 is answered "no such cell" rather than sent as chat.
# ASCII only: "５", "٣" or "b٢" are not cells (int() would happily read them).
_MOVE_SHAPE = re.compile(r"\s*(?:([0-9]{1,3})|([A-Za-z])([0-9]{1,3}))\s*", re.ASCII)


@dataclass(frozen=True)
class MnkRules:
    """Board size and line length: ``m`` columns, ``n`` rows, ``k`` in a row wins."""

    m: int = 3
    n: int = 3
    k: int = 3

    def __post_init__(self) -> None:
        if not (3 <= self.m <= _MAX_SIDE and 3 <= self.n <= _MAX_SIDE):
            raise ValueError(f"board sides must be 3–{_MAX_SIDE}, got {self.m}x{self.n}")
        if not 3 <= self.k <= max(self.m, self.n):
            raise ValueError(f"k must be 3–{max(self.m, self.n)} on a {self.m}x{self.n} board")

    @property
    def cells(self) -> int:
        """Number of cells on the board."""
        return self.m * self.n

    @property
    def numbered(self) -> bool:
        """Whether cells may be typed as numbers (boards of at most 9 cells: one digit each)."""
        return self.cells <= 9

    @property
    def name(self) -> str:
        """The game's name as typed after ``/game`` (with options when not a standard board)."""
        if self == TICTACTOE:
            return "tictactoe"
        if self == GOMOKU:
            return "gomoku"
        return f"tictactoe {self.m}x{self.n} k={self.k}"

    def cell_text(self, move: int) -> str:
        """The coordinate of a cell index, e.g. ``b2``; parses back to the same index."""
        row, col = divmod(move, self.m)
        return f"{chr(ord('a') + col)}{row + 1}"


TICTACTOE = MnkRules(3, 3, 3)
GOMOKU = MnkRules(15, 15, 5)


@dataclass(frozen=True, slots=True)
class MnkState:
    """A position of an m,n,k game: the stones of X and O and, once it ended, the outcome.

    ``last`` is the cell of the latest move, for the picture only: two states with the same
    stones and outcome are equal (and hash alike) whatever order the stones came in.
    """

    rules: MnkRules = TICTACTOE
    x: int = 0
    o: int = 0
    outcome: Outcome | None = None
    last: int | None = field(default=None, compare=False)

    # -- whose turn -------------------------------------------------------------------------------
    @property
    def turn(self) -> int | None:
        """The player to move (0 = X, 1 = O), or ``None`` once the game is over."""
        if self.outcome is not None:
            return None
        return 0 if self.x.bit_count() == self.o.bit_count() else 1

    # -- moves ------------------------------------------------------------------------------------
    def legal_moves(self) -> list[int]:
        """The empty cells in index order, or nothing once the game is over."""
        if self.outcome is not None:
            return []
        taken = self.x | self.o
        return [i for i in range(self.rules.cells) if not taken >> i & 1]

    def is_move_attempt(self, text: str, *, by_mover: bool = True) -> bool:
        """Whether ``text`` is shaped like a cell (a number or letter+number), legal or not,
        whoever typed it: ``b2`` out of turn is a move said too early, and is told so."""
        return _MOVE_SHAPE.fullmatch(text) is not None

    def move_text(self, move: int) -> str:
        """The canonical text of a move (its coordinate); ``parse_move`` reads it back."""
        return self.rules.cell_text(move)

    def parse_move(self, text: str) -> int:
        """Read a typed cell and check it can be played now.

        Args:
            text: ``1``–``9`` on 3×3 boards, or a coordinate like ``b2`` / ``H8`` (any case).

        Returns:
            The cell index, guaranteed legal in this state.

        Raises:
            MoveSyntaxError: ``text`` is not a cell in this notation.
            IllegalMoveError: no such cell on this board, the cell is taken, or the game is over.
        """
        rules = self.rules
        shape = _MOVE_SHAPE.fullmatch(text)
        if shape is None:
            raise MoveSyntaxError(f"that is not a cell: {self._how_to_type()}")
        number, letter, digits = shape.groups()
        if number is not None:
            if not rules.numbered:
                raise MoveSyntaxError(f"on this board cells are coordinates: {self._how_to_type()}")
            if not 1 <= int(number) <= rules.cells:
                raise IllegalMoveError(f"no such cell {number}: cells are 1–{rules.cells}")
            move = int(number) - 1
        else:
            col = ord(letter.lower()) - ord("a")
            row = int(digits) - 1
            if not (0 <= col < rules.m and 0 <= row < rules.n):
                raise IllegalMoveError(
                    f"no such cell {letter.lower()}{digits}: {self._how_to_type()}"
                )
            move = row * rules.m + col
        self.check_legal(move)
        return move

    def check_legal(self, move: int) -> None:
        """Raise :class:`IllegalMoveError` unless ``move`` can be played now."""
        if self.outcome is not None:
            raise IllegalMoveError("the game is over")
        if not 0 <= move < self.rules.cells:
            raise IllegalMoveError(f"no such cell: {self._how_to_type()}")
        if (self.x | self.o) >> move & 1:
            raise IllegalMoveError(f"{self.rules.cell_text(move)} is already taken")

    def _how_to_type(self) -> str:
        rules = self.rules
        last_col = chr(ord("a") + rules.m - 1)
        coords = f"columns a–{last_col}, rows 1–{rules.n}, e.g. b2"
        if rules.numbered:
            return f"type a cell number 1–{rules.cells} or a coordinate ({coords})"
        return f"type a coordinate ({coords})"

    def play(self, move: int) -> MnkState:
        """Return the state after the player to move puts a stone on ``move``.

        Raises:
            IllegalMoveError: the move cannot be played now.
        """
        self.check_legal(move)
        bit = 1 << move
        mover = self.turn
        if mover == 0:
            x, o, mine = self.x | bit, self.o, self.x | bit
        else:
            x, o, mine = self.x, self.o | bit, self.o | bit
        outcome: Outcome | None = None
        if completes_line(self.rules, mine, move):
            outcome = Outcome(mover, Termination.LINE_COMPLETED)
        elif (x | o).bit_count() == self.rules.cells:
            outcome = Outcome(None, Termination.BOARD_FULL)
        return MnkState(self.rules, x, o, outcome, move)

    def resign(self, player: int) -> MnkState:
        """Return the state ended by ``player`` resigning: the other player wins."""
        return replace(self, outcome=resignation(self.outcome, player))

    def abandon(self) -> MnkState:
        """Return the state ended as abandoned: nobody wins, nobody loses."""
        return replace(self, outcome=abandonment(self.outcome))

    def end(self, outcome: Outcome) -> MnkState:
        """Return the state ended by the players' agreement (an agreed draw, an abort)."""
        return replace(self, outcome=outcome)

    # -- snapshots ---------------------------------------------------------------------------------
    def to_snapshot(self) -> dict[str, Any]:
        """The stones, the last move and the outcome as JSON values (the rules are the spec's)."""
        return {
            "x": self.x,
            "o": self.o,
            "last": self.last,
            "outcome": outcome_to_snapshot(self.outcome),
        }

    @classmethod
    def from_snapshot(cls, rules: MnkRules, snapshot: Fields) -> MnkState:
        """The position :meth:`to_snapshot` wrote, on a board of *rules*.

        Only a position a game can reach is taken back: stones on the board and never two on a
        cell, X as many as O or one more, the last move a stone of the player who made it, and
        a game in progress has an empty cell left (the bot always finds a move).

        Raises:
            SnapshotError: the position is not one of those.
        """
        board = (1 << rules.cells) - 1
        x = snapshot.whole("x", high=board)
        o = snapshot.whole("o", high=board)
        last = snapshot.optional_whole("last", high=rules.cells - 1)
        outcome = outcome_from_snapshot(snapshot.optional_object("outcome"))
        where = snapshot.where
        if x & o:
            raise SnapshotError(f"{where} has two stones on one cell")
        if x.bit_count() - o.bit_count() not in (0, 1):
            raise SnapshotError(f"{where} has stones no game gives")
        if last is not None:
            by_x = x.bit_count() > o.bit_count()
            if not (x if by_x else o) >> last & 1:
                raise SnapshotError(f"{where}.last is not the last mover's stone")
        if outcome is None and (x | o) == board:
            raise SnapshotError(f"{where} is a full board with the game in progress")
        return cls(rules, x, o, outcome, last)

    # -- reading the board ------------------------------------------------------------------------
    def at(self, move: int) -> int | None:
        """The player whose stone is on cell ``move`` (0 = X, 1 = O), or ``None`` if empty."""
        if self.x >> move & 1:
            return 0
        if self.o >> move & 1:
            return 1
        return None

    def winning_cells(self) -> frozenset[int]:
        """The cells of the line(s) that won the game — every run of ``k`` or more through the
        last move — or nothing when the game was not won by a line."""
        outcome, last = self.outcome, self.last
        if outcome is None or outcome.termination is not Termination.LINE_COMPLETED:
            return frozenset()
        if last is None or outcome.winner is None:
            return frozenset()
        stones = self.o if outcome.winner else self.x
        m, n, k = self.rules.m, self.rules.n, self.rules.k
        row, col = divmod(last, m)
        cells: set[int] = set()
        for dr, dc in _DIRECTIONS:
            run = [last]
            for sign in (1, -1):
                r, c = row + sign * dr, col + sign * dc
                while 0 <= r < n and 0 <= c < m and stones >> (r * m + c) & 1:
                    run.append(r * m + c)
                    r, c = r + sign * dr, c + sign * dc
            if len(run) >= k:
                cells.update(run)
        return frozenset(cells)

    def render(self, viewer: int | None = None) -> str:
        """ASCII picture of the board; the same for every viewer (nothing is hidden here).

        Boards of at most 9 cells show each empty cell's number; larger boards show ``.`` with
        column letters along the top and bottom and row numbers down both sides.

        Marks legible without color (a terminal may color them too): the last move's stone is
        wrapped in parentheses and the stones of a winning line in square brackets, which take
        the place of the blanks around the stone — ``" X "`` becomes ``"(X)"`` on 3×3 and
        ``". X ."`` becomes ``".(X)."`` on larger boards, where horizontally adjacent winning
        stones share one pair of brackets (``"[X X X X X]"``). A winning stone is bracketed
        even when it is also the last move.
        """
        del viewer  # m,n,k games have no hidden information
        won = self.winning_cells()
        marks = dict.fromkeys(won, "[]")
        if self.last is not None and self.last not in won:
            marks[self.last] = "()"
        lines = self._small_lines(marks) if self.rules.numbered else self._large_lines(marks)
        return "\n".join(lines)

    def describe(self, viewer: int | None = None) -> str:
        """The position in words, for a screen reader: each player's stones, then the free
        cells, every cell named once in reading order (``X: a1 b2 · O: b1 · free: c1 a2 …``),
        and the last move when there was one. Nothing is hidden in m,n,k games, so every
        viewer reads the same."""
        del viewer  # m,n,k games have no hidden information
        parts = [f"{SYMBOLS[player]}: {self._cells_of(player) or 'none'}" for player in (0, 1)]
        parts.append(f"free: {self.free_text() or 'none'}")
        last = self.last_text()
        if last is not None:
            parts.append(last)
        return " · ".join(parts)

    def free_text(self) -> str:
        """The empty cells' coordinates in reading order, separated by spaces (empty when the
        board is full)."""
        taken = self.x | self.o
        cells = self.rules.cells
        return " ".join(self.rules.cell_text(i) for i in range(cells) if not taken >> i & 1)

    def last_text(self) -> str | None:
        """The latest move in words (``last move: X b2``), or None before the first."""
        if self.last is None:
            return None
        owner = self.at(self.last)
        symbol = "?" if owner is None else SYMBOLS[owner]
        return f"last move: {symbol} {self.rules.cell_text(self.last)}"

    def _cells_of(self, player: int) -> str:
        stones = self.o if player else self.x
        cells = self.rules.cells
        return " ".join(self.rules.cell_text(i) for i in range(cells) if stones >> i & 1)

    def _symbol(self, move: int, empty: str) -> str:
        owner = self.at(move)
        return empty if owner is None else SYMBOLS[owner]

    def _small_lines(self, marks: dict[int, str]) -> Iterator[str]:
        m, n = self.rules.m, self.rules.n
        yield "   " + "   ".join(chr(ord("a") + c) for c in range(m))
        for r in range(n):
            if r:
                yield "  " + "+".join(["---"] * m)
            cells = []
            for c in range(m):
                cell = r * m + c
                mark = marks.get(cell, "  ")
                cells.append(f"{mark[0]}{self._symbol(cell, str(cell + 1))}{mark[1]}")
            yield f"{r + 1} " + "|".join(cells).rstrip()

    def _large_lines(self, marks: dict[int, str]) -> Iterator[str]:
        m, n = self.rules.m, self.rules.n
        letters = "    " + " ".join(chr(ord("a") + c) for c in range(m))
        yield letters
        for r in range(n):
            # gaps[c] is the blank before column c (gaps[m] the one after the last column):
            # a mark's opening and closing characters replace the gaps around its stone
            gaps = [" "] * (m + 1)
            for c in range(m):
                mark = marks.get(r * m + c)
                if mark is None:
                    continue
                if mark == "[]" and c and marks.get(r * m + c - 1) == "[]":
                    gaps[c] = " "  # inside a run of winning stones: one pair of brackets
                else:
                    gaps[c] = mark[0]
                gaps[c + 1] = mark[1]
            cells = "".join(gaps[c] + self._symbol(r * m + c, ".") for c in range(m)) + gaps[m]
            yield f"{r + 1:>2} {cells} {r + 1}"
        yield letters


def completes_line(rules: MnkRules, stones: int, move: int) -> bool:
    """Whether the stone on ``move`` is part of ``rules.k`` (or more) in a row in ``stones``."""
    m, n, k = rules.m, rules.n, rules.k
    row, col = divmod(move, m)
    for dr, dc in _DIRECTIONS:
        run = 1
        for sign in (1, -1):
            r, c = row + sign * dr, col + sign * dc
            while 0 <= r < n and 0 <= c < m and stones >> (r * m + c) & 1:
                run += 1
                r, c = r + sign * dr, c + sign * dc
        if run >= k:
            return True
    return False
