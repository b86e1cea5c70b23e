"""The text of a game record: header tags, the moves and the chat in order, the result.

A record is what one viewer (the host, the guest or the spectators) kept of one game. Written
by :func:`write`, read back by :func:`parse`; ``write(parse(text)) == text`` for every text
:func:`write` produced. The layout (docs/records.md)::

    tablechat record 1
    [Id "3f2a9c01b7e4-1"]
    [Date "2026-12-07T00:41:07Z"]
    [Table "alice"]
    [Game "tictactoe"]
    [Player1 "alice"]
    [Player2 "bob"]
    [Viewer "bob"]

    move "alice" "b2"
    chat "bob" "good luck"
    move "bob" "a1"

    [Result "alice wins — 3 in a row"]
    [Outcome "win"]
    [Winner "alice"]
    [Ending "line completed"]

Three parts separated by one empty line: the header tags, the body (one line per move, chat
line, spectator's line or table line, in the order they happened), the result tags. Every
value is in double quotes; inside, a backslash, a double quote and every character that is not
plainly printable (controls, format and bidi characters, separators other than the space,
surrogates, unassigned code points) are escaped — ``\\\\``, ``\\"``, ``\\u001b``,
``\\U000e0041`` — so a record holds only printable text and line breaks: ``cat`` of a record
cannot drive a terminal, and what a peer typed comes back exactly as typed.

A record read from a file or the wire is untrusted: :func:`parse` accepts only this layout,
bounded (:data:`MAX_RECORD` bytes), and says what is wrong in a few words otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

from game.record_magic import MAGIC

#: The most a record may be, in bytes of UTF-8: far above what a game's log holds
#: (game.game_log bounds it), small enough that reading one is never a burden.
MAX_RECORD: Final = 256 << 10
#: How a tag is named: a letter, then letters, digits and hyphens.
_KEY: Final = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,31}")

#: What a body line is: a move, a player's chat line, a spectator's line, a line of the table,
#: moves taken back (how many, by whose offer).
EntryKind = Literal["move", "chat", "kibitz", "note", "takeback"]
_ENTRY_FIELDS: Final[dict[str, int]] = {
    "move": 2,
    "chat": 2,
    "kibitz": 2,
    "note": 1,
    "takeback": 2,
}
_KINDS: Final[dict[str, EntryKind]] = {
    "move": "move",
    "chat": "chat",
    "kibitz": "kibitz",
    "note": "note",
    "takeback": "takeback",
}

#: The outcomes a record may hold (``[Outcome …]``): the counts of head-to-head scores.
OUTCOMES: Final = ("win", "draw", "lost together", "abandoned", "aborted", "unfinished")


class RecordError(ValueError):
    """Not a record; the message says what is wrong, in a few words."""


@dataclass(frozen=True)
class Entry:
    """One line of the body.

    Attributes:
        kind: ``move``, ``chat`` (a player), ``kibitz`` (a spectator, only in the spectators'
            copy), ``note`` (a line of the table's own, such as an offer) or ``takeback``
            (moves taken back).
        who: the mover, the sender, whose takeback it was (empty for a note).
        text: the move in the table's notation, the line said, the note, or how many moves
            were taken back.
    """

    kind: EntryKind
    who: str
    text: str


@dataclass(frozen=True)
class Record:
    """One viewer's record of one game: tags (in order), the body, the result tags."""

    header: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...] = ()
    result: tuple[tuple[str, str], ...] = field(default=())

    def tag(self, key: str) -> str | None:
        """The value of tag *key*, header first, then the result; None when absent."""
        for name, value in (*self.header, *self.result):
            if name == key:
                return value
        return None

    @property
    def players(self) -> tuple[str, str]:
        """The two players' names, the first mover first ('?' for one missing)."""
        return (self.tag("Player1") or "?", self.tag("Player2") or "?")

    @property
    def moves(self) -> list[str]:
        """The moves that stand at the end, in order (without those taken back)."""
        moves: list[str] = []
        for entry in self.entries:
            if entry.kind == "move":
                moves.append(entry.text)
            elif entry.kind == "takeback":
                del moves[len(moves) - takeback_plies(entry) :]
        return moves


def takeback_plies(entry: Entry) -> int:
    """How many moves a ``takeback`` entry takes back.

    Raises:
        RecordError: its count is not a whole number from 1.
    """
    text = entry.text
    if not (text.isascii() and text.isdigit() and int(text[:6]) > 0 and len(text) <= 6):
        raise RecordError(f"a takeback of {quoted(text[:20])} moves")
    return int(text)


def quoted(text: str) -> str:
    """*text* as a record writes a value: in double quotes, escaped (see the module
    docstring)."""
    return '"' + escaped(text) + '"'


def escaped(text: str) -> str:
    """*text* with backslashes, double quotes and everything not plainly printable escaped."""
    if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
        return text
    return "".join(_escape_char(c) for c in text)


def _escape_char(char: str) -> str:
    if char == "\\":
        return "\\\\"
    if char == '"':
        return '\\"'
    if char.isprintable():  # False for every control, format, separator but " ", surrogate…
        return char
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def write(record: Record) -> str:
    """The text of *record* (ends with a line break).

    Raises:
        ValueError: a tag's name is not a name (a letter, then letters, digits, hyphens).
    """
    lines = [MAGIC, *_tags(record.header), ""]
    for entry in record.entries:
        fields = (entry.text,) if entry.kind == "note" else (entry.who, entry.text)
        lines.append(" ".join([entry.kind, *(quoted(f) for f in fields)]))
    lines += ["", *_tags(record.result)]
    return "\n".join(lines) + "\n"


def _tags(tags: tuple[tuple[str, str], ...]) -> list[str]:
    for key, _ in tags:
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a tag name: {key!r}")
    return [f"[{key} {quoted(value)}]" for key, value in tags]


def parse(text: str) -> Record:
    """The record *text* holds.

    Raises:
        RecordError: not a record of this format (the message says where and why).
    """
    if len(text) > MAX_RECORD:
        raise RecordError(f"longer than {MAX_RECORD >> 10} KiB")
    if not text.endswith("\n"):
        raise RecordError("cut short (no line break at the end)")
    lines = text[:-1].split("\n")
    if lines[0] != MAGIC:
        raise RecordError(f"not a tablechat record (the first line is not {MAGIC!r})")
    try:
        first_gap = lines.index("", 1)
        second_gap = lines.index("", first_gap + 1)
    except ValueError:
        raise RecordError("cut short (a part is missing)") from None
    header = tuple(_tag(line, n) for n, line in enumerate(lines[1:first_gap], 2))
    entries = tuple(
        _entry(line, n) for n, line in enumerate(lines[first_gap + 1 : second_gap], first_gap + 2)
    )
    result = tuple(_tag(line, n) for n, line in enumerate(lines[second_gap + 1 :], second_gap + 2))
    return Record(header, entries, result)


def _tag(line: str, number: int) -> tuple[str, str]:
    if not (line.startswith("[") and line.endswith("]")):
        raise RecordError(f"line {number}: not a tag")
    key, _, rest = line[1:-1].partition(" ")
    if not _KEY.fullmatch(key):
        raise RecordError(f"line {number}: not a tag name")
    values = _values(rest, number)
    if len(values) != 1:
        raise RecordError(f"line {number}: a tag holds one value")
    return key, values[0]


def _entry(line: str, number: int) -> Entry:
    kind, _, rest = line.partition(" ")
    count = _ENTRY_FIELDS.get(kind)
    if count is None:
        raise RecordError(f"line {number}: not a move, chat, kibitz, note or takeback line")
    values = _values(rest, number)
    if len(values) != count:
        raise RecordError(f"line {number}: a {kind} line holds {count} values")
    if kind == "note":
        return Entry("note", "", values[0])
    return Entry(_KINDS[kind], values[0], values[1])


def _values(text: str, number: int) -> list[str]:
    """The quoted values of *text*, separated by single spaces."""
    values: list[str] = []
    at = 0
    while True:
        if at >= len(text) or text[at] != '"':
            raise RecordError(f"line {number}: a value must be in double quotes")
        value, at = _unquoted(text, at + 1, number)
        values.append(value)
        if at == len(text):
            return values
        if text[at] != " ":
            raise RecordError(f"line {number}: values are separated by one space")
        at += 1


def _unquoted(text: str, at: int, number: int) -> tuple[str, int]:
    """The value whose opening quote is just before *at*, and where it ends (past the quote)."""
    out: list[str] = []
    while at < len(text):
        char = text[at]
        if char == '"':
            return "".join(out), at + 1
        if char == "\\":
            escape = text[at + 1 : at + 2]
            if escape in ('"', "\\"):
                out.append(escape)
                at += 2
                continue
            width = {"u": 4, "U": 8}.get(escape)
            digits = text[at + 2 : at + 2 + width] if width else ""
            if not width or len(digits) != width or digits.strip("0123456789abcdef"):
                raise RecordError(f"line {number}: a bad escape")
            code = int(digits, 16)
            if code > 0x10FFFF or chr(code).isprintable():
                # only what write() escapes is written escaped: one text, one spelling
                raise RecordError(f"line {number}: a bad escape")
            out.append(chr(code))
            at += 2 + width
            continue
        if not char.isprintable():
            raise RecordError(f"line {number}: a control character in a value")
        out.append(char)
        at += 1
    raise RecordError(f"line {number}: a value is not closed")
