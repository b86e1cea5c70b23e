"""Messages: every valid one round-trips through the wire; every invalid one is refused, typed."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from net.codec import Decoder
from net.errors import InvalidField, LocalProtocolError, UnknownMessageType
from net.messages import (
    BYE_CODES,
    MAX_INT,
    REFUSE_CODES,
    SHOW_KINDS,
    Bye,
    Error,
    Hello,
    Message,
    Ping,
    Pong,
    Refuse,
    Say,
    Show,
    Welcome,
    encode_message,
    from_dict,
    validate_name,
)

# Names: 1–32 printable characters, not blank, no "<" or ">".
names = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\u202e<>"),
    min_size=1,
    max_size=32,
).filter(str.strip)
secrets_ = st.text(st.characters(codec="utf-8"), min_size=1, max_size=50)
texts = st.text(max_size=200)
ints = st.integers(min_value=0, max_value=MAX_INT)
reasons = st.text(min_size=1, max_size=80)

all_messages: st.SearchStrategy[Message] = st.one_of(
    st.builds(
        Hello,
        name=names,
        code=st.none() | secrets_,
        token=st.none() | secrets_,
        seen=st.none() | ints,
    ),
    st.builds(
        Welcome,
        name=names,
        host=names,
        token=secrets_,
        resumed=st.booleans(),
        last_seq=ints,
        watching=st.booleans(),
        lobby=st.none() | names,
    ),
    st.builds(Refuse, reason=reasons, code=st.sampled_from(sorted(REFUSE_CODES))),
    st.builds(Say, seq=ints, text=texts),
    st.builds(
        Show,
        kind=st.sampled_from(sorted(SHOW_KINDS)),
        text=texts,
        sender=st.none() | names,
        seq=st.none() | st.integers(min_value=1, max_value=MAX_INT),
    ),
    st.builds(Ping, id=ints),
    st.builds(Pong, id=ints),
    st.builds(Bye, reason=reasons, code=st.none() | st.sampled_from(sorted(BYE_CODES))),
    st.builds(Error, reason=reasons),
)


def wire(message: Message) -> Message:
    (obj,) = Decoder().feed(encode_message(message))
    return from_dict(obj)


@given(all_messages)
def test_every_valid_message_round_trips(message: Message) -> None:
    assert wire(message) == message


@given(st.lists(all_messages, min_size=1, max_size=4), st.data())
@settings(max_examples=50)
def test_message_streams_round_trip_under_any_split(msgs: list[Message], data: Any) -> None:
    stream = b"".join(encode_message(m) for m in msgs)
    cut = data.draw(st.integers(min_value=0, max_value=len(stream)))
    decoder = Decoder()
    objs = decoder.feed(stream[:cut]) + decoder.feed(stream[cut:])
    assert [from_dict(o) for o in objs] == msgs


def test_wire_shapes_match_the_contract() -> None:
    assert Hello(name="bob").to_dict() == {
        "type": "hello",
        "protocol": "tablechat",
        "version": 3,
        "name": "bob",
        "code": None,
        "token": None,
    }
    assert Show(kind="chat", text="hi", sender="ann").to_dict() == {
        "type": "show",
        "kind": "chat",
        "text": "hi",
        "from": "ann",
    }
    assert Welcome(name="bob", host="ann", token="t").to_dict()["last_seq"] == 0


def test_show_accepts_a_str_enum_kind_and_sends_its_value() -> None:
    class Kind(enum.StrEnum):
        CHAT = "chat"

    assert Show(kind=Kind.CHAT, text="x").to_dict()["kind"] == "chat"


def test_nullable_fields_may_be_omitted() -> None:
    assert from_dict({"type": "hello", "protocol": "tablechat", "version": 1, "name": "b"}) == (
        Hello(name="b", version=1)
    )
    assert from_dict({"type": "show", "kind": "notice", "text": ""}) == Show("notice", "")


@pytest.mark.parametrize(
    "build",
    [
        lambda: Hello(name=""),
        lambda: Hello(name="   "),
        lambda: Hello(name="x" * 33),
        lambda: Hello(name="bob\x1b[2J"),
        lambda: Hello(name="bob\n"),
        lambda: Hello(name="evil\u202etxt"),
        lambda: Hello(name="a\u2028b"),
        lambda: Hello(name="alice> I resign <x"),
        lambda: Hello(name="<alice>"),
        lambda: Welcome(name="bob>", host="ann", token="t"),
        lambda: Show(kind="chat", text="x", sender="a<b"),
        lambda: Hello(name=3),  # type: ignore[arg-type]
        lambda: Hello(name="bob", version=0),
        lambda: Hello(name="bob", protocol=""),
        lambda: Hello(name="bob", code=""),
        lambda: Hello(name="bob", token="t" * 257),
        lambda: Welcome(name="bob", host="ann", token=""),
        lambda: Welcome(name="bob", host="ann", token="t", resumed=1),  # type: ignore[arg-type]
        lambda: Welcome(name="bob", host="ann", token="t", last_seq=-1),
        lambda: Refuse(reason="no", code="nope"),
        lambda: Refuse(reason="", code="full"),
        lambda: Say(seq=-1, text="x"),
        lambda: Say(seq=True, text="x"),
        lambda: Say(seq=MAX_INT + 1, text="x"),
        lambda: Say(seq=1, text=None),  # type: ignore[arg-type]
        lambda: Say(seq=1, text="\ud800"),
        lambda: Show(kind="shout", text="x"),
        lambda: Show(kind="chat", text="x", sender=""),
        lambda: Ping(id=-5),
        lambda: Pong(id=1.5),  # type: ignore[arg-type]
        lambda: Bye(reason=""),
        lambda: Error(reason=""),
    ],
)
def test_invalid_construction_raises_local_protocol_error(build: Any) -> None:
    with pytest.raises(LocalProtocolError) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert "." in info.value.reason  # names the field, e.g. "hello.name must …"


def test_a_readable_reason_names_the_field_and_problem() -> None:
    with pytest.raises(LocalProtocolError, match=r"hello\.name must be at most 32 characters"):
        Hello(name="x" * 40)
    with pytest.raises(LocalProtocolError, match=r"control characters \(found U\+001B\)"):
        Hello(name="a\x1bb")
    with pytest.raises(LocalProtocolError, match=r"hello\.name must not contain < or >"):
        Hello(name="alice> I resign <x")


def test_a_name_is_refused_exactly_for_the_characters_that_could_rewrite_a_line() -> None:
    # Cc, Zl and Zp and the bidi controls all lie below U+3000; surrogates are refused as such.
    bidi = {*range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    for code in range(0x3000):
        char = chr(code)
        if unicodedata.category(char) == "Cs" or char in "<>":
            continue
        name = f"a{char}b"
        if unicodedata.category(char) in {"Cc", "Zl", "Zp"} or code in bidi:
            with pytest.raises(LocalProtocolError, match=rf"\(found U\+{code:04X}\)"):
                validate_name("hello.name", name)
        else:
            validate_name("hello.name", name)


@pytest.mark.parametrize(
    ("obj", "match"),
    [
        ({"type": "say", "seq": 1}, "lacks text"),
        ({"type": "say", "seq": 1, "text": "x", "extra": 1}, "unexpected field"),
        ({"type": "say", "seq": "1", "text": "x"}, "say.seq must be an integer"),
        ({"type": "say", "seq": 1.0, "text": "x"}, "say.seq must be an integer"),
        ({"type": "say", "seq": -1, "text": "x"}, "between 0"),
        ({"type": "show", "kind": "x", "text": "x", "from": None}, "show.kind"),
        # an unhashable sender is refused like any other that is not a name, never a TypeError
        ({"type": "show", "kind": "chat", "text": "x", "from": []}, "show.from"),
        ({"type": "show", "kind": "chat", "text": "x", "from": {}, "seq": 1}, "show.from"),
        ({"type": "welcome", "name": "b"}, "lacks"),
        ({"type": "ping", "id": None}, "ping.id"),
        ({"type": "refuse", "reason": "r", "code": ["full"]}, "refuse.code"),
        (  # the host answers this hello with refuse code bad-hello, naming the rule
            {"type": "hello", "protocol": "tablechat", "version": 1, "name": "alice> hi <x"},
            "hello.name must not contain < or >",
        ),
    ],
)
def test_invalid_fields_from_the_wire_raise_invalid_field(obj: dict[str, Any], match: str) -> None:
    with pytest.raises(InvalidField, match=match):
        from_dict(obj)


@pytest.mark.parametrize("kind", ["shout", "Say", "HELLO", "x" * 1000])
def test_unknown_type_is_typed(kind: str) -> None:
    with pytest.raises(UnknownMessageType) as info:
        from_dict({"type": kind})
    assert len(info.value.reason) < 80


def test_oversized_text_cannot_be_sent() -> None:
    with pytest.raises(LocalProtocolError, match="frame limit"):
        encode_message(Say(seq=1, text="x" * 70000))


def test_a_welcome_names_its_lobby_only_in_version_3() -> None:
    assert "lobby" not in Welcome(name="bob", host="ann", token="t").to_dict()
    at_lobby = Welcome(name="bob", host="ann", token="t", lobby="club")
    assert at_lobby.to_dict()["lobby"] == "club"
    assert from_dict(at_lobby.to_dict()) == at_lobby
    for version in (1, 2):  # an older join rejects a field it does not know
        assert "lobby" not in replace(at_lobby, version=version).to_dict()
    with pytest.raises(LocalProtocolError, match=r"welcome\.lobby"):
        Welcome(name="bob", host="ann", token="t", lobby="")


def test_version_2_fields_are_left_out_when_unset_so_a_version_1_peer_never_sees_them() -> None:
    assert "seen" not in Hello(name="bob").to_dict()
    assert "seq" not in Show(kind="chat", text="hi").to_dict()
    assert "code" not in Bye().to_dict()
    assert "watching" not in Welcome(name="bob", host="ann", token="t").to_dict()
    spectator = Welcome(name="carol", host="ann", token="t", watching=True)
    assert spectator.to_dict()["watching"] is True
    assert (
        "watching"
        not in Welcome(name="carol", host="ann", token="t", watching=True, version=1).to_dict()
    )  # a version 1 join rejects a field it does not know
    assert from_dict(spectator.to_dict()) == spectator
    assert Show(kind="chat", text="hi", seq=3).to_dict()["seq"] == 3
    assert from_dict({"type": "bye", "reason": "bob was put out", "code": "flooding"}) == Bye(
        "bob was put out", "flooding"
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Show(kind="chat", text="x", seq=0),  # show.seq starts at 1
        lambda: Show(kind="chat", text="x", seq=True),
        lambda: Hello(name="bob", seen=-1),
        lambda: Bye(reason="x", code="kicked"),
        lambda: Welcome(name="carol", host="ann", token="t", watching=1),  # type: ignore[arg-type]
    ],
)
def test_version_2_fields_are_checked(make: Any) -> None:
    with pytest.raises(LocalProtocolError):
        make()


def test_welcome_watching_from_the_wire_is_a_boolean() -> None:
    obj = {**Welcome(name="carol", host="ann", token="t").to_dict(), "watching": None}
    with pytest.raises(InvalidField, match=r"welcome\.watching must be true or false, not null"):
        from_dict(obj)
