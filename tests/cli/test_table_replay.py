"""cli.table_replay: events recorded before they are applied are replayed, in order, into a new
host after a crash — through the host's one apply method — and a journal that cannot be
replayed past some record is cut there with one warning.

The host here is a stand-in with the contract's shape (one method that applies an event); the
real table is driven in :func:`test_a_real_table_comes_back_the_same`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.journal import Journal, JournalError
from cli.table_replay import Replayed, TableJournal, replay, restored_notice
from game.table import Delivery, Seat, Table
from game.table_events import (
    Dropped,
    Freed,
    Line,
    Opened,
    Resumed,
    Sat,
    TableEvent,
    to_record,
)

PORT = 4000
HASH = "cd" * 32
OPENED = Opened("alice", 42)


class StandIn:
    """A host with the contract's shape: every change goes through :meth:`change`, which
    records the event, then applies it; a replay applies without recording."""

    def __init__(self, journal: TableJournal) -> None:
        self.journal = journal
        self.applied: list[TableEvent] = []
        self.fail_on: TableEvent | None = None

    def change(self, event: TableEvent) -> None:
        assert self.journal.record(event) is None
        self.apply(event)

    def apply(self, event: TableEvent) -> None:
        if event == self.fail_on:
            raise RuntimeError("table bug")
        self.applied.append(event)


def _journal(root: Path, *, fresh: bool = False) -> TableJournal:
    return TableJournal.open(PORT, root=root, fresh=fresh)


def _recorded(root: Path, events: list[TableEvent]) -> None:
    """A host that applied *events* and was killed (its journal closed, not removed)."""
    host = StandIn(_journal(root))
    for event in events:
        host.change(event)
    host.journal.close(deliberate=False)


def _replayed_in_a_new_host(root: Path) -> list[TableEvent]:
    """What a host started again on *root*'s journal applies (then it is killed too)."""
    journal = _journal(root)
    host = StandIn(journal)
    journal.restore(host.apply, OPENED)
    journal.close(deliberate=False)
    return host.applied


GAME: list[TableEvent] = [
    OPENED,
    Sat("bob", HASH),
    Line("host", "/game tictactoe", 1.0),
    Line("host", "b2", 2.0),
    Line("guest", "a1", 3.0, 1),
    Dropped(300.0),
    Resumed(HASH, None, True),
    Line("guest", "hi", 4.0, 2),
]


@st.composite
def histories(draw: st.DrawFn) -> list[TableEvent]:
    """A table's events as a host could apply them: an opening, then changes that can happen
    with the guest seat as it is."""
    name = st.text("abcdefghijklmnopqrstuvwxyzé -", min_size=1, max_size=8).filter(str.strip)
    events: list[TableEvent] = [Opened(draw(name), draw(st.integers()))]
    seated = connected = False
    text = st.text(max_size=12)
    hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
    for _ in range(draw(st.integers(0, 20))):
        now = draw(st.floats(0, 1e6))
        options: list[TableEvent] = [Line("host", draw(text), now)]
        if not seated:
            options.append(Sat(draw(name), draw(hashes)))
        else:
            options += [Freed("left"), Resumed(draw(hashes), None, draw(st.booleans()))]
            options.append(Line("guest", draw(text), now, draw(st.integers(1, 99))))
            if connected:
                options.append(Dropped(draw(st.floats(0, 600))))
        event = draw(st.sampled_from(options))
        seated = not isinstance(event, Freed) and (seated or isinstance(event, Sat))
        connected = isinstance(event, Sat | Resumed) or (
            connected and not isinstance(event, Dropped)
        )
        events.append(event)
    return events


@given(events=histories())
def test_what_was_recorded_is_replayed_in_order(
    tmp_path_factory: pytest.TempPathFactory, events: list[TableEvent]
) -> None:
    root = tmp_path_factory.mktemp("state") / "tablechat"
    _recorded(root, events)
    journal = _journal(root)
    again = StandIn(journal)
    replayed = journal.restore(again.apply, OPENED)
    assert again.applied == events
    assert replayed is not None and replayed.stopped is None
    assert (replayed.opened, replayed.count) == (events[0], len(events))
    assert journal.take_warning() is None


def test_the_guest_seat_as_the_last_event_left_it() -> None:
    def seat_after(events: list[TableEvent]) -> str:
        replayed = replay([to_record(e) for e in events], lambda _: None)
        assert replayed is not None
        return replayed.guest

    assert seat_after(GAME[:1]) == "free"
    assert seat_after(GAME) == "connected"  # the new host records a Dropped for it
    assert seat_after(GAME[:6]) == "dropped"
    assert seat_after([*GAME, Freed("expired")]) == "free"


def test_nothing_recorded_is_a_new_table_whose_opening_is_recorded(tmp_path: Path) -> None:
    journal = _journal(tmp_path)
    host = StandIn(journal)
    assert journal.restore(host.apply, OPENED) is None
    assert host.applied == []  # the host applied its opening itself: not applied again
    assert journal.take_warning() is None
    journal.close(deliberate=False)
    assert _replayed_in_a_new_host(tmp_path) == [OPENED]


def test_a_journal_that_does_not_open_a_table_is_ignored_and_emptied(tmp_path: Path) -> None:
    raw = Journal.open(PORT, root=tmp_path)
    raw.append(to_record(Line("host", "hi", 1.0)))
    raw.close()
    journal = _journal(tmp_path)
    host = StandIn(journal)
    assert journal.restore(host.apply, OPENED) is None
    assert host.applied == []
    warning = journal.take_warning()
    assert warning is not None and "does not start with a table's opening" in warning
    journal.close(deliberate=False)
    assert Journal.open(PORT, root=tmp_path).records == [to_record(OPENED)]


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ({"event": "line", "seat": "guest", "text": 5, "now": 1.0}, "text must be a string"),
        (to_record(Sat("carol", HASH)), "a guest sits down on a taken seat"),
        (to_record(OPENED), "the table is opened a second time"),
    ],
)
def test_a_record_that_cannot_be_replayed_cuts_the_journal_there(
    tmp_path: Path, bad: dict[str, object], why: str
) -> None:
    _recorded(tmp_path, GAME[:4])
    raw = Journal.open(PORT, root=tmp_path)
    raw.append(bad)
    raw.append(to_record(Line("host", "after", 9.0)))
    raw.close()

    journal = _journal(tmp_path)
    host = StandIn(journal)
    replayed = journal.restore(host.apply, OPENED)
    assert host.applied == GAME[:4]
    assert replayed is not None and replayed.count == 4
    warning = journal.take_warning()
    assert warning is not None
    assert "cannot be replayed from record 5 (" in warning and why in warning
    assert warning.endswith("restored the 4 records before it and ignored the rest")
    assert journal.take_warning() is None  # one sentence
    host.change(Line("host", "new", 10.0))
    journal.close(deliberate=False)
    assert _replayed_in_a_new_host(tmp_path) == [*GAME[:4], Line("host", "new", 10.0)]


def test_an_event_the_table_fails_on_ends_the_replay_there(tmp_path: Path) -> None:
    _recorded(tmp_path, GAME)
    journal = _journal(tmp_path)
    host = StandIn(journal)
    host.fail_on = GAME[4]
    replayed = journal.restore(host.apply, OPENED)
    assert host.applied == GAME[:4]
    assert replayed is not None
    assert (replayed.count, replayed.guest, replayed.stopped) == (
        4,
        "connected",
        "record 5 (the table could not apply it: RuntimeError('table bug'))",
    )
    assert "restored the 4 records before it" in (journal.take_warning() or "")


def test_a_damaged_tail_is_one_warning_and_the_rest_is_restored(tmp_path: Path) -> None:
    _recorded(tmp_path, GAME)
    path = tmp_path / "tables" / f"{PORT}.journal"
    path.write_bytes(path.read_bytes()[:-7])  # killed while writing the last line
    journal = _journal(tmp_path)
    host = StandIn(journal)
    journal.restore(host.apply, OPENED)
    assert host.applied == GAME[:-1]
    warning = journal.take_warning()
    assert warning is not None and "damaged at line 8 (half-written)" in warning
    assert journal.take_warning() is None


def test_deliberate_close_removes_it_and_a_crash_keeps_it(tmp_path: Path) -> None:
    _recorded(tmp_path, GAME)
    assert _replayed_in_a_new_host(tmp_path) == GAME
    journal = _journal(tmp_path)
    journal.restore(StandIn(journal).apply, OPENED)
    journal.close(deliberate=True)  # /q, Ctrl-D, Ctrl-C
    assert not (tmp_path / "tables" / f"{PORT}.journal").exists()
    assert _replayed_in_a_new_host(tmp_path) == []


def test_fresh_starts_an_empty_table(tmp_path: Path) -> None:
    _recorded(tmp_path, GAME)
    journal = _journal(tmp_path, fresh=True)
    assert journal.restore(StandIn(journal).apply, OPENED) is None


def test_port_zero_keeps_no_journal(tmp_path: Path) -> None:
    journal = TableJournal.open(0, root=tmp_path)
    assert not journal.keeping
    assert journal.record(OPENED) is None
    assert journal.take_warning() is None
    assert not (tmp_path / "tables").exists()


@pytest.mark.parametrize("fresh", [False, True])
def test_a_second_host_on_the_port_keeps_none_and_says_so(tmp_path: Path, fresh: bool) -> None:
    first = _journal(tmp_path)
    assert first.record(OPENED) is None
    second = _journal(tmp_path, fresh=fresh)  # --fresh empties only a journal nobody holds
    assert first.keeping and not second.keeping
    assert "another table on this port is keeping the journal" in (second.take_warning() or "")
    assert second.record(Line("host", "not mine", 1.0)) is None  # writes nothing
    second.close(deliberate=True)  # and removes nothing: it is not its journal
    assert first.record(Line("host", "mine", 2.0)) is None
    first.close(deliberate=False)
    assert _replayed_in_a_new_host(tmp_path) == [OPENED, Line("host", "mine", 2.0)]


def test_a_failed_write_stops_the_journal_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(tmp_path)
    assert journal.record(OPENED) is None

    def disk_full(*_: object) -> None:
        raise JournalError("cannot write the journal J: No space left on device")

    monkeypatch.setattr(Journal, "append", disk_full)
    assert journal.record(Line("host", "hi", 1.0)) == (
        "cannot write the journal J: No space left on device — "
        "this table will not survive a restart"
    )
    monkeypatch.undo()
    assert not journal.keeping
    assert journal.record(Line("host", "more", 2.0)) is None
    # Removed: restoring a table older than what the guest has seen would be worse than none.
    assert _replayed_in_a_new_host(tmp_path) == []


def test_the_notice_after_a_restore() -> None:
    replayed = Replayed(OPENED, 8, "connected")
    assert restored_notice(replayed, "alice", playing=False) == (
        "restored alice's table after a restart (8 recorded changes): "
        "game, score and chat are as they were"
    )
    assert restored_notice(replayed, "alice", playing=True).endswith(
        "as they were (/board shows the game)"
    )


# --- the real table: the same events give the same table --------------------------------------


class TableHost:
    """The smallest real host: a Table made from the opening, lines applied to it."""

    def __init__(self, journal: TableJournal) -> None:
        self.journal = journal
        self.table: Table | None = None
        self.seen: list[Delivery] = []

    def change(self, event: TableEvent) -> None:
        assert self.journal.record(event) is None
        self.apply(event)

    def apply(self, event: TableEvent) -> None:
        if isinstance(event, Opened):
            self.table = Table(event.host_name, rng=random.Random(event.seed))
        elif isinstance(event, Line):
            assert self.table is not None
            seat = Seat.HOST if event.seat == "host" else Seat.GUEST
            self.seen += self.table.handle(seat, event.text, now=event.now)


def test_a_real_table_comes_back_the_same(tmp_path: Path) -> None:
    lines = ["/game tictactoe", "b2", "hello", "a1", "/score"]
    live = TableHost(_journal(tmp_path))
    live.change(OPENED)  # the bot's moves come from the seed: they must come out the same
    for n, text in enumerate(lines):
        live.change(Line("host", text, float(n)))
    live.journal.close(deliberate=False)  # killed

    restarted = TableHost(_journal(tmp_path))
    restarted.journal.restore(restarted.apply, OPENED)
    assert restarted.seen == live.seen
    for host in (live, restarted):
        host.seen.clear()
        assert host.table is not None
        host.seen += host.table.handle(Seat.HOST, "c3", now=9.0)
    assert restarted.seen == live.seen  # and play goes on exactly as it would have
    assert any("bot played" in d.shown.text for d in live.seen)


def test_a_new_table_whose_opening_cannot_be_written_keeps_no_journal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = _journal(tmp_path)

    def disk_full(*_: object) -> None:
        raise JournalError("cannot write the journal J: No space left on device")

    monkeypatch.setattr(Journal, "append", disk_full)
    assert journal.restore(StandIn(journal).apply, OPENED) is None
    assert not journal.keeping
    assert journal.take_warning() == (
        "cannot write the journal J: No space left on device — "
        "this table will not survive a restart"
    )


junk_records = st.dictionaries(
    st.sampled_from(["event", "seat", "text", "now", "seq", "asked", "token_hash", "why"]),
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
)


@given(records=st.lists(st.one_of(st.sampled_from([to_record(e) for e in GAME]), junk_records)))
def test_any_records_restore_a_prefix_with_at_most_one_warning(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict[str, object]]
) -> None:
    root = tmp_path_factory.mktemp("state")
    raw = Journal.open(PORT, root=root)
    for record in records:
        raw.append(record)
    raw.close()
    journal = _journal(root)
    host = StandIn(journal)
    replayed = journal.restore(host.apply, OPENED)
    applied = 0 if replayed is None else replayed.count
    assert [to_record(e) for e in host.applied] == records[:applied]
    first_warning = journal.take_warning()
    assert journal.take_warning() is None
    assert (first_warning is None) == (applied == len(records))
