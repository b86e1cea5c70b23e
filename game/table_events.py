"""What changes a host's table: one plain record per change, in the order it happened.

In net because the seat keeper (game.seat_keeper) decides most of them; they name seats and
lines, never games, so net stays ignorant of what is played.

The host applies every change of its table and its guest seat through one of these events, and
the journal writes each event down (fsync'd) before it is applied; after a crash the host
replays them into a fresh :class:`~game.table.Table` and seat keeper and is where it was. So
an event holds only JSON values, and applying the same events in the same order to the same
starting point (the host name and the random seed in :class:`Opened`) always gives the same
table, the same shows to the guest and the same ``show.seq`` numbers: nothing else — no clock,
no randomness, no network — may decide what the table does.

The events about a seat held by a connection (:class:`Sat`, :class:`Rotated`,
:class:`Resumed`, :class:`Dropped`, :class:`Freed`) name it by ``seat``: the guest's, the
default, or at a lobby table (:mod:`game.lobby`) the host's, which the person who opened the
table holds from a connection as the guest holds theirs.

Seat tokens appear only as hashes (SHA-256, hex): the journal must not hold a usable token.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import MISSING, dataclass
from typing import Any, Final, Literal, TypeAlias, Union

from net.errors import LocalProtocolError
from net.messages import MAX_INT, Say, validate_name

SeatName: TypeAlias = Literal["host", "guest", "spectator"]
#: A seat a connection can hold: the guest's at every table, and the host's at a lobby
#: table, where the person who opened it plays from a connection too (game.lobby).
RemoteSeat: TypeAlias = Literal["host", "guest"]
#: Why a seat was freed; ``idle`` is a lobby table's opener's seat when nobody sat at the
#: table for the lobby's idle limit (the table closes with it).
FreedWhy: TypeAlias = Literal["left", "expired", "flooding", "protocol", "idle"]
#: Why a spectator stopped watching: typed /q, lost the connection, flooded, broke the
#: protocol, the host restarted (their connections died with the old process), gave its place
#: to a newcomer (the room full, it silent for long), or sat down in the free seat (/sit).
UnwatchedWhy: TypeAlias = Literal[
    "left", "lost", "flooding", "protocol", "restart", "silent", "sat"
]


@dataclass(frozen=True, slots=True)
class Opened:
    """The table opened: who hosts it and the seed of all its randomness (bots, words).

    *game* is what a lobby table's opener asked to play once someone sits down, as ``/game``
    takes it (``/open tictactoe``), or "" for nothing: a one-table host's is always "".
    """

    host_name: str
    seed: int
    game: str = ""


@dataclass(frozen=True, slots=True)
class Restarted:
    """The host program started again and restored this table from its journal.

    Its clock readings are another process's from here on (after a reboot they may even go
    backwards), so the table forgets its flood-control history, exactly as it did live; and
    *grace* is this run's grace period. Recorded, so that a second restart replays the first
    one too.
    """

    grace: float


@dataclass(frozen=True, slots=True)
class Sat:
    """A new guest sat down, asking for *asked*; *token_hash* is their first token's hash.

    *text_client* is True for a person on nc/telnet, whose client keeps no token: after a drop
    only the host can tell whether someone claiming the seat is them. *lines_from* is the
    ``say.seq`` the seat starts after: a spectator who sits down with ``/sit`` keeps the
    connection, and its numbering, it watched with.
    """

    asked: str
    token_hash: str
    text_client: bool = False
    lines_from: int = 0
    seat: RemoteSeat = "guest"


@dataclass(frozen=True, slots=True)
class Rotated:
    """A resume was let in: the seat's valid token hashes are now *newest* and *older*.

    Recorded before the welcome carrying the new token goes out — so a host that dies after
    sending it still knows the token its guest holds — and followed by :class:`Resumed` once
    the welcome is out.
    """

    newest: str
    older: str | None
    seat: RemoteSeat = "guest"


@dataclass(frozen=True, slots=True)
class Resumed:
    """The dropped guest came back; the seat's valid token hashes are now *newest* and *older*.

    ``caught_up`` is False when the guest missed shows that were no longer kept, so the table
    shows them the board again. ``lines_anew`` is True when the seat went to another
    connection by the host's ``/let``: that connection numbers its lines from 1, so the seat's
    ``say.seq`` starts again rather than taking its first lines for repeats of the old ones.
    """

    newest: str
    older: str | None
    caught_up: bool
    lines_anew: bool = False
    seat: RemoteSeat = "guest"


@dataclass(frozen=True, slots=True)
class Line:
    """One line typed at *seat*; a line from a connection carries its ``say.seq``, the host
    person's at the console ``seq`` 0.

    ``now`` is the host's monotonic clock when the line was applied (flood control reads it);
    ``wall`` its wall clock then, seconds since the epoch (0: not known), which dates a game
    the line begins. A spectator's line names them by *watcher*, the number the table gave
    them (0 otherwise): between games it reaches the players, so it is journaled like theirs.
    """

    seat: SeatName
    text: str
    now: float
    seq: int = 0
    watcher: int = 0
    wall: float = 0.0


@dataclass(frozen=True, slots=True)
class Watched:
    """Someone sat down to watch, asking for *name* (the table numbers them 1, 2, 3…)."""

    name: str


@dataclass(frozen=True, slots=True)
class Unwatched:
    """Spectator number *number* stopped watching, *why* says how."""

    number: int
    why: UnwatchedWhy = "left"


@dataclass(frozen=True, slots=True)
class Dropped:
    """The guest's connection was lost; the seat is kept for *grace* seconds.

    *address* is where that connection came from, when a lobby lets a person on nc/telnet
    take the seat back from there (:meth:`game.lobby.Lobby.reclaim`); "" when not known (a
    one-table host's, and a seat whose connection died with the old process).
    """

    grace: float
    seat: RemoteSeat = "guest"
    address: str = ""


@dataclass(frozen=True, slots=True)
class Freed:
    """The guest's seat was freed: they left, did not come back in time, were put out for
    flooding, or their program broke the protocol (*detail* says how); or a lobby table's
    opener's, when nobody sat at the table for long (``idle``)."""

    why: FreedWhy
    detail: str = ""
    seat: RemoteSeat = "guest"


TableEvent: TypeAlias = (
    Opened | Restarted | Sat | Rotated | Resumed | Line | Dropped | Freed | Watched | Unwatched
)

_TYPES: Final[dict[str, type[TableEvent]]] = {
    "opened": Opened,
    "sat": Sat,
    "restarted": Restarted,
    "rotated": Rotated,
    "resumed": Resumed,
    "line": Line,
    "dropped": Dropped,
    "freed": Freed,
    "watched": Watched,
    "unwatched": Unwatched,
}
_NAMES: Final[dict[type[TableEvent], str]] = {cls: name for name, cls in _TYPES.items()}


def to_record(event: TableEvent) -> dict[str, Any]:
    """The JSON object for *event*: its fields plus ``"event"``, its kind.

    A ``seat`` that is the guest's is left out: it is the default, and a one-table host's
    journal (where only the guest's seat is held by a connection) never needs it; so are an
    opening's ``game`` and a drop's ``address`` when there is none.
    """
    cls = type(event)
    # Every field holds a JSON scalar: read as it is, without asdict's deep copy (each line
    # typed at the table is recorded).
    record: dict[str, Any] = {"event": _NAMES[cls]}
    for name in _FIELDS[cls]:
        record[name] = getattr(event, name)
    if cls is not Line and record.get("seat") == "guest":
        del record["seat"]
    for name in _LEFT_OUT_EMPTY.get(cls, ()):
        if not record[name]:
            del record[name]
    return record


def from_record(record: dict[str, Any]) -> TableEvent:
    """The event a JSON object written by :func:`to_record` holds.

    A record read back from disk is not trusted: every field must have its declared type
    (``True`` is not an int, an int is a float), a number must be finite, a ``seq`` and a
    ``grace`` never negative, a token hash 64 lowercase hex digits, a name one the protocol
    accepts, an opening's ``game`` a text a ``say`` can carry (it came in one), and an address
    at most :data:`MAX_ADDRESS` printable ASCII characters.

    Raises:
        ValueError: not such an object (unknown kind, missing, unexpected or wrong fields).
    """
    fields = dict(record)
    kind = fields.pop("event", None)
    cls = _TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown table event {str(kind)[:40]!r}")
    hints = _HINTS[cls]
    unexpected = sorted(set(fields) - set(hints))
    if unexpected:
        raise ValueError(f"bad {kind} event: unexpected field {str(unexpected[0])[:40]!r}")
    values: dict[str, Any] = {}
    for name, hint in hints.items():
        if name not in fields:
            if name in _DEFAULTS[cls]:
                continue
            raise ValueError(f"bad {kind} event: missing field {name!r}")
        try:
            values[name] = _checked(name, hint, fields[name])
        except ValueError as exc:
            raise ValueError(f"bad {kind} event: {name} {exc}") from None
    return cls(**values)


_HEX_DIGITS: Final = frozenset("0123456789abcdef")
_HASH_FIELDS: Final = frozenset({"token_hash", "newest", "older"})
_NAME_FIELDS: Final = frozenset({"host_name", "asked", "name"})
#: Texts a person typed in a ``say``: the wire's bounds on its text hold for them.
_SAID_FIELDS: Final = frozenset({"game"})
#: Fields left out of a record when empty: journals from before they existed read the same.
_LEFT_OUT_EMPTY: Final[dict[type[TableEvent], tuple[str, ...]]] = {
    Opened: ("game",),
    Dropped: ("address",),
}
_NOT_NEGATIVE: Final = frozenset({"seq", "grace", "watcher", "number", "lines_from", "wall"})
#: Numbers that go back on the wire (a say.seq in a welcome): the wire's bound holds for them.
_WIRE_INTS: Final = frozenset({"seq", "watcher", "number", "lines_from"})
# The annotations are strings here (postponed evaluation): resolved once per class.
_HINTS: Final[dict[type[TableEvent], dict[str, Any]]] = {
    cls: typing.get_type_hints(cls) for cls in _TYPES.values()
}
_FIELDS: Final[dict[type[TableEvent], tuple[str, ...]]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES.values()
}
_DEFAULTS: Final[dict[type[TableEvent], frozenset[str]]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls) if f.default is not MISSING)
    for cls in _TYPES.values()
}


def _checked(name: str, hint: Any, value: Any) -> Any:
    """*value* as field *name* of type *hint* holds it.

    Raises:
        ValueError: the type or the value is wrong (the message completes "bad x event: NAME").
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is Literal:
        if value not in args or not isinstance(value, str):
            raise ValueError(f"must be one of {', '.join(map(str, args))}")
        return value
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = (a for a in args if a is not type(None))
        return _checked(name, inner, value)
    if hint is str and isinstance(value, str):
        if name in _HASH_FIELDS and (len(value) != 64 or not _HEX_DIGITS.issuperset(value)):
            raise ValueError("must be a SHA-256 hash (64 hex digits)")
        if name in _NAME_FIELDS:
            # A name goes into every welcome: one the protocol refuses must not come back.
            validate_name(name, value)  # LocalProtocolError is a ValueError
        if name == "address":
            return checked_address(value)
        if name in _SAID_FIELDS:
            try:
                Say(seq=0, text=value)
            except LocalProtocolError:
                raise ValueError("must be a text the wire carries (no lone surrogate)") from None
        return value
    if hint is bool and isinstance(value, bool):
        return value
    # bool is an int to Python, never to a record; an int is a float to JSON.
    if hint in (int, float) and isinstance(value, int | float) and not isinstance(value, bool):
        if hint is int and not isinstance(value, int):
            raise ValueError("must be a whole number")
        if hint is float:
            try:
                value = float(value)  # an int too large for a float overflows
            except OverflowError:
                value = math.inf
            if not math.isfinite(value):
                raise ValueError("must be a finite number")
        if name in _NOT_NEGATIVE and value < 0:
            raise ValueError("must not be negative")
        if name in _WIRE_INTS and value > MAX_INT:
            # a seq the wire cannot carry would only fail later, in a welcome
            raise ValueError(f"must be at most {MAX_INT}, as on the wire")
        return value
    raise ValueError(f"must be {_words(hint)}")


#: The longest address a record keeps: an IPv6 address with a zone is well within it.
MAX_ADDRESS: Final = 64


def checked_address(value: str) -> str:
    """*value*, the address a connection came from as a journal or snapshot keeps it.

    Raises:
        ValueError: it is longer than :data:`MAX_ADDRESS` or not printable ASCII.
    """
    if len(value) > MAX_ADDRESS or not (value.isascii() and value.isprintable()):
        raise ValueError(f"must be an address: at most {MAX_ADDRESS} printable ASCII characters")
    return value


def _words(hint: Any) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}.get(
        hint, str(hint)
    )
