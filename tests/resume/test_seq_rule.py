"""The ``say.seq`` rule on its own (cli.guest_seat): next applied, repeat ignored, else error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.guest_seat import GuestSeat, SeqVerdict, seq_error
from net.errors import RemoteProtocolError

SEQS = st.integers(min_value=0, max_value=2**53 - 1)


@given(last=SEQS, seq=SEQS)
def test_only_zero_and_skips_are_errors(last: int, seq: int) -> None:
    assert (seq_error(seq, last) is None) == (1 <= seq <= last + 1)


@given(seqs=st.lists(SEQS, max_size=30))
def test_the_seat_applies_each_line_once_in_order(seqs: list[int]) -> None:
    seat = GuestSeat()
    applied: list[int] = []
    for seq in seqs:
        try:
            verdict = seat.accept_seq(seq)
        except RemoteProtocolError as error:
            assert error.reason == seq_error(seq, seat.last_seq)
            break
        if verdict is SeqVerdict.APPLY:
            applied.append(seq)
    assert applied == list(range(1, len(applied) + 1))
    assert seat.last_seq == len(applied)


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
