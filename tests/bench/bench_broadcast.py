"""One board to 1,000 spectators: ``send_broadcast`` beside a bare encode-once loop.

Run from the repository root, nothing installed::

    python tests/bench/bench_broadcast.py [SPECTATORS] [TEXT] [ROUNDS]

A host (:func:`net.serving.serve` with a text service) in this process, and the spectators
in a child process on loopback: SPECTATORS connections (default 1,000), TEXT of them (default
100) people on nc who answer the name prompt, the rest joins that say hello; then the child
just reads everything, so the host's writes never wait. Each round sends one tic-tac-toe
board to every spectator, three ways, in turn (so all run under the same machine load), and
times the host's loop alone:

* **broadcast** — what the host program does: one :class:`net.broadcast.Broadcast`, then
  ``connection.send_broadcast(broadcast)`` for each connection (framed and text alike);
* **bare** — the floor: encode the frame once and the text once, then ``transport.write`` to
  each socket, with no checks at all;
* **per connection** — for comparison: ``connection.send_nowait(show)`` to each, which encodes
  (or renders) the show once per connection.

Printed: the median time per round of each, and the ratios broadcast / bare (target ≤ 1.5×)
and per connection / broadcast (what encoding once saves). Exit status 0 always: a
measurement, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import selectors
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from net.broadcast import Broadcast  # noqa: E402 - after the sys.path line: no install needed
from net.connection import Connection, Limits, PendingConnection  # noqa: E402
from net.messages import Hello, Show, Welcome, encode_message  # noqa: E402
from net.serving import PendingText, TextConnection, TextService, serve  # noqa: E402
from net.text_lines import encode_lines  # noqa: E402
from tests.net.support import raise_descriptor_limit  # noqa: E402

BOARD = Show(kind="board", text=" X | O | X \n---+---+---\n   | O |   \n---+---+---\n   |(X)|   ")
#: Nothing may end a spectator during the run: it only reads, never pings back.
LIMITS = Limits(
    ping_interval=3600.0,
    dead_after=3600.0,
    hello_timeout=120.0,
    max_pending=4096,
    max_pending_per_address=4096,
)


def render(show: Show) -> str:
    """The host program's plain rendering, near enough (boards indented two spaces)."""
    return "\n".join("  " + line for line in show.text.split("\n"))


# --- the spectators (a child process) --------------------------------------------------------


def child(port: int, count: int, text: int) -> None:
    """Open *count* connections (*text* of them people), then read everything until stdin ends."""
    raise_descriptor_limit(count + 64)
    selector = selectors.DefaultSelector()
    hello = encode_message(Hello(name="s"))
    for number in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(f"s{number}\r\n".encode() if number < text else hello)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    selector.register(sys.stdin, selectors.EVENT_READ)
    print("connected", flush=True)
    while True:
        for key, _ in selector.select():
            if key.fileobj is sys.stdin:
                return
            assert isinstance(key.fileobj, socket.socket)
            try:
                if not key.fileobj.recv(1 << 16):
                    selector.unregister(key.fileobj)
            except BlockingIOError:
                pass


# --- the host --------------------------------------------------------------------------------


async def host(count: int, text: int, rounds: int) -> None:
    raise_descriptor_limit(count + 256)
    connections: list[Connection | TextConnection] = []
    everyone = asyncio.Event()

    async def on_connect(pending: PendingConnection | PendingText) -> None:
        welcome = Welcome(name=pending.hello.name, host="ann", token="t")
        connections.append(await pending.accept(welcome))
        if len(connections) == count:
            everyone.set()

    service = TextService(
        greeting=lambda: "ann's table — what is your name?",
        needs_code=False,
        code_prompt="code?",
        render=render,
    )
    server = await serve(on_connect, "127.0.0.1", 0, limits=LIMITS, text=service)
    port = server.sockets[0].getsockname()[1]
    spectators = subprocess.Popen(
        [sys.executable, __file__, "--child", str(port), str(count), str(text)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(everyone.wait(), 120.0)
        kinds = sum(1 for c in connections if c.kind == "text")
        print(f"{count} spectators connected: {count - kinds} framed, {kinds} on nc")
        await measure(connections, rounds)
    finally:
        assert spectators.stdin is not None
        spectators.stdin.close()
        spectators.wait(30)
        server.close()


async def measure(connections: list[Connection | TextConnection], rounds: int) -> None:
    # The bare floor writes to the sockets under the connections, past everything of ours.
    transports = [(c._link.transport, isinstance(c, TextConnection)) for c in connections]

    def broadcast() -> None:
        shared = Broadcast(BOARD)
        for connection in connections:
            connection.send_broadcast(shared)

    def bare() -> None:
        frame, lines = encode_message(BOARD), encode_lines(render(BOARD))
        for transport, is_text in transports:
            assert transport is not None
            transport.write(lines if is_text else frame)

    def per_connection() -> None:
        for connection in connections:
            connection.send_nowait(BOARD)

    ways = {"broadcast": broadcast, "bare": bare, "per connection": per_connection}
    times: dict[str, list[float]] = {name: [] for name in ways}
    for number in range(rounds + 3):
        for name, way in ways.items():
            start = time.perf_counter()
            way()
            took = time.perf_counter() - start
            if number >= 3:  # the first rounds warm caches up
                times[name].append(took)
            # Let the loop flush anything buffered; the child reads it all.
            for connection in connections:
                if connection._link.writing_paused:
                    await connection._link.drain()
            await asyncio.sleep(0.002)
    median = {name: statistics.median(values) for name, values in times.items()}
    for name, value in median.items():
        each = value / len(connections) * 1e6
        print(f"  {name:<15} {value * 1e3:8.3f} ms per round ({each:.2f} µs each)")
    print(f"broadcast / bare: {median['broadcast'] / median['bare']:.2f}x (target <= 1.5x)")
    print(f"per connection / broadcast: {median['per connection'] / median['broadcast']:.2f}x")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spectators", nargs="?", type=int, default=1000)
    parser.add_argument("text", nargs="?", type=int, default=100)
    parser.add_argument("rounds", nargs="?", type=int, default=200)
    options = parser.parse_args()
    asyncio.run(host(options.spectators, options.text, options.rounds))


if __name__ == "__main__":
    main()
