"""SGF export of an m,n,k game, read back by a small SGF reader of the tests' own (independent
of the writer): the same moves, the chat in the right nodes' comments."""

from __future__ import annotations

import random
import re

import pytest

from game.record_format import RecordError, parse, write
from game.record_replay import frames
from game.sgf import to_sgf
from game.table import Table
from tests.game.support import GUEST, HOST

_PROPERTY = re.compile(r"([A-Z]+)((?:\[(?:[^\]\\]|\\.)*\])+)", re.DOTALL)
_VALUE = re.compile(r"\[((?:[^\]\\]|\\.)*)\]", re.DOTALL)


def read_sgf(text: str) -> list[dict[str, list[str]]]:
    """The nodes of a one-variation SGF game tree, each property's values unescaped."""
    text = text.strip()
    assert text.startswith("(") and text.endswith(")")
    nodes = []
    # a ';' inside a value is escaped or bracketed: split outside brackets only
    depth, start, parts = 0, 1, []
    index = 1
    while index < len(text) - 1:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == ";" and depth == 0:
            parts.append(text[start:index])
            start = index + 1
        index += 1
    parts.append(text[start:-1])
    for part in parts[1:]:
        node: dict[str, list[str]] = {}
        for name, values in _PROPERTY.findall(part):
            node[name] = [re.sub(r"\\(.)", r"\1", v) for v in _VALUE.findall(values)]
        nodes.append(node)
    return nodes


def test_a_gomoku_game_read_back_has_the_same_moves_and_chat() -> None:
    table = Table("alice", rng=random.Random(3))
    table.sit("bob")
    table.play.records.wall = 1_765_000_000.0
    table.handle(HOST, "/game gomoku")
    moves = ["h8", "a1", "i8", "a2", "j8", "a3", "k8", "o15", "l8"]
    for number, move in enumerate(moves):
        table.handle(HOST if number % 2 == 0 else GUEST, move)
        if move == "a1":
            table.handle(GUEST, "a corner] \\ why not")
    log = table.play.records.last
    assert log is not None
    record = parse(write(log.record_for("guest")))
    root, *played = read_sgf(to_sgf(record))
    assert root["FF"] == ["4"] and root["GM"] == ["4"] and root["SZ"] == ["15"]
    assert (root["PB"], root["PW"], root["RE"], root["DT"]) == (
        ["alice"],
        ["bob"],
        ["B+"],
        ["2025-12-06"],
    )
    got = []
    for node in played:
        (colour,) = set(node) & {"B", "W"}
        (point,) = node[colour]
        got.append((colour, f"{point[0]}{ord(point[1]) - ord('a') + 1}"))
    assert got == [("BW"[n % 2], move) for n, move in enumerate(moves)]
    assert played[1]["C"] == ["<bob> a corner] \\ why not"]


def test_a_board_that_is_not_square_says_columns_and_rows() -> None:
    table = Table("alice", rng=random.Random(3))
    table.handle(HOST, "/game tictactoe 5x4 k=3")
    table.handle(HOST, "/resign")
    log = table.play.records.last
    assert log is not None
    (root, *_) = read_sgf(to_sgf(parse(write(log.record_for("host")))))
    assert root["SZ"] == ["5:4"] and root["RE"] == ["W+R"]


def test_hangman_is_not_exported() -> None:
    table = Table("alice", rng=random.Random(3))
    table.handle(HOST, "/game hangman")
    table.handle(HOST, "/resign")
    log = table.play.records.last
    assert log is not None
    with pytest.raises(RecordError, match="only m,n,k"):
        to_sgf(parse(write(log.record_for("host"))))


def test_moves_taken_back_are_not_in_the_sgf_and_what_was_said_stays() -> None:
    table = Table("alice", rng=random.Random(3))
    table.sit("bob")
    for typist, line in [
        (HOST, "/game tictactoe"),
        (HOST, "a1"),
        (GUEST, "a2"),
        (GUEST, "oops"),
        (GUEST, "/takeback"),
        (HOST, "/accept"),
        (GUEST, "b2"),
        (HOST, "/draw"),
        (GUEST, "/accept"),
    ]:
        table.handle(typist, line)
    log = table.play.records.last
    assert log is not None
    record = parse(write(log.record_for("guest")))
    assert record.moves == ["a1", "b2"]
    assert (record.tag("Outcome"), record.tag("Ending")) == ("draw", "draw agreed")
    steps = frames(record)
    assert [step.ply for step in steps] == [0, 1, 2, 1, 2]
    assert steps[3].board == steps[1].board  # back to alice's a1 alone
    root, first, second = read_sgf(to_sgf(record))
    assert (first["B"], second["W"], root["RE"]) == (["aa"], ["bb"], ["0"])
    assert first["C"][0].startswith("<bob> oops\n* bob offers alice a takeback of 1 move")
    assert first["C"][0].endswith("* bob took back 1 move")
