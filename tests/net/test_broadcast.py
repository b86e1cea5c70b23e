"""Broadcast: one show, encoded once per form, the same bytes as encoding it for each receiver."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from net.broadcast import Broadcast
from net.errors import LocalProtocolError
from net.messages import Show, encode_message
from net.telnet import escape_iac
from net.text_lines import encode_lines
from tests.net.support import render

shows = st.builds(
    Show,
    kind=st.sampled_from(["chat", "notice", "error", "board", "result"]),
    text=st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
    sender=st.sampled_from([None, "ann", "bob"]),
    seq=st.one_of(st.none(), st.integers(1, 10**6)),
)


@given(shows)
def test_the_bytes_are_those_of_encoding_for_each_receiver_and_made_once(show: Show) -> None:
    calls: list[Show] = []

    def counting(shown: Show) -> str:
        calls.append(shown)
        return render(shown)

    broadcast = Broadcast(show)
    unnumbered = dataclasses.replace(show, seq=None)  # spectators have no catch-up
    for _ in range(3):
        assert broadcast.framed(65536) == encode_message(unnumbered)
        text = broadcast.text(counting)
        assert text == encode_lines(render(unnumbered))
    assert calls == [unnumbered]  # rendered once for every person who gets it
    # The same bytes serve a telnet client: UTF-8 never holds the byte telnet escapes.
    assert escape_iac(text) == text and 0xFF not in text
    assert broadcast.framed(65536) is broadcast.framed(65536)


def test_a_show_too_large_for_the_receivers_frame_is_refused_as_for_send() -> None:
    broadcast = Broadcast(Show(kind="notice", text="x" * 200))
    with pytest.raises(LocalProtocolError):
        broadcast.framed(100)
    assert len(broadcast.framed(65536)) > 200
