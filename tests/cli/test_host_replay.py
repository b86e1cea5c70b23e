"""The host's one apply method, with sending off: the same events give the same table and the
same ``show.seq`` numbers (the seam the restart journal replays through)."""

from __future__ import annotations

from cli.args import HostOptions
from cli.hosting import Host
from game.table_events import Dropped, Line, Opened, Restarted, Resumed, Sat, TableEvent
from net.admission import token_hash

EVENTS: list[TableEvent] = [
    Opened("alice", 7),
    Sat("bob", token_hash("t1")),
    Line("host", "/game tictactoe", 1.0),
    Line("host", "b2", 2.0),
    Line("guest", "a1", 3.0, seq=1),
    Line("host", "good luck", 4.0),
    Dropped(300.0),
    Line("host", "c1", 5.0),
    Resumed(token_hash("t2"), token_hash("t1"), caught_up=True),
]


def _host() -> Host:
    return Host(HostOptions(port=0, bind="127.0.0.1", name="alice", color=False), clock=lambda: 0.0)


def _replayed() -> Host:
    host = _host()
    for event in EVENTS:
        host.apply(event, replaying=True)
    return host


def test_replaying_twice_gives_the_same_table_and_shows() -> None:
    first, second = _replayed(), _replayed()
    shows = list(first.keeper.outbox.after(0))
    assert shows == list(second.keeper.outbox.after(0))
    assert [show.seq for show in shows] == list(range(1, len(shows) + 1))
    assert first.table.match is not None and second.table.match is not None
    assert first.table.match.state == second.table.match.state
    assert (first.keeper.name, first.keeper.last_say) == ("bob", 1)
    assert ("chat", "good luck", "alice") in [(s.kind, s.text, s.sender) for s in shows]
    # the resume's greeting was for that connection alone: not kept, not numbered
    assert "welcome back, bob" not in [s.text for s in shows]


def test_a_replayed_seat_takes_its_token_back_and_drops_once_served() -> None:
    host = _replayed()
    assert host.keeper.tokens.verify("t2") == "guest" and host.keeper.tokens.verify("t1")
    assert host.keeper.next_deadline() is None  # as seated as when the old process stopped
    host.finish_replay()  # bob's connection ended with the old process
    assert host.keeper.next_deadline() == 300.0 and host.keeper.grace_left(0.0) == 300.0


def test_a_second_restart_replays_the_first_one_as_it_happened() -> None:
    # Live, the restarted process forgot the flood history (its clock is another process's);
    # the journal records that (Restarted), so replaying both runs' events after a second crash
    # gives what the second run really did. Without it, "gg" at 1005 would be replayed as a
    # repeat inside the first run's flood window and refused, and the seqs would shift.
    first_run: list[TableEvent] = [
        Opened("alice", 7),
        Sat("bob", token_hash("t1")),
        Line("host", "gg", 1000.0),
        Line("host", "gg", 1001.0),
    ]
    second_run: list[TableEvent] = [Restarted(300.0), Line("host", "gg", 1005.0)]
    live = _host()
    for event in first_run:
        live.apply(event, replaying=True)
    recorded = [*first_run]
    real_apply = live.apply

    def record_then_apply(event: TableEvent, *, replaying: bool = False) -> None:
        recorded.append(event)
        real_apply(event, replaying=True)

    live.apply = record_then_apply  # type: ignore[method-assign]
    for event in second_run:
        live.apply(event)
    live.finish_replay()
    again = _host()
    for event in recorded:
        again.apply(event, replaying=True)
    assert list(again.keeper.outbox.after(0)) == list(live.keeper.outbox.after(0))
    assert [s.text for s in live.keeper.outbox.after(0)].count("gg") == 3
    assert recorded[-1] == Dropped(300.0)  # bob's seat is kept for this run's grace period
