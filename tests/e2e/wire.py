"""Raw sockets for the hardening tests against the real host process.

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
import time
from collections.abc import Callable
from typing import Any

from net.codec import encode
from tests.e2e.proxy import WAIT, decode_all

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


class RawPeer:
    """One plain TCP socket towards the host, with bounded reads decoded as frames."""

    def __init__(self, port: int, *, rcvbuf: int | None = None, mss: int | None = None) -> None:
        """Connect to 127.0.0.1:*port*; *rcvbuf* shrinks our receive buffer and *mss* the TCP
        segment size we announce (both set pre-connect). A small *mss* makes the host's kernel
        size its send buffer for a slow link (~50 KB, not the ~3 MB loopback gets), so what
        the host queues for us shows in its own send buffer, as it would over a real slow link.
        """
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf is not None:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if mss is not None:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, mss)
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
