"""People on real nc and telnet play at the real host.

The host (``python -m cli.host``, alice) holds one seat; a person on ``nc``, ``telnet`` or a
negotiating ``telnet -- HOST -PORT`` takes the guest seat by answering the banner with a name,
plays a whole game of tic-tac-toe, and leaves. What reaches nc is captured on the wire (a
:class:`tests.e2e.support.Proxy` between nc and the host): plain UTF-8 lines ending CR LF, never a
0xFF nor an escape sequence, even when alice chats escape sequences at it.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.support import (
    HOSTILE,
    NAME_PROMPT,
    TELNET_CLOSED,
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

# X takes the anti-diagonal; O's two moves never make a line.
X_WINS = ["b2", "a1", "a3", "b1", "c1"]
IAC, WILL, WONT, DO, DONT, SB, SE = 0xFF, 251, 252, 253, 254, 250, 240


def play_to_a_win(x: Player, o: Player, x_name: str, o_name: str) -> None:
    """*x* has started tic-tac-toe; play :data:`X_WINS`, each side waiting for its turn."""
    for number, move in enumerate(X_WINS):
        mover, other, name = (x, o, x_name) if number % 2 == 0 else (o, x, o_name)
        mover.expect("your move")
        mover.say(move)
        other.expect(f"{name} played {move}")
    for player in (x, o):
        player.expect(f"{x_name} wins — 3 in a row")
    x.expect("you win")
    o.expect("you lose")


def quoted(line: str) -> bytes:
    """*line* as typed into readline with Ctrl-V before each control byte, then Enter."""
    raw = line.encode()
    return b"".join(b"\x16" + bytes([byte]) if byte < 0x20 else bytes([byte]) for byte in raw)


def test_nc_plays_a_whole_game_of_tictactoe(players: Players, proxies: list[Proxy]) -> None:
    host, port = players.host()
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = start_text_client(players, Client.NC, proxy.port, "bob")
    sat_down(host, bob)
    host.say("/game tictactoe")
    bob.expect("new game: tictactoe — alice (X) against bob (O); X moves first")
    bob.expect("waiting for alice (X)")
    play_to_a_win(host, bob, "alice", "bob")
    bob.say("gg")
    host.expect("<bob> gg")
    # nc shows nothing more once the table has closed the connection: the last line says so,
    # wrapped at 79 columns as every line to nc is
    bob.leave("you left alice's table — connection closed (press Enter if your nc is still")
    assert re.search(r"is still\r*\n  open\)", bob.raw.decode())
    host.expect("bob left the table")
    assert_plain_text(proxy.received()[0])


def test_nc_receives_only_plain_text_when_the_host_chats_escape_sequences(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host()
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = start_text_client(players, Client.NC, proxy.port, "bob")
    sat_down(host, bob)
    for attack, _shown in HOSTILE.values():
        host.child.send(quoted(attack) + b"\r")
    for _attack, shown in HOSTILE.values():
        bob.expect(shown)  # made visible, as the join shows it
    assert_plain_text(proxy.received()[0])


def test_telnet_plays_a_whole_game_of_tictactoe(players: Players) -> None:
    host, port = players.host()
    bob = start_text_client(players, Client.TELNET, port, "bob")
    sat_down(host, bob)
    bob.say("/game tictactoe")  # the person on telnet starts it: bob is X
    host.expect("new game: tictactoe — bob (X) against alice (O); X moves first")
    host.expect("waiting for bob (X)")
    play_to_a_win(bob, host, "bob", "alice")
    host.say("well played")
    bob.expect("<alice> well played")
    bob.leave("you left alice's table")  # telnet says the host closed it, and ends by itself
    host.expect("bob left the table")


def telnet_commands(wire: bytes) -> tuple[list[tuple[int, int]], bytes]:
    """Split what the host sent a negotiating telnet into (verb, option) pairs and data."""
    commands: list[tuple[int, int]] = []
    data = bytearray()
    at = 0
    while at < len(wire):
        if wire[at] != IAC:
            data.append(wire[at])
            at += 1
        elif wire[at + 1] == IAC:
            data.append(IAC)
            at += 2
        else:
            assert wire[at + 1] in {WILL, WONT, DO, DONT}, f"host sent IAC {wire[at + 1]}"
            commands.append((wire[at + 1], wire[at + 2]))
            at += 3
    return commands, bytes(data)


def test_negotiating_telnet_is_refused_every_option_and_plays(
    players: Players, proxies: list[Proxy]
) -> None:
    host, port = players.host()
    proxy = Proxy(port)
    proxies.append(proxy)
    bob = start_text_client(players, Client.NEGOTIATING_TELNET, proxy.port, "bob")
    sat_down(host, bob)
    host.say("/game tictactoe")
    bob.expect("waiting for alice (X)")
    play_to_a_win(host, bob, "alice", "bob")
    bob.leave("you left alice's table")
    host.expect("bob left the table")
    commands, data = telnet_commands(proxy.received()[0])
    # The client asked for (at least) SGA, TTYPE, NAWS and LINEMODE at once: each is refused,
    # and the host never asks anything itself, so the client stays a plain line terminal.
    assert commands, "the host never answered telnet's negotiation"
    assert {verb for verb, _ in commands} <= {WONT, DONT}, commands
    assert {(WONT, 3), (DONT, 24), (DONT, 31), (DONT, 34)} <= set(commands), commands
    assert len(commands) == len(set(commands)), "an option was refused twice"
    assert_plain_text(data)


@pytest.mark.parametrize("client", [Client.TELNET, Client.NEGOTIATING_TELNET])
def test_ctrl_c_in_telnet_leaves(players: Players, client: Client) -> None:
    # Ctrl-C leaves, on telnet as on nc and the join: telnet sends IAC IP (even plain telnet,
    # which never negotiated), the host frees the seat and closes, and telnet says so and ends.
    host, port = players.host()
    bob = start_text_client(players, client, port, "bob")
    sat_down(host, bob)
    bob.interrupt()
    host.expect("bob left the table")
    bob.expect(TELNET_CLOSED)
    bob.wait_ended()


def test_ctrl_c_ends_nc_and_the_host_sees_bob_leave(players: Players) -> None:
    host, port = players.host()
    bob = start_text_client(players, Client.NC, port, "bob")
    sat_down(host, bob)
    bob.interrupt()  # nc dies: the host reads end-of-file, the same as /q
    bob.wait_ended()
    host.expect("bob left the table")


def test_a_name_the_table_refuses_is_asked_again(players: Players) -> None:
    host, port = players.host()
    bob = TextClient(Client.NC, port, players)
    bob.sit("<bob>")  # net's name rule refuses < and >
    bob.expect(NAME_PROMPT)  # the reason, then the question again
    bob.say("bob")
    sat_down(host, bob)


def test_a_table_with_a_join_code_asks_for_it(players: Players) -> None:
    host, port = players.host("alice", "--code", "K7Q2")
    wrong = TextClient(Client.TELNET, port, players)
    wrong.sit("mallory", code="AAAA")
    wrong.expect("wrong join code")  # the refusal's reason, as a join is told it
    wrong.expect(TELNET_CLOSED)
    wrong.wait_exit()
    bob = TextClient(Client.NC, port, players)
    bob.sit("bob", code="k7q2")  # codes are compared normalised, as for a join
    sat_down(host, bob)
