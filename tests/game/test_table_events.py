"""game.table_events records: every event round-trips through JSON, and a record read back from
a journal with a wrong field — type, value or name — is refused with a clear sentence, never
turned into an event the table would choke on."""

from __future__ import annotations

import json
import typing
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.table_events import (
    Dropped,
    Freed,
    Line,
    Opened,
    Restarted,
    Resumed,
    Rotated,
    Sat,
    TableEvent,
    Unwatched,
    Watched,
    from_record,
    to_record,
)
from net.messages import MAX_INT

HASH = "ab" * 32
# Names the protocol accepts (net.messages.validate_name): a record holding another is damage.
names = st.text("abcdefghijklmnopqrstuvwxyzéø-_ 0123456789", min_size=1, max_size=32).filter(
    str.strip
)
hashes = st.text("0123456789abcdef", min_size=64, max_size=64)
finite = st.floats(allow_nan=False, allow_infinity=False)
addresses = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=64)
wire_ints = st.integers(min_value=0, max_value=MAX_INT)  # numbers that go back on the wire

# st.builds fills every field from its type hint, so a field added to an event is covered too;
# only the fields with rules beyond their type are drawn by hand.
events: st.SearchStrategy[TableEvent] = st.one_of(
    st.builds(Opened, host_name=names),
    st.builds(Sat, asked=names, token_hash=hashes),
    st.builds(Resumed, newest=hashes, older=st.none() | hashes),
    st.builds(Rotated, newest=hashes, older=st.none() | hashes),
    st.builds(Restarted, grace=st.floats(min_value=0, allow_infinity=False)),
    st.builds(Line, now=finite, seq=wire_ints, watcher=wire_ints),
    st.builds(Watched, name=names),
    st.builds(Unwatched, number=wire_ints),
    st.builds(Dropped, grace=st.floats(min_value=0, allow_infinity=False), address=addresses),
    st.builds(Freed),
)


@given(event=events)
def test_every_event_round_trips_through_json(event: TableEvent) -> None:
    record = json.loads(json.dumps(to_record(event)))
    assert from_record(record) == event


def test_every_event_kind_round_trips() -> None:
    examples: list[TableEvent] = [
        Opened("alice", 7),
        Opened("alice", 7, "gomoku 9"),
        Sat("bob", HASH),
        Resumed(HASH, None, True),
        Rotated(HASH, HASH),
        Restarted(300.0),
        Line("guest", "b2", 12.5, 3),
        Dropped(300.0),
        Dropped(300.0, seat="host", address="192.0.2.7"),
        Freed("left"),
        Watched("carol"),
        Unwatched(1, "flooding"),
        Line("spectator", "nice move", 13.0, 2, watcher=1),
    ]
    # A new kind of event must be added here, and to the strategy above.
    assert {type(e) for e in examples} == set(typing.get_args(TableEvent))
    assert [from_record(to_record(e)) for e in examples] == examples


def test_an_opening_without_a_game_is_written_and_read_as_before() -> None:
    # A one-table host's opening, and every journal written before openings named a game.
    assert to_record(Opened("alice", 7)) == {"event": "opened", "host_name": "alice", "seed": 7}
    assert from_record({"event": "opened", "host_name": "alice", "seed": 7}) == Opened("alice", 7)
    named = to_record(Opened("alice", 7, "tictactoe"))
    assert named == {"event": "opened", "host_name": "alice", "seed": 7, "game": "tictactoe"}


def test_an_openings_game_is_checked_as_the_wire_checks_a_say() -> None:
    with pytest.raises(ValueError, match="bad opened event: game must be a string"):
        from_record({"event": "opened", "host_name": "alice", "seed": 7, "game": 5})
    with pytest.raises(ValueError, match="bad opened event: game must be a text the wire carries"):
        from_record({"event": "opened", "host_name": "alice", "seed": 7, "game": "x\ud800"})


def test_a_drops_address_is_left_out_when_unknown_and_checked_when_read() -> None:
    assert to_record(Dropped(300.0)) == {"event": "dropped", "grace": 300.0}
    assert from_record({"event": "dropped", "grace": 300.0}) == Dropped(300.0)
    for bad in ("10.0.0.1\x1b[2J", "x" * 65, "10.0.0.1\u2028"):
        with pytest.raises(ValueError, match="bad dropped event: address must be an address"):
            from_record({"event": "dropped", "grace": 1.0, "address": bad})


def test_a_spectator_event_with_a_bad_field_is_refused() -> None:
    with pytest.raises(ValueError, match="bad unwatched event: number must not be negative"):
        from_record({"event": "unwatched", "number": -1, "why": "left"})
    with pytest.raises(ValueError, match="bad unwatched event: why must be one of"):
        from_record({"event": "unwatched", "number": 1, "why": "bored"})
    with pytest.raises(ValueError, match="bad line event: seat must be one of"):
        from_record({"event": "line", "seat": "bot", "text": "x", "now": 1.0})
    assert from_record({"event": "line", "seat": "spectator", "text": "x", "now": 1.0}) == Line(
        "spectator", "x", 1.0
    )


def test_an_int_is_a_float_but_true_is_no_number() -> None:
    assert from_record({"event": "dropped", "grace": 300}) == Dropped(300.0)
    assert isinstance(from_record({"event": "dropped", "grace": 300}), Dropped)
    with pytest.raises(ValueError, match="bad dropped event: grace must be a number"):
        from_record({"event": "dropped", "grace": True})
    huge = {"event": "opened", "host_name": "a", "seed": 10**400}
    assert from_record(huge) == Opened("a", 10**400)
    with pytest.raises(ValueError, match="bad opened event: seed must be a whole number"):
        from_record({"event": "opened", "host_name": "alice", "seed": 7.5})


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"event": "party"}, "unknown table event 'party'"),
        ({"event": 5}, "unknown table event '5'"),
        ({"seat": "host"}, "unknown table event 'None'"),
        ({"event": "opened", "host_name": "alice"}, "bad opened event: missing field 'seed'"),
        (
            {"event": "opened", "host_name": "alice", "seed": 1, "extra": 0},
            "bad opened event: unexpected field 'extra'",
        ),
        ({"event": "opened", "host_name": ["alice"], "seed": 1}, "host_name must be a string"),
        ({"event": "sat", "asked": "bob", "token_hash": "secret-token"}, "SHA-256 hash"),
        ({"event": "sat", "asked": "bob", "token_hash": HASH.upper()}, "SHA-256 hash"),
        ({"event": "resumed", "newest": HASH, "older": 5, "caught_up": True}, "older must be"),
        ({"event": "resumed", "newest": HASH, "older": None, "caught_up": 1}, "true or false"),
        ({"event": "line", "seat": "bot", "text": "x", "now": 1.0}, "seat must be one of"),
        ({"event": "line", "seat": "host", "text": None, "now": 1.0}, "text must be a string"),
        ({"event": "line", "seat": "host", "text": "x", "now": 1e400}, "finite number"),
        ({"event": "line", "seat": "host", "text": "x", "now": 10**400}, "finite number"),
        ({"event": "line", "seat": "guest", "text": "x", "now": 1.0, "seq": -1}, "negative"),
        ({"event": "dropped", "grace": -5}, "grace must not be negative"),
        ({"event": "freed", "why": "bored"}, "why must be one of"),
        ({"event": "freed", "why": "left", "detail": {}}, "detail must be a string"),
    ],
)
def test_a_wrong_record_is_refused_with_a_reason(record: dict[str, Any], why: str) -> None:
    with pytest.raises(ValueError, match=why.replace("(", r"\(")):
        from_record(record)


fields = st.sampled_from(["event", "seat", "text", "now", "seq", "grace", "why", "seed"])
values = st.one_of(
    st.sampled_from(["line", "dropped", "freed", "opened", "host", "left"]),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
)


@given(record=st.dictionaries(fields, values))
def test_anything_else_is_an_event_or_a_value_error(record: dict[str, Any]) -> None:
    try:
        event = from_record(record)
    except ValueError:
        return
    assert from_record(to_record(event)) == event


@pytest.mark.parametrize("name", ["", "   ", "eve\x1b[2J", "a<b", "x" * 33])
def test_a_name_the_protocol_refuses_is_damage(name: str) -> None:
    # The host's name goes into every welcome: a tampered journal must not bring back one the
    # join would reject (or a terminal would obey).
    with pytest.raises(ValueError):
        from_record({"event": "opened", "host_name": name, "seed": 1})
    with pytest.raises(ValueError):
        from_record({"event": "sat", "asked": name, "token_hash": HASH})


def test_a_whole_number_the_wire_cannot_carry_is_refused_when_read_back() -> None:
    # one re-checksummed record with seq 2**60 made a resume fail in the welcome
    record = {"event": "line", "seat": "guest", "text": "hi", "now": 1.0, "seq": 2**60}
    with pytest.raises(ValueError, match="at most 9007199254740991, as on the wire"):
        from_record(record)
