"""Connections that have not said hello yet: how many a host keeps, and which one goes first.

An accepted connection costs the host a file descriptor and some memory at once, and a silent
one keeps costing them until the hello deadline (10 s) ends it. Without a bound, a few thousand
silent connections use up the host's descriptors (accept() then fails in a loop) and hundreds of
megabytes. The :class:`WaitingRoom` bounds them, in total and per address.

When it is full, someone already waiting leaves, never the newcomer: turning newcomers away
would let anyone who holds the room full with silent connections — 64 sockets, reopened every
10 s — lock every real join out for good. Who leaves:

* a person typing at a prompt (see :attr:`Waiter.typing`) only once nobody else is left to go:
  a connection that sent nothing is the likelier flood;
* of the others, one from the address with the most of them waiting: a flood comes from a few
  addresses, and a person on ``nc`` who takes three seconds to type a name looks, until Enter,
  just like the hundred silent connections a second that reach the name prompt beside them —
  but they come from somewhere else;
* from there, the one waiting longest: a real join says hello within one round trip, so the
  one silent longest is the least likely to be one, and a flood has to outpace a join's own
  round trip to keep it out.

No sockets, no clock, no asyncio: ``net.serving.serve`` tells its :class:`ServerWaitingRoom` who
came in (and when) and who said hello; the waiting_room turns away, through the connection's own
``turn_away``, whoever :meth:`WaitingRoom.enter` names.
"""

from __future__ import annotations

import collections
import ipaddress
import logging
from collections.abc import Callable, Hashable, Iterable
from typing import Final, Generic, Protocol, TypeVar

__all__ = ["CROWDED", "ServerWaitingRoom", "WaitingRoom", "address_key"]

log = logging.getLogger("net")

#: What a connection turned away from a full waiting room is told, in an ``error`` frame
#: (PROTOCOL.md §4). A join meets it as a failed handshake and may try again.
CROWDED: Final = "too many connections are waiting to say hello — try again in a moment"
#: The host person hears about a flood at most this often (a WARNING is a notice on the
#: host's screen).
WARN_EVERY: Final = 60.0

T = TypeVar("T", bound=Hashable)


def address_key(address: str) -> str:
    """The key under which connections from *address* are counted together.

    An IPv6 host usually owns a whole /64 (one network prefix per subscriber) and can pick a
    new address in it for every connection, so IPv6 addresses count per /64. An IPv4 address
    mapped into IPv6 (``::ffff:192.0.2.1``, as a dual-stack socket reports IPv4 peers) counts as
    that IPv4 address. Anything that is not an IP address (a Unix socket path, ``"?"``) is
    its own key.

    Args:
        address: The peer's address as the socket reports it.

    Returns:
        A string to count by.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class WaitingRoom(Generic[T]):
    """At most ``capacity`` items, and at most ``per_address`` per address key; who leaves to
    make room is chosen as the module docstring says.

    Items are anything hashable (the host uses its connections); each is in the room once.
    """

    def __init__(
        self, capacity: int, per_address: int, typing: Callable[[T], bool] = lambda item: False
    ) -> None:
        """Create an empty room.

        Args:
            capacity: The most items in the room at once (at least 1).
            per_address: The most items under one address key at once (at least 1).
            typing: Whether an item is a person typing at a prompt (asked whenever someone
                must leave: it may have started since it came in).

        Raises:
            ValueError: A bound is below 1.
        """
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        if per_address < 1:
            raise ValueError(f"per_address must be at least 1, not {per_address}")
        self.capacity = capacity
        self.per_address = per_address
        self._typing = typing
        # Insertion order is arrival order: the first entry of each is the one waiting longest.
        self._everyone: dict[T, str] = {}
        self._by_address: dict[str, dict[T, None]] = collections.defaultdict(dict)

    def __len__(self) -> int:
        return len(self._everyone)

    def __contains__(self, item: object) -> bool:
        return item in self._everyone

    def waiting_from(self, key: str) -> int:
        """How many items wait under the address key *key* (see :func:`address_key`)."""
        group = self._by_address.get(key)
        return 0 if group is None else len(group)

    def enter(self, item: T, key: str) -> list[T]:
        """Let *item* in under the address key *key*; return who had to leave to make room.

        The newcomer always gets in. If its address already has ``per_address`` items waiting,
        one from that address leaves (the longest waiting of those not typing, if any); then,
        if the room is still full, one leaves as the module docstring says.

        Args:
            item: The newcomer.
            key: Its address key (see :func:`address_key`).

        Returns:
            The items that had to leave (none, one or two); the caller turns them away.

        Raises:
            ValueError: *item* is already in the room.
        """
        if item in self._everyone:
            raise ValueError("already in the waiting room")
        gone: list[T] = []
        group = self._by_address.get(key)
        if group is not None and len(group) >= self.per_address:
            gone.append(self._remove(self._not_typing_first(group)[0]))
        if len(self._everyone) >= self.capacity:
            gone.append(self._remove(self._first_to_go()))
        self._everyone[item] = key
        self._by_address[key][item] = None
        return gone

    def leave(self, item: T) -> None:
        """Take *item* out (it said hello, or its connection ended); nothing if it is not in."""
        if item in self._everyone:
            self._remove(item)

    def _not_typing_first(self, items: Iterable[T]) -> list[T]:
        """*items* (in arrival order) not typing, or all of them if every one is typing."""
        waiting = list(items)
        return [item for item in waiting if not self._typing(item)] or waiting

    def _first_to_go(self) -> T:
        """Who leaves a full room: see the module docstring."""
        candidates = self._not_typing_first(self._everyone)
        per_key = collections.Counter(self._everyone[item] for item in candidates)
        most = max(per_key.values())
        return next(item for item in candidates if per_key[self._everyone[item]] == most)

    def _remove(self, item: T) -> T:
        key = self._everyone.pop(item)
        group = self._by_address[key]
        del group[item]
        if not group:
            del self._by_address[key]  # an address seen once must not stay in memory forever
        return item


class Waiter(Hashable, Protocol):
    """What the waiting_room needs of a connection: who it is, whether a person is typing at it,
    and how to send it away."""

    @property
    def peer(self) -> tuple[str, int]:
        """The peer's (address, port)."""
        ...

    @property
    def typing(self) -> bool:
        """True for a person at a prompt who has typed something: such a connection is kept
        while any that sent nothing can go instead."""
        ...

    def turn_away(self, reason: str) -> None:
        """Tell the peer *reason* and close at once."""
        ...


W = TypeVar("W", bound=Waiter)


class ServerWaitingRoom(Generic[W]):
    """A server's connections that have not said hello yet: a :class:`WaitingRoom` that turns
    away, with :data:`CROWDED`, whoever must leave to make room, and says so once a minute."""

    def __init__(self, capacity: int, per_address: int) -> None:
        """Create an empty waiting_room (bounds as for :class:`WaitingRoom`)."""
        self.room: WaitingRoom[W] = WaitingRoom(capacity, per_address, lambda link: link.typing)
        self._warned: float | None = None

    def enter(self, link: W, now: float) -> None:
        """Let *link* wait for its hello, turning away whoever must leave to make room.

        Args:
            link: A connection that has just been accepted.
            now: Monotonic seconds (when to say it again is counted from this).
        """
        gone = self.room.enter(link, address_key(link.peer[0]))
        for old in gone:
            log.info("turning away %s:%d: %s", *old.peer, CROWDED)
            old.turn_away(CROWDED)
        if gone and (self._warned is None or now - self._warned >= WARN_EVERY):
            self._warned = now
            log.warning(
                "more than %d connections (or %d from one address) have not said hello: closing "
                "some to make room — is someone flooding this host? (said once a minute)",
                self.room.capacity,
                self.room.per_address,
            )

    def leave(self, link: W) -> None:
        """*link* said hello, or ended: it no longer counts."""
        self.room.leave(link)
