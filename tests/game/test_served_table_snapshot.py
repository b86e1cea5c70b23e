"""A served table's snapshot restores exactly what replaying its events restores.

The host's journal keeps a snapshot of the served table and the events since, instead of every
event since the table opened; a restart restores the snapshot and replays the rest. That is
only sound if, for any events at all, restoring a snapshot taken at any point and then applying
the events after it gives the very table a replay of all of them gives: the same boards for
every viewer, score, turn, outbox (its shows and ``show.seq`` numbers), ``say.seq``, tokens,
spectators, recent chat, flood budgets — and the same randomness, so the next hangman word and
the bots' next moves are the same too. The snapshot goes through JSON, as it goes through the
journal. A damaged or hostile snapshot is refused with one :class:`SnapshotError`, never a
crash, and leaves the table as it was.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.delivery import Seat, Spectator
from game.seat_keeper import SeatKeeper
from game.served_table import ServedTable
from game.snapshot_values import SnapshotError
from game.table_events import (
    Dropped,
    Freed,
    FreedWhy,
    Line,
    Opened,
    Restarted,
    Resumed,
    Rotated,
    Sat,
    TableEvent,
    Unwatched,
    Watched,
)
from net.admission import JoinCodeGate
from net.outbox import Outbox

REPLAY_NOW = 5000.0

#: Lines anyone may type: chat, games of each kind, moves, guesses, commands, repeats.
TEXTS = (
    "hi",
    "hi",
    "hello there",
    "//5",
    "/game tictactoe",
    "/game gomoku 5x5 k=4",
    "/game hangman",
    "/game hangman secret word",
    "/rematch",
    "/resign",
    "/score",
    "/board",
    "/who",
    "/sit",
    "/guess apple",
    *"123456789",
    "a1",
    "b2",
    "c3",
    "d4",
    "e5",
    *"aeiorst",
    "/takeback",
    "/takeback 2",
    "/draw",
    "/abort",
    "/accept",
    "/decline",
    "/pending",
    "/history",
    "/history 3",
    "/board words",
    "/board picture",
    "/last",
    "/free",
    "/record",
)


def _hash(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def _served(lobby: bool = False) -> ServedTable[str]:
    """A one-table host's served table, or with *lobby* one whose host seat is held by a
    connection too, as a lobby's tables are (game.lobby_table)."""
    keeper: SeatKeeper[str] = SeatKeeper(
        "alice", JoinCodeGate(None), spectator_limit=5, outbox=Outbox(max_shows=40)
    )
    opener: SeatKeeper[str] | None = None
    if lobby:
        opener = SeatKeeper("alice", JoinCodeGate(None), outbox=Outbox(max_shows=40), seat="host")
    return ServedTable(keeper, opener=opener)


@st.composite
def histories(draw: st.DrawFn) -> tuple[bool, list[TableEvent]]:
    """Events a host could journal: a table opened, then seats, lines, games and spectators in
    any order the seat allows (as the journal's replay checks); and whether the table is a
    lobby's, whose opener sits down in the host's seat first and may drop and come back."""
    lobby = draw(st.booleans())
    events: list[TableEvent] = [Opened("alice", draw(st.integers(0, 2**32)))]
    now, seat, seq, hashes = 0.0, "free", 0, 0
    host_seat, host_seq = "free", 0
    if lobby:
        hashes += 1
        events.append(Sat("alice", _hash(hashes), seat="host"))
        host_seat = "connected"
    watching: dict[int, int] = {}  # number -> its last say.seq
    numbered = 0
    for _ in range(draw(st.integers(0, 60))):
        now += draw(st.sampled_from((0.0, 0.1, 0.5, 2.0, 30.0)))
        step = draw(st.sampled_from(("host", "host", "guest", "guest", "seat", "watch", "other")))
        text = draw(st.sampled_from(TEXTS))
        if step == "host" and lobby:
            host_seq += 1
            events.append(Line("host", text, now, host_seq))
        elif step == "host":
            events.append(Line("host", text, now))
        elif step == "guest" and seat != "free":
            seq += 1
            events.append(Line("guest", text, now, seq))
        elif step == "seat" and lobby and draw(st.booleans()):
            kind = draw(st.sampled_from(("drop", "resume", "rotate")))
            hashes += 1
            if kind == "drop" and host_seat == "connected":
                events.append(Dropped(draw(st.sampled_from((60.0, 300.0))), seat="host"))
                host_seat = "dropped"
            elif kind == "resume":
                caught_up = draw(st.booleans())
                events.append(Resumed(_hash(hashes), _hash(hashes - 1), caught_up, seat="host"))
                host_seat = "connected"
            elif kind == "rotate":
                events.append(Rotated(_hash(hashes), _hash(hashes - 1), seat="host"))
        elif step == "seat" and seat == "free":
            hashes += 1
            name = draw(st.sampled_from(("bob", "carol", "alice", "bot")))
            text_client = draw(st.booleans())
            events.append(Sat(name, _hash(hashes), text_client=text_client))
            seat, seq = "connected", 0
        elif step == "seat":
            kind = draw(st.sampled_from(("drop", "resume", "rotate", "free")))
            if kind == "drop" and seat == "connected":
                events.append(Dropped(draw(st.sampled_from((60.0, 300.0)))))
                seat = "dropped"
            elif kind == "resume":
                hashes += 1
                anew = draw(st.booleans())
                older = None if anew else _hash(hashes - 1)
                caught_up = draw(st.booleans())
                events.append(Resumed(_hash(hashes), older, caught_up, lines_anew=anew))
                seat, seq = "connected", 0 if anew else seq
            elif kind == "rotate":
                hashes += 1
                events.append(Rotated(_hash(hashes), _hash(hashes - 1)))
            else:
                why: FreedWhy = draw(st.sampled_from(("left", "expired", "flooding", "protocol")))
                events.append(Freed(why, "broke it" if why == "protocol" else ""))
                seat = "free"
        elif step == "watch" and (not watching or draw(st.booleans())):
            numbered += 1
            watching[numbered] = 0
            events.append(Watched(draw(st.sampled_from(("dave", "bob", "eve")))))
        elif step == "watch":
            number = draw(st.sampled_from(sorted(watching)))
            if draw(st.booleans()):
                watching[number] += 1
                events.append(Line("spectator", text, now, watching[number], number))
            else:
                del watching[number]
                events.append(Unwatched(number, draw(st.sampled_from(("left", "lost")))))
        elif step == "other":
            events.append(Restarted(draw(st.sampled_from((60.0, 120.0)))))
    return lobby, events


def _replayed(events: list[TableEvent], lobby: bool = False) -> ServedTable[str]:
    served = _served(lobby)
    for event in events:
        served.apply(event, REPLAY_NOW, replaying=True)
    return served


def _observed(served: ServedTable[str]) -> dict[str, Any]:
    """What anyone can see of a served table, and what decides what they will see next."""
    table = served.table
    match = table.match
    views: dict[str, Any] = {}
    if match is not None:
        views = {
            "host": match.render_for(Seat.HOST),
            "guest": match.render_for(Seat.GUEST),
            "spectators": match.state.render(None),
            "turn": match.state.turn,
            "outcome": match.state.outcome,
            "title": match.spec.title,
            "seats": match.seats,
            "state": match.state,
            "history": match.history,
            "offers": match.offers,
        }
    people: list[Seat | Spectator] = [*Seat, *table.spectators]
    return {
        "views": views,
        "score": table.play.score.render(),
        "guest": (table.guest_name, table.guest_connected),
        "spectators": [(s.number, s.name) for s in table.spectators],
        "watchers": sorted(served.keeper.watchers.numbers()),
        "chat": [table.chat_seen(who, 50) for who in people],
        "words": [table.reads_words(who) for who in people],
        "records": [table.record_text(who) for who in people],
        "results": list(table.play.records.results),
        "last_record": served.last_record(),
        "seats": {name: _seat_observed(keeper) for name, keeper in served.seats.items()},
        "recent_chat": list(served.recent_chat),
        "random": table.play._rng.getstate(),
        "flood": [table.is_flooding(seat) for seat in Seat],
        "snapshot": served.to_snapshot(),
    }


def _seat_observed(keeper: SeatKeeper[str]) -> dict[str, Any]:
    return {
        "outbox": (keeper.outbox.last_seq, list(keeper.outbox.after(0))),
        "seat": (keeper.name, keeper.asked, keeper.last_say, keeper.dropped, keeper.by_text),
        "tokens": keeper.tokens.hashes(keeper.seat),
        "deadline": keeper.next_deadline(),
        "grace": keeper.grace,
    }


def _through_json(snapshot: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(snapshot, allow_nan=False))
    return loaded


def _probe(served: ServedTable[str]) -> list[Any]:
    """What the same next lines give: the randomness, the flood budgets and the game decide."""
    out: list[Any] = []
    probes = ["/decline", "/resign", "/game hangman", "e", "/takeback", "/accept", "/history"]
    probes += ["/board words", "hi", "hi", "hi", "/game tictactoe", "5", "/last", "/free"]
    for text in probes:
        applied = served.apply(Line("host", text, REPLAY_NOW + 1), REPLAY_NOW + 1)
        out.append((applied.host, applied.actions))
    out.append(_observed(served))
    return out


@given(histories(), st.data())
def test_a_snapshot_and_the_events_after_it_restore_what_all_the_events_restore(
    history: tuple[bool, list[TableEvent]], data: st.DataObject
) -> None:
    lobby, events = history
    cut = data.draw(st.integers(1, len(events)))
    live = _served(lobby)
    for event in events[:cut]:
        # Applied as a live host applies what it journals; what would follow (a flooder put
        # out) is journaled as an event of its own, and these histories hold none.
        live.apply(event, 0.0)
    snapshot = _through_json(live.to_snapshot())
    restored = _served(lobby)
    restored.apply(Opened("someone else", 1), 0.0, replaying=True)  # as a host opens first
    opened = restored.restore(snapshot, REPLAY_NOW)
    assert opened == events[0]
    for event in events[cut:]:
        restored.apply(event, REPLAY_NOW, replaying=True)
    replayed = _replayed(events, lobby)
    assert _observed(restored) == _observed(replayed)
    assert _probe(restored) == _probe(replayed)


def _snapshot_of(*lines: str) -> dict[str, Any]:
    served = _served()
    served.apply(Opened("alice", 3), 0.0)
    served.apply(Sat("bob", _hash(1)), 0.0)
    served.apply(Watched("carol"), 0.0)
    served.apply(Line("spectator", "/board words", 0.0, 1, 1), 0.0)
    for n, text in enumerate(lines, start=1):
        served.apply(Line("guest", text, float(n), n), float(n))
    return _through_json(served.to_snapshot())


def _set(snapshot: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    *parents, last = path.split(".")
    part: Any = snapshot
    for key in parents:
        part = part[int(key)] if isinstance(part, list) else part[key]
    if isinstance(part, list):
        part[int(last)] = value
    else:
        part[last] = value
    return snapshot


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("seats.guest.last_say", 2**60),  # a say.seq the wire cannot carry
        ("seats.guest.last_say", True),
        ("seats.guest.outbox.last", -1),
        ("seats.guest.outbox.shows.0.seq", 2**60),
        ("seats.guest.outbox.shows.0.kind", "shout"),
        ("seats.guest.tokens.0", "not a hash"),
        ("seats.guest.tokens", None),  # a seat held without tokens
        ("seats.guest.name", "bob\x1b[2J"),
        ("seats.guest.dropped_for", float("inf")),
        ("table.guest", "<bob>"),
        ("table.host", "mallory"),
        ("table.play.random.words", [0] * 10),
        ("table.play.random.version", 2),
        ("table.play.match.spec.x", 2**9 - 1),  # a full board with the game on
        ("table.play.match.spec.game", "chess"),
        ("table.play.match.seats", ["host", "host"]),
        ("table.play.score.wins", {"zed": 1}),
        ("table.spectators.watching.0.number", 99),
        ("table.spectators.watching.0.flood.accepted", [0.0] * 1000),
        ("table.flood.host.last_line", "\ud800"),
        ("table.history.lines.0.text", 5),
        ("table.history.lines.0.kind", "notice"),  # a history holds chat only
        ("table.history.seen.0.who", 7),  # nobody watches as 7
        ("table.history.seen.1.who", "host"),  # one person's lines twice
        ("table.history.seen.0.lines", [0, 99]),  # no such line
        ("table.history.seen.0.lines", [True]),
        ("table.words", ["guest", 9]),
        ("table.play.match.history.0.player", 1),  # out of turn
        ("table.play.match.history.0.text", "1"),  # not the move that led on
        ("table.play.match.history.0.before.x", 1),  # a position no game passed through
        ("table.play.match.history.0.before.game", "hangman"),
        ("table.play.match.offers.open", [{"kind": "takeback", "by": 0, "plies": 5}]),
        ("table.play.match.offers.moves", -1),
        ("seats.host", {}),  # a lobby's seat at a one-table host
        ("table.play.records.table_id", "another table"),
        ("table.play.records.wall", -1.0),
        ("table.play.records.current.entries.0.0", "shout"),
        ("table.play.records.current.players", ["alice"]),
        ("table.play.records.current.outcome", "won"),
        ("table.play.records.current.host_player", 2),
        ("table.play.records.results", [{"id": "x"}]),
        ("opened", []),
    ],
)
def test_a_damaged_snapshot_is_refused_in_one_sentence_and_changes_nothing(
    path: str, value: object
) -> None:
    snapshot = _set(_snapshot_of("/game tictactoe", "5", "hi", "//w"), path, value)
    served = _served()
    served.apply(Opened("alice", 9), 0.0, replaying=True)
    before = _observed(served)
    with pytest.raises(SnapshotError) as raised:
        served.restore(snapshot, REPLAY_NOW)
    assert "\n" not in str(raised.value) and str(raised.value).startswith("snapshot")
    assert _observed(served) == before


def _paths(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in a JSON value: each key of each object and index of each list."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value[:3]):  # the randomness's 625 words alike
            found += _paths(item, (*path, index))
    return found


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
SNAPSHOT = _snapshot_of("/game hangman", "e", "hi")
PATHS = _paths(SNAPSHOT)[1:]


@given(st.sampled_from(PATHS), JSON)
def test_any_value_anywhere_is_refused_or_restored_never_a_crash(
    path: tuple[str | int, ...], value: object
) -> None:
    snapshot = _through_json(SNAPSHOT)
    part: Any = snapshot
    for key in path[:-1]:
        part = part[key]
    part[path[-1]] = value
    served = _served()
    served.apply(Opened("alice", 9), 0.0, replaying=True)
    try:
        served.restore(snapshot, REPLAY_NOW)
    except SnapshotError:
        return
    _probe(served)  # whatever was taken back plays on


#: A lobby's table: alice opened it from a connection (for tic-tac-toe), bob sat down, both
#: played and chatted, alice's connection dropped.
LOBBY_EVENTS: list[TableEvent] = [
    Opened("alice", 5, "tictactoe"),
    Sat("alice", _hash(1), seat="host"),
    Sat("bob", _hash(2), text_client=True),
    Line("host", "/game tictactoe", 1.0, 1),
    Line("host", "5", 2.0, 2),
    Line("guest", "hi", 3.0, 1),
    Line("host", "/board words", 4.0, 3),
    Line("host", "//gl", 5.0, 4),
    Dropped(90.0, seat="host", address="10.0.0.5"),
]


def _lobby_table() -> ServedTable[str]:
    served = _served(lobby=True)
    for event in LOBBY_EVENTS:
        served.apply(event, 10.0)
    return served


def test_a_lobby_tables_snapshot_restores_both_seats() -> None:
    snapshot = _through_json(_lobby_table().to_snapshot())
    assert sorted(snapshot["seats"]) == ["guest", "host"]
    restored = _served(lobby=True)
    restored.restore(snapshot, REPLAY_NOW)
    replayed = _replayed(LOBBY_EVENTS, lobby=True)
    assert _observed(restored) == _observed(replayed)
    host, guest = restored.seats["host"], restored.seats["guest"]
    assert (host.name, host.dropped, host.last_say) == ("alice", True, 4)
    assert (guest.name, guest.dropped, guest.last_say, guest.by_text) == ("bob", False, 1, True)
    assert host.tokens.hashes("host") == (_hash(1), None)
    assert host.next_deadline() == REPLAY_NOW + 90.0
    assert (host.dropped_from, guest.dropped_from) == ("10.0.0.5", None)
    assert restored.opening is not None and restored.opening.game == "tictactoe"
    assert restored.table.reads_words(Seat.HOST) and not restored.host_left
    assert [shown.text for shown in restored.table.chat_seen(Seat.GUEST, 50)] == ["hi", "/gl"]
    assert _probe(restored) == _probe(replayed)


def test_a_lobby_tables_snapshot_is_no_one_table_hosts_and_a_bad_seat_changes_neither() -> None:
    snapshot = _through_json(_lobby_table().to_snapshot())
    one_table = _served()
    one_table.apply(Opened("alice", 9), 0.0, replaying=True)
    with pytest.raises(SnapshotError, match="this table's seats"):
        one_table.restore(snapshot, REPLAY_NOW)
    lobby = _served(lobby=True)
    lobby.apply(Opened("alice", 9), 0.0, replaying=True)
    before = _observed(lobby)
    # The guest's seat is read first and is sound: it must not be taken back alone.
    with pytest.raises(SnapshotError, match=r"snapshot\.seats\.host\.tokens"):
        lobby.restore(_set(snapshot, "seats.host.tokens.0", "not a hash"), REPLAY_NOW)
    with pytest.raises(SnapshotError, match=r"snapshot\.seats\.host\.dropped_from must be an"):
        fresh = _through_json(_lobby_table().to_snapshot())
        lobby.restore(_set(fresh, "seats.host.dropped_from", "10.0.0.5\x1b[2J"), REPLAY_NOW)
    assert _observed(lobby) == before
