"""Issue 8 §6: the chat kept for a resume is bounded in size, so the catch-up always fits."""

from __future__ import annotations

import random

from game.flood import FloodControl
from game.history import HISTORY_BYTES, HISTORY_LINES, ChatHistory
from game.table import Kind, Table
from tests.game.conftest import GUEST, HOST, lines

MAX_SEND_BUFFER = 1 << 20  # net.link.Limits.max_send_buffer
LONG = 60_000  # a chat line close to the 64 KiB frame limit


def _table() -> Table:
    # flood control would refuse most of a hundred lines at once; its own tests are elsewhere
    lenient = FloodControl(max_lines=1000, max_repeats=1000)
    table = Table("alice", rng=random.Random(0), words=["apple"], flood=lenient)
    table.sit("bob")
    return table


def test_history_keeps_the_newest_lines_within_both_bounds() -> None:
    history = ChatHistory(max_lines=3, max_bytes=12)
    for text in ["a", "b", "c", "d"]:
        history.add("x", text)
    assert (list(history), history.cut_for_size) == ([("x", "b"), ("x", "c"), ("x", "d")], False)
    history.add("x", "longer!!")
    assert (list(history), history.size, history.cut_for_size) == (
        [("x", "d"), ("x", "longer!!")],
        11,
        True,
    )
    history.add("x", "much too long")  # larger than the whole budget: not kept at all
    assert list(history) == [] and history.size == 0


def test_a_catch_up_after_a_hundred_long_lines_is_far_below_the_send_buffer() -> None:
    table = _table()
    table.handle(GUEST, "/game gomoku")
    table.drop(GUEST, 300)
    for number in range(HISTORY_LINES):
        table.handle(HOST, f"{number:03} " + "x" * LONG, now=float(number))
    out = table.resume(GUEST)
    to_guest = [d for d in out if d.to is GUEST]
    size = sum(len(d.shown.text.encode()) + 64 for d in to_guest)  # 64: the JSON envelope
    assert size <= HISTORY_BYTES + 4096 < MAX_SEND_BUFFER // 8
    chat = lines(out, GUEST, Kind.CHAT)
    assert chat and chat[-1].startswith(f"{HISTORY_LINES - 1:03} ")  # the newest are kept
    header = lines(out, GUEST, Kind.NOTICE)[0]
    assert header == (
        f"welcome back, bob — the last {len(chat)} chat line{'s' * (len(chat) != 1)} "
        "(earlier ones were too long to keep):"
    )
    assert lines(out, GUEST, Kind.BOARD)  # the board still comes with it


def test_short_lines_are_all_kept_and_counted_truthfully() -> None:
    table = _table()
    table.drop(GUEST, 300)
    for number in range(150):
        table.handle(HOST, f"line {number}", now=float(number))
    out = table.resume(GUEST)
    assert lines(out, GUEST, Kind.NOTICE)[0] == "welcome back, bob — the last 100 chat lines:"
    assert lines(out, GUEST, Kind.CHAT)[0] == "line 50"


def test_the_table_takes_its_flood_rules_from_the_caller() -> None:
    strict = FloodControl(max_lines=2, window=5.0)
    table = Table("alice", rng=random.Random(0), flood=strict)
    table.sit("bob")
    for seat in (HOST, GUEST):
        assert [table.handle(seat, t, now=1.0)[0].shown.kind for t in "abc"] == [
            Kind.CHAT,
            Kind.CHAT,
            Kind.ERROR,
        ]
    assert strict.check("untouched", 1.0).value == "ok"  # the template itself is not used
