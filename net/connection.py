"""The join's side of the wire: :func:`connect`, the :class:`Connection` it returns, and the
errors and limits that go with them (the host's side is :mod:`net.serving`).

A connection opens with a handshake: the join sends ``hello``; the host answers ``welcome``
(then both sides exchange ``say``/``show`` and keep-alive pings) or ``refuse`` (then closes).
:func:`connect` raises with both versions named when the host speaks another version, after
falling back one version at a time down to version 1.

The protocol rules — framing, the handshake and version negotiation, deadlines, keep-alive,
the ordered bye — live in the sans-IO protocol objects (:mod:`net.host_protocol`,
:mod:`net.join_protocol`); :class:`net.link.FramedLink` drives one over a socket; this module
is the typed surface on top. The host's side is apart so that a join never loads it: its
start-up time is measured (tests/bench/bench_startup.py).
"""

from __future__ import annotations

import asyncio
import logging

from net.errors import ConnectionClosed, HandshakeError, Refused
from net.framed_connection import Connection, PendingConnection
from net.join_protocol import JoinProtocol, fallback_hello
from net.link import CONNECTION_LOST, DEFAULT_LIMITS, FramedLink, Limits
from net.messages import Hello, Refuse
from net.protocol_events import DeadlinePassed, ProtocolFailed, RefusedByHost, Welcomed

__all__ = [
    "CONNECTION_LOST",
    "Connection",
    "ConnectionClosed",
    "HandshakeError",
    "Limits",
    "PendingConnection",
    "Refused",
    "connect",
]

log = logging.getLogger("net")


async def connect(
    host: str, port: int, hello: Hello, *, limits: Limits = DEFAULT_LIMITS
) -> Connection:
    """Connect to a host, send *hello* and wait for the answer (all within ``hello_timeout``).

    A host of an earlier version refuses a later hello with code ``version``: then the same
    hello is sent again one version lower (version 1 without ``seen``, PROTOCOL.md §3), each on
    a new connection and within what is left of the same ``hello_timeout``, down to version 1.

    Args:
        host: Address or name of the host.
        port: TCP port.
        hello: Our hello (name, and code/token when needed).
        limits: Deadlines and sizes.

    Returns:
        The open connection; ``connection.welcome`` holds the host's welcome (its
        ``version`` is the one spoken: lower after a fallback).

    Raises:
        Refused: The host refused us (``.reason`` for the person, ``.code`` for the program).
        HandshakeError: No answer in time, the host closed, speaks another protocol or
            version, or sent something invalid.
        OSError: Could not connect at all (e.g. ConnectionRefusedError: nothing listening).
        LocalProtocolError: The hello does not fit in a frame (nothing is connected).
    """
    start = asyncio.get_running_loop().time()
    while True:
        try:
            return await _connect_once(host, port, hello, limits, start)
        except Refused as refused:
            retry = fallback_hello(hello, Refuse(reason=refused.reason, code=refused.code))
            if retry is None:
                raise
            log.info(
                "%s:%d does not speak version %d: saying hello again in version %d",
                host,
                port,
                hello.version,
                retry.version,
            )
            hello = retry


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
