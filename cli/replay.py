"""``python -m cli.replay``: list the archive of game records, play one back, export it to SGF.

* ``python -m cli.replay`` (or ``--list``): the records kept, newest first, numbered from 1 —
  date, players, game, result;
* ``python -m cli.replay N`` (or a record file's path): the game played back, one step per
  key when standard input and output are a terminal (n, space or Enter: next; b: back; f or
  Home: first; l or End: last; q: quit); with ``--all``, or standard output not a terminal,
  the whole game printed through, so it can be piped and diffed;
* ``python -m cli.replay N --sgf``: the game as SGF (tic-tac-toe, gomoku, any m,n,k).

Piped into a reader that stops early (``| head -2``) the program stops quietly with status
:data:`PIPE_CLOSED` (141, as for cat or git), not a traceback.

Boards are the engine's drawings of the moves played again (:mod:`game.record_replay`); a
record's text is a peer's, so every name and line is made visible before it reaches the
terminal (:mod:`cli.visible`), as live lines are.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TextIO

from cli import state_dir
from cli.archive import Archive, ArchiveError
from cli.terminal_layout import char_width, display_width
from cli.terminal_modes import isatty
from cli.visible import visible, visible_lines
from game.record_format import MAX_RECORD, Entry, Record, RecordError, parse
from game.record_magic import MAGIC
from game.record_replay import Frame, frames
from game.sgf import to_sgf

#: Keys read in a step-by-step replay, by what they do (Home and End as terminals send them).
_NEXT = ("n", " ", "\r", "\n", "j", "\x1b[C", "\x1b[B")
_BACK = ("b", "k", "\x7f", "\x1b[D", "\x1b[A")
_FIRST = ("f", "g", "\x1b[H", "\x1b[1~", "\x1bOH", "\x1b[7~")
_LAST = ("l", "G", "\x1b[F", "\x1b[4~", "\x1bOF", "\x1b[8~")
_QUIT = ("q", "\x1b", "\x03", "\x04")
#: The exit status when standard output's reader goes before the end (``| head``): 128 plus
#: SIGPIPE's number, what a shell reports for a program that signal stopped (cat, git).
PIPE_CLOSED: Final = 141
_KEYS_HELP = "n/space next · b back · f/Home first · l/End last · q quit"


def main(argv: list[str] | None = None) -> int:
    """Run the replay program; returns the exit status.

    Args:
        argv: the arguments after the program name (default ``sys.argv[1:]``).
    """
    parser = argparse.ArgumentParser(
        prog="python -m cli.replay",
        description="List the game records kept, play one back, or export it to SGF.",
    )
    parser.add_argument("record", nargs="?", help="a record's number in the list, or a file")
    parser.add_argument("--list", action="store_true", help="list the records (the default)")
    parser.add_argument("--all", action="store_true", help="print the whole game through")
    parser.add_argument("--sgf", action="store_true", help="print the game as SGF (m,n,k)")
    options = parser.parse_args(argv)
    try:
        status = _run(options, sys.stdout)
        sys.stdout.flush()  # here, where a reader gone can still be told from a failure
    except BrokenPipeError:
        # the reader stopped early (| head): what is left goes nowhere, without a traceback
        # at exit, and the status is a pipe's, as cat's or git's would be
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return PIPE_CLOSED
    return status


def _run(options: argparse.Namespace, out: TextIO) -> int:
    archive = Archive()
    try:
        if options.record is None or options.list:
            return _list(archive, out)
        record = _load(archive, options.record)
        if options.sgf:
            out.write(to_sgf(record))
            return 0
        steps = frames(record)
        if options.all or not (isatty(sys.stdin) and isatty(out)):
            for line in whole_game(record, steps):
                out.write(line + "\n")
            return 0
        _step_through(record, steps, out)
        return 0
    except (ArchiveError, RecordError) as exc:
        raise SystemExit(visible(str(exc))) from None


def _list(archive: Archive, out: TextIO) -> int:
    kept, warning = archive.read()
    if warning is not None:
        print(visible(warning), file=sys.stderr)
    if not kept:
        out.write(f"no game records in {archive.path} yet\n")
        return 0
    for line in listing([entry.record for entry in kept]):
        out.write(line + "\n")
    return 0


#: The most columns one cell of the listing takes: a record's names and words are a peer's,
#: and one very long one must not push every other row's columns off the screen.
MAX_CELL: Final = 40
#: The most columns of the last cell, the result (its reason may take a few words).
MAX_RESULT: Final = 72


def listing(records: list[Record]) -> list[str]:
    """The rows of the listing, numbered from 1, in columns as wide as the widest cell shown
    (at most :data:`MAX_CELL`, the result :data:`MAX_RESULT`; a longer one is cut, ending in
    ``…``): number, date, players,
    game, result — every cell made visible.

    Args:
        records: the records, in the order listed.

    Returns:
        One row per record, without line breaks.
    """
    table = [[str(number), *_cells(record)] for number, record in enumerate(records, 1)]
    widths = [max(display_width(row[column]) for row in table) for column in range(4)]
    rows = []
    for number, *cells, result in table:
        padded = [_padded(number, widths[0], right=True)]
        padded += [_padded(cell, width) for cell, width in zip(cells, widths[1:], strict=True)]
        rows.append("  ".join([*padded, result]))
    return rows


def _cells(record: Record) -> list[str]:
    date = (record.tag("Date") or "?").replace("T", " ").rstrip("Z") or "?"
    first, second = record.players
    cells = [date, f"{first} against {second}", record.tag("Game") or "?"]
    result = _bounded(visible(record.tag("Result") or "?"), MAX_RESULT)
    return [*(_bounded(visible(cell), MAX_CELL) for cell in cells), result]


def _bounded(text: str, most: int) -> str:
    """*text* (already visible) in at most *most* columns."""
    if display_width(text) <= most:
        return text
    kept, used = "", 0
    for char in text:
        used += char_width(char)
        if used > most - 1:
            break
        kept += char
    return kept + "…"


def _padded(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _load(archive: Archive, which: str) -> Record:
    """The record numbered *which* in the listing, or in the file *which*.

    Raises:
        RecordError: no such record, or not a record.
    """
    if which.isdigit() and not Path(which).exists():
        kept, warning = archive.read()
        if warning is not None:
            print(visible(warning), file=sys.stderr)
        number = int(which)
        if not 1 <= number <= len(kept):
            raise RecordError(f"no record number {number}: the archive holds {len(kept)}")
        return kept[number - 1].record
    try:
        # without blocking: a FIFO given by mistake must not hang the program
        fd = os.open(which, os.O_RDONLY | state_dir.NONBLOCK | state_dir.CLOEXEC | state_dir.BINARY)
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise RecordError(f"{which} is not a regular file")
            data = file.read(4 * MAX_RECORD + 1)
    except OSError as exc:
        raise RecordError(f"cannot read {which}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RecordError(f"{which} is not UTF-8 text") from None
    return parse(as_written(text))


def as_written(text: str) -> str:
    """*text* as :func:`game.record_format.write` wrote it, when it is a record copied from a
    terminal: what ``/record`` printed (each row behind the notice's indent, perhaps under its
    heading), copied with what a copy adds — trailing spaces, CR LF line ends, blank lines at
    the end. A record's own lines never end in a space (each ends with its magic, ``]`` or
    ``"``), so taking these away never changes one. Anything else is returned as it is, for
    :func:`game.record_format.parse` to name what is wrong.

    Args:
        text: a file's text.

    Returns:
        The record's text, or *text*.
    """
    lines = [line.rstrip(" \r") for line in text.split("\n")]
    start = next((n for n, line in enumerate(lines) if line.lstrip(" ") == MAGIC), None)
    if start is None:
        return text
    indent = lines[start][: len(lines[start]) - len(MAGIC)]
    heading = lines[:start]  # the notice's sentence, on its rows: marked, then behind the indent
    if heading and not (heading[0].startswith("* ") and indent):
        return text
    if not all(line.startswith(indent) for line in heading[1:]):
        return text
    kept = [line.removeprefix(indent) for line in lines[start:]]
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


def whole_game(record: Record, steps: list[Frame]) -> Iterator[str]:
    """Every line of the game printed through: the header, each step, the result."""
    yield from _header(record)
    for step in steps:
        yield from _step_lines(step)
    yield ""
    yield from _result(record)


def _header(record: Record) -> Iterator[str]:
    first, second = record.players
    date = record.tag("Date")
    when = f" — {date}" if date else ""
    yield visible(f"{record.tag('Game')}: {first} against {second}{when}")
    viewer = record.tag("Viewer")
    # the spectators' copy is named for them all; a player's for the player
    spectators = viewer == "spectators" and viewer not in record.players
    whose = "the spectators'" if spectators else f"{viewer}'s"
    yield visible(f"at {record.tag('Table')}'s table, {whose} copy")


def _step_lines(step: Frame) -> Iterator[str]:
    yield ""
    for entry in step.lines:
        yield _entry_line(entry, step.ply)
    if step.board is None:
        yield "  (no board: this copy does not hold the hidden word)"
    else:
        for line in visible_lines(step.board):
            yield "  " + line


def _entry_line(entry: Entry, move_number: int) -> str:
    if entry.kind == "move":
        return visible(f"{move_number}. {entry.who} {entry.text}")
    if entry.kind == "chat":
        return f"<{visible(entry.who)}> {visible(entry.text)}"
    if entry.kind == "kibitz":
        return f"({visible(entry.who)}) {visible(entry.text)}"
    if entry.kind == "takeback":
        moves = "1 move" if entry.text == "1" else f"{entry.text} moves"
        return visible(f"* {entry.who} took back {moves}")
    return f"* {visible(entry.text)}"


def _result(record: Record) -> Iterator[str]:
    yield visible(f"** {record.tag('Game')}: {record.tag('Result')}")
    secret = record.tag("Secret")
    if secret is not None and record.tag("Outcome") != "unfinished":
        yield visible(f"the word was {secret}")


def _step_through(record: Record, steps: list[Frame], out: TextIO) -> None:
    """One step per key, on a terminal: the screen is drawn again for each."""
    at = 0
    with _raw_keys() as read_key:
        while True:
            lines = [*_header(record), *_step_lines(steps[at])]
            if at == len(steps) - 1:
                lines += ["", *_result(record)]
            lines += ["", f"step {at + 1} of {len(steps)} — {_KEYS_HELP}"]
            out.write("\x1b[H\x1b[2J" + "\r\n".join(lines) + "\r\n")
            out.flush()
            key = read_key()
            if key in _QUIT:
                return
            if key in _NEXT:
                at = min(at + 1, len(steps) - 1)
            elif key in _BACK:
                at = max(at - 1, 0)
            elif key in _FIRST:
                at = 0
            elif key in _LAST:
                at = len(steps) - 1


@contextlib.contextmanager
def _raw_keys() -> Iterator[Callable[[], str]]:
    """Read one key at a time (an escape sequence whole) from the terminal, restoring it on
    the way out."""
    if sys.platform == "win32":
        import msvcrt  # noqa: PLC0415

        def read_windows() -> str:
            key = msvcrt.getwch()
            if key in ("\x00", "\xe0"):  # a special key: Home, End, arrows
                return {"G": "\x1b[H", "O": "\x1b[F", "M": "\x1b[C", "K": "\x1b[D"}.get(
                    msvcrt.getwch(), ""
                )
            return key

        yield read_windows
    else:
        with _posix_keys() as read_posix:
            yield read_posix


@contextlib.contextmanager
def _posix_keys() -> Iterator[Callable[[], str]]:
    import select  # noqa: PLC0415

    # looked up by name: Windows has neither, and this runs only where they are
    termios: Any = importlib.import_module("termios")
    tty: Any = importlib.import_module("tty")

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)

    def read_posix() -> str:
        key = os.read(fd, 1)
        if key == b"\x1b":
            # the rest of an escape sequence arrives with it; a lone Esc has nothing behind
            while select.select([fd], [], [], 0.05)[0]:
                key += os.read(fd, 1)
                if key[-1:].isalpha() or key[-1:] == b"~":
                    break
        return key.decode("utf-8", "replace")

    try:
        tty.setcbreak(fd)
        yield read_posix
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sys.stdout.write("\n")


if __name__ == "__main__":
    raise SystemExit(main())
