"""The host's seat keeper: who may sit, which connection owns the guest seat, and what it missed.

One pure object (no asyncio, no sockets, no clock reads: ``now`` is passed in, the grace
period is a deadline, :meth:`SeatKeeper.next_deadline` / :meth:`SeatKeeper.handle_timeout`)
decides everything about the guest seat that does not depend on the game:

* admission — the join code (:class:`~net.admission.JoinCodeGate`), the seat token
  (:class:`~net.admission.SeatTokens`, kept hashed), a full table, a table that is closing;
* ownership — the newest claim on the seat wins; every connection it replaces, even one still
  being welcomed, is told ``bye`` with code ``replaced``;
* ``say.seq`` — the next line is applied, a repeat (resent after a resume) ignored, 0 or a gap
  is a protocol error;
* the grace period of a dropped guest, as a deadline;
* ``show.seq`` and a bounded :class:`~net.outbox.Outbox`, so that a resume resends exactly the
  shows above ``hello.seen`` and says whether any were lost (``Resumed.caught_up``);
* spectators: while the seat is taken, a hello that is not a resume watches instead
  of being refused (:class:`Watched`), up to a limit; a spectator's lines, its ``say.seq``,
  its end (:class:`Unwatched`) — :mod:`game.spectator_connections` keeps their numbers;
* a text client's seat after a drop: a text client has no token, so one that gives the name of
  the guest whose seat is kept waits while the host is asked (:class:`Asked`); the host's
  :meth:`SeatKeeper.let` gives the seat back, :meth:`SeatKeeper.deny` refuses it, and the end
  of the grace period (or the guest coming back with the token) turns it away.

Connections are opaque hashable keys. Methods that react to the network return
:class:`Decision` s: *events* — :mod:`game.table_events` records, which the host applies to its
keeper (:meth:`SeatKeeper.apply`) and its table, and its journal writes down — and
*actions* for the connections (send, bye, fail). Events alone change the seat, so replaying
them rebuilds it, ``show.seq`` numbers included; which connection owns the seat is not an event
(a restarted host has no connections).

The rules for a version 1 join, which sends no ``hello.seen``, and for a join that does not
know what it displayed (``seen`` null): a resume resends the shows the seat got while no
connection was there to take them, and counts as not caught up, so the table shows the board.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from game.seat_decisions import (
    Action,
    Asked,
    ByeCode,
    Decision,
    Fail,
    LetIn,
    Refusal,
    SayBye,
    Send,
    TurnAway,
    seq_error,
)
from game.snapshot_values import Fields, SnapshotError
from game.spectator_connections import ArrivalLimit, Watchers
from game.table_events import (
    MAX_ADDRESS,
    Dropped,
    Freed,
    Line,
    Opened,
    RemoteSeat,
    Restarted,
    Resumed,
    Rotated,
    Sat,
    TableEvent,
    Unwatched,
    Watched,
    checked_address,
)
from net.admission import JoinCodeGate, SeatTokens, Verdict, token_hash
from net.messages import Hello, Show, Welcome
from net.outbox import Outbox

__all__ = [
    "Action",
    "Asked",
    "Decision",
    "Fail",
    "LetIn",
    "Refusal",
    "SayBye",
    "SeatKeeper",
    "Send",
    "TurnAway",
    "seq_error",
]

C = TypeVar("C", bound=Hashable)

GUEST: Final = "guest"
_BYE_FOR: Final[dict[str, ByeCode]] = {"left": "left", "flooding": "flooding"}


_SEAT_GONE: Final = Refusal(
    "bad-token",
    "that seat is no longer yours — the grace period is over, the guest left, "
    "or a newer connection took it over",
)


class _Stage(enum.Enum):
    WELCOMING = "welcoming"  # the welcome is on its way; nothing is sent to it yet
    LIVE = "live"


@dataclass(slots=True)
class _Owner(Generic[C]):
    key: C
    stage: _Stage
    token: str  # sent in the welcome; only its hash is kept once it is out
    resumed: bool
    seen: int | None  # hello.seen as the keeper reads it (None: unknown)
    sent: int = 0  # the highest show.seq written to this connection
    # Given the seat by the host's /let: its token replaces the seat's only once it is in.
    let_in_by_host: bool = False


class SeatKeeper(Generic[C]):
    """The guest seat of one host, across connections (see the module docstring)."""

    def __init__(
        self,
        host_name: str,
        gate: JoinCodeGate,
        *,
        tokens: SeatTokens[str] | None = None,
        outbox: Outbox | None = None,
        grace: float = 60.0,
        name_key: Callable[[str], str] = str.casefold,
        duration: Callable[[float], str] = lambda seconds: f"{seconds:g} s",
        spectator_limit: int = 0,
        arrivals: ArrivalLimit | None = None,
        no_room: Callable[[str, int], str] | None = None,
        seat: RemoteSeat = GUEST,
    ) -> None:
        """A keeper with an empty seat.

        Args:
            host_name: The host's name, as the table uses it (in welcomes and refusals).
            gate: The join code check.
            tokens: Where seat tokens are kept (inject one with a fixed source in tests).
            outbox: The outbox of the seat (its bounds); a fresh default one if None.
            grace: Seconds a dropped seat is kept (the :class:`Dropped` events it decides).
            name_key: Makes names comparable the way the table tells people apart (a hello for
                ``Bob`` is bob's); the default ignores case only.
            duration: Words a number of seconds for people ("2 minutes").
            spectator_limit: How many may watch while the seat is taken (the table's limit);
                0 refuses every newcomer while the seat is taken.
            no_room: Words the refusal of a spectator beyond the limit, from the host's name
                and the limit (the table's own sentence; a plain one when None).
            arrivals: How fast spectators may arrive (the default :class:`ArrivalLimit` if
                None); beyond it a would-be spectator is refused ``rate-limited``.
            seat: The seat it keeps: the guest's; or the host's at a lobby table, whose
                opener plays from a connection (it then reads only that seat's events, and
                its lines are ``Line("host")``).
        """
        self.seat: RemoteSeat = seat
        self.host_name = host_name
        self.gate = gate
        self.tokens: SeatTokens[str] = SeatTokens() if tokens is None else tokens
        self.outbox = Outbox() if outbox is None else outbox
        self._name_key, self._duration = name_key, duration
        self.name: str | None = None  # the seat name the table gave
        self.asked: str | None = None  # the name the guest asked for
        self.last_say = 0  # the highest say.seq applied
        self.dropped = False
        self.grace = grace
        self._grace_ends = 0.0
        self._dropped_for = 0.0  # the grace the seat was dropped with (a restore counts it anew)
        #: Where the connection the seat dropped from came from (its :class:`Dropped`), while
        #: the seat is dropped; None when not known.
        self.dropped_from: str | None = None
        self._owner: _Owner[C] | None = None
        self._delivered = 0  # the highest show.seq written to any connection of this seat
        self.closing = False
        self.watchers: Watchers[C] = Watchers(spectator_limit, arrivals, no_room)
        self._asking: C | None = None  # a text client waiting for the host to give the seat back
        self._asking_number = 0  # its number; numbers count up and are never reused
        self.by_text = False  # the seat was taken from nc/telnet: no token is kept for it
        self._closing_code: ByeCode = "left"

    # ------------------------------------------------------------------------- looking
    @property
    def taken(self) -> bool:
        """True while a guest holds the seat (connected, being welcomed, or dropped)."""
        return self.name is not None

    @property
    def owner(self) -> C | None:
        """The connection that owns the seat (live or being welcomed), or None."""
        return None if self._owner is None else self._owner.key

    @property
    def connected(self) -> bool:
        """True while the seat's owner is welcomed and live."""
        return self._owner is not None and self._owner.stage is _Stage.LIVE

    def grace_left(self, now: float) -> float:
        """Seconds until a dropped seat is freed (0 when it is not dropped)."""
        return max(0.0, self._grace_ends - now) if self.dropped else 0.0

    def is_named(self, name: str) -> bool:
        """True when a hello's *name* is this seat's: its seat name or the name it asked for."""
        wanted = self._name_key(name)
        return any(
            known is not None and self._name_key(known) == wanted
            for known in (self.name, self.asked)
        )

    # ------------------------------------------------------------------------- admission
    def admit(
        self, key: C, hello: Hello, address: str, now: float, *, text: bool = False
    ) -> Decision[C]:
        """Decide what a well-formed *hello* from *key* (at *address*) gets.

        A valid token under the seat's name resumes the seat (the token rotates; the welcome is
        :meth:`welcome`, and :meth:`welcomed` finishes the resume); otherwise the join code
        must pass and the seat must be free, and the decision's events seat a new guest. Either
        way *key* becomes the seat's owner at once and whatever owned or claimed it before is
        replaced.

        Call :meth:`handle_timeout` with the same *now* first and apply what it decides: a
        dropped seat whose grace is over at *now* is freed before a hello is judged, so at the
        same instant expiry wins. Until it is applied, such a seat is neither resumed nor given
        away.

        While the seat is taken, a hello that is not a resume watches (a :class:`Watched`
        event; :meth:`watched` then names it) until the spectator limit, and is refused
        ``full`` beyond it — or ``rate-limited`` when spectators arrive faster than
        :class:`~game.spectator_connections.ArrivalLimit` lets them (from *address*, or from
        everyone). A *text* client (no token) naming the guest whose seat is kept waits instead: the
        decision's ``asked`` is set and the host answers with :meth:`let` or :meth:`deny`.

        Args:
            key: The connection.
            hello: Its hello.
            address: Where it connects from (the join code's rate limit counts per address).
            now: The host's clock.
            text: True for a person on nc/telnet, who has no seat token.

        Returns:
            The decision; its ``refusal`` is set when *key* is turned away.
        """
        decision: Decision[C] = Decision()
        if self.closing:
            decision.refusal = Refusal("full", f"{self.host_name}'s table is closing")
            return decision
        if self.handle_timeout(now).events:
            gone = hello.token is not None
            decision.refusal = _SEAT_GONE if gone else Refusal("full", self._full(now))
            return decision
        token = hello.token
        if token is not None and not self._is_other_guest(token, hello.name):
            self._claim_resume(key, hello, decision)
            return decision
        verdict = self.gate.check(address, hello.code, now)
        if not verdict.ok:
            decision.refusal = Refusal(verdict.code or "bad-code", self._refusal(verdict, hello))
            return decision
        if self.taken:
            # a full room still lets a newcomer in when someone in it has long been silent
            full = self.watchers.is_full
            making_room = self.watchers.silent_longest(now) if full else None
            if text and token is None and self._keeps_seat_for(hello.name):
                self._ask(key, address, now, decision)
            elif not self.watchers.limit:
                decision.refusal = Refusal("full", self._full(now))
            elif full and making_room is None:
                decision.refusal = Refusal("full", self.watchers.no_room(self.host_name))
            elif (held := self.watchers.arrivals.wait(address, now)) is not None:
                decision.refusal = Refusal("rate-limited", self._too_many_arrivals(*held))
            else:
                if making_room is not None:
                    decision.events.append(Unwatched(making_room, "silent"))
                self.watchers.arrivals.arrived(address, now)
                self.watchers.arriving(key, now, text=text)
                decision.events.append(Watched(hello.name))
            return decision
        fresh = self.tokens.issue(self.seat)
        decision.actions += self._replace(_Owner(key, _Stage.WELCOMING, fresh, False, 0))
        sat = Sat(asked=hello.name, token_hash=token_hash(fresh), text_client=text)
        decision.events.append(sat)
        return decision

    def _too_many_arrivals(self, seconds: float, cap: str) -> str:
        wait = self._duration(max(1, math.ceil(seconds)))
        if cap == "address":
            limit = self.watchers.arrivals.per_address
            whose = f"{limit} people started watching from your address"
        else:
            limit = self.watchers.arrivals.overall
            whose = f"{limit} people started watching {self.host_name}'s table"
        span = self.watchers.arrivals.window
        window = "minute" if span == 60 else self._duration(span)
        return f"{whose} in the last {window}, the most it lets in — try again in {wait}"

    def _seat_kept(self) -> bool:
        return self.dropped and self._owner is None

    def _keeps_seat_for(self, name: str) -> bool:
        return self._seat_kept() and self.is_named(name)

    def _ask(self, key: C, address: str, now: float, decision: Decision[C]) -> None:
        # The newest claim waits, under a new number; an earlier one is turned away (as a
        # resume replaces), and an answer naming its number finds nobody.
        earlier, self._asking = self._asking, key
        self._asking_number += 1
        guest = self.name or "the guest"
        if earlier is not None:
            why = f"another connection asked for {guest}'s seat after you"
            decision.actions.append(TurnAway(earlier, "full", why))
        wait = self.grace_left(now)
        held = not self.by_text
        decision.asked = Asked(self._asking_number, guest, address, wait, token_held=held)

    @property
    def asking(self) -> int | None:
        """The number of the text client waiting for the host's answer, or None."""
        return None if self._asking is None else self._asking_number

    def let(self, number: int) -> Decision[C]:
        """The host gives the kept seat to claimant *number*, the text client waiting for it.

        Returns:
            A :class:`LetIn` for the waiting connection, which then gets its welcome like a
            resume; nothing when *number* is not the claimant waiting now. The seat's old
            tokens die only when that welcome is out (:meth:`welcomed`'s :class:`Resumed`):
            until then the guest may still come back with theirs, and a claimant that goes away
            during its welcome leaves the seat exactly as it was.
        """
        key = self._asking
        if key is None or number != self._asking_number or not self._seat_kept():
            return Decision()
        self._asking = None
        held = self.tokens.hashes(self.seat)
        fresh = self.tokens.issue(self.seat)  # made for the welcome; it becomes valid in welcomed()
        if held is not None:
            self.tokens.restore(self.seat, *held)
        # Not caught up by token and seen: the shows no connection took are resent, the board too.
        self._replace(_Owner(key, _Stage.WELCOMING, fresh, True, None, let_in_by_host=True))
        return Decision(actions=[LetIn(key)])

    def gone_asking(self, key: C) -> bool:
        """The connection *key* that waits for the host's answer ended: the claim is forgotten
        (a later /let finds nobody asking). Returns whether *key* was the one asking."""
        if self._asking is None or self._asking != key:
            return False
        self._asking = None
        return True

    def deny(self, number: int) -> Decision[C]:
        """The host refuses the kept seat to claimant *number* (nothing when it is not the
        claimant waiting now)."""
        key = self._asking
        if key is None or number != self._asking_number:
            return Decision()
        self._asking = None
        why = f"{self.host_name} did not give you {self.name}'s seat back"
        return Decision(actions=[TurnAway(key, "full", why)])

    def _turn_away_asking(self, why: str) -> list[Action[C]]:
        key, self._asking = self._asking, None
        return [] if key is None else [TurnAway(key, "full", why)]

    def watched(self, number: int, name: str) -> None:
        """The table seated the spectator of the last :class:`Watched` as number *number*,
        named *name*."""
        self.watchers.watched(number, name)

    def _is_other_guest(self, token: str, name: str) -> bool:
        # A token belongs to a name: carol holding bob's token is a new guest.
        return self.tokens.verify(token) is not None and not self.is_named(name)

    def _claim_resume(self, key: C, hello: Hello, decision: Decision[C]) -> None:
        rotated = self.tokens.resume(hello.token)
        if rotated is None or self.name is None:
            decision.refusal = _SEAT_GONE
            return
        # The presented token stays valid until the new one is presented: this welcome may be
        # lost on the way, and the guest must still be able to come back.
        seen = hello.seen if hello.version >= 2 else None
        if seen is not None:
            seen = min(seen, self.outbox.last_seq)  # it cannot have seen what was never sent
        decision.actions += self._replace(_Owner(key, _Stage.WELCOMING, rotated[1], True, seen))
        decision.actions += self._turn_away_asking(f"{self.name} came back with their seat token")
        hashes = self.tokens.hashes(self.seat)
        assert hashes is not None  # just rotated
        # Recorded before the welcome with the new token goes out (see Rotated).
        decision.events.append(Rotated(newest=hashes[0], older=hashes[1], seat=self.seat))

    def _replace(self, owner: _Owner[C]) -> list[Action[C]]:
        """Make *owner* the seat's only claimant; a live owner before it is told "replaced".

        One still being welcomed hears it when its welcome is out (:meth:`welcomed`).
        """
        old, self._owner = self._owner, owner
        if old is not None and old.stage is _Stage.LIVE:
            self._delivered = max(self._delivered, old.sent)
            return [SayBye(old.key, "replaced", "another connection took this seat over")]
        return []

    def _refusal(self, verdict: Verdict, hello: Hello) -> str:
        if verdict.code == "rate-limited":
            return verdict.reason  # the gate says whose attempts were counted and how long to wait
        if not hello.code:
            return f"this table needs a join code — ask {self.host_name} for it (--code CODE)"
        return f"wrong join code — ask {self.host_name} for the code"

    def _full(self, now: float) -> str:
        guest = self.name or "someone"
        if not self.dropped or self._owner is not None:
            return f"this table is full — {self.host_name} is playing with {guest}"
        left = self._duration(max(1, round(self.grace_left(now))))
        host = self.host_name
        return f"this table is full — {host} is keeping {guest}'s seat for up to {left} more"

    def welcome(self, key: C) -> Welcome:
        """The welcome to send *key*, which :meth:`admit` let in (after its events are applied).

        Raises:
            KeyError: *key* is not the seat's claimant.
        """
        watching = self.watchers.welcome(key, self.host_name)
        if watching is not None:
            return watching
        owner = self._owner
        if owner is None or owner.key != key or self.name is None:
            raise KeyError(key)
        return Welcome(
            name=self.name,
            host=self.host_name,
            token=owner.token,
            resumed=owner.resumed,
            # a connection let in by the host numbers its lines from 1 (see Resumed)
            last_seq=self.last_say if owner.resumed and not owner.let_in_by_host else 0,
        )

    def welcomed(self, key: C) -> Decision[C]:
        """*key*'s welcome is out: it owns the seat now, unless replaced (or closing) meanwhile.

        Returns:
            For a resume, the :class:`Resumed` event to apply; then :meth:`to_send` gives the
            shows it missed and the greeting. A connection replaced meanwhile gets a bye.
        """
        closing = f"{self.host_name} left" if self.closing else None
        watching = self.watchers.welcomed(key, closing=closing)
        if watching is not None:
            return watching
        owner = self._owner
        if owner is None or owner.key != key:
            if self.closing:
                return Decision(actions=[SayBye(key, self._closing_code, self._closing_reason())])
            why = "another connection took it over"
            return Decision(actions=[SayBye(key, "replaced", why)])
        if self.closing:
            self._owner = None
            return Decision(actions=[SayBye(key, self._closing_code, self._closing_reason())])
        owner.stage = _Stage.LIVE
        if not owner.resumed:
            return Decision()
        # Exact when the join says what it displayed; otherwise what no connection took.
        base = self._delivered if owner.seen is None else owner.seen
        owner.sent = base
        caught_up = owner.seen is not None and self.outbox.holds_all_after(base)
        if owner.let_in_by_host:  # its token is the seat's from now on, the old ones die (see let)
            newest = token_hash(owner.token)
            resumed = Resumed(
                newest=newest, older=None, caught_up=caught_up, lines_anew=True, seat=self.seat
            )
            return Decision(events=[resumed])
        hashes = self.tokens.hashes(self.seat)
        assert hashes is not None  # rotated at admission; only a Freed event revokes
        newest, older = hashes
        resumed = Resumed(newest=newest, older=older, caught_up=caught_up, seat=self.seat)
        return Decision(events=[resumed])

    # ------------------------------------------------------------------------- the connection
    def lost(self, key: C, cause: str, reason: str) -> Decision[C]:
        """Connection *key* ended: *cause* as :class:`~net.errors.ConnectionClosed` says.

        Only the owner's end matters. A peer that said bye left; one that broke the protocol
        loses the seat at once (a hostile program must not hold it); a lost connection keeps
        the seat for the grace period. A claim lost during its welcome frees a new seat (nobody
        was told they sat down) and leaves a resumed one as it was. A spectator's end is
        :class:`Unwatched` (a spectator has no seat to keep).
        """
        watching = self.watchers.lost(key, cause)
        if watching is not None:
            return watching
        owner = self._owner
        if owner is None or owner.key != key:
            return Decision()
        self._owner = None
        self._delivered = max(self._delivered, owner.sent)
        if owner.stage is _Stage.WELCOMING:
            if not owner.resumed:
                return Decision(events=[Freed("left", seat=self.seat)])
            if self.dropped:
                return Decision()
            return Decision(events=[Dropped(self.grace, seat=self.seat)])
        if cause == "left":
            return Decision(events=[Freed("left", seat=self.seat)])
        if cause == "error":
            return Decision(events=[Freed("protocol", reason, seat=self.seat)])
        return Decision(events=[Dropped(self.grace, seat=self.seat)])

    def said(self, key: C, seq: int, text: str, now: float) -> Decision[C]:
        """``say`` number *seq* with *text* arrived on *key*.

        Returns:
            Nothing for a connection that does not own the seat or a repeat; a :class:`Line`
            for the next line (the host turns a quit command sent as text into
            ``Freed("left")`` instead); a :class:`Fail` and :class:`Freed` for 0 or a gap. A
            spectator's lines are numbered the same way; a line is a ``Line("spectator")``
            naming its number, a gap :class:`Unwatched` and a :class:`Fail`.
        """
        watching = self.watchers.said(key, seq, text, now)
        if watching is not None:
            return watching
        owner = self._owner
        if owner is None or owner.key != key or owner.stage is not _Stage.LIVE:
            return Decision()
        reason = seq_error(seq, self.last_say)
        if reason is not None:
            self._owner = None
            self._delivered = max(self._delivered, owner.sent)
            return Decision(
                events=[Freed("protocol", f"protocol error: {reason}", seat=self.seat)],
                actions=[Fail(key, reason)],
            )
        if seq <= self.last_say:
            return Decision()
        return Decision(events=[Line(self.seat, text, now, seq)])

    def sit_down(self, key: C) -> Decision[C] | None:
        """Spectator *key* asks for the free guest seat (``/sit``).

        Returns:
            The events that move it from watching to the seat, on the same connection and
            with its ``say`` numbering (:class:`Sat` ``lines_from``); None when the seat is
            taken, the host is closing, or *key* does not watch (the table answers then).
        """
        watcher = self.watchers.get(key)
        if watcher is None or not watcher.live:
            return None
        sitting = self.take(key, watcher.name, lines_from=watcher.last_say, text=watcher.text)
        if sitting is not None:
            sitting.events.insert(0, Unwatched(watcher.number, "sat"))
        return sitting

    def take(self, key: C, name: str, *, lines_from: int, text: bool) -> Decision[C] | None:
        """Connection *key*, open already (no welcome), takes the free seat as *name*.

        Args:
            key: The connection: a spectator sitting down, or a person coming from a lobby.
            name: The name asked for.
            lines_from: The connection's last ``say.seq``: the seat's numbering goes on from it.
            text: True for a person on nc/telnet.

        Returns:
            The :class:`Sat` to apply (the seat's shows start afresh; its token is
            :attr:`owner_token`); None when the seat is taken or the host is closing.
        """
        if self.taken or self.closing:
            return None
        fresh = self.tokens.issue(self.seat)
        # nothing kept for the seat before its Sat is this connection's (see apply)
        self._owner = _Owner(key, _Stage.LIVE, fresh, False, 0, sent=self.outbox.last_seq)
        sat = Sat(name, token_hash(fresh), text_client=text, lines_from=lines_from, seat=self.seat)
        return Decision(events=[sat])

    @property
    def owner_token(self) -> str | None:
        """The token the seat's owner was last given (in its welcome or on taking the seat),
        or None when nobody owns it."""
        return None if self._owner is None else self._owner.token

    def passed_over(self, seq: int) -> None:
        """The guest's line *seq* was refused before it became an event (flood control): the
        next one follows it, though no :class:`Line` records it."""
        self.last_say = max(self.last_say, seq)

    def close(self, *, keeping: bool = False) -> list[Action[C]]:
        """The host is leaving: bye to the owner; later hellos are refused, claims told bye.

        Args:
            keeping: the host program is stopping but keeps the table (a signal, a crash: its
                journal stays): the bye's code is ``closing``, and the guest's join keeps its
                token and tries to come back, rather than ``left``.
        """
        self.closing = True
        self._closing_code = "closing" if keeping else "left"
        actions = self._turn_away_asking(f"{self.host_name}'s table is closing")
        actions += self.watchers.close(self._closing_reason(), self._closing_code)
        owner, self._owner = self._owner, None
        if owner is None:
            return actions
        if owner.stage is _Stage.WELCOMING:
            self._owner = owner  # told when its welcome is out (welcomed)
            return actions
        return [*actions, SayBye(owner.key, self._closing_code, self._closing_reason())]

    def _closing_reason(self) -> str:
        if self._closing_code == "closing":
            return f"{self.host_name}'s table is stopping and may come back"
        return f"{self.host_name} left"

    # ------------------------------------------------------------------------- time
    def next_deadline(self) -> float | None:
        """When :meth:`handle_timeout` has something to do: the end of the grace period."""
        if self.dropped and self._owner is None and self.name is not None:
            return self._grace_ends
        return None

    def handle_timeout(self, now: float) -> Decision[C]:
        """Free a dropped seat whose grace period is over at *now* (a claim suspends it)."""
        deadline = self.next_deadline()
        if deadline is None or now < deadline:
            return Decision()
        return Decision(events=[Freed("expired", seat=self.seat)])

    # ------------------------------------------------------------------------- events
    def apply(self, event: TableEvent, now: float) -> list[Action[C]]:
        """Change the seat as *event* says (the host applies it to its table too).

        Args:
            event: The event, from a decision of this keeper or from the journal.
            now: The host's monotonic clock (the grace deadline of :class:`Dropped`).

        Returns:
            A bye for the owner when *event* frees a seat it still holds (a quit sent as text,
            flooding).
        """
        if getattr(event, "seat", self.seat) != self.seat and not isinstance(event, Line):
            return []  # the other seat's (a lobby table keeps each seat apart)
        if isinstance(event, Opened):
            self._free(Freed("left"))  # a table opens empty
            self.outbox.clear()
            self.watchers.clear()
        elif isinstance(event, Sat):
            self.tokens.restore(self.seat, event.token_hash)
            self.by_text = event.text_client
            self.asked, self.last_say, self.dropped = event.asked, event.lines_from, False
            self.dropped_from = None
            self.outbox.clear()
            if self._owner is not None:  # the new guest's shows start here, numbered from 1
                self._owner.sent = 0
            self._delivered = 0
        elif isinstance(event, Rotated | Resumed):
            self.tokens.restore(self.seat, event.newest, event.older)
            self.dropped = self.dropped and isinstance(event, Rotated)
            if not self.dropped:
                self.dropped_from = None
            if isinstance(event, Resumed) and event.lines_anew:
                self.last_say, self.by_text = 0, True  # a person on nc/telnet has it now
        elif isinstance(event, Line):
            if event.seat == self.seat:
                self.last_say = max(self.last_say, event.seq)
        elif isinstance(event, Dropped):
            # A restart drops a seat already dropped again, from no address it knows: the
            # seat still dropped from where it did.
            kept_from = self.dropped_from if self.dropped else None
            self.dropped_from = event.address or kept_from
            self.dropped, self.grace = True, event.grace
            self._grace_ends, self._dropped_for = now + event.grace, event.grace
        elif isinstance(event, Freed):
            return self._free(event)
        elif isinstance(event, Unwatched):
            return self.watchers.unwatch(event)
        elif isinstance(event, Restarted):
            self.grace = event.grace
        return []

    def to_snapshot(self) -> dict[str, Any]:
        """What the events built of the seat, as JSON values (:meth:`restore_snapshot`): who
        holds it, its token hashes, ``say.seq``, whether it is dropped and the outbox. Which
        connection owns it is not kept: a restarted host has no connections; where the
        connection it dropped from came from is, when known."""
        snapshot: dict[str, Any] = {
            "name": self.name,
            "asked": self.asked,
            "by_text": self.by_text,
            "tokens": self.tokens.hashes(self.seat),
            "last_say": self.last_say,
            "dropped": self.dropped,
            "dropped_for": self._dropped_for,
            "grace": self.grace,
            "outbox": self.outbox.to_snapshot(),
        }
        if self.dropped_from is not None:
            snapshot["dropped_from"] = self.dropped_from
        return snapshot

    def restore_snapshot(self, snapshot: Fields, now: float) -> None:
        """Make the seat what :meth:`to_snapshot` wrote (see :meth:`restorer`).

        Raises:
            SnapshotError: a value is missing or out of bounds; the seat is unchanged then.
        """
        self.restorer(snapshot, now)()

    def restorer(self, snapshot: Fields, now: float) -> Callable[[], None]:
        """Check what :meth:`to_snapshot` wrote, and return what makes the seat that, as a
        replay of its events at *now* would: a dropped seat's grace period runs from *now*,
        and every show counts as delivered (:meth:`assume_delivered`). Nothing changes until
        the returned function is called, and that cannot fail: a lobby table checks both its
        seats before it takes either back.

        Raises:
            SnapshotError: a value is missing or out of bounds, or a seat is held without
                tokens (or tokens kept for an empty seat).
        """
        name = snapshot.optional_name("name")
        asked = snapshot.optional_name("asked")
        tokens = snapshot.items("tokens", limit=2) if snapshot.has("tokens") else None
        if (tokens is None) != (name is None) or (tokens is not None and len(tokens) != 2):
            raise SnapshotError(f"{snapshot.where}.tokens must be the held seat's two hashes")
        dropped = snapshot.flag("dropped")
        if dropped and name is None:
            raise SnapshotError(f"{snapshot.where}.dropped is set for an empty seat")
        values = (
            snapshot.flag("by_text"),
            snapshot.whole("last_say"),
            snapshot.number("dropped_for"),
            snapshot.number("grace"),
        )
        by_text, last_say, dropped_for, grace = values
        if dropped_for < 0 or grace < 0:
            raise SnapshotError(f"{snapshot.where}: a grace period is never negative")
        dropped_from = snapshot.optional_text("dropped_from", limit=MAX_ADDRESS)
        if dropped_from is not None:
            try:
                checked_address(dropped_from)
            except ValueError as exc:
                raise SnapshotError(f"{snapshot.where}.dropped_from {exc}") from None
        if tokens is not None:
            try:
                SeatTokens[str]().restore(self.seat, tokens[0], tokens[1])  # checks the hashes
            except (ValueError, TypeError, AttributeError):
                raise SnapshotError(f"{snapshot.where}.tokens must be SHA-256 hashes") from None
        outbox = snapshot.raw("outbox")
        if not isinstance(outbox, dict):
            raise SnapshotError(f"{snapshot.where}.outbox must be an object")
        try:
            take_outbox = self.outbox.restorer(outbox)
        except ValueError as exc:
            raise SnapshotError(f"{snapshot.where}.{exc}") from None

        def take() -> None:
            take_outbox()
            # No connection survives a restart: nobody owns the seat, watches or asks for it.
            self._owner, self._asking = None, None
            self.watchers.clear()
            self.name, self.asked, self.by_text, self.last_say = name, asked, by_text, last_say
            self.dropped, self.grace, self._dropped_for = dropped, grace, dropped_for
            self.dropped_from = dropped_from if dropped else None
            self._grace_ends = now + dropped_for if dropped else 0.0
            if tokens is None:
                self.tokens.revoke(self.seat)
            else:
                self.tokens.restore(self.seat, tokens[0], tokens[1])
            self.assume_delivered()

        return take

    def seated(self, name: str) -> None:
        """The table gave the new guest of the last :class:`Sat` the seat name *name*."""
        self.name = name

    def _free(self, event: Freed) -> list[Action[C]]:
        guest = self.name
        self.tokens.revoke(self.seat)
        self.name = self.asked = None
        self.last_say, self.dropped, self.dropped_from = 0, False, None
        owner, self._owner = self._owner, None
        over = "is over" if event.why == "expired" else "ended"
        actions = self._turn_away_asking(f"the grace period for {guest}'s seat {over}")
        code = _BYE_FOR.get(event.why)
        if owner is None or code is None:
            return actions
        # The guest's own leave (a /q sent as text) is theirs, not the host's.
        reason = {
            "left": f"you left {self.host_name}'s table",
            "flooding": event.detail or "flooding",
        }[code]
        return [*actions, SayBye(owner.key, code, reason)]

    # ------------------------------------------------------------------------- shows
    def show(self, show: Show) -> Show:
        """Number *show* for the guest and keep it for catch-up (send with :meth:`to_send`)."""
        return self.outbox.add(show)

    def to_send(self) -> list[Send[C]]:
        """The kept shows the live owner has not been sent yet, oldest first (now sent)."""
        owner = self._owner
        if owner is None or owner.stage is not _Stage.LIVE:
            return []
        sends = [Send(owner.key, show) for show in self.outbox.after(owner.sent)]
        owner.sent = self.outbox.last_seq
        return sends

    def assume_delivered(self) -> None:
        """Count every show as delivered (after a journal replay: what a version 1 join saw
        before the restart cannot be known, and resending it all would repeat it)."""
        self._delivered = self.outbox.last_seq
