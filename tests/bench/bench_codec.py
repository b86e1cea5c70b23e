"""Codec throughput beside bare ``json.dumps``/``json.loads`` of the same message.

Run from the repository root, nothing installed: ``python tests/bench/bench_codec.py``.
Target: encode+decode throughput at least 0.8x the bare json round trip.
Two more rows per message, for information: ``+ from_dict`` (the typed message) and
``+ protocol object`` (sent by one sans-IO protocol object, received as an event by the other:
what the protocol rules add to each line, no sockets).
A script that prints figures, not a timed test: timings on shared CI machines are too noisy
to gate on.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from net.codec import Decoder, encode
from net.host_protocol import HostProtocol
from net.join_protocol import JoinProtocol
from net.limits import DEFAULT_LIMITS
from net.messages import Hello, Say, Show, Welcome, encode_message, from_dict
from net.protocol_base import ProtocolBase

MESSAGES: dict[str, dict[str, Any]] = {
    "say (chat line)": Say(seq=1234, text="hello there, your move: b2 — nice one!").to_dict(),
    "show (chat line)": Show(
        kind="chat", text="hello there, your move: b2 — nice one!", sender="alice"
    ).to_dict(),
    "show (board)": Show(
        kind="board",
        text="\n".join(" " + " | ".join("X O"[(r + c) % 3] for c in range(3)) for r in range(3)),
    ).to_dict(),
}
TARGET = 0.8


def best_of(func: Any, number: int, repeat: int = 7) -> float:
    """Best per-call time in seconds (the least disturbed run)."""
    return min(timeit.repeat(func, number=number, repeat=repeat)) / number


def opened_pair() -> tuple[HostProtocol, JoinProtocol]:
    """A host and a join protocol object past their handshake, at time 0."""
    host = HostProtocol(DEFAULT_LIMITS, 0.0)
    join = JoinProtocol(Hello(name="alice"), DEFAULT_LIMITS, 0.0)
    host.receive_data(join.data_to_send(), 0.0)
    host.next_event()
    join.receive_data(host.send(Welcome(name="alice", host="ann", token="t"), now=0.0), 0.0)
    join.next_event()
    return host, join


def main() -> int:
    """Print bare vs ours for each message; return 1 if any ratio misses the target."""
    number = 50_000
    print(f"{'message':<18} {'bare µs':>8} {'ours µs':>8} {'ratio':>6}   (ratio = bare/ours)")
    worst = float("inf")
    for label, message in MESSAGES.items():
        decoder = Decoder()

        def bare(message: dict[str, Any] = message) -> Any:
            return json.loads(json.dumps(message))

        def ours(message: dict[str, Any] = message, decoder: Decoder = decoder) -> Any:
            decoder.receive_data(encode(message))
            return decoder.next_message()

        def ours_typed(message: dict[str, Any] = message, decoder: Decoder = decoder) -> Any:
            decoder.receive_data(encode(message))
            return from_dict(decoder.next_message() or {})

        typed = from_dict(message)
        assert isinstance(typed, Say | Show)
        host, join = opened_pair()
        sender: ProtocolBase = join if isinstance(typed, Say) else host
        receiver: ProtocolBase = host if isinstance(typed, Say) else join

        def ours_protocol(
            typed: Say | Show = typed,
            sender: ProtocolBase = sender,
            receiver: ProtocolBase = receiver,
        ) -> Any:
            receiver.receive_data(sender.send(typed), 0.0)
            return receiver.next_event()

        assert ours() == bare() == message
        assert ours_protocol() == typed and encode_message(typed) == encode(message)
        # Alternate to spread any drift of the machine over both.
        t_bare = min(best_of(bare, number), best_of(bare, number))
        t_ours = min(best_of(ours, number), best_of(ours, number))
        t_typed = best_of(ours_typed, number // 2)
        t_protocol = best_of(ours_protocol, number // 2)
        ratio = t_bare / t_ours
        worst = min(worst, ratio)
        print(f"{label:<18} {t_bare * 1e6:8.2f} {t_ours * 1e6:8.2f} {ratio:6.2f}")
        print(f"{'  + from_dict':<18} {'':8} {t_typed * 1e6:8.2f} {t_bare / t_typed:6.2f}")
        print(f"{'  + protocol':<18} {'':8} {t_protocol * 1e6:8.2f} {t_bare / t_protocol:6.2f}")
    verdict = "meets" if worst >= TARGET else "MISSES"
    print(f"worst codec ratio {worst:.2f} — {verdict} the {TARGET}x target")
    return 0 if worst >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
