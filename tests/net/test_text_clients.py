"""The pieces that let people on nc and telnet sit down: first bytes, telnet commands, lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from net.first_bytes import SILENCE, ClientKind, FirstBytes
from net.messages import Hello, encode_message
from net.telnet import IAC, TelnetFilter, escape_iac
from net.text_lines import LineDecoder, LineTooLong, encode_lines
from net.text_protocol import Ended, TextEvent, TextProtocol, TimedOut, TooLong, Typed
from tests.net.support import split_anywhere

WILL, WONT, DO, DONT, SB, SE, NOP = 251, 252, 253, 254, 250, 240, 241
ECHO, NAWS, SGA = 1, 31, 3
IP = 244  # Interrupt Process: telnet's Ctrl-C


# ---------------------------------------------------------------------------- first bytes


def test_a_join_a_negotiating_telnet_and_a_person_are_told_apart_by_the_first_byte() -> None:
    assert FirstBytes(0.0).receive_data(encode_message(Hello(name="bob"))) is ClientKind.FRAMED
    assert FirstBytes(0.0).receive_data(bytes((IAC, DO, SGA))) is ClientKind.TELNET
    assert FirstBytes(0.0).receive_data(b"bob\r\n") is ClientKind.TEXT
    assert FirstBytes(0.0).receive_data(b"") is None


def test_silence_means_a_person_waiting_for_a_prompt_only_after_the_deadline() -> None:
    sniff = FirstBytes(opened=10.0)
    assert sniff.next_deadline() == 10.0 + SILENCE
    assert sniff.handle_timeout(10.0 + SILENCE / 2) is None
    assert sniff.handle_timeout(10.0 + SILENCE) is ClientKind.TEXT
    assert sniff.next_deadline() is None
    # Decided once: later bytes do not change the verdict.
    assert sniff.receive_data(b"\x00\x00") is ClientKind.TEXT


@given(st.binary(min_size=1))
def test_every_first_chunk_gets_a_kind(data: bytes) -> None:
    kind = FirstBytes(0.0).receive_data(data)
    expected = {0x00: ClientKind.FRAMED, 0xFF: ClientKind.TELNET}.get(data[0], ClientKind.TEXT)
    assert kind is expected


# ------------------------------------------------------------------------------ telnet


def test_commands_are_removed_and_each_request_refused_once() -> None:
    telnet = TelnetFilter()
    data = telnet.receive_data(
        bytes((IAC, DO, ECHO, IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE))
        + b"hi"
        + bytes((IAC, NOP))
        + b"\r\n",
        0.0,
    )
    assert data == b"hi\r\n"
    assert telnet.negotiated
    assert telnet.data_to_send() == bytes((IAC, WONT, ECHO, IAC, DONT, NAWS))
    assert telnet.data_to_send() == b""
    # The same request again, or a refusal/acknowledgement, is never answered: no loop.
    telnet.receive_data(bytes((IAC, DO, ECHO, IAC, WONT, SGA, IAC, DONT, ECHO)), 0.0)
    assert telnet.data_to_send() == b""


def test_a_doubled_iac_is_a_data_byte_also_inside_a_subnegotiation() -> None:
    telnet = TelnetFilter()
    assert telnet.receive_data(bytes((0x41, IAC, IAC, 0x42)), 0.0) == b"A\xffB"
    assert not telnet.negotiated  # IAC IAC is data, not a command
    assert telnet.receive_data(bytes((IAC, SB, 24, IAC, IAC, 1, IAC, SE, 0x43)), 0.0) == b"C"


def test_a_client_that_never_negotiates_is_never_sent_telnet_bytes() -> None:
    telnet = TelnetFilter()
    assert telnet.receive_data(b"hello\r\n", 0.0) == b"hello\r\n"
    assert not telnet.negotiated and telnet.data_to_send() == b""


def test_an_endless_subnegotiation_keeps_nothing() -> None:
    telnet = TelnetFilter()
    assert telnet.receive_data(bytes((IAC, SB, 24)) + b"x" * 100_000, 0.0) == b""
    assert telnet.receive_data(bytes((IAC, SE)) + b"ok", 0.0) == b"ok"


def _no_iac(data: bytes) -> bytes:
    return data.replace(b"\xff", b"")


# Telnet commands of every shape, mixed with data bytes that are never IAC.
_commands = st.one_of(
    st.tuples(st.sampled_from((WILL, WONT, DO, DONT)), st.integers(0, 254)).map(
        lambda t: bytes((IAC, *t))
    ),
    st.integers(241, 249).filter(lambda c: c != IP).map(lambda c: bytes((IAC, c))),
    st.binary(max_size=20).map(
        lambda b: bytes((IAC, SB)) + b.replace(b"\xff", b"") + bytes((IAC, SE))
    ),
)
_data = st.binary(max_size=30).map(_no_iac)
#: These properties are about parsing: the lists of commands they draw may be long.
UNRATIONED = 1 << 30


@given(st.lists(st.tuples(_data, _commands)), st.lists(st.integers(0, 2000), max_size=6))
def test_data_survives_commands_split_anywhere(
    pieces: list[tuple[bytes, bytes]], cuts: list[int]
) -> None:
    stream = b"".join(data + command for data, command in pieces)
    telnet = TelnetFilter(burst=UNRATIONED)
    got = b"".join(telnet.receive_data(part, 0.0) for part in split_anywhere(stream, cuts))
    assert got == b"".join(data for data, _ in pieces)


@given(
    st.lists(st.tuples(_data, _commands)),
    st.binary().map(lambda b: bytes((IAC, IP)) + b),
    st.lists(st.integers(0, 2000), max_size=6),
)
def test_nothing_after_an_interrupt_counts(
    pieces: list[tuple[bytes, bytes]], after: bytes, cuts: list[int]
) -> None:
    stream = b"".join(data + command for data, command in pieces) + after
    telnet = TelnetFilter(burst=UNRATIONED)
    got = b"".join(telnet.receive_data(part, 0.0) for part in split_anywhere(stream, cuts))
    assert got == b"".join(data for data, _ in pieces)
    assert telnet.interrupted


@given(st.binary())
def test_escaped_data_comes_back_unchanged(data: bytes) -> None:
    assert TelnetFilter().receive_data(escape_iac(data), 0.0) == data


@given(st.binary())
def test_arbitrary_bytes_never_raise_and_replies_are_only_refusals(data: bytes) -> None:
    telnet = TelnetFilter()
    telnet.receive_data(data, 0.0)
    replies = telnet.data_to_send()
    assert len(replies) % 3 == 0
    for i in range(0, len(replies), 3):
        assert replies[i] == IAC and replies[i + 1] in (WONT, DONT)


# A plain nc user's bytes: any byte, but a 0xFF (Latin-1's ÿ) is followed by a byte that is no
# telnet command (236–255), or ends the stream.
_COMMAND_BYTES = range(236, 256)
_stray_bytes = st.lists(
    st.one_of(
        st.integers(0, 254).map(lambda b: bytes((b,))),
        st.integers(0, 235).map(lambda b: bytes((IAC, b))),
    )
).map(b"".join)


@given(_stray_bytes, st.booleans(), st.lists(st.integers(0, 2000), max_size=6))
def test_a_plain_clients_0xff_before_a_non_command_byte_is_data_split_anywhere(
    data: bytes, stray_iac_at_end: bool, cuts: list[int]
) -> None:
    stream = data + (bytes((IAC,)) if stray_iac_at_end else b"")
    telnet = TelnetFilter(stray_iac_is_data=True)
    got = b"".join(telnet.receive_data(part, 0.0) for part in split_anywhere(stream, cuts))
    assert got + telnet.finish() == stream
    assert not telnet.negotiated and telnet.data_to_send() == b""


@given(_data, st.sampled_from(_COMMAND_BYTES), _data)
def test_a_plain_client_still_gets_telnet_commands_parsed(
    before: bytes, command: int, after: bytes
) -> None:
    # A telnet that did not negotiate first still sends IAC IP for Ctrl-C, IAC IAC for 0xFF.
    telnet = TelnetFilter(stray_iac_is_data=True)
    strict = TelnetFilter()
    stream = before + bytes((IAC, command, ECHO)) + after
    assert telnet.receive_data(stream, 0.0) == strict.receive_data(stream, 0.0)
    assert telnet.interrupted == strict.interrupted


# ------------------------------------------------------------------------------- lines


def lines_of(decoder: LineDecoder, *chunks: bytes) -> list[str | LineTooLong]:
    out: list[str | LineTooLong] = []
    for chunk in chunks:
        decoder.receive_data(chunk)
        while (line := decoder.next_line()) is not None:
            out.append(line)
    return out


def test_crlf_lf_cr_nul_and_a_lone_cr_all_end_a_line() -> None:
    assert lines_of(LineDecoder(), b"a\r\nb\nc\r\x00d\re\n") == ["a", "b", "c", "d", "e"]


def test_a_crlf_split_between_reads_is_one_line_end() -> None:
    assert lines_of(LineDecoder(), b"a\r", b"\nb\r", b"\x00", b"c\n") == ["a", "b", "c"]


def test_bad_utf8_is_replaced_not_dropped() -> None:
    assert lines_of(LineDecoder(), b"caf\xe9\n") == ["caf\ufffd"]


def test_a_too_long_line_is_skipped_and_reported_and_the_next_one_is_read() -> None:
    decoder = LineDecoder(max_line=8)
    got = lines_of(decoder, b"0123456789", b"abcdef\nok\n")
    assert got == [LineTooLong(16, 8), "ok"]
    assert decoder.unfinished() is None


def test_what_follows_the_last_line_end_is_available_at_eof() -> None:
    decoder = LineDecoder()
    assert lines_of(decoder, b"hi\nbye") == ["hi"]
    assert decoder.unfinished() == "bye"


_typed = st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=40)


@given(
    st.lists(_typed, max_size=8),
    st.lists(st.sampled_from([b"\r\n", b"\n", b"\r\x00"]), min_size=8, max_size=8),
    st.lists(st.integers(0, 500), max_size=6),
)
def test_lines_round_trip_whatever_the_line_ends_and_the_splits(
    lines: list[str], ends: list[bytes], cuts: list[int]
) -> None:
    stream = b"".join(line.encode() + end for line, end in zip(lines, ends, strict=False))
    assert lines_of(LineDecoder(), *split_anywhere(stream, cuts)) == lines


@given(st.binary(), st.integers(1, 64))
def test_arbitrary_bytes_give_bounded_lines(data: bytes, limit: int) -> None:
    decoder = LineDecoder(max_line=limit)
    for line in lines_of(decoder, data):
        assert (
            isinstance(line, LineTooLong) or len(line.encode("utf-8", "surrogatepass")) <= 3 * limit
        )


def test_text_goes_out_with_crlf_line_ends() -> None:
    assert encode_lines("a\nb") == b"a\r\nb\r\n"


# ------------------------------------------------------------------------ a person's protocol


def events_of(protocol: TextProtocol) -> list[TextEvent]:
    out: list[TextEvent] = []
    while (event := protocol.next_event()) is not None:
        out.append(event)
    return out


def test_a_person_types_lines_and_a_last_line_without_enter_still_counts() -> None:
    person = TextProtocol()
    person.receive_data(b"bob\r\n/game tictactoe\n5", now=0.0)
    assert events_of(person) == [Typed("bob"), Typed("/game tictactoe")]
    person.receive_data(b"", now=1.0)
    assert events_of(person) == [Typed("5"), Ended()]


def test_a_too_long_line_is_an_event_and_the_conversation_goes_on() -> None:
    person = TextProtocol(max_line=4)
    person.receive_data(b"abcdefgh\nok\n", now=0.0)
    assert events_of(person) == [TooLong(8, 4), Typed("ok")]


def test_an_unanswered_prompt_times_out_once_and_an_answer_stops_the_clock() -> None:
    person = TextProtocol()
    assert person.next_deadline() is None
    person.expect_answer(now=10.0, timeout=5.0)
    person.handle_timeout(14.9)
    assert events_of(person) == []
    person.receive_data(b"bob\n", now=14.95)
    assert person.next_deadline() is None and events_of(person) == [Typed("bob")]
    person.expect_answer(now=20.0, timeout=5.0)
    person.handle_timeout(25.0)
    assert events_of(person) == [TimedOut(5.0)]
    person.receive_data(b"late\n", now=26.0)
    assert events_of(person) == []  # over: nothing more is read


def test_output_is_crlf_text_and_telnet_bytes_only_for_a_telnet_client() -> None:
    plain = TextProtocol()
    plain.receive_data(b"hi\n", now=0.0)
    assert plain.send("a\nb") == b"a\r\nb\r\n" and plain.data_to_send() == b""
    negotiating = TextProtocol(telnet=True)
    negotiating.receive_data(bytes((IAC, DO, ECHO)) + b"hi\r\n", now=0.0)
    assert events_of(negotiating) == [Typed("hi")]
    assert negotiating.data_to_send() == bytes((IAC, WONT, ECHO))
    assert negotiating.telnet


def test_ctrl_c_on_telnet_is_leaving_after_the_lines_before_it() -> None:
    person = TextProtocol(telnet=True)
    person.receive_data(b"gg\r\nhalf" + bytes((IAC,)), now=0.0)
    assert events_of(person) == [Typed("gg")]
    person.receive_data(bytes((IP,)) + b"more\r\n", now=0.1)
    assert events_of(person) == [Ended()]
    person.receive_data(b"", now=0.2)
    assert events_of(person) == []


def test_every_ctrl_c_timing_mark_is_answered_so_telnet_shows_the_goodbye() -> None:
    # telnet follows each IAC IP with DO TIMING-MARK and discards all it receives until that
    # is answered: refusing it only once would hide every later line from the person.
    telnet = TelnetFilter()
    timing_mark = 6
    for _ in range(2):
        assert telnet.receive_data(bytes((IAC, IP, IAC, DO, timing_mark)) + b"x\r\n", 0.0) == b""
        assert telnet.data_to_send() == bytes((IAC, WONT, timing_mark))
    assert telnet.interrupted


def test_latin1_0xff_from_nc_does_not_swallow_the_next_byte() -> None:
    # The sniffer saw text first (nc): "zo\xff\ne\n" is two lines, not the name "zoe".
    plain = TextProtocol()
    plain.receive_data(b"zo\xff\ne\n", now=0.0)
    assert events_of(plain) == [Typed("zo\ufffd"), Typed("e")]
    plain.receive_data(b"ok\xff", now=0.1)
    plain.receive_data(b"", now=0.2)
    assert events_of(plain) == [Typed("ok\ufffd"), Ended()]
    assert plain.send("x") == b"x\r\n" and not plain.telnet
    # A telnet that opened with IAC is read by telnet's rules in full.
    negotiating = TextProtocol(telnet=True)
    negotiating.receive_data(b"zo\xff\ne\n", now=0.0)
    assert events_of(negotiating) == [Typed("zoe")]


def test_bytes_encoded_once_for_many_get_the_same_escaping_as_text() -> None:
    # A broadcast's lines are encoded once and written to every person through send_encoded.
    negotiating = TextProtocol(telnet=True)
    assert negotiating.send_encoded(b"a\xffb\r\n") == b"a\xff\xffb\r\n"
    assert negotiating.send_encoded(encode_lines("ÿ ok")) == negotiating.send("ÿ ok")
    assert TextProtocol().send_encoded(b"a\xffb\r\n") == b"a\xffb\r\n"
