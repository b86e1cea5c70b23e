"""A closed window or a program stopped from outside costs nobody the game.

Closing a terminal window hangs the terminal up: reads on it end as if Ctrl-D had been typed,
and SIGHUP comes — in a window running a shell, to the shell first, so the program usually sees
the end of its input well before any signal. Both must mean "stopped from outside", never "left":
the host keeps its journal and tells the guest "closing"; the guest's join keeps its token and
is back by itself when the host is started again.
"""

from __future__ import annotations

import pytest

from tests.cli.harness import OPEN_LINE, Players, tictactoe_started
from tests.restart.test_host_restart import (
    HOST_STATE,
    JOIN_STATE,
    RESTART_TIMEOUT,
    RESTORED,
    free_port,
    journal_of,
    start_host,
)
from tests.resume.tools import stored_token

pytestmark = pytest.mark.timeout(60)


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
