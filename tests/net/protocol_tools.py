"""Helpers for the sans-IO protocol tests: objects opened at a fake time, events drained,
frames decoded. No sockets, no clock: every test here runs in milliseconds."""

from __future__ import annotations

from typing import Any

from net.codec import encode
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.limits import Limits
from net.messages import Hello, Welcome, encode_message
from net.protocol_base import ProtocolBase
from net.protocol_events import NEED_DATA, DeadlinePassed, Event, HelloReceived, Welcomed

from .support import decode_frames

#: The defaults, spelled out: the tests state the rules in these numbers.
LIMITS = Limits(hello_timeout=10.0, frame_timeout=10.0, ping_interval=10.0, dead_after=30.0)
T0 = 1000.0  # a fake monotonic time to start from (not 0: nothing may assume a zero start)
WELCOME = Welcome(name="bob", host="ann", token="seat-token")


def events(protocol: ProtocolBase) -> list[Event]:
    """Every event *protocol* has ready, in order."""
    got: list[Event] = []
    while (event := protocol.next_event()) is not NEED_DATA:
        got.append(event)
    return got


def sent(protocol: ProtocolBase) -> list[dict[str, Any]]:
    """The frames in *protocol*'s ``data_to_send()``, decoded."""
    return decode_frames(protocol.data_to_send())


def frame(**fields: Any) -> bytes:
    """One frame of any object (it may break the message rules)."""
    return encode(fields)


def open_host(version: int = 2, now: float = T0) -> HostProtocol:
    """A host protocol object that has received a hello of *version* and sent its welcome."""
    host = HostProtocol(LIMITS, now)
    host.receive_data(encode_message(Hello(name="bob", version=version)), now)
    assert events(host) == [HelloReceived(Hello(name="bob", version=version))]
    host.send(WELCOME, now=now)
    assert host.data_to_send() == b""
    return host


def open_join(version: int = 2, now: float = T0) -> JoinProtocol:
    """A join protocol object that has sent its hello and received a welcome of *version*."""
    join = JoinProtocol(Hello(name="bob", version=version), LIMITS, now)
    assert sent(join)[0]["type"] == "hello"
    welcome = Welcome(name="bob", host="ann", token="seat-token", version=version)
    join.receive_data(encode_message(welcome), now)
    assert events(join) == [Welcomed(welcome)]
    return join


def timed_out(protocol: ProtocolBase) -> str | None:
    """Which deadline ended *protocol* (``"silence"``, ``"frame"``, …), or None."""
    ended = protocol.ended
    return ended.deadline if isinstance(ended, DeadlinePassed) else None


def on_time_until(protocol: ProtocolBase, until: float) -> None:
    """Call *protocol*'s ``handle_timeout`` at each of its deadlines before *until*, on time as
    an event loop that keeps running does, then at *until* (what it sends is left unread)."""
    while (due := protocol.next_deadline()) is not None and due < until:
        protocol.handle_timeout(due)
    protocol.handle_timeout(until)
