"""A person on nc/telnet has no seat token: after a drop, the host decides.

The rule (design note, contract S): someone who connects as the guest whose seat is being kept
is asked about on the host's screen, numbered — "/let 1 gives this connection the seat …, /deny 1
refuses" — and waits, told
so, until the host answers. The drop itself is not something nc or telnet does (closing either
sends an orderly end-of-file, which is leaving): it is a network reset, played here by a raw
socket that typed bob's name and then vanished with a TCP RST.
"""

from __future__ import annotations

import socket
import struct

import pytest

from tests.e2e.support import TELNET_CLOSED, Client, Player, Players, RawPeer, TextClient

# Each test takes 1–3 s on an idle machine; 30 s leaves room for a loaded 2-core CI machine.
pytestmark = pytest.mark.timeout(30)


def bob_drops_mid_game(host: Player, port: int) -> None:
    """bob sits down (as a person would: his name and Enter), alice plays b2, bob's network
    resets; the host keeps his seat."""
    lost = RawPeer(port)
    try:
        lost.send(b"bob\r\n")
        host.expect("bob sat down")
        host.say("/game tictactoe")
        host.expect("your move (X)")
        host.say("b2")
        host.expect("waiting for bob (O)")
        # Linger 0: close() sends RST, not FIN — a lost network, not a person leaving.
        lost.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        lost.close()
    host.expect("bob's connection dropped")


def test_back_on_nc_the_host_lets_bob_have_his_seat(players: Players) -> None:
    host, port = players.host()
    bob_drops_mid_game(host, port)
    bob = TextClient(Client.NC, port, players)
    bob.sit("bob")
    host.expect("bob (claimant 1, connected from 127.0.0.1 without a seat token) wants bob's")
    host.expect("bob sat down from nc/telnet, so only you can tell — /let 1 gives the seat back")
    bob.expect("waiting for their answer")  # told why nothing happens yet
    host.say("/let 1")
    host.expect("bob is back")
    bob.expect("welcome back, bob")
    bob.expect("your move (O)")  # the same game, his turn, as he left it
    bob.say("a1")
    host.expect("bob played a1")


def test_every_line_from_the_person_let_back_in_is_applied(players: Players) -> None:
    """The seat's say numbering starts again for the connection /let hands it to: the dropped
    connection had sent three lines, and the first three of the person let back in were taken
    for repeats of them and dropped without a word."""
    host, port = players.host()
    lost = RawPeer(port)
    try:
        lost.send(b"bob\r\n")
        host.expect("bob sat down")
        for n in (1, 2, 3):
            lost.send(f"before {n}\r\n".encode())
            host.expect(f"before {n}")
        lost.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        lost.close()
    host.expect("bob's connection dropped")
    bob = TextClient(Client.NC, port, players)
    bob.sit("bob")
    host.expect("/let 1 gives the seat back")
    host.say("/let 1")
    bob.expect("welcome back, bob")
    for n in (1, 2, 3, 4):
        bob.say(f"after {n}")
        host.expect(f"after {n}")


def test_on_telnet_the_host_denies_someone_claiming_bobs_seat(players: Players) -> None:
    host, port = players.host()
    bob_drops_mid_game(host, port)
    mallory = TextClient(Client.TELNET, port, players)
    mallory.sit("bob")
    host.expect("/deny 1 refuses")
    host.say("/deny 1")
    mallory.expect("did not give you bob's seat back")
    mallory.expect(TELNET_CLOSED)
    mallory.wait_ended()


def test_a_claimant_who_leaves_while_waiting_is_forgotten(players: Players) -> None:
    """The host stops waiting for its own answer once the claimant has gone: a /let then would
    hand bob's seat to nobody (and kill bob's token)."""
    host, port = players.host()
    bob_drops_mid_game(host, port)
    claimant = RawPeer(port)
    try:
        claimant.send(b"bob\r\n")
        host.expect("/let 1 gives the seat back")
    finally:
        claimant.close()  # an orderly end, as closing nc sends
    host.expect("claimant 1 for bob's seat left")
    host.say("/let 1")
    host.expect("nobody is asking for a seat now")
    assert b"bob is back" not in host.raw
    bob = TextClient(Client.NC, port, players)  # the seat is still kept: asking works again
    bob.sit("bob")
    host.expect("(claimant 2, ")  # a new claim, a new number
    host.say("/let 2")
    bob.expect("welcome back, bob")


def test_a_let_goes_to_the_claimant_the_host_read_about_never_to_a_later_one(
    players: Players,
) -> None:
    host, port = players.host()
    bob_drops_mid_game(host, port)
    first = TextClient(Client.NC, port, players)
    first.sit("bob")
    host.expect("(claimant 1, ")
    second = TextClient(Client.NC, port, players)
    second.sit("bob")  # arrives just before the host answers the first
    host.expect("(claimant 2, ")
    first.expect("another connection asked for bob's seat after you")
    host.say("/let 1")
    host.expect("claimant 1 is not asking now — claimant 2 is")
    assert b"bob is back" not in host.raw
    host.say("/let 2")
    second.expect("welcome back, bob")
    host.expect("bob is back")
