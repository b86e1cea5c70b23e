"""The join's half of a seat (net.join_keeper): say.seq, lines kept for resending, shows seen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.join_keeper import MAX_WAITING, JoinKeeper, NotSent
from net.messages import Say, Show, Welcome


def _welcome(token: str, *, resumed: bool, last_seq: int = 0) -> Welcome:
    return Welcome(name="bob", host="alice", token=token, resumed=resumed, last_seq=last_seq)


def test_a_new_seat_says_no_seen_then_counts_what_it_displays() -> None:
    keeper = JoinKeeper()
    assert keeper.hello("bob", None).seen is None  # no token: nothing to resume
    keeper.welcomed(_welcome("t1", resumed=False))
    for seq in (1, 2, 3):
        assert keeper.displays(Show("notice", "x", seq=seq))
    hello = keeper.hello("bob", None)
    assert (hello.token, hello.seen) == ("t1", 3)


def test_a_show_already_displayed_is_skipped() -> None:
    keeper = JoinKeeper()
    keeper.welcomed(_welcome("t1", resumed=False))
    assert keeper.displays(Show("chat", "a", seq=1))
    assert keeper.displays(Show("chat", "b", seq=2))
    keeper.welcomed(_welcome("t2", resumed=True))
    assert not keeper.displays(Show("chat", "b", seq=2))  # resent: shown once
    assert keeper.displays(Show("chat", "c", seq=3))
    assert keeper.displays(Show("chat", "v1", seq=None))  # a version 1 host numbers nothing


def test_a_new_seat_starts_seen_again_from_0() -> None:
    keeper = JoinKeeper()
    keeper.welcomed(_welcome("t1", resumed=False))
    keeper.displays(Show("chat", "a", seq=7))
    keeper.welcomed(_welcome("t9", resumed=False))  # the old seat was gone
    assert keeper.displays(Show("notice", "welcome", seq=1))


def test_a_process_resuming_a_stored_token_does_not_know_what_it_saw() -> None:
    keeper = JoinKeeper("stored")
    assert keeper.hello("bob", None).seen is None
    keeper.use_token(None)  # the seat was gone: a new guest
    assert keeper.hello("bob", None).token is None


def test_lines_above_last_seq_are_resent_in_order() -> None:
    keeper = JoinKeeper()
    keeper.welcomed(_welcome("t1", resumed=False))
    for text in ("one", "two", "three"):
        keeper.say(text, connected=True)
    keeper.say("typed while away", connected=False)
    keeper.not_sent()
    resent = keeper.welcomed(_welcome("t2", resumed=True, last_seq=2))
    assert resent == [Say(3, "three"), Say(4, "typed while away")]
    assert keeper.say("next", connected=True).seq == 5


def test_a_new_process_counts_on_from_the_hosts_last_seq() -> None:
    keeper = JoinKeeper("stored")
    assert keeper.welcomed(_welcome("t2", resumed=True, last_seq=41)) == []
    assert keeper.say("hi", connected=True).seq == 42


def test_a_new_seat_forgets_the_old_lines_and_counts_the_unsent() -> None:
    keeper = JoinKeeper("old")
    keeper.say("a", connected=False)
    keeper.not_sent()
    assert keeper.welcomed(_welcome("new", resumed=False)) == []
    assert keeper.unsent == 1 and keeper.say("b", connected=True).seq == 1


def test_too_many_waiting_lines_are_refused() -> None:
    keeper = JoinKeeper()
    for _ in range(MAX_WAITING):
        keeper.say("x", connected=False)
        keeper.not_sent()
    with pytest.raises(NotSent, match="already waiting"):
        keeper.say("one more", connected=False)
    assert keeper.seq == MAX_WAITING  # the refused line took no number


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=40))
def test_each_seq_is_displayed_at_most_once_and_in_rising_order(seqs: list[int]) -> None:
    keeper = JoinKeeper()
    keeper.welcomed(_welcome("t1", resumed=False))
    shown = [seq for seq in seqs if keeper.displays(Show("chat", "x", seq=seq))]
    assert shown == sorted(set(shown))  # rising: no seq twice, none older than one shown


def test_moved_to_another_seat_numbers_its_shows_afresh_and_resumes_the_new_token() -> None:
    keeper = JoinKeeper()
    keeper.welcomed(Welcome(name="bob", host="club", token="lobby", resumed=False, last_seq=0))
    for seq in (1, 2, 3):
        assert keeper.displays(Show(kind="notice", text="at table one", seq=seq))
    keeper.say("/leave", connected=True)
    keeper.moved("2.secret")
    assert keeper.displays(Show(kind="notice", text="at table two", seq=1))  # not a repeat
    hello = keeper.hello("bob", None)
    assert hello.token == "2.secret" and hello.seen == 1
    assert keeper.say("next", connected=True).seq == 2  # the connection's numbering goes on
    keeper.moved(None)
    assert keeper.hello("bob", None).token is None
