"""Hangman: a secret word or short phrase, single-letter and whole-word guesses, six misses.

Typed plainly, only a single character is a guess (:meth:`HangmanState.is_move_attempt`); the
whole answer is guessed with ``/guess WORD`` or ``/guess "a phrase"``, whose text the table passes
to :meth:`HangmanState.parse_move`. So chatting "hello" during a five-letter game is just chat.

Two ways to play, one engine:

* **duel** (``/game hangman``): the table picks the word; players 0 and 1 take turns guessing;
  whoever completes the word wins; if the gallows completes, nobody wins.
* **set** (``/game hangman SECRET``): player 0 sets the secret and player 1 guesses alone; the
  guesser wins by completing the word, the setter wins when the gallows completes.

Hidden information is a per-viewer :class:`HangmanView`. Everything a viewer is shown — the
picture, the error messages of ``parse_move`` (they only mention the visible pattern), the view
itself — is built from what that viewer may see: the revealed letters, the blanks, the guesses.
Only the setter's view, and everybody's view once the game has ended, carries the secret.
"""

from __future__ import annotations

import string
import unicodedata
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

MAX_MISSES = 6
SEPARATORS = " -'"  # shown from the start: they are not letters to guess
MAX_SECRET = 40  # a short phrase still fits on one line of the picture
_LETTERS = frozenset(string.ascii_lowercase)

# Seven stages, 0 to 6 misses: head, body, arms, legs.
_GALLOWS_PARTS = ("O", "|", "/", "\\", "/", "\\")


def check_secret(text: str) -> str:
    """Validate and normalise a secret (lower case).

    Returns:
        The secret in lower case.

    Raises:
        MoveSyntaxError: with a message that does not repeat the secret (the setter typed it, but
            messages about it must be safe to show anywhere).
    """
    secret = text.strip().lower()
    if not any(c in _LETTERS for c in secret):
        raise MoveSyntaxError("the secret needs at least one letter a–z")
    if len({c for c in secret if c in _LETTERS}) < 2:
        # one letter (or one letter repeated) is guessed at the first try: no game at all
        raise MoveSyntaxError("the secret needs at least two different letters a–z")
    if len(secret) > MAX_SECRET:
        raise MoveSyntaxError(f"the secret is too long (at most {MAX_SECRET} characters)")
    if any(c not in _LETTERS and c not in SEPARATORS for c in secret):
        raise MoveSyntaxError(
            "the secret may only hold letters a–z, spaces, hyphens and apostrophes"
        )
    if "  " in secret:
        raise MoveSyntaxError("the secret may not hold two spaces in a row")
    return secret


@dataclass(frozen=True)
class Guess:
    """A guess: one lower-case letter, or a whole word/phrase (lower case, same shape as secret)."""

    text: str

    @property
    def is_letter(self) -> bool:
        """True for a single-letter guess."""
        return len(self.text) == 1


@dataclass(frozen=True)
class HangmanView:
    """What one viewer may see of a hangman game.

    Attributes:
        pattern: the secret with every unrevealed letter replaced by ``None``; separators and
            revealed letters as themselves.
        guessed: every letter guessed so far, in guessing order.
        misses: the wrong guesses (letters and words), in order.
        secret: the secret, only for the setter or once the game is over; otherwise ``None``.
        outcome: the outcome, if the game has ended.
    """

    pattern: tuple[str | None, ...]
    guessed: tuple[str, ...]
    misses: tuple[str, ...]
    secret: str | None
    outcome: Outcome | None

    @property
    def misses_left(self) -> int:
        """How many more wrong guesses the gallows allows."""
        return MAX_MISSES - len(self.misses)

    def shown_word(self) -> str:
        """The pattern as shown: ``_`` for each hidden letter, ``/`` for a space, hyphens and
        apostrophes as themselves, everything spaced out for reading."""
        return " ".join("_" if c is None else ("/" if c == " " else c) for c in self.pattern)

    def describe(self) -> str:
        """The view in words, for a screen reader, built from this view only (so a guesser's
        never holds the secret): the word letter by letter (``blank`` for a hidden one), the
        letters guessed, the misses and how many are left."""
        letters = ["blank" if c is None else ("space" if c == " " else c) for c in self.pattern]
        parts = [f"word: {' '.join(letters)} ({len(self.pattern)} characters)"]
        if self.secret is not None and self.outcome is None:
            parts.append(f"secret: {self.secret} (only you see this)")
        parts.append(f"guessed: {' '.join(self.guessed) or 'none'}")
        wrong = " ".join(self.misses) or "none"
        parts.append(f"misses: {wrong} ({self.misses_left} of {MAX_MISSES} left)")
        return " · ".join(parts)

    def render(self) -> str:
        """The ASCII picture: gallows, word, guessed letters and misses left."""
        lines = gallows(len(self.misses))
        lines.append(f"word:    {self.shown_word()}")
        if self.secret is not None and self.outcome is None:
            lines.append(f"secret:  {self.secret}  (only you see this)")
        lines.append(f"guessed: {' '.join(self.guessed) or '-'}")
        wrong = ", ".join(self.misses) or "none"
        lines.append(f"misses:  {wrong}  ({self.misses_left} of {MAX_MISSES} left)")
        # the result line names the answer once the game is over: the picture does not too
        return "\n".join(lines)


def _typed(text: str) -> str:
    """A typed guess, trimmed and composed (NFC), so that a decomposed ``é`` (``e`` + combining
    accent) is one character and gets the same answer as ``é``."""
    return unicodedata.normalize("NFC", text.strip())


def _unquote(text: str) -> str:
    """``"ice cream"`` or ``“ice cream”`` → ``ice cream``; anything else unchanged. (Only double
    quotes: an apostrophe may open or close a secret, as in ``'tis``.)"""
    if len(text) >= 2 and text[0] in '"“' and text[-1] in '"”':
        return text[1:-1].strip()
    return text


def gallows(misses: int) -> list[str]:
    """The gallows after ``misses`` wrong guesses (0–6), one string per line."""
    head, body, left_arm, right_arm, left_leg, right_leg = (
        part if i < misses else " " for i, part in enumerate(_GALLOWS_PARTS)
    )
    return [
        "  +---+",
        "  |   |",
        f"  {head}   |",
        f" {left_arm}{body}{right_arm}  |",
        f" {left_leg} {right_leg}  |",
        "      |",
        "=========",
    ]


@dataclass(frozen=True)
class HangmanState:
    """An immutable hangman position.

    Attributes:
        secret: lower-case word or phrase.
        setter: the player who set the secret (0), or ``None`` when the table picked it (duel).
        guessed: letters guessed so far, in order.
        misses: wrong guesses (letters and words), in order.
        moves: how many guesses have been made (decides whose turn it is in a duel).
        outcome: set once the game has ended.
    """

    secret: str = field(repr=False)  # kept out of repr: a stray log line must not leak it
    setter: int | None = None
    guessed: tuple[str, ...] = ()
    misses: tuple[str, ...] = ()
    moves: int = 0
    outcome: Outcome | None = None

    @classmethod
    def duel(cls, secret: str) -> HangmanState:
        """Both players guess in turns, player 0 first."""
        return cls(check_secret(secret), None)

    @classmethod
    def set_by(cls, secret: str) -> HangmanState:
        """Player 0 set ``secret``; player 1 guesses alone."""
        return cls(check_secret(secret), 0)

    @property
    def guessers(self) -> tuple[int, ...]:
        """The players who guess."""
        return (0, 1) if self.setter is None else (1,)

    @property
    def turn(self) -> int | None:
        """The player to guess next, or ``None`` once the game is over."""
        if self.outcome is not None:
            return None
        return self.guessers[self.moves % len(self.guessers)]

    def may_see_secret(self, viewer: int | None) -> bool:
        """Whether ``viewer`` (a player index, ``None`` for a spectator) may see the secret now."""
        return self.outcome is not None or (viewer is not None and viewer == self.setter)

    def view(self, viewer: int | None) -> HangmanView:
        """What ``viewer`` may see. The only place the secret flows into anything shown."""
        pattern = tuple(
            c if c in SEPARATORS or c in self.guessed or self.outcome is not None else None
            for c in self.secret
        )
        secret = self.secret if self.may_see_secret(viewer) else None
        return HangmanView(pattern, self.guessed, self.misses, secret, self.outcome)

    def render(self, viewer: int | None = None) -> str:
        """The picture for ``viewer``: built from their view, so it holds only what they may see."""
        return self.view(viewer).render()

    def describe(self, viewer: int | None = None) -> str:
        """The position in words for ``viewer``, built from their view like the picture."""
        return self.view(viewer).describe()

    def free_text(self) -> str:
        """The letters nobody has guessed yet, separated by spaces (empty once it is over)."""
        return " ".join(guess.text for guess in self.legal_moves())

    def last_text(self) -> str | None:
        """The latest letter guessed and the latest miss, in words (``last letter: e, in the
        word · last miss: cat``), or None before any guess. (The state keeps letters and
        misses in their own orders, so these two are what it can say for sure.)"""
        parts = []
        if self.guessed:
            letter = self.guessed[-1]
            verdict = "a miss" if letter in self.misses else "in the word"
            parts.append(f"last letter: {letter}, {verdict}")
        if self.misses:
            parts.append(f"last miss: {self.misses[-1]}")
        return " · ".join(parts) or None

    # -- moves ------------------------------------------------------------------------------------
    def shape_matches(self, text: str) -> bool:
        """Whether ``text`` has the visible shape of the secret: same length, an ASCII letter where
        it has a letter, and its spaces, hyphens and apostrophes in the same places.

        Only visible information is used: where the separators are and how many blanks there are.
        """
        if len(text) != len(self.secret):
            return False
        for typed, actual in zip(text, self.secret, strict=True):
            if actual in SEPARATORS:
                if typed != actual:
                    return False
            elif typed.lower() not in _LETTERS or not typed.isascii():
                return False
        return True

    def is_move_attempt(self, text: str, *, by_mover: bool = True) -> bool:
        """Whether a line typed plainly is a guess attempt: one non-space character (any, so that
        ``ß`` or ``7`` get an explanation) typed by the player whose turn it is. From anyone
        else — the other player, the setter, a spectator — a lone ``y`` or ``k`` is a reply in
        the chat, not a guess. A whole word or phrase is guessed only with ``/guess`` (the
        table hands its text to :meth:`parse_move`), so a plain line of any other shape — even
        one shaped like the blanks — is chat."""
        return by_mover and len(_typed(text)) == 1

    def legal_moves(self) -> list[Guess]:
        """The letters not yet guessed (whole-word guesses are legal too but not enumerated)."""
        if self.outcome is not None:
            return []
        return [Guess(c) for c in string.ascii_lowercase if c not in self.guessed]

    def move_text(self, move: Guess) -> str:
        """The text of a guess; ``parse_move`` reads it back to the same guess."""
        return move.text

    def parse_move(self, text: str) -> Guess:
        """Read a typed guess and check it can be made now.

        Args:
            text: one letter, or the whole answer with the secret's visible shape — optionally in
                double quotes, as in ``/guess "a phrase"``.

        Raises:
            MoveSyntaxError: not one letter a–z and not a word of the secret's visible shape.
            IllegalMoveError: the letter or word was already guessed, or the game is over.
        """
        stripped = _unquote(text.strip())
        if len(_typed(stripped)) == 1:
            # judged on what was typed: the Kelvin sign composes to "K" but is not a letter a–z
            letter = stripped.lower()
            if not stripped.isascii() or letter not in _LETTERS:
                raise MoveSyntaxError("guess one letter a–z (no digits, accents or symbols)")
            guess = Guess(letter)
        elif not stripped:
            raise MoveSyntaxError("type one letter a–z to guess it")
        elif self.shape_matches(stripped):
            guess = Guess(stripped.lower())
        else:
            blanks = self.view(None).shown_word()
            raise MoveSyntaxError(
                "guess one letter a–z, or the whole answer with the same shape as "
                f"{blanks} ({sum(c not in SEPARATORS for c in self.secret)} letters), "
                'e.g. /guess "two words"'
            )
        self.check_legal(guess)
        return guess

    def check_legal(self, guess: Guess) -> None:
        """Raise :class:`IllegalMoveError` if ``guess`` cannot be made now."""
        if self.outcome is not None:
            raise IllegalMoveError("the game is over")
        if guess.text in self.guessed or guess.text in self.misses:
            raise IllegalMoveError(f"{guess.text} was already guessed — no penalty, try another")

    def play(self, move: Guess) -> HangmanState:
        """Return the state after the player to move makes ``move``.

        Raises:
            IllegalMoveError: the guess cannot be made now.
        """
        self.check_legal(move)
        mover = self.turn
        guessed, misses = self.guessed, self.misses
        solved = False
        if move.is_letter:
            guessed = (*guessed, move.text)
            if move.text in self.secret:
                solved = all(c in SEPARATORS or c in guessed for c in self.secret)
            else:
                misses = (*misses, move.text)
        elif move.text == self.secret:
            solved = True
        else:
            misses = (*misses, move.text)
        outcome: Outcome | None = None
        if solved:
            outcome = Outcome(mover, Termination.WORD_GUESSED)
        elif len(misses) >= MAX_MISSES:
            outcome = Outcome(self.setter, Termination.GALLOWS_COMPLETE)
        return HangmanState(self.secret, self.setter, guessed, misses, self.moves + 1, outcome)

    def resign(self, player: int) -> HangmanState:
        """Return the state ended by ``player`` resigning: the other player wins."""
        return replace(self, outcome=resignation(self.outcome, player))

    def abandon(self) -> HangmanState:
        """Return the state ended as abandoned: nobody wins, nobody loses."""
        return replace(self, outcome=abandonment(self.outcome))

    def end(self, outcome: Outcome) -> HangmanState:
        """Return the state ended by the players' agreement (an agreed draw, an abort)."""
        return replace(self, outcome=outcome)

    # -- snapshots ---------------------------------------------------------------------------------
    def to_snapshot(self) -> dict[str, Any]:
        """The secret, the guesses and the outcome as JSON values (a snapshot is as private as
        the journal that holds it: the secret is in the events too)."""
        return {
            "secret": self.secret,
            "setter": self.setter,
            "guessed": list(self.guessed),
            "misses": list(self.misses),
            "moves": self.moves,
            "outcome": outcome_to_snapshot(self.outcome),
        }

    @classmethod
    def from_snapshot(cls, snapshot: Fields) -> HangmanState:
        """The position :meth:`to_snapshot` wrote.

        Only a position a game can reach is taken back: a secret ``/game hangman`` accepts,
        distinct letters a–z guessed, misses that are letters guessed or words of the secret's
        shape, at most six of them, and a game in progress still has a letter to find.

        Raises:
            SnapshotError: the position is not one of those (the message never holds the
                secret).
        """
        where = snapshot.where
        try:
            secret = check_secret(snapshot.text("secret", limit=MAX_SECRET))
        except MoveSyntaxError as exc:
            raise SnapshotError(f"{where}.secret: {exc}") from None
        setter = snapshot.optional_whole("setter", high=0)
        letters = snapshot.items("guessed", limit=len(_LETTERS))
        guessed = tuple(
            Fields({"letter": letter}, f"{where}.guessed").text("letter", limit=1)
            for letter in letters
        )
        if not set(guessed) <= _LETTERS or len(set(guessed)) != len(guessed):
            raise SnapshotError(f"{where}.guessed must be distinct letters a–z")
        words = snapshot.items("misses", limit=MAX_MISSES)
        misses = tuple(
            Fields({"miss": miss}, f"{where}.misses").text("miss", limit=MAX_SECRET)
            for miss in words
        )
        state = cls(secret, setter, guessed, misses, snapshot.whole("moves"), None)
        for miss in misses:
            if len(miss) == 1 and (miss not in guessed or miss in secret):
                raise SnapshotError(f"{where}.misses holds a letter that is no miss")
            if len(miss) > 1 and (not state.shape_matches(miss) or miss == secret):
                raise SnapshotError(f"{where}.misses holds a word that is no miss")
        outcome = outcome_from_snapshot(snapshot.optional_object("outcome"))
        if outcome is None:
            solved = all(c in SEPARATORS or c in guessed for c in secret)
            if solved or len(misses) >= MAX_MISSES:
                raise SnapshotError(f"{where} is a finished game with no outcome")
        return replace(state, outcome=outcome)
