"""The state machine of the protocol objects: the table itself (every forbidden move is an error
naming the state, the ends are final), a session walked through it, and a property: whatever
the peer sends and the caller does, in any order, the two states only ever move along the
table — by the moves that call can make — a forbidden call changes nothing, and an ending
stays the ending."""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from net import protocol_state
from net.codec import encode
from net.errors import LocalProtocolError, UnexpectedMessage
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.messages import (
    Bye,
    Error,
    Hello,
    Message,
    Ping,
    Pong,
    Refuse,
    Say,
    Show,
    Welcome,
    encode_message,
)
from net.protocol_base import ProtocolBase
from net.protocol_events import NEED_DATA, Event, PeerLeft
from net.protocol_state import OWNER, TRANSITIONS, Half, Input, State, transition
from tests.net.support import LIMITS, T0, WELCOME, decode_frames, events

Pair = tuple[State, State]


def reachable(start: Pair, inputs: frozenset[Input]) -> set[Pair]:
    """The pairs the table can take *start* to with any number of moves among *inputs*."""
    seen, todo = {start}, [start]
    while todo:
        ours, theirs = todo.pop()
        for event in inputs:
            with contextlib.suppress(LocalProtocolError):
                after = transition(ours, theirs, event)
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
    return seen


#: What each kind of call may do to the state: the inputs it can fire, in any number.
_BY_THE_PEER = frozenset(
    {Input.HELLO_IN, Input.HELLO_REFUSED, Input.WELCOME_IN, Input.PEER_ENDED, Input.ERROR_OUT}
)
_ENDING = frozenset({Input.PEER_ENDED, Input.ERROR_OUT})
CALL_INPUTS: dict[str, frozenset[Input]] = {
    "feed": _BY_THE_PEER,
    "eof": frozenset({Input.PEER_ENDED}),
    "tick": _ENDING,
    "on time": _ENDING,
    "fail": _ENDING,
    "read": frozenset(),
    "pause": frozenset({Input.PAUSE}),
    "resume": frozenset({Input.RESUME}),
}
#: A message sent moves the state by exactly one input (a line by none).
SENT_INPUT: dict[type[Message], Input] = {
    Welcome: Input.WELCOME_OUT,
    Refuse: Input.REFUSE_OUT,
    Bye: Input.BYE_OUT,
    Error: Input.ERROR_OUT,
}


# --- the table ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "state"), list(itertools.product(Input, State)))
def test_a_move_the_table_lacks_is_an_error_naming_the_state(event: Input, state: State) -> None:
    owner = OWNER[event]
    # The other half in a state that takes no part: only the owner's state decides.
    ours, theirs = (state, State.CLOSED) if owner is Half.OURS else (State.CLOSED, state)
    if state in TRANSITIONS[event][owner]:
        assert (
            transition(ours, theirs, event)[0 if owner is Half.OURS else 1]
            is (TRANSITIONS[event][owner][state])
        )
        return
    with pytest.raises(LocalProtocolError, match=rf"\({owner.value} is {state.value}\)$"):
        transition(ours, theirs, event)


def _table_text() -> str:
    """:data:`TRANSITIONS` written out as the module docstring shows it."""
    rows = []
    for event, moves in TRANSITIONS.items():
        owner = OWNER[event]
        halves = [owner, *(half for half in moves if half is not owner)]
        for number, half in enumerate(halves):
            targets: dict[State, list[State]] = {}
            for start, end in moves[half].items():
                targets.setdefault(end, []).append(start)
            move = "; ".join(
                f"{', '.join(s.name for s in starts)} -> {end.name}"
                for end, starts in targets.items()
            )
            name = event.name if number == 0 else ""
            rows.append(f"    {name:<15}{half.name.lower():<8}{move}")
    return "\n".join(rows) + "\n"


def test_the_table_in_the_docstring_is_the_table() -> None:
    assert protocol_state.__doc__ is not None
    assert _table_text() in protocol_state.__doc__


def test_every_input_moves_the_half_it_belongs_to() -> None:
    for event, owner in OWNER.items():
        assert TRANSITIONS[event][owner], event
    assert set(OWNER) == set(TRANSITIONS) == set(Input)


@pytest.mark.parametrize(("event", "other"), list(itertools.product(Input, State)))
def test_the_ends_are_final(event: Input, other: State) -> None:
    # Nothing leaves our bye or our closing, nor the peer's end: an ending is sticky.
    for ours in (State.BYE_SENT, State.CLOSED):
        with contextlib.suppress(LocalProtocolError):
            assert transition(ours, other, event)[0] is ours
    with contextlib.suppress(LocalProtocolError):
        assert transition(other, State.CLOSED, event)[1] is State.CLOSED


def test_a_host_session_walks_the_table() -> None:
    host = HostProtocol(LIMITS, T0)
    assert (host.our_state, host.their_state) == (State.HANDSHAKE, State.HANDSHAKE)
    host.receive_data(encode_message(Hello(name="bob")), T0)
    assert (host.our_state, host.their_state) == (State.DECIDING, State.LINES)
    host.send(WELCOME, now=T0)
    assert (host.our_state, host.their_state) == (State.LINES, State.LINES)
    host.pause_reading()
    assert host.their_state is State.PAUSED
    host.resume_reading(T0 + 1)
    host.send(Bye())
    assert (host.our_state, host.their_state) == (State.BYE_SENT, State.LINES)
    host.receive_data(b"", T0 + 2)
    assert (host.our_state, host.their_state) == (State.BYE_SENT, State.CLOSED)


def test_a_join_session_walks_the_table() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    assert (join.our_state, join.their_state) == (State.HANDSHAKE, State.HANDSHAKE)
    join.receive_data(encode_message(Welcome(name="bob", host="ann", token="t")), T0)
    assert (join.our_state, join.their_state) == (State.LINES, State.LINES)
    join.receive_data(encode_message(Bye()), T0)
    assert (join.our_state, join.their_state) == (State.LINES, State.CLOSED)
    join.send(Say(1, "an answer to what came before the bye"))
    join.send(Error(reason="changed my mind"))
    assert (join.our_state, join.their_state) == (State.CLOSED, State.CLOSED)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        (Show(kind="chat", text="x"), r"after bye \(our side is bye sent\)"),
        (Bye(), r"after bye \(our side is bye sent\)"),
        (Error(reason="x"), r"after bye \(our side is bye sent\)"),
        (Refuse(reason="x", code="full"), r"after bye \(our side is bye sent\)"),
    ],
)
def test_what_cannot_be_sent_names_our_state(message: Message, problem: str) -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(encode_message(Hello(name="bob")), T0)
    host.send(WELCOME, now=T0)
    host.send(Bye())
    with pytest.raises(LocalProtocolError, match=problem):
        host.send(message)


def test_a_show_before_the_welcome_names_the_deciding_state() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(encode_message(Hello(name="bob")), T0)
    with pytest.raises(LocalProtocolError, match=r"after the welcome \(our side is deciding\)"):
        host.send(Show(kind="chat", text="too soon"))


def test_pausing_during_the_handshake_or_resuming_unpaused_is_an_error() -> None:
    host = HostProtocol(LIMITS, T0)
    with pytest.raises(LocalProtocolError, match=r"their side is handshake"):
        host.pause_reading()
    host.receive_data(encode_message(Hello(name="bob")), T0)
    with pytest.raises(LocalProtocolError, match=r"not paused \(their side is lines\)"):
        host.resume_reading(T0)


# --- any sequence: only along the table, and the end stays the end -------------------------------


def _frame(obj: dict[str, Any]) -> bytes:
    return encode(obj)


#: Frames that leave a connection going (once open), and frames that end it or break a rule:
#: the first kind three times as likely, so that sequences go on long enough to meet the rest.
#: The line a side receives, fed as "line" (the other side's line breaks the protocol).
LINES_IN: dict[str, bytes] = {
    "host": encode_message(Say(1, "hi")),
    "join": encode_message(Show(kind="chat", text="hi")),
}
GOING_ON = [b"line", encode_message(Ping(id=5)), encode_message(Pong(id=5))]
ENDING_OR_WRONG = [
    *LINES_IN.values(),
    encode_message(Hello(name="bob")),
    encode_message(Hello(name="bob", version=1)),
    _frame({"type": "hello", "protocol": "tablechat", "version": 9, "name": "bob"}),
    _frame({"type": "hello", "protocol": "tablechat", "version": 2, "name": "<x>"}),
    encode_message(Welcome(name="bob", host="ann", token="t")),
    encode_message(Refuse(reason="full", code="full")),
    encode_message(Bye(reason="left")),
    encode_message(Error(reason="you broke it")),
    b"\x00\x00\x00\x00",  # an empty frame
    _frame({"type": "nonsense"}),
]
CUTS = st.integers(min_value=0, max_value=40)
#: What lets a connection go on (or leaves it as it is), and what ends it or breaks a rule: the
#: first kind seven times as likely, so that sequences go on long enough to meet the rest.
GOING_ON_ACTIONS = st.one_of(
    st.tuples(st.just("feed"), st.sampled_from(GOING_ON), CUTS),
    st.tuples(st.just("tick"), st.sampled_from([0.0, 0.5, 5.0, 10.0])),
    st.tuples(st.just("on time")),
    st.tuples(
        st.just("send"),
        st.sampled_from(
            [WELCOME, Show(kind="chat", text="hi"), Say(1, "hi"), Bye(), Hello(name="bob")]
        ),
    ),
    st.tuples(st.just("pause")),
    st.tuples(st.just("resume")),
    st.tuples(st.just("read")),
)
ENDING_ACTIONS = st.one_of(
    st.tuples(st.just("feed"), st.sampled_from(ENDING_OR_WRONG), CUTS),
    st.tuples(st.just("eof")),
    st.tuples(st.just("tick"), st.sampled_from([16.0, 31.0, 100.0])),  # some of them our pause
    st.tuples(
        st.just("send"),
        st.sampled_from([Refuse(reason="this table is full", code="full"), Error(reason="no")]),
    ),
    st.tuples(st.just("fail")),
)
ACTIONS = st.sampled_from([GOING_ON_ACTIONS] * 7 + [ENDING_ACTIONS]).flatmap(lambda kind: kind)


class Driver:
    """Plays one action on a protocol object, keeping the fake clock and what was read."""

    def __init__(self, side: str, protocol: ProtocolBase) -> None:
        self.line = LINES_IN[side]
        self.protocol = protocol
        self.now = T0
        self.read: list[Event] = []
        self.sent: list[dict[str, Any]] = []

    def play(self, action: tuple[Any, ...]) -> None:
        protocol = self.protocol
        name = action[0]
        if name == "feed":
            data, cut = self.line if action[1] == b"line" else action[1], action[2]
            for piece in (data[:cut], data[cut:]):
                if piece:  # b"" would be the end of the stream: that is "eof"
                    protocol.receive_data(piece, self.now)
        elif name == "eof":
            protocol.receive_data(b"", self.now)
        elif name == "tick":
            self.now += action[1]
            protocol.handle_timeout(self.now)
        elif name == "on time":
            due = protocol.next_deadline()
            if due is not None:
                self.now = max(self.now, due)
                protocol.handle_timeout(self.now)
        elif name == "send":
            protocol.send(action[1], now=self.now)
        elif name == "pause":
            protocol.pause_reading()
        elif name == "resume":
            protocol.resume_reading(self.now)
        elif name == "fail":
            protocol.fail(UnexpectedMessage("the caller's own rule"))
        else:
            self.read += events(protocol)


def _unread_bye(protocol: ProtocolBase) -> bool:
    """Whether the ending is a peer's bye not read yet (the one ending fail may override)."""
    return isinstance(protocol.ended, PeerLeft) and protocol.pending_events > 0


_HELLO = ("feed", encode_message(Hello(name="bob")), 99)
#: Where a sequence starts, so that most reach the open states: as it comes, the hello read
#: (and welcomed) by a host, the welcome read by a join.
OPENINGS: dict[str, list[list[tuple[Any, ...]]]] = {
    "host": [[], [_HELLO], [_HELLO, ("send", WELCOME)]],
    "join": [[], [("feed", encode_message(Welcome(name="bob", host="ann", token="t")), 99)]],
}
SESSIONS = st.sampled_from(["host", "join"]).flatmap(
    lambda side: st.tuples(st.just(side), st.sampled_from(OPENINGS[side]))
)


@settings(max_examples=500)  # sequences are long: many examples to meet the rare
@given(SESSIONS, st.lists(ACTIONS, min_size=5, max_size=40))
def test_any_sequence_moves_only_along_the_table_and_endings_stay(
    session: tuple[str, list[tuple[Any, ...]]], actions: list[tuple[Any, ...]]
) -> None:
    side, opening = session
    protocol: ProtocolBase = (
        HostProtocol(LIMITS, T0) if side == "host" else JoinProtocol(Hello(name="bob"), LIMITS, T0)
    )
    driver = Driver(side, protocol)
    for action in opening + actions:
        driver.sent += decode_frames(protocol.data_to_send())  # well framed, whatever it is
        before = (protocol.our_state, protocol.their_state)
        ended, overridable = protocol.ended, _unread_bye(protocol)
        due = protocol.next_deadline()
        try:
            driver.play(action)
        except LocalProtocolError:
            # A forbidden call changes nothing and sends nothing.
            assert (protocol.our_state, protocol.their_state) == before
            assert protocol.data_to_send() == b""
            continue
        after = (protocol.our_state, protocol.their_state)
        if action[0] == "send":
            event = SENT_INPUT.get(type(action[1]))
            assert after == (before if event is None else transition(*before, event))
        else:
            assert after in reachable(before, CALL_INPUTS[action[0]]), (action, before, after)
        if ended is not None and not (overridable and action[0] == "fail"):
            assert protocol.ended is ended  # sticky: an ending is never replaced
        if ended is not None:
            assert protocol.their_state is State.CLOSED
        if before[0] in (State.BYE_SENT, State.CLOSED):
            assert protocol.data_to_send() == b""  # nothing at all after our bye or error
        if action[0] == "tick" and due is not None and driver.now - due > LIMITS.dead_after / 2:
            assert protocol.ended is ended  # our own pause: nothing ends in that call
    driver.play(("read",))
    endings = [e for e in driver.read if e is protocol.ended]
    assert len(endings) <= 1 and (not endings or driver.read[-1] is endings[0])
    if protocol.their_state is State.CLOSED:  # nothing more is read, whatever comes
        protocol.receive_data(encode_message(Say(2, "late")), driver.now)
        protocol.receive_data(encode_message(Show(kind="chat", text="late")), driver.now)
        assert protocol.next_event() is NEED_DATA and protocol.next_deadline() is None
