"""The spectators' part of the seat keeper: which connection watches as which number.

A spectator has no seat to keep: no token that is ever accepted, no grace period, no outbox
(a spectator's connection that ends simply stops watching). What is kept is how many watch
(the limit), the number the table gave each one (so a line or a flood names them), each one's
``say.seq``, and what it is shown while its welcome is on the way — at most
:data:`KEPT_LIMIT` shows: a welcome that is slow to go out (a client that does not read) must
not make the host keep every broadcast meanwhile. Beyond it the oldest go, and the spectator is
shown, after the newest, what a late spectator is: its welcome and the board as it stands. The
table numbers spectators and names them; :class:`~game.served_table.ServedTable` passes the
number on (:meth:`Watchers.watched`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from game.seat_decisions import Action, ByeCode, Decision, Fail, SayBye, seq_error
from game.table_events import Line, Unwatched, UnwatchedWhy
from net.messages import Show, Welcome

C = TypeVar("C", bound=Hashable)

#: The token in a spectator's welcome. The protocol requires one; this one is never accepted
#: (no seat token is ever issued with this value: they are random), so a join never resumes
#: a spectator's place and must not store it.
SPECTATOR_TOKEN: Final = "watching-has-no-seat-to-resume"

#: How many new spectators one address may bring in a window, and all addresses together.
#: Every arrival costs the players nothing (no names reach them mid-game) but costs
#: the host journal records; without a cap one client cycling connect/name/close could fill
#: the journal to its size cap in minutes and so turn crash recovery off.
ARRIVALS_PER_ADDRESS: Final = 10
ARRIVALS_OVERALL: Final = 60
ARRIVAL_WINDOW: Final = 60.0

#: The most shows kept for one spectator being welcomed.
KEPT_LIMIT: Final = 256

#: A spectator silent this long (no line since arriving or since its last) gives its place to
#: a newcomer when the room is full: fifty silent connections must not keep everyone else out.
SILENT_PLACE: Final = 600.0


class ArrivalLimit:
    """How often people may start watching: at most *per_address* arrivals from one address
    and *overall* from everyone within any *window* seconds. Pure: ``now`` is passed in."""

    def __init__(
        self,
        per_address: int = ARRIVALS_PER_ADDRESS,
        overall: int = ARRIVALS_OVERALL,
        window: float = ARRIVAL_WINDOW,
    ) -> None:
        """No arrivals yet.

        Raises:
            ValueError: A limit or the window is not positive.
        """
        if per_address < 1 or overall < 1 or window <= 0:
            raise ValueError("spectator arrival limits must be positive")
        self.per_address, self.overall, self.window = per_address, overall, window
        # Only arrivals let in are kept, so this never holds more than *overall* entries.
        self._recent: deque[tuple[float, str]] = deque()

    def wait(self, address: str, now: float) -> tuple[float, str] | None:
        """Seconds until *address* may bring another spectator, and which limit holds it back
        (``"address"`` or ``"overall"``); None when it may now."""
        recent = self._recent
        # An arrival at `at` counts while now < at + window, in exactly that float arithmetic
        # everywhere: a window written as `now - window` or `at + window - now` rounds
        # differently, and could say "wait 10.000000000000004 s" of a 10 s window.
        while recent and now >= recent[0][0] + self.window:
            recent.popleft()
        if len(recent) >= self.overall:
            return self._until(recent[0][0], now), "overall"
        mine = [at for at, where in recent if where == address]
        if len(mine) >= self.per_address:
            return self._until(mine[-self.per_address], now), "address"
        return None

    def _until(self, at: float, now: float) -> float:
        """Seconds from *now* until the arrival at *at* stops counting: more than 0 (it still
        counts, so at + window > now) and never more than the window."""
        return min(self.window, (at + self.window) - now)

    def arrived(self, address: str, now: float) -> None:
        """Count one spectator let in from *address* at *now*."""
        self._recent.append((now, address))


@dataclass(slots=True)
class Watcher:
    """One spectator's connection: its number at the table, its name, its last ``say.seq``."""

    number: int
    name: str
    live: bool = False
    last_say: int = 0
    heard: float = 0.0  # when it arrived or last said something (host's clock)
    text: bool = False  # a person on nc/telnet
    # What it is shown while its welcome is on the way; the deque drops the oldest.
    kept: deque[Show] = field(default_factory=lambda: deque(maxlen=KEPT_LIMIT))
    overflowed: bool = False


class Watchers(Generic[C]):
    """The spectators a keeper knows, by number and by connection."""

    def __init__(
        self,
        limit: int,
        arrivals: ArrivalLimit | None = None,
        no_room: Callable[[str, int], str] | None = None,
    ) -> None:
        """No spectators yet; at most *limit* at once (0: nobody may watch), arriving no faster
        than *arrivals* allows (the default :class:`ArrivalLimit` when None); *no_room* words
        the refusal beyond the limit from the host's name and the limit (the table's sentence,
        passed in by the host program: net does not word the game's refusals)."""
        self.limit = limit
        self._no_room = no_room or (lambda host, n: f"{host}'s table has {n} watching already")
        self.arrivals = ArrivalLimit() if arrivals is None else arrivals
        # Every spectator the table seats, by number; None when no connection is known (a
        # journal replay seats spectators whose connections died with the old process).
        self._numbers: dict[int, C | None] = {}
        self._by_key: dict[C, Watcher] = {}
        self._arriving: C | None = None
        self._arriving_at, self._arriving_text = 0.0, False
        self._arriving_from = 0

    def __len__(self) -> int:
        return len(self._numbers)

    @property
    def is_full(self) -> bool:
        """True when nobody else may watch now."""
        return len(self._numbers) >= self.limit

    def arriving(
        self, key: C, now: float = 0.0, *, text: bool = False, lines_from: int = 0
    ) -> None:
        """*key* (a person on nc/telnet when *text*) was let in to watch at *now*: the next
        :meth:`watched` is its number. *lines_from* is the ``say.seq`` its lines go on from
        (a connection that comes from a lobby has numbered some already)."""
        self._arriving = key
        self._arriving_at, self._arriving_text = now, text
        self._arriving_from = lines_from

    def watched(self, number: int, name: str) -> None:
        """The table seated spectator *number* as *name* (for the arriving key, if any)."""
        key, self._arriving = self._arriving, None
        self._numbers[number] = key
        if key is not None:
            self._by_key[key] = Watcher(
                number,
                name,
                heard=self._arriving_at,
                text=self._arriving_text,
                last_say=self._arriving_from,
            )

    def get(self, key: C) -> Watcher | None:
        """*key*'s spectator, or None when *key* does not watch."""
        return self._by_key.get(key)

    def key_of(self, number: int) -> C | None:
        """The connection of spectator *number*, or None."""
        return self._numbers.get(number)

    def numbers(self) -> list[int]:
        """Every spectator's number, first come first."""
        return list(self._numbers)

    def connections(self) -> list[C]:
        """Every spectator's connection that is known."""
        return list(self._by_key)

    def gone(self, number: int) -> C | None:
        """Spectator *number* stopped watching; returns its connection, if known."""
        key = self._numbers.pop(number, None)
        if key is not None:
            self._by_key.pop(key, None)
        return key

    def silent_longest(self, now: float, silent_for: float = SILENT_PLACE) -> int | None:
        """The number of the welcomed spectator heard from longest ago, when that was
        *silent_for* seconds or more before *now*; None otherwise."""
        silent = [w for w in self._by_key.values() if w.live and now - w.heard >= silent_for]
        return min(silent, key=lambda w: w.heard).number if silent else None

    def live(self) -> list[tuple[int, C]]:
        """Every welcomed spectator's number and connection, first come first."""
        return [
            (number, key)
            for number, key in self._numbers.items()
            if key is not None and self._by_key[key].live
        ]

    def live_key(self, number: int) -> C | None:
        """The connection of spectator *number* once its welcome is out, or None."""
        key = self._numbers.get(number)
        return key if key is not None and self._by_key[key].live else None

    def welcoming(self) -> list[int]:
        """The numbers of the spectators whose welcome is on its way."""
        return [
            number
            for number, key in self._numbers.items()
            if key is not None and not self._by_key[key].live
        ]

    def keep(self, number: int, show: Show) -> None:
        """Keep *show* for spectator *number*, whose welcome is on its way (nothing when it
        has no connection being welcomed)."""
        key = self._numbers.get(number)
        watcher = None if key is None else self._by_key[key]
        if watcher is None or watcher.live:
            return
        if len(watcher.kept) == KEPT_LIMIT:
            watcher.overflowed = True
        watcher.kept.append(show)

    def take_kept(self, number: int) -> tuple[list[Show], bool]:
        """What was kept for spectator *number*, oldest first, and whether the oldest of it
        had to go; from now on nothing is kept for it."""
        key = self._numbers.get(number)
        if key is None:
            return [], False
        watcher = self._by_key[key]
        shows, overflowed = list(watcher.kept), watcher.overflowed
        watcher.kept.clear()
        watcher.overflowed = False
        return shows, overflowed

    def kept(self) -> int:
        """How many shows wait for spectators being welcomed."""
        return sum(len(watcher.kept) for watcher in self._by_key.values())

    def clear(self) -> None:
        """A new table: nobody watches."""
        self._numbers.clear()
        self._by_key.clear()
        self._arriving = None

    # -- what the keeper decides for a spectator's connection ------------------------------------
    def no_room(self, host_name: str) -> str:
        """The refusal beyond the limit, in the host program's words (its ``no_room``)."""
        return self._no_room(host_name, self.limit)

    def welcome(self, key: C, host_name: str) -> Welcome | None:
        """*key*'s welcome as a spectator, or None when *key* does not watch."""
        watcher = self._by_key.get(key)
        if watcher is None:
            return None
        return Welcome(name=watcher.name, host=host_name, token=SPECTATOR_TOKEN, watching=True)

    def welcomed(self, key: C, *, closing: str | None) -> Decision[C] | None:
        """*key*'s welcome is out (None when *key* does not watch); *closing* is the bye's
        reason when the host left meanwhile."""
        watcher = self._by_key.get(key)
        if watcher is None:
            return None
        if closing is not None:
            self.gone(watcher.number)
            return Decision(actions=[SayBye(key, "left", closing)])
        watcher.live = True
        return Decision()

    def lost(self, key: C, cause: str) -> Decision[C] | None:
        """*key*'s connection ended: it stops watching (None when *key* does not watch)."""
        watcher = self._by_key.get(key)
        if watcher is None:
            return None
        why: UnwatchedWhy = "protocol" if cause == "error" else "lost"
        return Decision(events=[Unwatched(watcher.number, why)])

    def said(self, key: C, seq: int, text: str, now: float) -> Decision[C] | None:
        """``say`` *seq* from *key* (None when *key* does not watch): the next line is a
        spectator's :class:`Line`, a repeat nothing, 0 or a gap ends its watching."""
        watcher = self._by_key.get(key)
        if watcher is None:
            return None
        if not watcher.live:
            return Decision()
        watcher.heard = now
        reason = seq_error(seq, watcher.last_say)
        if reason is not None:
            return Decision(
                events=[Unwatched(watcher.number, "protocol")], actions=[Fail(key, reason)]
            )
        if seq <= watcher.last_say:
            return Decision()
        watcher.last_say = seq
        return Decision(events=[Line("spectator", text, now, seq, watcher.number)])

    def close(self, reason: str, code: ByeCode = "left") -> list[Action[C]]:
        """The host is leaving: bye to every live spectator (one being welcomed hears it
        when its welcome is out); *code* ``closing`` when the table is kept for a restart."""
        live = [key for key, watcher in self._by_key.items() if watcher.live]
        for watcher in self._by_key.values():
            watcher.kept.clear()  # the host is leaving: nothing kept will be sent
            watcher.overflowed = False
        for key in live:
            self.gone(self._by_key[key].number)
        return [SayBye(key, code, reason) for key in live]

    def unwatch(self, event: Unwatched) -> list[Action[C]]:
        """Apply *event*: a spectator put out or who typed /q as text is told bye."""
        key = self.gone(event.number)
        if key is None:
            return []
        if event.why == "left":
            return [SayBye(key, "left", "you stopped watching")]
        if event.why == "flooding":
            return [SayBye(key, "flooding", "flooding (too many lines too fast)")]
        if event.why == "sat":
            return []  # the same connection holds the guest seat now
        if event.why == "silent":
            why = "you gave your place to a newcomer: the room was full and you had been silent"
            return [SayBye(key, "left", f"{why} for {SILENT_PLACE / 60:g} minutes")]
        return []  # its connection is over already, or is failed by the decision
