"""What the sans-IO protocol objects hand back from ``next_event()``.

:class:`net.host_protocol.HostProtocol` and :class:`net.join_protocol.JoinProtocol` turn bytes
into these, in the order the peer sent them. ``say`` and ``show`` lines come out as the
:class:`~net.messages.Say` / :class:`~net.messages.Show` messages themselves (the hot path
allocates nothing more); everything else is one of the small frozen classes below.

Events split into two kinds:

* **ongoing** — :class:`HelloReceived`, :class:`Welcomed`, ``Say``, ``Show``: the connection
  goes on;
* **ending** — every :data:`Ending` event: the connection is over on the protocol level. It is
  the last event an object ever returns (after it, ``next_event`` returns :data:`NEED_DATA`
  forever), and it is also readable at once as the object's ``ended`` attribute, so an adapter
  can react before the events ahead of it have been read.
"""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias

from net.errors import RemoteProtocolError
from net.messages import Hello, Refuse, Say, Show, Welcome
from net.value_class import value_class

__all__ = [
    "NEED_DATA",
    "ConnectionLost",
    "Deadline",
    "DeadlinePassed",
    "Ending",
    "Event",
    "HelloReceived",
    "HelloRejected",
    "NeedData",
    "PeerClosed",
    "PeerFailed",
    "PeerLeft",
    "ProtocolFailed",
    "RefusedByHost",
    "Welcomed",
]


class NeedData(enum.Enum):
    """The type of :data:`NEED_DATA` (an enum, so ``is`` checks type-narrow under mypy)."""

    NEED_DATA = "NEED_DATA"


#: ``next_event()``: nothing to hand out until more bytes (or a timeout) arrive.
NEED_DATA: Final = NeedData.NEED_DATA


@value_class
class HelloReceived:
    """Host side: a well-formed hello of a version this host speaks; answer it with ``send``."""

    hello: Hello


@value_class
class Welcomed:
    """Join side: the host welcomed us; the connection is open (keep-alive has started)."""

    welcome: Welcome


@value_class
class HelloRejected:
    """Host side, ending: the hello named another protocol or version (code ``version``) or
    broke a field rule (``bad-hello``); the ``refuse`` is already in ``data_to_send``."""

    refuse: Refuse


@value_class
class RefusedByHost:
    """Join side, ending: the host answered our hello with ``refuse``."""

    refuse: Refuse


@value_class
class PeerLeft:
    """Ending: the peer said ``bye``, after every event ahead of this one (ordered bye).

    Attributes:
        reason: The bye's reason, for a person.
        code: Its machine-readable code: version 2's ``bye.code``, or a version 1 reason that is
            one of :data:`~net.messages.BYE_CODES`; None otherwise.
    """

    reason: str
    code: str | None


@value_class
class PeerClosed:
    """Ending: after our own ``bye``, the peer closed its side (the answer to our bye)."""


@value_class
class PeerFailed:
    """Ending: the peer sent ``error`` (it found us at fault and is closing)."""

    reason: str


@value_class
class ProtocolFailed:
    """Ending: the peer broke the protocol; our ``error`` frame is in ``data_to_send`` and
    nothing after the offending bytes is read."""

    error: RemoteProtocolError


Deadline: TypeAlias = Literal["hello", "answer", "frame", "silence"]
"""Which deadline passed: ``hello`` (host: no hello in time), ``answer`` (join: no welcome or
refuse in time), ``frame`` (a frame begun and not finished: slowloris), ``silence`` (nothing
heard for ``dead_after``)."""


@value_class
class DeadlinePassed:
    """Ending: a deadline the peer had to meet passed.

    Attributes:
        deadline: Which one (see :data:`Deadline`).
        reason: One sentence for a person (and, for ``hello`` and ``frame``, the ``error``
            frame's reason, which is then in ``data_to_send``).
    """

    deadline: Deadline
    reason: str


@value_class
class ConnectionLost:
    """Ending: the stream ended (EOF) without a ``bye``."""


Ending: TypeAlias = (
    HelloRejected
    | RefusedByHost
    | PeerLeft
    | PeerClosed
    | PeerFailed
    | ProtocolFailed
    | DeadlinePassed
    | ConnectionLost
)
Event: TypeAlias = HelloReceived | Welcomed | Say | Show | Ending
