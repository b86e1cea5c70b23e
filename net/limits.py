"""Every limit and deadline of one connection, in one frozen value (:class:`Limits`).

Shared by the sans-IO protocol objects (:mod:`net.protocol_base`), which keep the deadlines,
and the asyncio adapter (:mod:`net.link`), which keeps the byte bounds of the socket.
"""

from __future__ import annotations

from typing import Final

from net.codec import DEFAULT_MAX_FRAME
from net.value_class import value_class

__all__ = ["DEFAULT_LIMITS", "Limits"]


@value_class
class Limits:
    """Every limit and deadline of a connection (seconds and bytes).

    Attributes:
        max_frame: The largest frame body accepted or sent, in bytes.
        hello_timeout: On the join side (``connect``), the whole handshake: connecting,
            sending the hello and receiving the answer. On the host side (``serve``), only
            receiving the hello, counted from the moment the connection opens: what
            ``on_connect`` then takes to decide is not bounded by it, and ``accept``'s welcome
            is a send like any other (``max_send_buffer``, then ``dead_after``).
        frame_timeout: A frame begun (first header byte) must be complete within this
            (slowloris).
        ping_interval: How often each side sends a ``ping`` once connected.
        dead_after: Nothing at all received for this long means the peer is lost.
        max_send_buffer: Bytes queued towards a peer that is not reading before it is dropped
            (at once, by any write). Separately, a ``send`` that has to wait for the peer to
            catch up waits at most ``dead_after``, then drops it ("peer stopped reading").
        close_timeout: How long closing waits for the peer before cutting the connection.
        max_pending: Host only (``serve``): the most connections that have not said hello yet;
            past it one of them is turned away (which one: see :mod:`net.waiting`).
        max_pending_per_address: Host only: the same, per address (per /64 for IPv6).
    """

    max_frame: int = DEFAULT_MAX_FRAME
    hello_timeout: float = 10.0
    frame_timeout: float = 10.0
    ping_interval: float = 10.0
    dead_after: float = 30.0
    max_send_buffer: int = 1 << 20
    close_timeout: float = 1.0
    #: A real join says hello within a round trip, so a handful wait at any moment; 64 leaves
    #: room for a burst of reconnects while bounding a flood to 64 descriptors and their
    #: buffers. 16 per address: several people behind one NAT can still join at once.
    max_pending: int = 64
    max_pending_per_address: int = 16

    def __post_init__(self) -> None:
        for name in (
            "hello_timeout",
            "frame_timeout",
            "ping_interval",
            "dead_after",
            "close_timeout",
        ):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"Limits.{name} must be positive, not {value!r}")
        if not 1 <= self.max_frame <= 0xFFFFFFFF:
            raise ValueError(f"Limits.max_frame must be 1..{0xFFFFFFFF}, not {self.max_frame}")
        for name in ("max_send_buffer", "max_pending", "max_pending_per_address"):
            value = getattr(self, name)
            if value < 1:
                raise ValueError(f"Limits.{name} must be positive, not {value}")


DEFAULT_LIMITS: Final = Limits()
