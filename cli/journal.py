"""The host's journal: an append-only file of records that survives the host being killed.

One file per table, keyed by the port it listens on: ``<state>/tablechat/tables/<port>.journal``
(see :mod:`cli.state_dir` for ``<state>``). Each record is one line, a JSON object holding the
record and the CRC-32 of the record's exact bytes::

    {"crc32":"1c291ca3","record":{"event":"line","seat":"host","text":"hi","now":12.5,"seq":0}}

and every append is fsync'd before it returns, so a record that was appended is on disk. The
whole file can also be replaced by other records (:meth:`Journal.rewrite`: a table's snapshot
and the events since, see :mod:`cli.table_replay`) atomically: the new lines go to a temporary
file beside it, which is fsync'd, locked and renamed over the journal, and the directory is
fsync'd, so a crash at any moment leaves either the old file or the new one, whole. A
process killed in the middle of an append leaves at most one half-written line at the end;
a damaged disk block a line whose checksum is wrong. Reading keeps every record before the
first bad line, ignores that line and everything after it (records only make sense in order),
and says so in ONE sentence; the file is then cut back to its good part before the next
append, so a new record never lands behind garbage.

The file holds seat-token hashes and the chat: it is private like the seats file (0600 in 0700
directories, never through a symlink, a regular file only, this user's only), and locked
(flock) while a host uses it, so a second host on the same port never writes it. Where the
system has no flock (Windows) it is used unlocked, and :attr:`Journal.warning` says so.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from cli import state_dir

TABLES_DIR: Final = "tables"
SUFFIX: Final = ".journal"
_PREFIX: Final = b'{"crc32":"'
_MIDDLE: Final = b'","record":'
_END: Final = b"}\n"
_CRC_DIGITS: Final = 8
# The protocol bounds a line of chat far below this; a longer line is not one we wrote (and
# append refuses to write one).
MAX_LINE: Final = 1 << 20
#: The first line may be longer: a table's snapshot holds the chat histories, each seat's
#: kept shows and the flood budgets, each bounded far below this.
MAX_FIRST_LINE: Final = 16 << 20
#: The most a journal may grow to. A table's journal is compacted long before (see
#: :mod:`cli.table_replay`): only a table that cannot be snapshotted reaches this, and it is
#: then given up (with one sentence) rather than fill the disk or make the next start replay
#: for long.
MAX_SIZE: Final = 32 << 20
#: Where :meth:`Journal.rewrite` writes the new file before renaming it over the journal.
NEW_SUFFIX: Final = ".new"


class JournalError(Exception):
    """The journal cannot be used, or an append failed; the message is a sentence for people."""


class JournalBusy(JournalError):
    """Another running host holds this journal's lock."""


def journal_path(port: int, root: Path | None = None) -> Path:
    """Return where the journal of the table on *port* lives.

    Args:
        port: the TCP port the host listens on.
        root: the tablechat state directory (default :func:`cli.state_dir.state_root`).
    """
    base = state_dir.state_root() if root is None else root
    return base / TABLES_DIR / f"{port}{SUFFIX}"


def encode_line(record: dict[str, Any]) -> bytes:
    """Return *record* as one journal line (checksum included, newline at the end).

    Raises:
        ValueError: *record* is not JSON-able (a NaN, a set, a key that is not a string…).
    """
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        body = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only its \\u escape can be written
        body = json.dumps(record, separators=(",", ":"), allow_nan=False).encode("ascii")
    except TypeError as exc:
        raise ValueError(f"not a JSON record: {exc}") from None
    crc = b"%08x" % zlib.crc32(body)
    return b"".join((_PREFIX, crc, _MIDDLE, body, _END))


def decode_line(line: bytes) -> dict[str, Any]:
    """Return the record of one journal line (its trailing newline included).

    Raises:
        ValueError: the line is half-written, its checksum does not match, or it does not hold
            a JSON object; the message says which, in a few words.
    """
    if not line.endswith(b"\n"):
        raise ValueError("half-written")
    head = len(_PREFIX) + _CRC_DIGITS
    if (
        not line.startswith(_PREFIX)
        or line[head : head + len(_MIDDLE)] != _MIDDLE
        or not line.endswith(_END)
    ):
        raise ValueError("not a journal line")
    body = line[head + len(_MIDDLE) : -len(_END)]
    digits = line[len(_PREFIX) : head]
    if digits.strip(b"0123456789abcdef"):
        raise ValueError("not a journal line")
    if zlib.crc32(body) != int(digits, 16):
        raise ValueError("checksum mismatch")
    try:
        record = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    return record


class Journal:
    """One open, locked journal file; read once when opened, then appended to.

    Use :meth:`open`; :attr:`records` and :attr:`warning` hold what was read.
    """

    def __init__(
        self, path: Path, fd: int, dir_fd: int, flock: state_dir.Flock | None = state_dir.FLOCK
    ) -> None:
        """Wrap the open *fd* of *path* (in the directory *dir_fd*), locked with *flock* (None:
        unlocked); see :meth:`open`."""
        self.path = path
        self._fd = fd
        self._dir_fd = dir_fd
        self._flock = flock
        self.records: list[dict[str, Any]] = []
        self.warning: str | None = None
        self._ends: list[int] = []  # the byte offset after each good record
        self._size = 0  # the file's length as far as we wrote or kept it
        self._cut_to: int | None = None  # cut the file to this length before the next append

    @classmethod
    def open(
        cls,
        port: int,
        *,
        root: Path | None = None,
        fresh: bool = False,
        flock: state_dir.Flock | None = state_dir.FLOCK,
    ) -> Journal:
        """Open (creating it empty if needed), lock and read the journal of *port*.

        Args:
            port: the port the table listens on.
            root: the tablechat state directory (default :func:`cli.state_dir.state_root`).
            fresh: empty the journal instead of reading it (``--fresh``).
            flock: the lock to take (this system's); None: there is none, the journal is used
                unlocked and :attr:`warning` says so.

        Returns:
            The journal, its good records read into :attr:`records`.

        Raises:
            JournalBusy: another host holds it.
            JournalError: the directory or the file must not be used, or cannot be opened.
        """
        path = journal_path(port, root)
        where = path.parent.parent
        with contextlib.ExitStack() as stack:
            try:
                base = stack.enter_context(state_dir.private_directory(where, create=True))
                assert base is not None  # just created
                state_dir.make_private(base)
                where = path.parent
                tables = stack.enter_context(
                    state_dir.private_directory(where, create=True, parent_fd=base)
                )
                assert tables is not None
                state_dir.make_private(tables)
                fd = _open_locked(path, tables, flock)
            except state_dir.UnusableDirectory as exc:
                raise JournalError(f"not keeping a journal in {where}: {exc.why}") from None
            except OSError as exc:
                raise JournalError(
                    f"cannot open the journal {path}: {exc.strerror or exc}"
                ) from None
            try:
                # Kept for the journal's life: removing the file must not look the path up
                # again.
                dir_fd = os.dup(tables) if tables >= 0 else -1
            except OSError as exc:
                os.close(fd)
                raise JournalError(f"cannot open the journal {path}: {exc.strerror}") from None
        journal = cls(path, fd, dir_fd, flock)
        try:
            if dir_fd >= 0:
                # A new file's name must survive a power cut too, not only its lines.
                os.fsync(dir_fd)
            if fresh:
                os.ftruncate(fd, 0)
                os.fsync(fd)
            else:
                journal._read()
        except OSError as exc:
            journal.close()
            raise JournalError(f"cannot read the journal {path}: {exc.strerror or exc}") from None
        if flock is None:
            unlocked = (
                f"the journal {path} is not locked: this system has no flock, so a second "
                f"host on port {port} would write to it too"
            )
            # Still one line for the host's screen, after what the reading found.
            journal.warning = (
                unlocked if journal.warning is None else f"{journal.warning}; {unlocked}"
            )
        return journal

    def _read(self) -> None:
        bad, why, rest = 0, "", False
        with os.fdopen(os.dup(self._fd), "rb") as file:
            file.seek(0)
            offset = 0
            while line := file.readline((MAX_FIRST_LINE if offset == 0 else MAX_LINE) + 1):
                try:
                    self.records.append(decode_line(line))
                except ValueError as exc:
                    bad, why = len(self.records) + 1, str(exc)
                    rest = bool(file.read(1))
                    break
                offset += len(line)
                self._ends.append(offset)
            self._size = file.seek(0, os.SEEK_END)
        if bad:
            self._cut_to = offset
            ignored = "it and everything after it" if rest else "that line"
            self.warning = (
                f"the journal {self.path} is damaged at line {bad} ({why}): restored the "
                f"{len(self.records)} records before it and ignored {ignored}"
            )

    def keep(self, count: int) -> None:
        """Keep only the first *count* records read: the rest is cut off before the next append.

        The replay calls it when a record, though intact, cannot be replayed.
        """
        if count < len(self._ends):
            del self.records[count:]
            self._cut_to = self._ends[count - 1] if count else 0
            del self._ends[count:]

    def append(self, record: dict[str, Any]) -> None:
        """Write *record* at the end and fsync it.

        Raises:
            ValueError: *record* is not JSON-able, or its line would be over :data:`MAX_LINE`
                (nothing is written).
            JournalError: the write failed (disk full…); the file is cut back to its last good
                record, as far as possible.
        """
        line = encode_line(record)
        if len(line) > MAX_LINE:
            raise ValueError(f"a record of {len(line)} bytes is over the journal's line limit")
        # what a damaged tail leaves is the size that counts: it is cut off before this write
        size = self._size if self._cut_to is None else self._cut_to
        if size + len(line) > MAX_SIZE:
            raise JournalError(f"the journal {self.path} is full ({MAX_SIZE >> 20} MiB)")
        try:
            if self._cut_to is not None:
                os.ftruncate(self._fd, self._cut_to)
                self._size, self._cut_to = self._cut_to, None
            written = 0
            while written < len(line):
                written += os.write(self._fd, line[written:])
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, self._size)
            raise JournalError(
                f"cannot write the journal {self.path}: {exc.strerror or exc}"
            ) from None
        self._size += len(line)

    @property
    def size(self) -> int:
        """The file's length in bytes, as far as we wrote or kept it."""
        return self._size if self._cut_to is None else self._cut_to

    def rewrite(self, records: Sequence[dict[str, Any]]) -> None:
        """Replace the whole file by *records*, atomically (see the module docstring).

        The new file is private and locked like the old one before it takes the old one's
        name, so a second host never finds the journal unlocked; :attr:`records` keeps what
        was read when the journal was opened.

        Raises:
            ValueError: a record is not JSON-able, or a line would be over its limit
                (:data:`MAX_FIRST_LINE` for the first, :data:`MAX_LINE` for the others) or the
                file over :data:`MAX_SIZE` (nothing is written).
            JournalError: writing or renaming failed; the journal is as it was.
        """
        lines = [encode_line(record) for record in records]
        for number, line in enumerate(lines):
            if len(line) > (MAX_FIRST_LINE if number == 0 else MAX_LINE):
                raise ValueError(f"a record of {len(line)} bytes is over the journal's line limit")
        data = b"".join(lines)
        if len(data) > MAX_SIZE:
            raise ValueError(f"{len(data)} bytes are over the journal's size limit")
        at: dict[str, int] = {"dir_fd": self._dir_fd} if self._dir_fd >= 0 else {}
        new = self.path.name + NEW_SUFFIX if at else str(self.path) + NEW_SUFFIX
        old = self.path.name if at else str(self.path)
        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_EXCL | state_dir.NOFOLLOW
        flags |= state_dir.CLOEXEC | state_dir.BINARY
        try:
            # A crash during an earlier rewrite leaves its new file: ours replaces it.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(new, **at)
            fd = os.open(new, flags, 0o600, **at)
        except OSError as exc:
            raise JournalError(
                f"cannot rewrite the journal {self.path}: {exc.strerror or exc}"
            ) from None
        try:
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
            if self._flock is not None and not state_dir.lock(fd, wait=False, flock=self._flock):
                raise OSError(errno.EAGAIN, "its new file is locked by another process")
            if sys.platform == "win32":
                os.close(self._fd)  # Windows renames nothing over an open file
                self._fd = -1
            if at:
                os.replace(new, old, src_dir_fd=self._dir_fd, dst_dir_fd=self._dir_fd)
                os.fsync(self._dir_fd)
            else:
                os.replace(new, old)
        except OSError as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(new, **at)
            if self._fd < 0:  # closed for the rename: the old file is still the journal
                with contextlib.suppress(OSError, JournalError):
                    self._fd = _open_locked(self.path, self._dir_fd, None)
            raise JournalError(
                f"cannot rewrite the journal {self.path}: {exc.strerror or exc}"
            ) from None
        if self._fd >= 0:
            os.close(self._fd)  # lets go of the old file's lock: nobody finds that file again
        self._fd, self._size, self._cut_to = fd, len(data), None
        ends, offset = [], 0
        for line in lines:
            offset += len(line)
            ends.append(offset)
        self._ends = ends

    def remove(self) -> None:
        """Delete the file (the table was closed on purpose) and close it.

        Deleted while still locked, so no other host can take a file that is about to go;
        but Windows deletes no file that is open (and has no lock to keep): closed first there.
        """
        if sys.platform == "win32":
            self.close()
        with contextlib.suppress(OSError):
            if self._dir_fd >= 0:
                os.unlink(self.path.name, dir_fd=self._dir_fd)
            else:
                os.unlink(self.path)
        self.close()

    def close(self) -> None:
        """Close the file and let go of its lock; the file stays (idempotent)."""
        for fd in (self._fd, self._dir_fd):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._fd = self._dir_fd = -1


def _open_locked(path: Path, dir_fd: int, flock: state_dir.Flock | None) -> int:
    """Open *path* (in the directory *dir_fd*) for appending, private, and lock it with *flock*
    (None: not locked).

    Raises:
        JournalBusy: another host holds its lock.
        JournalError: it is a symlink, not a regular file, or someone else's.
        OSError: it could not be opened.
    """
    at: dict[str, int] = {"dir_fd": dir_fd} if dir_fd >= 0 else {}
    name = path.name if at else str(path)
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT | state_dir.NOFOLLOW | state_dir.NONBLOCK) | (
        state_dir.CLOEXEC | state_dir.BINARY
    )
    unusable = f"not using the journal {path}"
    remedy = "remove it, or start with --fresh"
    # Another host may delete the file between our open and our lock (it closed its table):
    # then the lock we got is on a file nobody will find again, and we open the new one.
    for _ in range(3):
        if not at and os.path.islink(name):
            raise JournalError(f"{unusable}: it is a symbolic link — {remedy}")
        try:
            fd = os.open(name, flags, 0o600, **at)
        except OSError as exc:
            if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
                raise JournalError(f"{unusable}: it is a symbolic link — {remedy}") from None
            if exc.errno == errno.EISDIR:
                raise JournalError(f"{unusable}: it is a directory — remove it") from None
            raise
        try:
            info = os.fstat(fd)
            # A FIFO or a device would block or never end: only a regular file is used.
            if not stat.S_ISREG(info.st_mode):
                raise JournalError(f"{unusable}: it is not a regular file — {remedy}")
            geteuid = getattr(os, "geteuid", None)
            if geteuid is not None and info.st_uid != geteuid():
                raise JournalError(f"{unusable}: it belongs to another user — {remedy}")
            if flock is not None and not state_dir.lock(fd, wait=False, flock=flock):
                raise JournalBusy(
                    f"another table on this port is keeping the journal {path}: this table "
                    "keeps none and will not survive a restart"
                )
            with contextlib.suppress(FileNotFoundError):
                now = os.stat(name, follow_symlinks=False, **at)
                if (now.st_dev, now.st_ino) == (info.st_dev, info.st_ino):
                    # Windows files have no POSIX modes (and Windows Python has fchmod only
                    # from 3.13): the file is private by living in the user's own directory.
                    if sys.platform != "win32":
                        if stat.S_IMODE(info.st_mode) != 0o600:
                            os.fchmod(fd, 0o600)
                    return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
    raise JournalError(f"cannot open the journal {path}: it keeps being replaced")
