"""One game being played at the table: the engine state, the game as asked for, and who plays
each side.

A :class:`Match` maps engine players (0 moves first) to seats; ``None`` stands for the bot. It
words the lines about the game (whose turn it is, the opening, the result) from what the viewer
may see, asking the game's :class:`~game.registry.GameSpec` for everything a game decides: it
knows no game by name.

A match keeps the moves played as a stack of :class:`Ply` (python-chess's ``move_stack`` and
``Board.pop()``): each ply holds the position it was played in, so a takeback is going back to
one of them — the position then is exactly the moves played minus those taken back. The offers
open in the game (:class:`~game.offers.Offers`) belong to it too, and end with it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from game import registry
from game.delivery import Seat
from game.offers import Ended, Offers
from game.registry import GameSpec, WordSource
from game.snapshot_values import Fields, SnapshotError
from game.state import GameState

S = TypeVar("S", bound=GameState[Any])  # a game state, whichever game (keeps its type)
Participant = Seat | None  # None: the bot
NameOf = Callable[[Participant], str]


@dataclass(frozen=True)
class Ply:
    """One move played: by engine ``player``, as ``text`` (its canonical text), in the
    position ``before``."""

    player: int
    text: str
    before: GameState[Any]


@dataclass
class Match:
    """A game in progress (or just finished) and its players.

    Attributes:
        spec: what was asked for with ``/game`` (replayed by ``/rematch``); it words the game.
        state: the engine state (whichever game: the table uses only the common API).
        seats: who plays engine player 0 and 1; ``None`` is the bot.
        history: the moves played, oldest first (those taken back are gone).
        offers: the takebacks, draws and aborts offered in this game.
    """

    spec: GameSpec[Any]
    state: GameState[Any]
    seats: tuple[Participant, Participant]
    history: list[Ply] = field(default_factory=list)
    offers: Offers = field(default_factory=Offers)

    @property
    def in_progress(self) -> bool:
        """True until the state has an outcome."""
        return self.state.outcome is None

    def player_of(self, seat: Seat) -> int | None:
        """The engine player ``seat`` plays, or ``None`` if it is not in this game."""
        return self.seats.index(seat) if seat in self.seats else None

    def names(self, name_of: NameOf) -> list[str]:
        """The players' names, by engine player index."""
        return [name_of(seat) for seat in self.seats]

    def idle_reason(self, player: int, name_of: NameOf) -> str | None:
        """Why engine ``player`` makes no moves at all (a hangman setter), or ``None``."""
        return self.spec.idle_reason(self.state, player, self.names(name_of))

    def play(self, text: str) -> tuple[str, list[Ended]]:
        """Play ``text`` as the move of the player to move.

        Returns:
            The move's canonical text, and the offers the move ended (see
            :meth:`Offers.moved <game.offers.Offers.moved>`).

        Raises:
            GameError: MoveSyntaxError / IllegalMoveError with the explanation for the typer.
        """
        before = self.state
        self.state, move_text = play_typed(before, text)
        return move_text, self._pushed(before, move_text)

    def play_bot(self, rng: random.Random, words: WordSource) -> tuple[str, list[Ended]]:
        """Let the bot make the move of the player to move (see :func:`bot_move`).

        Returns:
            The text of the move the bot made, and the offers it ended.
        """
        before = self.state
        self.state, move_text = bot_move(self, rng, words)
        return move_text, self._pushed(before, move_text)

    def _pushed(self, before: GameState[Any], move_text: str) -> list[Ended]:
        player = before.turn
        assert player is not None, "a move was played in a finished game"
        self.history.append(Ply(player, move_text, before))
        return self.offers.moved(player)

    def take_back(self, plies: int) -> list[Ply]:
        """Go back to the position before the last ``plies`` moves.

        Returns:
            The moves taken back, oldest first.

        Raises:
            ValueError: fewer than ``plies`` moves were played, or ``plies`` is not positive.
        """
        if not 0 < plies <= len(self.history):
            raise ValueError(f"cannot take back {plies} of {len(self.history)} moves")
        taken = self.history[-plies:]
        del self.history[-plies:]
        self.state = taken[0].before
        return taken

    def position_back(self, plies: int) -> GameState[Any]:
        """The position before the last ``plies`` moves (the state now for 0)."""
        return self.state if plies == 0 else self.history[-plies].before

    def last_plies_of(self, player: int) -> int:
        """How many moves back ``player``'s own last move is — their move and the replies
        after it — or 0 when they have not moved."""
        for back, ply in enumerate(reversed(self.history), start=1):
            if ply.player == player:
                return back
        return 0

    def has_begun(self, name_of: NameOf) -> bool:
        """Whether every player who moves in this game has made a move: the point after which
        a game can no longer be called off at once."""
        movers = {p for p in (0, 1) if self.idle_reason(p, name_of) is None}
        return movers <= {ply.player for ply in self.history}

    def bot_to_move(self) -> bool:
        """Whether it is the bot's turn."""
        turn = self.state.turn
        return turn is not None and self.seats[turn] is None

    def render_for(self, seat: Seat) -> str:
        """The board as ``seat`` may see it (a spectator sees what a guesser sees)."""
        return self.state.render(self.player_of(seat))

    def describe_for(self, seat: Seat | None) -> str:
        """The position in words as ``seat`` may see it (``None``: a spectator, who sees what a
        guesser sees)."""
        return self.state.describe(None if seat is None else self.player_of(seat))

    def turn_text(self, seat: Seat, name_of: NameOf) -> str:
        """``your move (X)`` / ``waiting for bob (O)`` — for ``seat``; empty when over."""
        turn = self.state.turn
        if turn is None:
            return ""
        mark = self.spec.mark(turn)
        if self.seats[turn] == seat:
            return f"your {self.spec.move_word}{mark}"
        return f"waiting for {name_of(self.seats[turn])}{mark}"

    def intro_text(self, player: int, name_of: NameOf) -> str:
        """The notice that opens the game for ``player``; a guesser's never holds the secret."""
        return self.spec.intro_text(self.state, player, self.names(name_of))

    def result_text(self, name_of: NameOf, viewer: Seat | None = None) -> str:
        """One line saying who won and why (or that nobody did), for ``viewer``.

        A player of a game someone won reads what it means for them at the end — ``… — you
        win`` or ``… — you lose`` — after the same words everyone reads (``alice wins — 3 in a
        row``); anyone else (``viewer`` ``None`` or not playing) reads just those words. Draws
        and abandoned games read the same for all.
        """
        outcome = self.state.outcome
        assert outcome is not None, "result_text of a game in progress"
        said = self.spec.result_text(self.state, outcome, self.names(name_of))
        text = f"{self.spec.title}: {said}"
        player = None if viewer is None else self.player_of(viewer)
        if player is not None and outcome.winner is not None:
            text += " — you win" if outcome.winner == player else " — you lose"
        return text

    def to_snapshot(self) -> dict[str, Any]:
        """The game, its state, its players, the moves played (each with the position it was
        played in) and the offers, as JSON values (:meth:`from_snapshot`)."""
        spec = self.spec
        return {
            "spec": spec.to_snapshot(self.state),
            "seats": [None if seat is None else seat.name.lower() for seat in self.seats],
            "history": [
                {"player": ply.player, "text": ply.text, "before": spec.to_snapshot(ply.before)}
                for ply in self.history
            ],
            "offers": self.offers.to_dict(),
        }

    @classmethod
    def from_snapshot(cls, snapshot: Fields) -> Match:
        """The match :meth:`to_snapshot` wrote; its game reads its own part back.

        The moves are checked against the positions: each was the mover's turn, is the
        move's own text, and played in its position gives the next one (the last one the
        position now, while the game goes on); an open offer is one the game can still take.

        Raises:
            SnapshotError: no such game is registered, or a value is out of bounds or does
                not follow from the others.
        """
        spec = snapshot.object("spec")
        game = _game(spec)
        restored_spec, state = game.restore(spec)
        players = snapshot.items("seats", limit=2)
        if len(players) != 2 or any(not _is_seat(seat) for seat in players):
            raise SnapshotError(f"{snapshot.where}.seats must be two of host, guest and null")
        seats = (_SEATS[players[0]], _SEATS[players[1]])
        if seats[0] is not None and seats[0] == seats[1]:
            raise SnapshotError(f"{snapshot.where}.seats names one seat twice")
        history = _history(snapshot, game, restored_spec, state)
        try:
            offers = Offers.from_dict(snapshot.raw("offers"))
        except ValueError as exc:
            raise SnapshotError(f"{snapshot.where}.{exc}") from None
        if offers.open and state.outcome is not None:
            raise SnapshotError(f"{snapshot.where}.offers holds an offer in a finished game")
        if any(offer.plies > len(history) for offer in offers.open):
            raise SnapshotError(f"{snapshot.where}.offers takes back moves never played")
        return cls(restored_spec, state, seats, history, offers)


#: The most moves a restored match takes back: more than the largest board has cells.
_MAX_PLIES = 1 << 12


def _game(spec: Fields) -> registry.Game:
    name = spec.text("game", limit=40)
    game = registry.find(name)
    if game is None or game.name != name:
        raise SnapshotError(f"{spec.where}.game is no game this table knows")
    return game


def _history(
    snapshot: Fields, game: registry.Game, spec: GameSpec[Any], state: GameState[Any]
) -> list[Ply]:
    """The moves a match's snapshot holds, each checked against its position and the next."""
    where = f"{snapshot.where}.history"
    plies: list[Ply] = []
    for item in snapshot.items("history", limit=_MAX_PLIES):
        part = Fields(item, where)
        player = part.whole("player", high=1)
        text = part.text("text")
        position = part.object("before")
        if _game(position) is not game:
            raise SnapshotError(f"{where} holds a move of another game")
        before_spec, before = game.restore(position)
        if before_spec != spec or before.turn != player:
            raise SnapshotError(f"{where} holds a move of another game or out of turn")
        plies.append(Ply(player, text, before))
    afters = [ply.before for ply in plies[1:]]
    if state.outcome is None:
        afters.append(state)
    for ply, after in zip(plies, afters, strict=False):
        try:
            played, canonical = play_typed(ply.before, ply.text)
        except ValueError:  # GameError is a ValueError
            raise SnapshotError(f"{where} holds a move its position does not allow") from None
        if canonical != ply.text or played != after:
            raise SnapshotError(f"{where} holds a move that does not lead to the next position")
    return plies


_SEATS: dict[str | None, Participant] = {"host": Seat.HOST, "guest": Seat.GUEST, None: None}


def _is_seat(value: object) -> bool:
    return (value is None or isinstance(value, str)) and value in _SEATS


def play_typed(state: S, text: str) -> tuple[S, str]:
    """Parse ``text`` as a move of the player to move and play it (any game: only the
    :class:`~game.state.GameState` protocol is used).

    Returns:
        The new state and the move's canonical text.

    Raises:
        GameError: MoveSyntaxError / IllegalMoveError with the explanation for the typer.
    """
    move = state.parse_move(text)
    return state.play(move), state.move_text(move)


def bot_move(match: Match, rng: random.Random, words: WordSource) -> tuple[GameState[Any], str]:
    """Let the bot play for the player to move in ``match``.

    The bot's choice goes through the same parsing as a typed move; should a bot ever pick
    something that does not parse or is not legal, it plays the first legal move instead, so a
    bot's mistake can never raise out of the table.

    Returns:
        The new state and the text of the move the bot made.
    """
    state = match.state
    try:
        return play_typed(state, match.spec.bot_move(state, rng, words))
    except ValueError:  # GameError is a ValueError
        return _play_first_legal(state)


def _play_first_legal(state: S) -> tuple[S, str]:
    """Play the first legal move (the fallback should a bot ever choose badly)."""
    move = state.legal_moves()[0]
    return state.play(move), state.move_text(move)
