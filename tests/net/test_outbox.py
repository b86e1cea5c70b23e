"""The bounded, numbered outbox of one seat (net.outbox)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.messages import Show
from net.outbox import MAX_BYTES, Outbox, show_size

LONG = 64_000  # a chat line close to the 64 KiB frame limit


def test_shows_are_numbered_from_1_and_kept_in_order() -> None:
    outbox = Outbox()
    assert [outbox.add(Show("chat", t, "bob")).seq for t in "abc"] == [1, 2, 3]
    assert [s.text for s in outbox.after(1)] == ["b", "c"]
    assert outbox.holds_all_after(0) and outbox.first_kept == 1


def test_long_lines_stay_within_the_byte_budget() -> None:
    # A catch-up of many long lines must not get a guest on a slow link dropped.
    outbox = Outbox()
    for n in range(20):
        outbox.add(Show("chat", f"{n:03} " + "x" * LONG, "bob"))
    assert outbox.size <= MAX_BYTES and len(outbox) == 4
    assert outbox.first_kept == 17 and outbox.last_seq == 20
    assert not outbox.holds_all_after(15) and outbox.holds_all_after(16)


def test_a_show_larger_than_the_budget_is_numbered_but_not_kept() -> None:
    outbox = Outbox(max_bytes=100)
    outbox.add(Show("chat", "x" * 200))
    assert (outbox.last_seq, len(outbox), outbox.first_kept) == (1, 0, 2)
    assert not outbox.holds_all_after(0) and outbox.holds_all_after(1)


def test_clear_starts_again_from_1() -> None:
    outbox = Outbox()
    outbox.add(Show("notice", "x"))
    outbox.clear()
    assert outbox.add(Show("notice", "y")).seq == 1 and outbox.size == show_size(
        Show("notice", "y", seq=1)
    )


def test_bounds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Outbox(max_shows=0)


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=3000), max_size=60),
    max_shows=st.integers(min_value=1, max_value=10),
    max_bytes=st.integers(min_value=1, max_value=8000),
    seen=st.integers(min_value=0, max_value=70),
)
def test_the_newest_shows_within_both_bounds_are_kept(
    sizes: list[int], max_shows: int, max_bytes: int, seen: int
) -> None:
    outbox = Outbox(max_shows=max_shows, max_bytes=max_bytes)
    for size in sizes:
        outbox.add(Show("chat", "x" * size))
    kept = list(outbox.after(0))
    seqs = [show.seq for show in kept]
    assert seqs == list(range(len(sizes) - len(kept) + 1, len(sizes) + 1))  # the newest, in order
    assert len(kept) <= max_shows and outbox.size <= max_bytes
    assert outbox.size == sum(show_size(show) for show in kept)
    missing = [seq for seq in range(seen + 1, len(sizes) + 1) if seq not in seqs]
    assert outbox.holds_all_after(seen) == (not missing)
