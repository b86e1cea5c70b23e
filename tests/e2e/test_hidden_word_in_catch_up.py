"""The hangman secret stays hidden in a resume catch-up: every frame the host sends the resuming
guesser is free of it until the game ends."""

from __future__ import annotations

import re

from tests.e2e.support import Players, RawClients

SECRET = "zebra"


def test_the_secret_is_absent_from_every_catch_up_frame(players: Players, raw: RawClients) -> None:
    host, port = players.host("alice")
    guest = raw.join(port, "bob")
    host.expect("bob sat down")
    guest.say(1, "hi alice")  # so the catch-up carries chat too
    host.expect("<bob> hi alice")
    host.say(f"/game hangman {SECRET}")
    host.expect("you set the secret; bob guesses")
    guest.until_text("your guess")
    guest.say(2, "e")
    host.expect("bob guessed e")
    guest.until_text("your guess")
    host.say("no hints from me")
    guest.until_text("no hints from me")
    token = guest.token
    guest.abort()
    host.expect("bob's connection dropped")

    back = raw.join(port, "bob", token=token)
    back.until_text("your guess")  # the end of the catch-up
    catch_up = back.shows
    assert any(show.kind == "board" for show in catch_up)
    for show in catch_up:
        assert SECRET not in show.text.lower(), show
        assert "secret:" not in show.text, show
    board = next(show.text for show in catch_up if show.kind == "board")
    word = re.search(r"word:\s+(.*)", board)
    assert word is not None and word.group(1).split() == ["_", "e", "_", "_", "_"], board

    for seq, letter in enumerate("zbra", start=3):
        back.say(seq, letter)
        host.expect(f"bob guessed {letter}")
    result = back.until(lambda show: show.kind == "result")
    assert SECRET in result.text  # revealed once the game is over
