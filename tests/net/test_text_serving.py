"""People on nc/telnet served on the same port as joins, over real sockets.

A raw socket on 127.0.0.1 plays the person: it reads the banner, answers the prompts and types
lines with every line end a client sends, and keeps every byte it received.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import socket
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from net.broadcast import Broadcast
from net.connection import ConnectionClosed, connect
from net.errors import RemoteProtocolError
from net.messages import Hello, Say, Show, Welcome
from net.serving import CROWDED, PendingText, TextConnection
from tests.net.support import (
    CLIENT_HELLO,
    CODE_PROMPT,
    GREETING,
    LOAD_MARGIN,
    STEADY,
    WAIT,
    Pending,
    Person,
    TextHost,
    close_quietly,
    decode_frames,
    host_side_socket,
    next_of,
    pending_of,
    run,
    service,
    short_prompts,
    split_anywhere,
    start_text_host,
)

IAC, WILL, WONT, DO, DONT = 255, 251, 252, 253, 254
ECHO, SGA = 1, 3


async def seated(port: int, name: str = "bob") -> Person:
    person = await Person.connect(port)
    await person.sit_down(name)
    return person


def with_one_person(
    scenario: Callable[[TextHost, Person], Awaitable[None]],
    arrive: Callable[[int], Awaitable[Person]] = Person.connect,
) -> None:
    """Run *scenario* with a text host and one person who has *arrive*d (connected, or
    :func:`seated`); both are closed afterwards, whatever happened."""

    async def main() -> None:
        host = await start_text_host()
        person = await arrive(host.port)
        try:
            await scenario(host, person)
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_a_person_is_greeted_asked_again_with_the_reason_and_asked_the_code() -> None:
    async def main() -> None:
        host = await start_text_host(service(needs_code=True))
        person = await Person.connect(host.port)
        try:
            # Silent at first, as a person waiting for a prompt is: the banner comes anyway.
            assert await person.line() == GREETING
            person.type(b"<bob>\r\n")
            assert await person.line() == (
                "! your name must not contain < or > (they would make it look like a chat line)"
            )
            assert await person.line() == "what is your name?"
            person.type(b"  bob \n")
            assert await person.line() == CODE_PROMPT
            person.type(b"s3cret\r\x00")
            pending = await pending_of(host.pendings)
            assert isinstance(pending, PendingText) and pending.kind == "text"
            assert pending.hello == Hello(name="bob", code="s3cret", version=1)
            assert pending.peer[0] == "127.0.0.1"
            # net's own words name no command (the host program's service adds them).
            assert await person.line() == "* you joined ann's table as bob"
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_a_seated_person_reads_the_host_programs_words_for_where_they_sit() -> None:
    def seated(welcome: Welcome) -> str:
        return f"{welcome.name} at {welcome.host}'s, watching={welcome.watching} — /help"

    async def watch_everyone(pending: Pending) -> bool:
        welcome = Welcome(name=pending.hello.name, host="ann", token="t", watching=True)
        await pending.accept(welcome)
        return False

    async def main() -> None:
        host = await start_text_host(
            dataclasses.replace(service(), seated=seated), decide=watch_everyone
        )
        person = await Person.connect(host.port)
        try:
            assert await person.line() == GREETING
            person.type(b"carol\r\n")
            assert await person.line() == "* carol at ann's, watching=True — /help"
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


@pytest.mark.parametrize(
    ("line_end", "told"),
    [
        (b"\n", True),  # nc: LF alone
        (b"\r\n", False),  # telnet, even one that never negotiated: its lines end CR LF
        (b"\r\x00", False),  # CR NUL, the network virtual terminal's bare CR
    ],
)
def test_the_nc_note_is_for_clients_that_are_not_telnet(line_end: bytes, told: bool) -> None:
    async def main() -> None:
        host = await start_text_host(dataclasses.replace(service(), nc_note="(nc: Ctrl-D)"))
        person = await Person.connect(host.port)
        try:
            person.type(b"carol" + line_end)
            assert await person.line() == GREETING
            note = " (nc: Ctrl-D)" if told else ""
            assert await person.line() == f"* you joined ann's table as carol{note}"
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_three_unusable_names_end_the_connection_with_the_reason() -> None:
    async def main(host: TextHost, person: Person) -> None:
        person.type(b"\r\n")  # a first byte: no waiting for the silence
        assert await person.line() == GREETING
        assert await person.line() == "! your name must not be empty"
        assert await person.line() == "what is your name?"
        person.type(b"x" * 40 + b"\r\n")
        assert (await person.line()).startswith("! your name must be at most 32 characters")
        assert await person.line() == "what is your name?"
        person.type(b"   \r\n")
        assert await person.line() == "! your name must not be empty — goodbye"
        assert await person.rest() == b""
        assert host.pendings.empty()

    with_one_person(main)


def test_an_http_request_is_answered_as_http_and_never_sits_down() -> None:
    # A browser, or a web page posting to this port (cross-protocol scripting), must never
    # take a seat and have its request "typed" at the table.
    async def main(host: TextHost, person: Person) -> None:
        person.type(b"POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n/game tictactoe\r\n")
        # It spoke first: no banner before the status line, or it is not HTTP at all.
        reply = await person.rest()
        assert reply.startswith(b"HTTP/1.0 400 Bad Request\r\n")
        assert b"\r\n\r\n" in reply and b"not HTTP" in reply
        assert GREETING.encode() not in reply
        assert host.pendings.empty()  # never handed to the host program

    with_one_person(main)


def test_an_http_request_line_after_the_banner_is_still_answered_and_never_sits_down() -> None:
    # A client that waited for the banner (or whose request came after it) has read it
    # already: it still gets the HTTP answer, and nothing it sent reaches the table.
    async def main(host: TextHost, person: Person) -> None:
        assert await person.line() == GREETING
        person.type(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        assert await person.line() == "HTTP/1.0 400 Bad Request"
        assert b"not HTTP" in await person.rest()
        assert host.pendings.empty()

    with_one_person(main)


@pytest.mark.parametrize(
    ("opening", "answer"),
    [
        (b"get / http/1.1\r\nhost: x\r\n\r\n", "HTTP/1.0 400 Bad Request"),
        (
            CLIENT_HELLO,
            "this port serves tablechat (python -m cli.join, nc or telnet): plain text, not TLS",
        ),
        (
            b"SSH-2.0-OpenSSH_9.6p1\r\n",
            "this port serves tablechat (python -m cli.join, nc or telnet), not SSH",
        ),
        (
            b"*1\r\n$4\r\nPING\r\n",
            "-ERR this port serves tablechat (python -m cli.join, nc or telnet), not Redis",
        ),
    ],
    ids=["lower-case http", "tls", "ssh", "redis"],
)
def test_another_protocols_client_that_speaks_first_reads_one_answer_and_is_closed(
    opening: bytes, answer: str
) -> None:
    async def main(host: TextHost, person: Person) -> None:
        person.type(opening)
        assert await person.line() == answer  # first: no banner before it
        rest = await person.rest()
        assert GREETING.encode() not in rest and (answer.startswith("HTTP") or rest == b"")
        assert host.pendings.empty()  # never handed to the host program

    with_one_person(main)


def test_an_smtp_client_that_waits_for_a_greeting_is_answered_after_the_banner() -> None:
    async def main(host: TextHost, person: Person) -> None:
        assert await person.line() == GREETING  # a mail client waits for the server to speak
        person.type(b"EHLO mail.example.org\r\n")
        assert await person.line() == (
            "554 this port serves tablechat (python -m cli.join, nc or telnet), not SMTP"
        )
        assert await person.rest() == b""
        assert host.pendings.empty()

    with_one_person(main)


def test_a_person_typing_ahead_of_the_banner_still_reads_it() -> None:
    async def main(host: TextHost, person: Person) -> None:
        person.type(b"bob\r\n")
        assert await person.line() == GREETING
        assert (await person.line()).startswith("* you joined ann's table as bob")

    with_one_person(main)


def test_lines_come_numbered_whatever_ends_them_and_empty_ones_are_skipped() -> None:
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        assert isinstance(connection, TextConnection) and connection.version == 1
        for data in (b"one\r", b"\x00two\n", b"\r\n", b"thr", b"ee\r\n", b"caf\xc3\xa9\r"):
            person.type(data)
        person.type(b"\nlast")
        said = [await asyncio.wait_for(connection.recv(), WAIT) for _ in range(4)]
        assert said == [
            Say(seq=1, text="one"),
            Say(seq=2, text="two"),
            Say(seq=3, text="three"),
            Say(seq=4, text="café"),
        ]
        person.writer.write_eof()  # nc's Ctrl-D: the unfinished line, then leaving
        assert await asyncio.wait_for(connection.recv(), WAIT) == Say(seq=5, text="last")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.recv(), WAIT)
        assert closed.value.cause == "left"

    with_one_person(main, arrive=seated)


def test_a_too_long_line_is_answered_on_that_connection_and_never_delivered() -> None:
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        said = asyncio.ensure_future(connection.recv())  # the host reads all the time
        person.type(b"y" * 5000 + b"\r\nok\r\n")
        assert await person.line() == (
            "! that line was too long (5000 bytes, at most 4096) and was not sent"
        )
        assert await asyncio.wait_for(said, WAIT) == Say(seq=1, text="ok")

    with_one_person(main, arrive=seated)


def test_blank_lines_by_the_hundred_thousand_are_skipped_and_the_next_line_still_arrives() -> None:
    # Far more than the 64 unread lines at which the host stops reading the socket: skipping
    # them all must let it read again.
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        person.type(b"\n" * 100_000 + b" \t\r\n" * 20_000 + b"\r\x00" * 20_000)
        person.type(b"hello\r\n")
        assert await asyncio.wait_for(connection.recv(), WAIT) == Say(seq=1, text="hello")

    with_one_person(main, arrive=seated)


def test_shows_are_rendered_as_crlf_lines_and_the_close_reason_is_the_last_line() -> None:
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        connection.send_nowait(Show(kind="board", text=" X | O \n---+---"))
        await connection.send(Show(kind="chat", text="hi \xff", sender="ann"))
        assert [await person.line() for _ in range(3)] == [
            "   X | O ",
            "  ---+---",
            "<ann> hi ÿ",
        ]
        closing = asyncio.ensure_future(connection.close("ann left", code="left"))
        assert await person.rest() == b"* ann left\r\n"
        person.close()  # as nc and telnet do when the host closes
        await closing
        assert connection.closed is not None
        with pytest.raises(ConnectionClosed):
            connection.send_nowait(Show(kind="notice", text="too late"))
        # A non-negotiating client never gets a 0xFF byte (ÿ is UTF-8: C3 BF).
        assert 0xFF not in person.received

    with_one_person(main, arrive=seated)


def test_a_refused_person_reads_the_reason_then_the_connection_closes() -> None:
    async def refuse(pending: PendingText | object) -> bool:
        assert isinstance(pending, PendingText)
        pending.tell(Show(kind="notice", text="ann is asked whether you may sit down"))
        await pending.refuse("this table is full", "full")
        with pytest.raises(RuntimeError):
            pending.tell(Show(kind="notice", text="too late"))
        return False

    async def main() -> None:
        host = await start_text_host(decide=refuse)
        person = await Person.connect(host.port)
        try:
            assert await person.line() == GREETING
            person.type(b"bob\r\n")
            assert await person.rest() == (
                b"* ann is asked whether you may sit down\r\n! this table is full\r\n"
            )
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_telnet_commands_split_across_writes_are_dropped_and_refused_once() -> None:
    async def main(host: TextHost, person: Person) -> None:
        # The first byte is IAC: a negotiating telnet. The request arrives in two writes.
        # Two writes, two segments (no Nagle); the host may still read them as one: every
        # split is in test_text_clients' properties, this is the socket path.
        person.type(bytes((IAC, DO)))
        await person.writer.drain()
        person.type(bytes((ECHO,)))
        refusal = await asyncio.wait_for(person.reader.readexactly(3), WAIT)
        assert refusal == bytes((IAC, WONT, ECHO))
        assert await person.line() == GREETING
        # The same request again, and a refusal of ours acknowledged: never answered.
        person.type(bytes((IAC, DO, ECHO, IAC, DONT, SGA)) + b"b" + bytes((IAC,)))
        person.type(bytes((WILL,)))
        person.type(bytes((SGA,)) + b"ob\r\n")
        refusal = await asyncio.wait_for(person.reader.readexactly(3), WAIT)
        assert refusal == bytes((IAC, DONT, SGA))
        assert await person.line() == "* you joined ann's table as bob"
        pending = await pending_of(host.pendings)
        assert pending.hello.name == "bob"

    with_one_person(main)


def test_telnet_commands_without_end_are_answered_with_the_limit_and_closed() -> None:
    # A person's telnet sends a dozen commands on connecting and two per Ctrl-C; each one
    # costs the host a step of its own, so a stream of them is cut off.
    async def main(host: TextHost, person: Person) -> None:
        person.type(bytes((IAC, 241)) * 100_000)  # IAC NOP
        assert await person.line() == GREETING
        assert await person.line() == (
            "! too many telnet commands (more than 200 at once or 2 a second) — goodbye"
        )
        assert await person.rest() == b""
        assert host.pendings.empty()
        close_quietly(await seated(host.port, "carol"))  # the host still serves the next one

    with_one_person(main)


def test_an_unanswered_prompt_closes_the_connection() -> None:
    # 0.3 s, far below anything else that could end it (the hello deadline is not used here).
    async def main() -> None:
        host = await start_text_host(short_prompts(0.3))
        person = await Person.connect(host.port)
        try:
            loop = asyncio.get_running_loop()
            assert await person.line() == GREETING
            asked = loop.time()
            assert (
                await person.line(timeout=0.3 + LOAD_MARGIN) == "! no answer within 0.3 s — goodbye"
            )
            assert loop.time() - asked >= 0.3 - 0.05
            assert await person.rest() == b""
            assert host.pendings.empty()
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_a_join_still_sits_down_on_the_same_port_and_a_broadcast_reaches_both_kinds() -> None:
    async def main(host: TextHost, person: Person) -> None:
        text_connection = await next_of(host.connections)
        join = await connect("127.0.0.1", host.port, Hello(name="carol"), limits=STEADY)
        framed = await next_of(host.connections)
        assert framed.kind == "framed" and text_connection.kind == "text"
        broadcast = Broadcast(Show(kind="chat", text="gg", sender="ann", seq=7))
        framed.send_broadcast(broadcast)
        text_connection.send_broadcast(broadcast)
        assert await asyncio.wait_for(join.recv(), WAIT) == Show(
            kind="chat", text="gg", sender="ann"
        )
        assert await person.line() == "<ann> gg"
        await join.send(Say(seq=1, text="hello"))
        assert await asyncio.wait_for(framed.recv(), WAIT) == Say(seq=1, text="hello")
        await join.close()

    with_one_person(main, arrive=seated)


def test_a_person_whose_client_stops_reading_is_dropped() -> None:
    limits = dataclasses.replace(STEADY, max_send_buffer=64 * 1024)

    async def main() -> None:
        host = await start_text_host(limits=limits)
        person = await seated(host.port)
        try:
            connection = await next_of(host.connections)
            line = Show(kind="notice", text="z" * 1000)
            with pytest.raises(ConnectionClosed) as closed:
                for _ in range(100_000):  # far beyond the kernel's buffers too
                    connection.send_nowait(line)
            assert closed.value.cause == "lost" and "not reading" in closed.value.reason
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_fail_tells_the_person_and_ends_the_connection_as_an_error() -> None:
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        connection.fail(RemoteProtocolError("you broke a rule"))
        assert await person.rest() == b"! you broke a rule\r\n"
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.recv(), WAIT)
        assert closed.value.cause == "error"

    with_one_person(main, arrive=seated)


def test_the_waiting_room_cap_covers_people_at_their_prompts_and_silent_connections() -> None:
    limits = dataclasses.replace(STEADY, max_pending=3, max_pending_per_address=3)

    async def main() -> None:
        host = await start_text_host(limits=limits)
        people: list[Person] = []
        try:
            # Two people typing at the name prompt, then two silent connections.
            people += [await person_typing(host.port) for _ in range(2)]
            people += [await Person.connect(host.port) for _ in range(2)]
            # The fourth made room, not by turning away a person who typed, though they have
            # waited longest, but the connection that sent nothing.
            await silent_one_turned_away(people[2])
            # A third person typing: the other silent one goes for them.
            people.append(await person_typing(host.port))
            await silent_one_turned_away(people[3])
            # Everyone waiting has typed: the one waiting longest is turned away, told why.
            people.append(await Person.connect(host.port))
            await person_told_crowded(people[0])
            people[1].type(b"bob\r\n")
            assert await people[1].line() == "what is your name?"
            assert (await people[1].line()).startswith("* you joined")
            # The latest is still served: a person after the silence.
            assert await people[5].line() == GREETING
        finally:
            close_quietly(*people)
            await host.aclose()

    run(main())


async def person_typing(port: int) -> Person:
    """A person at the name prompt who has typed something (an empty name: asked again)."""
    person = await Person.connect(port)
    person.type(b"\r\n")
    assert await person.line() == GREETING
    assert await person.line() == "! your name must not be empty"
    return person


async def person_told_crowded(person: Person) -> None:
    assert await person.line() == "what is your name?"
    await person_told_crowded_now(person)


async def silent_one_turned_away(person: Person) -> None:
    """A silent connection was closed to make room: still at the sniffer, without a word (its
    kind unknown); after the half second of silence, told why like any person at a prompt."""
    rest = await person.rest()
    assert rest in (b"", f"{GREETING}\r\n! {CROWDED}\r\n".encode()), rest


def test_a_flood_of_silent_connections_stays_within_the_cap() -> None:
    limits = dataclasses.replace(STEADY, max_pending=8, max_pending_per_address=8)
    count = 60

    async def main() -> None:
        host = await start_text_host(limits=limits)
        crowd: list[Person] = []
        try:
            for _ in range(count):
                crowd.append(await Person.connect(host.port))
            # All but the newest 8 are closed by the host, at once: no deadline has to pass.
            for person in crowd[: count - 8]:
                await silent_one_turned_away(person)
            # A join still gets in at once: it is the newest.
            join = await connect("127.0.0.1", host.port, Hello(name="carol"), limits=STEADY)
            await join.close()
        finally:
            close_quietly(*crowd)
            await host.aclose()

    run(main(), timeout=60.0)


typed_lines = st.lists(
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\r\n\x00"), max_size=60),
    min_size=1,
    max_size=8,
)


@hypothesis_settings(max_examples=25)  # each example opens real sockets
@given(
    typed_lines,
    st.lists(st.sampled_from([b"\r\n", b"\n", b"\r\x00"]), min_size=8, max_size=8),
    st.lists(st.integers(0, 2000), max_size=6),
)
def test_whatever_is_typed_and_however_it_is_split_comes_numbered_and_no_0xff_goes_back(
    lines: list[str], ends: list[bytes], cuts: list[int]
) -> None:
    stream = b"bob\r\n" + b"".join(
        line.encode() + end for line, end in zip(lines, ends, strict=False)
    )
    expected = [line for line in lines if line.strip()]

    async def main(host: TextHost, person: Person) -> None:
        for part in split_anywhere(stream, cuts):
            person.type(part)
            await person.writer.drain()
        connection = await next_of(host.connections)
        for seq, line in enumerate(expected, start=1):
            said = await asyncio.wait_for(connection.recv(), WAIT)
            assert said == Say(seq=seq, text=line)
            connection.send_nowait(Show(kind="chat", text=said.text, sender="bob"))
        # A person's client closes when the host does (nc and telnet both exit).
        closing = asyncio.ensure_future(connection.close("ann left"))
        await person.rest()
        person.close()
        await closing
        assert 0xFF not in person.received

    with_one_person(main)


def test_a_silent_connection_and_a_person_at_the_prompt_cost_a_few_kilobytes_each() -> None:
    # As for joins (test_crowding): a flood must not cost 64 KiB buffers per connection, be it
    # at the sniffer or, after the silence, at the name prompt.
    count = 150
    limits = dataclasses.replace(STEADY, max_pending=1000, max_pending_per_address=1000)

    async def main() -> None:
        host = await start_text_host(limits=limits)
        crowd: list[Person] = []
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for _ in range(count):
                crowd.append(await Person.connect(host.port))
            at_the_doorstep = (tracemalloc.get_traced_memory()[0] - before) / count
            for person in crowd:
                assert await person.line() == GREETING
            at_the_prompt = (tracemalloc.get_traced_memory()[0] - before) / count
        finally:
            tracemalloc.stop()
            close_quietly(*crowd)
            await host.aclose()
        # Both ends of each connection are in this process: the client's stream counts too.
        assert at_the_doorstep < 16 * 1024, f"{at_the_doorstep / 1024:.1f} KiB per connection"
        assert at_the_prompt < 16 * 1024, f"{at_the_prompt / 1024:.1f} KiB per connection"

    run(main(), timeout=60.0)


def test_answers_typed_ahead_of_the_prompts_leave_no_prompt_deadline_behind() -> None:
    # printf 'bob\nhello\n' | nc HOST PORT: the name is there before the banner is sent.
    async def main() -> None:
        host = await start_text_host(short_prompts(0.3))
        person = await Person.connect(host.port)
        try:
            person.type(b"bob\r\nhello\r\n")
            connection = await next_of(host.connections)
            assert await asyncio.wait_for(connection.recv(), WAIT) == Say(seq=1, text="hello")
            assert connection._link.protocol.next_deadline() is None  # seated: no deadline
            assert connection.closed is None
        finally:
            close_quietly(person)
            await host.aclose()

    run(main())


def test_ctrl_c_on_telnet_is_leaving() -> None:
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        person.type(b"bye all\r\n" + bytes((IAC, 244, IAC, DO, 6)))  # IP, DO TIMING-MARK
        assert await asyncio.wait_for(connection.recv(), WAIT) == Say(seq=1, text="bye all")
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(connection.recv(), WAIT)
        assert closed.value.cause == "left"
        await person.rest()  # the host closes its side

    with_one_person(main, arrive=seated)


def test_a_join_slow_to_finish_its_hello_is_turned_away_as_before_on_a_text_host() -> None:
    limits = dataclasses.replace(STEADY, max_pending=2, max_pending_per_address=2)

    async def main() -> None:
        host = await start_text_host(limits=limits)
        people: list[Person] = []
        try:
            slow = await Person.connect(host.port)
            people.append(slow)
            told_apart = asyncio.Event()
            with told(told_apart):
                slow.type(b"\x00")  # a frame's first byte: a join, then nothing more
                await asyncio.wait_for(told_apart.wait(), WAIT)
            for _ in range(2):
                people.append(await Person.connect(host.port))
            # It waited longest: the framed link it was handed to sends the error frame.
            assert decode_frames(await slow.rest()) == [{"type": "error", "reason": CROWDED}]
        finally:
            close_quietly(*people)
            await host.aclose()

    run(main())


@contextlib.contextmanager
def told(event: asyncio.Event) -> Iterator[None]:
    """Set *event* when the sniffer has told a connection's kind (its debug line)."""

    class Signal(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.getMessage().endswith(" is framed"):
                event.set()

    logger = logging.getLogger("net")
    handler, level = Signal(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_name_typed_by_a_person_turned_away_never_reaches_the_host() -> None:
    limits = dataclasses.replace(STEADY, max_pending=1, max_pending_per_address=1)

    async def main() -> None:
        host = await start_text_host(limits=limits)
        people: list[Person] = []
        try:
            first = await Person.connect(host.port)
            people.append(first)
            first.type(b"\r\n")
            assert await first.line() == GREETING
            assert await first.line() == "! your name must not be empty"
            assert await first.line() == "what is your name?"
            people.append(await Person.connect(host.port))  # turns the first one away
            await person_told_crowded_now(first)
            first.type(b"bob\r\n")  # too late: whatever it still sends is not read
            people[1].type(b"carol\r\n")
            pending = await pending_of(host.pendings)
            assert pending.hello.name == "carol"
            assert host.pendings.empty()
        finally:
            close_quietly(*people)
            await host.aclose()

    run(main())


async def person_told_crowded_now(person: Person) -> None:
    assert await person.line() == f"! {CROWDED}"
    assert await person.rest() == b""


def test_a_persons_socket_has_tcp_keepalive_so_a_dead_network_is_noticed() -> None:
    # No FIN ever comes from a person whose network died: only TCP's own probes can tell, and
    # then the link ends as lost (the seat kept for the grace period), within about a minute.
    async def main(host: TextHost, person: Person) -> None:
        connection = await next_of(host.connections)
        assert isinstance(connection, TextConnection)
        sock = host_side_socket(connection)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
        if hasattr(socket, "TCP_KEEPIDLE"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 30
        if hasattr(socket, "TCP_KEEPINTVL"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 10
        if hasattr(socket, "TCP_KEEPCNT"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
        if hasattr(socket, "TCP_USER_TIMEOUT"):
            assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 60_000

    with_one_person(main, arrive=seated)
