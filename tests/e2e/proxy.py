"""A TCP proxy for the end-to-end tests: relays, records, holds back and cuts connections.

It sits on 127.0.0.1 (a free port) between a join — a real ``python -m cli.join`` or a raw
protocol client — and the real host, and plays the network between them:

* it records every byte the host sends towards the join (decoded with net's own sans-IO
  :class:`net.codec.Decoder`, so a frame the host sends that our codec would reject is caught);
* :meth:`cut` resets every connection it carries (no bye: both sides see a lost connection) and
  keeps listening, so a join behind it can come back;
* while :attr:`refusing` is set, new connections are closed at once (the network stays down);
* while :attr:`holding` is set, what the join sends is swallowed, never reaching the host (a
  message lost in the network); :meth:`wait_held` waits until given bytes were swallowed.

Two threads pump each connection; host -> join bytes are recorded *before* they are forwarded,
so by the time the join shows something, the proxy has already recorded the frame that carried
it. Every wait is bounded; :meth:`close` stops every thread and closes every socket.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from typing import Any

from net.codec import Decoder
from net.errors import RemoteProtocolError

WAIT = 5.0  # seconds for anything that should happen "at once" on a loaded 2-core machine
LOOPBACK = "127.0.0.1"


def decode_all(data: bytes) -> tuple[list[dict[str, Any]], RemoteProtocolError | None]:
    """Decode *data* with net's decoder: the frames it holds and the error that stopped it."""
    decoder = Decoder()
    frames: list[dict[str, Any]] = []
    try:
        decoder.receive_data(data)
        while (obj := decoder.next_message()) is not None:
            frames.append(obj)
    except RemoteProtocolError as exc:
        return frames, exc
    return frames, None


class Proxy:
    """A TCP relay on 127.0.0.1:0 towards the host at *upstream_port* (see the module doc).

    Each connection a join opens through it gets its own connection to the host, and its own
    record of the host -> join bytes (decoded separately: a cut connection may end mid-frame).
    """

    def __init__(self, upstream_port: int) -> None:
        """Listen on a free port; connect to the host at *upstream_port* for each join."""
        self.upstream_port = upstream_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(4)
        self.listener.settimeout(0.2)  # so the acceptor notices close() without a wake-up
        self.port: int = self.listener.getsockname()[1]
        # While set, new connections are closed at once: the network is down.
        self.refusing = threading.Event()
        # While set, join -> host bytes are swallowed (kept in _held), never forwarded.
        self.holding = threading.Event()
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._held = bytearray()
        self._streams: list[bytearray] = []
        self._sockets: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        acceptor = threading.Thread(target=self._accept, daemon=True)
        acceptor.start()
        self._threads.append(acceptor)

    @property
    def connections(self) -> int:
        """How many connections the join has opened through the proxy so far."""
        with self._lock:
            return len(self._streams)

    def frames(self) -> list[dict[str, Any]]:
        """Every frame the host sent towards the join so far, in order, over all connections."""
        with self._lock:
            streams = [bytes(stream) for stream in self._streams]
        frames: list[dict[str, Any]] = []
        for stream in streams:
            decoded, error = decode_all(stream)
            assert error is None, f"the host sent a frame net's own decoder rejects: {error}"
            frames += decoded
        return frames

    def received(self) -> list[bytes]:
        """The raw bytes the host sent towards the client so far, one entry per connection.

        For clients that do not speak frames (people on nc/telnet get plain text lines).
        """
        with self._lock:
            return [bytes(stream) for stream in self._streams]

    def show_frames(self) -> list[dict[str, Any]]:
        """The decoded ``show`` frames sent towards the join so far, in order."""
        return [f for f in self.frames() if f["type"] == "show"]

    def wait_held(self, marker: bytes, timeout: float = WAIT) -> bytes:
        """Wait until the bytes swallowed while :attr:`holding` contain *marker*; return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while marker not in self._held:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{marker!r} never reached the proxy: {bytes(self._held)!r}")
                self._changed.wait(left)
            return bytes(self._held)

    def cut(self) -> None:
        """Reset every carried connection (both sides see a lost connection, no bye)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                # Linger 0: close sends RST, like a network that went away. shutdown() first
                # wakes the pump thread blocked in recv() on this socket.
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        """Stop accepting, close every socket, and wait (bounded) for the threads."""
        # First no new connections (a join reconnects at once after a cut), then cut the rest.
        self._stop.set()
        self._threads[0].join(WAIT)  # the acceptor: it polls _stop every 0.2 s
        with contextlib.suppress(OSError):
            self.listener.close()
        self.cut()
        for thread in self._threads[1:]:
            thread.join(WAIT)
        alive = [thread.name for thread in self._threads if thread.is_alive()]
        assert not alive, f"proxy threads still running after close: {alive}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            if self._stop.is_set() or self.refusing.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection((LOOPBACK, self.upstream_port), timeout=WAIT)
            except OSError:
                client.close()  # the host is gone: the join sees the connection end
                continue
            stream = bytearray()
            with self._lock:
                self._streams.append(stream)
                self._sockets += [client, upstream]
            for sock in (client, upstream):
                sock.settimeout(None)  # pumps block; cut()/close() unblock them
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for source, target, record in ((client, upstream, None), (upstream, client, stream)):
                pump = threading.Thread(
                    target=self._pump, args=(source, target, record), daemon=True
                )
                pump.start()
                self._threads.append(pump)

    def _pump(self, source: socket.socket, target: socket.socket, record: bytearray | None) -> None:
        """Forward *source* to *target*; *record* is given for host -> join only."""
        try:
            while chunk := source.recv(65536):
                if record is not None:
                    with self._lock:
                        record += chunk
                elif self.holding.is_set():
                    with self._changed:
                        self._held += chunk
                        self._changed.notify_all()
                    continue
                target.sendall(chunk)
            target.shutdown(socket.SHUT_WR)  # pass the half-close on
        except OSError:
            pass
