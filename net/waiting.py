"""Connections that have not said hello yet: how many a host keeps, and which one goes first.

An accepted connection costs the host a file descriptor and some memory at once, and a silent
one keeps costing them until the hello deadline (10 s) ends it. Without a bound, a few thousand
silent connections use up the host's descriptors (accept() then fails in a loop) and hundreds of
megabytes (issue 8 §4, §5). The :class:`WaitingRoom` bounds them, in total and per address.

When it is full, the connection that has waited **longest** leaves, not the newcomer: a real
join says hello within one round trip, so the one silent longest is the least likely to be
one. Turning newcomers away instead would let anyone who holds the room full with silent
connections — 64 sockets, reopened every 10 s — lock every real join out for good; this way
a flood has to outpace a join's own round trip to keep it out.

Pure logic (no sockets, no clock, no asyncio): ``net.connection.serve`` says who entered and
who left, and closes the connections :meth:`WaitingRoom.enter` names.
"""

from __future__ import annotations

import collections
import ipaddress
from collections.abc import Hashable
from typing import Generic, TypeVar

__all__ = ["WaitingRoom", "address_key"]

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
    """At most ``capacity`` items, and at most ``per_address`` per address key, oldest out first.

    Items are anything hashable (the host uses its connections); each is in the room once.
    """

    def __init__(self, capacity: int, per_address: int) -> None:
        """Create an empty room.

        Args:
            capacity: The most items in the room at once (at least 1).
            per_address: The most items under one address key at once (at least 1).

        Raises:
            ValueError: A bound is below 1.
        """
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, not {capacity}")
        if per_address < 1:
            raise ValueError(f"per_address must be at least 1, not {per_address}")
        self.capacity = capacity
        self.per_address = per_address
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
        the one from that address waiting longest leaves; then, if the room is still full, the
        one waiting longest overall leaves.

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
            gone.append(self._remove(next(iter(group))))
        if len(self._everyone) >= self.capacity:
            gone.append(self._remove(next(iter(self._everyone))))
        self._everyone[item] = key
        self._by_address[key][item] = None
        return gone

    def leave(self, item: T) -> None:
        """Take *item* out (it said hello, or its connection ended); nothing if it is not in."""
        if item in self._everyone:
            self._remove(item)

    def _remove(self, item: T) -> T:
        key = self._everyone.pop(item)
        group = self._by_address[key]
        del group[item]
        if not group:
            del self._by_address[key]  # an address seen once must not stay in memory forever
        return item
