"""The lobby: names unique on the server, the table list, /open /sit /watch /leave, lobby chat,
its limits, a table closing with its opener, a seat resumed with the lobby's token, and a
table rebuilt from its events."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from game.lobby import Lobby
from game.lobby_decisions import LobbyDecision
from game.lobby_limits import LobbyLimits
from game.lobby_table import lobby_table
from game.seat_decisions import Action, Fail, Refusal, SayBye, Send, SendAll
from game.seat_keeper import SeatKeeper
from game.table_events import Dropped, Freed, Restarted, TableEvent
from net.messages import STATUS, Hello


@dataclass
class Server:
    """A lobby driven as the lobby server drives it: every event applied at once (what follows
    from it too), every action recorded per connection."""

    lobby: Lobby[str] = field(
        default_factory=lambda: Lobby("srv", rng=random.Random(7), limits=LobbyLimits())
    )
    seq: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    shown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    ended: set[str] = field(default_factory=set)
    journal: dict[int, list[TableEvent]] = field(default_factory=lambda: defaultdict(list))
    closed: list[int] = field(default_factory=list)
    now: float = 0.0

    def arrive(self, key: str, name: str | None = None, address: str = "10.0.0.1") -> str:
        person = self.lobby.arrive(key, name or key, address, text=False)
        assert not isinstance(person, Refusal), person
        return person.name

    def say(self, key: str, text: str) -> None:
        self.seq[key] += 1
        self.now += 1.0
        self.decide(self.lobby.said(key, self.seq[key], text, self.now))

    def decide(self, decision: LobbyDecision[str]) -> None:
        self.run(decision.events)
        self.carry(decision.actions)

    def run(self, events: list[tuple[int, TableEvent]]) -> None:
        for number, event in events:
            self.journal[number].append(event)
            applied = self.lobby.apply(number, event, self.now)
            if applied.closed is not None:
                self.closed.append(applied.closed)
            self.carry(applied.actions)
            self.run(applied.then)

    def carry(self, actions: list[Action[str]]) -> None:
        for action in actions:
            if isinstance(action, Send):
                self.shown[action.key].append(action.show.text)
                if action.show.kind == STATUS:
                    self.statuses[action.key].append(action.show.text)
            elif isinstance(action, SendAll):
                for key in action.keys:
                    self.shown[key].append(action.show.text)
            elif isinstance(action, SayBye | Fail):
                self.ended.add(action.key)

    def last(self, key: str) -> str:
        return self.shown[key][-1]

    def saw(self, key: str, part: str) -> bool:
        return any(part in text for text in self.shown[key])


def test_names_are_unique_on_the_server_across_the_lobby_and_the_tables() -> None:
    server = Server()
    assert server.arrive("a", "alice") == "alice"
    assert server.arrive("b", "Alice") == "Alice-2"
    server.say("a", "/open")
    assert server.arrive("c", "ALICE") == "ALICE-3"  # alice sits at table 1: still hers


def test_open_sit_play_watch_and_the_table_list_at_each_step() -> None:
    server = Server()
    for key, name in (("a", "ann"), ("b", "bob"), ("c", "cy")):
        server.arrive(key, name)
    server.say("c", "/tables")
    assert server.last("c") == "no tables are open — /open [GAME] opens one"
    server.say("a", "/open tictactoe")
    assert "you opened table 1 for tictactoe" in server.last("a")
    server.say("c", "/tables")
    assert server.last("c").splitlines()[1] == "  1: tictactoe, ann — open seat: /sit 1"
    server.say("b", "/sit 1")
    assert server.saw("a", "bob sat down") and server.saw("b", "new game: tictactoe")
    server.say("c", "/watch 1")
    assert server.saw("c", "watching ann and bob")
    server.say("a", "5")
    assert server.saw("b", "ann played b2") and "(X)" in server.shown["c"][-2]
    server.say("b", "/tables")  # a lobby word at a table, answered there
    assert server.last("b").splitlines()[1] == "  1: tictactoe, ann vs bob, 1 watching"


def test_lines_go_to_the_own_table_only_and_lobby_chat_to_the_lobby_only() -> None:
    server = Server()
    for key in "abcdef":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    server.say("c", "/open")
    server.say("d", "/sit 2")
    server.say("a", "hello from one")
    assert server.saw("b", "hello from one")
    assert not any(server.saw(k, "hello from one") for k in "cdef")
    server.say("e", "hello lobby")
    assert server.saw("f", "hello lobby")
    assert not any(server.saw(k, "hello lobby") for k in "abcd")


def test_leaving_a_seat_returns_to_the_lobby_and_frees_the_seat() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    server.say("b", "/leave")
    assert "you left table 1 — you are back in the lobby" in server.last("b")
    assert server.saw("a", "b left the table")
    server.say("b", "/tables")
    assert "open seat: /sit 1" in server.last("b")
    server.say("b", "/sit 1")  # the numbering carried back and forth stays in step
    assert "b" not in server.ended and server.saw("a", "b sat down")


def test_leaving_a_table_or_its_closing_takes_its_status_out_of_the_prompt() -> None:
    server = Server()
    for key in "abc":
        server.arrive(key)
    server.say("a", "/open tictactoe")
    server.say("b", "/sit 1")
    assert server.statuses["b"][-1]  # the game being played
    server.say("b", "/leave")
    assert server.statuses["b"][-1] == ""  # in the lobby no game is played
    server.say("c", "/sit 1")
    assert server.statuses["a"][-1] and server.statuses["c"][-1]
    server.say("a", "/leave")  # the table closes: c is back in the lobby too
    assert server.statuses["a"][-1] == "" and server.statuses["c"][-1] == ""


def test_a_table_closes_with_its_opener_and_everyone_there_is_back_in_the_lobby() -> None:
    server = Server()
    for key in "abc":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    server.say("c", "/watch 1")
    server.say("a", "/leave")
    assert server.closed == [1] and not server.lobby.tables
    for key in "bc":
        assert "a left, and table 1 closed — you are back in the lobby" in server.last(key)
    server.say("b", "still here")  # lobby chat now, reaching a and c
    assert server.last("c") == "still here" and server.last("a") == "still here"


def test_a_dropped_opener_keeps_the_table_for_the_grace_period_then_it_closes() -> None:
    server = Server(lobby=Lobby("srv", rng=random.Random(1), make_table=lambda: lobby_table(30)))
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    server.decide(server.lobby.lost("a", "lost", "reset"))
    assert server.saw("b", "a's connection dropped — waiting up to 30 seconds")
    assert server.arrive("x", "a") == "a-2"  # the kept seat holds the name
    assert server.lobby.next_deadline() == server.now + 30
    server.run(server.lobby.handle_timeout(server.now + 30))
    assert server.closed == [1] and "table 1 closed" in server.last("b")


def test_a_table_nobody_sits_at_closes_once_idle_and_its_people_are_back_in_the_lobby() -> None:
    server = Server()
    for key in "abc":
        server.arrive(key)
    server.say("a", "/open")
    server.say("c", "/watch 1")
    opened_at = server.now
    assert server.lobby.next_deadline() == opened_at + 600
    server.now += 599
    server.run(server.lobby.handle_timeout(server.now))
    assert not server.closed
    server.say("a", "anyone?")  # a line at the table: its idle time counts from here
    assert server.lobby.next_deadline() == server.now + 600
    server.say("b", "/sit 1")  # someone sits: no idle deadline while they do
    assert server.lobby.next_deadline() is None
    server.say("b", "/leave")
    left_at = server.now
    shown = {key: len(server.shown[key]) for key in "ac"}
    server.run(server.lobby.handle_timeout(left_at + 600))
    assert server.closed == [1] and server.journal[1][-1] == Freed("idle", seat="host")
    for key in "ac":  # one notice each, and no game in their prompt
        assert server.shown[key][shown[key] :] == [
            "",
            "nobody sat at table 1 for 10 minutes, so it closed — /open opens another",
        ]
        assert server.statuses[key][-1] == "" and key not in server.ended
    server.say("a", "/tables")  # the opener's numbering goes on in the lobby
    assert "a" not in server.ended and server.last("a").startswith("no tables are open")
    server.say("c", "/open")
    assert "you opened table 2" in server.last("c")


def test_a_restored_table_counts_its_idle_time_from_the_restart() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/open")
    server.run(server.lobby.handle_timeout(server.now + 600))
    assert server.closed == [1, 2]
    restart = server.now + 5000.0
    fresh: Lobby[str] = Lobby("srv", rng=random.Random(2))
    for number in (1, 2):  # the first journal without its idle close, as a kill leaves it
        fresh.restore(number)
        for event in server.journal[number][: -1 if number == 1 else None]:
            fresh.apply(number, event, restart, replaying=True)
    assert fresh.finish_restore(1) and not fresh.finish_restore(2)
    assert fresh.next_deadline() == restart + 600


def test_a_name_given_another_way_says_whose_it_is_and_for_how_long() -> None:
    server = Server(lobby=Lobby("srv", rng=random.Random(1), make_table=lambda: lobby_table(300)))
    server.arrive("j", "jon")
    server.arrive("k", "kim")
    assert server.lobby.why_renamed("k", "kim", server.now) is None  # the name asked for
    server.say("j", "/open")
    server.decide(server.lobby.lost("j", "lost", "reset"))  # jon on nc, dropped: no token
    assert server.arrive("j2", "Jon") == "Jon-2"
    assert server.lobby.why_renamed("j2", "Jon", server.now + 60) == (
        "Jon is still held for the player who dropped from table 1 (for up to 4 minutes) "
        "— you are Jon-2"
    )
    assert server.arrive("k2", "kim") == "kim-2"
    assert server.lobby.why_renamed("k2", "kim", server.now) == (
        "kim is taken by someone connected here — you are kim-2"
    )


def _jon_on_nc_dropped_from_his_table() -> Server:
    """jon, on nc from 10.0.0.5, opened table 1, bob sat there, and jon's connection dropped."""
    server = Server()
    server.lobby.arrive("j", "jon", "10.0.0.5", text=True)
    server.arrive("b", "bob")
    server.say("j", "/open")
    server.say("b", "/sit 1")
    server.decide(server.lobby.lost("j", "lost", "reset"))
    return server


def test_a_person_on_nc_takes_their_dropped_seat_back_from_its_address_only() -> None:
    server = _jon_on_nc_dropped_from_his_table()
    hello = Hello(name="jon", code=None, token=None)
    assert server.lobby.reclaim("x", hello, "10.0.0.6", server.now) is None  # another machine
    assert server.lobby.reclaim("x", replace(hello, name="kim"), "10.0.0.5", server.now) is None
    keeper = server.lobby.reclaim("j2", hello, "10.0.0.5", server.now)
    assert isinstance(keeper, SeatKeeper)
    welcome = server.lobby.welcome("j2", keeper)
    assert welcome.name == "jon" and welcome.resumed and welcome.lobby == "srv"
    server.run([(1, event) for event in server.lobby.welcomed("j2").events])
    assert server.saw("b", "jon is back")
    server.seq["j2"] = 0  # a new text connection numbers its lines from 1
    server.say("j2", "hello again")
    assert server.last("b") == "hello again"
    server.say("j2", "/leave")  # jon's table, closed by jon: the seat is not kept after that
    assert server.lobby.reclaim("y", hello, "10.0.0.5", server.now) is None


def test_the_address_a_seat_dropped_from_is_journaled_with_the_drop() -> None:
    server = _jon_on_nc_dropped_from_his_table()
    # rebuilt from its journal, as a restarted server has it
    fresh: Lobby[str] = Lobby("srv", rng=random.Random(2))
    fresh.restore(1)
    for event in server.journal[1]:
        fresh.apply(1, event, server.now, replaying=True)
    assert fresh.finish_restore(1)
    hello = Hello(name="jon", code=None, token=None)
    assert fresh.reclaim("x", hello, "10.0.0.6", server.now) is None  # another machine
    keeper = fresh.reclaim("j2", hello, "10.0.0.5", server.now)
    assert isinstance(keeper, SeatKeeper) and keeper.seat == "host"


def test_after_a_restart_only_the_seats_connected_then_drop() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    server.decide(server.lobby.lost("a", "lost", "reset"))  # announced to b already
    fresh: Lobby[str] = Lobby("srv", rng=random.Random(2))
    fresh.restore(1)
    for event in server.journal[1]:
        fresh.apply(1, event, server.now, replaying=True)
    assert fresh.finish_restore(1)
    fresh.apply(1, Restarted(120.0), server.now)
    assert fresh.after_restart(1) == [Dropped(120.0)]  # b's, not a's again


def test_the_seat_token_resumes_the_seat_and_a_stale_one_is_refused() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open")
    server.say("b", "/sit 1")
    token = server.lobby.seat_token("b")
    assert token is not None and token.startswith("1.")
    server.decide(server.lobby.lost("b", "lost", "reset"))
    hello = Hello(name="whatever", code=None, token=token, seen=0)
    decision, keeper = server.lobby.resume("b2", hello, "10.0.0.9", server.now)
    assert decision.refusal is None and keeper is not None
    server.run([(1, event) for event in decision.events])
    welcome = server.lobby.welcome("b2", keeper)
    assert welcome.name == "b" and welcome.resumed and welcome.token.startswith("1.")
    server.run([(1, event) for event in server.lobby.welcomed("b2").events])
    assert server.saw("a", "b is back")
    server.say("a", "hi b")
    assert server.last("b2") == "hi b"
    wrong, _ = server.lobby.resume("b3", Hello(name="b", code=None, token="1.nope"), "x", 0)
    assert wrong.refusal is not None and wrong.refusal.code == "bad-token"


def test_limits_people_per_address_bound_its_tables_and_total_tables() -> None:
    limits = LobbyLimits(tables=4, people=10, people_per_address=3)
    server = Server(lobby=Lobby("srv", rng=random.Random(1), limits=limits))
    for key in "abc":
        server.arrive(key, address="10.0.0.1")
    refused = server.lobby.arrive("e", "e", "10.0.0.1", text=True)
    assert isinstance(refused, Refusal) and refused.code == "rate-limited"
    assert (
        refused.reason == "3 people are connected from your address already — the most srv lets in"
    )
    for key in "abc":  # everyone behind one address may open a table: a person holds one
        server.say(key, "/open")
    server.say("a", "/open")  # at a table it is the table's line, not a second table
    assert sorted(server.lobby.tables) == [1, 2, 3]
    server.arrive("d", address="10.0.0.2")
    server.say("d", "/open")
    server.arrive("f", address="10.0.0.3")
    server.say("f", "/open")
    assert "4 tables are open, the most this server holds" in server.last("f")


def test_bad_commands_and_table_numbers_are_answered_clearly() -> None:
    server = Server()
    server.arrive("a")
    for line, answer in (
        ("/sit", "which table? /sit N — /tables lists them"),
        ("/watch 9", "no table 9 — /tables lists them"),
        ("/open chess", "no game called"),
        ("/dance", "no lobby command /dance — /help lists them"),
        ("/leave", "you are in the lobby already"),
    ):
        server.say("a", line)
        assert answer in server.last("a"), line


def test_a_table_is_rebuilt_from_its_events() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open tictactoe")
    server.say("b", "/sit 1")
    server.say("a", "5")
    fresh: Lobby[str] = Lobby("srv", rng=random.Random(2))
    fresh.restore(1)
    for event in server.journal[1]:
        fresh.apply(1, event, 0.0, replaying=True)
    assert fresh.finish_restore(1)
    assert fresh.rows() == server.lobby.rows()
    assert (fresh.tables[1].game, fresh.tables[1].title) == ("tictactoe", "tictactoe")
    table = fresh.tables[1].served
    assert table.table.match is not None and table.table.match.state == (
        server.lobby.tables[1].served.table.match.state  # type: ignore[union-attr]
    )
    fresh.restore(2)
    assert not fresh.finish_restore(2)  # a journal with no opening: nothing to restore


LINES = ["/open", "/open gomoku", "/sit 1", "/sit 2", "/watch 1", "/leave", "/tables", "hi"]
LINES += ["/q", "5", "/game tictactoe", "/sit", "/board"]


class LobbyMachine(RuleBasedStateMachine):
    """Random people arriving, opening, sitting, watching, leaving and dropping: the lobby's
    books always agree with its tables."""

    def __init__(self) -> None:
        super().__init__()
        self.server = Server()
        self.keys: list[str] = []
        self.count = 0

    @rule(name=st.sampled_from(["ann", "Ann", "bob", "аnn", "bot"]))
    def arrive(self, name: str) -> None:
        self.count += 1
        key = f"k{self.count}"
        if not isinstance(self.server.lobby.arrive(key, name, "10.0.0.1", text=False), Refusal):
            self.keys.append(key)

    @precondition(lambda self: self.live())
    @rule(
        data=st.data(),
        line=st.sampled_from(LINES),
    )
    def say(self, data: st.DataObject, line: str) -> None:
        key = data.draw(st.sampled_from(self.live()))
        self.server.say(key, line)

    @precondition(lambda self: self.live())
    @rule(data=st.data(), cause=st.sampled_from(["lost", "left", "error"]))
    def drop(self, data: st.DataObject, cause: str) -> None:
        key = data.draw(st.sampled_from(self.live()))
        self.server.ended.add(key)
        self.server.decide(self.server.lobby.lost(key, cause, "gone"))

    @rule()
    def time_passes(self) -> None:
        self.server.now += 200.0
        self.server.run(self.server.lobby.handle_timeout(self.server.now))

    def live(self) -> list[str]:
        return [k for k in self.keys if k in self.server.lobby.people]

    @invariant()
    def names_are_unique(self) -> None:
        from game.untrusted import skeleton  # noqa: PLC0415

        names = [skeleton(name) for name in self.server.lobby.names()]
        people = [skeleton(p.name) for p in self.server.lobby.people.values()]
        assert len(set(people)) == len(people)
        assert len(set(names)) <= len(names)

    @invariant()
    def everyone_at_a_table_holds_a_seat_or_watches_there(self) -> None:
        lobby = self.server.lobby
        for key, person in lobby.people.items():
            if person.at is None:
                continue
            served = lobby.tables[person.at].served
            owners = [k.owner for k in served.seats.values()]
            assert key in owners or served.keeper.watchers.get(key) is not None

    @invariant()
    def every_table_listed_has_its_opener_seated(self) -> None:
        lobby = self.server.lobby
        for row in lobby.rows():
            served = lobby.tables[row.number].served
            assert served.opener is not None and served.opener.taken
            assert row.players[0] == served.table.host_name

    @invariant()
    def nobody_connected_was_ended(self) -> None:
        assert not (set(self.server.lobby.people) & self.server.ended)


TestLobbyMachine = LobbyMachine.TestCase
# Each step drives whole tables: fewer, longer runs keep this within a second or so.
TestLobbyMachine.settings = settings(max_examples=30, stateful_step_count=25)


def test_the_opener_resumes_the_host_seat_and_catches_up_on_what_it_missed() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    server.say("a", "/open tictactoe")
    server.say("b", "/sit 1")
    token = server.lobby.seat_token("a")
    assert token is not None
    server.decide(server.lobby.lost("a", "lost", "reset"))
    server.say("b", "said while a was away")
    hello = Hello(name="a", code=None, token=token, seen=4)
    decision, keeper = server.lobby.resume("a2", hello, "10.0.0.1", server.now)
    assert decision.refusal is None and keeper is not None and keeper.seat == "host"
    server.run([(1, event) for event in decision.events])
    # the join numbers its lines on from the welcome's last_seq
    server.seq["a2"] = server.lobby.welcome("a2", keeper).last_seq
    server.run([(1, event) for event in server.lobby.welcomed("a2").events])
    assert server.saw("a2", "said while a was away") and server.saw("b", "a is back")
    server.say("a2", "5")
    assert server.saw("b", "a played b2")


def test_lobby_chat_is_flood_controlled_and_a_persistent_flooder_is_put_out() -> None:
    server = Server()
    for key in "ab":
        server.arrive(key)
    decisions = []
    for n in range(1, 200):
        decisions.append(server.lobby.said("a", n, f"spam {n}", n * 0.1))
        if "a" not in server.lobby.people:
            break
    assert decisions[10].over_budget and "slow down" in decisions[10].actions[0].show.text  # type: ignore[union-attr]
    last = decisions[-1].actions[0]
    assert isinstance(last, SayBye) and last.code == "flooding"
    assert "a" not in server.lobby.people and "b" in server.lobby.people
