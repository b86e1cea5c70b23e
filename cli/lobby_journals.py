"""Each lobby table's own journal: ``<state>/tablechat/lobby-<port>/tables/<N>.journal``.

A lobby server on a port keeps one :class:`~cli.journal.Journal` per table, under a directory
of its own, the table's number in place of a one-table host's port; each is a
:class:`~cli.table_replay.TableJournal` like the host's (fsync'd before an event is applied,
locked, private). At start the journals found there are replayed, one table each; a closed
table's journal is removed with it. A server on port 0 (a free port picked at random) keeps
none, as the host does: it could not be found on the same port again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from cli import state_dir
from cli.journal import SUFFIX, Journal, JournalError, journal_path
from cli.table_replay import Replayed, TableJournal, replay
from game.table_events import TableEvent


def lobby_root(port: int, root: Path | None = None) -> Path:
    """The directory of the lobby server on *port* (under *root*, the state directory)."""
    base = state_dir.state_root() if root is None else root
    return base / f"lobby-{port}"


class LobbyJournals:
    """The journals of one lobby server's tables (none on port 0)."""

    def __init__(self, port: int, *, root: Path | None = None) -> None:
        """The journals of the server on *port*; nothing is opened yet.

        Args:
            port: The port the server was asked for (0: keep none).
            root: The tablechat state directory (default :func:`cli.state_dir.state_root`).
        """
        self._root = None if port == 0 else lobby_root(port, root)
        self._open: dict[int, TableJournal] = {}
        #: Sentences about journals that could not be used or were damaged, for the log.
        self.warnings: list[str] = []

    def numbers(self) -> list[int]:
        """The tables a journal is kept for on disk, by number."""
        if self._root is None:
            return []
        where = journal_path(1, self._root).parent
        found = []
        with contextlib.suppress(OSError):
            for path in where.iterdir():
                stem = path.name.removesuffix(SUFFIX)
                if path.name.endswith(SUFFIX) and stem.isdigit():
                    found.append(int(stem))
        return sorted(found)

    def forget_all(self) -> None:
        """Remove every table's journal (``--fresh``)."""
        for number in self.numbers():
            try:
                Journal.open(number, root=self._root, fresh=True).remove()
            except JournalError as exc:
                self.warnings.append(str(exc))

    def restore(self, number: int, apply: Callable[[TableEvent], object]) -> Replayed | None:
        """Replay table *number*'s journal through *apply*, and keep it open for recording.

        Returns:
            What was rebuilt; None when nothing could be (the journal is then removed).
        """
        assert self._root is not None
        try:
            journal = Journal.open(number, root=self._root)
        except JournalError as exc:
            self.warnings.append(str(exc))
            return None
        if journal.warning is not None:
            self.warnings.append(journal.warning)
        replayed = replay(journal.records, apply)
        if replayed is None:
            journal.remove()
            return None
        if replayed.stopped is not None:
            self.warnings.append(
                f"the journal {journal.path} cannot be replayed from {replayed.stopped}: "
                f"restored the {replayed.count} records before it"
            )
        journal.keep(replayed.count)
        self._open[number] = TableJournal(journal)
        return replayed

    def record(self, number: int, event: TableEvent, *, opening: bool = False) -> None:
        """Write *event* to table *number*'s journal before it is applied; *opening* starts a
        new journal for a new table."""
        if self._root is None:
            return
        if opening:
            self._open[number] = TableJournal.open(number, fresh=True, root=self._root)
        journal = self._open.get(number)
        if journal is None:
            return
        warning = journal.take_warning() or journal.record(event)
        if warning is not None:
            self.warnings.append(warning)

    def close(self, number: int, *, deliberate: bool) -> None:
        """Let go of table *number*'s journal: removed when the table closed (*deliberate*),
        kept when the server stops (the table comes back at the next start)."""
        journal = self._open.pop(number, None)
        if journal is not None:
            journal.close(deliberate=deliberate)

    def close_all(self) -> None:
        """The server stops: every table's journal is kept for the next start."""
        for number in list(self._open):
            self.close(number, deliberate=False)
