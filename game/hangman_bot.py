"""A hangman guesser that only ever sees a guesser's :class:`~game.hangman.HangmanView`.

It picks the letter found in the most list words still consistent with the view (same length,
revealed letters in place, no guessed letter in a hidden place — which also rules out every
missed letter). Phrases are handled word by word; a word the list has nothing for contributes
nothing. When no list word fits anywhere it falls back to English letter frequency. When exactly
one list word fits a single-word secret it guesses the whole answer outright (that word with
the secret's separators kept, e.g. ``dogs'``).

Taking the view rather than the state makes it impossible for the bot to peek at the secret.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

from game.hangman import SEPARATORS, HangmanView

ENGLISH_ORDER = "etaoinshrdlcumwfgypbvkjxqz"


def _segments(pattern: tuple[str | None, ...]) -> list[tuple[str | None, ...]]:
    """The pattern split at spaces, hyphens and apostrophes."""
    return [
        tuple(group)
        for is_separator, group in itertools.groupby(
            pattern, key=lambda c: c is not None and c in SEPARATORS
        )
        if not is_separator
    ]


def consistent_words(
    segment: tuple[str | None, ...], guessed: frozenset[str], words: Sequence[str]
) -> list[str]:
    """The ``words`` that could be ``segment`` given the letters already guessed."""
    fits = []
    for word in words:
        if len(word) != len(segment):
            continue
        for letter, shown in zip(word, segment, strict=True):
            if (letter != shown) if shown is not None else (letter in guessed):
                break
        else:
            fits.append(word)
    return fits


def _whole_answer(pattern: tuple[str | None, ...], word: str) -> str:
    """The whole-answer guess for a pattern with one word in it: ``word`` in place of the
    letters, the separators kept where they are (``dogs'``, ``-dogs``), so it has the answer's
    shape."""
    letters = iter(word)
    return "".join(c if c is not None and c in SEPARATORS else next(letters) for c in pattern)


def choose_guess(view: HangmanView, words: Sequence[str]) -> str:
    """The bot's next guess: a letter, or the whole word when only one list word fits.

    Raises:
        ValueError: the game is over or no letter is left to guess.
    """
    if view.outcome is not None:
        raise ValueError("the game is over")
    guessed = frozenset(view.guessed)
    counts: Counter[str] = Counter()
    segments = _segments(view.pattern)
    for segment in segments:
        if None not in segment:
            continue
        fits = consistent_words(segment, guessed, words)
        if len(segments) == 1 and len(fits) == 1:
            answer = _whole_answer(view.pattern, fits[0])
            if answer not in view.misses:
                return answer
        for word in fits:
            counts.update(set(word) - guessed)
    rank = {letter: i for i, letter in enumerate(ENGLISH_ORDER)}
    if counts:
        # most words first; ties go to the more common English letter (deterministic)
        return min(counts, key=lambda letter: (-counts[letter], rank[letter]))
    for letter in ENGLISH_ORDER:
        if letter not in guessed:
            return letter
    raise ValueError("every letter has been guessed")
