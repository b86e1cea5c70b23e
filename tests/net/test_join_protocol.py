"""The join's protocol object with a fake clock: the hello, the answer and its deadline, the
fallback one version at a time, and what the join may send and receive."""

from __future__ import annotations

import pytest

from net import messages
from net.errors import LocalProtocolError
from net.join_protocol import JoinProtocol, fallback_hello
from net.messages import Bye, Hello, Ping, Refuse, Say, Show, Welcome, encode_message
from net.protocol_events import DeadlinePassed, PeerLeft, ProtocolFailed, RefusedByHost, Welcomed
from net.protocol_state import State
from tests.net.support import LIMITS, T0, events, frame, open_join, sent


def test_the_hello_is_the_first_thing_to_send() -> None:
    join = JoinProtocol(Hello(name="bob", seen=12), LIMITS, T0)
    assert sent(join) == [Hello(name="bob", seen=12).to_dict()]
    assert join.data_to_send() == b""


def test_a_hello_too_large_for_a_frame_is_refused_before_anything() -> None:
    small = LIMITS.__class__(max_frame=20)
    with pytest.raises(LocalProtocolError, match="frame limit"):
        JoinProtocol(Hello(name="bob"), small, T0)


def test_a_welcome_opens_the_connection_in_its_version() -> None:
    join = open_join(version=1)
    assert join.version == 1 and join.our_state is State.LINES
    assert join.welcome is not None and join.welcome.version == 1


def test_a_show_of_a_kind_our_version_lacks_is_a_protocol_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    since = {**messages.SHOW_KIND_SINCE, "later": messages.PROTOCOL_VERSION + 1}
    monkeypatch.setattr(messages, "SHOW_KIND_SINCE", since)
    monkeypatch.setattr(messages, "SHOW_KINDS", frozenset(since))
    join = open_join(version=messages.PROTOCOL_VERSION)
    join.receive_data(frame(type="show", kind="chat", text="hi", **{"from": None}), T0)
    join.receive_data(frame(type="show", kind="later", text="x", **{"from": None}), T0)
    shown, ended = events(join)
    assert shown == Show(kind="chat", text="hi")
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == (
        f"a show of kind 'later' is not in protocol version {messages.PROTOCOL_VERSION}"
    )


def test_a_refusal_ends_it() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    refuse = Refuse(reason="this table is full", code="full")
    join.receive_data(encode_message(refuse), T0 + 0.1)
    assert events(join) == [RefusedByHost(refuse)]
    assert join.next_deadline() is None


def test_no_answer_within_the_hello_timeout_ends_it_without_an_error_frame() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    join.data_to_send()
    join.receive_data(encode_message(Ping(id=1)), T0 + 5)  # pings do not answer a hello
    assert sent(join) == [{"type": "pong", "id": 1}]
    assert join.next_deadline() == T0 + 10
    join.handle_timeout(T0 + 10)
    assert events(join) == [DeadlinePassed("answer", "no answer within 10 s")]
    assert join.data_to_send() == b""


def test_a_welcome_of_a_version_we_do_not_speak_is_a_protocol_error_naming_both() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    join.data_to_send()
    welcome = Welcome(name="bob", host="ann", token="t", version=4).to_dict()
    join.receive_data(frame(**welcome), T0)
    [ended] = events(join)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == (
        "the host speaks tablechat protocol version 4; "
        "we speak tablechat protocol versions 1, 2 and 3"
    )
    assert sent(join) == [{"type": "error", "reason": ended.error.reason}]


def test_a_show_before_the_answer_is_a_protocol_error() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    join.receive_data(encode_message(Show(kind="chat", text="x")), T0)
    [ended] = events(join)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == "expected welcome or refuse, received show"


def test_once_open_only_shows_are_received() -> None:
    join = open_join()
    join.receive_data(encode_message(Show(kind="chat", text="hi", sender="ann", seq=1)), T0)
    assert events(join) == [Show(kind="chat", text="hi", sender="ann", seq=1)]
    join.receive_data(encode_message(Say(1, "x")), T0)
    [ended] = events(join)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == "expected show messages, received say"


def test_what_the_join_may_send() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    with pytest.raises(LocalProtocolError, match="after the welcome"):
        join.send(Say(1, "too soon"))
    join = open_join()
    assert join.send(Say(1, "hi")) == encode_message(Say(1, "hi"))
    with pytest.raises(LocalProtocolError, match="this side sends say messages, not Show"):
        join.send(Show(kind="chat", text="x"))
    join.send(Bye())
    with pytest.raises(LocalProtocolError, match="after bye"):
        join.send(Say(2, "after bye"))


def test_a_host_leaving_says_why() -> None:
    join = open_join()
    join.receive_data(encode_message(Bye(reason="ann closed the table", code="left")), T0)
    assert events(join) == [PeerLeft("ann closed the table", "left")]


# --- falling back one version at a time -------------------------------------------------------


VERSION = Refuse(reason="this host speaks tablechat protocol version 1", code="version")


def test_a_refused_hello_falls_back_one_version_keeping_seen_until_version_1() -> None:
    newest = Hello(name="bob", token="t", seen=5)
    assert newest.version == 3
    second = fallback_hello(newest, VERSION)
    assert second == Hello(name="bob", token="t", seen=5, version=2)
    assert second is not None
    assert fallback_hello(second, VERSION) == Hello(name="bob", token="t", version=1)


@pytest.mark.parametrize(
    ("hello", "refuse"),
    [
        (Hello(name="bob", version=1), VERSION),  # already version 1: once is enough
        (Hello(name="bob", version=4), VERSION),  # not ours to fall back from
        (Hello(name="bob"), Refuse(reason="full", code="full")),
        (Hello(name="bob", protocol="chess"), VERSION),
    ],
)
def test_no_fallback_otherwise(hello: Hello, refuse: Refuse) -> None:
    assert fallback_hello(hello, refuse) is None


def test_welcomed_is_an_event_once() -> None:
    join = JoinProtocol(Hello(name="bob"), LIMITS, T0)
    welcome = Welcome(name="bob", host="ann", token="t")
    join.receive_data(encode_message(welcome) + encode_message(welcome), T0)
    first, ended = events(join)
    assert first == Welcomed(welcome)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == "expected show messages, received welcome"
