"""The seat keeper's rules for spectators and for a text client's seat, with a fake
clock and fake connections: who watches rather than plays or resumes, the spectator limit, a
spectator's lines and its end, and a person on nc/telnet (no token) asking for a kept seat —
asked of the host, let in, denied, or turned away when the grace period ends."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from game.seat_decisions import Decision, SayBye
from game.spectator_connections import (
    ARRIVAL_WINDOW,
    ARRIVALS_OVERALL,
    ARRIVALS_PER_ADDRESS,
    SILENT_PLACE,
    SPECTATOR_TOKEN,
    ArrivalLimit,
)
from game.spectators import no_room
from game.table_events import Freed, Line, Opened, Resumed, Rotated, Sat, Unwatched, Watched
from net.messages import Hello
from tests.game.support import ADDRESS, GRACE, Seating, seating


def _watching(seats: Seating, key: str, name: str = "carol") -> None:
    decision = seats.hello(key, name)
    assert decision.refusal is None, decision.refusal
    assert decision.events == [Watched(name)]
    seats.welcomed(key)


def test_a_newcomer_watches_while_the_seat_is_taken() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    decision = seats.hello("s1", "carol")
    assert decision.refusal is None and decision.asked is None
    assert decision.events == [Watched("carol")]
    welcome = seats.keeper.welcome("s1")
    assert (welcome.name, welcome.watching, welcome.token) == ("carol", True, SPECTATOR_TOKEN)
    assert (welcome.resumed, welcome.last_seq) == (False, 0)
    assert seats.welcomed("s1").events == []
    assert seats.keeper.owner == "c1"  # bob's seat is untouched
    assert seats.keeper.watchers.get("s1") is not None


def test_a_spectators_token_never_resumes_anything() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    _watching(seats, "s1")
    again = seats.hello("s2", "carol", token=SPECTATOR_TOKEN)
    assert again.refusal is not None and again.refusal.code == "bad-token"


def test_a_free_seat_is_sat_down_on_not_watched() -> None:
    seats = seating(spectator_limit=3)
    decision = seats.hello("c1", "carol")
    assert [type(event) for event in decision.events] == [Sat]


def test_a_valid_token_is_still_a_resume() -> None:
    seats = seating(spectator_limit=3)
    token = seats.join("c1")
    seats.lost("c1")
    decision = seats.hello("c2", "bob", token=token)
    assert [type(event) for event in decision.events] == [Rotated]
    assert not seats.keeper.welcome("c2").watching


def test_beyond_the_limit_a_newcomer_is_refused_full_with_the_tables_sentence() -> None:
    # The sentence is the host program's (the table's, game.spectators.no_room): net only fills
    # in the host's name and the limit.
    seats = seating(spectator_limit=2, no_room=no_room)
    seats.join("c1")
    _watching(seats, "s1", "carol")
    _watching(seats, "s2", "dave")
    third = seats.hello("s3", "erin")
    assert third.refusal is not None and third.refusal.code == "full"
    assert third.refusal.reason == (
        "no room to watch alice's table: 2 people are watching already, "
        "the most it lets in — try again later"
    )
    assert third.events == []
    # One stops watching: there is room again.
    assert seats.lost("s1").events == [Unwatched(1, "lost")]
    assert seats.hello("s4", "erin").events == [Watched("erin")]


def test_a_full_room_makes_way_for_a_newcomer_by_its_longest_silent_spectator() -> None:
    seats = seating(spectator_limit=2, no_room=no_room)
    seats.join("c1")
    _watching(seats, "s1", "carol")
    _watching(seats, "s2", "dave")
    seats.now = SILENT_PLACE - 1
    seats.decide(seats.keeper.said("s1", 1, "still here", seats.now))  # carol speaks
    assert seats.hello("s3", "erin").refusal is not None  # nobody silent long enough yet
    seats.now = SILENT_PLACE
    # dave has said nothing for ten minutes: he gives his place; carol, heard since, keeps hers
    decision = seats.hello("s4", "erin")
    assert decision.refusal is None
    assert decision.events == [Unwatched(2, "silent"), Watched("erin")]
    assert seats.byes["s2"] == "left"
    assert seats.keeper.watchers.get("s1") is not None


def test_without_room_for_spectators_the_full_refusal_names_the_players() -> None:
    seats = seating(spectator_limit=0)
    seats.join("c1")
    refused = seats.hello("s1", "carol")
    assert refused.refusal is not None
    assert refused.refusal.reason == "this table is full — alice is playing with bob"


def test_a_spectators_lines_are_numbered_and_a_gap_ends_its_watching() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    _watching(seats, "s1")
    said = seats.decide(seats.keeper.said("s1", 1, "nice", seats.now))
    assert said.events == [Line("spectator", "nice", seats.now, 1, watcher=1)]
    assert seats.decide(seats.keeper.said("s1", 1, "nice", seats.now)).events == []  # repeat
    gap = seats.decide(seats.keeper.said("s1", 5, "x", seats.now))
    assert gap.events == [Unwatched(1, "protocol")]
    assert "say.seq 5 skips 2–4" in seats.failed["s1"]
    assert seats.keeper.watchers.get("s1") is None
    assert seats.keeper.owner == "c1"


def test_a_spectator_being_welcomed_says_nothing_yet() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    seats.hello("s1", "carol")
    assert seats.keeper.said("s1", 1, "early", seats.now).events == []


def test_flooding_and_leaving_unwatch_with_a_bye_a_lost_connection_without() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    _watching(seats, "s1", "carol")
    _watching(seats, "s2", "dave")
    _watching(seats, "s3", "erin")
    seats.apply(Unwatched(1, "flooding"))
    seats.apply(Unwatched(2, "left"))
    seats.apply(Unwatched(3, "lost"))
    assert seats.byes == {"s1": "flooding", "s2": "left"}
    assert len(seats.keeper.watchers) == 0


def test_closing_says_bye_to_spectators_and_to_one_being_welcomed_once_it_is() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    _watching(seats, "s1")
    seats.hello("s2", "dave")  # its welcome is on the way
    seats.close()
    assert seats.byes == {"c1": "left", "s1": "left"}
    seats.welcomed("s2")
    assert seats.byes["s2"] == "left"
    refused = seats.hello("s3", "erin")
    assert refused.refusal is not None and "closing" in refused.refusal.reason


def test_a_replay_knows_how_many_watch_but_none_of_their_connections() -> None:
    seats = seating(spectator_limit=2)
    for event in (Opened("alice", 1), Sat("bob", "ab" * 32), Watched("carol"), Watched("dave")):
        seats.apply(event)
    assert seats.keeper.watchers.numbers() == [1, 2]
    assert seats.keeper.watchers.key_of(1) is None
    assert seats.hello("s1", "erin").refusal is not None  # the limit counts them
    seats.apply(Unwatched(1, "restart"))  # the host's finish_replay
    seats.apply(Unwatched(2, "restart"))
    assert seats.byes == {}
    assert seats.hello("s2", "erin").events == [Watched("erin")]
    seats.apply(Opened("alice", 2))
    assert len(seats.keeper.watchers) == 0


# -- a text client's seat after a drop ------------------------------------------------------------


def _dropped_bob(limit: int = 3) -> tuple[Seating, str]:
    seats = seating(spectator_limit=limit)
    token = seats.join("c1")
    seats.host_says("before the drop")
    seats.lost("c1")
    return seats, token


def test_a_text_client_naming_a_kept_seat_waits_for_the_host() -> None:
    seats, _ = _dropped_bob()
    seats.now = 10.0
    decision = seats.hello("n1", "bob", text=True)
    assert decision.refusal is None and decision.events == []
    assert decision.asked is not None
    assert (decision.asked.name, decision.asked.address, decision.asked.wait) == (
        "bob",
        ADDRESS,
        GRACE - 10.0,
    )
    assert decision.asked.number == seats.keeper.asking == 1
    assert decision.asked.token_held  # bob sat down with a join, which keeps its token
    assert seats.keeper.next_deadline() == GRACE  # the grace period still runs


def test_a_claim_on_a_seat_taken_from_nc_says_no_token_is_held() -> None:
    seats = seating(spectator_limit=3)
    seats.join("n0", "bob", text=True)
    seats.lost("n0")
    decision = seats.hello("n1", "BOB", text=True)  # names compare as the table's do
    assert decision.asked is not None and not decision.asked.token_held


def test_let_gives_the_seat_back_like_a_resume_with_the_board() -> None:
    seats, old_token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.host_says("while bob was away")
    let = seats.decide(seats.keeper.let(1))
    assert let.events == []  # nothing is recorded before the welcome is out
    assert seats.let_in == ["n1"]
    welcome = seats.keeper.welcome("n1")
    assert welcome.resumed and welcome.name == "bob" and not welcome.watching
    welcomed = seats.welcomed("n1")
    assert [type(e) for e in welcomed.events] == [Resumed]
    assert isinstance(welcomed.events[0], Resumed) and not welcomed.events[0].caught_up
    assert seats.keeper.owner == "n1"
    # What no connection took is sent: the line said while bob was away.
    assert "while bob was away" in [text for _, text in seats.texts("n1")]
    # The old token died with the seat handed over: a join holding it cannot take it back.
    stale = seats.hello("c2", "bob", token=old_token)
    assert stale.refusal is not None and stale.refusal.code == "bad-token"


def test_the_connection_let_in_numbers_its_lines_from_one() -> None:
    seats = seating(spectator_limit=2)
    seats.join("c1")
    for seq in (1, 2, 3):
        seats.decide(seats.keeper.said("c1", seq, f"before {seq}", 0.0))
    seats.lost("c1")
    seats.hello("n1", "bob", text=True)
    seats.decide(seats.keeper.let(1))
    assert seats.keeper.welcome("n1").last_seq == 0
    welcomed = seats.welcomed("n1")
    assert isinstance(welcomed.events[0], Resumed) and welcomed.events[0].lines_anew
    first = seats.decide(seats.keeper.said("n1", 1, "after 1", 0.0))
    assert [e.text for e in first.events if isinstance(e, Line)] == ["after 1"]


def test_a_claimant_gone_during_its_welcome_leaves_bobs_seat_and_token_as_they_were() -> None:
    """/let changes bob's token only once the claimant is accepted: a claimant gone meanwhile
    must not kill bob's token for nobody."""
    seats, old_token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    before = len(seats.events)
    seats.decide(seats.keeper.let(1))
    assert seats.lost("n1").events == []  # its accept failed: the seat stays kept for bob
    assert seats.events[before:] == []
    assert seats.keeper.dropped and seats.keeper.owner is None
    assert seats.keeper.next_deadline() == GRACE  # the grace period runs on
    back = seats.hello("c2", "bob", token=old_token)
    assert back.refusal is None and [type(e) for e in back.events] == [Rotated]


def test_bob_back_with_his_token_during_the_let_welcome_keeps_his_seat() -> None:
    seats, old_token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.decide(seats.keeper.let(1))
    back = seats.hello("c2", "bob", token=old_token)  # the newest claim wins, as ever
    assert back.refusal is None
    assert seats.welcomed("n1").actions == [
        SayBye("n1", "replaced", "another connection took it over")
    ]
    seats.welcomed("c2")
    assert seats.keeper.owner == "c2"


def test_a_claimant_that_leaves_while_waiting_is_forgotten() -> None:
    seats, token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    assert not seats.keeper.gone_asking("someone-else")
    assert seats.keeper.gone_asking("n1")
    assert seats.keeper.asking is None
    assert seats.keeper.let(1) == Decision()  # nobody is asking any more
    assert seats.let_in == []
    assert [type(e) for e in seats.hello("c2", "bob", token=token).events] == [Rotated]


def test_deny_turns_the_text_client_away_and_keeps_the_seat() -> None:
    seats, token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.decide(seats.keeper.deny(1))
    assert seats.turned_away == {"n1": "full"}
    assert seats.keeper.asking is None
    assert seats.keeper.dropped
    assert [type(e) for e in seats.hello("c2", "bob", token=token).events] == [Rotated]


def test_the_end_of_the_grace_period_turns_the_waiting_text_client_away() -> None:
    seats, _ = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.at(GRACE)
    assert seats.freed() == ["expired"]
    assert seats.turned_away == {"n1": "full"}
    assert seats.keeper.let(1).actions == []


def test_the_guest_back_with_the_token_turns_the_text_client_away() -> None:
    seats, token = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.hello("c2", "bob", token=token)
    assert seats.turned_away == {"n1": "full"}


def test_of_two_text_claimants_the_newest_waits() -> None:
    seats, _ = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    second = seats.hello("n2", "bob", text=True)
    assert second.asked is not None
    assert seats.turned_away == {"n1": "full"}
    assert second.asked.number == 2
    seats.decide(seats.keeper.let(1))  # the claimant the host read about first is gone
    assert seats.let_in == []
    seats.decide(seats.keeper.let(2))
    assert seats.let_in == ["n2"]


def test_closing_turns_the_waiting_text_client_away() -> None:
    seats, _ = _dropped_bob()
    seats.hello("n1", "bob", text=True)
    seats.close()
    assert seats.turned_away == {"n1": "full"}


def test_only_a_text_client_naming_a_kept_seat_is_asked_about() -> None:
    seats = seating(spectator_limit=3)
    seats.join("c1")
    # bob connected: a text "bob" is a newcomer, and watches
    assert seats.hello("n1", "bob", text=True).events == [Watched("bob")]
    seats.lost("c1")
    # a framed join without its token is not covered: it watches too
    assert seats.hello("f1", "bob").events == [Watched("bob")]
    # a text client with another name watches
    assert seats.hello("n2", "carol", text=True).events == [Watched("carol")]
    assert seats.hello("n3", "bob", text=True).asked is not None


def test_let_and_deny_with_nobody_waiting_do_nothing() -> None:
    seats, _ = _dropped_bob()
    assert seats.keeper.let(1).events == []
    assert seats.keeper.deny(1).actions == []
    seats.hello("n1", "bob", text=True)
    assert seats.keeper.let(2).actions == []
    assert seats.keeper.asking == 1


def test_a_text_client_must_know_the_code_before_it_is_asked_about() -> None:
    seats = seating(code="ABCDEF", spectator_limit=3)
    seats.join("c1", code="ABCDEF")
    seats.lost("c1")
    hello = Hello(name="bob", code="WRONG1")
    refused = seats.decide(seats.keeper.admit("n1", hello, ADDRESS, seats.now, text=True))
    assert refused.refusal is not None and refused.refusal.code == "bad-code"
    assert seats.keeper.asking is None
    assert seats.freed() == [] and seats.events[-1] != Freed("expired")


SPECTATOR_OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["hello", "text", "resume", "welcomed", "lost", "say", "let", "deny", "tick"]
        ),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=50,
)


@given(ops=SPECTATOR_OPS)
def test_any_interleaving_keeps_the_limit_one_owner_and_one_answer_each(
    ops: list[tuple[str, int]],
) -> None:
    limit = 2
    seats = seating(spectator_limit=limit)
    token: str | None = None
    welcoming: list[str] = []
    asked: list[str] = []
    for number, (op, pick) in enumerate(ops):
        key = f"k{number}"
        if op in ("hello", "text", "resume"):
            name = ("bob", "carol")[pick % 2]
            use = token if op == "resume" else None
            decision = seats.hello(key, name, token=use, text=op == "text")
            if decision.asked is not None:
                asked.append(key)
            elif decision.refusal is None:
                welcome = seats.keeper.welcome(key)
                if not welcome.watching:
                    token = welcome.token
                welcoming.append(key)
        elif op in ("let", "deny"):
            method = seats.keeper.let if op == "let" else seats.keeper.deny
            # the claimant asking now, or one an answer came too late for
            current = seats.keeper.asking or 1
            seats.decide(method(current if pick % 3 else max(1, current - 1)))
            for key in seats.let_in:
                if key in asked:
                    asked.remove(key)
                    token = seats.keeper.welcome(key).token
                    welcoming.append(key)
        elif op == "welcomed" and welcoming:
            seats.welcomed(welcoming.pop(pick % len(welcoming)))
        elif op in ("lost", "say"):
            live = [k for k in seats.keeper.watchers.connections() if k not in welcoming]
            owner = seats.keeper.owner
            target = owner if pick % 2 or not live else live[pick % len(live)]
            if target is not None and target not in welcoming:
                if op == "lost":
                    seats.lost(target, ("lost", "left", "error")[pick % 3])
                else:
                    watcher = seats.keeper.watchers.get(target)
                    last = seats.keeper.last_say if watcher is None else watcher.last_say
                    seats.decide(seats.keeper.said(target, last + 1, "x", seats.now))
        elif op == "tick":
            seats.at(seats.now + pick * 30.0)
        # Never more spectators than the limit; the seat's owner never watches.
        assert len(seats.keeper.watchers) <= limit
        owner = seats.keeper.owner
        assert owner is None or seats.keeper.watchers.get(owner) is None
    # A waiting text client is answered once at most: let in, or turned away — never both.
    assert len(seats.let_in) == len(set(seats.let_in))
    assert not set(seats.let_in) & set(seats.turned_away)
    # At most one waits at the end, and only while a seat is kept for it.
    waiting = [key for key in asked if key not in seats.turned_away]
    assert len(waiting) <= 1
    if waiting:
        # The seat asked for is the kept one, whoever holds it (bob or carol).
        kept = seats.keeper.name
        assert seats.keeper.dropped and kept is not None and seats.keeper.asking is not None


# -- how fast spectators may arrive (churn would fill the players' screens and the host's
# -- journal) -------------------------------------------------------------------------------------
def _churn(seats: Seating, key: str, address: str = ADDRESS) -> Decision[str]:
    """One connect/name/close cycle of a would-be spectator."""
    decision = seats.hello(key, "carol", address=address)
    if decision.refusal is None:
        seats.welcomed(key)
        seats.lost(key)
    return decision


def test_one_address_brings_at_most_ten_spectators_a_minute() -> None:
    seats = seating(spectator_limit=50)
    seats.join("c1")
    for n in range(ARRIVALS_PER_ADDRESS):
        assert _churn(seats, f"s{n}").refusal is None
        seats.now += 1.0
    refused = _churn(seats, "s-next")
    assert refused.refusal is not None and refused.refusal.code == "rate-limited"
    assert refused.events == []
    assert refused.refusal.reason == (
        "10 people started watching from your address in the last minute, the most it lets in "
        "— try again in 50 s"
    )
    assert _churn(seats, "elsewhere", address="192.0.2.7").refusal is None  # another address
    seats.now = ARRIVAL_WINDOW - 0.5  # the first arrival, at 0, is still within the window
    assert _churn(seats, "s-early").refusal is not None
    seats.now = ARRIVAL_WINDOW
    assert _churn(seats, "s-later").refusal is None


def test_everyone_together_brings_at_most_sixty_spectators_a_minute() -> None:
    seats = seating(spectator_limit=50)
    seats.join("c1")
    for n in range(ARRIVALS_OVERALL):
        assert _churn(seats, f"s{n}", address=f"192.0.2.{n}").refusal is None
    refused = _churn(seats, "s-next", address="198.51.100.1")
    assert refused.refusal is not None and refused.refusal.code == "rate-limited"
    assert refused.refusal.reason == (
        "60 people started watching alice's table in the last minute, the most it lets in "
        "— try again in 60 s"
    )
    seats.now = ARRIVAL_WINDOW
    assert _churn(seats, "s-after", address="198.51.100.1").refusal is None


def test_two_hundred_churning_spectators_reach_the_journal_ten_times() -> None:
    """The review's flood: 200 cycles from one client in a moment; only the first ten watch
    (a Watched and an Unwatched each), the rest are refused before anything is recorded."""
    seats = seating(spectator_limit=50)
    seats.join("c1")
    before = len(seats.events)
    refused = [_churn(seats, f"s{n}").refusal for n in range(200)]
    assert sum(r is None for r in refused) == ARRIVALS_PER_ADDRESS
    assert {r.code for r in refused if r is not None} == {"rate-limited"}
    recorded = seats.events[before:]
    assert len(recorded) == 2 * ARRIVALS_PER_ADDRESS
    assert {type(event) for event in recorded} == {Watched, Unwatched}


def test_a_resume_and_the_seat_are_not_limited_by_spectator_arrivals() -> None:
    seats = seating(spectator_limit=50)
    token = seats.join("c1")
    for n in range(ARRIVALS_PER_ADDRESS):
        _churn(seats, f"s{n}")
    seats.lost("c1")
    assert seats.hello("c2", "bob", token=token).refusal is None


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.floats(0, 30)), max_size=80))
def test_no_window_ever_lets_in_more_than_the_limits(steps: list[tuple[str, float]]) -> None:
    limit = ArrivalLimit(per_address=3, overall=5, window=10.0)
    now, let_in = 0.0, []
    for address, later in steps:
        now += later
        if limit.wait(address, now) is None:
            limit.arrived(address, now)
            let_in.append((now, address))
        else:
            wait, _ = limit.wait(address, now) or (0.0, "")
            assert 0 < wait <= 10.0
    for start, _ in let_in:
        window = [(at, a) for at, a in let_in if start <= at < start + 10.0]
        assert len(window) <= 5
        for address in "abc":
            assert sum(a == address for _, a in window) <= 3


def test_a_wait_is_never_longer_than_the_window_whatever_the_float_arithmetic() -> None:
    # 12.983012037151601 + 10.0 - 12.983012037151601 is 10.000000000000002 in binary floats
    limit = ArrivalLimit(per_address=1, overall=5, window=10.0)
    for at in (12.983012037151601, 0.7, 1e6 + 0.3):
        limit.arrived(f"a{at}", at)
        held = limit.wait(f"a{at}", at)
        assert held is not None and 0 < held[0] <= 10.0
