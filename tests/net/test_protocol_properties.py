"""Property tests of the protocol objects: whatever bytes arrive, split wherever, only typed
events come out (never an exception), nothing is handed out after the end, and lines make the
round trip between a host and a join object exactly, at any split."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from net.codec import encode
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.messages import (
    MAX_INT,
    SHOW_KINDS,
    Bye,
    Error,
    Hello,
    Say,
    Show,
    encode_message,
    kinds_unknown_to,
)
from net.protocol_base import ProtocolBase
from net.protocol_events import (
    NEED_DATA,
    DeadlinePassed,
    HelloReceived,
    HelloRejected,
    PeerFailed,
    PeerLeft,
    ProtocolFailed,
    Welcomed,
)
from net.protocol_state import State
from tests.net.support import (
    LIMITS,
    T0,
    WELCOME,
    decode_frames,
    events,
    open_host,
    open_join,
)

TYPES = ["hello", "welcome", "refuse", "say", "show", "ping", "pong", "bye", "error", "x"]
FIELDS = ["protocol", "version", "name", "code", "token", "seen", "seq", "text", "kind", "from"]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-1, max_value=MAX_INT + 1),
    st.text(max_size=12),
    st.sampled_from(["tablechat", "bob", "chat", "left", "version", "full"]),
)
#: Objects shaped like messages, mostly wrong: they reach every field check.
OBJECTS = st.builds(
    lambda kind, fields: {"type": kind, **fields},
    st.sampled_from(TYPES),
    st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=6),
)


def feed(protocol: ProtocolBase, data: bytes, cuts: list[int], step: float) -> list[Any]:
    """Feed *data* to *protocol* in pieces cut at *cuts*, time advancing by *step* per piece
    (with a timeout check after each), and return every event, checking the invariants."""
    now = T0
    got: list[Any] = []
    bounds = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    for start, end in itertools.pairwise(bounds):
        protocol.receive_data(data[start:end], now)
        now += step
        protocol.handle_timeout(now)
        got.extend(events(protocol))
        decode_frames(protocol.data_to_send())  # whatever it sends is well-framed
    endings = [e for e in got if e is protocol.ended]
    assert len(endings) <= 1 and (not endings or got[-1] is endings[0])
    if isinstance(protocol.ended, ProtocolFailed):
        assert protocol.ended.error.reason  # a typed error with a reason for the error frame
    if protocol.ended is not None:  # the end was the last event: nothing is read after it
        protocol.receive_data(encode_message(Say(1, "x")), now)
        protocol.handle_timeout(now + 100)
        assert protocol.next_event() is NEED_DATA
    return got


CUTS = st.lists(st.integers(min_value=0, max_value=10_000), max_size=12)
STEPS = st.sampled_from([0.0, 0.5, 4.0, 11.0])


@given(st.binary(max_size=400), CUTS, STEPS)
def test_arbitrary_bytes_to_a_host_give_only_typed_events(
    data: bytes, cuts: list[int], step: float
) -> None:
    feed(HostProtocol(LIMITS, T0), data, cuts, step)
    feed(open_host(), data, cuts, step)


@given(st.binary(max_size=400), CUTS, STEPS)
def test_arbitrary_bytes_to_a_join_give_only_typed_events(
    data: bytes, cuts: list[int], step: float
) -> None:
    feed(JoinProtocol(Hello(name="bob"), LIMITS, T0), data, cuts, step)
    feed(open_join(), data, cuts, step)


@given(st.lists(OBJECTS, min_size=1, max_size=6), CUTS)
def test_message_shaped_frames_give_only_typed_events(
    objects: list[dict[str, Any]], cuts: list[int]
) -> None:
    data = b"".join(encode(obj) for obj in objects)
    for fresh in (
        HostProtocol(LIMITS, T0),
        open_host(version=1),
        JoinProtocol(Hello(name="bob"), LIMITS, T0),
        open_join(),
    ):
        got = feed(fresh, data, cuts, 0.0)
        allowed = (HelloReceived, HelloRejected, Welcomed, Say, Show)
        assert all(isinstance(e, allowed) or e is fresh.ended for e in got)


SAYS = st.lists(
    st.builds(Say, st.integers(min_value=0, max_value=MAX_INT), st.text(max_size=40)), max_size=8
)
SHOWS = st.lists(
    st.builds(
        Show,
        st.sampled_from(sorted(SHOW_KINDS)),
        st.text(max_size=40),
        st.sampled_from([None, "ann"]),
        st.one_of(st.none(), st.integers(min_value=1, max_value=MAX_INT)),
    ),
    max_size=8,
)


def _usable(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


@given(SAYS, SHOWS, CUTS, st.sampled_from([1, 2, 3]))
def test_lines_make_the_round_trip_at_any_split(
    says: list[Say], shows: list[Show], cuts: list[int], version: int
) -> None:
    says = [s for s in says if _usable(s.text)]
    # a kind a version lacks is never sent to it (test_host_protocol covers that rule)
    later = kinds_unknown_to(version)
    shows = [s for s in shows if _usable(s.text) and s.kind not in later]
    join = JoinProtocol(Hello(name="bob", version=version), LIMITS, T0)
    host = HostProtocol(LIMITS, T0)
    feed(host, join.data_to_send(), cuts, 0.0)
    feed(join, host.send(WELCOME, now=T0), cuts, 0.0)
    assert join.our_state is State.LINES and join.version == version

    got = feed(host, b"".join(join.send(say) for say in says), cuts, 0.0)
    assert got == says
    got = feed(join, b"".join(host.send(show) for show in shows), cuts, 0.0)
    # A version 1 join is never sent show.seq, nor any join a kind its version lacks.
    lacks = kinds_unknown_to(version)
    assert got == [
        s if version > 1 else Show(s.kind, s.text, s.sender) for s in shows if s.kind not in lacks
    ]
    assert host.ended is None and join.ended is None


@given(st.lists(st.sampled_from([0.0, 3.0, 9.99, 10.0, 29.0, 31.0]), max_size=10))
def test_any_sequence_of_timeouts_keeps_the_deadlines_in_order(steps: list[float]) -> None:
    host = open_host()
    now = T0
    for step in steps:
        deadline = host.next_deadline()
        now += step
        host.handle_timeout(now)
        host.data_to_send()
        if host.ended is not None:
            assert isinstance(host.ended, DeadlinePassed) and host.ended.deadline == "silence"
            assert deadline is not None and now >= deadline
            assert host.next_deadline() is None
            return
        after = host.next_deadline()
        assert after is not None and after > now  # never a deadline already due


ENDINGS = st.sampled_from(
    [
        encode_message(Bye(reason="left")),
        encode_message(Error(reason="you broke it")),
        b"\x00\x00\x00\x00",  # an empty frame: a framing error
        encode({"type": "show", "kind": "chat", "text": "a host never receives this"}),
    ]
)


@given(
    st.lists(st.text(max_size=20).filter(_usable), max_size=6),
    ENDINGS,
    st.binary(max_size=60),
    CUTS,
)
def test_everything_before_the_end_comes_out_and_nothing_after_it(
    texts: list[str], ending: bytes, after: bytes, cuts: list[int]
) -> None:
    lines = [Say(n, text) for n, text in enumerate(texts, start=1)]
    data = b"".join(encode_message(line) for line in lines) + ending
    host = open_host()
    got = feed(host, data + after, cuts, 0.0)
    assert got[: len(lines)] == lines
    assert got[len(lines) :] == [host.ended]
    assert isinstance(host.ended, PeerLeft | PeerFailed | ProtocolFailed)
