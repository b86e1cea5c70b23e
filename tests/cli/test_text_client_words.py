"""What a person on nc/telnet reads once at the table: cli's words, not net's."""

from __future__ import annotations

from cli.text_client_words import NC_NOTE, closing, seated, text_client_words
from net.messages import Welcome


def test_a_seated_person_is_told_where_they_sit_how_to_get_help_and_how_to_leave() -> None:
    bob = Welcome(name="bob", host="alice", token="t")
    assert seated(bob) == "you joined alice's table as bob — /help lists the commands, /q leaves"
    carol = Welcome(name="carol", host="alice", token="t", watching=True)
    assert seated(carol) == (
        "you are watching alice's table as carol — /help lists the commands, /q leaves"
    )
    # net adds it for a client that is not telnet (tests/net/test_text_serving.py)
    assert NC_NOTE == "(on nc, Ctrl-D stops your lines going out: use /q, or nc -N)"


def test_the_last_line_says_the_connection_is_closed_and_what_an_open_nc_needs() -> None:
    assert closing("alice left") == (
        "alice left — connection closed (press Enter if your nc is still open)"
    )


def test_the_words_the_host_builds_are_those() -> None:
    words = text_client_words(lambda: "alice", needs_code=False)
    assert words.seated is seated
    assert words.nc_note == NC_NOTE
