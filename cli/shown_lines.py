"""How one shown thing (a chat line, notice, error, board or result) becomes terminal rows.

Pure text in, text out — no terminal, no threads — so every rule of the look is tested here:

* a peer's text is made visible (cli.visible) before any color is added;
* chat is ``<name> text``: a peer's text never starts a row, so it cannot pass for a notice;
* notices, errors and results carry their mark (``* ``, ``! ``, ``** ``) on the first row and
  its width in spaces on the rows after; long ones wrap at word boundaries to the terminal's
  width when there is a terminal (boards never wrap: their columns mean something);
* the notices asking you to act — your turn, an offer to answer (game.delivery.wants_you)
  — are bright, the other notices dim.
"""

from __future__ import annotations

from collections.abc import Callable

from cli.colors import Palette
from cli.terminal_layout import display_width, wrap_words
from cli.visible import visible, visible_lines
from game.delivery import wants_you

_MARKS = {"error": "! ", "result": "** "}
_NOTICE_MARK = "* "


def shown_rows(
    kind: str, text: str, sender: str | None, palette: Palette, width: int | None = None
) -> list[str]:
    """The rows (without newlines) that show one thing.

    Args:
        kind: "chat", "notice", "error", "board" or "result"; any other kind (from a newer
            host) is shown as a notice, never interpreted.
        text: the text; only board/notice/result texts may span lines.
        sender: the author of a chat line.
        palette: colors (possibly disabled).
        width: the terminal's columns, to wrap notices, errors and results; None: no wrapping.

    Returns:
        The painted rows, in order.
    """
    if kind == "chat":
        name = visible(sender if sender is not None else "?")
        return [f"{palette.other('<' + name + '>')} {visible(text)}"]
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
    return _marked(visible_lines(text), mark, paint, width)


def _marked(
    lines: list[str], mark: str, paint: Callable[[str], str], width: int | None
) -> list[str]:
    indent = " " * len(mark)
    rows: list[str] = []
    for number, line in enumerate(lines):
        lead = mark if number == 0 else indent
        if width is None or display_width(lead + line) <= width:
            rows.append(paint(lead + line))
            continue
        for part_number, part in enumerate(wrap_words(line, width - len(indent))):
            rows.append(paint((lead if part_number == 0 else indent) + part))
    return rows
