"""What changes a host's table: one plain record per change, in the order it happened.

In net because the seat keeper (net.seat_keeper) decides most of them; they name seats and
lines, never games, so net stays ignorant of what is played.

The host applies every change of its table and its guest seat through one of these events, and
the journal writes each event down (fsync'd) before it is applied; after a crash the host
replays them into a fresh :class:`~game.table.Table` and seat keeper and is where it was. So
an event holds only JSON values, and applying the same events in the same order to the same
starting point (the host name and the random seed in :class:`Opened`) always gives the same
table, the same shows to the guest and the same ``show.seq`` numbers: nothing else — no clock,
no randomness, no network — may decide what the table does.

Seat tokens appear only as hashes (SHA-256, hex): the journal must not hold a usable token.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal, TypeAlias

SeatName: TypeAlias = Literal["host", "guest"]
FreedWhy: TypeAlias = Literal["left", "expired", "flooding", "protocol"]


@dataclass(frozen=True, slots=True)
class Opened:
    """The table opened: who hosts it and the seed of all its randomness (bots, words)."""

    host_name: str
    seed: int


@dataclass(frozen=True, slots=True)
class Sat:
    """A new guest sat down, asking for *asked*; *token_hash* is their first token's hash."""

    asked: str
    token_hash: str


@dataclass(frozen=True, slots=True)
class Resumed:
    """The dropped guest came back; the seat's valid token hashes are now *newest* and *older*.

    ``caught_up`` is False when the guest missed shows that were no longer kept, so the table
    shows them the board again.
    """

    newest: str
    older: str | None
    caught_up: bool


@dataclass(frozen=True, slots=True)
class Line:
    """One line typed at *seat*; a guest's carries its ``say.seq``, a host's ``seq`` 0.

    ``now`` is the host's monotonic clock when the line was applied (flood control reads it).
    """

    seat: SeatName
    text: str
    now: float
    seq: int = 0


@dataclass(frozen=True, slots=True)
class Dropped:
    """The guest's connection was lost; the seat is kept for *grace* seconds."""

    grace: float


@dataclass(frozen=True, slots=True)
class Freed:
    """The guest's seat was freed: they left, did not come back in time, were put out for
    flooding, or their program broke the protocol (*detail* says how)."""

    why: FreedWhy
    detail: str = ""


TableEvent: TypeAlias = Opened | Sat | Resumed | Line | Dropped | Freed

_TYPES: Final[dict[str, type[TableEvent]]] = {
    "opened": Opened,
    "sat": Sat,
    "resumed": Resumed,
    "line": Line,
    "dropped": Dropped,
    "freed": Freed,
}
_NAMES: Final[dict[type[TableEvent], str]] = {cls: name for name, cls in _TYPES.items()}


def to_record(event: TableEvent) -> dict[str, Any]:
    """The JSON object for *event*: its fields plus ``"event"``, its kind."""
    return {"event": _NAMES[type(event)], **asdict(event)}


def from_record(record: dict[str, Any]) -> TableEvent:
    """The event a JSON object written by :func:`to_record` holds.

    Raises:
        ValueError: not such an object (unknown kind, missing or unexpected fields).
    """
    fields = dict(record)
    kind = fields.pop("event", None)
    cls = _TYPES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"unknown table event {str(kind)[:40]!r}")
    try:
        return cls(**fields)
    except TypeError as exc:
        raise ValueError(f"bad {kind} event: {exc}") from None
