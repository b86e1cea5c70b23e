"""Every game is kept on both sides: real programs in pseudo-terminals.

A tic-tac-toe game played to a win with chat between the moves leaves one record in the host's
archive and one in the join's (each program has its own state directory, as two people on two
machines do): both names, every move in order, each chat line between the moves it was said
between, and the result; ``python -m cli.replay 1 --all`` prints the final board and the chat.
A host killed with SIGKILL mid-game and started again still keeps the whole game: one record,
the moves and the chat from before the crash included.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from cli.archive import Archive
from cli.replay import PIPE_CLOSED
from game.record_format import Record, parse
from tests.cli.support import REPO
from tests.cli.test_archive import a_record
from tests.e2e.support import (
    HOST_STATE,
    JOIN_STATE,
    RESTART_TIMEOUT,
    RESTORED,
    TIMEOUT,
    Players,
    child_env,
    crash,
    free_port,
    start_host,
)

#: (who moves, the move, what they then say): alice is X.
GAME = (
    ("host", "a1", "your turn, bob"),
    ("join", "b1", "hmm"),
    ("host", "a2", ""),
    ("join", "b2", "not that one"),
    ("host", "a3", ""),
)


def archive_of(players: Players, state: str) -> list[Record]:
    """The records in the archive of the program run with state directory *state*."""
    where = players.home / "xdg-state" / state / "tablechat" / "records"
    files = sorted(where.glob("*.record")) if where.is_dir() else []
    return [parse(path.read_text(encoding="utf-8")) for path in files]


def wait_for_records(players: Players, state: str, count: int) -> list[Record]:
    """The archive once it holds *count* records (a join writes its copy as the show comes)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        records = archive_of(players, state)
        if len(records) >= count or time.monotonic() > deadline:
            return records
        time.sleep(0.05)


def body(record: Record) -> list[tuple[str, str, str]]:
    return [(entry.kind, entry.who, entry.text) for entry in record.entries]


def test_a_game_with_chat_is_kept_by_both_and_replayed(players: Players, tmp_path: Path) -> None:
    port = free_port()
    host = start_host(players, port)
    join = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    expected: list[tuple[str, str, str]] = []
    for who, move, said in GAME:
        mover, other = (host, join) if who == "host" else (join, host)
        name = "alice" if who == "host" else "bob"
        mover.say(move)
        other.expect(f"{name} played {move}")
        expected.append(("move", name, move))
        if said and move != "a3":
            mover.say(said)
            other.expect(f"<{name}> {said}")
            expected.append(("chat", name, said))
    for player in (host, join):
        player.expect("alice wins — 3 in a row")

    (mine,) = wait_for_records(players, HOST_STATE, 1)
    (theirs,) = wait_for_records(players, JOIN_STATE, 1)
    for record, viewer in ((mine, "alice"), (theirs, "bob")):
        assert record.players == ("alice", "bob")
        assert record.tag("Viewer") == viewer
        assert body(record) == expected
        assert record.tag("Result") == "alice wins — 3 in a row"
        assert record.tag("Winner") == "alice"
    assert mine.tag("Id") == theirs.tag("Id")

    replay = subprocess.run(
        [sys.executable, "-m", "cli.replay", "1", "--all"],
        env=child_env(players.home, state=JOIN_STATE),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=True,
    )
    printed = replay.stdout
    assert "1 [X]| O | 3" in printed and "3 [X]| 8 | 9" in printed  # the final board
    assert "<bob> not that one" in printed and "<alice> your turn, bob" in printed
    assert printed.index("<bob> hmm") < printed.index("3. alice a2")
    assert "** tictactoe: alice wins — 3 in a row" in printed

    # On a terminal, a key a step: next, last (End), first (Home), back, quit.
    stepping = players.start("cli.replay", "1", state=JOIN_STATE)
    stepping.expect("step 1 of 6")
    stepping.type("n")
    stepping.expect("1. alice a1")
    stepping.expect("step 2 of 6")
    stepping.type("\x1b[F")
    stepping.expect("** tictactoe: alice wins — 3 in a row")
    stepping.expect("step 6 of 6")
    stepping.type("\x1b[H")
    stepping.expect("step 1 of 6")
    stepping.type("l")
    stepping.expect("step 6 of 6")
    stepping.type("b")
    stepping.expect("step 5 of 6")
    stepping.type("q")
    assert stepping.wait_exit() == 0

    # A game the guest leaves with /q, and one the host's /q closes: both kept, by both.
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("b2")
    join.expect("your move (O)")
    join.say("/q")
    assert join.wait_exit() == 0
    host.expect("bob left the table")
    again = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    again.say("/game gomoku")
    again.expect("your move (X)")
    again.say("h8")
    host.expect("bob played h8")
    host.say("/q")
    assert again.wait_exit() == 0
    for state, viewer in ((HOST_STATE, "alice"), (JOIN_STATE, "bob")):
        _, left, closed = wait_for_records(players, state, 3)
        assert (left.tag("Outcome"), left.moves, left.tag("Viewer")) == (
            "abandoned",
            ["b2"],
            viewer,
        )
        assert (closed.tag("Outcome"), closed.moves) == ("unfinished", ["h8"])
        assert closed.tag("Game") == "gomoku"


def test_a_host_killed_mid_game_still_keeps_the_whole_game(players: Players) -> None:
    port = free_port()
    host = start_host(players, port)
    join = players.join(port, "bob", state=JOIN_STATE)
    host.expect("bob sat down")
    host.say("/game tictactoe")
    join.expect("waiting for alice (X)")
    host.say("a1")
    join.expect("your move (O)")
    join.say("b1")
    host.expect("bob played b1")
    host.say("before the crash")
    join.expect("<alice> before the crash")

    crash(host)
    join.expect("connection to alice lost — reconnecting…")
    again = start_host(players, port, says=(RESTORED,))
    join.expect("reconnected to alice's table", timeout=RESTART_TIMEOUT)
    again.expect("bob is back")
    again.say("a2")
    join.expect("alice played a2")
    join.say("b2")
    again.expect("bob played b2")
    again.say("a3")
    for player in (again, join):
        player.expect("alice wins — 3 in a row")

    (mine,) = wait_for_records(players, HOST_STATE, 1)
    (theirs,) = wait_for_records(players, JOIN_STATE, 1)
    whole = [
        ("move", "alice", "a1"),
        ("move", "bob", "b1"),
        ("chat", "alice", "before the crash"),
        ("move", "alice", "a2"),
        ("move", "bob", "b2"),
        ("move", "alice", "a3"),
    ]
    assert body(mine) == whole and body(theirs) == whole
    assert mine.tag("Outcome") == theirs.tag("Outcome") == "win"
    # /score counts the game once: in the archive and in this run (rebuilt by the replay)
    join.say("/score")
    join.expect("bob against alice since")  # the asker first
    join.expect("tictactoe  bob 0 wins, alice 1 win, 0 draws")


def test_replay_into_a_pipe_its_reader_closed_stops_quietly(tmp_path: Path) -> None:
    # the reader (| head) went before the program wrote: every write finds the pipe closed
    Archive(tmp_path / "xdg-state" / "state" / "tablechat").save(a_record())
    for arguments in ((), ("1", "--all")):
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "cli.replay", *arguments],
                env=child_env(tmp_path),
                cwd=REPO,
                stdout=write_end,
                stderr=subprocess.PIPE,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        finally:
            os.close(write_end)
        assert (done.returncode, done.stderr) == (PIPE_CLOSED, "")
