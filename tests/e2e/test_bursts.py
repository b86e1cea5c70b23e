"""One person's burst cannot freeze the table: the real host while someone floods it.

A spectator on nc writes 30,000 one-character lines in one 60 KB write, and a framed guest
bursts 5,000 says, while bob plays. Each line over its typist's flood budget is refused before
any work is done for it (not journaled), and a flooding connection is read slowly, so bob's
lines keep reaching the host during the burst, the journal stays small, and the host's screen
shows no traceback and only a few notices.
"""

from __future__ import annotations

import contextlib
import socket
import time

import pytest

from tests.e2e.support import (
    Player,
    Players,
    RawPeer,
    free_port,
    hello,
    journal_of,
    say,
    start_host,
)

pytestmark = pytest.mark.timeout(60)

#: How late bob's line may reach the host during a burst: a bound with a load margin for a
#: shared 2-core machine (an idle table answers in a few milliseconds).
LATE = 3.0


def _bob_plays(players: Players) -> tuple[int, Player, Player]:
    port = free_port()
    host = start_host(players, port)
    bob = players.join(port, "bob")
    host.expect("bob sat down")
    host.say("/game tictactoe")
    bob.expect("waiting for alice (X)")
    return port, host, bob


def _bob_gets_through(host: Player, bob: Player, count: int) -> list[float]:
    """bob says *count* lines; how long each took to appear on the host's screen."""
    delays = []
    for n in range(count):
        start = time.monotonic()
        bob.say(f"still here {n}")
        host.expect(f"<bob> still here {n}", timeout=LATE + 5)
        delays.append(time.monotonic() - start)
    return delays


def test_a_60_kb_burst_of_lines_from_nc_does_not_stop_bobs_lines(players: Players) -> None:
    port, host, bob = _bob_plays(players)
    flooder = RawPeer(port)
    try:
        flooder.send(b"mallory\r\n")
        host.say("/who")  # mid-game a player is told only how many watch
        host.expect("1 watching")
        flooder.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        flooder.sock.settimeout(0.5)
        # 60 KB in one write; the host reads a flooder slowly, so its buffers may fill, as meant
        with contextlib.suppress(TimeoutError):
            flooder.send(b"x\r\n" * 20_000)
        delays = _bob_gets_through(host, bob, 5)
        assert max(delays) < LATE, delays
    finally:
        flooder.close()
    assert b"Traceback" not in host.raw
    assert host.raw.count(b"socket.send() raised exception") <= 3
    journal = journal_of(players, port)
    assert journal.stat().st_size < 20_000  # the refused lines were never written down


def test_5000_says_in_one_write_from_a_guest_cost_the_table_nothing_it_keeps(
    players: Players,
) -> None:
    port = free_port()
    # flooding judged persistent after 1 s rather than 10 s: the put-out below comes that soon
    host = start_host(players, port, program="tests.e2e.programs.quick_flood_host")
    guest = RawPeer(port)
    try:
        guest.send(hello("eve"))
        host.expect("eve sat down")
        guest.read_until(lambda frames: any(f["type"] == "welcome" for f in frames))
        start = time.monotonic()
        guest.send(b"".join(say(seq, f"spam {seq}") for seq in range(1, 5001)))
        host.say("/score")  # the host's own line is answered while the burst waits
        host.expect("score: no games finished yet", timeout=LATE + 5)
        assert time.monotonic() - start < LATE
        host.expect("disconnected eve: flooding", timeout=LATE + 5)  # put out, the seat freed
    finally:
        guest.close()
    assert b"Traceback" not in host.raw
    assert journal_of(players, port).stat().st_size < 20_000
