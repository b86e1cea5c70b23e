"""Flood control through the real programs (issue 5 item 5): refused, then disconnected; moves
always land."""

from __future__ import annotations

from tests.cli.harness import Players


def test_sustained_flooding_disconnects_the_flooder_and_moves_still_land(
    players: Players,
) -> None:
    host, port = players.host("alice")
    join = players.join(port, "bob")
    host.expect("bob sat down")
    host.say("/game tictactoe")
    host.expect("your move (X)")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")

    # One burst, as a paste would arrive: 25 chat lines (the 11th on are refused), a move in the
    # middle of the flood, then more chat until the host has seen enough.
    burst = [f"spam {n}" for n in range(25)] + ["a1"] + [f"more spam {n}" for n in range(15)]
    join.child.send("".join(f"{line}\r" for line in burst).encode())
    host.expect("bob played a1")  # the move was not dropped, flooding or not
    host.expect("disconnected bob: flooding")
    join.expect("slow down: that line was not sent")
    join.expect("alice's table disconnected you: flooding")
    assert join.wait_exit() == 1
    assert b"reconnecting" not in join.raw  # a deliberate disconnect: no reconnection
    assert host.raw.count(b"<bob> spam") == 10  # refused lines never reached alice

    # The host goes on, and the seat is free at once (no grace period after a disconnect).
    carol = players.join(port, "carol")
    host.expect("carol sat down")
    carol.say("hello")
    host.expect("<carol> hello")
