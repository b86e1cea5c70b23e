"""Join codes with the real host: wrong, right, rate-limited, printed."""

from __future__ import annotations

import re
import shlex
import socket
import sys

import pytest

from cli.hosting import is_loopback
from cli.joining import CODE_QUESTION, CODE_TRIES
from net.codec import encode
from net.messages import Hello
from tests.e2e.support import WAIT, Player, Players, RawClients, decode_all

CODE = "K7QX3M"


def _script_join(players: Players, *args: str) -> Player:
    """``python -m cli.join ARGS`` with its input not a terminal (a script): output still goes
    to a terminal, where the test reads it."""
    command = shlex.join([sys.executable, "-m", "cli.join", *args])
    return players.start_shell(f"exec {command} </dev/null")


def test_a_script_given_a_wrong_code_is_refused_in_one_sentence(players: Players) -> None:
    host, port = players.host("alice", "--code", CODE)
    wrong = _script_join(players, str(port), "--name", "bob", "--code", "K7Q-XXX")
    assert wrong.wait_exit() == 1
    text = wrong.raw.decode()
    assert "refused you: wrong join code — ask alice for the code" in text
    assert text.strip().count("\n") == 0 and "Traceback" not in text
    missing = _script_join(players, str(port), "--name", "bob")
    assert missing.wait_exit() == 1
    assert b"this table needs a join code" in missing.raw
    assert b"bob sat down" not in host.raw


def test_on_a_terminal_the_join_asks_for_the_code(players: Players) -> None:
    host, port = players.host("alice", "--code", CODE)
    join = players.start("cli.join", str(port), "--name", "bob")
    join.expect("this table needs a join code — ask alice for it")
    join.expect(CODE_QUESTION)
    join.say("K7Q-XXX")
    join.expect("wrong join code — ask alice for the code")
    join.expect(CODE_QUESTION)
    join.say("k7q x3m")  # any spelling, as with --code
    join.expect("you joined alice's table")
    host.expect("bob sat down")
    join.say("in")
    host.expect("<bob> in")


def test_on_a_terminal_wrong_codes_end_after_a_few_tries(players: Players) -> None:
    host, port = players.host("alice", "--code", CODE)
    join = players.start("cli.join", str(port), "--name", "bob", "--code", "AAAAAA")
    for _ in range(CODE_TRIES):
        join.expect("wrong join code — ask alice for the code")
        join.expect(CODE_QUESTION)
        join.say("BBBBBB")
    join.expect("refused you: wrong join code — ask alice for the code")
    assert join.wait_exit() == 1
    assert b"bob sat down" not in host.raw and b"Traceback" not in join.raw


def test_on_a_terminal_ctrl_d_at_the_code_question_gives_up(players: Players) -> None:
    _, port = players.host("alice", "--code", CODE)
    join = players.start("cli.join", str(port), "--name", "bob")
    join.expect(CODE_QUESTION)
    join.child.sendeof()
    join.expect("refused you: this table needs a join code")
    assert join.wait_exit() == 1


def test_the_code_from_the_environment(players: Players, monkeypatch: pytest.MonkeyPatch) -> None:
    host, port = players.host("alice", "--code", CODE)
    monkeypatch.setenv("TABLECHAT_CODE", "k7q-x3m")  # the programs' environment is ours
    join = players.join(port, "bob")
    host.expect("bob sat down")
    join.say("in")
    host.expect("<bob> in")


def test_the_right_code_in_any_spelling_is_accepted(players: Players) -> None:
    host, port = players.host("alice", "--code", CODE)
    join = players.join(port, "bob", "--code", "k7q x3m")
    host.expect("bob sat down")
    join.say("in")
    host.expect("<bob> in")
    join.say("/q")
    host.expect("bob left")
    dashes = players.join(port, "bob", "--code", "-K7Q-X3M-")  # a leading dash is no option
    host.expect("bob sat down")
    dashes.say("in again")
    host.expect("<bob> in again")


def test_wrong_codes_are_rate_limited(players: Players, raw: RawClients) -> None:
    _, port = players.host("alice", "--code", CODE)
    for guess in range(5):
        assert raw.refused(port, code=f"WRONG{guess}").code == "bad-code"
    limited = raw.refused(port, code=CODE)  # even the right code, for a while
    assert limited.code == "rate-limited"
    join = players.start("cli.join", str(port), "--name", "bob", "--code", CODE)
    assert join.wait_exit() == 1
    assert re.search(
        rb"too many wrong join codes from your address \xe2\x80\x94 try again in \d+ s", join.raw
    )


def _refusal_from(source: str, port: int, code: str) -> dict[str, object]:
    """Say hello from the loopback address *source* with *code*; return the host's refusal."""
    with socket.create_connection(("127.0.0.1", port), WAIT, (source, 0)) as sock:
        sock.sendall(encode(Hello(name="guesser", code=code).to_dict()))
        received = b""
        while chunk := sock.recv(65536):  # the host refuses, then closes
            received += chunk
    frames, error = decode_all(received)
    assert error is None and frames and frames[0]["type"] == "refuse", frames
    return frames[0]


def test_guessers_on_many_addresses_lock_out_no_one_and_the_host_is_told(
    players: Players,
) -> None:
    """50 wrong codes from ten addresses (all of 127.0.0.0/8 is this machine): each guessing
    address is held back, the newcomer with the code still sits down, and the host reads a few
    notices and a count, not fifty."""
    host, port = players.host("alice", "--code", CODE)
    for guesser in range(10):
        for guess in range(5):
            refusal = _refusal_from(f"127.0.0.{guesser + 10}", port, f"WRONG{guess}")
            assert refusal["code"] == "bad-code"
    host.expect("a wrong join code from 127.0.0.10")
    assert _refusal_from("127.0.0.10", port, CODE)["code"] == "rate-limited"
    assert re.fullmatch(
        r"too many wrong join codes from your address — try again in \d+ s",
        str(_refusal_from("127.0.0.11", port, CODE)["reason"]),
    )
    join = players.join(port, "bob", "--code", CODE)  # from 127.0.0.1, which never guessed
    host.expect("bob sat down")
    join.say("made it")
    host.expect("<bob> made it")
    assert host.raw.count(b"a wrong join code from") <= 3


def test_a_seat_token_needs_no_code(players: Players, raw: RawClients) -> None:
    host, port = players.host("alice", "--code", CODE)
    first = raw.join(port, "bob", code=CODE)
    host.expect("bob sat down")
    token = first.token
    first.abort()
    host.expect("bob's connection dropped")
    back = raw.join(port, "bob", token=token)  # no code: the token proves the seat
    host.expect("bob is back")
    back.say(1, "hi")
    host.expect("<bob> hi")


def test_a_host_on_the_network_prints_a_code(players: Players, raw: RawClients) -> None:
    host = players.start("cli.host", "0", "--name", "alice", "--bind", "0.0.0.0")
    opening = host.expect_re(
        rb"table is open on 0\.0\.0\.0:(\d+) \xe2\x80\x94 join code ([2-9A-Z]{4}-[2-9A-Z]{4})"
        rb" \xe2\x80\x94 waiting for someone to join\r\n"
        rb"\* to join: python3 -m cli\.join (?:--host \S+ )?--code ([2-9A-Z-]{9}) (\d+)"
    )
    port, code = int(opening.group(1)), opening.group(2).decode()
    assert opening.group(3).decode() == code and int(opening.group(4)) == port
    host.expect("<alice> ")
    assert raw.refused(port).code == "bad-code"  # no code at all
    join = players.join(port, "bob", "--code", code)  # via 127.0.0.1 only
    host.expect("bob sat down")
    join.say("found you")
    host.expect("<bob> found you")


@pytest.mark.parametrize(
    ("bind", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("myhost.example", False),  # a name may resolve to anything: ask for a code
    ],
)
def test_which_addresses_need_a_code(bind: str, loopback: bool) -> None:
    assert is_loopback(bind) is loopback


def test_a_host_on_another_loopback_address_gives_the_command_that_reaches_it(
    players: Players,
) -> None:
    host = players.start("cli.host", "0", "--name", "alice", "--bind", "127.0.0.2")
    opening = host.expect_re(rb"table is open on 127\.0\.0\.2:(\d+)")
    port = int(opening.group(1))
    host.expect(f"to join: python3 -m cli.join --host 127.0.0.2 {port}")
    host.expect("<alice> ")
    join = players.start("cli.join", "--host", "127.0.0.2", str(port), "--name", "bob")
    join.expect("you joined alice's table")
