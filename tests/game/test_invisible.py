"""Characters that draw nothing never change what a line is.

A zero-width space or a byte-order mark before ``/game hangman SECRET`` must not make the line
chat — it would be delivered, secret included, to the very person who is to guess it.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.commands import is_quit
from game.delivery import Recipient
from game.table import Delivery, Kind, Table
from game.untrusted import classified_text
from tests.game.support import GUEST, HOST, lines

# Format characters (Cf), a variation selector and a Hangul filler: none of them draws anything.
INVISIBLE = ["\u200b", "\ufeff", "\u2060", "\u200c", "\u200d", "\u200e", "\u00ad", "\ufe0f"]
# Draw nothing yet are not format characters (Default_Ignorable_Code_Point outside Cf, and the
# braille blank): a check on Cf alone would still send "/game hangman SECRET" out as chat.
IGNORABLE_NOT_CF = ["\u034f", "\u2800", "\u180b", "\u180f", "\u17b4", "\u3164", "\U000e01f0"]
INVISIBLE += ["\u3164", "\U000e0041"]


def _table() -> Table:
    table = Table("alice", rng=random.Random(0), words=["apple"])
    table.sit("bob")
    return table


@pytest.mark.parametrize(
    "line",
    [
        "\u200b/game hangman zebra",
        "\ufeff/game hangman zebra",
        "\u2060 /game hangman zebra",
        " \u200b\u200d/game hangman zebra",
        "/ga\u200bme hangman zebra",
        "\u3164/game hangman zebra",
        '\ufeff/game hangman "zebra"',
    ],
)
def test_a_hidden_prefix_does_not_turn_a_secret_into_chat(line: str) -> None:
    table = _table()
    out = table.handle(HOST, line)
    assert not any(d.shown.kind is Kind.CHAT for d in out), out
    assert all("zebra" not in d.shown.text for d in out if d.to is GUEST), out
    assert lines(out, HOST, Kind.NOTICE)[0].startswith("new game: hangman — you set the secret")
    assert table.match is not None and table.match.in_progress


@pytest.mark.parametrize("char", IGNORABLE_NOT_CF)
def test_ignorables_that_are_not_format_characters_do_not_make_a_command_chat(char: str) -> None:
    table = _table()
    out = table.handle(HOST, f"{char}/game hangman zebra")
    assert all("zebra" not in d.shown.text for d in out if d.to is GUEST)
    assert all(d.shown.kind is not Kind.CHAT for d in out)
    assert is_quit(f"{char}/q")


@pytest.mark.parametrize(
    "line", ["\u200b/q", "\ufeff/quit", "\u2060 /exit", "/\u200bq", "\u200e/Q"]
)
def test_a_hidden_prefix_does_not_stop_leaving(line: str) -> None:
    assert is_quit(line)
    table = _table()
    out = table.handle(GUEST, line)
    assert "you left the table" in lines(out, GUEST)
    assert table.guest_name is None


@pytest.mark.parametrize("line", ["\u200bb2", "b\u200d2", "\ufeff 5"])
def test_a_hidden_character_in_a_move_is_still_the_move(line: str) -> None:
    table = _table()
    table.handle(GUEST, "/game tictactoe")
    out = table.handle(GUEST, line)
    assert "alice played" not in " ".join(lines(out, GUEST))
    assert any("X" in text for text in lines(out, HOST, Kind.BOARD)), out
    assert not any(d.shown.kind is Kind.CHAT for d in out)


def test_chat_keeps_what_was_typed() -> None:
    """Emoji with joiners and variation selectors arrive as typed."""
    table = _table()
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467 love \u2764\ufe0f"
    assert table.handle(GUEST, family) == [
        Delivery(HOST, table.handle(GUEST, "x")[0].shown.__class__(Kind.CHAT, family, "bob"))
    ]
    out = table.handle(HOST, "\u200b//\u200bhi")
    assert [(d.to, d.shown.text) for d in out] == [(GUEST, "/\u200bhi")]


def test_a_line_of_only_invisible_characters_says_nothing() -> None:
    assert _table().handle(GUEST, "\u200b\ufeff\u2060") == []


def test_an_invisible_character_does_not_make_a_repeated_line_new() -> None:
    table = _table()
    for text in ["same", "same\u200b"]:
        table.handle(GUEST, text, now=1.0)
    out = table.handle(GUEST, "\u2060same", now=1.0)
    assert out[0].shown.kind is Kind.ERROR and "same line again" in out[0].shown.text


def _seen(deliveries: list[Delivery]) -> list[tuple[Recipient, str, str, str | None]]:
    """What each seat is shown, chat compared as it reads (invisible characters and the
    spaces around it aside: chat is delivered as typed)."""
    return [
        (d.to, d.shown.kind, classified_text(d.shown.text).strip(), d.shown.sender)
        for d in deliveries
    ]


STARTS = [
    "/game hangman zebra",
    "/game tictactoe",
    "/q",
    "/help",
    "//b2",
    "b2",
    "e",
    "hello",
    "/resign",
    "/guess apple",
    "",
]


@settings(max_examples=150, deadline=None)
@given(
    prefix=st.lists(st.sampled_from([*INVISIBLE, " "]), min_size=1, max_size=4).map("".join),
    first=st.sampled_from(STARTS),
    line=st.one_of(st.sampled_from(STARTS), st.text(max_size=12)),
    game=st.sampled_from(["", "/game tictactoe", "/game hangman"]),
    seat=st.sampled_from([HOST, GUEST]),
)
def test_a_prefix_of_invisible_characters_never_changes_what_a_line_is(
    prefix: str, first: str, line: str, game: str, seat: int
) -> None:
    plain, hidden = _table(), _table()
    for table in (plain, hidden):
        if game:
            table.handle(HOST, game)
        table.handle(HOST, first)
    who = HOST if seat == HOST else GUEST
    if plain.guest_name is None:
        who = HOST
    assert _seen(hidden.handle(who, prefix + line)) == _seen(plain.handle(who, line))
    assert is_quit(prefix + line) == is_quit(line)
