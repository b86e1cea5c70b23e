"""Ctrl-Z and fg, and a window resized narrower then wider, mid-line, in a real terminal.

The join is started by a shell with job control, as in a terminal window. Ctrl-Z stops it and
the shell has the terminal in its own modes; ``fg`` brings it back: its raw modes again, the
prompt and the half-typed line drawn again, and editing works where it was left. A resize
replays into pyte the way xterm does it — rows cut, not re-flowed — and the half line is then
on the screen exactly once, nothing of it left behind above. Both with readline and with the
console's own editor (readline hidden).
"""

from __future__ import annotations

import termios
import time
from pathlib import Path

import pexpect
import pyte
import pytest

from tests.e2e.support import ROWS, TIMEOUT, Player, Players

HALF = "the quick brown fox jumps over the lazy dog and keeps running far away, always -- end"
LEFT = "\x1b[D"


def _stopped(shell: Player) -> None:
    """Wait until the program the shell started is stopped (Linux: its state in /proc)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{shell.child.pid}/task").glob("*/children"):
            for pid in child.read_text().split():
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state == "T":
                    return
        time.sleep(0.02)  # a condition polled against a deadline, not a guess
    raise AssertionError("the program did not stop")


def _written_after(player: Player, offset: int, text: bytes) -> None:
    """Wait until *text* is among what *player* wrote after the first *offset* bytes."""
    deadline = time.monotonic() + TIMEOUT
    while text not in player.raw[offset:]:
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} not written: {player.raw[offset:]!r}")
        player.child.expect([pexpect.TIMEOUT], timeout=0.05)  # reads what comes meanwhile
    player.child.buffer = player.raw[-1:]  # the next expect starts from here


def _cooked(player: Player) -> bool:
    return bool(termios.tcgetattr(player.child.child_fd)[3] & termios.ICANON)


def _screen(raw: bytes, resizes: list[tuple[int, int]], columns: int) -> list[str]:
    """The screen after *raw*, resized at each (byte offset, columns) as xterm does."""
    screen = pyte.Screen(columns, ROWS)
    stream = pyte.ByteStream(screen)
    done = 0
    for at, width in resizes:
        stream.feed(raw[done:at])
        screen.resize(ROWS, width)
        done = at
    stream.feed(raw[done:])
    return [row.rstrip() for row in screen.display if row.strip()]


@pytest.mark.parametrize("editor", ["readline", "own"])
def test_ctrl_z_fg_and_resizes_keep_the_half_line_whole(players: Players, editor: str) -> None:
    extra = {"TABLECHAT_NO_READLINE": "1"} if editor == "own" else None
    host, port = players.host()
    join = players.start("cli.join", str(port), "--name", "bob", columns=60, extra=extra,
                         job_control=True)  # fmt: skip
    join.expect("<bob> ")
    host.expect("bob sat down")
    join.type(HALF)
    join.expect("-- end")
    assert not _cooked(join)

    join.type("\x1a")  # Ctrl-Z
    _stopped(join)
    assert _cooked(join)  # the shell has the terminal as it was found
    stopped_at = len(join.raw)
    join.say("")  # the shell's "read", then "fg"
    _written_after(join, stopped_at, b"-- end")  # the prompt and the half line again
    assert not _cooked(join), (join.raw[-300:], join.child.before[-100:])
    line, at = HALF, len(HALF)  # what bob's line holds, and where its cursor is
    join.type(LEFT * 4 + "1")  # editing goes on where it was
    line, at = line[: at - 4] + "1" + line[at - 4 :], at - 3
    join.expect("1")

    resizes = []
    for width in (40, 100):  # narrower, then wider
        join.type(f"\x05<{width}>")  # Ctrl-E, and a mark at the end, drawn last
        line += f"<{width}>"
        join.expect(f"<{width}>")  # all drawn for the old width is read: resize here
        resizes.append((len(join.raw), width))
        join.child.setwinsize(ROWS, width)
        host.say(f"incoming at {width}")
        join.expect(f"<alice> incoming at {width}")
    join.type("\x05#")  # Ctrl-E, then a last character: written last, once all else is drawn
    line += "#"
    join.expect("#")

    rows = _screen(join.raw, resizes, 60)
    below = rows[next(i for i, row in enumerate(rows) if "incoming at 100" in row) + 1 :]
    assert "".join(row.ljust(100) for row in below).rstrip() == "<bob> " + line, rows
    # Between the line as it was left at Ctrl-Z (it stays, the shell wrote below it) and the
    # last drawing, not one row of an earlier drawing is left, cut or not.
    stopped_at = next(i for i, row in enumerate(rows) if row.endswith("-- end")) + 1
    last = next(i for i, row in enumerate(rows) if "incoming at 100" in row)
    assert not any("<bob>" in row or "quick" in row for row in rows[stopped_at:last]), rows
    join.say("")
    host.expect("<bob> " + line)
