"""The lines you typed, kept between runs: ``history`` in the private state directory.

Bounded — the newest :data:`KEPT` lines are read back; the file is cut back to them once it
holds twice as many, when read or added to — and private: created 0600 in the 0700 state directory
(:mod:`cli.state_dir`), never through a symbolic link. Which lines may be kept at all is the
table's rule (:func:`game.line_history.may_keep`: never a hangman secret); the console asks it
before :meth:`HistoryFile.add`. Host and join of the same person share the file, each appending
its lines as they are typed (``O_APPEND``: one write a line or two, never a rewrite), so a
program killed outright still leaves the lines of its run behind. Nothing here may stop the
program: a history that cannot be read or written is simply not there.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from typing import Final

from cli import state_dir

#: How many lines are read back at start (and kept in memory for up-arrow).
KEPT: Final = 500
FILE_NAME: Final = "history"
_PRIVATE_FILE: Final = 0o600


class HistoryFile:
    """One person's history of typed lines, on disk."""

    def __init__(self, directory: state_dir.PathName) -> None:
        """Keep the history in *directory* (created 0700 when first written)."""
        self.directory = os.fspath(directory)
        self._lines = 0  # lines in the file, as far as this program knows

    @classmethod
    def default(cls) -> HistoryFile:
        """The history in this user's state directory (:func:`cli.state_dir.state_root_string`)."""
        return cls(state_dir.state_root_string())

    def load(self) -> list[str]:
        """The newest :data:`KEPT` lines, oldest first (none when there is no usable file)."""
        data = b""
        with (
            contextlib.suppress(OSError, state_dir.UnusableDirectory),
            state_dir.private_directory(self.directory, create=False) as fd,
        ):
            if fd is not None:
                data = self._read(fd)
                self._lines = data.count(b"\n")
                if self._lines > 2 * KEPT:  # grown by other runs: cut it back before adding
                    self._cut(fd)
        lines = [line for line in data.decode("utf-8", "replace").split("\n") if line]
        return lines[-KEPT:]

    def add(self, *lines: str) -> None:
        """Append *lines* (each one line: one holding a line end, or empty, is not written)."""
        kept = [line for line in lines if line and "\n" not in line and "\r" not in line]
        if not kept:
            return
        with (
            contextlib.suppress(OSError, state_dir.UnusableDirectory),
            state_dir.private_directory(self.directory, create=True) as fd,
        ):
            if fd is None:
                return
            state_dir.make_private(fd)
            self._append(fd, "".join(line + "\n" for line in kept).encode("utf-8", "replace"))
            self._lines += len(kept)
            if self._lines > 2 * KEPT:
                self._cut(fd)

    def _open(self, fd: int, flags: int, name: str = FILE_NAME) -> int:
        flags |= state_dir.NOFOLLOW | state_dir.CLOEXEC | state_dir.BINARY
        if fd >= 0 and state_dir.USE_DIR_FD:
            return os.open(name, flags, _PRIVATE_FILE, dir_fd=fd)
        return os.open(os.path.join(self.directory, name), flags, _PRIVATE_FILE)

    def _read(self, fd: int) -> bytes:
        try:
            file = self._open(fd, os.O_RDONLY)
        except FileNotFoundError:
            return b""
        with os.fdopen(file, "rb") as opened:
            return opened.read()

    def _append(self, fd: int, data: bytes) -> None:
        file = self._open(fd, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            if sys.platform != "win32":  # no POSIX modes there (nor os.fchmod before 3.13)
                if stat.S_IMODE(os.fstat(file).st_mode) != _PRIVATE_FILE:
                    os.fchmod(file, _PRIVATE_FILE)  # made wider by something else
            os.write(file, data)
        finally:
            os.close(file)

    def _cut(self, fd: int) -> None:
        """Rewrite the file with its newest :data:`KEPT` lines (a new file put in its place)."""
        lines = self._read(fd).split(b"\n")
        kept = [line for line in lines if line][-KEPT:]
        spare = FILE_NAME + ".new"
        with contextlib.suppress(FileNotFoundError):
            if fd >= 0 and state_dir.USE_DIR_FD:
                os.unlink(spare, dir_fd=fd)
            else:
                os.unlink(os.path.join(self.directory, spare))
        file = self._open(fd, os.O_WRONLY | os.O_CREAT | os.O_EXCL, spare)
        try:
            os.write(file, b"".join(line + b"\n" for line in kept))
        finally:
            os.close(file)
        if fd >= 0 and state_dir.USE_DIR_FD:
            os.replace(spare, FILE_NAME, src_dir_fd=fd, dst_dir_fd=fd)
        else:
            os.replace(os.path.join(self.directory, spare), os.path.join(self.directory, FILE_NAME))
        self._lines = len(kept)
