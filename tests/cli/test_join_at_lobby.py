"""The join at a lobby, in-process on real sockets: it words the lobby as a lobby and names
the server, not the last opponent, across a restart of the server — and its prompt shows no
game once it is back in the lobby; resumed after a restart, it is told what it missed once
and its prompt's status afresh."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

from cli.args import JoinOptions
from cli.colors import Palette
from cli.console import Console
from cli.joining import Guest
from cli.seats_file import SeatsFile
from net.connection import connect
from net.messages import Hello, Say
from tests.cli.test_lobby_server import open_server, shows_until
from tests.cli.test_lobby_text_seat import reset
from tests.e2e.support import free_port
from tests.net.support import WAIT, Person, run


class Recording(Console):
    """A console that also keeps what it shows, for a test to wait on."""

    def __init__(self, name: str) -> None:
        super().__init__(name, Palette(False), stdin=io.StringIO(), stdout=io.StringIO())
        self.lines: list[tuple[str, str]] = []
        self.changed = asyncio.Event()

    def show(self, kind: str, text: str, sender: str | None = None) -> None:
        super().show(kind, text, sender)
        self.lines.append((kind, text))
        self.changed.set()

    async def until(self, part: str, kind: str | None = None, after: int = 0) -> None:
        """Wait (bounded) for a line holding *part* (of *kind*, if given), past the first
        *after* lines."""
        async with asyncio.timeout(WAIT):
            while not any(
                part in text and kind in (None, shown) for shown, text in self.lines[after:]
            ):
                self.changed.clear()
                await self.changed.wait()


async def _ivy_in_the_lobby(
    port: int, tmp_path: Path
) -> tuple[Guest, Recording, asyncio.Task[int]]:
    """ivy's join, seated in the lobby at *port*: the join, its console, and the task that
    shows what comes in (the caller cancels it)."""
    options = JoinOptions(port=port, host="127.0.0.1", name="ivy", color=False)
    guest = Guest(options, SeatsFile(tmp_path / "seats.json"))
    console = Recording("ivy")
    await guest._sit_down(console)
    return guest, console, asyncio.create_task(guest._show_incoming(console))


def test_a_join_in_the_lobby_words_a_restart_as_the_lobby_s(tmp_path: Path) -> None:
    port = free_port()

    async def scenario() -> None:
        server, listening = await open_server(port, tmp_path / "lobby")
        guest, console, incoming = await _ivy_in_the_lobby(port, tmp_path)
        assert (guest.where, guest.who) == ("club's lobby", "club")
        try:
            hal = await connect("127.0.0.1", port, Hello(name="hal", version=3))
            await hal.send(Say(seq=1, text="/open tictactoe"))
            await shows_until(hal, "you opened table 1")
            await guest.link.say("/sit 1")
            await console.until("new game: tictactoe")
            # Stopped and started again: ivy resumes her seat at hal's table, and still the
            # words are the lobby's and name the server.
            await server.stop(listening)
            await console.until("club's lobby is stopping and may come back — reconnecting…")
            server, listening = await open_server(port, tmp_path / "lobby")
            await console.until("reconnected to club: back at your table")
            assert guest.host_name == "hal" and guest.who == "club"
            await guest.link.say("/leave")
            await console.until("you left table 1")
            statuses = [text for kind, text in console.lines if kind == "status"]
            assert statuses[-1] == "" and any(statuses)  # the lobby's prompt shows no game
            await server.stop(listening)
            server, listening = await open_server(port, tmp_path / "lobby")
            await console.until("back in club's lobby as ivy")
            said = [text for _, text in console.lines]
            for wrong in ("club's table", "hal's table is", "connection to hal", "new guest"):
                assert not any(wrong in text for text in said), wrong
            await hal.close()
        finally:
            incoming.cancel()
            await guest.link.close()
            await server.stop(listening)

    run(scenario())


def test_a_join_resumed_after_a_restart_is_told_a_drop_once_and_its_status_afresh(
    tmp_path: Path,
) -> None:
    port = free_port()

    async def scenario() -> None:
        server, listening = await open_server(port, tmp_path / "lobby")
        guest, console, incoming = await _ivy_in_the_lobby(port, tmp_path)
        try:
            hal = await Person.connect(port)  # on nc: his seat waits for him after a drop
            hal.type(b"hal\r\n/open tictactoe\r\n")
            while "you opened table 1" not in await hal.line():
                pass
            await guest.link.say("/sit 1")
            await console.until("waiting for hal (X)")
            hal.type(b"5\r\n")
            await console.until("tictactoe · your move (O)", kind="status")
            reset(hal)
            await console.until("hal's connection dropped")
            server.journals.close_all()  # as a kill leaves them
            listening.close()
            await server.stop(listening)
            await console.until("may come back — reconnecting…")
            mark = len(console.lines)
            server, listening = await open_server(port, tmp_path / "lobby")
            await console.until("tictactoe · your move (O) · 0–0", kind="status", after=mark)
            said = [text for _, text in console.lines]
            assert "reconnected to club: back at your table" in said[mark:]
            assert sum("hal's connection dropped" in text for text in said) == 1
            hal.close()
        finally:
            incoming.cancel()
            await guest.link.close()
            await server.stop(listening)

    run(scenario())
