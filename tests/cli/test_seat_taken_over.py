"""Two joins of one person and one seat: the older join, still reconnecting, must neither take
the seat back from the newer one nor delete its token."""

from __future__ import annotations

import asyncio
import io
import socket
from pathlib import Path

from cli.args import JoinOptions
from cli.colors import Palette
from cli.console import Console
from cli.joining import Guest
from cli.seats_file import SeatEntry, SeatsFile

OLD = SeatEntry("old-token-of-the-first-join", "bob", "alice")
NEW = SeatEntry("new-token-the-second-join-got", "bob", "alice")


def test_a_refused_stale_token_leaves_the_newer_entry_alone(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "seats.json")
    seats.put("h:1", "bob", NEW)
    assert seats.remove("h:1", "bob", token=OLD.token)
    assert seats.get("h:1", "bob") == NEW  # the newer join's seat is still remembered
    assert seats.remove("h:1", "bob", token=NEW.token)
    assert seats.get("h:1", "bob") is None


def _closed_port() -> int:
    """A port nobody listens on (bound, never listening, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_reconnecting_join_stops_once_a_newer_join_holds_the_seat(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "seats.json")
    port = _closed_port()
    options = JoinOptions(port=port, host="127.0.0.1", name="bob", color=False, retry_for=60.0)
    guest = Guest(options, seats)
    guest.link.token = OLD.token  # what this join last got from the host
    guest.host_name = "alice"
    seats.put(guest.table, "bob", NEW)  # meanwhile the person ran the join again: it resumed
    out = io.StringIO()
    console = Console("bob", Palette(False), stdin=io.StringIO(), stdout=out)

    async def reconnect() -> int | None:
        # Far less than the 60 s retry window: it must stop at once, not keep trying.
        return await asyncio.wait_for(guest._reconnect(console), 5.0)

    assert asyncio.run(reconnect()) == 1
    assert "your seat at alice's table was taken over by another connection" in out.getvalue()
    assert seats.get(guest.table, "bob") == NEW


def test_a_reconnecting_join_whose_token_is_current_keeps_trying(tmp_path: Path) -> None:
    seats = SeatsFile(tmp_path / "seats.json")
    options = JoinOptions(
        port=_closed_port(), host="127.0.0.1", name="bob", color=False, retry_for=0.5
    )
    guest = Guest(options, seats)
    guest.link.token = NEW.token
    guest.host_name = "alice"
    seats.put(guest.table, "bob", NEW)
    out = io.StringIO()
    console = Console("bob", Palette(False), stdin=io.StringIO(), stdout=out)
    assert asyncio.run(asyncio.wait_for(guest._reconnect(console), 10.0)) == 1
    assert "gave up reconnecting" in out.getvalue()  # it tried for its whole window
    assert "taken over" not in out.getvalue()
