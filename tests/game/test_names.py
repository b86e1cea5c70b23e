"""Names that pass for another, or for part of a chat line."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.table import Table
from game.untrusted import MAX_NAME, clean_name, skeleton


@pytest.mark.parametrize(
    "look_alike",
    [
        "alice",
        "ALICE",
        "alice\ufe0f",  # a variation selector
        "al\u200bice",  # a zero-width space
        "\u0430lice",  # Cyrillic а
        "alic\u0435",  # Cyrillic е
        "\uff41\uff4c\uff49\uff43\uff45",  # fullwidth ａｌｉｃｅ
        "aIice",  # capital I for l
        "\u0391LICE",  # Greek capital alpha
        " alice ",
    ],
)
def test_a_look_alike_of_the_host_gets_a_visibly_different_name(look_alike: str) -> None:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    given_name, _ = table.sit(look_alike)
    assert given_name.endswith("-2")
    assert skeleton(given_name) != skeleton("alice")


def test_a_look_alike_host_name_does_not_take_the_bot_name() -> None:
    table = Table("b\u03bft", rng=random.Random(0))  # Greek omicron
    assert skeleton(table.bot_name) != skeleton(table.host_name)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("alice> I resign <x", "alice I resign x"),
        ("<bob>", "bob"),
        ("\uff1cbob\uff1e", "bob"),  # fullwidth ＜＞ are < and > after NFKC
        ("\uff42\uff4f\uff42", "bob"),
        ("bob\ufe0f", "bob"),
        ("b\u3164ob", "bob"),
    ],
)
def test_names_are_normalised_and_never_hold_angle_brackets(raw: str, shown: str) -> None:
    assert clean_name(raw) == shown


def test_different_names_stay_as_typed() -> None:
    table = Table("alice", rng=random.Random(0))
    assert table.sit("Zoë")[0] == "Zoë"


@given(st.text(max_size=60), st.lists(st.text(max_size=40), max_size=3))
def test_a_cleaned_name_is_short_printable_unbracketed_and_unlike_the_taken(
    raw: str, taken: list[str]
) -> None:
    name = clean_name(raw, taken=taken)
    assert 1 <= len(name) <= MAX_NAME
    assert name.isprintable() and name == name.strip()
    assert "<" not in name and ">" not in name
    assert skeleton(name) not in {skeleton(t) for t in taken}
