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
