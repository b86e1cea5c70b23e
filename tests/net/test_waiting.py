"""The waiting room for connections that have not said hello: caps, who leaves, address keys."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.waiting import CROWDED, ServerWaitingRoom, WaitingRoom, address_key


def test_a_full_address_loses_its_longest_waiting_connection_first() -> None:
    room: WaitingRoom[str] = WaitingRoom(capacity=4, per_address=2)
    assert room.enter("a1", "A") == []
    assert room.enter("a2", "A") == []
    assert room.enter("b1", "B") == []
    assert room.enter("a3", "A") == ["a1"]  # A had its 2; the room itself was not full
    assert room.enter("c1", "C") == []
    assert len(room) == 4
    assert room.enter("d1", "D") == ["a2"]  # the room is full: A has the most waiting
    inside = [x for x in ("a1", "a2", "b1", "a3", "c1", "d1") if x in room]
    assert inside == ["b1", "a3", "c1", "d1"]


def test_a_full_room_loses_one_from_the_address_with_the_most_waiting() -> None:
    room: WaitingRoom[str] = WaitingRoom(capacity=5, per_address=5)
    for item, key in [("p1", "P"), ("f1", "F"), ("p2", "P"), ("f2", "F"), ("f3", "F")]:
        room.enter(item, key)
    # p1 waited longest, but F (a flood) has three waiting to P's two.
    assert room.enter("g1", "G") == ["f1"]
    assert room.enter("g2", "G") == ["p1"]  # P and F have two each: the longest waiting goes
    assert room.enter("h1", "H") == ["f2"]


def test_a_person_typing_leaves_only_when_everyone_else_is_typing_too() -> None:
    typing = {"p1", "p2"}
    room: WaitingRoom[str] = WaitingRoom(capacity=3, per_address=2, typing=typing.__contains__)
    room.enter("p1", "A")
    room.enter("s1", "B")
    room.enter("p2", "A")
    # A has the most waiting, and p1 waited longest, but s1 sent nothing.
    assert room.enter("s2", "C") == ["s1"]
    typing.add("s2")
    assert room.enter("p3", "A") == ["p1"]  # A is full: its longest waiting, though typing
    typing.add("p3")
    assert room.enter("s3", "D") == ["p2"]  # everyone types: the usual rule among them all
    room2: WaitingRoom[str] = WaitingRoom(capacity=9, per_address=2, typing={"a1"}.__contains__)
    room2.enter("a1", "A")
    room2.enter("a2", "A")
    assert room2.enter("a3", "A") == ["a2"]  # a full address also keeps its typing one


def test_a_newcomer_at_a_full_address_in_a_full_room_makes_two_leave() -> None:
    room: WaitingRoom[str] = WaitingRoom(capacity=2, per_address=1)
    room.enter("b1", "B")
    room.enter("a1", "A")
    assert room.enter("a2", "A") == ["a1"]  # after that the room has room: only one leaves
    room2: WaitingRoom[str] = WaitingRoom(capacity=2, per_address=2)
    room2.enter("a1", "A")
    room2.enter("b1", "B")
    assert room2.enter("a2", "A") == ["a1"]


def test_leaving_is_idempotent_and_forgets_the_address() -> None:
    room: WaitingRoom[str] = WaitingRoom(capacity=3, per_address=3)
    room.enter("a1", "A")
    room.leave("a1")
    room.leave("a1")
    room.leave("never came")
    assert len(room) == 0 and room.waiting_from("A") == 0
    assert not room._by_address  # a flood from many addresses leaves nothing behind


def test_the_same_item_cannot_enter_twice() -> None:
    room: WaitingRoom[str] = WaitingRoom(capacity=3, per_address=3)
    room.enter("a1", "A")
    with pytest.raises(ValueError, match="already"):
        room.enter("a1", "B")


@pytest.mark.parametrize(("capacity", "per_address"), [(0, 1), (1, 0), (-5, 3)])
def test_silly_bounds_are_refused(capacity: int, per_address: int) -> None:
    with pytest.raises(ValueError):
        WaitingRoom(capacity, per_address)


# One step: ("enter", address index), ("leave", which of those waiting, modulo their count) or
# ("type", which of those waiting starts typing).
steps = st.lists(
    st.tuples(st.sampled_from(["enter", "leave", "type"]), st.integers(min_value=0, max_value=40)),
    max_size=150,
)


def _model_first_to_go(waiting: list[tuple[int, str]], typing: set[int]) -> tuple[int, str]:
    """The spec: not typing before typing; then the address with the most; then the oldest."""
    candidates = [entry for entry in waiting if entry[0] not in typing] or waiting
    counts = {address: sum(a == address for _, a in candidates) for _, address in candidates}
    most = max(counts.values())
    return next(entry for entry in candidates if counts[entry[1]] == most)


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=6), steps)
def test_the_room_keeps_its_bounds_and_turns_away_as_specified(
    capacity: int, per_address: int, script: list[tuple[str, int]]
) -> None:
    typing: set[int] = set()
    room: WaitingRoom[int] = WaitingRoom(capacity, per_address, typing.__contains__)
    waiting: list[tuple[int, str]] = []  # the model: (item, address) in arrival order
    for number, (step, arg) in enumerate(script):
        if step == "enter":
            address = "ABC"[arg % 3]
            expected = []
            same = [entry for entry in waiting if entry[1] == address]
            if len(same) >= per_address:
                quiet = [entry for entry in same if entry[0] not in typing] or same
                expected.append(quiet[0])
                waiting.remove(quiet[0])
            if len(waiting) >= capacity:
                expected.append(_model_first_to_go(waiting, typing))
                waiting.remove(expected[-1])
            waiting.append((number, address))
            assert room.enter(number, address) == [item for item, _ in expected]
            assert number in room  # a newcomer is never the one turned away
        elif waiting and step == "leave":
            item, _ = waiting.pop(arg % len(waiting))
            room.leave(item)
        elif waiting:
            typing.add(waiting[arg % len(waiting)][0])
        assert len(room) == len(waiting) <= capacity
        for address in "ABC":
            count = sum(1 for _, a in waiting if a == address)
            assert room.waiting_from(address) == count <= per_address
        assert all(item in room for item, _ in waiting)


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("::ffff:192.0.2.7", "192.0.2.7"),  # an IPv4 peer on a dual-stack socket
        ("2001:db8:1:2::7", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:1:2:3", "2001:db8:1:2::/64"),  # the same subscriber's network
        ("2001:db8:1:3::7", "2001:db8:1:3::/64"),
        ("fe80::1%eth0", "fe80::/64"),
        ("?", "?"),
        ("/run/tablechat.sock", "/run/tablechat.sock"),
    ],
)
def test_address_keys(address: str, key: str) -> None:
    assert address_key(address) == key


class FakeLink:
    def __init__(self, address: str, typing: bool = False) -> None:
        self.peer = (address, 4242)
        self.typing = typing
        self.told: list[str] = []

    def turn_away(self, reason: str) -> None:
        self.told.append(reason)


def test_the_doorway_turns_away_with_the_reason_and_warns_once_a_minute(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="net")
    waiting_room: ServerWaitingRoom[FakeLink] = ServerWaitingRoom(capacity=2, per_address=2)
    links = [FakeLink(f"10.0.0.{i}") for i in range(6)]
    for i, link in enumerate(links[:4]):
        waiting_room.enter(link, now=float(i))  # the 3rd and 4th each turn one away
    assert [link.told for link in links[:4]] == [[CROWDED], [CROWDED], [], []]
    waiting_room.leave(links[2])
    waiting_room.enter(links[4], now=30.0)  # room for it: nobody leaves
    waiting_room.enter(links[5], now=62.5)  # links[3] leaves; a minute after the first warning
    assert links[3].told == [CROWDED]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "is someone flooding this host?" in warnings[0].getMessage()
    assert sum(r.getMessage().startswith("turning away 10.0.0.") for r in caplog.records) == 3
