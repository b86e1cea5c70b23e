"""A lobby server under hostile people: whatever they do, the other tables play on.

The real server (``cli.lobby_hosting.LobbyServer``) on a free loopback port, people as raw
text clients on real sockets (``tests.net.support.Person``), each hostile crowd from its own
loopback address (127.0.0.x) so that the per-address limits are what holds it back:

* 200 connections opening tables and abandoning them;
* a flood of connections squatting names;
* a table's opener that never reads, while asking for board after board.

After each, a pair at another table plays a move and sees it at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket

from cli.args import HostOptions
from cli.lobby_hosting import LobbyServer
from tests.net.support import WAIT, Person, close_quietly, run

PAIR = "127.0.0.2"  # the people who only want to play


async def open_server() -> tuple[LobbyServer, asyncio.Server]:
    options = HostOptions(port=0, bind="127.0.0.1", name="club", color=False, lobby=True)
    server = LobbyServer(options, out=lambda line: None)
    return server, await server.start()


async def until(person: Person, text: str, timeout: float = WAIT) -> str:
    """The first line holding *text* (earlier lines are read past)."""
    async with asyncio.timeout(timeout):
        while True:
            line = await person.line()
            if text in line:
                return line


async def arrive(port: int, name: str, source: str = PAIR) -> tuple[Person, str]:
    """A person on nc arrives: the line they read after giving their name."""
    person = await Person.connect(port, source)
    # typed at once, as a person typing ahead: no half second of silence before the greeting
    person.type(name.encode() + b"\r\n")
    assert "club's lobby (tablechat)" in await person.line()
    return person, await person.line()


async def playing_pair(port: int) -> tuple[Person, Person]:
    """ann and bob at a table of tic-tac-toe, ann to move."""
    ann, _ = await arrive(port, "ann")
    bob, _ = await arrive(port, "bob")
    ann.type(b"/open tictactoe\r\n")
    await until(ann, "you opened table")
    number = (await tables_of(bob))[0].split(":")[0]
    bob.type(f"/sit {number}\r\n".encode())
    await until(ann, "your move (X)")
    return ann, bob


async def tables_of(person: Person) -> list[str]:
    """What /tables answers *person*: a line per table."""
    person.type(b"/tables\r\n")
    head = await until(person, "tables (")
    count = int(head.split("(")[1].split()[0])
    return [(await person.line()).strip() for _ in range(count)]


async def plays_on(mover: Person, other: Person, cell: str = "5", name: str = "ann") -> None:
    """*mover* plays *cell* and *other* sees it, at once."""
    mover.type(cell.encode() + b"\r\n")
    await until(other, f"{name} played")


def test_two_hundred_connections_opening_and_abandoning_tables() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        try:
            ann, bob = await playing_pair(server.port)

            async def abandon(n: int) -> str:
                person, _ = await arrive(server.port, f"x{n}", "127.0.0.3")
                person.type(b"/open\r\n")
                # the welcome may wrap onto more rows: read on to the answer
                answer = await until(person, "you opened table")
                person.close()  # gone without a word: nc's Ctrl-C
                return answer

            answers: list[str] = []
            for start in range(0, 200, 10):
                answers += await asyncio.gather(*(abandon(n) for n in range(start, start + 10)))
            assert len(answers) == 200  # each opened one: ten at a time is within its address's
            # each abandoned table closed with its opener: only ann's is left
            async with asyncio.timeout(WAIT):
                while len(await tables_of(bob)) > 1:
                    pass
            assert len(server.lobby.tables) == 1 and len(server.lobby.people) == 2
            await plays_on(ann, bob)
            close_quietly(ann, bob)
        finally:
            await server.stop(listening)

    run(scenario(), timeout=40)


def test_a_flood_of_name_squatters_is_held_back_per_address() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        per_address = server.lobby.limits.people_per_address
        try:
            ann, bob = await playing_pair(server.port)
            squatters: list[Person] = []
            names: list[str] = []
            for _ in range(per_address):
                person, line = await arrive(server.port, "ann", "127.0.0.4")
                squatters.append(person)
                names.append(line.split(" as ")[1].split(" — ")[0])
            assert len(set(names)) == per_address and "ann" not in names  # ann's is ann's
            turned_away, line = await arrive(server.port, "carol", "127.0.0.4")
            assert line == (
                f"! {per_address} people are connected from your address already — "
                "the most club lets in"
            )
            assert await turned_away.rest() == b""  # and closed
            carol, line = await arrive(server.port, "carol", "127.0.0.5")
            assert "club's lobby as carol " in line  # someone else still gets in, and the name
            await plays_on(ann, bob)
            close_quietly(ann, bob, carol, *squatters)
        finally:
            await server.stop(listening)

    run(scenario(), timeout=40)


def test_an_opener_who_never_reads_is_dropped_and_the_other_tables_play_on() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        try:
            ann, bob = await playing_pair(server.port)
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.bind(("127.0.0.6", 0))
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", server.port))
            # a reader whose buffer fills at 2 KiB stops reading the socket: never read again
            reader, writer = await asyncio.open_connection(sock=sock, limit=1024)
            mute = Person(reader, writer)
            mute.type(b"mute\r\n/open tictactoe 26x26 k=5\r\n")
            dave, _ = await arrive(server.port, "dave", "127.0.0.7")
            async with asyncio.timeout(WAIT):
                while not (rows := [row for row in await tables_of(dave) if "mute" in row]):
                    pass
            number = rows[0].split(":")[0]
            dave.type(f"/sit {number}\r\n".encode())
            await until(dave, "welcome to mute's table")
            # board after board (~3 KB each, never limited: it answers only the asker)
            mute.type(b"/board\r\n" * 5000)  # beyond what the kernel buffers (MBs) hold too
            await plays_on(ann, bob)  # while the server answers the flood
            await until(dave, "mute's connection dropped", timeout=4 * WAIT)
            await plays_on(bob, ann, "1", "bob")
            close_quietly(ann, bob, dave)
            with contextlib.suppress(OSError):
                mute.close()
        finally:
            await server.stop(listening)

    run(scenario(), timeout=40)
