"""The join's side of one connection, sans-IO: our hello, the host's answer, then ``say`` out
and ``show`` in (PROTOCOL.md §3).

The join's own rules, on top of :class:`net.protocol_base.ProtocolBase`:

* the hello is the first frame (it is in ``data_to_send`` from the start), and the answer
  must arrive within ``hello_timeout`` of starting to connect;
* the answer is ``welcome`` or ``refuse``; a welcome of another protocol, or of a version we
  do not speak (:data:`~net.messages.SUPPORTED_VERSIONS`), is a protocol error naming both;
* **falling back**: a host of an earlier version only refuses a later hello with code
  ``version``; :func:`fallback_hello` gives the hello one version lower to try next.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from net.errors import UnexpectedMessage
from net.limits import Limits
from net.messages import (
    PROTOCOL_NAME,
    SUPPORTED_VERSIONS,
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
from net.protocol_events import DeadlinePassed, RefusedByHost, Welcomed
from net.protocol_state import Half, Input, State, not_now

__all__ = ["JoinProtocol", "fallback_hello"]


def fallback_hello(hello: Hello, refuse: Refuse) -> Hello | None:
    """The hello to try again with after *refuse*, or None when there is none.

    A host of an earlier version refuses a later one with code ``version``; the same hello one
    version lower is then worth one more try, each version down to 1 in turn (version 1 has no
    ``seen``, so it is left out there).

    Args:
        hello: The hello that was refused.
        refuse: The host's answer.

    Returns:
        The hello one version lower, or None: another refusal, or the hello was already
        version 1 (or of a version we do not speak, which is the caller's own experiment).
    """
    if refuse.code != "version" or hello.protocol != PROTOCOL_NAME:
        return None
    if hello.version == 1 or hello.version not in SUPPORTED_VERSIONS:
        return None  # a version we do not speak ourselves is not ours to fall back from
    lower = hello.version - 1
    return dataclasses.replace(hello, version=lower, seen=hello.seen if lower >= 2 else None)


def _welcome_mismatch(obj: dict[str, Any]) -> str | None:
    """What the join reports about a welcome of another protocol or version, or None."""
    protocol, version = obj.get("protocol"), obj.get("version")
    if speaks_ours(protocol, version):
        return None
    return (
        f"the host speaks {str(protocol)[:40]} protocol version {str(version)[:20]}; "
        f"we speak {PROTOCOL_NAME} protocol versions {supported_versions()}"
    )


class JoinProtocol(ProtocolBase):
    """The join's protocol object for one outgoing connection.

    Events: :class:`~net.protocol_events.Welcomed` once, then ``Show`` lines; endings as in
    :mod:`net.protocol_events` (:class:`~net.protocol_events.RefusedByHost` for a refusal).
    Send ``Say`` lines once welcomed, and ``Bye``.

    Attributes:
        hello: The hello this connection opens with.
        welcome: The host's welcome once received, else None.
    """

    LINE = Say
    LINE_IN = Show

    def __init__(self, hello: Hello, limits: Limits, now: float) -> None:
        """Start the state of a connection begun (connecting) at *now*; queue the hello.

        Args:
            hello: Our hello (its version is the one we speak on this connection).
            limits: Deadlines and sizes (``hello_timeout`` counts from *now*).
            now: Monotonic seconds.

        Raises:
            LocalProtocolError: The hello does not fit in a frame.
        """
        super().__init__(limits, now)
        self.hello = hello
        self.welcome: Welcome | None = None
        self.version = hello.version
        self._later_kinds = kinds_unknown_to(hello.version)
        self._out.append(encode_message(hello, max_frame=limits.max_frame))

    def _receive(self, kind: str, obj: dict[str, Any], now: float) -> None:
        if self._theirs is State.HANDSHAKE:
            self._receive_answer(kind, obj, now)
            return
        message = from_dict(obj)
        if isinstance(message, Show):
            self._check_kind(message)
            self._events.append(message)
        else:
            self._unexpected(message)

    def _receive_answer(self, kind: str, obj: dict[str, Any], now: float) -> None:
        if kind == "welcome":
            mismatch = _welcome_mismatch(obj)
            if mismatch is not None:
                self._fail(UnexpectedMessage(mismatch))
                return
        answer = from_dict(obj)
        if isinstance(answer, Refuse):
            self._end(RefusedByHost(answer))
            return
        if not isinstance(answer, Welcome):
            self._fail(UnexpectedMessage(f"expected welcome or refuse, received {answer.TYPE}"))
            return
        self.welcome = answer
        self.version = answer.version
        self._later_kinds = kinds_unknown_to(answer.version)
        self._move(Input.WELCOME_IN)
        self._open_now(now)
        self._events.append(Welcomed(answer))

    def _handshake_timed_out(self) -> None:
        # No error frame: a host that has not answered in all this time would not read it.
        self._end(DeadlinePassed("answer", f"no answer within {self.limits.hello_timeout:g} s"))

    def _send(self, message: Message, now: float | None) -> bytes:
        if isinstance(message, Say):
            raise not_now(Half.OURS, self._ours, "a say may only be sent after the welcome")
        raise self._wrong_send(message)
