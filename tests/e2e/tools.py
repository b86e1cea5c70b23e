"""Test tools for issue 5: a raw protocol guest, a wire-level guest, and the join's state file
(the TCP proxy that cuts connections is tests/proxy.py).

The raw guest speaks through :func:`net.connect` on an event loop running in a thread of its
own, so the (synchronous, pexpect-driven) tests can use it step by step while its keep-alive
keeps running. The wire guest is a plain socket (tests/hardening/wire.py): it can send what
net would never send (a ``say.seq`` out of order, lines after a ``bye``) and it does not close
when told to, as a broken or hostile program might. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from cli.seats_file import SeatsFile
from net.codec import encode
from net.connection import Connection, ConnectionClosed, Refused, connect
from net.messages import Hello, Say, Show
from tests.e2e.support import Player, Players
from tests.e2e.wire import RawPeer, say

TIMEOUT = 5.0
T = TypeVar("T")


class RawGuest:
    """One protocol-level guest connection, driven synchronously from a test."""

    def __init__(self, clients: RawClients, connection: Connection) -> None:
        self._clients = clients
        self.connection = connection
        self.shows: list[Show] = []  # every show received, in order

    @property
    def token(self) -> str:
        """The seat token from this connection's welcome."""
        assert self.connection.welcome is not None
        return self.connection.welcome.token

    def say(self, seq: int, text: str) -> None:
        """Send ``say(seq, text)``."""
        self._clients.run(self.connection.send(Say(seq=seq, text=text)))

    def until(self, test: Callable[[Show], bool], timeout: float = TIMEOUT) -> Show:
        """Read shows until one passes *test*; return it (all are kept in :attr:`shows`)."""

        async def read() -> Show:
            while True:
                message = await self.connection.recv()
                assert isinstance(message, Show)
                self.shows.append(message)
                if test(message):
                    return message

        return self._clients.run(asyncio.wait_for(read(), timeout))

    def until_text(self, text: str, timeout: float = TIMEOUT) -> Show:
        """Read shows until one contains *text*."""
        return self.until(lambda show: text in show.text, timeout)

    def closed_reason(self, timeout: float = TIMEOUT) -> ConnectionClosed:
        """Read until the connection ends; return how it ended."""

        async def read() -> ConnectionClosed:
            while True:
                try:
                    message = await self.connection.recv()
                except ConnectionClosed as closed:
                    return closed
                assert isinstance(message, Show)
                self.shows.append(message)

        return self._clients.run(asyncio.wait_for(read(), timeout))

    def abort(self) -> None:
        """Cut the socket at once, without bye: a connection lost, as far as the host knows."""

        async def cut() -> None:
            # net's Connection has no public "cut" (programs never need one): use the link's.
            self.connection._link.abort("cut by the test")

        self._clients.run(cut())

    def leave(self) -> None:
        """Say bye and close."""
        self._clients.run(self.connection.close("left"))


class RawClients:
    """An event loop in a thread, and the raw guests made on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._guests: list[RawGuest] = []

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = TIMEOUT + 1) -> T:
        """Run *coro* on the loop thread and return its result (bounded)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def join(
        self, port: int, name: str = "mallory", *, token: str | None = None, code: str | None = None
    ) -> RawGuest:
        """Connect to 127.0.0.1:*port* and say hello; raises Refused when refused."""
        hello = Hello(name=name, code=code, token=token)
        connection = self.run(connect("127.0.0.1", port, hello))
        guest = RawGuest(self, connection)
        self._guests.append(guest)
        return guest

    def refused(
        self, port: int, name: str = "mallory", *, token: str | None = None, code: str | None = None
    ) -> Refused:
        """Connect expecting a refusal; return it."""
        try:
            self.join(port, name, token=token, code=code)
        except Refused as refused:
            return refused
        raise AssertionError("the host accepted a hello it should have refused")

    def close(self) -> None:
        """Close every guest, stop the loop and its thread."""
        for guest in self._guests:
            # Teardown: a connection already gone is fine.
            with contextlib.suppress(Exception):
                self.run(guest.connection.close("left"), timeout=3)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(3)
        self.loop.close()


class WireGuest:
    """A guest on a plain socket: says hello (with a token to resume), then what the test says.

    It never answers pings and never closes by itself: only :meth:`close` does.
    """

    def __init__(self, port: int, name: str, *, token: str | None = None) -> None:
        """Connect to 127.0.0.1:*port* and send a hello for *name* (resuming with *token*)."""
        self.peer = RawPeer(port)
        self.peer.send(encode(Hello(name=name, token=token).to_dict()))

    def answer(self) -> dict[str, Any]:
        """Wait for the host's answer to the hello (welcome or refuse) and return it."""
        frames = self.peer.read_until(bool)
        assert frames, "the host closed without answering the hello"
        return frames[0]

    @property
    def token(self) -> str:
        """The seat token of this connection's welcome."""
        answer = self.answer()
        assert answer["type"] == "welcome", answer
        token = answer["token"]
        assert isinstance(token, str)
        return token

    def say(self, seq: int, text: str) -> None:
        """Send ``say(seq, text)``; a host that already closed is not an error here."""
        with contextlib.suppress(OSError):
            self.peer.send(say(seq, text))

    def last_frames(self, timeout: float = TIMEOUT) -> list[dict[str, Any]]:
        """Read until the host closes; return every frame after the answer to the hello."""
        frames = self.peer.read_to_eof(timeout)
        assert self.peer.eof, "the host did not close the connection"
        return [f for f in frames[1:] if f["type"] not in {"ping", "pong", "show"}]

    def close(self) -> None:
        """Close the socket (idempotent)."""
        self.peer.close()


class WireGuests:
    """Opens wire guests for one test and closes every one of them."""

    def __init__(self) -> None:
        self._opened: list[WireGuest] = []

    def __call__(self, port: int, name: str = "bob", *, token: str | None = None) -> WireGuest:
        """Connect a :class:`WireGuest`; it is closed at teardown."""
        guest = WireGuest(port, name, token=token)
        self._opened.append(guest)
        return guest

    def bob_at_alices_table(self, players: Players) -> tuple[Player, int, WireGuest]:
        """Start the host alice and seat a wire guest bob (welcomed; alice saw him sit down).

        Returns:
            The host, its port and bob.
        """
        host, port = players.host("alice")
        bob = self(port, "bob")
        assert bob.answer()["type"] == "welcome"
        host.expect("bob sat down")
        return host, port, bob

    def close(self) -> None:
        """Close every guest opened."""
        for guest in self._opened:
            guest.close()


def seats_file(home: Path, state: str) -> Path:
    """Where the join started with that *state* (see tests.e2e.support) keeps its seats."""
    return home / "xdg-state" / state / "tablechat" / "seats.json"


def stored_token(home: Path, state: str, port: int, name: str = "bob") -> str:
    """The seat token the join with *state* keeps for *name* at 127.0.0.1:*port*."""
    # Read as the join reads it: the file keys tokens by table and --name (issue 8 §3).
    entry = SeatsFile(seats_file(home, state)).get(f"127.0.0.1:{port}", name)
    assert entry is not None
    return entry.token
