"""Every deadline of the protocol objects, with a fake clock: keep-alive pings, dead after
silence, the slow frame (slowloris), how flow control stops the peer's clocks, and how our own
pause (a process stopped, then continued) is not counted as the peer's silence.

These replace real-time tests that waited for the same deadlines on sockets (each named in
the commit that removed it); the socket tests that remain prove the adapter's one timer."""

from __future__ import annotations

import pytest

from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.messages import Bye, Hello, Ping, Pong, Say, Show, encode_message
from net.protocol_base import ProtocolBase
from net.protocol_events import DeadlinePassed, PeerLeft
from net.protocol_state import State
from tests.net.support import (
    LIMITS,
    T0,
    events,
    on_time_until,
    open_host,
    open_join,
    sent,
    timed_out,
)


def line(opened: ProtocolBase) -> tuple[bytes, Say | Show]:
    """A line *opened* may receive, as a frame and as the event it becomes."""
    message: Say | Show = (
        Say(1, "a line") if isinstance(opened, HostProtocol) else Show("chat", "a")
    )
    return encode_message(message), message


@pytest.fixture(params=["host", "join"])
def opened(request: pytest.FixtureRequest) -> ProtocolBase:
    """An open protocol object of either side: the keep-alive rules are the same."""
    return open_host() if request.param == "host" else open_join()


def test_a_ping_every_ping_interval_once_open(opened: ProtocolBase) -> None:
    assert opened.next_deadline() == T0 + 10
    opened.handle_timeout(T0 + 9.5)
    assert opened.data_to_send() == b""
    opened.handle_timeout(T0 + 10)
    assert sent(opened) == [Ping(id=1).to_dict()]
    assert opened.next_deadline() == T0 + 20
    opened.receive_data(encode_message(Pong(id=1)), T0 + 10.1)
    opened.handle_timeout(T0 + 20)
    assert sent(opened) == [Ping(id=2).to_dict()]
    assert events(opened) == []


def test_dead_after_30_s_of_silence_without_an_error_frame(opened: ProtocolBase) -> None:
    for now in (T0 + 10, T0 + 20):
        opened.handle_timeout(now)
    opened.data_to_send()
    assert opened.next_deadline() == T0 + 30
    opened.handle_timeout(T0 + 29.999)
    assert events(opened) == []
    opened.handle_timeout(T0 + 30)
    assert events(opened) == [DeadlinePassed("silence", "nothing heard for 30 s")]
    assert opened.data_to_send() == b"" and opened.next_deadline() is None


def test_anything_heard_counts_as_life(opened: ProtocolBase) -> None:
    on_time_until(opened, T0 + 25)
    opened.receive_data(encode_message(Pong(id=99)), T0 + 25)
    on_time_until(opened, T0 + 54.9)  # past T0 + 30, when it was due before the pong
    assert not isinstance(opened.ended, DeadlinePassed)
    opened.handle_timeout(T0 + 55)
    assert timed_out(opened) == "silence"


def test_a_late_timer_sends_one_ping_not_a_burst(opened: ProtocolBase) -> None:
    opened.receive_data(encode_message(Pong(id=0)), T0 + 25)
    opened.handle_timeout(T0 + 25)  # the loop was stalled past two intervals
    assert sent(opened) == [Ping(id=1).to_dict()]
    assert opened.next_deadline() == T0 + 35


def test_after_our_bye_no_more_pings_but_silence_still_ends_it(opened: ProtocolBase) -> None:
    opened.send(Bye())
    assert opened.next_deadline() == T0 + 30
    opened.handle_timeout(T0 + 30)
    assert opened.data_to_send() == b""
    assert timed_out(opened) == "silence"


def test_a_peers_bye_ends_every_deadline(opened: ProtocolBase) -> None:
    opened.receive_data(encode_message(Bye()), T0 + 1)
    assert opened.next_deadline() is None
    opened.handle_timeout(T0 + 100)
    assert events(opened) == [PeerLeft("left", "left")]


# --- the slow frame --------------------------------------------------------------------------


def test_a_frame_begun_must_be_complete_within_the_frame_timeout(opened: ProtocolBase) -> None:
    frame = line(opened)[0]
    opened.receive_data(frame[:3], T0 + 1)  # even a header byte begins a frame
    assert opened.next_deadline() == T0 + 10  # the ping comes first
    opened.handle_timeout(T0 + 10)
    opened.data_to_send()
    assert opened.next_deadline() == T0 + 11
    opened.receive_data(frame[3:6], T0 + 10.5)  # trickling bytes do not extend it
    opened.handle_timeout(T0 + 11)
    reason = "a frame was begun but not finished within 10 s"
    assert events(opened) == [DeadlinePassed("frame", reason)]
    assert sent(opened) == [{"type": "error", "reason": reason}]


def test_each_complete_frame_restarts_the_clock_for_the_next(opened: ProtocolBase) -> None:
    frame, message = line(opened)
    opened.receive_data(frame[:5], T0 + 1)
    opened.receive_data(frame[5:] + frame[:5], T0 + 9)  # one done, the next begun
    opened.handle_timeout(T0 + 11)
    assert not isinstance(opened.ended, DeadlinePassed)
    opened.data_to_send()
    assert opened.next_deadline() == T0 + 19  # the frame's, before the ping at T0 + 20
    opened.receive_data(frame[5:], T0 + 18)
    assert events(opened) == [message, message]
    opened.handle_timeout(T0 + 19)
    assert opened.ended is None


def test_between_frames_there_is_no_frame_deadline(opened: ProtocolBase) -> None:
    opened.receive_data(line(opened)[0], T0 + 1)
    assert opened.next_deadline() == T0 + 10  # the ping, nothing sooner


def test_the_host_times_a_slow_hello_by_the_hello_deadline_first() -> None:
    host = HostProtocol(LIMITS, T0)
    host.receive_data(b"\x00\x00", T0 + 5)
    assert host.next_deadline() == T0 + 10  # hello (T0+10) before the frame's (T0+15)


# --- flow control: when we stop reading, the peer's clocks stop ----------------------------


def test_while_paused_neither_the_frame_nor_the_silence_deadline_runs(
    opened: ProtocolBase,
) -> None:
    opened.receive_data(line(opened)[0][:5], T0 + 1)
    opened.pause_reading()
    assert opened.their_state is State.PAUSED
    for now in (T0 + 10, T0 + 20, T0 + 40, T0 + 100):
        opened.handle_timeout(now)  # pings still go out: we are alive, only busy
    assert opened.ended is None
    assert [f["type"] for f in sent(opened)] == ["ping"] * 4
    opened.resume_reading(T0 + 100)
    # A fresh frame deadline, and the time we did not listen is not silence.
    assert opened.next_deadline() == T0 + 110
    opened.handle_timeout(T0 + 110)
    assert timed_out(opened) == "frame"


def test_resuming_between_frames_sets_no_frame_deadline(opened: ProtocolBase) -> None:
    opened.pause_reading()
    on_time_until(opened, T0 + 50)
    opened.resume_reading(T0 + 50)
    on_time_until(opened, T0 + 79.9)
    assert opened.ended is None
    opened.handle_timeout(T0 + 80)
    assert timed_out(opened) == "silence"


# --- our own pause: a deadline handled long after it was due -----------------------------------

#: How late a timeout must come to tell that we were not running: half of dead_after.
PAUSE = LIMITS.dead_after / 2


def test_a_timeout_long_overdue_pings_the_peer_and_counts_its_silence_from_then(
    opened: ProtocolBase,
) -> None:
    on_time_until(opened, T0 + 20)
    sent(opened)
    assert opened.next_deadline() == T0 + 30  # the third ping, and the silence deadline
    opened.handle_timeout(T0 + 75)  # we were stopped from T0 + 30 at the latest
    assert opened.ended is None  # 75 s without a frame, but we did not listen for 45 of them
    assert sent(opened) == [Ping(id=3).to_dict()]  # asked at once
    assert opened.next_deadline() == T0 + 85  # the next ping; dead at T0 + 105
    on_time_until(opened, T0 + 104.9)
    assert opened.ended is None
    opened.handle_timeout(T0 + 105)
    assert events(opened) == [DeadlinePassed("silence", "nothing heard for 30 s")]


def test_a_peer_that_answers_the_ping_after_our_pause_stays(opened: ProtocolBase) -> None:
    on_time_until(opened, T0 + 20)
    opened.handle_timeout(T0 + 75)
    opened.receive_data(encode_message(Pong(id=3)), T0 + 75.1)
    on_time_until(opened, T0 + 105.05)  # past T0 + 105, when it was due without the pong
    assert opened.ended is None


def test_a_timeout_late_by_no_more_than_half_of_dead_after_is_no_pause(
    opened: ProtocolBase,
) -> None:
    on_time_until(opened, T0 + 20)
    opened.handle_timeout(T0 + 30 + PAUSE)  # late, but a stall of a busy loop at most
    assert timed_out(opened) == "silence"


def test_a_frame_begun_before_our_pause_gets_a_fresh_frame_deadline(
    opened: ProtocolBase,
) -> None:
    opened.receive_data(line(opened)[0][:5], T0 + 1)
    assert opened.next_deadline() == T0 + 10  # the ping, then the frame's at T0 + 11
    opened.handle_timeout(T0 + 60)  # the rest of the frame may sit unread in our socket
    assert opened.ended is None
    assert sent(opened) == [Ping(id=1).to_dict()]
    assert opened.next_deadline() == T0 + 70  # the frame's and the ping's, from the pause
    opened.handle_timeout(T0 + 70)
    assert timed_out(opened) == "frame"


@pytest.mark.parametrize("side", ["host", "join"])
def test_the_handshake_deadline_is_counted_again_after_our_pause(side: str) -> None:
    fresh: ProtocolBase = (
        HostProtocol(LIMITS, T0) if side == "host" else JoinProtocol(Hello(name="bob"), LIMITS, T0)
    )
    fresh.data_to_send()
    fresh.handle_timeout(T0 + 10 + PAUSE + 0.1)
    assert fresh.ended is None and fresh.data_to_send() == b""  # no ping: not open
    assert fresh.next_deadline() == T0 + 10 + PAUSE + 0.1 + LIMITS.hello_timeout
    fresh.handle_timeout(T0 + 10 + PAUSE + 0.1 + LIMITS.hello_timeout)
    assert timed_out(fresh) == ("hello" if side == "host" else "answer")


def test_after_our_bye_a_pause_counts_silence_again_but_sends_no_ping(
    opened: ProtocolBase,
) -> None:
    opened.send(Bye())
    opened.handle_timeout(T0 + 30 + PAUSE + 1)
    assert opened.ended is None and opened.data_to_send() == b""  # nothing follows our bye
    assert opened.next_deadline() == T0 + 30 + PAUSE + 1 + LIMITS.dead_after


# --- both ends together ----------------------------------------------------------------------


def pump(host: ProtocolBase, join: ProtocolBase, until: float, *, join_answers: bool) -> None:
    """Run both objects second by second up to *until*, passing each one's frames to the other
    (the join's only if *join_answers*)."""
    now = T0
    while now < until and host.ended is None:
        now += 1.0
        for side in (host, join):
            side.handle_timeout(now)
        if data := host.data_to_send():
            join.receive_data(data, now)
        if (data := join.data_to_send()) and join_answers:
            host.receive_data(data, now)


def test_pings_keep_a_quiet_connection_open_on_both_sides() -> None:
    # Replaces a socket test that waited 3 s of real time for the same rule.
    host, join = open_host(), open_join()
    pump(host, join, T0 + 300, join_answers=True)  # five minutes without a line
    assert host.ended is None and join.ended is None


def test_a_join_that_stops_answering_is_dead_after_30_s_of_silence() -> None:
    host, join = open_host(), open_join()
    pump(host, join, T0 + 300, join_answers=False)
    assert timed_out(host) == "silence"
