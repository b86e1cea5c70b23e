"""The served table: one owner of the table and of who is connected as whom.

Driven the way a host program drives it — ask, apply every event, carry out the actions — with
a fake clock and connections named by strings. What a spectator whose welcome is on its way is
kept is bounded, and one whose oldest kept shows had to go is shown the board as it stands, as
a late one is.
"""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from game.delivery import Kind, Seat
from game.record_format import parse
from game.seat_decisions import Action, Decision, SayBye, Send, SendAll
from game.seat_keeper import SeatKeeper
from game.served_table import FLOODING, RECENT_CHAT, Applied, ServedTable
from game.spectator_connections import KEPT_LIMIT
from game.spectators import SPECTATOR_LIMIT
from game.table import Table
from game.table_events import Freed, Line, Opened, Sat, TableEvent, Unwatched
from net.admission import JoinCodeGate, SeatTokens
from net.messages import STATUS, Hello, Show

ADDRESS = "127.0.0.1"


class Program:
    """A served table and what its outputs did, per connection."""

    def __init__(self) -> None:
        tokens = (f"t{n}" for n in range(1, 1000))
        keeper: SeatKeeper[str] = SeatKeeper(
            "alice",
            JoinCodeGate(None),
            tokens=SeatTokens(lambda _: next(tokens)),
            spectator_limit=SPECTATOR_LIMIT,
        )
        self.served = ServedTable(keeper)
        self.now = 0.0
        self.host: list[str] = []
        self.sent: dict[str, list[Show]] = {}
        self.byes: dict[str, str] = {}
        self.events: list[TableEvent] = []
        self.apply(Opened("alice", 7))

    def apply(self, event: TableEvent) -> None:
        self.events.append(event)
        applied: Applied[str] = self.served.apply(event, self.now)
        self.host += [shown.text for shown in applied.host]
        self.carry_out(applied.actions)
        for follows in applied.then:
            self.apply(follows)

    def decide(self, decision: Decision[str]) -> None:
        for event in decision.events:
            self.apply(event)
        self.carry_out(decision.actions)

    def carry_out(self, actions: list[Action[str]]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self.sent.setdefault(action.key, []).append(action.show)
            elif isinstance(action, SendAll):
                for key in action.keys:
                    self.sent.setdefault(key, []).append(action.show)
            elif isinstance(action, SayBye):
                self.byes[action.key] = action.code

    def arrive(self, key: str, name: str) -> None:
        """A hello from *key*, decided; its welcome not out yet."""
        keeper = self.served.keeper
        decision = keeper.admit(key, Hello(name=name), ADDRESS, self.now)
        assert decision.refusal is None, decision.refusal
        self.decide(decision)
        keeper.welcome(key)

    def welcomed(self, key: str) -> None:
        self.decide(self.served.welcomed(key))
        self.carry_out(list(self.served.keeper.to_send()))

    def says(self, key: str, seq: int, text: str) -> None:
        self.decide(self.served.said(key, seq, text, self.now))

    def texts(self, key: str) -> list[str]:
        """What *key* was sent to print (a game's record is for the program, not printed)."""
        return [show.text for show in self.sent.get(key, []) if show.kind != "record"]


def _bob_and_alice_playing() -> Program:
    program = Program()
    program.arrive("bob", "bob")
    program.welcomed("bob")
    program.apply(Line("host", "/game tictactoe", 0.0))
    program.apply(Line("host", "b2", 0.0))
    return program


def _chat(program: Program, count: int, start: int = 0) -> None:
    # host chat reaches every spectator; one line a second is within the flood limit
    for n in range(start, start + count):
        program.now = float(n)
        program.apply(Line("host", f"line {n}", program.now))


def test_a_slow_welcome_keeps_at_most_the_limit_then_shows_the_board_as_it_stands() -> None:
    program = _bob_and_alice_playing()
    program.arrive("carol", "carol")
    program.says("bob", 1, "a1")  # the game moves on; what tells carol is pushed out below
    _chat(program, KEPT_LIMIT * 4)
    assert program.served.keeper.watchers.kept() == KEPT_LIMIT
    assert "carol" not in program.sent  # nothing reaches a connection not welcomed yet
    program.welcomed("carol")
    texts = program.texts("carol")
    kept = texts[:KEPT_LIMIT]
    assert kept == [f"line {n}" for n in range(KEPT_LIMIT * 3, KEPT_LIMIT * 4)]  # the newest
    late = texts[KEPT_LIMIT:]
    assert late[0].startswith("the table is full — watching alice and bob")
    boards = [s.text for s in program.sent["carol"][KEPT_LIMIT:] if s.kind == "board"]
    assert boards and "1 (O)| 2 | 3" in boards[-1]  # bob's a1: the board as it is now
    assert program.served.keeper.watchers.kept() == 0


def test_below_the_limit_everything_kept_arrives_in_order_then_live_lines_follow() -> None:
    program = _bob_and_alice_playing()
    program.arrive("carol", "carol")
    _chat(program, KEPT_LIMIT - 10)
    program.welcomed("carol")
    texts = program.texts("carol")
    welcome = "the table is full — watching alice and bob"
    assert texts[0].startswith(welcome)
    assert sum(text.startswith(welcome) for text in texts) == 1  # no late view: nothing lost
    assert texts[-(KEPT_LIMIT - 10) :] == [f"line {n}" for n in range(KEPT_LIMIT - 10)]
    _chat(program, 1, start=KEPT_LIMIT)
    assert program.texts("carol")[-1] == f"line {KEPT_LIMIT}"  # live now: sent at once


def test_a_kibitz_line_reaches_the_other_spectators_only_and_never_its_author() -> None:
    program = _bob_and_alice_playing()
    for name in ("carol", "dave"):
        program.arrive(name, name)
        program.welcomed(name)
    program.says("carol", 1, "nice move")
    assert program.texts("dave")[-1] == "nice move"
    assert "nice move" not in program.texts("carol") + program.texts("bob") + program.host


def test_a_quit_sent_as_text_is_leaving_for_the_guest_and_for_a_spectator() -> None:
    program = _bob_and_alice_playing()
    program.arrive("carol", "carol")
    program.welcomed("carol")
    program.says("carol", 1, "/q")
    assert Unwatched(1, "left") in program.events and program.byes["carol"] == "left"
    program.says("bob", 1, "/quit")
    assert Freed("left") in program.events and program.byes["bob"] == "left"
    assert program.served.table.guest_name is None


def test_a_guest_who_keeps_flooding_is_put_out_by_the_event_that_follows_the_line() -> None:
    program = _bob_and_alice_playing()
    seq = 0
    while "bob" not in program.byes and seq < 10_000:
        seq += 1
        program.now = seq * 0.01  # a hundred lines a second
        program.says("bob", seq, f"spam {seq}")
    assert program.byes.get("bob") == "flooding"
    assert Freed("flooding", FLOODING) in program.events
    assert program.served.table.guest_name is None


def test_replaying_the_events_rebuilds_the_same_table_and_numbers() -> None:
    live = _bob_and_alice_playing()
    live.says("bob", 1, "hello")
    replayed = Program()
    for event in live.events[1:]:
        replayed.served.apply(event, 0.0, replaying=True)
    assert str(replayed.served.table.match.state) == str(live.served.table.match.state)  # type: ignore[union-attr]
    assert replayed.served.keeper.outbox.last_seq == live.served.keeper.outbox.last_seq
    assert replayed.served.keeper.name == "bob"


def test_a_flood_is_refused_before_it_becomes_an_event() -> None:
    program = _bob_and_alice_playing()
    before = len(program.events)
    for seq in range(1, 2001):
        program.now = 100.0 + seq * 0.001  # two thousand lines in two seconds
        program.says("bob", seq, f"spam {seq}")
    lines = [e for e in program.events[before:] if isinstance(e, Line)]
    assert len(lines) == 10  # the budget: ten lines in five seconds; the rest cost nothing
    refusals = [s for s in program.sent["bob"] if s.text.startswith("slow down")]
    assert refusals and all(s.seq is None for s in refusals)  # unnumbered: no catch-up
    program.says("bob", 2001, "a1")  # a move is never limited, and follows the refused lines
    assert isinstance(program.events[-1], Line) and program.events[-1].text == "a1"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["host", "guest"]),
            st.sampled_from(["hi", "hi", "yo", "//x", "/game tictactoe", "/resign", "b2", "/who"]),
            st.floats(0, 2),
        ),
        max_size=60,
    )
)
def test_over_budget_refuses_exactly_what_the_table_would(
    steps: list[tuple[str, str, float]],
) -> None:
    asked = Table("alice", rng=random.Random(3))
    plain = Table("alice", rng=random.Random(3))
    for table in (asked, plain):
        table.sit("bob")
    now = 0.0
    for who, text, later in steps:
        now += later
        seat = Seat.HOST if who == "host" else Seat.GUEST
        refused = asked.over_budget(seat, text, now)
        got = refused if refused is not None else asked.handle(seat, text, now)
        assert got == plain.handle(seat, text, now)
        if refused is not None:
            assert [d.shown.kind for d in refused] == [Kind.ERROR]
        assert asked.is_flooding(seat) == plain.is_flooding(seat)


def test_two_resumes_in_a_row_greet_each_connection_once_and_never_resend_a_greeting() -> None:
    """A host stopped for a while reads, once it runs, a hello that waited in its accept
    queue (the join gave up on it) and then the join's live attempt: both resume."""
    program = _bob_and_alice_playing()
    token = program.served.keeper.welcome("bob").token
    program.decide(program.served.keeper.lost("bob", "lost", "connection lost"))
    seen = [show.seq for show in program.sent["bob"] if show.seq is not None][-1]
    for key in ("stale", "live"):
        hello = Hello(name="bob", token=token, seen=seen)
        decision = program.served.keeper.admit(key, hello, ADDRESS, program.now)
        assert decision.refusal is None
        program.decide(decision)
        program.served.keeper.welcome(key)
        program.welcomed(key)
    assert [t for t in program.texts("live") if t.startswith("welcome back")] == [
        "welcome back, bob"
    ]
    assert program.host.count("bob is back") == 1
    assert program.host[-1] == "bob is on a new connection"


def test_a_seat_s_status_goes_to_its_connection_once_its_welcome_is_out() -> None:
    """What is sent to a connection still being welcomed is lost (it cannot be sent yet):
    its status must wait for the welcome, new guest or resumed."""
    program = Program()
    program.arrive("bob", "bob")
    assert not program.sent.get("bob")  # the sit is applied before the welcome goes out
    program.welcomed("bob")
    assert [s.text for s in program.sent["bob"] if s.kind == STATUS] == [""]  # no game yet
    program.apply(Line("host", "/game tictactoe", 0.0))
    token = program.served.keeper.welcome("bob").token
    program.decide(program.served.keeper.lost("bob", "lost", "connection lost"))
    decision = program.served.keeper.admit("bob2", Hello(name="bob", token=token), ADDRESS, 0)
    program.decide(decision)  # the rotated token, before the welcome
    assert not [s for s in program.sent.get("bob2", []) if s.kind == STATUS]
    program.served.keeper.welcome("bob2")
    program.welcomed("bob2")
    statuses = [s.text for s in program.sent["bob2"] if s.kind == STATUS]
    assert statuses == [program.served.table.status_for(Seat.GUEST)] and "tictactoe" in statuses[0]


def test_a_spectator_takes_the_free_seat_with_sit_on_the_same_connection() -> None:
    program = _bob_and_alice_playing()
    program.arrive("carol", "carol")
    program.welcomed("carol")
    program.says("carol", 1, "/sit")  # bob still sits there: the table says so
    assert program.texts("carol")[-1] == "bob has the seat — /sit takes it once it is free"
    program.says("bob", 1, "/q")
    assert program.texts("carol")[-1] == "the seat across from alice is free — /sit takes it"
    program.says("carol", 2, "/sit")
    assert program.events[-2:][0] == Unwatched(1, "sat")
    sat = program.events[-1]
    assert isinstance(sat, Sat) and sat.asked == "carol" and sat.lines_from == 2
    assert program.served.table.guest_name == "carol" and "carol" not in program.byes
    assert "carol sat down" in program.host
    program.says("carol", 3, "hello alice")  # her numbering goes on: no gap, no repeat
    assert program.host[-1] == "hello alice"


# --- the records of games -------------------------------------------------------------------------


def _records(program: Program, key: str) -> list[str]:
    return [show.text for show in program.sent.get(key, []) if show.kind == "record"]


def test_each_viewer_gets_their_own_record_when_a_game_ends() -> None:
    program = _bob_and_alice_playing()
    program.arrive("carol", "carol")
    program.welcomed("carol")
    kept: list[str] = []
    for event in (
        Line("spectator", "take the corner, bob", 0.0, watcher=1),
        Line("host", "/resign", 0.0),
    ):
        applied = program.served.apply(event, program.now)
        kept += applied.records
        program.carry_out(applied.actions)
    guest, spectators = _records(program, "bob"), _records(program, "carol")
    assert len(kept) == len(guest) == len(spectators) == 1
    assert parse(kept[0]).tag("Viewer") == "alice" and parse(guest[0]).tag("Viewer") == "bob"
    assert "take the corner" in spectators[0]
    assert "take the corner" not in kept[0] + guest[0]  # kibitz is the spectators' own
    shows = program.sent["bob"]
    record = next(show for show in shows if show.kind == "record")
    numbered = [show.seq for show in shows if show.seq is not None]  # a status is not
    assert record.seq is not None and record.seq == numbered[-1]  # numbered like any show


def test_a_guest_who_leaves_mid_game_gets_the_record_ahead_of_the_bye() -> None:
    program = _bob_and_alice_playing()
    decision = program.served.said("bob", 1, "/q", program.now)
    (event,) = decision.events
    applied = program.served.apply(event, program.now)
    kinds = [type(action).__name__ for action in applied.actions]
    assert kinds[:2] == ["Send", "SayBye"]
    send = applied.actions[0]
    assert isinstance(send, Send) and send.key == "bob" and send.show.kind == "record"
    assert parse(send.show.text).tag("Outcome") == "abandoned"
    assert parse(applied.records[0]).tag("Viewer") == "alice"


def test_a_replay_hands_out_no_record_but_numbers_the_guests_the_same() -> None:
    live = _bob_and_alice_playing()
    live.apply(Line("host", "/resign", 0.0))
    replayed: ServedTable[str] = ServedTable(SeatKeeper("alice", JoinCodeGate(None)))
    records = []
    for event in live.events:
        records += replayed.apply(event, 0.0, replaying=True).records
    assert records == []
    assert replayed.keeper.outbox.last_seq == live.served.keeper.outbox.last_seq


def test_closing_the_table_mid_game_hands_out_an_unfinished_record() -> None:
    program = _bob_and_alice_playing()
    closing = program.served.closing()
    (kept,) = closing.records
    assert parse(kept).tag("Outcome") == "unfinished" and parse(kept).moves == ["b2"]
    program.carry_out(closing.actions)
    (guest,) = _records(program, "bob")
    assert parse(guest).tag("Viewer") == "bob"
    assert program.served.table.match is not None and program.served.table.match.in_progress


def test_after_a_replay_the_last_games_record_is_there_to_keep_again() -> None:
    live = _bob_and_alice_playing()
    handed = live.served.apply(Line("host", "/resign", 0.0), live.now).records
    live.events.append(Line("host", "/resign", 0.0))
    replayed: ServedTable[str] = ServedTable(SeatKeeper("alice", JoinCodeGate(None)))
    assert all(not replayed.apply(e, 0.0, replaying=True).records for e in live.events)
    assert replayed.last_record() == handed[0]


def test_recent_chat_is_the_hosts_last_lines_and_a_replay_rebuilds_it() -> None:
    live = _bob_and_alice_playing()
    for n in range(RECENT_CHAT + 3):
        live.now = float(n)
        live.says("bob", n + 1, f"bob {n}")
    live.apply(Line("host", "/history", live.now))  # shown again, not said again
    said = [f"bob {n}" for n in range(3, RECENT_CHAT + 3)]
    assert [shown.text for shown in live.served.recent_chat] == said
    replayed = Program()
    for event in live.events[1:]:
        replayed.served.apply(event, 0.0, replaying=True)
    assert [shown.text for shown in replayed.served.recent_chat] == said
