"""A version 1 join (no ``hello.seen``, no ``show.seq``) plays and resumes at a version 2 host.

Against the real host process, with the join's frames written by hand as a version 1 program
writes them. The rule it gets on resume (net/PROTOCOL.md §5): the shows its seat was given while
no connection was there to take them, then "welcome back" and the board — never a ``seq`` it
would not understand, and a bye's code as its reason.
"""

from __future__ import annotations

from typing import Any

from net.codec import encode
from tests.e2e.support import Players, RawPeer, hello, say


def _v1_resume(name: str, token: str) -> bytes:
    body = {"type": "hello", "protocol": "tablechat", "version": 1, "name": name}
    return encode({**body, "code": None, "token": token})


def _texts(frames: list[dict[str, Any]]) -> list[str]:
    return [f["text"] for f in frames if f["type"] == "show"]


def test_a_version_1_join_plays_resumes_and_catches_up(players: Players) -> None:
    host, port = players.host("alice")
    first = RawPeer(port)
    again: RawPeer | None = None
    try:
        first.send(hello("bob"))
        frames = first.read_until(lambda fs: any(f["type"] == "welcome" for f in fs))
        welcome = next(f for f in frames if f["type"] == "welcome")
        assert welcome["version"] == 1
        first.send(say(1, "/game tictactoe"))
        frames = first.read_until(lambda fs: "your move (X)" in _texts(fs))
        first.send(say(2, "b2"))
        host.expect("bob played b2")
        frames = first.read_until(lambda fs: "waiting for alice (O)" in _texts(fs))
        first.close()  # lost, not left: the seat is kept
        host.expect("bob's connection dropped")
        host.say("a1")
        host.expect("waiting for bob")  # alice's own screen: the move was applied

        again = RawPeer(port)
        again.send(_v1_resume("bob", welcome["token"]))
        frames = again.read_until(lambda fs: _texts(fs).count("your move (X)") == 2)
        shows = [f for f in frames if f["type"] == "show"]
        assert all("seq" not in show for show in shows)  # version 1 has no show.seq
        texts = _texts(frames)
        # What it missed (alice's move), then the greeting and the board (not caught up).
        assert texts.index("alice played a1") < texts.index("welcome back, bob")
        assert texts.index("welcome back, bob") < len(texts) - 2  # the board and the turn
        host.expect("bob is back")
        again.send(say(3, "c3"))
        host.expect("bob played c3")
        host.say("/q")
        frames = again.read_to_eof()
        assert frames[-1] == {"type": "bye", "reason": "left"}  # the code, as a v1 reason
    finally:
        first.close()
        if again is not None:
            again.close()
