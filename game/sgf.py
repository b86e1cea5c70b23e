"""An m,n,k game's record as SGF (FF[4], GM[4]), for standard Gomoku/Renju tools.

One game tree: the root node holds FF, GM, CA, AP, SZ (``SZ[m:n]`` for a board that is not
square, columns first), PB (the first mover, X) and PW (O), RE and DT; then one node per move,
``B[..]`` for X and ``W[..]`` for O. SGF points are two letters, column then row, both from
``a`` at the top left — the table's ``b3`` (column b, row 3 counted from 1 at the top) is
``B[bc]``. What was said after a move, until the next one, is that move's ``C[]`` comment, one
line each (``<bob> good luck``); what was said before the first move is the root's.

Text from a record is a peer's: every character that is not plainly printable is written as
its escape (``\\u001b``), so an SGF file printed to a terminal cannot drive it; ``]`` and
``\\`` are escaped as SGF asks.
"""

from __future__ import annotations

from collections.abc import Iterable

from game.mnk import MnkState
from game.record_format import Entry, Record, RecordError
from game.record_replay import opening


def to_sgf(record: Record) -> str:
    """The SGF text of *record*, an m,n,k game.

    Raises:
        RecordError: not an m,n,k game, or a move the engine does not accept.
    """
    state = opening(record)
    if not isinstance(state, MnkState):
        raise RecordError(f"only m,n,k games are exported to SGF, not {record.tag('Game')!r}")
    rules = state.rules
    size = f"{rules.m}" if rules.m == rules.n else f"{rules.m}:{rules.n}"
    first, second = record.players
    root = [
        "FF[4]GM[4]CA[UTF-8]AP[tablechat]",
        f"SZ[{size}]PB[{_text(first)}]PW[{_text(second)}]RE[{_result(record)}]",
    ]
    date = (record.tag("Date") or "")[:10]
    if date:
        root.append(f"DT[{date}]")
    nodes: list[str] = []
    said: list[Entry] = []
    for entry in record.entries:
        if entry.kind != "move":
            said.append(entry)
            continue
        _comment(nodes, root, said)
        said = []
        try:
            move = state.parse_move(entry.text)
        except ValueError as exc:
            raise RecordError(f"move {entry.text!r} cannot be played: {exc}") from None
        row, column = divmod(move, rules.m)
        colour = "B" if state.turn == 0 else "W"
        nodes.append(f";{colour}[{chr(ord('a') + column)}{chr(ord('a') + row)}]")
        state = state.play(move)
    _comment(nodes, root, said)
    return "(;" + "".join(root) + "\n" + "\n".join(nodes) + ")\n"


def _comment(nodes: list[str], root: list[str], said: Iterable[Entry]) -> None:
    """Add what was *said* as the comment of the last node (the root before any move)."""
    lines = [_line(entry) for entry in said]
    if lines:
        comment = f"C[{_text(chr(10).join(lines))}]"
        if nodes:
            nodes[-1] += comment
        else:
            root.append(comment)


def _line(entry: Entry) -> str:
    if entry.kind == "chat":
        return f"<{entry.who}> {entry.text}"
    if entry.kind == "kibitz":
        return f"({entry.who}) {entry.text}"
    return f"* {entry.text}"


def _result(record: Record) -> str:
    """SGF's RE: ``B+`` / ``W+`` (``B+R`` on a resignation), ``0`` a draw, ``Void`` none."""
    outcome, winner = record.tag("Outcome"), record.tag("Winner")
    if outcome == "win" and winner in record.players:
        colour = "B" if record.players.index(winner) == 0 else "W"
        return colour + ("+R" if record.tag("Ending") == "resigned" else "+")
    return "0" if outcome == "draw" else "Void"


def _text(text: str) -> str:
    """*text* as an SGF value: printable (escapes shown), ``]`` and ``\\`` escaped."""
    shown = "".join(
        c
        if c.isprintable() or c == "\n"
        else (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        for c in text
    )
    return shown.replace("\\", "\\\\").replace("]", "\\]")
