"""Exactly one connection owns the guest's seat, with the real host.

Several resumes with the same token at once (``cli.join`` run again while the first one is
still reconnecting), a resume while the old connection still lives, and a token presented
under another name. Every replaced connection gets ``bye`` "replaced" and is closed; nothing
it sends is applied.
"""

from __future__ import annotations

import signal

from tests.e2e.support import Players, WireGuests

REPLACED = [{"type": "bye", "reason": "another connection took this seat over", "code": "replaced"}]


def test_simultaneous_resumes_leave_exactly_one_owner(players: Players, wire: WireGuests) -> None:
    host, port, old = wire.bob_at_alices_table(players)
    token = old.token
    old.say(1, "before")
    host.expect("<bob> before")

    # The old connection never closes when told to (its program hangs), so the host waits for
    # it while more resumes with the same token arrive.
    resumes = [wire(port, "bob", token=token) for _ in range(3)]
    for resume in resumes:
        welcome = resume.answer()
        assert welcome["type"] == "welcome", welcome
        assert welcome["resumed"] is True and welcome["last_seq"] == 1
    # Every welcome has been sent, so every claim on the seat has been made: the owner is
    # settled, and a line from any other connection must not be applied.
    for number, resume in enumerate(resumes):
        resume.say(2, f"from resume {number}")
    owner = int(host.expect_re(rb"<bob> from resume (\d)").group(1))

    assert old.last_frames() == REPLACED
    for number, resume in enumerate(resumes):
        if number != owner:
            assert resume.last_frames() == REPLACED, f"resume {number} was kept"
    resumes[owner].say(3, "still my seat")
    host.expect("<bob> still my seat")
    assert host.raw.count(b"<bob> from resume") == 1
    assert b"dropped" not in host.raw and b"left the table" not in host.raw


def test_a_resume_replaces_the_old_connection_and_its_later_lines_are_dropped(
    players: Players, wire: WireGuests
) -> None:
    host, port, old = wire.bob_at_alices_table(players)
    token = old.token
    old.say(1, "before")
    host.expect("<bob> before")

    new = wire(port, "bob", token=token)
    welcome = new.answer()
    assert welcome["type"] == "welcome" and welcome["resumed"] is True
    old.say(2, "late from the old connection")  # the host has replaced it by now
    assert old.last_frames() == REPLACED
    new.say(2, "from the new connection")
    host.expect("<bob> from the new connection")
    assert b"late from the old connection" not in host.raw


def test_a_token_under_another_name_is_a_new_guest(players: Players, wire: WireGuests) -> None:
    host, port = players.host("alice")
    bob = wire(port, "bob")
    token = bob.token
    host.expect("bob sat down")

    carol = wire(port, "carol", token=token)
    welcome = carol.answer()
    assert welcome["type"] == "welcome" and welcome["watching"] is True, welcome
    assert welcome["token"] != token
    host.expect("carol is watching")  # a newcomer: the seat is taken, so she watches
    bob.say(1, "still here")
    host.expect("<bob> still here")
    assert b"bob is back" not in host.raw

    # The same name as the table reads names (spaces trimmed, case ignored) is a resume.
    bob.close()
    host.expect("bob's connection dropped")
    back = wire(port, " BOB ", token=token)
    welcome = back.answer()
    assert welcome["type"] == "welcome", welcome
    assert (welcome["resumed"], welcome["name"], welcome["last_seq"]) == (True, "bob", 1)
    host.expect("bob is back")


def test_a_resume_may_name_the_seat_or_the_name_first_asked(
    players: Players, wire: WireGuests
) -> None:
    """A guest who asked for the host's own name sits as "alice-2": a join that reconnects
    sends the seat name, one started again sends the name it was given on its command line."""
    host, port = players.host("alice")
    first = wire(port, "alice")
    assert first.answer()["name"] == "alice-2"
    host.expect("alice-2 sat down")
    token = first.token
    for name in ("alice-2", "alice"):
        first.close()
        host.expect("alice-2's connection dropped")
        again = wire(port, name, token=token)
        welcome = again.answer()
        assert welcome["type"] == "welcome" and welcome["resumed"] is True, welcome
        host.expect("alice-2 is back")
        first, token = again, welcome["token"]


def test_a_join_with_another_name_does_not_take_the_seat(players: Players) -> None:
    """`--name carol` from the account that holds bob's seat (the same state directory) sits
    down as a new guest — here: watches, the table being full — and never takes bob's seat."""
    host, port = players.host("alice")
    bob = players.join(port, "bob", state="same account")
    host.expect("bob sat down")
    carol = players.start("cli.join", str(port), "--name", "carol", state="same account")
    carol.expect("the table is full — watching alice and bob")
    host.expect("carol is watching")
    bob.say("still mine")
    host.expect("<bob> still mine")
    assert b"taken over" not in bob.raw
    bob.child.kill(signal.SIGKILL)
    host.expect("bob's connection dropped")
