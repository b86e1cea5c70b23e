"""The join's half of a seat, across connections: line numbers, lines kept, shows seen.

Pure (no I/O, no clock), so the join's rules are unit-tested in milliseconds:

* ``say.seq`` numbers every typed line from 1 and is never reused, so the host applies a line
  exactly once even when it is sent again after a reconnect; the last :data:`RECENT_LINES`
  lines are kept, and after a resume those above the host's ``welcome.last_seq`` are resent;
* at most :data:`MAX_WAITING` lines may be typed while disconnected;
* ``hello.seen`` is the highest ``show.seq`` displayed on this seat, so a resume gets exactly
  the shows above it, and a show whose ``seq`` was already displayed (sent again) is skipped.
  A new seat starts again from 0 (also one a lobby moves the connection to, :meth:`moved`); a
  process that resumes a seat it did not display (started again with a stored token) does not
  know, and says null.
"""

from __future__ import annotations

from collections import deque
from typing import Final

from net.messages import Hello, Say, Show, Welcome, encode_message

RECENT_LINES: Final = 100
"""Lines kept for resending after a resume: a few typed before a drop, and the waiting ones."""
MAX_WAITING: Final = 50
"""Lines that may be typed while disconnected (fewer than RECENT_LINES: none is forgotten)."""


class NotSent(ValueError):
    """A line that cannot be sent (too long for a frame, or too many already waiting)."""


class JoinKeeper:
    """What a join remembers about its seat between connections."""

    def __init__(self, token: str | None = None) -> None:
        """A keeper for a new seat, or for the seat of *token* (from an earlier welcome)."""
        self.token = token
        self.seq = 0
        self.seen: int | None = None if token is not None else 0
        self.recent: deque[tuple[int, str]] = deque(maxlen=RECENT_LINES)
        self.waiting = 0  # lines typed since the connection was lost
        # Lines typed while disconnected that a new seat (not a resume) made pointless: the
        # person is told how many.
        self.unsent = 0

    def use_token(self, token: str | None) -> None:
        """Resume the seat of *token* next (None: sit down as a new guest)."""
        if token != self.token:
            self.token = token
            self.seen = None if token is not None else 0

    def hello(self, name: str, code: str | None) -> Hello:
        """The hello for the next connection: with the token and what was seen, if resuming."""
        seen = self.seen if self.token is not None else None
        return Hello(name=name, code=code, token=self.token, seen=seen)

    def welcomed(self, welcome: Welcome) -> list[Say]:
        """Take *welcome* in; returns the kept lines to send again, in order.

        A spectator's welcome (``watching``) holds a token the host never accepts: it is not
        kept, so the next connection says hello without one (to watch again, or to sit down
        if the seat became free).
        """
        self.token = None if welcome.watching else welcome.token
        self.unsent = 0 if welcome.resumed else self.waiting
        self.waiting = 0
        if not welcome.resumed:
            # A new seat: lines meant for the old one belong to another game, and its shows
            # are numbered from 1 again.
            self.recent.clear()
            self.seen = 0
            self.seq = welcome.last_seq
            return []
        # A new process resuming a seat starts counting where the host is: a seq at or below
        # last_seq would be ignored as already applied.
        self.seq = max(self.seq, welcome.last_seq)
        return [Say(seq=seq, text=text) for seq, text in self.recent if seq > welcome.last_seq]

    def moved(self, token: str | None) -> None:
        """The host moved this connection to another seat (a ``token`` show, version 3): the
        seat of *token* is resumed next (None: none is held), and its shows are numbered from
        1. The line numbering goes on: the same connection keeps counting."""
        self.token = token
        self.seen = 0

    def say(self, text: str, *, connected: bool) -> Say:
        """Number one typed line and keep it for resending.

        Raises:
            NotSent: too many lines already wait for the connection.
            ValueError: the line cannot be a ``say`` or is too long for one frame (net's
                LocalProtocolError).
        """
        say = Say(seq=self.seq + 1, text=text)
        encode_message(say)  # too big for one frame: refuse now, not at every resend
        if not connected and self.waiting >= MAX_WAITING:
            raise NotSent(f"{MAX_WAITING} lines are already waiting for the connection")
        self.seq += 1
        self.recent.append((say.seq, text))
        return say

    def not_sent(self) -> None:
        """The last line waits for the connection to come back."""
        self.waiting += 1

    def displays(self, show: Show) -> bool:
        """Whether to display *show*: False when its ``seq`` was displayed already."""
        seq = show.seq
        if seq is None:
            return True  # a version 1 host does not number its shows
        if self.seen is not None and seq <= self.seen:
            return False
        self.seen = seq
        return True
