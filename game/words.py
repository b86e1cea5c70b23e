"""The built-in hangman word list (``game/data/words.txt``), loaded on first use.

Loading is lazy so that importing the engine (and starting the terminal programs) costs nothing
until somebody actually plays hangman. The file ships as package data next to this module.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence
from importlib import resources

from game.errors import MoveSyntaxError
from game.hangman import check_secret

_WORD = re.compile(r"[a-z]{4,}")


@functools.cache
def shipped_words() -> tuple[str, ...]:
    """The shipped list: common English words of 4+ letters, lower case, sorted, no duplicates.

    Raises:
        ValueError: if the shipped file holds a line that is not such a word (a packaging bug).
    """
    text = resources.files("game").joinpath("data/words.txt").read_text(encoding="utf-8")
    words = tuple(line.strip() for line in text.splitlines() if line.strip())
    bad = [w for w in words if not _WORD.fullmatch(w)]
    if bad:
        raise ValueError(f"game/data/words.txt holds {len(bad)} malformed lines, e.g. {bad[0]!r}")
    return words


def pick_word(rng: random.Random, words: Sequence[str] | None = None) -> str:
    """Choose a secret with the injected ``rng`` from ``words`` (default: the shipped list)."""
    pool = shipped_words() if words is None else words
    if not pool:
        raise ValueError("the word list is empty")
    return rng.choice(pool)


def checked_words(words: Sequence[str]) -> tuple[str, ...]:
    """A table's own hangman word list, each word checked as a secret and normalised (lower
    case) — so a bad list is refused when the table opens, not when somebody plays.

    Raises:
        ValueError: ``words`` is one string, empty, or holds something that cannot be a secret.
    """
    if isinstance(words, str):
        raise ValueError("words must be a list of words, not one string")
    if not words:
        raise ValueError("the hangman word list is empty")
    checked = []
    for word in words:
        try:
            checked.append(check_secret(word))
        except MoveSyntaxError as error:
            raise ValueError(f"{word!r} is not a usable hangman word: {error}") from None
    return tuple(checked)
