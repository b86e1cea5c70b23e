"""The archive of game records: every game this user played or watched, one file each.

``<state>/tablechat/records/`` (see :mod:`cli.state_dir` for ``<state>``) holds one file per
record, named ``<date>-<game id>-<viewer>.record`` so that names sort oldest first and the
host's and the guest's copy of one game, on one machine, are two files. A record is written
to a temporary file (0600, created exclusively, never through a symlink), fsync'd, then renamed
into place and the directory fsync'd: a reader — or a host killed at any moment — sees a whole
record or none. Saving the same game's copy again replaces it (the name is the same).

The archive is bounded: past :data:`MAX_RECORDS` records or :data:`MAX_BYTES` bytes in all, the
oldest are removed after each save.

A file that is not a good record — cut short, bit-flipped, a symbolic link, a FIFO, a directory,
too large — is skipped when the archive is read, and the reader gets ONE sentence saying how
many were skipped and why the first one was; a file is opened without following a symlink and
without blocking, and only a regular file under :data:`MAX_FILE` bytes is read.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from cli import state_dir
from game.game_log import Result
from game.record_format import MAX_RECORD, Record, RecordError, parse

RECORDS_DIR: Final = "records"
SUFFIX: Final = ".record"
#: How many records are kept, and how many bytes in all: the oldest go first.
MAX_RECORDS: Final = 1000
MAX_BYTES: Final = 32 << 20
#: The largest file read as a record (a record's characters may take up to 4 bytes each).
MAX_FILE: Final = 4 * MAX_RECORD
_STAMP: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z")
_ID_CHARS: Final = frozenset("0123456789abcdefghijklmnopqrstuvwxyz-")


class ArchiveError(Exception):
    """The archive cannot be used; the message is a sentence for people."""


@dataclass(frozen=True)
class Kept:
    """One record read from the archive: its file's name and what it holds."""

    name: str
    record: Record


def archive_path(root: Path | None = None) -> Path:
    """Where the archive lives (*root*: the tablechat state directory, default the user's)."""
    base = state_dir.state_root() if root is None else root
    return base / RECORDS_DIR


def file_name(record: Record) -> str:
    """The archive's name for *record*: ``20261207T004107Z-3f2a9c01b7e4-1-1a2b3c.record``.

    Built only of the record's date and id, cleaned, and a hash of whose copy it is, so a
    record from a peer cannot name a file anywhere else.
    """
    date = _STAMP.fullmatch(record.tag("Date") or "")
    stamp = "{}{}{}T{}{}{}Z".format(*date.groups()) if date else "00000000T000000Z"
    game_id = "".join(c for c in (record.tag("Id") or "").lower() if c in _ID_CHARS)[:40]
    viewer = hashlib.sha256((record.tag("Viewer") or "").encode("utf-8", "replace"))
    return f"{stamp}-{game_id or 'game'}-{viewer.hexdigest()[:6]}{SUFFIX}"


class Archive:
    """The records of one user (see the module docstring)."""

    def __init__(self, root: Path | None = None) -> None:
        """Use the archive under *root* (the tablechat state directory, default the user's)."""
        self.path = archive_path(root)
        # /score asks on every call, and costs a guest nothing: the results are read again
        # only when the directory changed (its names or its time of change).
        self._results: tuple[object, list[Result], str | None] | None = None

    # ------------------------------------------------------------------ writing

    def save(self, text: str) -> str:
        """Keep the record *text*, then prune the oldest past the bounds.

        Returns:
            The file's name in the archive.

        Raises:
            RecordError: *text* is not a record (nothing is written).
            ArchiveError: the archive cannot be written; the message says why.
        """
        record = parse(text)
        name = file_name(record)
        try:
            with self._directory(create=True) as dir_fd:
                assert dir_fd is not None  # just created
                state_dir.write_private(self.path, dir_fd, name, text.encode("utf-8"))
                self._prune(dir_fd)
        except OSError as exc:
            raise ArchiveError(
                f"cannot keep the game's record in {self.path}: {exc.strerror or exc}"
            ) from None
        return name

    def _prune(self, dir_fd: int) -> None:
        names = self._names(dir_fd)
        sizes = []
        for name in names:
            try:
                sizes.append(_lstat(self.path, dir_fd, name).st_size)
            except OSError:
                sizes.append(0)
        total = sum(sizes)
        for index, name in enumerate(names[:-1]):  # the newest always stays
            if len(names) - index <= MAX_RECORDS and total <= MAX_BYTES:
                break
            with contextlib.suppress(OSError):
                if dir_fd >= 0:
                    os.unlink(name, dir_fd=dir_fd)
                else:
                    os.unlink(self.path / name)
            total -= sizes[index]

    # ------------------------------------------------------------------ reading

    def read(self) -> tuple[list[Kept], str | None]:
        """Every good record, newest first, and one sentence about the damaged ones skipped
        (None when there were none).

        Raises:
            ArchiveError: the directory itself must not be used.
        """
        kept, damaged = self._read_all()
        if not damaged:
            return kept, None
        first, why = damaged[-1]  # the oldest, as a listing reads them
        return kept, f"skipped {_damaged(len(damaged))} in {self.path} ({first}: {why})"

    def results(self) -> tuple[list[Result], str | None]:
        """What /score counts of every good record, and one sentence about the damaged ones
        (which names no file: the guest reads it too).

        Raises:
            ArchiveError: the directory itself must not be used.
        """
        stamp = self._stamp()
        if stamp is not None and self._results is not None and self._results[0] == stamp:
            return self._results[1], self._results[2]
        kept, damaged = self._read_all()
        results = [result for entry in kept if (result := as_result(entry.record))]
        warning = None
        if damaged:
            why = damaged[-1][1]
            warning = f"(skipped {_damaged(len(damaged))} in the host's archive: {why})"
        self._results = (stamp, results, warning)
        return results, warning

    def _stamp(self) -> object:
        """What changes whenever a record is added, replaced or removed (None: no archive)."""
        with self._directory(create=False) as dir_fd:
            if dir_fd is None:
                return None
            info = os.fstat(dir_fd) if dir_fd >= 0 else os.stat(self.path)
            return (info.st_ino, info.st_mtime_ns, tuple(self._names(dir_fd)))

    def _read_all(self) -> tuple[list[Kept], list[tuple[str, str]]]:
        kept: list[Kept] = []
        damaged: list[tuple[str, str]] = []
        with self._directory(create=False) as dir_fd:
            if dir_fd is None:
                return [], []
            for name in reversed(self._names(dir_fd)):
                try:
                    kept.append(Kept(name, parse(_read(self.path, dir_fd, name))))
                except RecordError as exc:
                    damaged.append((name, str(exc)))
                except OSError as exc:
                    damaged.append((name, exc.strerror or str(exc)))
        return kept, damaged

    def _names(self, dir_fd: int) -> list[str]:
        listed = os.listdir(dir_fd) if dir_fd >= 0 else os.listdir(self.path)
        return sorted(n for n in listed if n.endswith(SUFFIX) and not n.startswith("."))

    @contextlib.contextmanager
    def _directory(self, *, create: bool) -> Iterator[int | None]:
        """A descriptor of the records directory (-1 off POSIX; None when missing)."""
        try:
            with contextlib.ExitStack() as stack:
                base = stack.enter_context(
                    state_dir.private_directory(self.path.parent, create=create)
                )
                if base is None:
                    yield None
                    return
                records = stack.enter_context(
                    state_dir.private_directory(self.path, create=create, parent_fd=base)
                )
                if records is not None:
                    state_dir.make_private(records)
                yield records
        except state_dir.UnusableDirectory as exc:
            raise ArchiveError(f"not using the archive {self.path}: {exc.why}") from None


def _damaged(count: int) -> str:
    return "1 damaged record" if count == 1 else f"{count} damaged records"


def as_result(record: Record) -> Result | None:
    """What /score counts of *record* (None: it holds no outcome to count)."""
    outcome, game_id = record.tag("Outcome"), record.tag("Id")
    if outcome is None or game_id is None:
        return None
    return Result(
        game_id,
        record.tag("Date") or "",
        record.tag("Game") or "?",
        record.players,
        outcome,
        record.tag("Winner"),
    )


def _lstat(path: Path, dir_fd: int, name: str) -> os.stat_result:
    if dir_fd >= 0:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    return os.lstat(path / name)


def _read(path: Path, dir_fd: int, name: str) -> str:
    """The text of the record file *name*.

    Raises:
        RecordError: not a regular file, too large, not UTF-8, a symbolic link.
        OSError: it could not be read.
    """
    flags = os.O_RDONLY | state_dir.NOFOLLOW | state_dir.NONBLOCK
    flags |= state_dir.CLOEXEC | state_dir.BINARY
    if dir_fd < 0 and os.path.islink(path / name):
        raise RecordError("a symbolic link")
    try:
        fd = os.open(name, flags, dir_fd=dir_fd) if dir_fd >= 0 else os.open(path / name, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RecordError("a symbolic link") from None
        if exc.errno == errno.EISDIR:
            raise RecordError("not a regular file") from None
        raise
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        # A FIFO or a device would block or never end: only a regular file is read.
        if not stat.S_ISREG(info.st_mode):
            raise RecordError("not a regular file")
        if info.st_size > MAX_FILE:
            raise RecordError(f"larger than {MAX_FILE >> 10} KiB")
        data = file.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise RecordError(f"larger than {MAX_FILE >> 10} KiB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError("not UTF-8 text") from None
