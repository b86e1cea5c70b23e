"""Flood control: refuse lines faster than a person types, and repeated chat lines.

A pure class: time is passed in (seconds from a monotonic clock the caller reads), nothing is
read here. Chat goes through :meth:`FloodControl.check`; the commands that start or end games
(``/game``, ``/rematch``, ``/resign``: each one shows the other person something and may change
the score) and the offers (``/takeback``, ``/draw``, ``/abort`` and their answers) through
:meth:`FloodControl.check_command`, with a rate budget of the same size.
Moves are never refused for speed, so a fast player cannot lose a move to it; ``/help``,
``/board`` and ``/score`` answer only the one who asks, so they are not limited either. The
table keeps one :class:`FloodControl` per seat; a seat whose lines or commands keep being
refused is *persistently* flooding, which the host may take as a reason to disconnect it.

Persistent means sustained, not merely many: the refusals must go on for ``persistent_span``
seconds despite the "slow down" answers. A person who pastes forty lines at once gets ten
through and thirty refused within a second or so — that is one burst, not a reason to throw
them out of a game; a program that keeps sending after being told is.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any

from game.snapshot_values import Fields

#: The most refusals a restored control takes back: far more than a person's window holds,
#: so only a damaged snapshot reaches it.
_MAX_REFUSALS = 1 << 20


class FloodVerdict(enum.Enum):
    """What to do with one chat line."""

    OK = "ok"
    TOO_FAST = "too fast"
    REPEATED = "repeated"


@dataclass
class FloodControl:
    """Per-seat chat rate limiter.

    Attributes:
        max_lines: chat lines allowed within ``window`` seconds (the next is refused).
        window: seconds of the rate window.
        max_repeats: the same line this many times in a row within ``repeat_window`` is refused.
        repeat_window: seconds within which a repeat counts as "in a row".
        persistent_refusals: this many refusals within ``persistent_window`` seconds, spread
            over at least ``persistent_span`` seconds, make :meth:`is_persistent` true.
        persistent_window: seconds of that window.
        persistent_span: how long refusals must keep coming (first to latest in the window).
    """

    max_lines: int = 10
    window: float = 5.0
    max_repeats: int = 3
    repeat_window: float = 10.0
    persistent_refusals: int = 20
    persistent_window: float = 30.0
    persistent_span: float = 10.0
    _accepted: deque[float] = field(default_factory=deque, init=False, repr=False)
    _commands: deque[float] = field(default_factory=deque, init=False, repr=False)
    _refused: deque[float] = field(default_factory=deque, init=False, repr=False)
    _last_line: str | None = field(default=None, init=False, repr=False)
    _last_time: float = field(default=0.0, init=False, repr=False)
    _repeats: int = field(default=0, init=False, repr=False)
    _now: float = field(default=0.0, init=False, repr=False)  # the time of the latest line judged

    def fresh(self) -> FloodControl:
        """A new control with these limits and nothing remembered: how the table makes one per
        seat (and a new one for each new guest) from the rules it was given."""
        return replace(self)

    def to_snapshot(self) -> dict[str, Any]:
        """What this control remembers, as JSON values (its limits are the table's rules, given
        again when it is restored)."""
        return {
            "accepted": list(self._accepted),
            "commands": list(self._commands),
            "refused": list(self._refused),
            "last_line": self._last_line,
            "last_time": self._last_time,
            "repeats": self._repeats,
            "now": self._now,
        }

    def restored(self, snapshot: Fields) -> FloodControl:
        """A new control with these limits that remembers what *snapshot* holds.

        Raises:
            SnapshotError: a value is missing or out of bounds.
        """
        restored = self.fresh()
        # Accepted lines and commands are pruned to max_lines within the window; refusals only
        # to the persistent window, which a line refused before any work still fills.
        restored._accepted.extend(snapshot.numbers("accepted", limit=self.max_lines))
        restored._commands.extend(snapshot.numbers("commands", limit=self.max_lines))
        restored._refused.extend(snapshot.numbers("refused", limit=_MAX_REFUSALS))
        restored._last_line = snapshot.optional_text("last_line")
        restored._last_time = snapshot.number("last_time")
        restored._repeats = snapshot.whole("repeats")
        restored._now = snapshot.number("now")
        return restored

    def check(self, line: str, now: float) -> FloodVerdict:
        """Judge one chat line typed at time ``now`` and remember it.

        Returns:
            ``FloodVerdict.OK`` to pass it on, otherwise why it is refused.
        """
        self._now = now
        while self._accepted and self._accepted[0] <= now - self.window:
            self._accepted.popleft()
        verdict = self.peek(line, now)
        if line == self._last_line and now - self._last_time <= self.repeat_window:
            self._repeats += 1
        else:
            self._repeats = 1
        self._last_line, self._last_time = line, now
        if verdict is FloodVerdict.OK:
            self._accepted.append(now)
        else:
            self._refused.append(now)
        return verdict

    def peek(self, line: str, now: float) -> FloodVerdict:
        """What :meth:`check` would say of *line* at *now*, remembering nothing: a host program
        refuses a line over the budget before doing any work for it (writing it down)."""
        repeats = 1
        if line == self._last_line and now - self._last_time <= self.repeat_window:
            repeats = self._repeats + 1
        if repeats >= self.max_repeats:
            return FloodVerdict.REPEATED
        recent = sum(at > now - self.window for at in self._accepted)
        return FloodVerdict.TOO_FAST if recent >= self.max_lines else FloodVerdict.OK

    def peek_command(self, now: float) -> FloodVerdict:
        """What :meth:`check_command` would say at *now*, remembering nothing."""
        recent = sum(at > now - self.window for at in self._commands)
        return FloodVerdict.TOO_FAST if recent >= self.max_lines else FloodVerdict.OK

    def check_command(self, now: float) -> FloodVerdict:
        """Judge one game-starting or -ending command at time ``now``: at most ``max_lines`` of
        them within ``window`` seconds, counted apart from chat (so starting a game does not
        cost a chat line) but refused like it, and its refusals count towards
        :meth:`is_persistent`. Repeats are fine: ``/rematch`` after ``/rematch`` is normal.

        Returns:
            ``FloodVerdict.OK`` to carry it out, else ``FloodVerdict.TOO_FAST``.
        """
        self._now = now
        while self._commands and self._commands[0] <= now - self.window:
            self._commands.popleft()
        if len(self._commands) >= self.max_lines:
            self._refused.append(now)
            return FloodVerdict.TOO_FAST
        self._commands.append(now)
        return FloodVerdict.OK

    def is_persistent(self, now: float | None = None) -> bool:
        """Whether lines have been refused so often, for so long, that the seat is flooding on
        purpose — as of ``now``, or by default as of the latest line judged."""
        if now is None:
            now = self._now
        refused = self._refused
        while refused and refused[0] <= now - self.persistent_window:
            refused.popleft()
        return (
            len(refused) >= self.persistent_refusals
            and refused[-1] - refused[0] >= self.persistent_span
        )

    def message(self, verdict: FloodVerdict, *, command: bool = False) -> str:
        """The ERROR text for a refused line or command (shown to its author only)."""
        if verdict is FloodVerdict.REPEATED:
            return "slow down: the same line again was not sent — say something new"
        seconds = f"{self.window:g}"
        what = "that command was not carried out" if command else "that line was not sent"
        return f"slow down: {what} (more than {self.max_lines} in {seconds} s)"
