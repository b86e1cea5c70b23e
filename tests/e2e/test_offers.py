"""Offers through the real programs: a takeback accepted between a join and the host (the
join's ``--bell`` rings for it) and one from nc, a draw offer declined by moving and then
accepted, an abort before the second move that leaves the score as it was, and an offer open
when the host is killed that is still open once it is started again.

One host and join are shared by the first tests of this module (starting programs is the slow
part); each of them starts its own game and ends it.
"""

from __future__ import annotations

import itertools

import pytest

from tests.e2e.support import (
    JOIN_STATE,
    RESTART_TIMEOUT,
    RESTORED,
    Client,
    Player,
    Players,
    crash,
    free_port,
    sat_down,
    start_host,
    start_text_client,
)

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def table(module_players: Players) -> tuple[Player, Player]:
    """alice hosting, bob seated with a join that rings the bell."""
    host, port = module_players.host("alice")
    join = module_players.join(port, "bob", "--bell")
    host.expect("bob sat down")
    return host, join


def _both(table: tuple[Player, Player], text: str) -> None:
    for player in table:
        player.expect(text)


def _score(host: Player) -> bytes:
    """What /score shows the host now (up to the /who asked right after it)."""
    host.say("/score")
    host.expect("score:")
    host.say("/who")
    host.expect("at the table:")
    end = host.raw.rindex(b"at the table:")
    # The last "score:" before the /who's answer is this /score's, however the reads fell; its
    # rows are the indented ones under it. Where the echo of the /who typed meanwhile falls
    # (before or after them) depends on when it was typed, so it is left out.
    first, *rows = host.raw[host.raw.rindex(b"score:", 0, end) : end].split(b"\r\n")
    return b"\r\n".join([first, *itertools.takewhile(lambda row: row.startswith(b"  "), rows)])


def test_a_takeback_offered_by_the_host_and_accepted_by_the_join(
    table: tuple[Player, Player],
) -> None:
    host, join = table
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")
    host.say("/takeback")
    host.expect("you offer bob a takeback of 1 move (b2) — they may /accept or /decline")
    offer = "alice offers you a takeback of 1 move (b2) — /accept or /decline"
    join.expect(offer)
    at = join.raw.rindex(offer.encode())
    assert b"\x07" in join.raw[at : at + len(offer.encode()) + 40]  # the BEL goes with it
    join.say("/accept")
    _both(table, "takeback offer — 1 move (b2) taken back")
    join.expect("2  4 | 5 | 6")  # the board as it now stands: b2 is empty again
    join.expect("waiting for alice (X)")
    host.expect("your move (X)")
    host.say("/abort")  # nobody has moved: called off at once
    _both(table, "tictactoe: aborted — it counts for nobody")


def test_a_draw_offer_declined_by_moving_then_accepted(table: tuple[Player, Player]) -> None:
    host, join = table
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    for mover, other, move in [(host, join, "b2"), (join, host, "a1")]:
        mover.say(move)
        other.expect(f"played {move}")
    join.say("/draw")
    host.expect("bob offers you a draw — /accept or /decline")
    host.say("c3")  # alice's move declines it
    join.expect("alice moved — your draw offer is declined")
    for mover, other, move in [(join, host, "a3"), (host, join, "a2")]:
        other.expect("your move")
        mover.say(move)
        other.expect(f"played {move}")
    join.say("/draw")  # two moves on: bob may offer it again
    host.expect("bob offers you a draw — /accept or /decline")
    host.say("/accept")
    _both(table, "tictactoe: draw by agreement")


def test_an_abort_before_the_second_move_leaves_the_score_unchanged(
    table: tuple[Player, Player],
) -> None:
    host, join = table
    before = _score(host)
    join.say("/game tictactoe")
    host.expect("waiting for bob (X)")
    join.say("a1")
    host.expect("your move (O)")
    join.say("/abort")
    host.expect("bob calls the game off before both had moved")
    _both(table, "tictactoe: aborted — it counts for nobody")
    assert _score(host) == before


def test_a_takeback_asked_from_nc_and_accepted_by_the_host(players: Players) -> None:
    host, port = players.host("alice")
    bob = start_text_client(players, Client.NC, port, "bob")
    sat_down(host, bob)
    bob.say("/game tictactoe")
    host.expect("waiting for bob (X)")
    bob.say("b2")
    host.expect("your move (O)")
    bob.say("/takeback")
    bob.expect("you offer alice a takeback of 1 move (b2)")
    host.expect("bob offers you a takeback of 1 move (b2) — /accept or /decline")
    host.say("/accept")
    bob.expect("alice accepts your takeback offer — 1 move (b2) taken back")
    bob.expect("2  4 | 5 | 6")
    bob.expect("your move (X)")
    host.expect("waiting for bob (X)")


def test_an_offer_open_when_the_host_is_killed_is_still_open_after_the_restart(
    players: Players,
) -> None:
    port = free_port()
    host = start_host(players, port)
    join = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")
    host.say("/draw")
    join.expect("alice offers you a draw — /accept or /decline")

    crash(host)
    join.expect("connection to alice lost — reconnecting…")
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")
    join.say("/pending")
    join.expect("alice offers you a draw — /accept or /decline")
    join.say("/accept")
    again.expect("bob accepts your draw offer")
    for player in (again, join):
        player.expect("tictactoe: draw by agreement")
