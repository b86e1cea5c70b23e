"""The asyncio adapter's wiring, in milliseconds: a :class:`net.link.FramedLink` on a fake
transport. Flow control tells the protocol object when we stop reading, and the one timer
follows the protocol object's next deadline. (The rules themselves are in the fake-clock
tests; the socket tests prove the rest of the adapter end to end.)"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from net.codec import encode
from net.host_protocol import HostProtocol
from net.link import FramedLink
from net.messages import Hello, Say, Welcome, encode_message
from net.protocol_events import HelloReceived
from net.protocol_state import State
from tests.net.support import LIMITS, run


class FakeTransport(asyncio.Transport):
    """Records what a link does to its socket."""

    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.reading = True
        self.closing = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 5555) if name == "peername" else default

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_reading(self) -> bool:
        return self.reading

    def pause_reading(self) -> None:
        self.reading = False

    def resume_reading(self) -> None:
        self.reading = True

    def is_closing(self) -> bool:
        return self.closing

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        self.closing = True

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True


#: A frame deadline much shorter than the ping interval: wrongly left running while we do not
#: read, it would be the next deadline.
QUICK_FRAMES = dataclasses.replace(LIMITS, frame_timeout=1.0)


def host_link() -> tuple[FramedLink, FakeTransport]:
    """A host link just connected, on a fake transport."""
    link = FramedLink(HostProtocol(QUICK_FRAMES, asyncio.get_running_loop().time()))
    transport = FakeTransport()
    link.connection_made(transport)
    return link, transport


async def opened_link() -> tuple[FramedLink, FakeTransport]:
    """A host link past its welcome, on a fake transport."""
    link, transport = host_link()
    link.data_received(encode_message(Hello(name="bob")))
    assert isinstance(await link.next_event(), HelloReceived)
    link.write(Welcome(name="bob", host="ann", token="t"))
    return link, transport


def protocol_paused(link: FramedLink) -> bool:
    """Whether the link told its protocol object that it stopped reading."""
    return link.protocol.their_state is State.PAUSED


def test_a_full_inbox_stops_reading_and_stops_the_peers_clocks() -> None:
    # The regression this replaces took 1.5 s of real time on sockets (a frame split across a
    # pause must not count as slowloris); this checks the same wiring without waiting.
    async def main() -> None:
        link, transport = await opened_link()
        says = b"".join(encode({"type": "say", "seq": n, "text": "x"}) for n in range(1, 71))
        link.data_received(says + encode_message(Say(71, "half"))[:7])
        assert not transport.is_reading() and protocol_paused(link)
        now = asyncio.get_running_loop().time()
        paused_deadline = link.protocol.next_deadline()
        assert paused_deadline is not None and paused_deadline > now + 5  # the ping, not 1 s
        for n in range(1, 55):  # read down to 16 waiting
            assert await link.next_event() == Say(n, "x")
        assert transport.is_reading() and not protocol_paused(link)
        # Reading again, the half frame gets a fresh deadline, and the timer follows it.
        frame_deadline = link.protocol.next_deadline()
        assert frame_deadline is not None and frame_deadline < now + 5
        assert link._timer_at == frame_deadline

    run(main())


def test_the_one_timer_moves_earlier_but_never_re_arms_for_a_later_deadline() -> None:
    async def main() -> None:
        link, _ = host_link()
        hello_deadline = link._timer_at
        assert hello_deadline == link.protocol.next_deadline()
        link.data_received(encode_message(Hello(name="bob"))[:3])  # a frame begun: 1 s
        frame_deadline = link._timer_at
        assert frame_deadline == link.protocol.next_deadline()
        assert frame_deadline < hello_deadline
        link.data_received(encode_message(Hello(name="bob"))[3:])
        await link.next_event()
        link.write(Welcome(name="bob", host="ann", token="t"))
        timer = link._timer
        link.data_received(encode_message(Say(1, "x")))  # the deadlines now are all later
        later = link.protocol.next_deadline()
        assert later is not None and later > frame_deadline
        assert link._timer is timer and link._timer_at == frame_deadline  # fires, re-arms

    run(main())
