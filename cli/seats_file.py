"""The join's small private state file: which seat token belongs to which name at which table.

``$XDG_STATE_HOME/tablechat/seats.json`` (default ``~/.local/state/tablechat/seats.json``; on
Windows ``%LOCALAPPDATA%\\tablechat\\seats.json``) remembers, for each table (``host:port``)
and each name asked for there (``--name``), the seat token, the seat name the host gave and the
host's name, so that running ``python -m cli.join`` again after a crash resumes the seat — and
a join run with another ``--name`` never presents that token (one run without ``--name`` may:
:meth:`SeatsFile.at` lists what is kept for a table, whatever name it was asked for).

A token is a secret: the directory is 0700 and the file 0600, created with those modes (never
widened, then narrowed) and replaced atomically, so a reader never sees half a file. The file
is opened without following symlinks and without blocking, and only a regular file of a sane
size is read; a directory that is a symlink or belongs to someone else is not used at all.
Every entry must pass the rules the protocol itself applies to a welcome. A
missing file counts as empty; a damaged one too, and :meth:`SeatsFile.take_warning` then has
one sentence for the person: losing the file costs a resume, never a crash or a hang.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from collections.abc import Iterator, Mapping
from typing import Any, Final

from cli import state_dir
from net.messages import Welcome
from net.value_class import value_class

FILE_NAME: Final = "seats.json"
# A handful of tables fit in a few hundred bytes; anything far larger is not ours to parse.
_MAX_BYTES: Final = 1 << 20
# Version 1 files map "host:port" to one entry; version 2 keys entries by table and name.
_VERSION: Final = 2

Key = tuple[str, str]  # (table address "host:port", the name asked for)


@value_class
class SeatEntry:
    """One remembered seat.

    Attributes:
        token: the seat token from the host's last welcome.
        name: the seat name the host gave.
        host_name: the host person's name (for messages such as "alice's table").
    """

    token: str
    name: str
    host_name: str


class _Damaged(Exception):
    """The file (or its directory) cannot be trusted; the message says why, for the person."""


class _Unusable(_Damaged):
    """The directory itself must not be used: nothing is read from it or written into it."""


def default_path(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """Return where the state file lives for this user.

    Args:
        environ: the environment (default ``os.environ``).
        platform: ``sys.platform`` (default the running one).

    Returns:
        The path of ``seats.json`` in :func:`cli.state_dir.state_root_string`.
    """
    return os.path.join(state_dir.state_root_string(environ, platform), FILE_NAME)


def is_valid(entry: SeatEntry) -> bool:
    """True when *entry* holds what a host's welcome could have held (net.messages rules)."""
    try:
        Welcome(name=entry.name, host=entry.host_name, token=entry.token)
    except ValueError:  # LocalProtocolError: too long, a lone surrogate, a control character…
        return False
    return True


class SeatsFile:
    """Reads and writes the state file; no method raises or blocks on a damaged file."""

    def __init__(
        self,
        path: state_dir.PathName | None = None,
        *,
        flock: state_dir.Flock | None = state_dir.FLOCK,
    ) -> None:
        """Use the file at *path* (default :func:`default_path`).

        Args:
            path: the seats file.
            flock: the lock held while the file is changed (this system's); None: there is
                none, the file is changed unlocked and :meth:`take_warning` says so.
        """
        self.path = default_path() if path is None else os.fspath(path)
        self._directory_path = os.path.dirname(self.path) or os.curdir
        self._name = os.path.basename(self.path)
        self._flock = flock
        self._warning: str | None = None
        self._warned = False

    def take_warning(self) -> str | None:
        """Return the one sentence about a damaged file or directory, once; then None.

        Returns:
            The first problem met so far, or None (none met, or already taken).
        """
        if self._warned or self._warning is None:
            return None
        self._warned = True
        return self._warning

    def get(self, table: str, name: str) -> SeatEntry | None:
        """Return the seat remembered for *name* at *table* (``host:port``), or None."""
        return self._load().get((table, name))

    def at(self, table: str) -> dict[str, SeatEntry]:
        """Return every seat remembered at *table* (``host:port``), by the name asked for."""
        return {asked: entry for (where, asked), entry in self._load().items() if where == table}

    def put(self, table: str, name: str, entry: SeatEntry) -> bool:
        """Remember *entry* for *name* at *table*; returns False if it could not be written."""
        with self._changing():
            seats = self._load()
            seats[(table, name)] = entry
            return self._save(seats)

    def remove(self, table: str, name: str, *, token: str | None = None) -> bool:
        """Forget *name*'s seat at *table*; returns False if the file could not be written.

        Args:
            table: ``host:port``.
            name: the ``--name`` the seat was asked for.
            token: forget the entry only while it still holds this token. A join whose stale
                token was refused must not delete the entry a newer join of the same person
                has just written with the seat's current token.
        """
        with self._changing():
            seats = self._load()
            entry = seats.get((table, name))
            if entry is None or (token is not None and entry.token != token):
                return True
            del seats[(table, name)]
            return self._save(seats)

    # ------------------------------------------------------------------ reading

    def _note(self, problem: str) -> None:
        if self._warning is None:
            self._warning = problem

    def _damaged(self, why: str) -> str:
        return f"the seats file {self.path} is damaged ({why}) — no seat to resume from it"

    def _unusable(self, why: str) -> str:
        return (
            f"not using {self._directory_path} for seat tokens: {why} — "
            "seats are neither resumed nor remembered"
        )

    def _load(self) -> dict[Key, SeatEntry]:
        try:
            raw = self._read()
        except _Damaged as exc:
            self._note(str(exc))
            return {}
        except OSError as exc:
            self._note(self._damaged(exc.strerror or str(exc)))
            return {}
        if raw is None:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._note(self._damaged("not JSON text"))
            return {}
        if not isinstance(data, dict):
            self._note(self._damaged("not a JSON object"))
            return {}
        seats: dict[Key, SeatEntry] = {}
        bad = 0
        for key, entry in _entries(data):
            # Keep each well-formed entry, skip the rest: one bad entry must not cost the others.
            if entry is None or not is_valid(entry):
                bad += 1
            else:
                seats[key] = entry
        if bad:
            self._note(self._damaged(f"{bad} unusable {'entry' if bad == 1 else 'entries'}"))
        return seats

    def _read(self) -> bytes | None:
        """The file's bytes, or None when there is no file (or no directory) yet.

        Raises:
            _Damaged: not a regular file, too large, or the directory is not usable.
            OSError: it could not be read.
        """
        flags = os.O_RDONLY | state_dir.NOFOLLOW | state_dir.NONBLOCK
        flags |= state_dir.CLOEXEC | state_dir.BINARY
        with self._directory(create=False) as dir_fd:
            if dir_fd is None:
                return None
            try:
                if state_dir.USE_DIR_FD:
                    fd = os.open(self._name, flags, dir_fd=dir_fd)
                else:
                    if os.path.islink(self.path):
                        raise _Damaged(self._damaged("it is a symbolic link"))
                    fd = os.open(self.path, flags)
            except FileNotFoundError:
                return None
            except OSError as exc:
                if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
                    raise _Damaged(self._damaged("it is a symbolic link")) from None
                raise
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            # A FIFO or a device would block or never end: only a regular file is read.
            if not stat.S_ISREG(info.st_mode):
                raise _Damaged(self._damaged("not a regular file"))
            if info.st_size > _MAX_BYTES:
                raise _Damaged(self._damaged(f"larger than {_MAX_BYTES} bytes"))
            raw = file.read(_MAX_BYTES + 1)
        if len(raw) > _MAX_BYTES:
            raise _Damaged(self._damaged(f"larger than {_MAX_BYTES} bytes"))
        return raw

    @contextlib.contextmanager
    def _changing(self) -> Iterator[None]:
        """Hold the state directory's lock for one read-change-write of the file.

        Two joins of one person (two tables, or the same one run again) each read the whole
        file, change their entry and replace the file: without the lock the slower would write
        back the other's old token. Where there is no flock (Windows) or the directory cannot
        be used, the change goes ahead unlocked and the one warning says so.
        """
        with contextlib.ExitStack() as held:
            try:
                dir_fd = held.enter_context(self._directory(create=True))
                if self._flock is None:
                    self._note(
                        f"seat tokens in {self.path} are not locked: this system has no flock, "
                        "so two joins changing them at once may lose one's token"
                    )
                elif dir_fd is not None:
                    # Released when the descriptor closes.
                    state_dir.lock(dir_fd, wait=True, flock=self._flock)
            except (_Damaged, OSError):
                pass  # unlocked: the write itself reports what is wrong with the directory
            yield

    @contextlib.contextmanager
    def _directory(self, *, create: bool) -> Iterator[int | None]:
        """Yield a descriptor of the state directory (POSIX; -1 elsewhere), None if missing.

        Raises:
            _Unusable: a symlink, not a directory, or owned by someone else
                (:func:`cli.state_dir.private_directory`).
            OSError: it could not be created or opened.
        """
        with contextlib.ExitStack() as opened:
            try:
                dir_fd = opened.enter_context(
                    state_dir.private_directory(self._directory_path, create=create)
                )
            except state_dir.UnusableDirectory as exc:
                raise _Unusable(self._unusable(exc.why)) from None
            yield dir_fd

    # ------------------------------------------------------------------ writing

    def _save(self, seats: Mapping[Key, SeatEntry]) -> bool:
        records = [
            {"table": table, "asked": asked, "token": e.token, "name": e.name, "host": e.host_name}
            for (table, asked), e in sorted(seats.items())
        ]
        text = json.dumps({"version": _VERSION, "seats": records}, ensure_ascii=False, indent=1)
        try:
            with self._directory(create=True) as dir_fd:
                assert dir_fd is not None  # just created
                self._write(dir_fd, (text + "\n").encode("utf-8"))
        except _Damaged as exc:
            self._note(str(exc))
            return False
        except OSError:
            return False
        return True

    def _write(self, dir_fd: int, data: bytes) -> None:
        if dir_fd >= 0:
            # It holds secrets: make sure of 0700 even if something created it wider.
            state_dir.make_private(dir_fd)
        state_dir.write_private(self._directory_path, dir_fd, self._name, data)


def _entries(data: dict[str, Any]) -> Iterator[tuple[Key, SeatEntry | None]]:
    """The entries of a version 1 or 2 file; None for one whose fields are missing or wrong."""
    if "version" not in data:
        # Version 1: "host:port" → one entry, which counts only for the name stored in it.
        for table, value in data.items():
            entry = _entry(value)
            yield (table, entry.name if entry else ""), entry
        return
    records = data.get("seats") if data.get("version") == _VERSION else None
    if not isinstance(records, list):
        yield ("", ""), None
        return
    for value in records:
        entry = _entry(value)
        keys = (value.get("table"), value.get("asked")) if isinstance(value, dict) else ()
        if len(keys) == 2 and all(isinstance(k, str) and k for k in keys):
            yield (str(keys[0]), str(keys[1])), entry
        else:
            yield ("", ""), None


def _entry(value: object) -> SeatEntry | None:
    if not isinstance(value, dict):
        return None
    fields = (value.get("token"), value.get("name"), value.get("host"))
    if not all(isinstance(f, str) for f in fields):
        return None
    token, name, host_name = (str(f) for f in fields)
    return SeatEntry(token, name, host_name)
