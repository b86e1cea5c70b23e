"""The connection API that the programs use: ``connect``, ``serve``, ``Connection``.

A connection opens with a handshake: the join sends ``hello``; the host answers ``welcome``
(then both sides exchange ``say``/``show`` and keep-alive pings) or ``refuse`` (then closes).
A wrong protocol name or version is refused by :func:`serve` itself, before the program's
``on_connect`` sees anything, and :func:`connect` raises with both versions named.

The protocol rules — framing, the handshake and version negotiation, deadlines, keep-alive,
the ordered bye — live in the sans-IO protocol objects (:mod:`net.host_protocol`,
:mod:`net.join_protocol`); :class:`net.link.FramedLink` drives one over a socket; this module is the
typed surface on top (and the join's one fallback to a version 1 hello). The host's side is
in :mod:`net.serving` and the connection classes in :mod:`net.framed_connection` (and, for
people on nc/telnet, :mod:`net.text_connection`); they are all imported from here.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from typing import TYPE_CHECKING

from net.errors import ConnectionClosed, HandshakeError, Refused
from net.framed_connection import Connection, PendingConnection
from net.join_protocol import JoinProtocol, fallback_hello
from net.link import CONNECTION_LOST, DEFAULT_LIMITS, FramedLink, Limits
from net.messages import Hello, Refuse
from net.protocol_events import DeadlinePassed, ProtocolFailed, RefusedByHost, Welcomed

if TYPE_CHECKING:
    from net.serving import serve
    from net.text_connection import PendingText, TextConnection, TextService
    from net.waiting import CROWDED

__all__ = [
    "CONNECTION_LOST",
    "CROWDED",
    "Connection",
    "ConnectionClosed",
    "HandshakeError",
    "Limits",
    "PendingConnection",
    "PendingText",
    "Refused",
    "TextConnection",
    "TextService",
    "connect",
    "serve",
]

log = logging.getLogger("net")

# The host's side (serving, and people on nc/telnet) is loaded on first use: a join never needs
# it, and its start-up time is measured (tests/bench/bench_startup.py).
_HOST_SIDE = {
    "CROWDED": "net.waiting",
    "serve": "net.serving",
    "PendingText": "net.text_connection",
    "TextConnection": "net.text_connection",
    "TextService": "net.text_connection",
}


def __getattr__(name: str) -> object:
    module = _HOST_SIDE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


async def connect(
    host: str, port: int, hello: Hello, *, limits: Limits = DEFAULT_LIMITS
) -> Connection:
    """Connect to a host, send *hello* and wait for the answer (all within ``hello_timeout``).

    A host that speaks only version 1 refuses a version 2 hello with code ``version``: then
    the same hello is sent once more in version 1, without ``seen`` (PROTOCOL.md §3), on a new
    connection and within what is left of the same ``hello_timeout``.

    Args:
        host: Address or name of the host.
        port: TCP port.
        hello: Our hello (name, and code/token when needed).
        limits: Deadlines and sizes.

    Returns:
        The open connection; ``connection.welcome`` holds the host's welcome (its
        ``version`` is the one spoken: 1 after a fallback).

    Raises:
        Refused: The host refused us (``.reason`` for the person, ``.code`` for the program).
        HandshakeError: No answer in time, the host closed, speaks another protocol or
            version, or sent something invalid.
        OSError: Could not connect at all (e.g. ConnectionRefusedError: nothing listening).
        LocalProtocolError: The hello does not fit in a frame (nothing is connected).
    """
    start = asyncio.get_running_loop().time()
    try:
        return await _connect_once(host, port, hello, limits, start)
    except Refused as refused:
        retry = fallback_hello(hello, Refuse(reason=refused.reason, code=refused.code))
        if retry is None:
            raise
        log.info("%s:%d speaks only version 1: saying hello again in version 1", host, port)
        return await _connect_once(host, port, retry, limits, start)


async def _connect_once(
    host: str, port: int, hello: Hello, limits: Limits, start: float
) -> Connection:
    """One attempt of :func:`connect`, its deadlines counted from *start*."""
    loop = asyncio.get_running_loop()
    protocol = JoinProtocol(hello, limits, start)  # LocalProtocolError before any socket
    where = f"{host}:{port}"
    link: FramedLink | None = None
    try:
        # The connect itself is the one wait the protocol object cannot see; the answer's
        # deadline is the protocol object's, at the same moment.
        async with asyncio.timeout_at(start + limits.hello_timeout) as timer:
            _, link = await loop.create_connection(lambda: FramedLink(protocol), host, port)
    except TimeoutError:
        if not timer.expired():
            raise  # the system's own connect timeout: could not connect at all (OSError)
        raise HandshakeError(f"no answer from {where} within {limits.hello_timeout:g} s") from None
    try:
        event = await link.next_event()
    except ConnectionClosed as closed:
        await link.wait_closed()
        ending = protocol.ended
        if isinstance(ending, RefusedByHost):
            raise Refused(ending.refuse.reason, ending.refuse.code) from None
        if isinstance(ending, DeadlinePassed) and ending.deadline == "answer":
            raise HandshakeError(
                f"no answer from {where} within {limits.hello_timeout:g} s"
            ) from None
        if isinstance(ending, ProtocolFailed):
            raise HandshakeError(ending.error.reason) from ending.error
        raise HandshakeError(f"{where} closed the connection: {closed.reason}") from None
    except BaseException:
        # Cancelled: whoever cancelled us will never close this socket. Leave none behind.
        link.abort("cancelled or failed while connecting")
        raise
    assert isinstance(event, Welcomed)
    return Connection(link, welcome=event.welcome)
