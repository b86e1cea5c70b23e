"""Hangman at the table: the secret as an option, the guessing bot, the words and the help (the
engine is :mod:`game.hangman`).

``/game hangman`` picks a word from the table's list and both players take turns guessing;
``/game hangman SECRET`` (or ``"a short phrase"``) makes the one who typed it the setter and the
other the only guesser. The secret never leaves this spec except into the engine: it is kept out
of ``repr``, out of every error message, and out of every text but the setter's and the result.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from game.errors import CommandError, MoveSyntaxError
from game.hangman import HangmanState, check_secret
from game.hangman_bot import choose_guess
from game.outcome import Outcome, Termination, table_ending
from game.registry import Game, WordSource
from game.snapshot_values import Fields, SnapshotError
from game.words import pick_word


@dataclass(frozen=True)
class HangmanSpec:
    """Hangman as asked for: ``secret`` set by the player who typed ``/game``, or ``None`` for
    a word the table picks. Kept out of ``repr`` so it cannot end up in a log by accident."""

    secret: str | None = field(default=None, repr=False)

    @classmethod
    def parse(cls, text: str) -> HangmanSpec:
        """Read the secret typed after ``/game hangman`` (nothing: the table picks a word).

        Raises:
            CommandError: a quote left open or a secret that cannot be played (never repeating
                it).
        """
        text = text.strip()
        if not text:
            return cls(None)
        if text[0] in '"“':
            closing = "”" if text[0] == "“" else '"'
            if len(text) < 2 or text[-1] not in (closing, '"'):
                raise CommandError(
                    'the phrase needs a closing quote: /game hangman "a short phrase"'
                )
            text = text[1:-1]
        try:
            return cls(check_secret(text))
        except MoveSyntaxError as error:
            raise CommandError(str(error)) from None

    @property
    def title(self) -> str:
        """Always ``hangman``: the title never hints at the secret."""
        return "hangman"

    @property
    def move_word(self) -> str:
        """A turn is a guess."""
        return "guess"

    @property
    def moved_word(self) -> str:
        """``bob guessed e``."""
        return "guessed"

    def new_state(self, rng: random.Random, words: WordSource) -> HangmanState:
        """The setter's secret, or a word from ``words`` chosen with ``rng``."""
        if self.secret is not None:
            return HangmanState.set_by(self.secret)
        return HangmanState.duel(pick_word(rng, words()))

    def hidden(self, state: HangmanState) -> str | None:
        """The secret: what a game's record holds only for those who may see it."""
        return state.secret

    def sees_hidden(self, state: HangmanState, player: int) -> bool:
        """Only the setter sees the secret from the start."""
        return state.setter == player

    def dealt(self, hidden: str, seen_by: int | None) -> HangmanState:
        """The opening again, for a replay: set by player 0 (*seen_by* 0), or a duel.

        Raises:
            MoveSyntaxError: *hidden* cannot be a secret (a ValueError).
        """
        return HangmanState.set_by(hidden) if seen_by == 0 else HangmanState.duel(hidden)

    def rematch_refusal(self) -> str | None:
        """A set secret is not played twice."""
        if self.secret is None:
            return None
        return "hangman with a secret needs a new one: whoever sets it types /game hangman SECRET"

    def bot_move(self, state: HangmanState, rng: random.Random, words: WordSource) -> str:
        """The guessing bot's letter or word."""
        turn = state.turn
        if turn is None:
            raise ValueError("the game is over")
        # the bot sees only its own view: it cannot peek at the secret
        return choose_guess(state.view(turn), words())

    def takeback_refusal(
        self, state: HangmanState, back_to: HangmanState, player: int, names: Sequence[str]
    ) -> str | None:
        """The setter has no guesses to take back, and a letter once revealed stays revealed:
        everyone has seen it, so taking its guess back would replay a guess made knowing it."""
        if player not in state.guessers:
            return f"you set the secret — only {names[1 - player]}'s guesses could be taken back"
        revealed = [
            letter
            for letter in state.guessed
            if letter in state.secret and letter not in back_to.guessed
        ]
        if revealed:
            shown = ", ".join(revealed)
            return (
                f"that takeback would hide {shown}, already revealed to everyone — "
                "only guesses that missed can be taken back"
            )
        return None

    def draw_refusal(self) -> str | None:
        """Nobody can be ahead in hangman, so a draw means nothing."""
        return (
            "a draw means nothing in hangman — the word is found or the gallows completes; "
            "/resign gives up"
        )

    def to_snapshot(self, state: HangmanState) -> dict[str, Any]:
        """The game and *state* as JSON values (:func:`_restore` reads them back); the spec's
        secret is the state's, so it is written once."""
        return {"game": "hangman", "set": self.secret is not None, **state.to_snapshot()}

    def mark(self, player: int) -> str:
        """Guessers carry no mark."""
        return ""

    def idle_reason(self, state: HangmanState, player: int, names: Sequence[str]) -> str | None:
        """The setter does not guess."""
        if player in state.guessers:
            return None
        return (
            f"you set the secret — only {names[1 - player]} guesses "
            "(start a line with // to send it as chat)"
        )

    def intro_text(self, state: HangmanState, player: int, names: Sequence[str]) -> str:
        """Tells the setter they set it; a guesser's opening never holds the secret."""
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

    def result_text(self, state: HangmanState, outcome: Outcome, names: Sequence[str]) -> str:
        """Every result names the secret (the game is over, so everyone may see it) — also
        when it ends by resigning or abandonment."""
        secret = state.secret
        common = table_ending(outcome, names)
        if common is not None:
            return f"{common} — the word was “{secret}”"
        if outcome.termination is Termination.WORD_GUESSED and outcome.winner is not None:
            return f"{names[outcome.winner]} wins — guessed “{secret}”"
        if outcome.winner is not None:  # gallows complete with a setter
            return f"{names[outcome.winner]} wins — the gallows is complete; it was “{secret}”"
        return f"nobody wins — the gallows is complete; it was “{secret}”"


def _restore(snapshot: Fields) -> tuple[HangmanSpec, HangmanState]:
    """Hangman and its position as :meth:`HangmanSpec.to_snapshot` wrote them.

    Raises:
        SnapshotError: a position no game reaches.
    """
    state = HangmanState.from_snapshot(snapshot)
    set_by_player = snapshot.flag("set")
    if set_by_player != (state.setter == 0):
        raise SnapshotError(
            f"{snapshot.where}: a set secret is the setter's, a picked one nobody's"
        )
    return HangmanSpec(state.secret if set_by_player else None), state


_HANGMAN_HELP = """\
hangman: /game hangman picks a word from the list and you take turns
guessing; /game hangman SECRET (or "a short phrase") sets the answer
yourself and the other player guesses.
A line of one character typed in your turn is a letter guess; at any other
time (and from the setter) it is chat, and //y sends it as chat in your turn.
The whole answer is guessed only with /guess WORD or /guess "a phrase" (the
same spaces, hyphens and apostrophes as the blanks); a wrong one costs a
miss. Six misses and the gallows is complete. A / in the picture is a space."""

HANGMAN_GAME = Game(
    "hangman",
    (),
    parse=HangmanSpec.parse,
    help_rows=(
        ("/game hangman", "guess a word from the built-in list, taking turns"),
        ("/game hangman SECRET", 'set the word (or "a phrase"); the other one guesses'),
    ),
    topic=_HANGMAN_HELP,
    topic_words=("guess",),
    secret_options=True,
    restore=_restore,
)

#: Registered by :mod:`game.registry` (see ``BUILT_IN``).
GAMES = (HANGMAN_GAME,)
