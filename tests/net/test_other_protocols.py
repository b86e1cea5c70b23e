"""Other protocols' openings are told apart from people's names (net.other_protocols)."""

from __future__ import annotations

import pytest

from net.other_protocols import OTHER_PROTOCOLS, recognise
from tests.net.support import CLIENT_HELLO


@pytest.mark.parametrize(
    ("opening", "first_line", "name"),
    [
        (b"GET / HTTP/1.1\r\n", "GET / HTTP/1.1", "HTTP"),
        (b"get /index.html http/1.0\r\n", "get /index.html http/1.0", "HTTP"),
        (b"POST /x HTTP/1.1\r\n", "  POST /x HTTP/1.1 ", "HTTP"),
        (b"PRI * HTTP/2.0\r\n", "PRI * HTTP/2.0", "HTTP"),
        (CLIENT_HELLO, None, "TLS"),
        (b"\x16\x03\x03\x00", None, "TLS"),  # TLS 1.2's record version
        (b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n", "SSH-2.0-OpenSSH_9.6p1 Ubuntu", "SSH"),
        (b"SSH-1.99-PuTTY\r\n", "SSH-1.99-PuTTY", "SSH"),
        (b"EHLO mail.example.org\r\n", "EHLO mail.example.org", "SMTP"),
        (b"helo [192.0.2.1]\r\n", "helo [192.0.2.1]", "SMTP"),
        (b"LHLO lmtp.example\r\n", "LHLO lmtp.example", "SMTP"),
        (b"*1\r\n$4\r\nPING\r\n", "*1", "Redis"),
        (b"*3\r\n$3\r\nSET\r\n", "*3", "Redis"),
    ],
)
def test_other_protocols_are_recognised_by_how_they_begin(
    opening: bytes, first_line: str | None, name: str
) -> None:
    other = recognise(opening, first_line)
    assert other is not None and other.name == name


@pytest.mark.parametrize(
    "line",
    [
        "bob",
        "ann marie",
        "Helo",  # a name: SMTP's greeting always names the sender's domain
        "ehlo",
        "ssh",
        "SSH 2",
        "GET",
        "get me a coffee",
        "http",
        "*",
        "*0",
        "* star",
        "16 03 01",
        "",
    ],
)
def test_a_person_typing_a_name_is_no_other_protocol(line: str) -> None:
    assert recognise(line.encode(), line) is None
    assert recognise(b"\xff\xfd\x01" + line.encode(), line) is None  # a telnet, negotiating


def test_a_record_that_is_not_tls_handshake_is_no_tls() -> None:
    assert recognise(b"\x16\x04\x01", None) is None  # no TLS version 4.x
    assert recognise(b"\x17\x03\x03", None) is None  # application data, not a hello
    assert recognise(b"\x16\x03", None) is None  # too little to tell


def test_every_answer_is_one_line_but_http_which_is_a_status_line_and_a_body() -> None:
    for other in OTHER_PROTOCOLS:
        if other.name == "HTTP":
            assert other.answer.startswith("HTTP/1.0 400 Bad Request\n")
            assert "\n\n" in other.answer
        else:
            assert "\n" not in other.answer and other.name in other.answer
