"""The host's protocol object with a fake clock: the hello and its answer, version negotiation,
what each side may send, the ordered bye, and nothing read after the first error."""

from __future__ import annotations

import pytest

from net import messages
from net.errors import DuplicateKey, InvalidField, LocalProtocolError, UnexpectedMessage
from net.host_protocol import HostProtocol
from net.messages import Bye, Error, Hello, Ping, Refuse, Say, Show, encode_message
from net.protocol_events import (
    NEED_DATA,
    ConnectionLost,
    DeadlinePassed,
    HelloReceived,
    HelloRejected,
    PeerClosed,
    PeerFailed,
    PeerLeft,
    ProtocolFailed,
)
from net.protocol_state import State
from tests.net.support import LIMITS, T0, WELCOME, events, frame, open_host, sent


def hello(**fields: object) -> bytes:
    return frame(**{**Hello(name="bob").to_dict(), **fields})


# --- the hello -----------------------------------------------------------------------------


def test_a_hello_is_received_once_and_then_there_is_nothing_more() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(), T0 + 1)
    assert host.next_event() == HelloReceived(Hello(name="bob"))
    assert host.next_event() is NEED_DATA
    assert host.hello == Hello(name="bob") and host.version == 3


def test_a_hello_split_into_single_bytes_is_one_hello() -> None:
    host = HostProtocol(LIMITS, T0)
    for byte in hello():
        host.receive_data(bytes([byte]), T0)
    assert events(host) == [HelloReceived(Hello(name="bob"))]


def test_no_hello_within_the_hello_timeout_is_an_error_frame_and_the_end() -> None:
    host = HostProtocol(LIMITS, T0)
    assert host.next_deadline() == T0 + 10
    host.handle_timeout(T0 + 9.999)
    assert events(host) == [] and host.data_to_send() == b""
    host.handle_timeout(T0 + 10)
    assert events(host) == [DeadlinePassed("hello", "no hello within 10 s")]
    assert sent(host) == [{"type": "error", "reason": "no hello within 10 s"}]
    assert host.next_deadline() is None


def test_the_hello_deadline_counts_from_the_open_not_from_the_last_byte() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(b"\x00", T0 + 9)  # a byte of something keeps nothing alive
    host.handle_timeout(T0 + 10)
    assert isinstance(host.ended, DeadlinePassed) and host.ended.deadline == "hello"


def test_the_decision_after_the_hello_has_no_deadline() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(), T0)
    assert host.next_deadline() is None  # the program may take as long as it likes
    host.handle_timeout(T0 + 3600)
    assert events(host) == [HelloReceived(Hello(name="bob"))]


def test_a_ping_before_the_hello_is_answered() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(encode_message(Ping(id=7)), T0)
    assert sent(host) == [{"type": "pong", "id": 7}]
    assert events(host) == []


def test_a_first_frame_other_than_hello_is_a_protocol_error() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(frame(type="say", seq=1, text="hi"), T0)
    [ended] = events(host)
    assert isinstance(ended, ProtocolFailed) and isinstance(ended.error, UnexpectedMessage)
    assert ended.error.reason == "expected hello, received 'say'"
    assert sent(host) == [{"type": "error", "reason": "expected hello, received 'say'"}]


@pytest.mark.parametrize("version", [1, 2])
def test_both_versions_are_accepted_and_answered_in_their_own(version: int) -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(version=version), T0)
    assert events(host) == [HelloReceived(Hello(name="bob", version=version))]
    welcome = host.send(WELCOME, now=T0)  # WELCOME says version 2
    assert f'"version":{version}'.encode() in welcome


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"version": 4}, "versions 1, 2 and 3; you sent version 4"),
        ({"version": 0}, "you sent version 0"),
        ({"version": 1.0}, "you sent version 1.0"),
        ({"version": True}, "you sent version True"),
        ({"version": "2"}, "you sent version 2"),
        ({"protocol": "chess"}, "the tablechat protocol, not 'chess'"),
        # Checked before any other field: a later version may have fields we do not know.
        ({"version": 9, "future": 1}, "you sent version 9"),
    ],
)
def test_another_protocol_or_version_is_refused_with_code_version(
    fields: dict[str, object], reason: str
) -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(**fields), T0)
    [ended] = events(host)
    assert isinstance(ended, HelloRejected) and ended.refuse.code == "version"
    assert reason in ended.refuse.reason
    assert sent(host) == [ended.refuse.to_dict()]


def test_a_hello_breaking_a_field_rule_is_refused_as_bad_hello() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(name="<alice>"), T0)
    [ended] = events(host)
    assert isinstance(ended, HelloRejected) and ended.refuse.code == "bad-hello"
    assert ended.refuse.reason.startswith("bad hello: hello.name must not contain < or >")


def test_say_lines_sent_right_after_the_hello_wait_for_the_welcome() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello() + encode_message(Say(1, "early")), T0)
    assert events(host) == [HelloReceived(Hello(name="bob")), Say(1, "early")]


# --- the answer and what the host sends ----------------------------------------------------


def test_the_welcome_speaks_the_joins_version() -> None:
    host = open_host(version=1)
    assert host.version == 1


def test_a_version_1_join_is_never_sent_version_2_fields() -> None:
    host = open_host(version=1)
    show = host.send(Show(kind="chat", text="hi", seq=4))
    assert b'"seq"' not in show
    bye = host.send(Bye(reason="you were replaced by a newer connection", code="replaced"))
    assert bye.endswith(b'{"type":"bye","reason":"replaced"}')


def a_later_kind(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make "later" a show kind of a version after the newest (each real one is tested with the
    feature that brings it)."""
    since = {**messages.SHOW_KIND_SINCE, "later": messages.PROTOCOL_VERSION + 1}
    monkeypatch.setattr(messages, "SHOW_KIND_SINCE", since)
    monkeypatch.setattr(messages, "SHOW_KINDS", frozenset(since))
    return "later"


def test_a_show_of_a_kind_the_joins_version_lacks_is_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kind = a_later_kind(monkeypatch)
    host = open_host(version=messages.PROTOCOL_VERSION)
    assert host.send(Show(kind=kind, text="for later programs", seq=5)) == b""
    assert b'"seq":6' in host.send(Show(kind="chat", text="hi", seq=6))  # the others go on


def test_a_version_2_join_gets_seq_and_code() -> None:
    host = open_host(version=2)
    assert b'"seq":4' in host.send(Show(kind="chat", text="hi", seq=4))
    assert b'"code":"replaced"' in host.send(Bye(reason="taken over", code="replaced"))


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        (Show(kind="chat", text="too soon"), "only be sent after the welcome"),
        (Say(1, "x"), "this side sends show messages, not Say"),
        (Hello(name="bob"), "this side sends show messages, not Hello"),
    ],
)
def test_what_the_host_may_not_send_before_answering(message: Show | Say, problem: str) -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(), T0)
    with pytest.raises(LocalProtocolError, match=problem):
        host.send(message)


def test_a_hello_is_answered_once() -> None:
    host = HostProtocol(LIMITS, T0)
    with pytest.raises(LocalProtocolError, match="no hello to answer"):
        host.send(WELCOME)
    host.receive_data(hello(), T0)
    host.send(WELCOME, now=T0)
    with pytest.raises(LocalProtocolError, match="once"):
        host.send(Refuse(reason="full", code="full"))


def test_after_a_refusal_nothing_more_is_read() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(), T0)
    events(host)
    host.send(Refuse(reason="this table is full", code="full"))
    host.receive_data(encode_message(Say(1, "let me in")), T0)
    assert events(host) == [] and host.next_deadline() is None


def test_nothing_may_be_sent_after_our_bye_and_no_pong_either() -> None:
    host = open_host()
    host.send(Bye())
    assert host.our_state is State.BYE_SENT
    with pytest.raises(LocalProtocolError, match="after bye"):
        host.send(Show(kind="chat", text="too late"))
    host.receive_data(encode_message(Ping(id=1)), T0)
    assert host.data_to_send() == b""


# --- what the host receives once open ------------------------------------------------------


def test_lines_arrive_in_order() -> None:
    host = open_host()
    host.receive_data(b"".join(encode_message(Say(n, f"line {n}")) for n in (1, 2, 3)), T0)
    assert events(host) == [Say(1, "line 1"), Say(2, "line 2"), Say(3, "line 3")]


def test_a_show_from_the_join_is_a_protocol_error() -> None:
    host = open_host()
    host.receive_data(encode_message(Show(kind="chat", text="x")), T0)
    [ended] = events(host)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == "expected say messages, received show"


def test_a_second_hello_is_a_protocol_error() -> None:
    host = open_host()
    host.receive_data(hello(), T0)
    [ended] = events(host)
    assert isinstance(ended, ProtocolFailed)
    assert ended.error.reason == "expected say messages, received hello"


def test_the_bye_comes_after_every_line_before_it_and_nothing_after_it_is_read() -> None:
    host = open_host()
    host.receive_data(
        encode_message(Say(1, "a"))
        + encode_message(Say(2, "b"))
        + encode_message(Bye(reason="left"))
        + encode_message(Say(3, "after the bye")),
        T0,
    )
    assert host.ended == PeerLeft("left", "left")  # visible at once, to react early
    assert events(host) == [Say(1, "a"), Say(2, "b"), PeerLeft("left", "left")]
    host.receive_data(encode_message(Say(4, "later still")), T0)
    assert events(host) == []


@pytest.mark.parametrize(
    ("bye", "code"),
    [
        (Bye(reason="flooding"), "flooding"),  # version 1: the reason is the code
        (Bye(reason="you were flooding the chat", code="flooding"), "flooding"),
        (Bye(reason="gone fishing"), None),
    ],
)
def test_a_bye_carries_its_code(bye: Bye, code: str | None) -> None:
    host = open_host()
    host.receive_data(encode_message(bye), T0)
    assert events(host) == [PeerLeft(bye.reason, code)]


def test_nothing_after_the_first_error_is_read() -> None:
    host = open_host()
    host.receive_data(
        encode_message(Say(1, "fine"))
        + frame(type="say", seq=2, text="a", extra=1)
        + encode_message(Say(3, "after the error")),
        T0,
    )
    first, ended = events(host)
    assert first == Say(1, "fine")
    assert isinstance(ended, ProtocolFailed) and isinstance(ended.error, InvalidField)
    assert [f["type"] for f in sent(host)] == ["error"]
    host.receive_data(encode_message(Say(4, "still nothing")), T0)
    assert events(host) == [] and host.data_to_send() == b""


def test_a_broken_frame_ends_it_with_a_typed_error() -> None:
    host = open_host()
    host.receive_data(b'\x00\x00\x00\x1b{"type":"say","type":"say"}', T0)
    [ended] = events(host)
    assert isinstance(ended, ProtocolFailed) and isinstance(ended.error, DuplicateKey)


def test_the_peers_error_frame_ends_it() -> None:
    host = open_host()
    host.receive_data(encode_message(Error(reason="you are wrong")), T0)
    assert events(host) == [PeerFailed("you are wrong")]
    assert host.data_to_send() == b""  # no error answers an error


def test_end_of_stream_without_bye_is_a_lost_connection() -> None:
    host = open_host()
    host.receive_data(b"", T0)
    assert events(host) == [ConnectionLost()]


def test_end_of_stream_after_our_bye_is_the_answer_to_it() -> None:
    host = open_host()
    host.send(Bye())
    host.receive_data(encode_message(Say(1, "answered")), T0)
    host.receive_data(b"", T0)
    assert events(host) == [Say(1, "answered"), PeerClosed()]


# --- the program's own rules (fail) --------------------------------------------------------


def test_fail_drops_the_lines_behind_the_bad_one_and_sends_the_reason() -> None:
    host = open_host()
    host.receive_data(b"".join(encode_message(Say(n, "x")) for n in (1, 7, 8)), T0)
    assert host.next_event() == Say(1, "x")
    assert host.next_event() == Say(7, "x")  # the program finds 7 skips 2–6
    host.fail(UnexpectedMessage("say.seq 7 skips 2–6: expected 2"))
    [ended] = events(host)
    assert isinstance(ended, ProtocolFailed)
    assert sent(host) == [{"type": "error", "reason": "say.seq 7 skips 2–6: expected 2"}]


def test_fail_overrides_an_unread_bye_but_no_other_end() -> None:
    host = open_host()
    host.receive_data(encode_message(Say(9, "x")) + encode_message(Bye()), T0)
    assert host.next_event() == Say(9, "x")
    host.fail(UnexpectedMessage("bad seq"))
    assert isinstance(host.ended, ProtocolFailed)
    assert events(host) == [host.ended]
    # Once an end has been read, or for any other end, fail changes nothing.
    host.fail(UnexpectedMessage("again"))
    assert events(host) == [] and sent(host) == [{"type": "error", "reason": "bad seq"}]
    lost = open_host()
    lost.receive_data(b"", T0)
    lost.fail(UnexpectedMessage("too late"))
    assert events(lost) == [ConnectionLost()] and lost.data_to_send() == b""


def test_keep_alive_counts_from_the_welcome_not_from_the_hello() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(hello(), T0)
    events(host)
    host.send(WELCOME, now=T0 + 25)  # the program took 25 s to decide
    assert host.next_deadline() == T0 + 35  # a ping 10 s after the welcome, not dead at T0+30
    host.handle_timeout(T0 + 54.9)
    assert host.ended is None
