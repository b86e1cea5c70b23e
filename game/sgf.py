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

from game.mnk import MnkState
from game.record_format import Entry, Record, RecordError, takeback_plies
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
    # each node: its move and what was said after it, until the next move; a takeback drops
    # the last nodes (SGF's main line holds the moves that stand) and keeps what was said at
    # them in the node it went back to
    root_said: list[str] = []
    nodes: list[tuple[str, list[str]]] = []
    states = [state]
    for entry in record.entries:
        said = nodes[-1][1] if nodes else root_said
        if entry.kind == "move":
            position = states[-1]
            try:
                move = position.parse_move(entry.text)
            except ValueError as exc:
                raise RecordError(f"move {entry.text!r} cannot be played: {exc}") from None
            row, column = divmod(move, rules.m)
            colour = "B" if position.turn == 0 else "W"
            nodes.append((f";{colour}[{chr(ord('a') + column)}{chr(ord('a') + row)}]", []))
            states.append(position.play(move))
        elif entry.kind == "takeback":
            plies = takeback_plies(entry)
            if plies > len(nodes):
                raise RecordError(f"a takeback of {plies} moves after {len(nodes)}")
            dropped = [line for _, lines in nodes[len(nodes) - plies :] for line in lines]
            del nodes[len(nodes) - plies :], states[len(states) - plies :]
            said = nodes[-1][1] if nodes else root_said
            said += [*dropped, f"* {entry.who} took back {plies} move{'s' * (plies != 1)}"]
        else:
            said.append(_line(entry))
    root.append(_comment(root_said))
    body = [move + _comment(lines) for move, lines in nodes]
    return "(;" + "".join(root) + "\n" + "\n".join(body) + ")\n"


def _comment(lines: list[str]) -> str:
    """A node's C[] property of *lines* (nothing when there are none)."""
    return f"C[{_text(chr(10).join(lines))}]" if lines else ""


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
