"""How one shown thing (a chat line, notice, error, board or result) becomes terminal rows.

Pure text in, text out — no terminal, no threads — so every rule of the look is tested here:

* a peer's text is made visible (cli.visible) before any color is added;
* chat is ``<name> text``: a peer's text never starts a row, so it cannot pass for a notice;
  a long line wraps at word boundaries, its rows after the first indented by
  :data:`CHAT_INDENT` spaces (deeper than a notice's, so no row of it reads as one);
* notices, errors and results carry their mark (``* ``, ``! ``, ``** ``) on the first row and
  its width in spaces on the rows after; long ones wrap at word boundaries to the terminal's
  width when there is a terminal (boards never wrap: their columns mean something);
* a game record printed in a notice (``/record``: from a row that is the record's first line,
  :data:`game.record_magic.MAGIC`, to the end) is never wrapped either: each of its lines is
  one row, as ``python -m cli.replay`` reads it back once copied;
* a line laid out in two columns (an indent, a left column, two or more spaces, the right
  column — a ``/help`` row, a ``/who`` row) that does not fit loses its alignment's padding;
  if one of a notice's such lines still does not fit, every one of them becomes one column
  (decided for the notice, so a list reads the same all the way down): the left column on
  its row, the right one under it, indented :data:`COLUMN_INDENT` spaces deeper;
* the notices asking you to act — your turn, an offer to answer (game.wants_you.wants_you)
  — are bright, the other notices dim.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from cli.colors import Palette
from cli.terminal_layout import display_width, wrap_words
from cli.visible import visible, visible_lines
from game.record_magic import MAGIC
from game.wants_you import wants_you

#: How far a chat line's rows after the first are indented.
CHAT_INDENT: Final = 4
#: How much deeper than its left column the right column of a two-column row goes when the row
#: is laid out as one column.
COLUMN_INDENT: Final = 2

# an indent, a left column (single spaces inside), a gap of two or more spaces, a right column
_TWO_COLUMNS = re.compile(r"( +)(\S+(?: \S+)*)  +(\S.*)")
#: Rows a notice leaves for what stays below it: the prompt.
_PROMPT_ROWS: Final = 1
_MARKS = {"error": "! ", "result": "** "}
_NOTICE_MARK = "* "


def shown_rows(
    kind: str,
    text: str,
    sender: str | None,
    palette: Palette,
    width: int | None = None,
    *,
    height: int | None = None,
) -> list[str]:
    """The rows (without newlines) that show one thing.

    Args:
        kind: "chat", "notice", "error", "board" or "result"; any other kind (from a newer
            host) is shown as a notice, never interpreted.
        text: the text; only board/notice/result texts may span lines.
        sender: the author of a chat line.
        palette: colors (possibly disabled).
        width: the terminal's columns, to wrap chat, notices, errors and results; None: no
            wrapping.
        height: the terminal's rows: a notice of two-column rows that, laid out as one column,
            would scroll its own top away keeps only their left column (``/help`` at 40×24: the
            commands, and ``/help NAME`` says what each does); None: no such limit.

    Returns:
        The painted rows, in order.
    """
    if kind == "chat":
        name = visible(sender if sender is not None else "?")
        author = "<" + name + ">"
        rows = _hanging(f"{author} {visible(text)}", width, " " * CHAT_INDENT)
        if rows[0].startswith(author):  # the name is painted, the peer's text never
            rows[0] = palette.other(author) + rows[0][len(author) :]
        return rows
    if kind == "board":
        return ["  " + palette.board(line) for line in visible_lines(text)]
    mark = _MARKS.get(kind, _NOTICE_MARK)
    paint: Callable[[str], str]
    if kind == "error":
        paint = palette.error
    elif kind == "result":
        paint = palette.result
    elif wants_you(kind, text):
        paint = palette.turn
    else:
        paint = palette.notice
    lines = visible_lines(text)
    rows = _marked(lines, mark, paint, width)
    if height is not None and len(rows) > height - _PROMPT_ROWS:
        return _marked(lines, mark, paint, width, left_only=True)
    return rows


def _marked(
    lines: list[str],
    mark: str,
    paint: Callable[[str], str],
    width: int | None,
    *,
    left_only: bool = False,
) -> list[str]:
    indent = " " * len(mark)
    leads = [mark if number == 0 else indent for number in range(len(lines))]
    # a record's rows (from its MAGIC line on) are data, never laid out as columns
    laid_out = lines[: lines.index(MAGIC)] if MAGIC in lines else lines
    one_column = width is not None and any(
        not _fits_closer(lead, line, width) for lead, line in zip(leads, laid_out, strict=False)
    )
    rows: list[str] = []
    verbatim = False
    for lead, line in zip(leads, lines, strict=True):
        verbatim = verbatim or line == MAGIC
        columns = None if verbatim else _TWO_COLUMNS.fullmatch(line)
        if (
            width is None
            or verbatim
            or (display_width(lead + line) <= width and (columns is None or not one_column))
        ):
            rows.append(paint(lead + line))
            continue
        if columns is not None:
            own, left, right = columns.groups()
            closer = f"{lead}{own}{left}  {right}"  # without the alignment's padding
            if not one_column:
                rows.append(paint(closer))
                continue
            deeper = indent + own + " " * COLUMN_INDENT
            rows += [paint(row) for row in _hanging(lead + own + left, width, indent + own)]
            if not left_only:
                rows += [paint(deeper + row) for row in wrap_words(right, width - len(deeper))]
            continue
        for part_number, part in enumerate(wrap_words(line, width - len(indent))):
            rows.append(paint((lead if part_number == 0 else indent) + part))
    return rows


def _fits_closer(lead: str, line: str, width: int) -> bool:
    """Whether *line*, behind *lead*, fits *width* once a two-column line loses its
    alignment's padding (any other line: True, it is wrapped as it is)."""
    columns = _TWO_COLUMNS.fullmatch(line)
    if columns is None or display_width(lead + line) <= width:
        return True
    own, left, right = columns.groups()
    return display_width(f"{lead}{own}{left}  {right}") <= width


def _hanging(line: str, width: int | None, indent: str) -> list[str]:
    """*line* wrapped at words to *width* columns, its rows after the first behind *indent*
    (narrower by as much); one row when *width* is None or it fits."""
    if width is None or display_width(line) <= width:
        return [line]
    first = wrap_words(line, width)[0]
    if not line.startswith(first):  # the line's own indent was dropped to fit a word
        return wrap_words(line, width)
    rest = line[len(first) :].lstrip(" ")
    return [first, *(indent + row for row in wrap_words(rest, width - len(indent)))]
