"""The join program and its seats file, end to end.

A damaged file costs the resume and shows one warning line — the join still sits down, with no
traceback and no hang; a token is only presented for the name it was given to, or by a join run
without --name (the one seat the account holds at that table); lines typed while disconnected
that a new seat makes pointless are counted, not silently dropped; a join whose seat went to
someone else says so in one sentence.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from tests.e2e.support import (
    OPEN_LINE,
    Client,
    Player,
    Players,
    Proxy,
    TextClient,
    seats_file,
    tictactoe_started,
)

pytestmark = pytest.mark.timeout(60)


def _one_warning(raw: bytes, words: str) -> None:
    text = raw.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert text.count(words) == 1, text


def test_a_fifo_at_the_seats_path_does_not_hang_the_join(players: Players) -> None:
    host, port = players.host()
    path = seats_file(players.home, "me")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)  # opening it for reading would wait for a writer forever
    join = players.join(port, "bob", state="me")
    host.expect("bob")
    _one_warning(join.raw, "not a regular file")
    join.say("/q")
    assert join.wait_exit() == 0


@pytest.mark.parametrize(
    "token", ["t" * 300, "tok\ud800"], ids=["token-over-256", "lone-surrogate"]
)
def test_a_token_the_protocol_rejects_costs_the_resume_not_the_join(
    players: Players, token: str
) -> None:
    host, port = players.host()
    path = seats_file(players.home, "me")
    path.parent.mkdir(parents=True)
    entry = {"token": token, "name": "bob", "host": "alice"}
    path.write_text(json.dumps({f"127.0.0.1:{port}": entry}), encoding="ascii")
    join = players.join(port, "bob", state="me")
    host.expect("bob")
    _one_warning(join.raw, "is damaged (1 unusable entry)")
    join.say("hello")
    host.expect("hello")


def test_another_name_from_the_same_account_never_takes_the_seat(players: Players) -> None:
    host, port = players.host()
    bob = players.join(port, "bob", state="me")
    host.expect("bob")
    carol = players.start("cli.join", str(port), "--name", "carol", state="me")
    # Without bob's token carol is a newcomer, and the one guest seat is taken: she watches.
    carol.expect("the table is full — watching alice and bob")
    bob.say("still here")
    host.expect("still here")
    carol.say("/q")
    assert carol.wait_exit() == 0
    bob.say("and still mine")  # carol leaving did not touch bob's seat
    host.expect("and still mine")


def test_lines_typed_while_disconnected_are_counted_when_the_seat_is_gone(
    players: Players,
) -> None:
    first, port = players.host()
    join = players.join(port, "bob", "--retry-for", "30", state="me")
    first.expect("bob")
    first.child.kill(signal.SIGKILL)  # a crash: no bye, the seat dies with the host
    join.expect("reconnecting")
    for line in ("one", "two", "three"):
        join.say(line)
        join.expect("will send when reconnected")
    second = players.start("cli.host", str(port), "--name", "alice")
    second.expect_re(OPEN_LINE)
    join.expect("as a new guest", timeout=15)
    join.expect("3 lines typed while disconnected were not sent: your seat was gone")
    second.expect("bob")
    join.say("fresh")
    second.expect("fresh")  # the new seat counts say.seq from 1 again


def test_run_again_without_a_name_the_join_takes_back_the_seat_it_holds(
    players: Players,
) -> None:
    """bob's join was started with --name bob; run again without --name (the login name) after
    a crash, it resumes bob's seat instead of watching his own game under the login name."""
    host, port = players.host()
    bob = players.join(port, "bob", state="me")
    tictactoe_started(host, bob)
    bob.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped")
    again = players.start("cli.join", str(port), state="me")
    again.expect(f"you joined alice's table at 127.0.0.1:{port} as bob again (your seat was kept)")
    again.expect("your move (O)")
    host.expect("bob is back")
    again.say("a1")
    host.expect("bob played a1")


def test_another_name_watching_is_told_the_seat_this_account_holds(players: Players) -> None:
    host, port = players.host()
    players.join(port, "bob", state="me")
    host.expect("bob sat down")
    carol = players.start("cli.join", str(port), "--name", "carol", state="me")
    carol.expect(
        "this account also holds a seat at alice's table, as bob — "
        "run the join with --name bob to take it back"
    )
    carol.expect("the table is full — watching alice and bob")


def _seat_handed_to_nc(players: Players, host: Player, port: int) -> None:
    """bob's seat is kept (his join dropped); someone on nc gives the name bob, alice lets them
    have it: bob's token is dead."""
    host.expect("bob's connection dropped")
    claimant = TextClient(Client.NC, port, players)
    claimant.sit("bob")
    host.expect("/let 1 gives this connection the seat")  # bob's join holds the token
    host.say("/let 1")
    claimant.expect("welcome back, bob")


HANDED_OVER = (
    "your old seat at alice's table is gone and someone else sits there now — "
    "you are watching as bob-2 (/q stops watching; join again once the seat is free)"
)


def test_a_seat_handed_over_is_one_sentence_for_the_join_run_again(players: Players) -> None:
    host, port = players.host()
    bob = players.join(port, "bob", state="me")
    tictactoe_started(host, bob)
    bob.child.kill(signal.SIGKILL)
    _seat_handed_to_nc(players, host, port)
    again = players.start("cli.join", str(port), "--name", "bob", state="me")
    again.expect(HANDED_OVER)
    again.expect("<bob-2> ")
    assert b"as a new guest" not in again.raw and b"you are watching alice's" not in again.raw


def test_a_seat_handed_over_is_one_sentence_for_the_join_reconnecting(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host()
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = players.join(proxy.port, "bob", state="me")
    tictactoe_started(host, bob)
    proxy.refusing.set()  # the network is down: bob's join cannot come back yet
    proxy.cut()
    bob.expect("connection to alice lost — reconnecting…")
    _seat_handed_to_nc(players, host, port)
    proxy.refusing.clear()
    bob.expect(HANDED_OVER, timeout=15)  # its back-off reaches 5 s between attempts
    assert b"as a new guest" not in bob.raw and b"watching alice's table again" not in bob.raw


def test_run_without_a_name_the_join_never_asks_with_a_name_no_join_could_give(
    players: Players,
) -> None:
    host, port = players.host()
    path = seats_file(players.home, "me")
    path.parent.mkdir(parents=True)
    entry = {"table": f"127.0.0.1:{port}", "asked": "<bob>", "token": "t", "name": "bob"}
    path.write_text(json.dumps({"version": 2, "seats": [{**entry, "host": "alice"}]}))
    join = players.start("cli.join", str(port), state="me")
    join.expect("you joined alice's table")  # a new guest under the login name
    host.expect("sat down")
    assert b"Traceback" not in join.raw and b"<bob>" not in join.raw
