"""The messages of protocol versions 1, 2 and 3, as frozen dataclasses validated on construction.

Each class maps to one JSON object whose ``"type"`` is the class's ``TYPE``. Constructing one
with a bad field raises :class:`~net.errors.LocalProtocolError` (a ``ValueError``): we never
send what the peer would reject. :func:`from_dict` turns a decoded frame into a message and
raises a :class:`~net.errors.RemoteProtocolError` subclass (``UnknownMessageType`` or
``InvalidField``) for anything else, so both directions obey the same rules.

Wire rules (PROTOCOL.md is the reference for other languages):

* every field listed is required, except those that may be ``null`` (``hello.code``,
  ``hello.token``, ``show.from``, and version 2's ``hello.seen``, ``show.seq``, ``bye.code``),
  which may also be left out;
* unknown fields are rejected: each version is exact, a change means a new version;
* integers are JSON integers (``true`` is not ``1``), ``0 <= n <= 2**53 - 1`` so that every
  language's JSON numbers hold them exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Final, TypeAlias

from net.codec import DEFAULT_MAX_FRAME, encode
from net.errors import InvalidField, LocalProtocolError, UnknownMessageType
from net.value_class import value_class

__all__ = [
    "BYE_CODES",
    "MAX_INT",
    "MAX_NAME",
    "MAX_SECRET",
    "PROTOCOL_NAME",
    "PROTOCOL_VERSION",
    "REFUSE_CODES",
    "SHOW_KINDS",
    "SHOW_KIND_SINCE",
    "STATUS",
    "SUPPORTED_VERSIONS",
    "Bye",
    "Error",
    "Hello",
    "Message",
    "Ping",
    "Pong",
    "Refuse",
    "Say",
    "Show",
    "Welcome",
    "encode_message",
    "from_dict",
    "kinds_unknown_to",
    "speaks_ours",
    "supported_versions",
    "validate_name",
]

PROTOCOL_NAME: Final = "tablechat"
PROTOCOL_VERSION: Final = 3
#: Versions a host serves and a join can fall back to. Version 2 adds three optional fields
#: (``hello.seen``, ``show.seq``, ``bye.code``), version 3 adds show kinds
#: (:data:`SHOW_KIND_SINCE`); a peer is never sent what its version lacks, so programs of every
#: version play together (PROTOCOL.md §3).
SUPPORTED_VERSIONS: Final = frozenset({1, 2, 3})
#: Names are shown on one line beside every chat line; 32 characters is plenty.
MAX_NAME: Final = 32
#: Join codes and seat tokens are short; 256 bounds what a peer can make us compare.
MAX_SECRET: Final = 256
#: The largest integer every JSON implementation (JavaScript included) holds exactly.
MAX_INT: Final = 2**53 - 1
#: Every ``show.kind``, and the version that brought it: a peer of an earlier version is never
#: sent that kind, and a join fails a show of a kind its version lacks.
SHOW_KIND_SINCE: Final[dict[str, int]] = {
    "chat": 1,
    "notice": 1,
    "error": 1,
    "board": 1,
    "result": 1,
    # The player's status for the prompt: game, whose turn, score (PROTOCOL.md, "status").
    "status": 3,
    "record": 3,
    # The connection's resume token is now the text ("" for none), and the shows after it
    # are numbered afresh: a lobby moved it to another seat (PROTOCOL.md, "Lobbies").
    "token": 3,
}
#: The show kind that carries a player's status line (game, whose turn, score) for the prompt.
STATUS: Final = "status"
SHOW_KINDS: Final = frozenset(SHOW_KIND_SINCE)


def kinds_unknown_to(version: int) -> frozenset[str]:
    """The show kinds a peer speaking *version* lacks: never sent to it, failed by a join of it.

    Args:
        version: A protocol version (any integer; one below 1 lacks every kind).

    Returns:
        The kinds introduced after *version* (empty for the newest).
    """
    return frozenset(kind for kind, since in SHOW_KIND_SINCE.items() if since > version)


def supported_versions() -> str:
    """The versions we speak, for a sentence: ``"1, 2 and 3"``."""
    *rest, last = (str(v) for v in sorted(SUPPORTED_VERSIONS))
    return f"{', '.join(rest)} and {last}" if rest else last


def speaks_ours(protocol: object, version: object) -> bool:
    """True for our protocol name and a version we speak (an int: ``1.0`` and ``true`` are not
    ``1``)."""
    return protocol == PROTOCOL_NAME and type(version) is int and version in SUPPORTED_VERSIONS


REFUSE_CODES: Final = frozenset(
    {"version", "full", "bad-code", "bad-token", "rate-limited", "bad-hello"}
)
#: Why a side said bye (version 2): ``left`` the person left (or the host closed the table),
#: ``flooding`` the guest was put out for flooding, ``replaced`` another connection resumed the
#: seat, ``closing`` the host program is stopping but keeps the table (it may come back).
BYE_CODES: Final = frozenset({"left", "flooding", "replaced", "closing"})

# Characters that could rewrite a terminal line or reorder text around a name: the Unicode
# categories Cc (C0, DEL, C1), Zl and Zp, and the bidi embeddings, overrides and isolates. (Cs,
# the surrogates, never get this far: _check_str refuses a lone surrogate first.) A set rather
# than a regex: a name is at most 32 characters, and compiling that character class is a good
# part of a millisecond of every program's start.
_BAD_NAME_CHARS: Final = frozenset(
    map(
        chr,
        (
            *range(0x20),
            *range(0x7F, 0xA0),
            0x2028,
            0x2029,
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
        ),
    )
)


# --- field checks: each raises LocalProtocolError with a sentence naming the field -----------


def _fail(where: str, problem: str) -> LocalProtocolError:
    return LocalProtocolError(f"{where} {problem}")


def _check_str(where: str, value: object, *, nonempty: bool = False, limit: int = 0) -> str:
    if not isinstance(value, str):
        raise _fail(where, f"must be a string, not {_kind(value)}")
    if nonempty and not value:
        raise _fail(where, "must not be empty")
    if limit and len(value) > limit:
        raise _fail(where, f"must be at most {limit} characters, not {len(value)}")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _fail(where, "contains a lone surrogate") from None
    return value


def _check_optional_str(where: str, value: object, *, limit: int) -> None:
    if value is not None:
        _check_str(where, value, nonempty=True, limit=limit)


def _check_int(where: str, value: object, *, low: int = 0) -> None:
    if type(value) is not int:  # bool is an int subclass; true is not 1 on the wire
        raise _fail(where, f"must be an integer, not {_kind(value)}")
    if not low <= value <= MAX_INT:
        raise _fail(where, f"must be between {low} and {MAX_INT}, not {value}")


def _check_bool(where: str, value: object) -> None:
    if type(value) is not bool:
        raise _fail(where, f"must be true or false, not {_kind(value)}")


def validate_name(where: str, value: object) -> None:
    """Check a person's name: 1–32 characters, not blank, no control characters, no ``<``/``>``.

    ``<`` and ``>`` frame the author of a chat line (``<alice> hi``): a name holding one could
    pass for the end of one line and the start of another (``alice> I resign <x``).

    Args:
        where: How to refer to the field in the error, e.g. ``"hello.name"``.
        value: The candidate name.

    Raises:
        LocalProtocolError: Naming the field and the problem.
    """
    name = _check_str(where, value, nonempty=True, limit=MAX_NAME)
    if not name.strip():
        raise _fail(where, "must not be blank")
    bad = next((char for char in name if char in _BAD_NAME_CHARS), None)
    if bad is not None:
        raise _fail(where, f"must not contain control characters (found U+{ord(bad):04X})")
    if "<" in name or ">" in name:
        raise _fail(where, "must not contain < or > (they would make it look like a chat line)")


# The same two names label every chat line: remember the ones already checked (bounded).
_GOOD_NAMES: Final[set[str]] = set()


def _remember_name(name: str) -> None:
    if len(_GOOD_NAMES) >= 256:
        _GOOD_NAMES.clear()
    _GOOD_NAMES.add(name)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# --- the messages --------------------------------------------------------------------------------


@value_class
class Hello:
    """join → host, first frame: who is asking, in which protocol, with which secrets.

    ``code`` is the host's join code when it requires one; ``token`` is the seat token from an
    earlier ``welcome`` when resuming; ``seen`` (version 2) is the highest ``show.seq`` of that
    seat this join has displayed, so the host resends exactly what it missed. Any protocol name
    and version ≥ 1 can be *represented* (so a mismatch can be refused with a reason); a host
    accepts ``tablechat`` in the :data:`SUPPORTED_VERSIONS`.
    """

    TYPE: ClassVar[str] = "hello"
    name: str
    code: str | None = None
    token: str | None = None
    protocol: str = PROTOCOL_NAME
    version: int = PROTOCOL_VERSION
    seen: int | None = None

    def __post_init__(self) -> None:
        _check_str("hello.protocol", self.protocol, nonempty=True, limit=64)
        _check_int("hello.version", self.version, low=1)
        validate_name("hello.name", self.name)
        _check_optional_str("hello.code", self.code, limit=MAX_SECRET)
        _check_optional_str("hello.token", self.token, limit=MAX_SECRET)
        if self.seen is not None:
            _check_int("hello.seen", self.seen)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        obj: dict[str, Any] = {
            "type": "hello",
            "protocol": self.protocol,
            "version": self.version,
            "name": self.name,
            "code": self.code,
            "token": self.token,
        }
        if self.seen is not None:
            obj["seen"] = self.seen
        return obj


@value_class
class Welcome:
    """host → join: the hello is accepted; the connection is open.

    ``name`` is the seat name actually given (it may differ from the one asked for), ``token``
    proves the seat on a later resume and is replaced at every resume, ``resumed`` says whether
    this continues an earlier seat, and ``last_seq`` is the highest ``say.seq`` from this seat
    already applied (0 if none) so the join can resend later lines exactly once.
    ``watching`` (version 2, left out when false) says the table was full and this connection
    watches instead of playing: its token is never accepted back, so a join does not keep it.
    """

    TYPE: ClassVar[str] = "welcome"
    name: str
    host: str
    token: str
    resumed: bool = False
    last_seq: int = 0
    protocol: str = PROTOCOL_NAME
    version: int = PROTOCOL_VERSION
    watching: bool = False
    lobby: str | None = None

    def __post_init__(self) -> None:
        _check_str("welcome.protocol", self.protocol, nonempty=True, limit=64)
        _check_int("welcome.version", self.version, low=1)
        validate_name("welcome.name", self.name)
        validate_name("welcome.host", self.host)
        _check_str("welcome.token", self.token, nonempty=True, limit=MAX_SECRET)
        _check_bool("welcome.resumed", self.resumed)
        _check_int("welcome.last_seq", self.last_seq)
        _check_bool("welcome.watching", self.watching)
        if self.lobby is not None:
            validate_name("welcome.lobby", self.lobby)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message (``watching`` only when true, and only in
        version 2; ``lobby`` only when set, and only in version 3: a join of an older version
        rejects a field it does not know)."""
        obj: dict[str, Any] = {
            "type": "welcome",
            "protocol": self.protocol,
            "version": self.version,
            "name": self.name,
            "host": self.host,
            "token": self.token,
            "resumed": self.resumed,
            "last_seq": self.last_seq,
        }
        if self.watching and self.version >= 2:
            obj["watching"] = True
        if self.lobby is not None and self.version >= 3:
            obj["lobby"] = self.lobby
        return obj


@value_class
class Refuse:
    """host → join: the hello is refused; the host closes right after."""

    TYPE: ClassVar[str] = "refuse"
    reason: str
    code: str

    def __post_init__(self) -> None:
        _check_str("refuse.reason", self.reason, nonempty=True)
        if not isinstance(self.code, str) or self.code not in REFUSE_CODES:
            raise _fail("refuse.code", f"must be one of {', '.join(sorted(REFUSE_CODES))}")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        return {"type": "refuse", "reason": self.reason, "code": self.code}


@value_class
class Say:
    """join → host: one line the person typed (chat, move or command)."""

    TYPE: ClassVar[str] = "say"
    seq: int
    text: str

    def __post_init__(self) -> None:
        # Inline fast path (say/show are the hot messages); the helpers explain any failure.
        seq, text = self.seq, self.text
        if type(seq) is not int or not 0 <= seq <= MAX_INT:
            _check_int("say.seq", seq)
        if type(text) is not str or not text.isascii():
            _check_str("say.text", text)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        return {"type": "say", "seq": self.seq, "text": self.text}


@value_class
class Show:
    """host → join: something to display. ``sender`` is the JSON field ``from``.

    ``seq`` (version 2) numbers the shows sent to one seat 1, 2, 3, … across connections and
    resumes, so a resuming join can say which it has seen (``hello.seen``).
    """

    TYPE: ClassVar[str] = "show"
    kind: str
    text: str
    sender: str | None = None
    seq: int | None = None

    def __post_init__(self) -> None:
        kind, text, sender, seq = self.kind, self.text, self.sender, self.seq
        if seq is not None and (type(seq) is not int or not 1 <= seq <= MAX_INT):
            _check_int("show.seq", seq, low=1)
        if not isinstance(kind, str) or kind not in SHOW_KINDS:
            raise _fail("show.kind", f"must be one of {', '.join(sorted(SHOW_KINDS))}")
        if type(text) is not str or not text.isascii():
            _check_str("show.text", text)
        if sender is not None and (type(sender) is not str or sender not in _GOOD_NAMES):
            validate_name("show.from", sender)
            _remember_name(sender)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        # str(): a StrEnum kind (game.Kind) goes out as its plain value.
        obj: dict[str, Any] = {
            "type": "show",
            "kind": str(self.kind),
            "text": self.text,
            "from": self.sender,
        }
        if self.seq is not None:
            obj["seq"] = self.seq
        return obj


@value_class
class Ping:
    """either way: are you there? Answered by a ``pong`` with the same ``id``."""

    TYPE: ClassVar[str] = "ping"
    id: int

    def __post_init__(self) -> None:
        _check_int("ping.id", self.id)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        return {"type": "ping", "id": self.id}


@value_class
class Pong:
    """either way: the answer to a ``ping``."""

    TYPE: ClassVar[str] = "pong"
    id: int

    def __post_init__(self) -> None:
        _check_int("pong.id", self.id)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        return {"type": "pong", "id": self.id}


@value_class
class Bye:
    """either way: the sender is closing deliberately (``"left"`` when a person left).

    ``code`` (version 2) is one of :data:`BYE_CODES`, for programs; ``reason`` is then a
    sentence for people. A version 1 bye has only ``reason``, which is then the code itself.
    """

    TYPE: ClassVar[str] = "bye"
    reason: str = "left"
    code: str | None = None

    def __post_init__(self) -> None:
        _check_str("bye.reason", self.reason, nonempty=True)
        if self.code is not None and (not isinstance(self.code, str) or self.code not in BYE_CODES):
            raise _fail("bye.code", f"must be one of {', '.join(sorted(BYE_CODES))}")

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        obj: dict[str, Any] = {"type": "bye", "reason": self.reason}
        if self.code is not None:
            obj["code"] = self.code
        return obj


@value_class
class Error:
    """either way: the sender saw a protocol error and closes right after."""

    TYPE: ClassVar[str] = "error"
    reason: str

    def __post_init__(self) -> None:
        _check_str("error.reason", self.reason, nonempty=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON object for this message."""
        return {"type": "error", "reason": self.reason}


Message: TypeAlias = Hello | Welcome | Refuse | Say | Show | Ping | Pong | Bye | Error

# Per type: (class, required JSON fields, optional nullable JSON fields, JSON→attribute renames,
# every key of a complete object with "type" — for a fast exact-match check).
_Spec: TypeAlias = tuple[
    Callable[..., Message], frozenset[str], frozenset[str], dict[str, str], frozenset[str]
]
_NO: Final[frozenset[str]] = frozenset()


def _spec(
    cls: Callable[..., Message],
    required: frozenset[str],
    optional: frozenset[str] = _NO,
    renames: dict[str, str] | None = None,
) -> _Spec:
    return cls, required, optional, renames or {}, required | optional | {"type"}


_SPECS: Final[dict[str, _Spec]] = {
    "hello": _spec(
        Hello, frozenset({"protocol", "version", "name"}), frozenset({"code", "token", "seen"})
    ),
    "welcome": _spec(
        Welcome,
        frozenset({"protocol", "version", "name", "host", "token", "resumed", "last_seq"}),
        frozenset({"watching", "lobby"}),
    ),
    "refuse": _spec(Refuse, frozenset({"reason", "code"})),
    "say": _spec(Say, frozenset({"seq", "text"})),
    "show": _spec(
        Show, frozenset({"kind", "text"}), frozenset({"from", "seq"}), {"from": "sender"}
    ),
    "ping": _spec(Ping, frozenset({"id"})),
    "pong": _spec(Pong, frozenset({"id"})),
    "bye": _spec(Bye, frozenset({"reason"}), frozenset({"code"})),
    "error": _spec(Error, frozenset({"reason"})),
}


def from_dict(obj: dict[str, Any]) -> Message:
    """Turn a decoded frame into the message it encodes.

    Args:
        obj: A JSON object with a string ``"type"`` (as :class:`net.codec.Decoder` yields).

    Returns:
        The message.

    Raises:
        UnknownMessageType: ``"type"`` is not one of version 1's types.
        InvalidField: A field is missing, unexpected, or has a bad value.
    """
    kind = obj.get("type")
    spec = _SPECS.get(kind) if isinstance(kind, str) else None
    if spec is None:
        shown = repr(kind)[:40]
        raise UnknownMessageType(f"unknown message type {shown}")
    cls, required, optional, renames, complete = spec
    try:
        if kind == "say" and len(obj) == 3:  # the hot path: skip the generic field mapping
            return Say(obj["seq"], obj["text"])
        if kind == "show" and len(obj) == 5:
            return Show(obj["kind"], obj["text"], obj["from"], obj["seq"])
        if kind == "show" and len(obj) == 4:
            return Show(obj["kind"], obj["text"], obj["from"])
    except KeyError:
        pass  # an extra field in place of a known one: the generic path names it
    except LocalProtocolError as exc:
        raise InvalidField(exc.reason) from exc
    if obj.keys() != complete:  # the usual case (every field present) skips the set algebra
        keys = obj.keys() - {"type"}
        missing = required - keys
        if missing:
            raise InvalidField(f"{kind} message lacks {', '.join(sorted(missing))}")
        extra = keys - required - optional
        if extra:
            names = ", ".join(repr(k)[:40] for k in sorted(extra)[:3])
            raise InvalidField(f"{kind} message has unexpected field(s) {names}")
    kwargs = {renames.get(key, key): value for key, value in obj.items() if key != "type"}
    try:
        return cls(**kwargs)
    except LocalProtocolError as exc:
        raise InvalidField(exc.reason) from exc


def encode_message(message: Message, *, max_frame: int = DEFAULT_MAX_FRAME) -> bytes:
    """Encode a message as one complete frame.

    Args:
        message: Any protocol message.
        max_frame: The largest body allowed, in bytes.

    Returns:
        The frame (header and body) as one bytes object.

    Raises:
        LocalProtocolError: The message does not fit in ``max_frame`` bytes.
    """
    return encode(message.to_dict(), max_frame=max_frame)
