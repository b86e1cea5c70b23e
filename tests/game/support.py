"""What the tests of game/ share: reading a table's deliveries, a seat keeper driven as the host
drives it, and the hangman secrets a setter may type.

A table's deliveries (:func:`lines`, :func:`only_error`)
    The texts a table delivered, to one seat or of one kind.

A seat keeper driven the way the host drives it, with a fake clock and fake connections
(:func:`seating`, :class:`Seating`)
    :class:`Seating` plays the host program's part: it applies every event a decision holds (to
    the keeper alone: the table's part is replaced by a few shows per event, enough to number),
    and records the actions per connection, so a test reads what each connection was sent.

Hangman secrets (:func:`secrets`)
    The guesser only ever types the letters :data:`SEEN`; a secret may also hold the letters
    :data:`HIDDEN`, which are never guessed and so never revealed.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from game import registry
from game.delivery import Recipient
from game.seat_keeper import Action, Decision, Fail, LetIn, SayBye, SeatKeeper, Send, TurnAway
from game.table import Delivery, Kind, Seat
from game.table_events import Dropped, Freed, Line, Resumed, Sat, TableEvent, Watched
from net.admission import JoinCodeGate, SeatTokens
from net.messages import Hello, Show
from net.outbox import Outbox

# --- a table's deliveries -------------------------------------------------------------------------

HOST, GUEST = Seat.HOST, Seat.GUEST


def lines(
    deliveries: list[Delivery], to: Seat | None = None, kind: Kind | None = None
) -> list[str]:
    """The texts delivered (to one seat / of one kind)."""
    return [
        d.shown.text
        for d in deliveries
        if (to is None or d.to is to) and (kind is None or d.shown.kind is kind)
    ]


def only_error(deliveries: list[Delivery], to: Recipient) -> str:
    """Assert the deliveries are exactly one ERROR for ``to`` and return its text."""
    assert len(deliveries) == 1, deliveries
    assert deliveries[0].to is to and deliveries[0].shown.kind is Kind.ERROR, deliveries
    return deliveries[0].shown.text


def parse_game(args: str) -> Any:
    """:func:`game.registry.parse_game`, typed ``Any``: each game's spec has fields of its own
    (``rules``, ``secret``) that the tests read."""
    return registry.parse_game(args)


# --- a seat keeper driven as the host drives it ---------------------------------------------------

ADDRESS = "127.0.0.1"
GRACE = 60.0


def token_source() -> Iterator[str]:
    """Tokens t1, t2, … so tests can name them."""
    return (f"t{n}" for n in itertools.count(1))


@dataclass
class Seating:
    """A keeper and what its decisions did: events applied, frames per connection."""

    keeper: SeatKeeper[str]
    now: float = 0.0
    events: list[TableEvent] = field(default_factory=list)
    sent: dict[str, list[Show]] = field(default_factory=dict)
    byes: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    turned_away: dict[str, str] = field(default_factory=dict)  # key -> refusal code
    let_in: list[str] = field(default_factory=list)
    watched: int = 0  # spectators numbered so far (the table's part)

    def apply(self, event: TableEvent) -> None:
        """Apply *event* as the host does: keeper first, then the table's shows, then send."""
        self.events.append(event)
        self._do(self.keeper.apply(event, self.now))
        if isinstance(event, Sat):
            self.keeper.seated(event.asked)
            self.keeper.show(Show("notice", f"welcome to the table, {event.asked}"))
        elif isinstance(event, Resumed):
            self.keeper.show(Show("notice", "welcome back"))
        elif isinstance(event, Line) and event.seat == "host":
            self.keeper.show(Show("chat", event.text, "alice"))
        elif isinstance(event, Watched):
            self.watched += 1
            self.keeper.watched(self.watched, event.name)
        self._do(self.keeper.to_send())

    def decide(self, decision: Decision[str]) -> Decision[str]:
        """Apply *decision*'s events, carry out its actions; returns it."""
        for event in decision.events:
            self.apply(event)
        self._do(decision.actions)
        return decision

    def _do(self, actions: list[Action[str]] | list[Send[str]]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self.sent.setdefault(action.key, []).append(action.show)
            elif isinstance(action, SayBye):
                self.byes[action.key] = action.code
            elif isinstance(action, Fail):
                self.failed[action.key] = action.reason
            elif isinstance(action, TurnAway):
                self.turned_away[action.key] = action.code
            elif isinstance(action, LetIn):
                self.let_in.append(action.key)

    def hello(
        self,
        key: str,
        name: str = "bob",
        *,
        token: str | None = None,
        seen: int | None = None,
        version: int = 2,
        code: str | None = None,
        text: bool = False,
        address: str = ADDRESS,
    ) -> Decision[str]:
        """A hello from *key* (a person on nc/telnet when *text*) at *address*, decided (its
        events applied); the welcome is not out yet."""
        hello = Hello(name=name, token=token, seen=seen, version=version, code=code)
        self.decide(self.keeper.handle_timeout(self.now))  # as the host does, first
        return self.decide(self.keeper.admit(key, hello, address, self.now, text=text))

    def welcomed(self, key: str) -> Decision[str]:
        """*key*'s welcome went out."""
        decision = self.decide(self.keeper.welcomed(key))
        self._do(self.keeper.to_send())
        return decision

    def join(self, key: str, name: str = "bob", **hello: object) -> str:
        """Hello and welcome; returns the token *key* was given."""
        decision = self.hello(key, name, **hello)  # type: ignore[arg-type]
        assert decision.refusal is None, decision.refusal
        token = self.keeper.welcome(key).token
        self.welcomed(key)
        return token

    def close(self) -> None:
        """The host leaves."""
        self._do(self.keeper.close())

    def host_says(self, text: str) -> None:
        """The host types a chat line (one show for the guest)."""
        self.apply(Line("host", text, self.now))

    def lost(self, key: str, cause: str = "lost") -> Decision[str]:
        """*key*'s connection ended."""
        return self.decide(self.keeper.lost(key, cause, "connection lost"))

    def at(self, now: float) -> Decision[str]:
        """Move the clock to *now* and let deadlines pass."""
        self.now = now
        return self.decide(self.keeper.handle_timeout(now))

    def texts(self, key: str) -> list[tuple[int | None, str]]:
        """``(seq, text)`` of every show *key* was sent."""
        return [(show.seq, show.text) for show in self.sent.get(key, [])]

    def freed(self) -> list[str]:
        """The ``why`` of every Freed event so far."""
        return [event.why for event in self.events if isinstance(event, Freed)]

    def drops(self) -> int:
        """How many Dropped events so far."""
        return sum(isinstance(event, Dropped) for event in self.events)


def seating(
    *,
    code: str | None = None,
    outbox: Outbox | None = None,
    spectator_limit: int = 0,
    no_room: Callable[[str, int], str] | None = None,
) -> Seating:
    """A keeper for alice's table with tokens t1, t2, … and a 60 s grace period (and room
    for *spectator_limit* spectators)."""
    source = token_source()
    keeper: SeatKeeper[str] = SeatKeeper(
        "alice",
        JoinCodeGate(code),
        tokens=SeatTokens(lambda _: next(source)),
        outbox=outbox,
        grace=GRACE,
        spectator_limit=spectator_limit,
        no_room=no_room,
    )
    return Seating(keeper)


def seated_keeper() -> tuple[SeatKeeper[str], str]:
    """A keeper with bob seated and welcomed on connection ``"c1"``."""
    seats = seating()
    seats.join("c1")
    return seats.keeper, "c1"


# --- hangman secrets ------------------------------------------------------------------------------

SEEN = "abcdefghijklm"  # what the guesser may type
HIDDEN = "nopqrstuvwxyz"  # never guessed, so never revealed


def _two_letters(secret: str) -> bool:
    # a playable secret has at least two different letters (check_secret)
    return len({c for c in secret if c.isalpha()}) >= 2


def secrets() -> st.SearchStrategy[str]:
    """Secrets a setter may type."""
    return _any_secret().filter(_two_letters)


@st.composite
def _any_secret(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.text(string.ascii_lowercase, min_size=1, max_size=7), min_size=1, max_size=3)
    )
    text = parts[0]
    for part in parts[1:]:
        text += draw(st.sampled_from(" -'")) + part
    # a hyphen or apostrophe may also open or close the secret ("'tis", "dogs'", "rock-")
    return draw(st.sampled_from(["", "-", "'"])) + text + draw(st.sampled_from(["", "-", "'"]))
