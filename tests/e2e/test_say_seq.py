"""``say.seq`` against the real host: the next one is applied, a repeat is
ignored, and 0 or a seq that skips lines is a protocol error that frees the seat at once."""

from __future__ import annotations

import pytest

from tests.e2e.support import Players, WireGuests


def test_a_repeated_seq_is_ignored_and_the_next_one_applied(
    players: Players, wire: WireGuests
) -> None:
    host, _port, bob = wire.bob_at_alices_table(players)
    bob.say(1, "first")
    bob.say(1, "first, sent again")
    bob.say(2, "second")
    bob.say(3, "third")
    host.expect("<bob> first")
    host.expect("<bob> second")
    host.expect("<bob> third")  # still served: a repeat is no error
    assert b"sent again" not in host.raw


@pytest.mark.parametrize(
    ("seq", "reason"),
    [
        (0, "say.seq 0 is not a sequence number (they start at 1): expected 2"),
        (3, "say.seq 3 skips 2: expected 2"),
        (7, "say.seq 7 skips 2–6: expected 2"),
        (2**53 - 1, f"say.seq {2**53 - 1} skips 2–{2**53 - 2}: expected 2"),
    ],
)
def test_a_seq_that_is_zero_or_skips_lines_ends_the_seat(
    players: Players, wire: WireGuests, seq: int, reason: str
) -> None:
    # The default grace period (5 minutes) is in force: were this a lost connection, the next
    # join would be refused as "full".
    host, port, bob = wire.bob_at_alices_table(players)
    bob.say(1, "first")
    host.expect("<bob> first")
    bob.say(seq, "out of order")
    bob.say(2, "behind the bad one")  # nothing after the first error is applied
    assert bob.last_frames() == [{"type": "error", "reason": reason}]
    host.expect(f"disconnected bob: protocol error: {reason}")
    assert b"out of order" not in host.raw and b"behind the bad one" not in host.raw

    carol = players.join(port, "carol")
    host.expect("carol sat down")
    carol.say("hello")
    host.expect("<carol> hello")
