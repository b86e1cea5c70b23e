"""Spectators on real nc, telnet and the join watch a game.

alice hosts (``python -m cli.host``) and bob plays; once both seats are taken, anyone else who
connects watches. Their kibitz must never reach the players during a game — checked on the
players' own bytes: what the host's terminal shows, and what the host sent bob on the wire (a
:class:`tests.e2e.support.Proxy` in front of bob). A spectator who arrives late gets the current
board, and a hangman secret never reaches a spectator before the game ends.

"Never" is made checkable by ordering: a line a spectator typed has been handled by the host
once another spectator shows it; any copy meant for bob would have been sent to him before the
next move the host sends him, so once bob shows that move, his captured bytes are complete.
"""

from __future__ import annotations

import pytest

from tests.e2e.support import (
    Client,
    Player,
    Players,
    Proxy,
    TextClient,
    assert_plain_text,
    sat_down,
    start_text_client,
)

# Each test takes 1–3 s on an idle machine; 30 s leaves room for a loaded 2-core CI machine.
pytestmark = pytest.mark.timeout(30)

FULL = "the table is full — watching alice and bob"


def proxied(proxies: list[Proxy], port: int) -> Proxy:
    """A recording relay towards the host on *port* (closed at teardown)."""
    proxy = Proxy(port)
    proxies.append(proxy)
    return proxy


def watch(players: Players, client: Client, port: int, name: str) -> TextClient:
    """*name* connects on *client* once both seats are taken, and is told it watches."""
    person = start_text_client(players, client, port, name)
    person.expect(FULL)
    return person


def watching_join(players: Players, port: int, name: str) -> Player:
    """A ``python -m cli.join`` that finds the table full and watches; its prompt is up."""
    join = players.start("cli.join", str(port), "--name", name)
    join.expect("watching alice and bob")
    join.expect(f"<{name}> ")
    return join


def everyone(watchers: list[Player], text: str) -> None:
    for watcher in watchers:
        watcher.expect(text)


def test_three_spectators_watch_and_their_kibitz_never_reaches_the_players(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host()
    to_bob, to_carol = proxied(proxies, port), proxied(proxies, port)
    bob = players.join(to_bob.port, "bob")
    host.expect("bob sat down")
    carol = watch(players, Client.NC, to_carol.port, "carol")
    host.expect("carol is watching")
    dave = watch(players, Client.TELNET, port, "dave")
    erin = watching_join(players, port, "erin")
    for player in (host, bob):
        player.expect("erin is watching")
    watchers: list[Player] = [carol, dave, erin]
    # told where they watch (before the table said it is full): nc's Ctrl-D is news on nc alone
    assert b"(on nc, Ctrl-D stops your lines going out: use /q, or nc -N)" in carol.raw
    assert b"/q leaves\r" in dave.raw and b"Ctrl-D" not in dave.raw

    host.say("/game tictactoe")
    everyone(watchers, "new game of tictactoe: alice (X) against bob (O)")
    host.say("b2")
    bob.expect("your move (O)")
    everyone(watchers, "bob to move (O)")

    kibitz = [
        (carol, "carol", "corner-please-from-carol"),
        (dave, "dave", "a1-loses-says-dave"),
        (erin, "erin", "erin-bets-draw"),
    ]
    for author, name, line in kibitz:
        author.say(line)
        for other in watchers:
            if other is not author:
                other.expect(f"<{name}> {line}")
    carol.say("a1")
    carol.expect("you are watching — only alice and bob play")

    bob.say("a1")
    host.expect("bob played a1")
    everyone(watchers, "alice to move (X)")
    host.say("a3")
    bob.expect("alice played a3")  # every byte the host sent bob before this is captured
    for _author, _name, line in kibitz:
        assert line.encode() not in to_bob.received()[0], f"kibitz {line!r} reached bob"
        assert line.encode() not in host.raw, f"kibitz {line!r} reached alice"

    bob.say("b1")
    host.expect("bob played b1")
    host.say("c1")
    everyone(watchers, "tictactoe: alice wins — 3 in a row")
    bob.expect("you lose")
    carol.say("gg-from-carol")  # between games a spectator talks to everyone
    bob.expect("<carol> gg-from-carol")
    host.expect("<carol> gg-from-carol")
    assert b"gg-from-carol" in to_bob.received()[0]  # the capture does see what bob gets

    dave.say("/who")
    dave.expect("watching: carol, dave (you), erin")
    carol.leave("you stopped watching")
    for player in (host, bob, dave, erin):
        player.expect("carol stopped watching")
    assert_plain_text(to_carol.received()[0])


def test_a_late_spectator_gets_the_current_board(players: Players) -> None:
    host, port = players.host()
    # a person on telnet plays this time
    bob = start_text_client(players, Client.TELNET, port, "bob")
    sat_down(host, bob)
    host.say("/game tictactoe")
    bob.expect("waiting for alice (X)")
    host.say("b2")
    bob.expect("your move (O)")
    bob.say("a1")
    host.expect("bob played a1")
    host.expect("your move (X)")

    carol = watch(players, Client.NC, port, "carol")
    # The board as it stands, bob's a1 marked as the last move, then whose turn it is.
    carol.expect("1 (O)| 2 | 3")
    carol.expect("2  4 | X | 6")
    carol.expect("alice and bob are playing tictactoe — alice to move (X)")
    host.say("a3")
    carol.expect("bob to move (O)")


def test_a_hangman_secret_never_reaches_a_spectator(players: Players, proxies: list[Proxy]) -> None:
    host, port = players.host()
    to_carol = proxied(proxies, port)
    bob = players.join(port, "bob")
    host.expect("bob sat down")
    carol = watch(players, Client.NC, to_carol.port, "carol")
    host.expect("carol is watching")
    host.say("/game hangman xylophone")
    host.expect("you set the secret; bob guesses")
    carol.expect("new game of hangman: alice against bob")
    for letter, word in [("o", "_ _ _ o _ _ o _ _"), ("e", "_ _ _ o _ _ o _ e")]:
        bob.say(letter)
        carol.expect(word)  # the guesser's view: the letters found so far
    carol.say("/board")
    carol.expect("_ _ _ o _ _ o _ e")
    dave = watch(players, Client.NEGOTIATING_TELNET, port, "dave")  # a late one, too
    dave.expect("_ _ _ o _ _ o _ e")  # the board as it stands, then whose turn it is
    dave.expect("alice and bob are playing hangman — bob to guess")
    for seen in (to_carol.received()[0], dave.raw):
        assert b"xylophone" not in seen.lower(), "the secret reached a spectator mid-game"

    bob.say("/resign")
    for watcher in (carol, dave):
        watcher.expect("the word was “xylophone”")  # with the result, and only then
    assert b"xylophone" in to_carol.received()[0]
    assert_plain_text(to_carol.received()[0])


def test_a_spectator_on_nc_and_one_on_a_join_take_the_seat_with_sit(players: Players) -> None:
    host, port = players.host()
    bob = players.join(port, "bob")
    host.expect("bob sat down")
    carol = watch(players, Client.NC, port, "carol")
    dave = watching_join(players, port, "dave")
    carol.say("/sit")
    carol.expect("bob has the seat — /sit takes it once it is free")
    bob.say("/q")
    host.expect("bob left the table")
    carol.expect("the seat across from alice is free — /sit takes it")
    dave.expect("the seat across from alice is free — /sit takes it")
    carol.say("/sit")
    host.expect("carol sat down")
    carol.expect("welcome to alice's table, carol")
    carol.say("my turn to play")
    host.expect("<carol> my turn to play")  # her lines are the guest's now, none lost
    host.say("/game tictactoe")
    carol.expect("new game: tictactoe — alice (X) against carol (O)")
    dave.say("/sit")
    dave.expect("carol has the seat — /sit takes it once it is free")
