"""The ``say.seq`` rule on its own (game.seat_keeper): next applied, repeat ignored, else error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.seat_keeper import seq_error
from game.table_events import Line
from tests.game.support import seated_keeper

SEQS = st.integers(min_value=0, max_value=2**53 - 1)


@given(last=SEQS, seq=SEQS)
def test_only_zero_and_skips_are_errors(last: int, seq: int) -> None:
    assert (seq_error(seq, last) is None) == (1 <= seq <= last + 1)


@given(seqs=st.lists(SEQS, max_size=30))
def test_the_seat_applies_each_line_once_in_order(seqs: list[int]) -> None:
    keeper, key = seated_keeper()
    applied: list[int] = []
    for seq in seqs:
        decision = keeper.said(key, seq, "x", now=0.0)
        if decision.actions:  # a Fail: the seat is freed, nothing more is applied
            assert decision.actions[0].reason == seq_error(seq, keeper.last_say)  # type: ignore[union-attr]
            break
        for event in decision.events:
            assert isinstance(event, Line)
            applied.append(event.seq)
            keeper.apply(event, now=0.0)
    assert applied == list(range(1, len(applied) + 1))
    assert keeper.last_say == len(applied)


@pytest.mark.parametrize(
    ("seq", "last", "reason"),
    [
        (0, 0, "say.seq 0 is not a sequence number (they start at 1): expected 1"),
        (2, 0, "say.seq 2 skips 1: expected 1"),
        (9, 4, "say.seq 9 skips 5–8: expected 5"),
    ],
)
def test_the_reason_says_what_was_expected(seq: int, last: int, reason: str) -> None:
    assert seq_error(seq, last) == reason
