"""The lobby server's wire, in-process on real sockets: what a version 3 join is told as it
moves between seats, what an older join gets instead, and every table back from its journal
when a server on the same port starts again, from its snapshot once it was compacted; and the
records a lobby's players keep."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import cli.lobby_hosting
import cli.table_replay
from cli.args import HostOptions
from cli.journal import Journal
from cli.lobby_hosting import LobbyServer
from cli.lobby_journals import lobby_root
from cli.table_replay import SNAPSHOT
from game.delivery import Seat
from game.record_format import Record, parse
from net.connection import Connection, connect
from net.errors import Refused
from net.messages import Hello, Say, Show
from tests.e2e.support import free_port
from tests.net.support import WAIT, run


async def open_server(
    port: int = 0,
    root: Path | None = None,
    *,
    fresh: bool = False,
    clock: Callable[[], float] = time.monotonic,
    per_address: int | None = None,
) -> tuple[LobbyServer, asyncio.Server]:
    options = HostOptions(
        port=port,
        bind="127.0.0.1",
        name="club",
        color=False,
        lobby=True,
        fresh=fresh,
        per_address=per_address,
    )
    server = LobbyServer(options, root=root, out=lambda line: None, clock=clock)
    return server, await server.start()


async def shows_until(connection: Connection, text: str) -> list[Show]:
    """Every show up to the first whose text holds *text*."""
    seen: list[Show] = []
    async with asyncio.timeout(WAIT):
        while True:
            message = await connection.recv()
            if isinstance(message, Show):
                seen.append(message)
                if text in message.text:
                    return seen


def test_a_version_3_join_is_told_each_seat_token_and_an_older_one_gets_unnumbered_shows() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        try:
            ann = await connect("127.0.0.1", server.port, Hello(name="ann", version=3))
            bob = await connect("127.0.0.1", server.port, Hello(name="bob", version=2))
            arrived = await shows_until(ann, "lobby as ann")
            assert arrived[0] == Show(kind="token", text="")  # the welcome's token names no seat
            # nor a table: a prompt's status kept from before a restart goes
            assert arrived[1] == Show(kind="status", text="")
            assert ann.welcome is not None and ann.welcome.lobby == "club"
            assert bob.welcome is not None and bob.welcome.lobby is None  # not in version 2
            await ann.send(Say(seq=1, text="/open"))
            opened = await shows_until(ann, "you opened table 1")
            token = next(s.text for s in opened if s.kind == "token")
            assert token.startswith("1.") and len(token) > 10
            await bob.send(Say(seq=1, text="/sit 1"))
            at_table = await shows_until(bob, "welcome to ann's table")
            assert all(s.seq is None and s.kind != "token" for s in at_table)
            seated = await shows_until(ann, "bob sat down")
            assert seated[-1].seq == 1  # the seat's shows, numbered afresh after its token
            await ann.send(Say(seq=2, text="/leave"))
            left = await shows_until(ann, "you left table 1")
            assert left[0] == Show(kind="token", text="")  # before what the lobby says
            await bob.send(Say(seq=2, text="/open"))  # bob's second seat: still unnumbered
            assert all(s.seq is None for s in await shows_until(bob, "you opened table 2"))
            await ann.send(Say(seq=3, text="/sit 2"))
            again = await shows_until(ann, "welcome to bob's table")
            assert again[0].kind == "token" and again[0].text.startswith("2.")
            assert [s.seq for s in again[1:]] == [1]  # the second seat's numbers start at 1
            await ann.close()
            await bob.close()
        finally:
            await server.stop(listening)

    run(scenario())


def test_every_table_comes_back_from_its_journal_a_seat_token_resumes_and_fresh_forgets(
    tmp_path: Path,
) -> None:
    port = free_port()

    async def first_run() -> str:
        server, listening = await open_server(port, tmp_path)
        ann = await connect("127.0.0.1", port, Hello(name="ann", version=3))
        bob = await connect("127.0.0.1", port, Hello(name="bob", version=3))
        await ann.send(Say(seq=1, text="/open tictactoe"))
        opened = await shows_until(ann, "opened table")
        token = next(s.text for s in opened if s.kind == "token" and s.text)
        await bob.send(Say(seq=1, text="/sit 1"))
        await shows_until(ann, "your move")
        await ann.send(Say(seq=2, text="5"))
        await shows_until(bob, "ann played b2")
        await bob.send(Say(seq=2, text="/leave"))  # and bob's seat is free again
        await shows_until(ann, "bob left the table")
        # As a kill leaves them: every record written, nothing more (the connections then die
        # with this event loop, unheard).
        server.journals.close_all()
        listening.close()
        return token

    async def second_run(token: str) -> None:
        server, listening = await open_server(port, tmp_path)
        try:
            rows = server.lobby.rows()  # the game it was opened for, though none is played
            assert [(r.number, r.players, r.game) for r in rows] == [(1, ("ann",), "tictactoe")]
            assert server.lobby.tables[1].served.table.match is not None
            back = await connect("127.0.0.1", port, Hello(name="ann", version=3, token=token))
            welcome = back.welcome
            assert welcome is not None and welcome.resumed and welcome.token.startswith("1.")
            assert (welcome.host, welcome.lobby) == ("ann", "club")  # the table's, the server's
            await back.send(Say(seq=welcome.last_seq + 1, text="/board"))
            board = await shows_until(back, "X")
            assert any(s.kind == "board" and "(X)" in s.text for s in board)
            # and whoever sits down next starts the game the table was opened for
            cy = await connect("127.0.0.1", port, Hello(name="cy", version=3))
            await cy.send(Say(seq=1, text="/sit 1"))
            await shows_until(cy, "new game: tictactoe")
            await cy.close()
        finally:
            await server.stop(listening)  # stopping keeps the table, as a kill does

    async def fresh_run() -> None:
        server, listening = await open_server(port, tmp_path, fresh=True)
        try:
            assert server.lobby.rows() == [] and server.journals.numbers() == []
        finally:
            await server.stop(listening)

    token = run(first_run())
    run(second_run(token))
    run(fresh_run())


def test_per_address_sets_how_many_people_connect_from_one_address() -> None:
    async def scenario() -> None:
        server, listening = await open_server(per_address=2)
        try:
            first = [await connect("127.0.0.1", server.port, Hello(name=n)) for n in "ab"]
            with pytest.raises(Refused, match="2 people are connected from your addr"):
                await connect("127.0.0.1", server.port, Hello(name="c"))
            for connection in first:
                await connection.close()
        finally:
            await server.stop(listening)

    run(scenario())


def test_a_table_nobody_sat_at_closes_once_idle_and_its_journal_goes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.lobby_hosting, "TICK", 0.02)  # the server looks often
    port = free_port()
    skipped = [0.0]  # seconds the server's clock is ahead of the real one

    async def scenario() -> None:
        server, listening = await open_server(
            port, tmp_path, clock=lambda: time.monotonic() + skipped[0]
        )
        try:
            ann = await connect("127.0.0.1", port, Hello(name="ann", version=3))
            await ann.send(Say(seq=1, text="/open"))
            await shows_until(ann, "you opened table 1")
            assert server.journals.numbers() == [1]
            skipped[0] = server.lobby.limits.idle_table
            told = await shows_until(ann, "nobody sat at table 1 for 10 minutes, so it closed")
            assert [s.kind for s in told[-3:]] == ["token", "status", "notice"]
            assert server.journals.numbers() == [] and not server.lobby.tables
            await ann.send(Say(seq=2, text="/tables"))  # in the lobby, numbering on
            await shows_until(ann, "no tables are open")
            await ann.close()
        finally:
            await server.stop(listening)

    run(scenario())


def test_a_table_whose_journal_was_compacted_comes_back_with_its_moves_offers_and_chat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A bound of a few events instead of a thousand: these few lines compact the journal.
    monkeypatch.setattr(cli.table_replay, "COMPACT_EVENTS", 3)
    port = free_port()

    async def first_run() -> str:
        server, listening = await open_server(port, tmp_path)
        ann = await connect("127.0.0.1", port, Hello(name="ann", version=3))
        bob = await connect("127.0.0.1", port, Hello(name="bob", version=3))
        await ann.send(Say(seq=1, text="/open tictactoe"))
        opened = await shows_until(ann, "opened table")
        token = next(s.text for s in opened if s.kind == "token" and s.text)
        await bob.send(Say(seq=1, text="/sit 1"))
        await shows_until(ann, "your move")
        await ann.send(Say(seq=2, text="5"))
        await shows_until(bob, "ann played b2")
        await bob.send(Say(seq=2, text="hello ann"))
        await shows_until(ann, "hello ann")
        await bob.send(Say(seq=3, text="1"))
        await shows_until(ann, "bob played a1")
        await ann.send(Say(seq=3, text="/draw"))
        await shows_until(bob, "ann offers you a draw")
        server.journals.close_all()  # as a kill leaves them
        listening.close()
        return token

    async def second_run(token: str) -> None:
        server, listening = await open_server(port, tmp_path)
        try:
            assert server.lobby.tables[1].game == "tictactoe"  # the snapshot's opening keeps it
            served = server.lobby.tables[1].served
            match = served.table.match
            assert match is not None and [ply.text for ply in match.history] == ["b2", "a1"]
            assert [(o.kind, o.by) for o in match.offers.open] == [("draw", 0)]
            assert [s.text for s in served.table.chat_seen(Seat.HOST, 50)] == ["hello ann"]
            assert served.seats["guest"].name == "bob" and served.seats["guest"].dropped
            back = await connect("127.0.0.1", port, Hello(name="ann", version=3, token=token))
            welcome = back.welcome
            assert welcome is not None and welcome.resumed and welcome.token.startswith("1.")
            await back.send(Say(seq=welcome.last_seq + 1, text="/history"))
            await shows_until(back, "hello ann")
        finally:
            await server.stop(listening)

    token = run(first_run())
    journal = Journal.open(1, root=lobby_root(port, tmp_path))
    first = journal.records[0]
    journal.close()
    assert SNAPSHOT in first and sorted(first[SNAPSHOT]["seats"]) == ["guest", "host"]
    run(second_run(token))


async def kept(connection: Connection, text: str) -> Record:
    """The game record sent to *connection* (what a join saves) by the time a show holding
    *text* comes, parsed; the one after it when none came before."""
    shows = await shows_until(connection, text)
    if not any(s.kind == "record" for s in shows):
        async with asyncio.timeout(WAIT):
            while not any(s.kind == "record" for s in shows):
                message = await connection.recv()
                shows += [message] if isinstance(message, Show) else []
    (record,) = [parse(s.text) for s in shows if s.kind == "record"]
    return record


async def a_game_two_moves_each(port: int) -> tuple[Connection, Connection, str]:
    """ivy opens a tic-tac-toe table, hal sits, two moves each; ivy's seat token."""
    ivy = await connect("127.0.0.1", port, Hello(name="ivy", version=3))
    hal = await connect("127.0.0.1", port, Hello(name="hal", version=3))
    await ivy.send(Say(seq=1, text="/open tictactoe"))
    opened = await shows_until(ivy, "opened table")
    token = next(s.text for s in opened if s.kind == "token" and s.text)
    await hal.send(Say(seq=1, text="/sit 1"))
    for seq, (mover, move) in enumerate([(ivy, "b2"), (hal, "a1"), (ivy, "c3"), (hal, "a3")], 2):
        while (await shows_until(mover, "your move"))[-1].kind == "status":
            pass  # the prompt's status says so too; the notice comes first
        await mover.send(Say(seq=seq // 2 + 1, text=move))
    await shows_until(ivy, "hal played a3")
    return ivy, hal, token


def test_a_player_who_leaves_mid_game_and_the_opener_both_keep_a_dated_record() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        try:
            ivy, hal, _ = await a_game_two_moves_each(server.port)
            await hal.send(Say(seq=4, text="/leave"))
            theirs = await kept(hal, "you left table 1")
            mine = await kept(ivy, "hal left the table")
            for record, viewer in ((mine, "ivy"), (theirs, "hal")):
                assert record.tag("Viewer") == viewer and record.players == ("ivy", "hal")
                assert record.moves == ["b2", "a1", "c3", "a3"]
                assert record.tag("Outcome") == "abandoned"
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record.tag("Date") or "")
            await ivy.close()
            await hal.close()
        finally:
            await server.stop(listening)

    run(scenario())


def test_after_a_restart_the_opener_who_leaves_keeps_the_record(tmp_path: Path) -> None:
    port = free_port()

    async def first_run() -> str:
        server, listening = await open_server(port, tmp_path)
        _, _, token = await a_game_two_moves_each(port)
        server.journals.close_all()  # as a kill leaves it (see above)
        listening.close()
        return token

    async def second_run(token: str) -> None:
        server, listening = await open_server(port, tmp_path)
        try:  # hal's seat is held for him, as an nc guest's is: he cannot come back by token
            ivy = await connect("127.0.0.1", port, Hello(name="ivy", version=3, token=token))
            assert ivy.welcome is not None and ivy.welcome.resumed
            await ivy.send(Say(seq=ivy.welcome.last_seq + 1, text="/leave"))
            record = await kept(ivy, "you left table 1")
            assert record.tag("Viewer") == "ivy" and record.tag("Outcome") == "abandoned"
            assert record.moves == ["b2", "a1", "c3", "a3"] and record.tag("Date")
            await ivy.close()
        finally:
            await server.stop(listening)

    run(second_run(run(first_run())))
