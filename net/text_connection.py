"""A person on ``nc`` or ``telnet``, as the host program sees them: the same shapes as a join.

After the sniffer (:mod:`net.sniffer`) has taken a connection for a person, :func:`serve_text`
greets them — the host's greeting, their name (asked again, with the reason, when it breaks
the name rule; at most :data:`NAME_TRIES` times), the join code when the table has one — and
calls the host's ``on_connect`` with a :class:`PendingText`. It duck-types
:class:`net.serving.PendingConnection` (``hello``, ``peer``, ``accept``, ``refuse``), and
its accepted :class:`TextConnection` duck-types :class:`net.connection.Connection`: ``recv``
returns ``Say`` lines numbered 1, 2, 3…, ``send`` takes ``Show`` and the
:class:`TextService`'s ``render`` makes it text. The program need not know which kind it holds
(``kind`` says, for who wants to).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, NoReturn

from net.broadcast import Broadcast
from net.errors import ConnectionClosed, LocalProtocolError, RemoteProtocolError
from net.messages import (
    BYE_CODES,
    MAX_SECRET,
    Hello,
    Refuse,
    Say,
    Show,
    Welcome,
    kinds_unknown_to,
    validate_name,
)
from net.other_protocols import OtherProtocol, recognise
from net.text_link import TextLink, too_long
from net.text_protocol import PROMPT_TIMEOUT, Typed

__all__ = [
    "NAME_PROMPT",
    "NAME_TRIES",
    "PendingText",
    "TextConnection",
    "TextService",
    "seated_plainly",
]

log = logging.getLogger("net")

#: A person's client is read as version 1 (``TextConnection.version``): shows of later kinds
#: are for programs, and are left out.
_LATER_KINDS: Final = kinds_unknown_to(1)

#: How many names a person may try before the connection is closed.
NAME_TRIES: Final = 3
#: Asked again after a name that cannot be used (the reason comes on the line before).
NAME_PROMPT: Final = "what is your name?"


def seated_plainly(welcome: Welcome) -> str:
    """Where an accepted person sits, in plain words: the default of ``TextService.seated``.

    Names no command: which commands a table has is the host program's business.
    """
    if welcome.watching:
        return f"you are watching {welcome.host}'s table as {welcome.name}"
    return f"you joined {welcome.host}'s table as {welcome.name}"


@dataclass(frozen=True)
class TextService:
    """What the host program tells net about serving people on ``nc``/``telnet``.

    Attributes:
        greeting: The first thing a person reads, ending with the question for their name
            (called per connection: the table's name or state may change).
        needs_code: Whether to ask for the join code.
        code_prompt: The question for the join code.
        render: How a show reads as text (lines separated by ``\\n``; nothing that drives a
            terminal: net sends it as it is, apart from the line ends).
        prompt_timeout: Seconds a person has to answer each prompt.
        seated: What an accepted person reads first (shown as a notice), from the welcome
            they were given (``watching`` for a spectator); the host program adds its words,
            e.g. how to get help and how to leave.
        closing: The last line a person reads when the host closes their connection, from
            the reason (the host program may add what to do next: an nc stays open after
            the connection ends until Enter is pressed).
        nc_note: Added to what *seated* says (after a space) for a client that is not a
            telnet program (:attr:`~net.text_protocol.TextProtocol.telnet_client`): words
            about nc's own keys, which a person on telnet has no use for.
    """

    greeting: Callable[[], str]
    needs_code: bool
    code_prompt: str
    render: Callable[[Show], str]
    prompt_timeout: float = PROMPT_TIMEOUT
    seated: Callable[[Welcome], str] = seated_plainly
    closing: Callable[[str], str] = str
    nc_note: str = ""


class TextConnection:
    """A seated person: ``recv`` their lines as ``Say``, ``send`` them ``Show`` as text.

    Attributes:
        version: 1 (a person has no catch-up: ``show.seq`` is never used).
        kind: ``"text"``.
        peer: The person's (address, port).
        peer_hello: The hello made from their answers.
        welcome: None (as on a framed host-side connection).
    """

    version: Final = 1
    kind: Final = "text"

    def __init__(self, link: TextLink, service: TextService, hello: Hello) -> None:
        """Wrap a link whose person was greeted and accepted (done by ``PendingText.accept``)."""
        self._link = link
        self._render = service.render
        self._closing = service.closing
        self.peer = link.peer
        self.peer_hello = hello
        self.welcome: Welcome | None = None
        self._seq = 0

    @property
    def closed(self) -> ConnectionClosed | None:
        """How the connection ended, or None while it is open."""
        return self._link.closed

    async def send(self, message: Show) -> None:
        """Show *message* to the person, waiting while their client is behind.

        Raises:
            ConnectionClosed: The connection is over, or the client stopped reading.
            LocalProtocolError: Not a ``Show``.
        """
        self.send_nowait(message)
        link = self._link
        if link.writing_paused:
            await link.drain()

    def send_nowait(self, message: Show) -> None:
        """Show *message* now; a client more than ``max_send_buffer`` behind is dropped.

        Raises:
            ConnectionClosed: The connection is over, or the client stopped reading.
            LocalProtocolError: Not a ``Show``.
        """
        if not isinstance(message, Show):
            raise LocalProtocolError(f"this side sends show messages, not {type(message).__name__}")
        if message.kind in _LATER_KINDS:
            return  # a person's client speaks version 1: later kinds are for programs
        self._link.write_text(self._render(message))

    def send_broadcast(self, broadcast: Broadcast) -> None:
        """Show a broadcast's text, rendered once for every person who gets it (escaped for
        telnet as :meth:`send` is).

        Raises:
            ConnectionClosed: The connection is over, or the client stopped reading.
        """
        if broadcast.show.kind in _LATER_KINDS:
            return
        self._link.write_bytes(broadcast.text(self._render))

    async def recv(self) -> Say:
        """The next line the person typed, as ``Say(seq=n, text=line)`` (n = 1, 2, 3, …).

        Empty lines are skipped; a too-long line is answered on this connection and skipped.

        Raises:
            ConnectionClosed: ``cause == "left"`` when the person closed their client.
        """
        link = self._link
        while True:
            # Blank lines mean nothing here: the protocol skips runs of them in one step.
            event = await link.next_event(skip_blank=True)
            if isinstance(event, Typed):
                if not event.text.strip():
                    continue
                self._seq += 1
                return Say(seq=self._seq, text=event.text)
            try:
                link.write_text(too_long(event))
            except ConnectionClosed:
                continue  # the next read reports it

    def fail(self, error: RemoteProtocolError) -> None:
        """Tell the person *error*'s reason and close (the next recv raises, cause "error")."""
        self._link.say_last(f"! {error.reason}", f"protocol error: {error.reason}", cause="error")

    def end_sending(self, reason: str = "left", *, code: str | None = None) -> None:
        """Show *reason* as a last line and half-close, but keep receiving until they close."""
        _check_code(code)
        link = self._link
        if link.closed is None:
            try:
                link.write_text(self._render(Show(kind="notice", text=reason)))
            except ConnectionClosed:
                return
            link.half_close()

    async def close(self, reason: str = "left", *, code: str | None = None) -> None:
        """Show *reason* as a last line and close. Idempotent; within ``close_timeout``.

        Args:
            reason: For the person, e.g. "alice left".
            code: One of :data:`~net.messages.BYE_CODES` (a person reads only the reason).
        """
        _check_code(code)
        last = self._closing(reason or "left")
        self._link.say_last(self._render(Show(kind="notice", text=last)), reason or "left")
        await self._link.wait_closed()


def _check_code(code: str | None) -> None:
    if code is not None and code not in BYE_CODES:
        raise LocalProtocolError(f"bye.code must be one of {', '.join(sorted(BYE_CODES))}")


class PendingText:
    """A greeted person: accept them (a :class:`TextConnection`) or refuse them.

    Attributes:
        hello: Their name and join code as a hello (``version`` 1, no token).
        peer: Their (address, port).
        kind: ``"text"``.
        answered: True once accepted or refused.
    """

    kind: Final = "text"

    def __init__(self, link: TextLink, hello: Hello, service: TextService) -> None:
        """Wrap a greeted link (done by :func:`serve_text`)."""
        self._link = link
        self._service = service
        self.hello = hello
        self.peer = link.peer
        self.answered = False

    def tell(self, show: Show) -> None:
        """Show the person something while they wait for the answer (e.g. "ann is asked").

        A join waiting for its welcome has no screen to tell; a person does.

        Raises:
            ConnectionClosed: The person went away meanwhile.
            RuntimeError: Already accepted or refused.
        """
        if self.answered:
            raise RuntimeError("this connection was already accepted or refused")
        self._link.write_text(self._service.render(show))

    async def wait_gone(self) -> None:
        """Return once the person's connection has ended (they closed their client, or it was
        lost): a host keeping them waiting for an answer stops waiting."""
        await asyncio.shield(self._link.lost)

    async def accept(self, welcome: Welcome) -> TextConnection:
        """Tell the person where they sit and return the open connection.

        Args:
            welcome: As for a join; the person reads ``TextService.seated(welcome)``.

        Raises:
            ConnectionClosed: The person went away meanwhile.
            RuntimeError: Already accepted or refused.
        """
        self._answer()
        link = self._link
        service = self._service
        seated = service.seated(welcome)
        if service.nc_note and not link.protocol.telnet_client:
            seated = f"{seated} {service.nc_note}"
        link.write_text(service.render(Show(kind="notice", text=seated)))
        connection = TextConnection(link, self._service, self.hello)
        await link.drain()
        return connection

    async def refuse(self, reason: str, code: str) -> None:
        """Show the person *reason* and close (bounded by ``close_timeout``).

        Raises:
            LocalProtocolError: ``reason`` empty or ``code`` unknown.
            RuntimeError: Already accepted or refused.
        """
        Refuse(reason=reason, code=code)  # the same checks as for a join
        self._answer()
        log.info("refusing %s:%d (%s): %s", *self.peer, code, reason)
        self._link.say_last(self._service.render(Show(kind="error", text=reason)), "refused")
        await self._link.wait_closed()

    def _answer(self) -> None:
        if self.answered:
            raise RuntimeError("this connection was already accepted or refused")
        self.answered = True


async def greet(link: TextLink, service: TextService) -> Hello:
    """Ask the person their name (and the join code): their answers as a hello.

    Args:
        link: The person's link.
        service: The host program's words (greeting, code prompt) and prompt deadline.

    Returns:
        Their name and join code.

    Raises:
        ConnectionClosed: They left, did not answer in time, gave no usable name in
            :data:`NAME_TRIES` tries, or turned out to be a client of another protocol
            (:mod:`net.other_protocols`); they were told why.
    """
    timeout = service.prompt_timeout
    other = recognise(link.opening, link.waiting_line())
    if other is not None:
        # It spoke first, so the banner has not gone out: the answer must be the first thing
        # it reads (an HTTP status line after a banner is not HTTP at all).
        _not_ours(link, other)
    prompt = service.greeting()
    for attempt in range(1, NAME_TRIES + 1):
        name = (await link.ask(prompt, timeout)).strip()
        if attempt == 1 and (other := recognise(link.opening, name)) is not None:
            _not_ours(link, other)  # it read the banner first: answered late, still closed
        try:
            validate_name("your name", name)
            break
        except LocalProtocolError as exc:
            if attempt == NAME_TRIES:
                link.say_last(f"! {exc.reason} — goodbye", "no usable name")
                assert link.closed is not None
                raise link.closed from None
            prompt = f"! {exc.reason}\n{NAME_PROMPT}"
    code: str | None = None
    if service.needs_code:
        code = (await link.ask(service.code_prompt, timeout)).strip()[:MAX_SECRET] or None
    return Hello(name=name, code=code, version=1)


def _not_ours(link: TextLink, other: OtherProtocol) -> NoReturn:
    """Answer a client of another protocol in a line of its own and close: a browser, or a web
    page making one post to this port (cross-protocol scripting), must never sit down and
    "type" its request (:mod:`net.other_protocols`)."""
    link.say_last(other.answer, f"not {other.name}")
    assert link.closed is not None
    raise link.closed


async def serve_text(
    link: TextLink,
    on_connect: Callable[[PendingText], Awaitable[None]],
    service: TextService,
    greeted: Callable[[], None],
) -> None:
    """Run one person's connection: greet, then hand it to *on_connect*; contain failures.

    Args:
        link: The person's link, just switched to by the sniffer.
        on_connect: The host program's, as for a join.
        service: The host program's text service.
        greeted: Called once the prompts are over, answered or not (the connection then
            leaves the waiting room).
    """
    try:
        try:
            hello = await greet(link, service)
        finally:
            greeted()
        pending = PendingText(link, hello, service)
        await on_connect(pending)
        if not pending.answered:
            log.warning("on_connect neither accepted nor refused %s:%d", *link.peer)
            link.say_last("! the host did not answer", "not answered")
            await link.wait_closed()
    except ConnectionClosed as exc:
        log.info("text connection from %s:%d ended: %s", *link.peer, exc)
        await link.wait_closed()
    except Exception:
        # A bug in on_connect (or here) ends this connection only; the server keeps serving.
        log.exception("error while serving %s:%d", *link.peer)
        link.say_last("! internal error on the host", "internal error")
        await link.wait_closed()
    except asyncio.CancelledError:
        link.abort("server shutting down")
        raise
