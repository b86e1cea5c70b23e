"""Resume after a dropped connection, with the real programs.

The join killed and started again, the join reconnecting by itself through a proxy that cuts
its connection, a move in flight counted once (whether or not the host got it before the
drop), tokens that are wrong or stale, the seat held
during the grace period and freed after it, the host gone or leaving.
"""

from __future__ import annotations

import signal
import time

from tests.e2e.support import Player, Players, Proxy, RawClients, RawGuest

LOAD_MARGIN = 5.0  # seconds a busy machine may add to a bound measured in real time


def _tictactoe_started(host: Player, join: Player) -> None:
    """alice (X) against bob (O); alice played the centre b2, bob the corner a1: alice's move."""
    host.say("/game tictactoe")
    host.expect("your move (X)")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("alice played b2")
    join.expect("your move (O)")
    join.say("a1")
    host.expect("bob played a1")
    host.expect("your move (X)")


def test_killed_join_started_again_resumes_the_game(players: Players) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob", state="bob")
    host.expect("bob sat down")
    _tictactoe_started(host, join)
    host.say("good luck bob")
    join.expect("<alice> good luck bob")
    join.say("thanks, you too")
    host.expect("<bob> thanks, you too")

    join.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped — waiting up to 5 minutes for them to come back")
    host.say("c1")  # alice moves while bob is away: he sees it in the catch-up
    host.expect("waiting for bob")

    # The same person (the same state file) runs the join again.
    again = players.start("cli.join", str(port), "--name", "bob", state="bob")
    again.expect(f"you joined alice's table at 127.0.0.1:{port} as bob again (your seat was kept)")
    # A new process cannot say which shows it displayed (hello.seen is null): it is sent what
    # the seat was shown while no connection was there to take it, then the board.
    again.expect("alice played c1")
    again.expect("welcome back, bob")
    again.expect("1  O | 2 |(X)")  # the same board, alice's move included (the last: marked)
    again.expect("2  4 | X | 6")
    again.expect("your move (O)")  # the same turn
    again.expect("<bob> ")  # the prompt is back: typing is safe
    host.expect("bob is back")

    again.say("c3")
    host.expect("bob played c3")
    host.say("a3")  # c1-b2-a3: alice wins
    for player in (host, again):
        player.expect("alice wins — 3 in a row")


def test_join_reconnects_by_itself_and_the_game_goes_on(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host("alice")
    proxy = Proxy(port)
    proxies.append(proxy)
    join = players.join(proxy.port, "bob")
    host.expect("bob sat down")
    _tictactoe_started(host, join)

    proxy.cut()
    join.expect("connection to alice lost — reconnecting…")
    host.expect("bob's connection dropped")
    join.expect("reconnected to alice's table")
    join.expect("welcome back, bob")
    host.expect("bob is back")
    # It had displayed everything (hello.seen): no show is repeated, not even the board.

    host.say("c1")
    join.expect("alice played c1")
    join.expect("your move (O)")
    join.say("a3")  # bob blocks c1-b2-a3
    host.expect("bob played a3")
    host.say("/resign")
    for player in (host, join):
        player.expect("alice resigned — bob wins")


def test_lines_typed_while_reconnecting_are_sent_after(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host("alice")
    proxy = Proxy(port)
    proxies.append(proxy)
    join = players.join(proxy.port, "bob", "--retry-for", "30")
    host.expect("bob sat down")
    proxy.refusing.set()  # the network stays down: every reconnection attempt fails
    proxy.cut()
    join.expect("reconnecting…")
    host.expect("bob's connection dropped")
    join.say("typed while away")
    join.expect("not connected — will send when reconnected")
    proxy.refusing.clear()  # the network is back
    join.expect("reconnected to alice's table", timeout=10)
    host.expect("<bob> typed while away")
    join.say("and after")
    host.expect("<bob> and after")
    assert host.raw.count(b"typed while away") == 1


def _guest_to_move(host: Player, raw: RawClients, port: int) -> RawGuest:
    """A raw guest bob at the host's table in a tic-tac-toe game he started: X, his move."""
    guest = raw.join(port, "bob")
    host.expect("bob sat down")
    guest.say(1, "/game tictactoe")  # bob is X and moves first
    host.expect("waiting for bob (X)")
    guest.until_text("your move (X)")
    return guest


def _resend_after_resume(host: Player, raw: RawClients, port: int, token: str, seq: int) -> None:
    """bob resumes with *token*; the host has applied up to *seq*; he sends say 2 "b2" again
    (as a join does with what it had not seen confirmed), then chat, and alice answers a1.
    The move is on the board exactly once."""
    back = raw.join(port, "bob", token=token)
    welcome = back.connection.welcome
    assert welcome is not None and welcome.resumed
    assert welcome.last_seq == seq
    assert welcome.token != token  # rotated
    back.say(2, "b2")
    back.say(3, "hello after the resume")
    host.expect("<bob> hello after the resume")
    host.say("a1")
    back.until_text("alice played a1")
    assert host.raw.count(b"bob played b2") == 1
    assert b"taken" not in host.raw and not any("taken" in s.text for s in back.shows)
    host.expect("1 (O)| 2 | 3")  # the board: alice's a1 (the last move), bob's b2 once
    host.expect("2  4 | X | 6")
    host.expect("3  7 | 8 | 9")


def test_a_move_applied_before_the_drop_is_not_applied_again(
    players: Players, raw: RawClients
) -> None:
    """The host certainly applied say 2 before the connection died: the welcome's last_seq
    covers it, and the same say sent again after the resume is ignored as a duplicate."""
    host, port = players.host("alice")
    guest = _guest_to_move(host, raw, port)
    token = guest.token
    guest.say(2, "b2")
    host.expect("bob played b2")  # applied: the host said so
    guest.abort()  # before bob read any answer: he cannot know it was applied
    host.expect("bob's connection dropped")
    _resend_after_resume(host, raw, port, token, seq=2)


def test_a_move_lost_before_the_drop_is_applied_once_after_the_resume(
    players: Players, raw: RawClients, proxies: list[Proxy]
) -> None:
    """say 2 certainly never reached the host (the proxy swallowed it) before the connection
    died: the welcome's last_seq does not cover it, and sent again it is applied, once."""
    host, port = players.host("alice")
    proxy = Proxy(port)
    proxies.append(proxy)
    guest = _guest_to_move(host, raw, proxy.port)
    token = guest.token
    proxy.holding.set()  # from now on, what bob sends is lost in the network
    guest.say(2, "b2")
    proxy.wait_held(b'"b2"')  # it left bob and reached the proxy, which kept it
    guest.abort()
    proxy.cut()  # the host's side of the connection goes too (no bye)
    host.expect("bob's connection dropped")
    assert b"bob played" not in host.raw
    _resend_after_resume(host, raw, port, token, seq=1)


def test_a_wrong_or_stale_token_is_refused(players: Players, raw: RawClients) -> None:
    host, port = players.host("alice")
    first = raw.join(port, "bob")
    host.expect("bob sat down")
    old = first.token
    first.abort()
    host.expect("bob's connection dropped")

    wrong = raw.refused(port, "bob", token="not-a-token-anyone-was-given")
    assert wrong.code == "bad-token"
    assert "that seat is no longer yours" in wrong.reason

    second = raw.join(port, "bob", token=old)  # rotates; old stays valid (welcome may be lost)
    host.expect("bob is back")
    second.abort()
    host.expect("bob's connection dropped")
    third = raw.join(port, "bob", token=second.token)  # the new token arrived: old retires
    host.expect("bob is back")
    stale = raw.refused(port, "bob", token=old)  # two rotations back: dead
    assert stale.code == "bad-token"
    third.say(1, "still my seat")
    host.expect("<bob> still my seat")


def test_a_second_socket_cannot_take_a_held_seat(players: Players, raw: RawClients) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob", state="bob")
    host.expect("bob sat down")
    _tictactoe_started(host, join)

    # Without the token, "bob" is a newcomer: the seat is taken, so they only watch.
    while_connected = raw.join(port, "bob")
    welcome = while_connected.connection.welcome
    assert welcome is not None and welcome.watching and welcome.name == "bob-2"

    join.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped")
    in_grace = raw.join(port, "bob")
    welcome = in_grace.connection.welcome
    assert welcome is not None and welcome.watching and welcome.name == "bob-3"

    again = players.start("cli.join", str(port), "--name", "bob", state="bob")
    again.expect("welcome back, bob")
    again.expect("1 (O)| 2 | 3")  # undisturbed: the board as it was, bob's a1 the last move
    again.expect("waiting for alice (X)")
    assert b"mallory" not in host.raw


def test_the_seat_is_freed_when_the_grace_period_ends(players: Players) -> None:
    host, port = players.host("alice", "--grace", "1")
    join = players.join(port, "bob", state="bob")
    host.expect("bob sat down")
    _tictactoe_started(host, join)
    join.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped — waiting up to 1 second")
    host.expect("bob did not come back within 1 second — the seat is free again")
    host.expect("abandoned")

    # bob's stored token was revoked: his join says so and sits down as a new guest.
    again = players.start("cli.join", str(port), "--name", "bob", state="bob")
    again.expect("your old seat at alice's table is gone — sitting down as a new guest")
    again.expect("you joined alice's table")
    host.expect("bob sat down")
    carol = players.start("cli.join", str(port), "--name", "carol")
    carol.expect("the table is full — watching alice and bob")


def test_killed_host_the_join_gives_up_in_one_sentence(players: Players) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob", "--retry-for", "1")
    host.expect("bob sat down")
    start = time.monotonic()
    host.child.kill(signal.SIGKILL)
    join.expect("connection to alice lost — reconnecting…")
    join.expect(f"alice's table at 127.0.0.1:{port} is gone — gave up reconnecting after 1 s")
    assert join.wait_exit() == 1
    # The 1 s window and one last attempt, plus a margin for a loaded 2-core machine: what this
    # rules out is the join ignoring --retry-for (the default window is 60 s) or hanging.
    assert time.monotonic() - start < 1.0 + LOAD_MARGIN


def test_host_leaving_ends_the_join_without_reconnecting(players: Players) -> None:
    host, join, _ = players.pair()
    host.say("/q")
    join.expect("alice left")
    assert join.wait_exit() == 0
    assert b"reconnecting" not in join.raw


def test_a_resume_replaces_a_connection_the_host_thinks_is_alive(
    players: Players, raw: RawClients
) -> None:
    host, port = players.host("alice")
    old = raw.join(port, "bob")
    host.expect("bob sat down")
    old.say(1, "before")
    host.expect("<bob> before")
    # The old connection is still open as far as the host knows (no drop noticed yet).
    new = raw.join(port, "bob", token=old.token)
    welcome = new.connection.welcome
    assert welcome is not None and welcome.resumed and welcome.last_seq == 1
    closed = old.closed_reason()
    assert closed.left and closed.code == "replaced"  # told quietly, with a bye
    host.expect("bob is on a new connection")  # he never left: not "bob is back"
    new.say(2, "after")
    host.expect("<bob> after")
    assert b"dropped" not in host.raw and b"left the table" not in host.raw
