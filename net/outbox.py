"""The shows kept for one seat, numbered, so a guest who reconnects gets exactly what it missed.

Every ``show`` meant for the guest gets the seat's next ``show.seq`` (1, 2, 3 … across
connections and resumes) and is kept here, newest last, within two bounds: a number of shows
and a number of bytes, whichever is reached first. The byte bound is what keeps a resume
possible: the whole catch-up is written to the guest at once, and net drops a peer with more
than ``Limits.max_send_buffer`` (1 MiB) queued for it as "not reading".

Pure: no I/O, no clock.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

from net.errors import ProtocolError
from net.messages import MAX_INT, Show, from_dict

MAX_SHOWS: Final = 256
"""Shows kept for a catch-up, at most."""
MAX_BYTES: Final = 256 * 1024
"""Bytes of show text kept for a catch-up, at most (a quarter of net's send buffer bound)."""
# Per show, beyond its text and sender: the frame header and the JSON keys, roughly.
_OVERHEAD: Final = 64


def show_size(show: Show) -> int:
    """About how many bytes *show* takes on the wire (its text, sender and framing)."""
    sender = 0 if show.sender is None else len(show.sender.encode("utf-8"))
    return len(show.text.encode("utf-8")) + sender + _OVERHEAD


class Outbox:
    """Numbered shows for one seat: the newest ones, within a count and a byte budget."""

    def __init__(self, *, max_shows: int = MAX_SHOWS, max_bytes: int = MAX_BYTES) -> None:
        """An empty outbox whose next show is ``seq`` 1.

        Args:
            max_shows: How many shows are kept at most.
            max_bytes: How many bytes (:func:`show_size`) are kept at most; a show larger than
                this on its own is numbered but not kept.

        Raises:
            ValueError: A bound is not positive.
        """
        if max_shows < 1 or max_bytes < 1:
            raise ValueError("outbox bounds must be positive")
        self._max_shows, self._max_bytes = max_shows, max_bytes
        self._kept: deque[tuple[Show, int]] = deque()
        self._bytes = 0
        self._last = 0

    @property
    def last_seq(self) -> int:
        """The ``seq`` of the newest show (0 before the first)."""
        return self._last

    @property
    def first_kept(self) -> int:
        """The ``seq`` of the oldest show still kept; ``last_seq + 1`` when none is."""
        if not self._kept:
            return self._last + 1
        oldest = self._kept[0][0].seq
        assert oldest is not None
        return oldest

    @property
    def size(self) -> int:
        """Bytes kept now (:func:`show_size` of each)."""
        return self._bytes

    def __len__(self) -> int:
        """How many shows are kept now."""
        return len(self._kept)

    def add(self, show: Show) -> Show:
        """Number *show* and keep it, forgetting the oldest ones beyond the bounds.

        Returns:
            *show* with its ``seq`` set.
        """
        self._last += 1
        numbered = dataclasses.replace(show, seq=self._last)
        size = show_size(numbered)
        self._kept.append((numbered, size))
        self._bytes += size
        self._trim()
        return numbered

    def after(self, seq: int) -> Iterator[Show]:
        """The kept shows whose ``seq`` is above *seq*, oldest first."""
        for show, _ in self._kept:
            assert show.seq is not None
            if show.seq > seq:
                yield show

    def holds_all_after(self, seq: int) -> bool:
        """True when every show numbered above *seq* is still kept (none was forgotten)."""
        return seq >= self._last or self.first_kept <= seq + 1

    def clear(self) -> None:
        """Forget every show and count from ``seq`` 1 again (a new guest)."""
        self._kept.clear()
        self._bytes = 0
        self._last = 0

    def to_snapshot(self) -> dict[str, Any]:
        """The numbering and the kept shows as JSON values, each show as the wire carries it
        (:meth:`restore_snapshot`)."""
        return {"last": self._last, "shows": [show.to_dict() for show, _ in self._kept]}

    def restore_snapshot(self, snapshot: Mapping[str, Any]) -> None:
        """Number and keep what :meth:`to_snapshot` wrote (see :meth:`restorer`).

        Raises:
            ValueError: not such a snapshot; the outbox is unchanged then.
        """
        self.restorer(snapshot)()

    def restorer(self, snapshot: Mapping[str, Any]) -> Callable[[], None]:
        """Check what :meth:`to_snapshot` wrote, and return what numbers and keeps it: each
        show is read as the wire reads one, and kept within this outbox's own bounds. Nothing
        changes until the returned function is called, and that cannot fail, so a snapshot of
        several parts can be checked whole before any part is taken back.

        Raises:
            ValueError: not such a snapshot — a show the wire would refuse, numbers that are
                not the newest ones in a row, or a ``last`` out of the wire's range.
        """
        last = snapshot.get("last")
        if type(last) is not int or not 0 <= last <= MAX_INT:
            raise ValueError(f"outbox.last must be a whole number 0–{MAX_INT}")
        items = snapshot.get("shows")
        if not isinstance(items, list) or len(items) > self._max_shows:
            raise ValueError(f"outbox.shows must be a list of at most {self._max_shows} shows")
        shows: list[Show] = []
        for item in items:
            try:
                show = from_dict(item) if isinstance(item, dict) else None
            except ProtocolError as exc:
                raise ValueError(f"outbox.shows: {exc}") from None
            if not isinstance(show, Show) or show.seq is None:
                raise ValueError("outbox.shows must hold numbered shows")
            shows.append(show)
        numbers = [show.seq for show in shows]
        if numbers != list(range(last - len(shows) + 1, last + 1)):
            raise ValueError("outbox.shows must be the newest shows, numbered in a row")

        def take() -> None:
            self.clear()
            for show in shows:
                size = show_size(show)
                self._kept.append((show, size))
                self._bytes += size
            self._trim()
            self._last = last

        return take

    def _trim(self) -> None:
        """Forget the oldest shows beyond the bounds."""
        while self._kept and (len(self._kept) > self._max_shows or self._bytes > self._max_bytes):
            _, dropped = self._kept.popleft()
            self._bytes -= dropped
