"""A closed window or a program stopped from outside costs nobody the game.

Closing a terminal window hangs the terminal up: reads on it end as if Ctrl-D had been typed,
and SIGHUP comes — in a window running a shell, to the shell first, so the program usually sees
the end of its input well before any signal. Both must mean "stopped from outside", never "left":

* the host keeps its journal and tells the guest "closing"; the guest's join keeps its token
  and is back by itself when the host is started again;
* the join goes without a bye (for the host, a dropped connection: the seat is kept for the
  grace period) and keeps its token, so running it again resumes the seat.
"""

from __future__ import annotations

import signal

import pytest

from tests.e2e.support import (
    HOST_STATE,
    JOIN_STATE,
    OPEN_LINE,
    RESTART_TIMEOUT,
    RESTORED,
    Player,
    Players,
    free_port,
    journal_of,
    start_host,
    stored_token,
    tictactoe_started,
)

pytestmark = pytest.mark.timeout(60)

DROPPED = "bob's connection dropped — waiting up to 5 minutes for them to come back"


def test_closing_the_hosts_window_keeps_the_table_and_the_guest(players: Players) -> None:
    port = free_port()
    host = players.start("cli.host", str(port), "--name", "alice", state=HOST_STATE, shell=True)
    assert int(host.expect_re(OPEN_LINE).group(1)) == port
    host.expect("<alice> ")
    join = players.join(port, "bob", state=JOIN_STATE)
    tictactoe_started(host, join)

    host.close_terminal()
    join.expect("alice's table is stopping and may come back — reconnecting…")
    assert journal_of(players, port).exists()
    assert stored_token(players.home, JOIN_STATE, port)  # the join still holds its seat
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")
    join.say("/board")
    join.expect("2  4 |(X)| 6")  # the game alice started, bob (O) still to move
    assert b"alice left" not in join.raw


def _stop(join: Player, how: str) -> None:
    if how == "window":
        join.close_terminal()
        return
    join.child.kill(signal.SIGHUP if how == "SIGHUP" else signal.SIGTERM)
    join.wait_exit()


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "window"])
def test_a_join_stopped_from_outside_keeps_its_seat(players: Players, how: str) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob", state="bob", shell=how == "window")
    tictactoe_started(host, join)
    token = stored_token(players.home, "bob", port)

    _stop(join, how)
    host.expect(DROPPED)
    assert b"bob left" not in host.raw
    assert stored_token(players.home, "bob", port) == token  # kept to resume with
    again = players.start("cli.join", str(port), "--name", "bob", state="bob")
    again.expect("as bob again (your seat was kept)")
    again.expect("welcome back, bob")
    again.expect("2  4 |(X)| 6")  # the same board: alice's b2, the last move
    again.expect("your move (O)")
    host.expect("bob is back")


def test_a_join_stopped_by_sigterm_says_how_to_come_back(players: Players) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob", state="bob")
    host.expect("bob sat down")
    join.child.kill(signal.SIGTERM)
    join.expect(
        "stopped — alice's table keeps your seat for a while: run the join again to take it back"
    )
    assert join.wait_exit() == 0
    host.expect(DROPPED)
