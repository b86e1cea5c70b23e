"""Names against the real host: a name that could forge a chat line is refused, and a
look-alike of the host's name is seated under a visibly different one."""

from __future__ import annotations

from tests.e2e.support import Players, RawPeer, hello


def test_a_hello_whose_name_holds_angle_brackets_is_refused_as_bad_hello(
    players: Players,
) -> None:
    host, port = players.host("alice")
    peer = RawPeer(port)
    try:
        peer.send(hello("alice> I resign <x"))
        frames = peer.read_to_eof()
        refuse = next(f for f in frames if f["type"] == "refuse")
        assert refuse["code"] == "bad-hello"
        assert "hello.name must not contain < or >" in refuse["reason"]
    finally:
        peer.close()
    assert host.child.isalive()
    assert b"I resign" not in host.raw


def test_a_look_alike_of_the_host_sits_down_under_another_name(players: Players) -> None:
    host, port = players.host("alice")
    peer = RawPeer(port)
    try:
        peer.send(hello("\u0430lice"))  # Cyrillic а
        frames = peer.read_until(lambda fs: any(f["type"] == "welcome" for f in fs))
        welcome = next(f for f in frames if f["type"] == "welcome")
        assert welcome["name"] == "\u0430lice-2"
        host.expect("\u0430lice-2 sat down")
    finally:
        peer.close()
