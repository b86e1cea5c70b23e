"""Every error the wire layer raises, in one place.

The shape follows h11: one abstract :class:`ProtocolError`, split by *whose fault* it is.

* :class:`RemoteProtocolError` — the peer sent bytes we refuse. Each kind of rejection has its
  own subclass so tests and callers can tell them apart, and each carries a ``reason`` a person
  can read (it is also what we put in the ``error`` frame we send before closing).
* :class:`LocalProtocolError` — we were asked to build or send something invalid (a bug in the
  calling code, or text that cannot be framed). It is also a :class:`ValueError`, because that is
  what Python code expects from a constructor given a bad value.

Connection-level outcomes (:class:`ConnectionClosed`, :class:`Refused`,
:class:`HandshakeError`) live here too so the sans-IO modules and the asyncio module share them;
``net.connection`` re-exports them under the names the interface contract uses.
"""

from __future__ import annotations

from typing import Literal


class ProtocolError(Exception):
    """Abstract base: something about the framed-JSON protocol went wrong.

    Attributes:
        reason: One sentence for a person, without a trailing full stop.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class RemoteProtocolError(ProtocolError):
    """The peer sent something that breaks the protocol; the connection must be closed."""


class LocalProtocolError(ProtocolError, ValueError):
    """We were asked to construct or send something the protocol does not allow."""


# --- framing (the 4-byte length header) -------------------------------------------------------


class FrameTooLarge(RemoteProtocolError):
    """The header announced a body longer than the frame limit."""


class EmptyFrame(RemoteProtocolError):
    """The header announced a body of zero bytes."""


# --- the body: text and JSON -----------------------------------------------------------------


class InvalidUtf8(RemoteProtocolError):
    """The body is not valid UTF-8, or a JSON string escapes a lone surrogate."""


class InvalidJson(RemoteProtocolError):
    """The body is not a single JSON value."""


class NotAnObject(RemoteProtocolError):
    """The body is valid JSON but not an object."""


class MissingType(RemoteProtocolError):
    """The object has no ``"type"``, or its ``"type"`` is not a non-empty string."""


class DuplicateKey(RemoteProtocolError):
    """An object repeats a key (JSON parsers disagree about which one wins, so we refuse)."""


class NonFiniteNumber(RemoteProtocolError):
    """``NaN``, ``Infinity``, ``-Infinity`` or a number that overflows to infinity."""


class NestingTooDeep(RemoteProtocolError):
    """Arrays/objects nest deeper than the limit."""


class NumberTooLong(RemoteProtocolError):
    """An integer has more digits than the limit (or a float literal is absurdly long)."""


# --- messages -----------------------------------------------------------------------------------


class UnknownMessageType(RemoteProtocolError):
    """A well-formed frame whose ``"type"`` this protocol version does not define."""


class InvalidField(RemoteProtocolError):
    """A known message type with a missing, extra or ill-typed field."""


class UnexpectedMessage(RemoteProtocolError):
    """A valid message that is not allowed at this point (e.g. ``say`` sent by the host)."""


# --- connection outcomes ----------------------------------------------------------------------


Cause = Literal["left", "lost", "error", "closed"]
"""Why a connection ended, for a program (``ConnectionClosed.cause``):

* ``"left"`` — the peer said ``bye``: a deliberate leave.
* ``"lost"`` — the connection broke: reset, EOF without ``bye``, silence past ``dead_after``,
  or the peer stopped reading and was dropped.
* ``"error"`` — the protocol was broken: the peer sent something invalid (we answered with an
  ``error`` frame), or the peer's ``error`` frame says we did.
* ``"closed"`` — our own side ended it (``close()``, a refusal, shutting down).
"""


class ConnectionClosed(Exception):
    """The connection is over; every later ``send``/``recv`` raises this again.

    Attributes:
        reason: For a person: ``"left"`` (or the peer's own bye reason), ``"connection lost"``,
            ``"protocol error: …"``, ``"peer reported a protocol error: …"``, ….
        cause: For a program (read-only): ``"left"``, ``"lost"``, ``"error"`` or ``"closed"``
            (see :data:`Cause`); never parse ``reason`` for this.
        left: True iff the peer said ``bye`` (``cause == "left"``) — a deliberate leave, as
            opposed to a lost connection or an error.
        code: After the peer's ``bye``: its machine-readable code (``left``, ``flooding``,
            ``replaced``, ``closing``) — ``bye.code`` from a version 2 peer, or a version 1
            peer's reason when it is one of those words; None otherwise.
    """

    def __init__(
        self, reason: str, *, cause: Cause = "lost", left: bool = False, code: str | None = None
    ) -> None:
        """Create the outcome.

        Args:
            reason: For a person.
            cause: For a program; see :data:`Cause`.
            left: Shorthand for ``cause="left"``.
            code: The peer's bye code, when it said bye.
        """
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self._cause: Cause = "left" if left else cause

    @property
    def cause(self) -> Cause:
        """Why the connection ended: ``"left"``, ``"lost"``, ``"error"`` or ``"closed"``."""
        return self._cause

    @property
    def left(self) -> bool:
        """True iff the peer said ``bye``."""
        return self._cause == "left"

    def __str__(self) -> str:
        return self.reason


class Refused(Exception):
    """The host answered our hello with ``refuse``.

    Attributes:
        reason: The host's sentence for a person.
        code: Machine-readable: ``version``, ``full``, ``bad-code``, ``bad-token``,
            ``rate-limited`` or ``bad-hello``.
    """

    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code

    def __str__(self) -> str:
        return self.reason


class HandshakeError(Exception):
    """The hello exchange failed for a reason other than a refusal.

    Examples: no answer within the deadline, the peer closed, the peer speaks another protocol
    or version, or the peer sent something invalid.

    Attributes:
        reason: One sentence for a person.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason
