"""The shipped word list: big enough, well formed, no duplicates, loaded lazily."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from importlib import resources

from game.words import pick_word, shipped_words


def test_shipped_list_is_well_formed() -> None:
    lines = resources.files("game").joinpath("data/words.txt").read_text("utf-8").splitlines()
    assert len(lines) >= 1000
    assert all(re.fullmatch(r"[a-z]{4,}", line) for line in lines)
    assert len(set(lines)) == len(lines)
    assert lines == sorted(lines)
    assert shipped_words() == tuple(lines)


def test_pick_word_uses_the_injected_random() -> None:
    assert pick_word(random.Random(7)) == pick_word(random.Random(7))
    assert pick_word(random.Random(1), ["only"]) == "only"


def test_importing_the_table_does_not_read_the_list() -> None:
    code = "import game.table, game.words; print(game.words.shipped_words.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
