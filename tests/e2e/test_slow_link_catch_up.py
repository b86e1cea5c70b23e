"""A guest on a slow link comes back after long lines, and gets
exactly the shows it had not seen (by ``show.seq``), against the real host process.

The whole catch-up is queued for the resuming guest at once; a peer with more than net's
``Limits.max_send_buffer`` (1 MiB) queued is dropped as "not reading". A catch-up that resent
the last hundred chat lines, each up to 64 KiB, would get a guest on a slow link dropped on
every attempt to come back: it resends the shows the seat missed, from an outbox bounded in bytes
(net.outbox: tests/net/test_outbox.py checks the bound with lines of this size).
"""

from __future__ import annotations

from typing import Any

from net.messages import Hello, encode_message
from tests.e2e.programs.roomy_flood_host import MAX_LINES
from tests.e2e.support import OPEN_LINE, Player, Players, RawPeer, say

LONG = 64_000  # a chat line close to the 64 KiB frame limit
LINES = 20  # 20 of them: 1.3 MB, more than the 1 MiB send buffer and a slow link's kernel buffer
SLOW_MSS = 536  # the TCP segment size of a slow link (see RawPeer)


def _shows(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "show"]


def _chat_long_lines(host: Player, peer: RawPeer, first_seq: int) -> int:
    """Say :data:`LINES` long lines as the guest, each one seen on the host's screen (which
    also keeps the host's terminal drained); return the next free sequence number.

    The host's flood control takes :data:`MAX_LINES` lines in its window (roomy_flood_host.py),
    more than :data:`LINES`: no line is refused (a refusal would fail the expect).
    """
    assert LINES <= MAX_LINES
    seq = first_seq
    for number in range(LINES):
        peer.send(say(seq, f"{number:03} " + "x" * LONG))
        # the line wraps at words: its run of x's starts on a row of its own, after the number
        host.expect(f"<bob> {number:03}\r\n")
        seq += 1
    return seq


def test_a_guest_comes_back_after_many_long_lines_and_plays_on(players: Players) -> None:
    # The real host with room for every line at once (tests/e2e/programs/roomy_flood_host.py):
    # what is tested is the catch-up after them, not the flood window between them.
    host = players.start("tests.e2e.programs.roomy_flood_host", "0", "--name", "alice")
    port = int(host.expect_re(OPEN_LINE).group(1))
    host.expect("<alice> ")
    first = RawPeer(port)
    resumed: RawPeer | None = None
    try:
        first.send(encode_message(Hello(name="bob")))
        frames = first.read_until(lambda fs: any(f["type"] == "welcome" for f in fs))
        token = next(f["token"] for f in frames if f["type"] == "welcome")
        host.expect("bob sat down")
        first.send(say(1, "/game gomoku"))
        frames = first.read_until(lambda fs: any(s["text"] == "your move (X)" for s in _shows(fs)))
        # every show of the table is numbered (version 2); a status show (version 3) is not
        seen = max(s["seq"] for s in _shows(frames) if "seq" in s)
        _chat_long_lines(host, first, 2)
        first.close()  # no bye: the connection is lost, the seat is kept
        host.expect("bob's connection dropped")
        host.say("are you there?")  # kept for bob, numbered seen + 1
        host.say("/score")  # answered only once the line before it was applied
        host.expect("score:")

        resumed = RawPeer(port, rcvbuf=4096, mss=SLOW_MSS)
        resumed.send(encode_message(Hello(name="bob", token=token, seen=seen)))
        frames = resumed.read_until(
            lambda fs: any(s["kind"] == "status" for s in _shows(fs)), timeout=20
        )
        shows = [(s.get("seq"), s["kind"], s["text"]) for s in _shows(frames)]
        # Exactly what bob had not seen, in order, then the greeting and the prompt's status
        # — for this connection alone, so unnumbered: a later resume never sends them again;
        # nothing he saw again.
        assert shows == [
            (seen + 1, "chat", "are you there?"),
            (None, "notice", "welcome back, bob"),
            (None, "status", "gomoku · your move (X) · 0–0"),
        ], f"not the catch-up bob was owed (the host closed his connection: {resumed.eof})"
        welcome = next(f for f in frames if f["type"] == "welcome")
        host.expect("bob is back")
        resumed.send(say(welcome["last_seq"] + 1, "h8"))
        host.expect("bob played h8")
        resumed.read_until(lambda fs: any(s["text"] == "waiting for alice (O)" for s in _shows(fs)))
        assert not resumed.eof, "the host dropped the guest after the catch-up"
    finally:
        first.close()
        if resumed is not None:
            resumed.close()
