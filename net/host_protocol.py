"""The host's side of one connection, sans-IO: the hello, its answer, then ``say`` in and
``show`` out (PROTOCOL.md §3).

The host's own rules, on top of :class:`net.protocol_base.ProtocolBase`:

* the hello must arrive within ``hello_timeout`` of the connection opening, as the first frame
  (control frames aside); otherwise an ``error`` frame and the end;
* **version negotiation**: a hello naming another protocol, or a version outside
  :data:`~net.messages.SUPPORTED_VERSIONS`, is refused here with code ``version`` — checked
  on the raw object, before any other field, so a join of any later version is told why — and
  a hello breaking a field rule with ``bad-hello``; the program never sees either;
* the host answers in the join's version: its ``welcome`` is rewritten to it, a version 1
  join is never sent version 2 fields (``show.seq``; a bye's code goes as its reason), and a
  show of a kind the join's version lacks is left out;
* the program's own decision (``welcome`` or ``refuse``) has no deadline here: keep-alive
  starts with the welcome.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from net.errors import RemoteProtocolError, UnexpectedMessage
from net.limits import Limits
from net.messages import (
    PROTOCOL_NAME,
    Hello,
    Message,
    Refuse,
    Say,
    Show,
    Welcome,
    encode_message,
    from_dict,
    kinds_unknown_to,
    speaks_ours,
    supported_versions,
)
from net.protocol_base import ProtocolBase
from net.protocol_events import DeadlinePassed, HelloReceived, HelloRejected
from net.protocol_state import Half, Input, State, not_now, transition

__all__ = ["HostProtocol"]


def _version_mismatch(protocol: object, version: object) -> str | None:
    """What the host tells a join whose hello names another protocol or version, or None."""
    if speaks_ours(protocol, version):
        return None
    if protocol != PROTOCOL_NAME:
        return f"this host speaks the {PROTOCOL_NAME} protocol, not {str(protocol)[:40]!r}"
    return (
        f"this host speaks {PROTOCOL_NAME} protocol versions {supported_versions()}; "
        f"you sent version {str(version)[:20]}"
    )


class HostProtocol(ProtocolBase):
    """The host's protocol object for one incoming connection.

    Events: :class:`~net.protocol_events.HelloReceived` once, then ``Say`` lines; endings as
    in :mod:`net.protocol_events` (:class:`~net.protocol_events.HelloRejected` when net refused
    the hello itself). Send the answer (``Welcome`` or ``Refuse``), then ``Show`` and ``Bye``.

    Attributes:
        hello: The join's hello once received, else None.
    """

    LINE = Show
    LINE_IN = Say

    def __init__(self, limits: Limits, now: float) -> None:
        """Start the state of a connection accepted at *now*.

        Args:
            limits: Deadlines and sizes (``hello_timeout`` counts from *now*).
            now: Monotonic seconds.
        """
        super().__init__(limits, now)
        self.hello: Hello | None = None

    def _receive(self, kind: str, obj: dict[str, Any], now: float) -> None:
        if self._theirs is State.HANDSHAKE:
            self._receive_hello(kind, obj)
            return
        message = from_dict(obj)
        # The join may say lines as soon as it has said hello: they wait for the welcome.
        if isinstance(message, Say):
            self._events.append(message)
        else:
            self._unexpected(message)

    def _receive_hello(self, kind: str, obj: dict[str, Any]) -> None:
        if kind != "hello":
            self._fail(UnexpectedMessage(f"expected hello, received {kind[:40]!r}"))
            return
        mismatch = _version_mismatch(obj.get("protocol"), obj.get("version"))
        if mismatch is not None:
            self._reject(Refuse(reason=mismatch, code="version"))
            return
        try:
            message = from_dict(obj)
        except RemoteProtocolError as exc:
            self._reject(Refuse(reason=f"bad hello: {exc.reason}", code="bad-hello"))
            return
        assert isinstance(message, Hello)
        self.hello = message
        self.version = message.version
        self._later_kinds = kinds_unknown_to(message.version)
        # Lines are read from now on (they wait for the welcome); what the program takes to
        # decide is its own affair: no deadline.
        self._move(Input.HELLO_IN)
        self._events.append(HelloReceived(message))

    def _reject(self, refuse: Refuse) -> None:
        if self._may_send():
            self._out.append(encode_message(refuse, max_frame=self.limits.max_frame))
        self._end(HelloRejected(refuse), via=Input.HELLO_REFUSED)

    def _handshake_timed_out(self) -> None:
        reason = f"no hello within {self.limits.hello_timeout:g} s"
        self._end(DeadlinePassed("hello", reason))
        self._send_error(reason)

    def _send_line(self, message: Message) -> bytes:
        if self._later_kinds and isinstance(message, Show) and message.kind in self._later_kinds:
            return b""  # a kind the join's version lacks is left out, as version 1 lacks seq
        if self.version < 2 and isinstance(message, Show) and message.seq is not None:
            message = dataclasses.replace(message, seq=None)  # version 1 has no show.seq
        return encode_message(message, max_frame=self.limits.max_frame)

    def _send(self, message: Message, now: float | None) -> bytes:
        ours = self._ours
        if isinstance(message, Show):
            raise not_now(Half.OURS, ours, "a show may only be sent after the welcome")
        if isinstance(message, Welcome):
            after = transition(ours, self._theirs, Input.WELCOME_OUT)
            # The welcome speaks the join's version: a version 1 join rejects any other.
            message = dataclasses.replace(message, version=self.version)
            frame = encode_message(message, max_frame=self.limits.max_frame)
            self._ours, self._theirs = after
            self._open_now(self._last_rx if now is None else now)
            return frame
        if isinstance(message, Refuse):
            # The host closes after a refusal: nothing more is read, nor sent.
            after = transition(ours, self._theirs, Input.REFUSE_OUT)
            frame = encode_message(message, max_frame=self.limits.max_frame)
            self._ours, self._theirs = after
            return frame
        raise self._wrong_send(message)
