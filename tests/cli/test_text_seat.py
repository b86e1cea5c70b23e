"""The host program's side of a text client's seat after a drop, in one process.

net's text adapter hands the host a ``PendingText`` (contract T: ``.hello``, ``.peer``,
``.kind == "text"``, ``accept``, ``refuse``, and ``tell`` for a person waiting); here a
stand-in of that shape arrives through the host's own ``on_connect``, so the wiring is checked
without sockets: the host person is asked, ``/let`` gives the seat back (with the board),
``/deny`` and the end of the grace period refuse it with code ``full``, and a text client with
another name watches.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

from cli.args import HostOptions
from cli.console import Console
from cli.hosting import Host
from game.table_events import Dropped, Line, Sat
from net.admission import token_hash
from net.connection import PendingConnection
from net.errors import ConnectionClosed
from net.messages import Hello, Say, Show, Welcome

ADDRESS = "10.0.0.7"
WAIT = 5.0  # seconds: bounds every wait for the host to act


class ScreenStandIn:
    """What the host person's screen was shown."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def show(self, kind: str, text: str, sender: str | None = None) -> None:
        self.lines.append(text)

    def notice(self, text: str) -> None:
        self.lines.append(text)


class TextConnectionStandIn:
    """A welcomed text client: records what it is sent; ends when the test says."""

    version = 1

    def __init__(self, peer: tuple[str, int]) -> None:
        self.peer = peer
        self.closed: ConnectionClosed | None = None
        self.shows: list[Show] = []
        self._lines: asyncio.Queue[Say | None] = asyncio.Queue()

    def send_nowait(self, show: Show) -> None:
        self.shows.append(show)

    async def recv(self) -> Say:
        line = await self._lines.get()
        if line is None:
            raise ConnectionClosed("left", cause="left")
        return line

    def end(self) -> None:
        self._lines.put_nowait(None)

    async def close(self, reason: str, *, code: str | None = None) -> None:
        self.closed = ConnectionClosed(reason, cause="left")


class PendingTextStandIn:
    """Contract T's ``PendingText``, as the host program sees it."""

    kind = "text"

    def __init__(self, name: str) -> None:
        self.hello = Hello(name=name, version=1)
        self.peer = (ADDRESS, 40000)
        self.welcome: Welcome | None = None
        self.refused: tuple[str, str] | None = None
        self.told: list[str] = []
        self.connection = TextConnectionStandIn(self.peer)

    def tell(self, show: Show) -> None:
        self.told.append(show.text)

    async def accept(self, welcome: Welcome) -> TextConnectionStandIn:
        self.welcome = welcome
        return self.connection

    async def refuse(self, reason: str, code: str) -> None:
        self.refused = (reason, code)


def _host_with_bob_away(grace: float = 60.0) -> tuple[Host, ScreenStandIn]:
    host = Host(HostOptions(port=0, bind="127.0.0.1", name="alice", color=False, grace=grace))
    screen = ScreenStandIn()
    host.console = cast(Console, screen)
    host.apply(Sat("bob", token_hash("t1")))
    host.apply(Dropped(grace))
    return host, screen


async def _until(test: Callable[[], bool]) -> None:
    async def poll() -> None:
        while not test():
            await asyncio.sleep(0.01)

    await asyncio.wait_for(poll(), WAIT)


def _arrive(host: Host, pending: PendingTextStandIn) -> asyncio.Task[None]:
    return asyncio.ensure_future(host._on_connect(cast(PendingConnection, pending)))


def test_the_host_is_asked_and_let_gives_the_seat_back_with_the_board() -> None:
    async def scenario() -> None:
        host, screen = _host_with_bob_away()
        host.apply(Line("host", "/game tictactoe", 0.0))
        pending = PendingTextStandIn("bob")
        serving = _arrive(host, pending)
        asked = (
            f"bob (claimant 1, connected from {ADDRESS} without a seat token) wants bob's seat "
            "back. bob's own program holds the seat's token and usually reconnects by itself — "
            "/let 1 gives this connection the seat and that token stops working; /deny 1 refuses"
        )
        await _until(lambda: asked in screen.lines)
        assert pending.told and "waiting for their answer" in pending.told[0]
        assert (pending.welcome, pending.refused) == (None, None)  # it waits
        assert host._seat_command("/let bob")  # a name is not enough: answered, not done
        assert "/let takes the claimant's number: /let 1" in screen.lines
        assert host._seat_command("/let 1")
        await _until(lambda: pending.welcome is not None)
        welcome = pending.welcome
        assert welcome is not None and welcome.resumed
        assert welcome.name == "bob" and not welcome.watching
        await _until(lambda: any("welcome back, bob" in s.text for s in pending.connection.shows))
        assert any(show.kind == "board" for show in pending.connection.shows)
        assert "bob is back" in screen.lines
        pending.connection.end()
        await asyncio.wait_for(serving, WAIT)
        assert host.keeper.name is None  # EOF from a person is leaving

    asyncio.run(scenario())


def test_deny_refuses_the_text_client_and_keeps_bobs_seat() -> None:
    async def scenario() -> None:
        host, screen = _host_with_bob_away()
        pending = PendingTextStandIn("bob")
        serving = _arrive(host, pending)
        await _until(lambda: host.keeper.asking == 1)
        assert host._seat_command("/deny 1")
        await asyncio.wait_for(serving, WAIT)
        assert pending.refused == ("alice did not give you bob's seat back", "full")
        assert host.keeper.dropped and host.keeper.name == "bob"
        assert host._seat_command("/let")  # a name is needed: answered, never a table line
        assert "/let takes the claimant's number — /let N" in screen.lines

    asyncio.run(scenario())


def test_the_end_of_the_grace_period_refuses_the_waiting_text_client() -> None:
    async def scenario() -> None:
        host, screen = _host_with_bob_away(grace=0.2)
        pending = PendingTextStandIn("bob")
        serving = _arrive(host, pending)
        await asyncio.wait_for(serving, WAIT)
        assert pending.refused == ("the grace period for bob's seat is over", "full")
        assert host.keeper.name is None
        assert host._seat_command("/let 1")
        assert "nobody is asking for a seat now" in screen.lines

    asyncio.run(scenario())


def test_a_text_client_with_another_name_watches() -> None:
    async def scenario() -> None:
        host, screen = _host_with_bob_away()
        pending = PendingTextStandIn("carol")
        serving = _arrive(host, pending)
        await _until(lambda: pending.welcome is not None)
        assert pending.welcome is not None and pending.welcome.watching
        await _until(lambda: bool(pending.connection.shows))
        assert "the table is full — watching alice and bob" in [
            show.text for show in pending.connection.shows
        ]
        assert "carol is watching" in screen.lines
        pending.connection.end()
        await asyncio.wait_for(serving, WAIT)
        assert "carol stopped watching" in screen.lines

    asyncio.run(scenario())


def test_what_a_person_on_nc_reads_is_plain_and_names_the_host() -> None:
    plain = Host(HostOptions(port=0, bind="127.0.0.1", name="alice", color=False))
    assert plain.text_client_words.greeting() == "alice's table (tablechat) — what is your name?"
    assert not plain.text_client_words.needs_code
    coded = Host(HostOptions(port=0, bind="127.0.0.1", name="alice", color=True, code="ABCDEF"))
    assert coded.text_client_words.needs_code
    assert "join code" in coded.text_client_words.greeting()
    assert coded.text_client_words.code_prompt == "this table needs a join code — what is it?"
    render = coded.text_client_words.render  # colors asked for on the host: never for a text client
    assert render(Show("chat", "hi \x1b[2J there", "bob")) == "<bob> hi ^[[2J there"
    assert render(Show("notice", "bob sat down")) == "* bob sat down"
    assert render(Show("board", "X | O\nO | X")) == "  X | O\n  O | X"
    assert "\x1b" not in render(Show("error", "bad \x1b]0;title\x07 move"))


def test_a_spectator_gone_during_its_welcome_stops_watching_and_leaves_nothing_kept() -> None:
    async def scenario() -> None:
        host, screen = _host_with_bob_away()
        pending = PendingTextStandIn("carol")

        async def gone(welcome: Welcome) -> TextConnectionStandIn:
            raise ConnectionClosed("gone", cause="lost")

        pending.accept = gone  # type: ignore[method-assign]
        await asyncio.wait_for(_arrive(host, pending), WAIT)
        assert "carol stopped watching" in screen.lines
        assert len(host.keeper.watchers) == 0 and len(host.table.spectators) == 0
        assert host.keeper.watchers.kept() == 0

    asyncio.run(scenario())
