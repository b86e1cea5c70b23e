"""Silent connections by the hundred, for the flood tests and the pending-memory benchmark.

A :class:`SilentCrowd` opens plain sockets towards a host on 127.0.0.1 that never send a byte —
the cheapest attack on a listening host (issue 8 §4, §5). They come from several loopback
addresses (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to the loopback interface), so
both the per-address and the total cap of the host's waiting room come into play.

Connecting does not wait: a host that has run out of descriptors leaves the connections in its
kernel's accept queue, and a blocking connect past that queue would hang. Every wait here is
bounded; :meth:`SilentCrowd.close` closes every socket, also after a failure.
"""

from __future__ import annotations

import contextlib
import errno
import resource
import selectors
import socket
import time
from collections.abc import Callable
from pathlib import Path

from net.codec import Decoder
from net.errors import RemoteProtocolError


def raise_descriptor_limit(wanted: int) -> int:
    """Raise this process's soft RLIMIT_NOFILE towards *wanted* (never above the hard limit).

    Returns:
        The soft limit now in force.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def accept_queue(port: int) -> int:
    """Connections waiting in the accept queue of the socket listening on 127.0.0.1:*port*.

    Linux only: read from /proc/net/tcp, where a listening socket's rx_queue is that count.
    """
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":  # 0A: LISTEN
            return int(fields[4].split(":")[1], 16)
    return 0


def wait_accepted(port: int, timeout: float) -> None:
    """Wait until the host on *port* has accepted every connection made so far.

    Raises:
        TimeoutError: It has not within *timeout* seconds.
    """
    deadline = time.monotonic() + timeout
    while (waiting := accept_queue(port)) > 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{waiting} connections still wait for the host to accept them")
        time.sleep(0.005)  # the kernel has no way to say when a listener's queue empties


class SilentCrowd:
    """*count* connections to 127.0.0.1:*port* from *addresses* loopback addresses, all mute."""

    def __init__(
        self,
        port: int,
        count: int,
        addresses: int = 8,
        *,
        batch: int = 50,
        timeout: float = 20.0,
        settle: Callable[[], None] | None = None,
    ) -> None:
        """Connect every socket, *batch* at a time (each batch within *timeout* seconds).

        A batch is connected once the kernel has completed its handshakes (they may still wait
        in the host's accept queue). Batches keep that queue — 100 places at the host — from
        overflowing, which would make the kernel drop handshakes and retry them a second later;
        *settle*, called after each batch, may also wait for the host to empty it.

        Raises:
            OSError: A connection failed.
            TimeoutError: A batch did not connect in time.
        """
        self.sockets: list[socket.socket] = []
        self._received: dict[socket.socket, bytearray] = {}
        self._ended: set[socket.socket] = set()
        try:
            for start in range(0, count, batch):
                opened = [
                    self._open(port, f"127.0.0.{2 + i % addresses}")
                    for i in range(start, min(start + batch, count))
                ]
                _wait_connected(opened, timeout)
                if settle is not None:
                    settle()
        except BaseException:
            self.close()
            raise

    def _open(self, port: int, source: str) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sockets.append(sock)
        sock.setblocking(False)
        sock.bind((source, 0))
        code = sock.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, f"connecting from {source}: {errno.errorcode[code]}")
        return sock

    def wait_ended(self, at_least: int, timeout: float) -> int:
        """Read what the host sends until at least *at_least* sockets were closed by it.

        Returns:
            How many the host has closed so far (it may be more than *at_least*).

        Raises:
            TimeoutError: Fewer were closed within *timeout* seconds.
        """
        deadline = time.monotonic() + timeout
        # A selector, not select(): descriptors past 1023 are out of select()'s range.
        with selectors.DefaultSelector() as selector:
            for sock in self.sockets:
                if sock not in self._ended:
                    selector.register(sock, selectors.EVENT_READ, sock)
            while len(self._ended) < at_least:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the host closed {len(self._ended)} of {at_least} sockets")
                for key, _ in selector.select(left):
                    ready: socket.socket = key.data
                    if self._read(ready):
                        selector.unregister(ready)
        return len(self._ended)

    def _read(self, sock: socket.socket) -> bool:
        """Read what is there; True when the host has closed this one."""
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return False
        except OSError:  # reset, or refused while still connecting
            chunk = b""
        if chunk:
            self._received.setdefault(sock, bytearray()).extend(chunk)
            return False
        self._ended.add(sock)
        return True

    def told(self) -> list[list[dict[str, object]]]:
        """The frames each closed socket received before its end (net's own decoder)."""
        result = []
        for sock in self._ended:
            decoder = Decoder()
            frames: list[dict[str, object]] = []
            with contextlib.suppress(RemoteProtocolError):
                frames = decoder.feed(bytes(self._received.get(sock, b"")))
            result.append(frames)
        return result

    def told_bytes(self) -> list[bytes]:
        """The bytes each closed socket received before its end, as they came."""
        return [bytes(self._received.get(sock, b"")) for sock in self._ended]

    def close(self) -> None:
        """Close every socket (idempotent)."""
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.close()


def _wait_connected(sockets: list[socket.socket], timeout: float) -> None:
    """Wait until every socket's non-blocking connect has completed (bounded)."""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        for sock in sockets:
            selector.register(sock, selectors.EVENT_WRITE, sock)
        waiting = len(sockets)
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{waiting} of {len(sockets)} connections still connecting")
            for key, _ in selector.select(left):
                ready: socket.socket = key.data
                code = ready.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if code:
                    raise OSError(code, f"a silent connection failed: {errno.errorcode[code]}")
                selector.unregister(ready)
                waiting -= 1
