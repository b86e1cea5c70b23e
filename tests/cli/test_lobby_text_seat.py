"""A person on nc at a lobby, in-process on real sockets: told whose name it is when given
another, and back at the seat they dropped when they come back from its address — after the
server's restart too."""

from __future__ import annotations

import socket
import struct
from pathlib import Path

from net.connection import connect
from net.messages import Hello, Say
from tests.cli.test_lobby_server import open_server, shows_until
from tests.e2e.support import free_port
from tests.net.support import Person, run


def reset(person: Person) -> None:
    """A connection reset, not a close (that is leaving): the seat is kept."""
    sock = person.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    person.writer.transport.abort()


def test_a_person_on_nc_is_told_whose_name_it_is_and_takes_a_dropped_seat_back() -> None:
    async def scenario() -> None:
        server, listening = await open_server()
        try:
            jon = await Person.connect(server.port)
            await jon.line()  # the name prompt
            jon.type(b"jon\r\n/open\r\n")
            while "you opened table 1" not in await jon.line():
                pass
            bob = await connect("127.0.0.1", server.port, Hello(name="bob", version=3))
            await bob.send(Say(seq=1, text="/sit 1"))
            await shows_until(bob, "welcome to jon's table")
            reset(jon)
            await shows_until(bob, "jon's connection dropped")  # the lobby has seen it
            again = await Person.connect(server.port, source="127.0.0.2")  # not jon's address
            await again.line()
            again.type(b"jon\r\n")
            assert "lobby as jon-2" in await again.line()
            while not (held := await again.line()).startswith("* jon"):
                pass  # the rest of the greeting
            while "— you are jon-2" not in held:  # the sentence, wrapped for a terminal
                held += " " + (await again.line()).strip()
            assert held.startswith("* jon is still held for the player who dropped from table 1")
            assert "(for up to 5 minutes)" in held
            again.close()
            # From the address the seat dropped from, under its name: the seat back.
            back = await Person.connect(server.port)
            await back.line()
            back.type(b"jon\r\n")
            assert "you are back at your table in club's lobby as jon" in await back.line()
            await shows_until(bob, "jon is back")
            back.type(b"hello again\r\n")
            await shows_until(bob, "hello again")
            back.close()
            await bob.close()
        finally:
            await server.stop(listening)

    run(scenario())


def test_a_seat_dropped_from_nc_is_taken_back_from_its_address_after_a_restart(
    tmp_path: Path,
) -> None:
    port = free_port()

    async def first_run() -> None:
        server, listening = await open_server(port, tmp_path)
        jon = await Person.connect(port)
        jon.type(b"jon\r\n/open\r\n")  # typed ahead: no wait for the name prompt
        while "you opened table 1" not in await jon.line():
            pass
        bob = await connect("127.0.0.1", port, Hello(name="bob", version=3))
        await bob.send(Say(seq=1, text="/sit 1"))
        await shows_until(bob, "welcome to jon's table")
        reset(jon)
        await shows_until(bob, "jon's connection dropped")  # journaled by now
        server.journals.close_all()  # as a kill leaves them
        listening.close()

    async def second_run() -> None:
        server, listening = await open_server(port, tmp_path)
        try:
            again = await Person.connect(port, source="127.0.0.2")  # not jon's address
            again.type(b"jon\r\n")
            await again.line()  # the name prompt
            assert "lobby as jon-2" in await again.line()
            again.close()
            back = await Person.connect(port)
            back.type(b"jon\r\n")
            await back.line()
            assert "you are back at your table in club's lobby as jon" in await back.line()
            back.close()
        finally:
            await server.stop(listening)

    run(first_run())
    run(second_run())
