"""The sans-IO codec: exact framing, every rejection typed, sticky failure, bounded memory."""

from __future__ import annotations

import ast
import importlib
import json
import random
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from net import codec
from net.codec import DEFAULT_MAX_FRAME, HEADER_SIZE, MAX_DEPTH, Decoder, decode_body, encode
from net.errors import (
    DuplicateKey,
    EmptyFrame,
    FrameTooLarge,
    InvalidJson,
    InvalidUtf8,
    LocalProtocolError,
    MissingType,
    NestingTooDeep,
    NonFiniteNumber,
    NotAnObject,
    NumberTooLong,
    ProtocolError,
    RemoteProtocolError,
)


def frame(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


def decode_all(data: bytes, max_frame: int = DEFAULT_MAX_FRAME) -> list[dict[str, Any]]:
    return Decoder(max_frame).feed(data)


# --- strategies ---------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20 - 1), max_value=10**20 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
messages = st.builds(
    lambda kind, extra: {**extra, "type": kind},
    st.text(min_size=1, max_size=10),
    st.dictionaries(st.text(max_size=8), json_values, max_size=4),
)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    pieces, start = [], 0
    for point in [*points, len(data)]:
        pieces.append(data[start:point])
        start = point
    return pieces


# --- round trips --------------------------------------------------------------------------------


@given(st.lists(messages, min_size=1, max_size=5), st.lists(st.integers(min_value=0), max_size=20))
def test_any_chunking_round_trips(msgs: list[dict[str, Any]], cuts: list[int]) -> None:
    stream = b"".join(encode(m) for m in msgs)
    decoder = Decoder()
    out: list[dict[str, Any]] = []
    for piece in chunked(stream, cuts):
        out.extend(decoder.feed(piece))
    assert out == msgs
    assert not decoder.in_frame


@given(st.lists(messages, min_size=1, max_size=3))
@settings(max_examples=40)
def test_split_at_every_byte_offset(msgs: list[dict[str, Any]]) -> None:
    stream = b"".join(encode(m) for m in msgs)
    for offset in range(len(stream) + 1):
        decoder = Decoder()
        out = decoder.feed(stream[:offset]) + decoder.feed(stream[offset:])
        assert out == msgs


@given(messages)
@settings(max_examples=30)
def test_one_byte_at_a_time(msg: dict[str, Any]) -> None:
    decoder = Decoder()
    stream = encode(msg) * 2
    out: list[dict[str, Any]] = []
    for i in range(len(stream)):
        out.extend(decoder.feed(stream[i : i + 1]))
    assert out == [msg, msg]


@given(st.lists(messages, min_size=1, max_size=5))
@settings(max_examples=100)
def test_reading_what_frame_remaining_asks_for_ends_exactly_at_each_frame(
    msgs: list[dict[str, Any]],
) -> None:
    # What Link.get_buffer relies on to size its reads: never past the frame in progress.
    stream = b"".join(encode(m) for m in msgs)
    decoder = Decoder()
    out: list[dict[str, Any]] = []
    pos = 0
    while pos < len(stream):
        wanted = decoder.frame_remaining or HEADER_SIZE  # between frames: the next header
        decoder.receive_data(stream[pos : pos + wanted])
        pos += wanted
        message = decoder.next_message()
        if message is None:
            assert decoder.frame_remaining > 0
        else:
            out.append(message)
            assert decoder.frame_remaining == 0
    assert out == msgs


def test_frame_remaining_counts_the_header_then_the_declared_body() -> None:
    body = b'{"type":"abcde"}'
    data = frame(body)
    decoder = Decoder()
    assert decoder.frame_remaining == 0
    decoder.receive_data(data[:2])
    assert decoder.frame_remaining == 2
    decoder.receive_data(data[2:5])
    assert decoder.next_message() is None
    assert decoder.frame_remaining == len(body) - 1
    decoder.receive_data(data[5:])
    assert decoder.next_message() == {"type": "abcde"}
    assert decoder.frame_remaining == 0
    decoder.receive_data(b"\x00\x00\x00\x00")
    with pytest.raises(EmptyFrame):
        decoder.next_message()
    assert decoder.frame_remaining == 0  # a failed decoder waits for nothing


def test_frame_is_header_then_compact_utf8_json() -> None:
    data = encode({"type": "say", "seq": 1, "text": "héllo"})
    body = '{"type":"say","seq":1,"text":"héllo"}'.encode()
    assert data == len(body).to_bytes(4, "big") + body


def test_messages_before_an_error_in_the_same_chunk_are_not_lost() -> None:
    decoder = Decoder()
    decoder.receive_data(encode({"type": "a"}) + frame(b"[]"))
    assert decoder.next_message() == {"type": "a"}
    with pytest.raises(NotAnObject):
        decoder.next_message()


def test_whitespace_around_the_value_is_accepted() -> None:
    assert decode_body(b' \n{"type": "x"}\r\n\t') == {"type": "x"}


def test_escaped_surrogate_pair_is_accepted() -> None:
    assert decode_body(b'{"type":"x","t":"\\ud83d\\ude00"}') == {"type": "x", "t": "\U0001f600"}


# --- rejections ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"\xff", InvalidUtf8),
        (b'{"type":"x","t":"\xc3"}', InvalidUtf8),
        (b'{"type":"x","t":"\xed\xa0\x80"}', InvalidUtf8),  # UTF-8-encoded surrogate
        (b'{"type":"x","t":"\\ud800"}', InvalidUtf8),  # escaped lone surrogate
        (b'{"type":"x","t":"\\udc00x"}', InvalidUtf8),
        (b'{"type":"x","\\ud800":1}', InvalidUtf8),  # in a key too
        (b"\xef\xbb\xbf{}", InvalidJson),  # byte-order mark
        (b"{", InvalidJson),
        (b'{"type":"x"} {}', InvalidJson),
        (b'{"type":"x"}x', InvalidJson),
        (b"", InvalidJson),
        (b"[]", NotAnObject),
        (b'"type"', NotAnObject),
        (b"1", NotAnObject),
        (b"null", NotAnObject),
        (b"{}", MissingType),
        (b'{"type":""}', MissingType),
        (b'{"type":1}', MissingType),
        (b'{"type":null}', MissingType),
        (b'{"type":["x"]}', MissingType),
        (b'{"type":"x","type":"y"}', DuplicateKey),
        (b'{"type":"x","a":{"b":1,"b":2}}', DuplicateKey),
        (b'{"type":"x","n":NaN}', NonFiniteNumber),
        (b'{"type":"x","n":Infinity}', NonFiniteNumber),
        (b'{"type":"x","n":-Infinity}', NonFiniteNumber),
        (b'{"type":"x","n":1e999}', NonFiniteNumber),
        (b'{"type":"x","n":123456789012345678901}', NumberTooLong),
        (b'{"type":"x","n":-123456789012345678901}', NumberTooLong),
        (b'{"type":"x","n":0.' + b"1" * 100 + b"}", NumberTooLong),
    ],
)
def test_bad_bodies_are_rejected_with_a_typed_readable_error(
    body: bytes, error: type[RemoteProtocolError]
) -> None:
    with pytest.raises(error) as info:
        decode_all(frame(body) if body else b"\x00\x00\x00\x01 ")
    assert str(info.value) == info.value.reason
    assert len(info.value.reason) > 10


def test_twenty_digit_integers_are_fine() -> None:
    n = 10**20 - 1
    assert decode_body(b'{"type":"x","n":%d,"m":%d}' % (n, -n)) == {"type": "x", "n": n, "m": -n}


def test_five_thousand_digit_integer_is_rejected_before_int_sees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Work, not wall-clock time (which flakes on a loaded machine): int() of a long digit
    # string is the quadratic step, so the long literal must never reach it.
    converted: list[int] = []

    def counting_int(literal: str) -> int:
        converted.append(len(literal))
        return int(literal)

    monkeypatch.setattr(codec, "int", counting_int, raising=False)
    with pytest.raises(NumberTooLong, match="5000 digits"):
        decode_body(b'{"type":"x","k":7,"n":' + b"9" * 5000 + b"}")
    assert converted == [1]  # the short literal only


def nested(depth: int) -> bytes:
    # The outer object is depth 1; each array adds one.
    inner = depth - 1
    return b'{"type":"x","a":' + b"[" * inner + b"]" * inner + b"}"


def test_depth_limit_is_exact() -> None:
    assert decode_body(nested(MAX_DEPTH))["type"] == "x"
    with pytest.raises(NestingTooDeep):
        decode_body(nested(MAX_DEPTH + 1))


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = '[{"\\"' * 40
    assert decode_body(json.dumps({"type": "x", "t": text}).encode())["t"] == text


def test_deep_objects_are_rejected_too() -> None:
    body = b'{"type":"x","a":' + b'{"a":' * 40 + b"1" + b"}" * 40 + b"}"
    with pytest.raises(NestingTooDeep):
        decode_body(body)


def test_hundred_thousand_brackets_raise_our_error_not_recursion_error() -> None:
    body = b"[" * 100000 + b"]" * 100000
    with pytest.raises(NestingTooDeep):
        decode_all(frame(body), max_frame=len(body))


def test_unterminated_string_with_brackets_is_rejected_linearly() -> None:
    body = b'{"type":"x","a":[[' + b'"\\' * 30000
    start = time.perf_counter()
    with pytest.raises(InvalidJson):
        decode_body(body)
    # Deliberately generous: a linear scan of these 60 KB takes about a millisecond, a
    # quadratic one (~1.8e9 steps) minutes. Ten seconds cannot flake on a loaded CI machine
    # and still tells the two apart.
    assert time.perf_counter() - start < 10.0


def test_length_is_judged_from_the_header_alone() -> None:
    decoder = Decoder()
    assert decoder.feed(b"\xff\xff\xff") == []
    with pytest.raises(FrameTooLarge, match="4294967295"):
        decoder.feed(b"\xff")
    with pytest.raises(EmptyFrame):
        Decoder().feed(b"\x00\x00\x00\x00")


def test_exactly_the_limit_passes_and_one_over_fails() -> None:
    limit = 1000
    pad = limit - len(b'{"type":"x","p":""}')
    body = b'{"type":"x","p":"' + b"a" * pad + b'"}'
    assert len(body) == limit
    assert decode_all(frame(body), max_frame=limit)[0]["p"] == "a" * pad
    with pytest.raises(FrameTooLarge):
        Decoder(limit).feed(frame(body + b" ")[:4])


def test_errors_are_sticky() -> None:
    decoder = Decoder()
    with pytest.raises(InvalidUtf8) as first:
        decoder.feed(frame(b"\xff"))
    assert decoder.error is first.value
    with pytest.raises(InvalidUtf8):
        decoder.feed(encode({"type": "x"}))
    with pytest.raises(InvalidUtf8):
        decoder.next_message()
    assert decoder.buffered == 0


def test_a_sticky_error_does_not_grow_its_traceback() -> None:
    decoder = Decoder()
    with pytest.raises(InvalidUtf8):
        decoder.feed(frame(b"\xff"))
    depths = []
    for _ in range(1000):
        try:
            decoder.next_message()
        except InvalidUtf8 as exc:
            tb, depth = exc.__traceback__, 0
            while tb is not None:
                depth, tb = depth + 1, tb.tb_next
            depths.append(depth)
    assert len(depths) == 1000
    assert max(depths) == depths[0] <= 3  # this frame and next_message, each time afresh


@given(st.binary(max_size=3000), st.lists(st.integers(min_value=0), max_size=10))
@settings(max_examples=300)
def test_arbitrary_bytes_yield_messages_or_our_error(data: bytes, cuts: list[int]) -> None:
    decoder = Decoder(max_frame=256)
    try:
        for piece in chunked(data, cuts):
            for message in decoder.feed(piece):
                assert isinstance(message["type"], str)
            assert decoder.buffered <= 256 + 4
    except ProtocolError as exc:
        assert isinstance(exc, RemoteProtocolError)


@given(st.lists(messages, max_size=3), st.binary(max_size=200))
@settings(max_examples=100)
def test_valid_frames_then_garbage(msgs: list[dict[str, Any]], junk: bytes) -> None:
    decoder = Decoder()
    decoder.receive_data(b"".join(encode(m) for m in msgs) + junk)
    out = []
    try:
        while (message := decoder.next_message()) is not None:
            out.append(message)
    except RemoteProtocolError:
        pass
    assert out[: len(msgs)] == msgs


def test_a_mebibyte_of_random_bytes_stays_bounded() -> None:
    data = random.Random(3).randbytes(1 << 20)
    decoder = Decoder()
    try:
        for i in range(0, len(data), 4096):
            decoder.feed(data[i : i + 4096])
            assert decoder.buffered <= DEFAULT_MAX_FRAME + 4
    except RemoteProtocolError:
        pass


# --- encoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        {},
        {"type": ""},
        {"type": 3},
        {"type": "x", "n": float("nan")},
        {"type": "x", "n": float("inf")},
        {"type": "x", "t": "\ud800"},
        {"type": "x", "o": object()},
    ],
)
def test_encode_refuses_what_the_peer_would_reject(obj: dict[str, Any]) -> None:
    with pytest.raises(LocalProtocolError):
        encode(obj)


def test_encode_refuses_a_cycle() -> None:
    obj: dict[str, Any] = {"type": "x"}
    obj["self"] = obj
    with pytest.raises(LocalProtocolError, match="contains itself"):
        encode(obj)


def test_encode_output_matches_the_standard_library() -> None:
    obj = {"type": "x", "t": 'é\u2028\n"', "n": [1, 2.5, None, True], "o": {"a": -0.0}}
    expected = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode()
    assert encode(obj)[4:] == expected


def test_encode_refuses_an_oversized_frame() -> None:
    with pytest.raises(LocalProtocolError, match="over the 100-byte frame limit"):
        encode({"type": "x", "t": "a" * 100}, max_frame=100)
    assert isinstance(LocalProtocolError("x"), ValueError)


def test_decoder_rejects_a_silly_limit() -> None:
    with pytest.raises(ValueError):
        Decoder(0)


def imports_of(module: str) -> set[str]:
    path = importlib.import_module(f"net.{module}").__file__
    assert path is not None
    imported: set[str] = set()
    for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    return imported


@pytest.mark.parametrize("module", ["codec", "errors", "messages", "admission", "waiting"])
def test_sans_io_modules_import_no_io(module: str) -> None:
    assert not imports_of(module) & {"asyncio", "socket", "selectors", "threading", "time"}


@pytest.mark.parametrize(
    "module",
    ["codec", "errors", "messages", "admission", "link", "connection", "waiting", "accept_log"],
)
def test_net_imports_nothing_from_game_or_cli(module: str) -> None:
    assert not imports_of(module) & {"game", "cli"}
