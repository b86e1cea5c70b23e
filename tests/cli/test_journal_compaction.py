"""The journal is compacted: its size is bounded by the table's state, not by how much is said.

A host records every change before applying it; past :data:`COMPACT_EVENTS` events or
:data:`COMPACT_BYTES` bytes since its first record, the journal is rewritten atomically as a
snapshot of the served table and the record at hand. Here a real served table is driven as the
host drives it (record, then apply), and the journal file is read back as a restarted host
reads it: the table comes back the same, however many lines were said, and the file never
grows past the bound. A damaged snapshot falls back to the valid-prefix rule; the rewrite
keeps the file private and locked.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from cli.journal import NEW_SUFFIX, Journal, JournalBusy, encode_line, journal_path
from cli.table_replay import COMPACT_BYTES, COMPACT_EVENTS, SNAPSHOT, TableJournal
from game.delivery import Seat
from game.seat_keeper import SeatKeeper
from game.served_table import ServedTable
from game.table_events import Line, Opened, Sat, TableEvent, Watched
from net.admission import JoinCodeGate

PORT = 4000
OPENED = Opened("alice", 42)
HASH = "ab" * 32


class Host:
    """The host's part that matters here: one apply method that records, then applies."""

    def __init__(self, root: Path) -> None:
        keeper: SeatKeeper[str] = SeatKeeper("alice", JoinCodeGate(None), spectator_limit=5)
        self.served: ServedTable[str] = ServedTable(keeper)
        self.served.apply(OPENED, 0.0, replaying=True)
        self.journal = TableJournal.open(PORT, root=root, table=self.served)
        self.replayed = self.journal.restore(
            lambda event: self.served.apply(event, 0.0, replaying=True), OPENED, 0.0
        )

    def change(self, event: TableEvent, now: float) -> None:
        assert self.journal.record(event) is None
        self.served.apply(event, now)

    def close(self) -> None:
        self.journal.close(deliberate=False)


def _state(served: ServedTable[str]) -> dict[str, Any]:
    snapshot = served.to_snapshot()
    return json.loads(json.dumps(snapshot))  # type: ignore[no-any-return]


@pytest.fixture
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many thousands of records: their fsyncs are not what is measured (a crash is not
    simulated here; tests/e2e/test_host_restart.py kills a real host)."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.mark.usefixtures("no_fsync")
def test_the_journal_stays_bounded_over_100000_chat_lines(tmp_path: Path) -> None:
    host = Host(tmp_path)
    host.change(Sat("bob", HASH), 0.0)
    host.change(Watched("carol"), 0.0)
    path = journal_path(PORT, tmp_path)
    largest = 0
    for n in range(100_000):
        now = n * 0.6  # within everyone's flood budget: every line is said and recorded
        text = f"line {n} " + "x" * (n % 200)
        if n % 50 == 49:  # a spectator's line now and then: its flood window is kept too
            host.change(Line("spectator", text, now, n // 50 + 1, 1), now)
        else:  # each reaches the guest: numbered, kept in the outbox, in each one's history
            host.change(Line("host", text, now), now)
        if n % 997 == 0:
            largest = max(largest, path.stat().st_size)
    host.close()
    # One snapshot (the outbox's kept shows, ~50 KB; the last 50 chat lines each of the three
    # people saw, at most ~210 characters, each line written once, ~13 KB; the flood windows,
    # the randomness) plus at most the bound's worth of events.
    snapshot = len(encode_line({SNAPSHOT: _state(host.served)}))
    assert snapshot < 96 << 10
    assert largest <= snapshot + COMPACT_BYTES + (1 << 10)
    assert largest < 2 << 20  # where 100,000 lines uncompacted would be ~20 MB

    restarted = Host(tmp_path)
    assert restarted.replayed is not None
    assert restarted.replayed.count <= COMPACT_EVENTS + 1
    assert _state(restarted.served) == _state(host.served)
    restarted.close()


@pytest.mark.usefixtures("no_fsync")
def test_a_restart_after_compactions_restores_the_game_and_the_seat(tmp_path: Path) -> None:
    host = Host(tmp_path)
    host.change(Sat("bob", HASH), 0.0)
    host.change(Line("host", "/game tictactoe", 1.0), 1.0)
    host.change(Line("host", "5", 2.0), 2.0)
    for n in range(3 * COMPACT_EVENTS):
        host.change(Line("guest", f"chat {n}", 3.0 + n, n + 1), 3.0 + n)
    host.change(Line("guest", "1", 10_000.0, 3 * COMPACT_EVENTS + 1), 10_000.0)
    host.close()
    records = Journal.open(PORT, root=tmp_path)
    assert SNAPSHOT in records.records[0] and len(records.records) <= COMPACT_EVENTS + 1
    records.close()

    restarted = Host(tmp_path)
    served = restarted.served
    assert restarted.replayed is not None and restarted.replayed.guest == "connected"
    assert served.keeper.name == "bob" and served.keeper.tokens.hashes("guest") == (HASH, None)
    assert served.keeper.last_say == 3 * COMPACT_EVENTS + 1
    match = served.table.match
    assert match is not None and match.in_progress
    before = host.served.table.match
    assert before is not None and match.render_for(Seat.HOST) == before.render_for(Seat.HOST)
    assert [s.text for s in served.recent_chat][-1] == f"chat {3 * COMPACT_EVENTS - 1}"
    assert _state(served) == _state(host.served)
    restarted.close()


@pytest.mark.usefixtures("no_fsync")
def test_the_rewritten_file_is_private_locked_and_replaces_a_stale_new_file(
    tmp_path: Path,
) -> None:
    host = Host(tmp_path)
    path = journal_path(PORT, tmp_path)
    stale = path.with_name(path.name + NEW_SUFFIX)
    stale.write_bytes(b"left by a crash during a rewrite\n")
    inode = path.stat().st_ino
    for n in range(COMPACT_EVENTS + 1):
        host.change(Line("host", f"hello {n}", float(n)), float(n))
    assert path.stat().st_ino != inode  # renamed over: a new file
    assert not stale.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(JournalBusy):  # the new file is locked like the old one
        Journal.open(PORT, root=tmp_path)
    host.close()
    reread = Journal.open(PORT, root=tmp_path)
    assert SNAPSHOT in reread.records[0] and reread.warning is None
    reread.close()


@pytest.mark.usefixtures("no_fsync")
def test_a_damaged_snapshot_falls_back_to_the_valid_prefix_rule(tmp_path: Path) -> None:
    host = Host(tmp_path)
    host.change(Sat("bob", HASH), 0.0)
    for n in range(COMPACT_EVENTS + 1):
        host.change(Line("host", f"hello {n}", float(n)), float(n))
    host.close()
    path = journal_path(PORT, tmp_path)
    lines = path.read_bytes().splitlines(keepends=True)
    record = json.loads(lines[0])["record"]
    # re-checksummed: only the value is wrong
    record[SNAPSHOT]["seats"]["guest"]["last_say"] = 2**60
    path.write_bytes(encode_line(record) + b"".join(lines[1:]))

    restarted = Host(tmp_path)
    assert restarted.replayed is None  # a new table, with one sentence, and no traceback
    warning = restarted.journal.take_warning()
    assert warning is not None and "snapshot it can restore" in warning
    assert restarted.served.keeper.name is None
    restarted.close()
    assert path.exists()


@pytest.mark.usefixtures("no_fsync")
def test_a_journal_beyond_the_bound_is_compacted_by_the_next_record(tmp_path: Path) -> None:
    # A journal written without compaction (or cut back to its valid prefix): replayed whole,
    # then compacted by the first record, never given up.
    plain = TableJournal.open(PORT, root=tmp_path)  # no table: it only grows
    plain.restore(lambda event: None, OPENED)
    for n in range(COMPACT_EVENTS + 10):
        assert plain.record(Line("host", f"hi {n}", n * 0.6)) is None
    plain.close(deliberate=False)
    host = Host(tmp_path)
    assert host.replayed is not None and host.replayed.count == COMPACT_EVENTS + 11
    host.change(Line("host", "after the restart", 10_000.0), 10_000.0)
    host.close()
    records = Journal.open(PORT, root=tmp_path)
    assert [SNAPSHOT in r for r in records.records] == [True, False]
    records.close()
    assert os.path.getsize(journal_path(PORT, tmp_path)) < 64 << 10
