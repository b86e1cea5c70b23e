"""One game being played at the table: the engine state and who plays each side.

A :class:`Match` maps engine players (0 moves first, as X) to seats; ``None`` stands for the bot.
It also knows how to let the bot move and how to word the lines about the game (whose turn it is,
the result) — always from what the viewer may see.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from game import gomoku_bot, perfect_bot
from game.commands import GameSpec
from game.delivery import Seat
from game.hangman import HangmanState
from game.hangman_bot import choose_guess
from game.mnk import SYMBOLS, TICTACTOE, MnkState
from game.outcome import Outcome, Termination
from game.state import GameState
from game.words import pick_word

AnyState = MnkState | HangmanState
S = TypeVar("S", bound=GameState[Any])  # a game state, whichever game (keeps its type)
Participant = Seat | None  # None: the bot
NameOf = Callable[[Participant], str]


@dataclass
class Match:
    """A game in progress (or just finished) and its players.

    Attributes:
        spec: what was asked for with ``/game`` (replayed by ``/rematch``).
        state: the engine state.
        seats: who plays engine player 0 and 1; ``None`` is the bot.
    """

    spec: GameSpec
    state: AnyState
    seats: tuple[Participant, Participant]

    @property
    def in_progress(self) -> bool:
        """True until the state has an outcome."""
        return self.state.outcome is None

    def player_of(self, seat: Seat) -> int | None:
        """The engine player ``seat`` plays, or ``None`` if it is not in this game."""
        return self.seats.index(seat) if seat in self.seats else None

    def is_guesser(self, player: int) -> bool:
        """Whether engine ``player`` makes moves at all (a hangman setter does not)."""
        if isinstance(self.state, HangmanState):
            return player in self.state.guessers
        return True

    def bot_to_move(self) -> bool:
        """Whether it is the bot's turn."""
        turn = self.state.turn
        return turn is not None and self.seats[turn] is None

    def render_for(self, seat: Seat) -> str:
        """The board as ``seat`` may see it (a spectator sees what a guesser sees)."""
        return self.state.render(self.player_of(seat))

    def mark(self, player: int) -> str:
        """How a player is labelled: X / O in m,n,k games, nothing in hangman."""
        return f" ({SYMBOLS[player]})" if isinstance(self.state, MnkState) else ""

    def turn_text(self, seat: Seat, name_of: NameOf) -> str:
        """``your move (X)`` / ``waiting for bob (O)`` — for ``seat``; empty when over."""
        turn = self.state.turn
        if turn is None:
            return ""
        verb = "guess" if isinstance(self.state, HangmanState) else "move"
        if self.seats[turn] == seat:
            return f"your {verb}{self.mark(turn)}"
        return f"waiting for {name_of(self.seats[turn])}{self.mark(turn)}"

    def intro_text(self, player: int, name_of: NameOf) -> str:
        """The notice that opens the game for ``player``; a guesser's never holds the secret."""
        state, names = self.state, [name_of(seat) for seat in self.seats]
        if isinstance(state, MnkState):
            return (
                f"new game: {self.spec.title} — {names[0]} (X) against {names[1]} (O); "
                "X moves first"
            )
        if state.setter is None:
            letters = sum(c.isalpha() for c in state.secret)  # as many as the blanks show
            return (
                f"new game: hangman — a {letters}-letter word from the list; "
                f"{names[0]} and {names[1]} take turns guessing, {names[0]} first"
            )
        if player == state.setter:
            return f"new game: hangman — you set the secret; {names[1]} guesses"
        return (
            f"new game: hangman — {names[0]} set the secret; you guess: one letter per line, "
            'or the whole answer with /guess, e.g. /guess "two words" (anything else you type '
            "is chat)"
        )

    def result_text(self, name_of: NameOf, viewer: Seat | None = None) -> str:
        """One line saying who won and why (or that nobody did), for ``viewer``.

        A player of a game someone won reads what it means for them at the end — ``… — you
        win`` or ``… — you lose`` — after the same words everyone reads (``alice wins — 3 in a
        row``); anyone else (``viewer`` ``None`` or not playing) reads just those words. Draws
        and abandoned games read the same for all.
        """
        outcome = self.state.outcome
        assert outcome is not None, "result_text of a game in progress"
        text = f"{self.spec.title}: {describe(outcome, self, name_of)}"
        player = None if viewer is None else self.player_of(viewer)
        if player is not None and outcome.winner is not None:
            text += " — you win" if outcome.winner == player else " — you lose"
        return text


def describe(outcome: Outcome, match: Match, name_of: NameOf) -> str:
    """``alice wins — three in a row`` and the like. Every hangman result names the secret (the
    game is over, so everyone may see it) — also when it ends by resigning or abandonment."""
    names = [name_of(seat) for seat in match.seats]
    why = outcome.termination
    reveal = ""
    if isinstance(match.state, HangmanState):
        reveal = f" — the word was “{match.state.secret}”"
    if why is Termination.ABANDONED:
        return f"abandoned — nobody's loss{reveal}"
    if why is Termination.RESIGNED:
        assert outcome.winner is not None
        return f"{names[1 - outcome.winner]} resigned — {names[outcome.winner]} wins{reveal}"
    if why is Termination.LINE_COMPLETED and isinstance(match.state, MnkState):
        assert outcome.winner is not None
        return f"{names[outcome.winner]} wins — {match.state.rules.k} in a row"
    if why is Termination.BOARD_FULL:
        return "draw — the board is full"
    secret = match.state.secret if isinstance(match.state, HangmanState) else ""
    if why is Termination.WORD_GUESSED:
        assert outcome.winner is not None
        return f"{names[outcome.winner]} wins — guessed “{secret}”"
    if outcome.winner is not None:  # gallows complete with a setter
        return f"{names[outcome.winner]} wins — the gallows is complete; it was “{secret}”"
    return f"nobody wins — the gallows is complete; it was “{secret}”"


def new_state(spec: GameSpec, rng: random.Random, words: Callable[[], Sequence[str]]) -> AnyState:
    """The opening state of the game ``spec`` asks for.

    Args:
        spec: the game.
        rng: picks the hangman word when the table chooses it.
        words: returns the word list; only called when it is needed (it may load a file).
    """
    if spec.rules is not None:
        return MnkState(spec.rules)
    if spec.secret is not None:
        return HangmanState.set_by(spec.secret)
    return HangmanState.duel(pick_word(rng, words()))


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


def bot_move(state: AnyState, rng: random.Random, words: Sequence[str]) -> tuple[AnyState, str]:
    """Let the bot play for the player to move.

    The bot's choice goes through the same parsing as a typed move; should a bot ever pick
    something that does not parse or is not legal, it plays the first legal move instead, so a
    bot's mistake can never raise out of the table.

    Returns:
        The new state and the text of the move the bot made.
    """
    try:
        return play_typed(state, _bot_choice(state, rng, words))
    except ValueError:  # GameError is a ValueError
        return _play_first_legal(state)


def _play_first_legal(state: S) -> tuple[S, str]:
    """Play the first legal move (the fallback should a bot ever choose badly)."""
    move = state.legal_moves()[0]
    return state.play(move), state.move_text(move)


def _bot_choice(state: AnyState, rng: random.Random, words: Sequence[str]) -> str:
    """The text of the move the bot wants to make."""
    if isinstance(state, HangmanState):
        turn = state.turn
        assert turn is not None
        # the bot sees only its own view: it cannot peek at the secret
        return choose_guess(state.view(turn), words)
    bot = perfect_bot if state.rules == TICTACTOE else gomoku_bot
    return state.move_text(bot.choose_move(state, rng))
