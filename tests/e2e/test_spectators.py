"""Spectators at a real table: the host and join programs in pseudo-terminals.

Three joins arrive after bob and watch alice and bob play; their kibitz never reaches the
players — not bob's raw frames (read through a proxy), not alice's screen; a late spectator
gets the board as it stands; the hangman secret reaches no spectator before the game ends;
``/who`` lists everyone; with fifty watching, the fifty-first is refused.
"""

from __future__ import annotations

import json
import time

from game.spectator_connections import ARRIVALS_PER_ADDRESS
from game.spectators import SPECTATOR_LIMIT
from net.connection import ConnectionClosed
from tests.e2e.programs.quick_flood_host import SPAN as QUICK_SPAN
from tests.e2e.support import OPEN_LINE, Player, Players, Proxy, RawClients, seats_file

FULL = "the table is full — watching alice and bob"
KIBITZ = "take the corner, bob"


def watch(players: Players, port: int, name: str) -> Player:
    """Start a join that finds the table full, and wait until it watches."""
    join = players.start("cli.join", str(port), "--name", name)
    join.expect(f"you are watching alice's table at 127.0.0.1:{port} as {name}")
    join.expect(FULL)
    join.expect("your lines go to the other spectators only")  # said once, by the table
    join.expect(f"<{name}> ")
    assert join.raw.count(b"other spectators") == 1, join.raw
    return join


def alice_and_bob(players: Players, proxies: list[Proxy]) -> tuple[Player, Player, Proxy, int]:
    """alice's host, and bob's join through a proxy that records every frame bob receives."""
    host, port = players.host("alice")
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = players.start("cli.join", str(proxy.port), "--name", "bob")
    bob.expect("you joined")
    host.expect("bob sat down")
    return host, bob, proxy, port


def test_three_spectators_watch_and_their_kibitz_never_reaches_the_players(
    players: Players, proxies: list[Proxy]
) -> None:
    host, bob, proxy, port = alice_and_bob(players, proxies)
    carol, dave, erin = (watch(players, port, name) for name in ("carol", "dave", "erin"))
    for player in (host, bob):
        player.expect("erin is watching")

    host.say("/game tictactoe")
    host.say("b2")
    bob.expect("your move (O)")
    for spectator in (carol, dave, erin):
        spectator.expect("2  4 |(X)| 6")  # every spectator sees the board, alice's X at b2
        spectator.expect("bob to move (O)")

    carol.say(KIBITZ)
    for other in (dave, erin):
        other.expect(f"<carol> {KIBITZ}")
    # Ordered after carol's line at the host: bob's move, then the board the spectators see.
    bob.say("a1")
    host.expect("bob played a1")
    for spectator in (carol, dave, erin):
        spectator.expect("alice to move (X)")

    erin.say("/who")
    erin.expect("watching: carol, dave, erin (you)")
    host.say("/who")
    host.expect("3 watching")  # during a game a player is not shown names (a name can coach)

    # Nothing carol typed reached a player: not bob's frames, not alice's screen.
    frames = json.dumps(proxy.frames(), ensure_ascii=False)
    assert "carol is watching" in frames  # the frames were read: arrivals are told
    assert KIBITZ not in frames
    assert KIBITZ.encode() not in host.raw
    assert KIBITZ.encode() not in bob.raw


def test_a_late_spectator_gets_the_board_as_it_stands(
    players: Players, proxies: list[Proxy]
) -> None:
    host, bob, _, port = alice_and_bob(players, proxies)
    host.say("/game tictactoe")
    host.say("b2")
    bob.expect("your move (O)")
    bob.say("a1")
    host.expect("your move (X)")
    late = players.start("cli.join", str(port), "--name", "carol")
    late.expect(FULL)
    late.expect("1 (O)| 2 | 3")  # bob's O at a1, the last move
    late.expect("2  4 | X | 6")
    late.expect("alice to move (X)")


def test_the_hangman_secret_never_reaches_a_spectator_before_the_end(
    players: Players, proxies: list[Proxy]
) -> None:
    host, bob, _, port = alice_and_bob(players, proxies)
    spectator_proxy = Proxy(port)
    proxies.append(spectator_proxy)
    carol = players.start("cli.join", str(spectator_proxy.port), "--name", "carol")
    carol.expect(FULL)
    secret = "quokka"
    host.say(f"/game hangman {secret}")
    bob.expect("alice set the secret; you guess")
    for letter in "kqz":
        bob.say(letter)
        carol.expect_re(rb"guessed: [a-z ]*" + letter.encode())
    before = json.dumps(spectator_proxy.frames(), ensure_ascii=False)
    assert "guessed: k q" in before  # read after the guesses reached carol
    assert secret not in before
    bob.say(f"/guess {secret}")
    carol.expect(secret)  # the end: now everyone may know it


def test_the_fifty_first_spectator_is_refused(
    players: Players, proxies: list[Proxy], raw: RawClients
) -> None:
    # The host that lets spectators arrive at once (tests/e2e/programs/crowd_host.py): all come
    # from 127.0.0.1, which the real host lets bring 10 a minute.
    host = players.start("tests.e2e.programs.crowd_host", "0", "--name", "alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    players.join(port, "bob")
    host.expect("bob sat down")
    for number in range(SPECTATOR_LIMIT):
        watcher = raw.join(port, f"w{number}")
        assert watcher.connection.welcome is not None and watcher.connection.welcome.watching
    host.expect(f"w{SPECTATOR_LIMIT - 1} is watching")
    refused = raw.refused(port, "one-too-many")
    assert refused.code == "full"
    assert refused.reason == (
        f"no room to watch alice's table: {SPECTATOR_LIMIT} people are watching already, "
        "the most it lets in — try again later"
    )
    assert b"one-too-many" not in host.raw


def test_the_eleventh_spectator_in_a_minute_from_one_address_is_refused(
    players: Players, proxies: list[Proxy], raw: RawClients
) -> None:
    host, _, _, port = alice_and_bob(players, proxies)
    for number in range(ARRIVALS_PER_ADDRESS):
        watcher = raw.join(port, f"w{number}")
        watcher.leave()
    refused = raw.refused(port, "churn")
    assert refused.code == "rate-limited"
    assert refused.reason.startswith(
        "10 people started watching from your address in the last minute, the most it lets "
        "in — try again in "
    )
    assert b"churn" not in host.raw


def test_a_flooding_spectator_stops_watching_and_is_told_why(
    players: Players, proxies: list[Proxy], raw: RawClients
) -> None:
    # The host with the flood span cut to 1 s (tests/e2e/programs/quick_flood_host.py).
    host = players.start("tests.e2e.programs.quick_flood_host", "0", "--name", "alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    bob = players.join(port, "bob")
    host.expect("bob sat down")
    mallory = raw.join(port, "mallory")
    host.expect("mallory is watching")
    host.say("/game tictactoe")  # kibitz stays among spectators: only the flood budget counts
    host.expect("your move (X)")
    closed: ConnectionClosed | None = None
    deadline = time.monotonic() + 10 * QUICK_SPAN
    seq = 0
    while closed is None and time.monotonic() < deadline:
        seq += 1
        try:
            mallory.say(seq, f"spam {seq}")
            if seq > 10:  # beyond the burst every line is refused: its answer paces us
                mallory.until(lambda show: show.kind == "error")
                time.sleep(QUICK_SPAN / 20)
        except ConnectionClosed as ended:
            closed = ended
    assert closed is not None and closed.code == "flooding", closed
    # mid-game the players are not shown the name: the host learns why someone went
    host.expect("a spectator stopped watching: flooding")
    assert b"spam" not in host.raw and b"spam" not in bob.raw
    host.say("/who")
    host.expect("bob    guest")
    assert b"mallory stopped" not in host.raw + bob.raw


def test_a_spectator_reconnects_without_a_token_and_keeps_none(
    players: Players, proxies: list[Proxy]
) -> None:
    host, bob, _, port = alice_and_bob(players, proxies)
    proxy = Proxy(port)
    proxies.append(proxy)
    carol = players.start("cli.join", str(proxy.port), "--name", "carol", state="carol")
    carol.expect(FULL)
    host.expect("carol is watching")
    proxy.cut()
    carol.expect("connection to alice lost — reconnecting…")
    host.expect("carol stopped watching")  # no grace period: a spectator holds no seat
    carol.expect("watching alice's table again as carol")
    host.expect("carol is watching")
    assert not seats_file(players.home, "carol").exists()  # a spectator's token is not kept
    # Its second hello had no token to present: the host saw a newcomer, never a resume.
    assert b"carol is back" not in host.raw
    # bob leaves: the seat is free, and carol's join, next time, sits down in it.
    bob.say("/q")
    host.expect("bob left")
    proxy.cut()
    carol.expect("sat down again at alice's table as a new guest")
    host.expect("carol sat down")


def test_the_hosts_help_lists_let_and_deny_and_they_are_never_chat(players: Players) -> None:
    host, bob, _ = players.pair()
    host.say("/help")
    host.expect("/let N   give the kept seat to claimant N")
    host.expect("/deny N  refuse it")
    host.say("/let 1")
    host.expect("nobody is asking for a seat now")
    host.say("/deny")
    host.expect("/deny takes the claimant's number — /deny N")
    host.say("//let me be clear")  # chat, as // always is
    bob.expect("<alice> /let me be clear")
