"""Hangman with a secret, at the table: nothing the guesser is shown depends on hidden letters.

The property is checked as non-interference. The guesser only ever types letters a–m; the secret
may also hold n–z. A decoy secret swaps every n–z letter for another n–z letter. Run the same
conversation with both secrets: until the game ends, every delivery to the guesser (boards,
notices, errors, chat, the echo of the /game command) must be identical — so none of them can
carry a hidden letter or where it is — and the secret text itself never appears in them.
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from game.table import Delivery, Seat, Table
from tests.game.support import GUEST, HIDDEN, HOST, SEEN, secrets

_SWAP = str.maketrans(HIDDEN, HIDDEN[1:] + HIDDEN[0])


def _lines(secret: str) -> st.SearchStrategy[tuple[Seat, str]]:
    shaped = "".join(c if c in " -'" else "a" for c in secret)
    guesser = st.one_of(
        st.sampled_from(SEEN + SEEN.upper()),
        st.sampled_from(["7", "ß", "Ａ", "?", "hello there", "/board", "/score", "/guess zz"]),
        st.just(shaped),  # plain: chat
        st.just(f"/guess {shaped}"),
        st.just(f'/guess "{shaped.upper().replace("A", "B")}"'),
    )
    setter = st.sampled_from(["hi", "e", "/board", "nice"])
    return st.one_of(st.tuples(st.just(GUEST), guesser), st.tuples(st.just(HOST), setter))


def _to_guest(deliveries: list[Delivery]) -> list[tuple[str, str, str | None]]:
    return [(d.shown.kind, d.shown.text, d.shown.sender) for d in deliveries if d.to is GUEST]


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_guesser_deliveries_do_not_depend_on_hidden_letters(data: st.DataObject) -> None:
    secret = data.draw(secrets())
    decoy = secret.translate(_SWAP)
    script = data.draw(st.lists(_lines(secret), max_size=25))
    tables = []
    for _ in (secret, decoy):
        table = Table("alice", rng=random.Random(1), words=["unused"])
        table.sit("bob")
        tables.append(table)
    first = [
        _to_guest(t.handle(HOST, f'/game hangman "{w}"'))
        for t, w in zip(tables, (secret, decoy), strict=True)
    ]
    assert first[0] == first[1]
    for seat, line in [(HOST, "/board"), *script]:
        real, fake = (_to_guest(t.handle(seat, line)) for t in tables)
        match = tables[0].match
        assert match is not None
        if not match.in_progress:
            break  # the end reveals the secret to everyone
        assert real == fake, (seat, line)
        # (a very short secret may be a fragment of ordinary words like "your": skip those)
        if len(secret) >= 8 and any(c in HIDDEN for c in secret):
            assert not any(secret in text for _, text, _ in real)
