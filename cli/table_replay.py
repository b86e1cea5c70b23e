"""The host survives its own restart: its table events are journaled, and replayed at start.

The host changes its table only by applying :mod:`game.table_events` events through one method.
:class:`TableJournal` writes each event down (:mod:`cli.journal`, fsync'd) before that method
applies it, and when ``python -m cli.host`` starts again on the same port, :meth:`restore`
feeds every recorded event back through the same method with sending disabled: the same events
in the same order rebuild the same table, seat keeper, outbox and ``show.seq`` numbers, so the
guest's join resumes with its token and catches up exactly.

The journal does not grow with how long or how much people talk: once the events since its
first record pass :data:`COMPACT_EVENTS` events or :data:`COMPACT_BYTES` bytes, the next
record rewrites it (atomically, :meth:`cli.journal.Journal.rewrite`) as a snapshot of the
served table (:meth:`game.served_table.ServedTable.to_snapshot`: each person's chat history,
the game with its moves and offers, the score and the games' records, each seat held from a
connection with its tokens and outbox, the spectators and the ``seq`` counters) followed by
that record. Its size is therefore at most one snapshot — bounded by the table's state — plus
those bounds and one record; and a restart restores the snapshot and replays at most
:data:`COMPACT_EVENTS` events. A snapshot that cannot be restored (damaged by hand: its
checksum holds) counts as a first record that is no opening.

A journal that cannot be used (another host holds it, the directory is not ours, the disk is
full) never stops the host: it plays on without one and says so in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol, TypeAlias

from cli.journal import Journal, JournalError, encode_line
from game.served_table import GuestSeat
from game.snapshot_values import SnapshotError
from game.table_events import (
    Dropped,
    Freed,
    Line,
    Opened,
    Restarted,
    Resumed,
    Rotated,
    Sat,
    TableEvent,
    Unwatched,
    Watched,
    from_record,
    to_record,
)

Apply: TypeAlias = Callable[[TableEvent], object]
"""The host's one method that applies an event (here: with sending to the guest disabled)."""

__all__ = [
    "COMPACT_BYTES",
    "COMPACT_EVENTS",
    "GuestSeat",
    "Replayed",
    "Snapshotted",
    "TableJournal",
    "replay",
]

#: Events after the snapshot that make the next record compact the journal. A restart replays
#: at most this many; each is a few hundred bytes, so a thousand is a fraction of a second.
COMPACT_EVENTS: Final = 1000
#: Bytes of events after the snapshot that do the same (long lines reach it first).
COMPACT_BYTES: Final = 1 << 20
#: The key of the record that holds a snapshot (an event's record has ``"event"``).
SNAPSHOT: Final = "snapshot"


class Snapshotted(Protocol):
    """The served table as its journal compacts and restores it
    (:class:`game.served_table.ServedTable`)."""

    def to_snapshot(self) -> dict[str, Any]:
        """Everything the events built, as JSON values."""

    def restore(self, snapshot: dict[str, Any], now: float) -> Opened:
        """Become the table *snapshot* describes; raises SnapshotError."""

    @property
    def guest_seat(self) -> GuestSeat:
        """The guest seat as the table stands."""


@dataclass(frozen=True)
class Replayed:
    """What :func:`replay` rebuilt.

    Attributes:
        opened: the first event: the host's name and the seed of the table's randomness.
        count: how many records were applied, the opening included.
        guest: the guest seat as the last applied event left it. ``"connected"`` means the guest was
            connected when the old host died: that connection is gone, so the new host applies
            (and records) a :class:`Dropped` to keep the seat for the grace period.
        stopped: where and why the replay stopped before the end (``"record 7 (…)"``, the
            first record it could not apply), or None when every record was applied.
    """

    opened: Opened
    count: int
    guest: GuestSeat
    stopped: str | None = None


class _Unreplayable(ValueError):
    """A record that cannot be applied where it stands; the message says why."""


def replay(
    records: Sequence[dict[str, Any]],
    apply: Apply,
    table: Snapshotted | None = None,
    now: float = 0.0,
) -> Replayed | None:
    """Apply the events *records* hold, in order, until one cannot be applied.

    A record that is not a valid event, an event that cannot happen where it stands (a second
    opening, a resume with nobody seated…) or one the table fails on ends the replay there:
    the events after it depended on it.

    Args:
        records: the journal's records, the first one the table's opening or its snapshot.
        apply: the host's apply method, with sending disabled.
        table: the served table *apply* applies to, which restores a snapshot (None: a
            journal that starts with one cannot be replayed).
        now: the host's clock, for the snapshot (a dropped seat's grace runs from it).

    Returns:
        What was rebuilt; None when there is nothing to rebuild from (no records, or the first
        is neither an opening nor a snapshot that can be restored — nothing was applied then).
    """
    if not records:
        return None
    restored = _restored(records[0], table, now)
    if restored is not None:
        first, guest = restored
    else:
        try:
            opening = from_record(records[0])
        except ValueError:
            return None
        if not isinstance(opening, Opened):
            return None
        first, guest = opening, "free"
        apply(first)
    for count, record in enumerate(records[1:], start=1):
        try:
            event = from_record(record)
            guest = _seat_after(event, guest)
        except ValueError as exc:
            return Replayed(first, count, guest, f"record {count + 1} ({exc})")
        try:
            apply(event)
        except Exception as exc:  # a table bug must not stop the host from starting
            why = f"record {count + 1} (the table could not apply it: {exc!r})"
            return Replayed(first, count, guest, why)
    return Replayed(first, len(records), guest)


def _restored(
    record: dict[str, Any], table: Snapshotted | None, now: float
) -> tuple[Opened, GuestSeat] | None:
    """The opening and guest seat of the table *record*'s snapshot restored into *table*, or
    None when *record* holds no snapshot that can be restored (nothing changed then)."""
    snapshot = record.get(SNAPSHOT)
    if table is None or not isinstance(snapshot, dict) or len(record) != 1:
        return None
    try:
        opened = table.restore(snapshot, now)
    except SnapshotError:
        return None
    return opened, table.guest_seat


def _seat_after(event: TableEvent, seat: GuestSeat) -> GuestSeat:
    """The guest seat after *event*, from *seat* before it.

    Raises:
        _Unreplayable: *event* cannot happen with the seat as it is.
    """
    seated = seat != "free"
    if getattr(event, "seat", "guest") == "host" and not isinstance(event, Line):
        return seat  # the host's seat at a lobby table: the guest's is as it was
    if isinstance(event, Opened):
        raise _Unreplayable("the table is opened a second time")
    if isinstance(event, Sat):
        if seated:
            raise _Unreplayable("a guest sits down on a taken seat")
        return "connected"
    if isinstance(event, Watched | Unwatched):
        return seat  # spectators do not sit: any seat may be watched
    if isinstance(event, Restarted):
        return seat
    if isinstance(event, Line):
        if event.seat == "guest" and not seated:
            raise _Unreplayable("a line from a guest who is not seated")
        return seat
    if not seated:
        raise _Unreplayable(f"{type(event).__name__.lower()} while nobody is seated")
    if isinstance(event, Resumed):
        return "connected"
    if isinstance(event, Rotated):
        return seat
    if isinstance(event, Dropped):
        return "dropped"
    assert isinstance(event, Freed)
    return "free"


class TableJournal:
    """The host's journal of table events: opened and locked at start, then one per change.

    Every method is safe to call when there is no journal (port 0, another host holds it, the
    directory is unusable, a write failed): it then does nothing.
    """

    def __init__(
        self,
        journal: Journal | None,
        warning: str | None = None,
        table: Snapshotted | None = None,
    ) -> None:
        """Wrap *journal* (None: keep none); *warning* says why there is none; *table* is the
        served table its records change, snapshotted to compact it (None: never compacted)."""
        self._journal = journal
        self._warning = warning
        self._table = table
        # Records and bytes after the journal's first record: what compaction bounds.
        self._since_events = 0
        self._since_bytes = 0

    @classmethod
    def open(
        cls,
        port: int,
        *,
        fresh: bool = False,
        root: Path | None = None,
        table: Snapshotted | None = None,
    ) -> TableJournal:
        """Open and lock the journal of the table listening on *port*; never raises.

        Args:
            port: the port the host was asked for. 0 (a free port picked at random) keeps no
                journal: a restarted host could not be found on the same port again.
            fresh: empty it (``--fresh``): the table starts empty.
            root: the tablechat state directory (default :func:`cli.state_dir.state_root`).
            table: the served table, which restores a snapshot and is snapshotted to compact
                the journal (None: the journal only grows, up to its cap, and one that starts
                with a snapshot cannot be restored).
        """
        if port == 0:
            return cls(None, table=table)
        try:
            return cls(Journal.open(port, root=root, fresh=fresh), table=table)
        except JournalError as exc:
            return cls(None, str(exc), table)

    @property
    def keeping(self) -> bool:
        """True while events are written down."""
        return self._journal is not None

    def take_warning(self) -> str | None:
        """The one sentence about a journal not kept, damaged or cut short, once; then None."""
        warning, self._warning = self._warning, None
        return warning

    def restore(self, apply: Apply, opened: Opened | None, now: float = 0.0) -> Replayed | None:
        """Restore the snapshot the journal starts with, if any, and replay the recorded events
        through *apply* (the host's, sending disabled).

        Records after the first that cannot be replayed are cut off the journal, with one
        warning (:meth:`take_warning`), as for a damaged tail.

        Args:
            apply: the host's apply method, sending disabled.
            opened: the opening the host has applied for a new table: when there is nothing
                to restore, it is recorded as the journal's first event (not applied again).
                None for a lobby's table, which is not opened anew: its caller removes a
                journal with nothing to restore.
            now: the host's clock (a snapshot's dropped seat keeps its grace from then).

        Returns:
            What was rebuilt, or None: a new table (*opened*, if any, is now recorded).
        """
        journal = self._journal
        if journal is None:
            return None
        if journal.warning is not None:
            self._warning = journal.warning
        replayed = replay(journal.records, apply, self._table, now)
        kept = 0 if replayed is None else replayed.count
        if replayed is None and journal.records:
            self._warning = (
                f"the journal {journal.path} does not start with a table's opening or a "
                "snapshot it can restore: "
                f"ignored its {len(journal.records)} records — the table starts empty"
            )
        elif replayed is not None and replayed.stopped is not None:
            self._warning = (
                f"the journal {journal.path} cannot be replayed from {replayed.stopped}: "
                f"restored the {replayed.count} records before it and ignored the rest"
            )
        journal.keep(kept)
        if replayed is None:
            if opened is not None:
                self._warning = self.record(opened) or self._warning
        else:
            # What compaction counts from: the records after the first (an over-long
            # journal, from before compaction or cut back, is compacted by the next record).
            self._since_events = kept - 1
            first = encode_line(journal.records[0]) if journal.records else b""
            self._since_bytes = max(0, journal.size - len(first))
        return replayed

    def record(self, event: TableEvent) -> str | None:
        """Write *event* down (fsync'd) before it is applied.

        Returns:
            None; or, when the write failed, one sentence for the host's screen: the journal
            is then removed and no longer kept (restoring an older table than the guest has
            seen would be worse than none).
        """
        journal = self._journal
        if journal is None:
            return None
        record = to_record(event)
        if self._compacted(journal, record):
            return None
        try:
            size = journal.size
            journal.append(record)
            self._since_events += 1
            self._since_bytes += journal.size - size
        except (JournalError, ValueError) as exc:
            self._journal = None
            journal.remove()
            return f"{exc} — this table will not survive a restart"
        return None

    def _compacted(self, journal: Journal, record: dict[str, Any]) -> bool:
        """Whether *record* was written by compacting the journal: when the events since its
        first record are past the bounds, it is rewritten as a snapshot of the table as it
        stands (before *record* is applied) followed by *record*.

        A table that cannot be snapshotted, or a rewrite that fails, leaves the journal as it
        was: *record* is then appended as usual (and the journal may reach its cap).
        """
        table = self._table
        due = self._since_events >= COMPACT_EVENTS or self._since_bytes >= COMPACT_BYTES
        if table is None or not due:
            return False
        try:
            journal.rewrite([{SNAPSHOT: table.to_snapshot()}, record])
        except (SnapshotError, JournalError, ValueError):
            # Not again for as long: a table that cannot be snapshotted now (a game of its
            # own that keeps none) is tried again after the next bound's worth of events.
            self._since_events = self._since_bytes = 0
            return False
        self._since_events, self._since_bytes = 1, len(encode_line(record))
        return True

    def close(self, *, deliberate: bool) -> None:
        """Let go of the journal; remove it when the host closed the table on purpose.

        Args:
            deliberate: /q, Ctrl-D, Ctrl-C (the table is over: remove the journal); False when
                the host stops for any other reason (keep it: the table can be restored).
        """
        journal, self._journal = self._journal, None
        if journal is None:
            return
        if deliberate:
            journal.remove()
        else:
            journal.close()


def restored_notice(replayed: Replayed, host_name: str, *, playing: bool) -> str:
    """The host's notice after a restore (a kept seat is the table's own next notice).

    Args:
        replayed: what was rebuilt.
        host_name: the restored table's host, as the table cleaned it (the journal's own
            text is not shown as it is).
        playing: a game is in progress (``/board`` shows it).
    """
    notice = (
        f"restored {host_name}'s table after a restart "
        f"({replayed.count} recorded changes): game, score and chat are as they were"
    )
    return notice + " (/board shows the game)" if playing else notice
