"""Sans-IO conversation with a person on ``nc`` or ``telnet``: typed lines in, text out.

The framed protocol's counterpart for people (PROTOCOL.md, "Text clients"). Bytes go through
the telnet filter (only for a client that opened with telnet negotiation, or negotiates later)
and the line decoder; what comes out are events, as from the framed protocol objects:

* :class:`Typed` — one line the person typed (the host reads it as a join's ``say``);
* :class:`TooLong` — a line over the limit was skipped: tell the person, carry on;
* :class:`Ended` — the person closed (EOF; a last line typed without Enter comes first), or
  pressed Ctrl-C on telnet (``IAC IP``);
* :class:`TimedOut` — a prompt went unanswered;
* :class:`TooManyCommands` — the client sent more telnet commands than a person's telnet
  does (see :mod:`net.telnet`): nothing more is read.

Out, :meth:`TextProtocol.send` turns lines of text into bytes for the client — CR LF line ends,
0xFF doubled for telnet — and :meth:`data_to_send` hands over telnet refusals. A person gets
:data:`PROMPT_TIMEOUT` to answer a prompt (a name, a join code): the caller says when it is
waiting for one (:meth:`expect_answer`) and keeps the deadline (``next_deadline`` /
``handle_timeout``); no clock is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, TypeAlias

from net.telnet import COMMAND_BURST, COMMANDS_PER_SECOND, TelnetFilter, escape_iac
from net.text_lines import DEFAULT_MAX_LINE, LineDecoder, LineTooLong, encode_lines

__all__ = [
    "OPENING_SIZE",
    "PROMPT_TIMEOUT",
    "Ended",
    "TextEvent",
    "TextProtocol",
    "TimedOut",
    "TooLong",
    "TooManyCommands",
    "Typed",
]

#: How long a person may take to answer a prompt before the connection is closed: long enough
#: to ask someone for the join code, short enough that silent connections do not pile up.
PROMPT_TIMEOUT: Final = 120.0
#: How many of the client's first bytes are kept as they came (other protocols are told by
#: them: see :mod:`net.other_protocols`).
OPENING_SIZE: Final = 16


@dataclass(frozen=True, slots=True)
class Typed:
    """One line the person typed (without its line end)."""

    text: str


@dataclass(frozen=True, slots=True)
class TooLong:
    """A line of at least ``size`` bytes, over ``limit``, was skipped."""

    size: int
    limit: int


@dataclass(frozen=True, slots=True)
class Ended:
    """The person's client closed its side."""


@dataclass(frozen=True, slots=True)
class TimedOut:
    """A prompt was not answered within its deadline."""

    seconds: float


@dataclass(frozen=True, slots=True)
class TooManyCommands:
    """The client sent more telnet commands than ``burst`` at once or ``per_second`` after."""

    burst: int
    per_second: float


TextEvent: TypeAlias = Typed | TooLong | Ended | TimedOut | TooManyCommands


class TextProtocol:
    """One person's connection, in plain UTF-8 lines (and telnet, if their client speaks it).

    Attributes:
        opening: The first bytes the client sent, as they came (at most
            :data:`OPENING_SIZE`).
        typed: True once the person typed anything (a byte of a line; telnet commands are
            not typing).
    """

    def __init__(self, *, telnet: bool = False, max_line: int = DEFAULT_MAX_LINE) -> None:
        """Start a conversation.

        Args:
            telnet: the client opened with telnet negotiation (its first byte was IAC).
            max_line: the longest line kept, in bytes.
        """
        # Who did not open with IAC may be nc, whose 0xFF is a data byte (see TelnetFilter).
        self._telnet = TelnetFilter(stray_iac_is_data=not telnet)
        self._telnet_seen = telnet
        self._lines = LineDecoder(max_line)
        # What comes after every line: the end (a last unfinished line, then Ended), or why.
        self._last: list[TextEvent] = []
        self._ended = False
        self._deadline: float | None = None
        self._prompt_timeout = PROMPT_TIMEOUT
        self.opening = b""
        self.typed = False
        self._cr_seen = False

    @property
    def telnet(self) -> bool:
        """True when the client speaks telnet: only then may telnet bytes be sent to it."""
        return self._telnet_seen or self._telnet.negotiated

    @property
    def telnet_client(self) -> bool:
        """True when the client is a telnet program: it negotiated, or it ends its lines with CR
        as telnet's network virtual terminal does (CR LF; ``nc`` in a terminal sends LF alone).
        """
        return self.telnet or self._cr_seen

    def receive_data(self, data: bytes, now: float) -> None:
        """Take the bytes that arrived at *now*; ``b""`` means the client closed its side."""
        if self._ended:
            return
        if len(self.opening) < OPENING_SIZE:
            self.opening += data[: OPENING_SIZE - len(self.opening)]
        lines = self._lines
        telnet = self._telnet
        if not data:
            lines.receive_data(telnet.finish())
            last = lines.unfinished()
            if last is not None:
                self._last.append(Typed(last))
            self._end(Ended())
            return
        typed = telnet.receive_data(data, now)
        self.typed = self.typed or bool(typed)
        self._cr_seen = self._cr_seen or b"\r" in typed
        # A whole line ends a waiting prompt's deadline, while bytes short of a line end leave
        # it running, so trickling a byte at a time cannot hold a prompt open.
        if lines.receive_data(typed):
            self._deadline = None  # an answer, if a prompt was waiting for one
        if telnet.interrupted:
            # Ctrl-C on telnet: leaving, as Ctrl-C is on nc (which closes the connection). Lines
            # after it are not read; a half-typed line before it was not sent by Enter.
            self._end(Ended())
        elif telnet.flooded:
            self._end(TooManyCommands(COMMAND_BURST, COMMANDS_PER_SECOND))

    def _end(self, event: TextEvent) -> None:
        self._last.append(event)
        self._ended = True

    def next_event(self, *, skip_blank: bool = False) -> TextEvent | None:
        """The next event, or None until more bytes (or a timeout) arrive.

        Args:
            skip_blank: Pass over lines of nothing but spaces (the ASCII ones), all at once:
                for a reader to whom they mean nothing.
        """
        line = self._lines.next_line(skip_blank=skip_blank)
        if line is None:
            return self._last.pop(0) if self._last else None
        if isinstance(line, LineTooLong):
            return TooLong(line.size, line.limit)
        return Typed(line)

    def waiting_line(self) -> str | None:
        """The line the next event holds, left in place; None if the next event is no line."""
        if self._lines.waiting:
            return self._lines.peek_line()
        event = self._last[0] if self._last else None
        return event.text if isinstance(event, Typed) else None

    @property
    def pending_events(self) -> int:
        """How many events wait unread (the caller stops reading the socket past a bound)."""
        return self._lines.waiting + len(self._last)

    def send(self, text: str) -> bytes:
        """The bytes that show *text* (lines separated by ``\\n``) to the person."""
        return self.send_encoded(encode_lines(text))

    def send_encoded(self, data: bytes) -> bytes:
        """The bytes to write for CR LF lines already encoded (e.g. once for many people).

        The same rule as :meth:`send`: 0xFF doubled for a telnet client. UTF-8 never holds
        0xFF, so it is a check and no copy, but the rule lives here alone.
        """
        return escape_iac(data) if self.telnet else data

    def data_to_send(self) -> bytes:
        """Telnet refusals owed to the client (nothing for a client that never negotiated)."""
        return self._telnet.data_to_send()

    def expect_answer(self, now: float, timeout: float = PROMPT_TIMEOUT) -> None:
        """A prompt was just sent at *now*: the next line must come within *timeout* seconds."""
        self._deadline, self._prompt_timeout = now + timeout, timeout

    def answered(self) -> None:
        """The caller took a line as the answer to its prompt: the prompt's deadline is over.

        Needed when the line came before the prompt was sent (typed ahead, or piped into
        ``nc``): its arrival could not end a deadline that did not exist yet.
        """
        self._deadline = None

    def next_deadline(self) -> float | None:
        """When an unanswered prompt times out, or None."""
        return None if self._ended else self._deadline

    def handle_timeout(self, now: float) -> None:
        """Past the deadline with no answer: a :class:`TimedOut` event, then nothing more."""
        if self._deadline is not None and now >= self._deadline and not self._ended:
            self._deadline = None
            self._end(TimedOut(self._prompt_timeout))
