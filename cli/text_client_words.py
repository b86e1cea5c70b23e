"""What a person on nc or telnet reads from the host: the greeting, the code prompt, each show.

The host program hands these to net as its ``TextService`` (net reads and writes the lines;
the words and the look are the program's). A show is rendered exactly as the join renders it
(:func:`cli.shown_lines.shown_rows`) with colors off, wrapped at :data:`TEXT_CLIENT_COLUMNS`
(nc and telnet tell the host no width, and a line longer than the window breaks mid-word): a
peer's text is made visible first, so no escape sequence from anyone ever reaches a person's
terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from cli.colors import Palette
from cli.shown_lines import shown_rows
from net.messages import Show, Welcome
from net.text_connection import seated_plainly

#: The width a text client's lines are wrapped to: an 80-column window's, less the column a
#: terminal leaves for the cursor after a full row.
TEXT_CLIENT_COLUMNS: Final = 79

#: Asked after the name when the table needs a join code.
CODE_PROMPT: Final = "this table needs a join code — what is it?"

_PLAIN: Final = Palette(enabled=False)

#: After :func:`seated`, for a client that is not telnet: nc's Ctrl-D is not leaving but stops
#: the person's lines going out (netcat-openbsd, unless run with -N; the host cannot tell).
NC_NOTE: Final = "(on nc, Ctrl-D stops your lines going out: use /q, or nc -N)"


@dataclass(frozen=True)
class TextClientWords:
    """The parts of net's ``TextService`` the host program words, as the host builds them."""

    greeting: Callable[[], str]
    needs_code: bool
    code_prompt: str
    render: Callable[[Show], str]
    seated: Callable[[Welcome], str]
    closing: Callable[[str], str]
    nc_note: str


def text_client_words(host_name: Callable[[], str], *, needs_code: bool) -> TextClientWords:
    """What a person on nc/telnet reads at the table of *host_name* (read at each greeting:
    a restored table may be another host's name)."""
    return TextClientWords(
        greeting=lambda: greeting(host_name(), needs_code=needs_code),
        needs_code=needs_code,
        code_prompt=CODE_PROMPT,
        render=render,
        seated=seated,
        closing=closing,
        nc_note=NC_NOTE,
    )


def greeting(host_name: str, *, needs_code: bool) -> str:
    """The first thing a person on nc/telnet reads: whose table this is and what comes next."""
    code = " (then the join code)" if needs_code else ""
    return f"{host_name}'s table (tablechat) — what is your name?{code}"


def seated(welcome: Welcome) -> str:
    """What a person reads once seated or watching: where they are, then how to get help and
    how to leave (the join's commands, which net does not know)."""
    return f"{seated_plainly(welcome)} — /help lists the commands, /q leaves"


def closing(reason: str) -> str:
    """The last line a person reads as the table closes their connection: why, and that an
    nc still open needs Enter to end (it shows nothing more, and a line typed is lost)."""
    return f"{reason} — connection closed (press Enter if your nc is still open)"


def render(show: Show) -> str:
    """*show* as plain text lines of at most :data:`TEXT_CLIENT_COLUMNS` columns (boards are
    never wrapped), joined with newlines (net ends each with CR LF)."""
    rows = shown_rows(show.kind, show.text, show.sender, _PLAIN, width=TEXT_CLIENT_COLUMNS)
    return "\n".join(rows)


def waiting_sentence(host_name: str, seat: str, wait: str) -> str:
    """What a text client asking for *seat*'s kept seat reads while the host decides."""
    return (
        f"{host_name} is asked whether {seat}'s kept seat is yours — "
        f"waiting for their answer (up to {wait})"
    )
