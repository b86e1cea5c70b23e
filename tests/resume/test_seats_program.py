"""The join program and its seats file, end to end (issue 8 §3, §7, §8).

A damaged file costs the resume and shows one warning line — the join still sits down, with no
traceback and no hang; a token is only presented for the name it was given to; lines typed
while disconnected that a new seat makes pointless are counted, not silently dropped.
"""

from __future__ import annotations

import json
import os
import signal

import pytest

from tests.cli.harness import OPEN_LINE, Players
from tests.resume.tools import seats_file

pytestmark = pytest.mark.timeout(60)


def _one_warning(raw: bytes, words: str) -> None:
    text = raw.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert text.count(words) == 1, text


def test_a_fifo_at_the_seats_path_does_not_hang_the_join(players: Players) -> None:
    host, port = players.host()
    path = seats_file(players.home, "me")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)  # opening it for reading would wait for a writer forever
    join = players.join(port, "bob", state="me")
    host.expect("bob")
    _one_warning(join.raw, "not a regular file")
    join.say("/q")
    assert join.wait_exit() == 0


@pytest.mark.parametrize(
    "token", ["t" * 300, "tok\ud800"], ids=["token-over-256", "lone-surrogate"]
)
def test_a_token_the_protocol_rejects_costs_the_resume_not_the_join(
    players: Players, token: str
) -> None:
    host, port = players.host()
    path = seats_file(players.home, "me")
    path.parent.mkdir(parents=True)
    entry = {"token": token, "name": "bob", "host": "alice"}
    path.write_text(json.dumps({f"127.0.0.1:{port}": entry}), encoding="ascii")
    join = players.join(port, "bob", state="me")
    host.expect("bob")
    _one_warning(join.raw, "is damaged (1 unusable entry)")
    join.say("hello")
    host.expect("hello")


def test_another_name_from_the_same_account_never_takes_the_seat(players: Players) -> None:
    host, port = players.host()
    bob = players.join(port, "bob", state="me")
    host.expect("bob")
    carol = players.start("cli.join", str(port), "--name", "carol", state="me")
    # Without bob's token carol is a newcomer, and the one guest seat is taken: she watches.
    carol.expect("the table is full — watching alice and bob")
    bob.say("still here")
    host.expect("still here")
    carol.say("/q")
    assert carol.wait_exit() == 0
    bob.say("and still mine")  # carol leaving did not touch bob's seat
    host.expect("and still mine")


def test_lines_typed_while_disconnected_are_counted_when_the_seat_is_gone(
    players: Players,
) -> None:
    first, port = players.host()
    join = players.join(port, "bob", "--retry-for", "30", state="me")
    first.expect("bob")
    first.child.kill(signal.SIGKILL)  # a crash: no bye, the seat dies with the host
    join.expect("reconnecting")
    for line in ("one", "two", "three"):
        join.say(line)
        join.expect("will send when reconnected")
    second = players.start("cli.host", str(port), "--name", "alice")
    second.expect_re(OPEN_LINE)
    join.expect("as a new guest", timeout=15)
    join.expect("3 lines typed while disconnected were not sent: your seat was gone")
    second.expect("bob")
    join.say("fresh")
    second.expect("fresh")  # the new seat counts say.seq from 1 again
