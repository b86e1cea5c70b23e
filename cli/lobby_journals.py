"""Each lobby table's own journal: ``<state>/tablechat/lobby-<port>/tables/<N>.journal``.

A lobby server on a port keeps one :class:`~cli.journal.Journal` per table, under a directory
of its own, the table's number in place of a one-table host's port; each is a
:class:`~cli.table_replay.TableJournal` like the host's (fsync'd before an event is applied,
locked, private, compacted into a snapshot of the table as it grows). At start the journals
found there are restored, one table each; a closed table's journal is removed with it. A
server on port 0 (a free port picked at random) keeps none, as the host does: it could not be
found on the same port again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from cli import state_dir
from cli.journal import SUFFIX, Journal, JournalError, journal_path
from cli.table_replay import Replayed, Snapshotted, TableJournal
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

    def restore(
        self,
        number: int,
        apply: Callable[[TableEvent], object],
        table: Snapshotted,
        now: float,
    ) -> Replayed | None:
        """Restore table *number* from its journal — its snapshot into *table*, then the
        events after it through *apply* — and keep the journal open for recording.

        Args:
            number: The table.
            apply: The server's apply method for that table, sending disabled.
            table: The served table, which restores a snapshot and is snapshotted to compact
                the journal as it grows.
            now: The server's clock (a snapshot's dropped seat keeps its grace from then).

        Returns:
            What was rebuilt; None when nothing could be (the journal is then removed).
        """
        assert self._root is not None
        try:
            journal = Journal.open(number, root=self._root)
        except JournalError as exc:
            self.warnings.append(str(exc))
            return None
        kept = TableJournal(journal, table=table)
        replayed = kept.restore(apply, None, now)
        warning = kept.take_warning()
        if warning is not None:
            self.warnings.append(warning)
        if replayed is None:
            journal.remove()
            return None
        self._open[number] = kept
        return replayed

    def record(self, number: int, event: TableEvent, *, opening: Snapshotted | None = None) -> None:
        """Write *event* to table *number*'s journal before it is applied.

        Args:
            number: The table.
            event: The change.
            opening: For a new table's :class:`~game.table_events.Opened`: the served table,
                whose new journal this starts (and which compacts it as it grows).
        """
        if self._root is None:
            return
        if opening is not None:
            self._open[number] = TableJournal.open(
                number, fresh=True, root=self._root, table=opening
            )
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
