"""Other protocols' first words on a people's port: recognised, answered once, never seated.

A host that serves people on ``nc`` and ``telnet`` takes anything that is not a join for a
person. Other programs find the port too — a browser, a mail server, ``ssh``, ``redis-cli``,
a TLS client — by mistake or on purpose (a web page can make a browser post to any port:
cross-protocol scripting), and each opens with a line or a record of its own. None of them
may sit down at the table and have its request "typed" there. :func:`recognise` tells them
by the client's first bytes and its first line; the host then sends :attr:`OtherProtocol.answer`
— one plain line, in that protocol's own form of a refusal where it has one, so the program
reports a clean error — and closes. A line that merely looks odd is still a name: only these
shapes are taken for programs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["OTHER_PROTOCOLS", "OtherProtocol", "recognise"]


@dataclass(frozen=True)
class OtherProtocol:
    """A protocol that is not ours, and what a client speaking it is told before the close.

    Attributes:
        name: Its usual name ("HTTP").
        answer: The text sent (lines separated by ``\\n``; sent with CR LF line ends).
        first_line: What its client's first line looks like (matched from the start, spaces
            around the line dropped), or None for a protocol told by its first bytes.
        first_bytes: What its client's first bytes look like, or None.
    """

    name: str
    answer: str
    first_line: re.Pattern[str] | None = None
    first_bytes: re.Pattern[bytes] | None = None


_SERVES: Final = "this port serves tablechat (python -m cli.join, nc or telnet)"

OTHER_PROTOCOLS: Final = (
    # A request line, any case (methods are upper case by the RFC; not every client cares).
    OtherProtocol(
        "HTTP",
        "HTTP/1.0 400 Bad Request\nContent-Type: text/plain; charset=utf-8\n\n"
        "This port serves a tablechat table: python -m cli.join, nc or telnet — not HTTP.",
        first_line=re.compile(r"[a-z]{3,10} \S+ http/\d", re.IGNORECASE),
    ),
    # A TLS handshake record: content type 22, then a version 3.x (SSL 3.0 to TLS 1.3).
    OtherProtocol(
        "TLS",
        f"{_SERVES}: plain text, not TLS",
        first_bytes=re.compile(rb"\x16\x03[\x00-\x0f]"),
    ),
    # RFC 4253's identification string.
    OtherProtocol("SSH", f"{_SERVES}, not SSH", first_line=re.compile(r"SSH-\d+\.\d+-")),
    # A client's greeting (RFC 5321, LMTP's too); the argument, a domain, is required.
    OtherProtocol(
        "SMTP",
        f"554 {_SERVES}, not SMTP",
        first_line=re.compile(r"(?i:ehlo|helo|lhlo) \S+$"),
    ),
    # A command as every Redis client sends it: an array of bulk strings (RESP), "*<count>".
    OtherProtocol("Redis", f"-ERR {_SERVES}, not Redis", first_line=re.compile(r"\*[1-9]\d*$")),
)


def recognise(opening: bytes, first_line: str | None) -> OtherProtocol | None:
    """The other protocol a client speaks, told by how it began; None for a person.

    Args:
        opening: The first bytes the client sent, as they came.
        first_line: Its first line, decoded, once it has one.

    Returns:
        The protocol, or None.
    """
    line = None if first_line is None else first_line.strip()
    for protocol in OTHER_PROTOCOLS:
        by_bytes, by_line = protocol.first_bytes, protocol.first_line
        if by_bytes is not None and by_bytes.match(opening):
            return protocol
        if by_line is not None and line is not None and by_line.match(line):
            return protocol
    return None
