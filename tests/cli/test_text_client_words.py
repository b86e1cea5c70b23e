"""What a person on nc/telnet reads once at the table: cli's words, not net's."""

from __future__ import annotations

from cli.text_client_words import seated, text_client_words
from net.messages import Welcome


def test_a_seated_person_is_told_where_they_sit_how_to_get_help_and_how_to_leave() -> None:
    bob = Welcome(name="bob", host="alice", token="t")
    assert seated(bob) == "you joined alice's table as bob — /help lists the commands, /q leaves"
    carol = Welcome(name="carol", host="alice", token="t", watching=True)
    assert seated(carol) == (
        "you are watching alice's table as carol — /help lists the commands, /q leaves"
    )


def test_the_words_the_host_builds_are_those() -> None:
    words = text_client_words(lambda: "alice", needs_code=False)
    assert words.seated is seated
