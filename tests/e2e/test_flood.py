"""Flood control through the real programs: a burst is refused but forgiven,
flooding kept up after "slow down" disconnects, and moves always land."""

from __future__ import annotations

import time

from tests.e2e.programs.quick_flood_host import SPAN
from tests.e2e.support import OPEN_LINE, Player, Players, tictactoe_started


def _quick_flood_host(players: Players) -> tuple[Player, int]:
    """The real host, judging a flood persistent after SPAN seconds (tests.e2e
    .programs.quick_flood_host) instead of 10: the test floods for about that long, not for 10 s."""
    host = players.start("tests.e2e.programs.quick_flood_host", "0", "--name", "alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    return host, port


def _game_on(players: Players, *, quick: bool = False) -> tuple[Player, Player, int]:
    host, port = _quick_flood_host(players) if quick else players.host("alice")
    join = players.join(port, "bob")
    tictactoe_started(host, join)
    return host, join, port


def test_a_burst_is_refused_but_the_seat_and_the_move_stay(players: Players) -> None:
    host, join, _ = _game_on(players)
    # One burst, faster than anyone types: 25 chat lines (the 11th on are refused), a move in
    # the middle of it, then more chat. Each line is typed the moment the prompt is back, so
    # that the console passes every one on (a paste it cuts itself: tests/e2e/test_typing_help).
    burst = [f"spam {n}" for n in range(25)] + ["a1"] + [f"more spam {n}" for n in range(15)]
    for line in burst:
        join.say(line)
        join.expect("<bob> ")
    host.expect("bob played a1")  # the move was not dropped, flooding or not
    join.expect("slow down: that line was not sent")
    host.say("still there?")
    join.expect("<alice> still there?")  # still seated, still connected
    host.say("c3")
    join.expect("your move (O)")
    assert host.raw.count(b"<bob> spam") == 10  # refused lines never reached alice
    assert b"disconnected" not in host.raw
    assert b"disconnected you" not in join.raw


def test_flooding_kept_up_after_slow_down_disconnects_the_flooder(players: Players) -> None:
    host, join, port = _game_on(players, quick=True)
    # Keep sending five lines at a time until the host gives up on us; each round ends with a
    # /score (never refused for speed), and the host answers lines in order: its answer says
    # all five were judged and none of them put us out. So the flood lasts as long as it must
    # and no longer: refusals must go on for SPAN seconds before the table calls it
    # persistent. The deadline is far beyond that, a margin for a loaded machine.
    started = time.monotonic()
    deadline = started + SPAN + 30
    sent = 0
    while True:
        join.child.send("".join(f"flood {sent + n}\r" for n in range(5)).encode() + b"/score\r")
        sent += 5
        got = join.child.expect_exact([b"score:", b"disconnected you: flooding"])
        if got == 1:
            break
        assert time.monotonic() < deadline, f"still connected after {sent} lines"
    # Not before the span: a burst shorter than that is forgiven (the test above).
    assert time.monotonic() - started >= SPAN
    assert join.wait_exit() == 1
    assert b"reconnecting" not in join.raw  # a deliberate disconnect: no reconnection
    host.expect("disconnected bob: flooding")

    # The host goes on, and the seat is free at once (no grace period after a disconnect).
    carol = players.join(port, "carol")
    host.expect("carol sat down")
    carol.say("hello")
    host.expect("<carol> hello")
