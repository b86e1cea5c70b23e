"""The host's journal: what an fsync'd append costs, and how long a restart's replay takes.

Run from the repository root, nothing installed: ``python tests/bench/bench_journal.py``.

1. Appends: one table event per line through :meth:`cli.table_replay.TableJournal.record`
   (to_record, JSON, checksum, write, fsync) beside a bare ``os.write`` + ``os.fsync`` loop of
   the same bytes to a plain file in the same directory, alternating, same run. The fsync is
   the cost the design asks for; everything of ours is the ratio's excess over 1.
2. Replay: a 10,000-line journal (an opening, a guest, chat and moves) opened, read, checked
   and replayed — once into an apply that does nothing (the journal's own cost), once into a
   real :class:`game.table.Table` (what a restarted host pays before it listens).

A script that prints figures, not a timed test: timings on shared machines are too noisy to
gate on.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cli.journal import encode_line
from cli.table_replay import TableJournal
from game.table import Seat, Table
from game.table_events import Line, Opened, Sat, TableEvent, to_record

PORT = 4000
APPENDS = 500
ROUNDS = 5
REPLAY_LINES = 10_000
HASH = "ab" * 32


def _event(n: int) -> Line:
    return Line("guest", f"line {n}: that was a good move, your turn now", 1000.0 + n, n + 1)


def _bare(directory: Path, lines: list[bytes]) -> float:
    """Seconds per line for write + fsync of *lines* to a plain file."""
    path = directory / "bare"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    try:
        start = time.perf_counter()
        for line in lines:
            os.write(fd, line)
            os.fsync(fd)
        return (time.perf_counter() - start) / len(lines)
    finally:
        os.close(fd)
        path.unlink()


def _ours(root: Path, events: list[Line]) -> float:
    """Seconds per event for TableJournal.record (a fresh journal each round)."""
    journal = TableJournal.open(PORT, root=root, fresh=True)
    try:
        start = time.perf_counter()
        for event in events:
            journal.record(event)
        return (time.perf_counter() - start) / len(events)
    finally:
        journal.close(deliberate=True)


def appends(root: Path) -> None:
    """Print the append figures."""
    events = [_event(n) for n in range(APPENDS)]
    lines = [encode_line(to_record(e)) for e in events]
    root.mkdir(parents=True, exist_ok=True)
    bare: list[float] = []
    ours: list[float] = []
    for _ in range(ROUNDS):  # alternate, so drift of the machine falls on both
        bare.append(_bare(root, lines))
        ours.append(_ours(root, events))
    b, o = statistics.median(bare), statistics.median(ours)
    start = time.perf_counter()
    for event in events:
        encode_line(to_record(event))
    cpu = (time.perf_counter() - start) / len(events)
    print(f"append, {APPENDS} lines x {ROUNDS} rounds (median per line), ~{len(lines[0])} B/line:")
    print(f"  bare write+fsync      {b * 1e6:9.1f} µs")
    print(f"  journal record        {o * 1e6:9.1f} µs   ratio {o / b:.2f}x")
    print(f"  of which record+line  {cpu * 1e6:9.1f} µs   (to_record, JSON, CRC-32: no I/O)")


def _write_long_journal(root: Path) -> None:
    journal = TableJournal.open(PORT, root=root, fresh=True)
    history: list[TableEvent] = [Opened("alice", 7), Sat("bob", HASH)]
    history += [_event(n) for n in range(REPLAY_LINES - len(history))]
    for event in history:
        journal.record(event)
    journal.close(deliberate=False)


def replays(root: Path) -> None:
    """Print the replay figures."""
    _write_long_journal(root)
    size = (root / "tables" / f"{PORT}.journal").stat().st_size

    def nothing(_: TableEvent) -> None:
        return None

    table: list[Table] = []

    def real(event: TableEvent) -> None:
        if isinstance(event, Opened):
            table[:] = [Table(event.host_name, rng=random.Random(event.seed))]
        elif isinstance(event, Sat):
            table[0].sit(event.asked)
        elif isinstance(event, Line):
            table[0].handle(
                Seat.GUEST if event.seat == "guest" else Seat.HOST, event.text, now=event.now
            )

    print(f"replay of a {REPLAY_LINES:,}-line journal ({size / 1024:.0f} KiB), best of 3:")
    for label, apply in (("read + check only", nothing), ("into a real Table", real)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            journal = TableJournal.open(PORT, root=root)
            replayed = journal.restore(apply, Opened("alice", 7))
            journal.close(deliberate=False)
            times.append(time.perf_counter() - start)
            assert replayed is not None and replayed.count == REPLAY_LINES, replayed
        print(f"  {label:<20} {min(times) * 1e3:9.1f} ms")


def main() -> int:
    """Run both benchmarks in a private temporary directory; return 0."""
    with tempfile.TemporaryDirectory(prefix="bench-journal-") as tmp:
        root = Path(tmp) / "tablechat"
        appends(root)
        replays(root)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
