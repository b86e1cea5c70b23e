"""The user's private state directory, shared by the join's seats file and the host's journals.

``$XDG_STATE_HOME/tablechat`` (default ``~/.local/state/tablechat``; on Windows
``%LOCALAPPDATA%\\tablechat``) holds secrets — the join's seat tokens (:mod:`cli.seats_file`)
and the host's table journals (:mod:`cli.journal`) — so every directory in it is opened the
same careful way: created 0700 (never widened, then narrowed), opened without following a
symlink, and used only when it is a real directory that belongs to this user. A directory that
is a symlink could make us write (and chmod) wherever it points; one owned by another user
could be read or swapped by them.

On POSIX the callers work through the directory's descriptor (``dir_fd``), so nothing is
followed between the check and the use; where the platform has no ``dir_fd`` (Windows) the
checks rely on ``lstat`` and the descriptor is -1. Windows has no flock either (:data:`FLOCK`
is None there): the files are then used unlocked, and the callers say so in one line.

Paths are plain strings here (any ``os.PathLike`` is taken too): pathlib brings urllib.parse
and ipaddress along, a few milliseconds of a join's start, and the files a join reads before
its first prompt (its seats, its history) need nothing of it. :func:`state_root` gives a
:class:`~pathlib.Path` to the files that build their paths with one (the host's journals, the
archive of game records).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from pathlib import Path

#: A path as the functions here take it: a string or any ``os.PathLike`` (a ``Path``).
PathName = str | os.PathLike[str]

#: Take the exclusive advisory lock of an open descriptor: ``flock(fd, wait)``. Without *wait*
#: it raises BlockingIOError when another process holds the lock.
Flock = Callable[[int, bool], None]

if sys.platform != "win32":
    import fcntl

    def _flock(fd: int, wait: bool) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)

    #: This system's flock, or None where there is none (Windows).
    FLOCK: Final[Flock | None] = _flock
else:
    FLOCK: Final[Flock | None] = None

APP_DIR: Final = "tablechat"
# Flags that are 0 where the platform lacks them (Windows): the checks then rely on lstat.
NOFOLLOW: Final = getattr(os, "O_NOFOLLOW", 0)
NONBLOCK: Final = getattr(os, "O_NONBLOCK", 0)
CLOEXEC: Final = getattr(os, "O_CLOEXEC", 0)
# Windows opens a descriptor in text mode unless told otherwise: every "\n" written would become
# "\r\n" and a read would stop at the first Ctrl-Z. Elsewhere there is no such mode (0).
BINARY: Final = getattr(os, "O_BINARY", 0)
_DIRECTORY: Final = getattr(os, "O_DIRECTORY", 0)
#: POSIX: work relative to a descriptor of the directory, so nothing is followed in between.
USE_DIR_FD: Final = bool(_DIRECTORY) and os.open in os.supports_dir_fd
_PRIVATE: Final = 0o700


class UnusableDirectory(Exception):
    """A directory that must not be used: nothing is read from it or written into it.

    Attributes:
        why: what is wrong, as the end of a sentence ("it is a symbolic link").
    """

    def __init__(self, why: str) -> None:
        """Carry *why*."""
        super().__init__(why)
        self.why = why


def state_root_string(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str:
    """Return this user's tablechat state directory (it may not exist yet).

    Args:
        environ: the environment (default ``os.environ``).
        platform: ``sys.platform`` (default the running one).

    Returns:
        ``<state>/tablechat``.

    Raises:
        RuntimeError: neither ``HOME`` nor the system knows the home directory (as
            :meth:`pathlib.Path.home` raises).
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat == "win32" and env.get("LOCALAPPDATA"):
        return os.path.join(env["LOCALAPPDATA"], APP_DIR)
    state = env.get("XDG_STATE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    if state and os.path.isabs(state):
        return os.path.join(state, APP_DIR)
    home = env.get("HOME") or os.path.expanduser("~")
    if home.startswith("~"):
        raise RuntimeError("Could not determine home directory.")
    return os.path.join(home, ".local", "state", APP_DIR)


def state_root(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """:func:`state_root_string` as a :class:`~pathlib.Path` (for journals and the archive)."""
    from pathlib import Path  # noqa: PLC0415 (lazy: not before a join's prompt, see the docstring)

    return Path(state_root_string(environ, platform))


@contextlib.contextmanager
def private_directory(
    path: PathName, *, create: bool, parent_fd: int | None = None
) -> Iterator[int | None]:
    """Yield a descriptor of the private directory *path* (-1 off POSIX), None if missing.

    Args:
        path: the directory; with *parent_fd*, its name inside that directory.
        create: make it (mode 0700) when missing; its parents too, when there is no
            *parent_fd* (those are the user's own, such as ``~/.local/state``).
        parent_fd: a descriptor this function yielded for the directory holding *path*, so the
            parent is not looked up again by name (and cannot be swapped meanwhile).

    Raises:
        UnusableDirectory: a symlink, not a directory, or owned by someone else.
        OSError: it could not be created or opened.
    """
    path = os.fspath(path)
    at: dict[str, int] = {}
    if parent_fd is not None and parent_fd >= 0 and USE_DIR_FD:
        at["dir_fd"] = parent_fd
    relative = bool(at)
    where = os.path.basename(path) if relative else path
    if create:
        if parent_fd is None:
            os.makedirs(os.path.dirname(path) or os.curdir, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(where, _PRIVATE, **at)
    if not USE_DIR_FD:
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            yield None
            return
        check_directory(info)
        yield -1
        return
    try:
        fd = os.open(where, os.O_RDONLY | _DIRECTORY | NOFOLLOW | CLOEXEC, **at)
    except FileNotFoundError:
        yield None
        return
    except OSError as exc:
        # Linux says ENOTDIR for a symlink under O_DIRECTORY | O_NOFOLLOW, others ELOOP.
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            check_directory(os.lstat(where, **at))
        raise
    try:
        check_directory(os.fstat(fd))
        yield fd
    finally:
        os.close(fd)


def check_directory(info: os.stat_result) -> None:
    """Raise :class:`UnusableDirectory` unless *info* is a real directory of this user's."""
    if stat.S_ISLNK(info.st_mode):
        raise UnusableDirectory("it is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise UnusableDirectory("it is not a directory")
    geteuid = getattr(os, "geteuid", None)
    if geteuid is not None and info.st_uid != geteuid():
        raise UnusableDirectory("it belongs to another user")


def make_private(dir_fd: int) -> None:
    """Make the directory *dir_fd* 0700 if something created it wider (no-op for -1).

    Through the descriptor, so never through a symlink.
    """
    # Windows never gives a directory's descriptor (-1), and its files have no POSIX modes.
    if sys.platform != "win32":
        if dir_fd >= 0 and stat.S_IMODE(os.fstat(dir_fd).st_mode) != _PRIVATE:
            os.fchmod(dir_fd, _PRIVATE)


def write_private(directory: PathName, dir_fd: int, name: str, data: bytes) -> None:
    """Write *data* as *name* in *directory* atomically and privately (0600): a temporary file
    that nobody else can read even for a moment, fsync'd, renamed over *name* in the same
    directory (readers see the old file or the new one), the directory fsync'd.

    Args:
        directory: The directory, for systems without ``dir_fd`` (Windows).
        dir_fd: The directory's descriptor (from :func:`private_directory`), or -1.
        name: The file's name in it.
        data: Its whole content.

    Raises:
        OSError: It could not be written; no temporary file is left behind.
    """
    # a name nothing else picks; os.urandom spares start-up the secrets module
    temp = f".{name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
    at: dict[str, Any] = {"dir_fd": dir_fd} if dir_fd >= 0 else {}
    where = temp if dir_fd >= 0 else os.path.join(directory, temp)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW | CLOEXEC | BINARY
    fd = os.open(where, flags, 0o600, **at)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if dir_fd >= 0:
            os.replace(temp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        else:
            os.replace(where, os.path.join(directory, name))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(where, **at)
        raise
    if dir_fd >= 0 and sys.platform != "win32":
        os.fsync(dir_fd)  # the new name survives a power cut too


def lock(fd: int, *, wait: bool, flock: Flock) -> bool:
    """Take the exclusive advisory lock of the open file or directory *fd* with *flock*.

    The lock is released when the descriptor is closed. Callers hold :data:`FLOCK` and, where
    it is None, go ahead unlocked (and say so) without calling this.

    Args:
        fd: an open descriptor (-1: nothing to lock, True).
        wait: wait for another holder to let go; otherwise return False at once.
        flock: the lock to take (:data:`FLOCK`).

    Returns:
        True when held; False when another process holds it.

    Raises:
        OSError: the lock failed for another reason than being held elsewhere.
    """
    if fd < 0:
        return True
    try:
        flock(fd, wait)
    except BlockingIOError:
        return False
    return True
