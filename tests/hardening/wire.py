"""Raw sockets and a recording proxy for the hardening tests against the real host process.

The hostile clients here are deliberately *not* built on net/: they must be able to send bytes
that net/ would never produce (bad headers, half frames, garbage) and to misbehave at the socket
level (never read, half-close). What they receive is decoded with net's own sans-IO
:class:`net.codec.Decoder`, so a frame the host sends that our codec would reject is caught too.

Every socket has a timeout, and every wait is bounded: a host that hangs fails the test rather
than stalling it. Nothing sleeps.
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

from net.codec import Decoder, encode
from net.errors import RemoteProtocolError

WAIT = 5.0  # seconds for anything that should happen "at once" on a loaded 2-core machine
LOOPBACK = "127.0.0.1"


def frame(body: bytes) -> bytes:
    """A frame with a correct 4-byte big-endian length header around *body*."""
    return len(body).to_bytes(4, "big") + body


def hello_body(name: str) -> bytes:
    """The JSON body of a well-formed version-1 hello asking for *name*."""
    return encode(
        {
            "type": "hello",
            "protocol": "tablechat",
            "version": 1,
            "name": name,
            "code": None,
            "token": None,
        }
    )[4:]


def hello(name: str) -> bytes:
    """A complete, well-formed hello frame."""
    return frame(hello_body(name))


def say(seq: int, text: str) -> bytes:
    """A complete ``say`` frame."""
    return encode({"type": "say", "seq": seq, "text": text})


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


class RawPeer:
    """One plain TCP socket towards the host, with bounded reads decoded as frames."""

    def __init__(self, port: int, *, rcvbuf: int | None = None) -> None:
        """Connect to 127.0.0.1:*port*; *rcvbuf* shrinks our receive buffer (set pre-connect)."""
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(WAIT)
        self.sock.connect((LOOPBACK, port))
        self.received = bytearray()
        self.eof = False

    def send(self, data: bytes) -> None:
        """Send all of *data* (bounded by the socket timeout)."""
        self.sock.sendall(data)

    def frames(self) -> list[dict[str, Any]]:
        """Every frame received so far; the host must never send what net cannot decode."""
        frames, error = decode_all(bytes(self.received))
        assert error is None, f"the host sent a frame net's own decoder rejects: {error}"
        return frames

    def read_until(
        self, done: Callable[[list[dict[str, Any]]], bool], timeout: float = WAIT
    ) -> list[dict[str, Any]]:
        """Read until *done(frames)* holds or the host closes; fail after *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while not done(frames := self.frames()):
            if self.eof:
                return frames
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"host did not answer as expected; frames so far: {frames}")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionResetError, BrokenPipeError):
                chunk = b""
            finally:
                self.sock.settimeout(WAIT)
            if not chunk:
                self.eof = True
            self.received += chunk
        return frames

    def read_to_eof(self, timeout: float = WAIT) -> list[dict[str, Any]]:
        """Read until the host closes the connection (fail after *timeout* seconds)."""
        return self.read_until(lambda _frames: False, timeout) if not self.eof else self.frames()

    def nothing_yet(self) -> bool:
        """True if the host has neither sent anything nor closed: looked at without waiting."""
        readable, _, _ = select.select([self.sock], [], [], 0)
        return not readable  # readable: a byte waits, or the host closed (EOF)

    def close(self) -> None:
        """Close the socket (idempotent)."""
        with contextlib.suppress(OSError):
            self.sock.close()


class RecordingProxy:
    """A TCP relay on 127.0.0.1:0 that records every byte the host sends towards the join.

    Each connection a join opens through it gets its own connection to the host, and its own
    record of the host -> join bytes (decoded separately: a cut connection may end mid-frame).
    Two threads pump each connection; bytes are recorded *before* they are forwarded, so by the
    time the join shows something, the proxy has already recorded the frame that carried it.
    :meth:`cut` ends the current connections without a goodbye, as a dropped network would.
    """

    def __init__(self, upstream_port: int) -> None:
        """Listen on a free port; connect to the host at *upstream_port* for each join."""
        self.upstream_port = upstream_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind((LOOPBACK, 0))
        self.listener.listen(4)
        self.listener.settimeout(0.2)  # so the acceptor notices close() without a wake-up
        self.port: int = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        self._streams: list[bytearray] = []
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
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

    def show_frames(self) -> list[dict[str, Any]]:
        """The decoded ``show`` frames sent towards the join so far, in order."""
        return [f for f in self.frames() if f["type"] == "show"]

    def cut(self) -> None:
        """Drop every current connection on both sides at once, without a goodbye."""
        with self._lock:
            pairs, self._pairs = self._pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # the listener was closed
            if self._stop.is_set():
                client.close()
                return
            try:
                upstream = socket.create_connection((LOOPBACK, self.upstream_port), timeout=WAIT)
            except OSError:
                client.close()  # the host is gone: the join sees the connection end
                continue
            stream = bytearray()
            with self._lock:
                self._streams.append(stream)
                self._pairs.append((client, upstream))
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
        try:
            while chunk := source.recv(65536):
                if record is not None:
                    with self._lock:
                        record += chunk
                target.sendall(chunk)
            target.shutdown(socket.SHUT_WR)  # pass the half-close on
        except OSError:
            pass

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
