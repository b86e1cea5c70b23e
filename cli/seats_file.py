"""The join's small private state file: which seat token belongs to which table (issue 5).

``$XDG_STATE_HOME/tablechat/seats.json`` (default ``~/.local/state/tablechat/seats.json``; on
Windows ``%LOCALAPPDATA%\\tablechat\\seats.json``) maps ``host:port`` to the seat token, the
seat name and the host's name, so that running ``python -m cli.join`` again after a crash
resumes the seat. A token is a secret: the directory is 0700 and the file 0600, created with
those modes (never widened, then narrowed) and replaced atomically, so a reader never sees half
a file. A missing, unreadable or corrupt file counts as empty: losing it costs a resume, never
a crash.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

FILE_NAME: Final = "seats.json"
# A handful of tables fit in a few hundred bytes; anything far larger is not ours to parse.
_MAX_BYTES: Final = 1 << 20


@dataclass(frozen=True)
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


def default_path(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Return where the state file lives for this user.

    Args:
        environ: the environment (default ``os.environ``).
        platform: ``sys.platform`` (default the running one).
    """
    env = os.environ if environ is None else environ
    plat = sys.platform if platform is None else platform
    if plat == "win32" and env.get("LOCALAPPDATA"):
        return Path(env["LOCALAPPDATA"]) / "tablechat" / FILE_NAME
    state = env.get("XDG_STATE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    if state and os.path.isabs(state):
        return Path(state) / "tablechat" / FILE_NAME
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".local" / "state" / "tablechat" / FILE_NAME


class SeatsFile:
    """Reads and writes the state file; every method tolerates a missing or corrupt file."""

    def __init__(self, path: Path | None = None) -> None:
        """Use the file at *path* (default :func:`default_path`)."""
        self.path = default_path() if path is None else path

    def get(self, key: str) -> SeatEntry | None:
        """Return the seat remembered for *key* (``host:port``), or None."""
        return self._load().get(key)

    def put(self, key: str, entry: SeatEntry) -> bool:
        """Remember *entry* for *key*; returns False if the file could not be written."""
        seats = self._load()
        seats[key] = entry
        return self._save(seats)

    def remove(self, key: str) -> bool:
        """Forget *key*; returns False if the file could not be written."""
        seats = self._load()
        if seats.pop(key, None) is None:
            return True
        return self._save(seats)

    def _load(self) -> dict[str, SeatEntry]:
        try:
            with open(self.path, "rb") as file:
                raw = file.read(_MAX_BYTES + 1)
        except OSError:
            return {}
        if len(raw) > _MAX_BYTES:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return {}
        seats: dict[str, SeatEntry] = {}
        if not isinstance(data, dict):
            return seats
        for key, value in data.items():
            # Keep each well-formed entry, skip the rest: one bad entry must not cost the others.
            if not isinstance(value, dict):
                continue
            fields = (value.get("token"), value.get("name"), value.get("host"))
            if all(isinstance(f, str) and f for f in fields):
                token, name, host_name = (str(f) for f in fields)
                seats[key] = SeatEntry(token, name, host_name)
        return seats

    def _save(self, seats: Mapping[str, SeatEntry]) -> bool:
        data = {
            key: {"token": e.token, "name": e.name, "host": e.host_name}
            for key, e in sorted(seats.items())
        }
        text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
        directory = self.path.parent
        temp = directory / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            # The directory is ours alone (it holds nothing but this file): make sure of 0700
            # even if something created it wider.
            with contextlib.suppress(OSError):
                os.chmod(directory, 0o700)
            # O_EXCL + 0o600: the secret is never readable by others, not even for a moment.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                # Same directory, so the rename is atomic: readers see the old or the new file.
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise
        except OSError:
            return False
        return True
