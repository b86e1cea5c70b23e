"""The seat keeper's rules, with a fake clock and fake connections (game.seat_keeper).

Admission, one owner per seat (races included), ``say.seq``, the grace deadline, ``show.seq``
and exact catch-up, tokens kept hashed, and rebuilding the keeper from its events.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from game.table_events import Dropped, Freed, Line, Resumed, Rotated, Sat
from net.admission import token_hash
from net.messages import Hello
from net.outbox import Outbox
from tests.game.support import ADDRESS, GRACE, seating


def test_a_new_guest_sits_and_is_sent_its_shows_once_welcomed() -> None:
    seats = seating()
    decision = seats.hello("c1")
    assert decision.refusal is None
    assert seats.events == [Sat(asked="bob", token_hash=token_hash("t1"))]
    assert seats.sent == {}  # nothing before the welcome
    welcome = seats.keeper.welcome("c1")
    assert (welcome.name, welcome.host, welcome.token, welcome.resumed) == (
        "bob",
        "alice",
        "t1",
        False,
    )
    seats.welcomed("c1")
    seats.host_says("hi")
    assert seats.texts("c1") == [(1, "welcome to the table, bob"), (2, "hi")]


def test_the_join_code_is_checked_and_its_rate_limit_worded_by_the_gate() -> None:
    seats = seating(code="K7QX3M")
    missing = seats.hello("c1").refusal
    assert missing is not None and missing.code == "bad-code"
    assert missing.reason == "this table needs a join code — ask alice for it (--code CODE)"
    wrong = seats.hello("c2", code="AAAAAA").refusal
    assert wrong is not None and wrong.reason == "wrong join code — ask alice for the code"
    for key in ("c3", "c4", "c5"):
        seats.hello(key, code="AAAAAA")
    limited = seats.hello("c6", code="K7Q-X3M").refusal  # right, but this address is blocked
    assert limited is not None and limited.code == "rate-limited"
    assert limited.reason.startswith("too many wrong join codes from your address")
    assert seats.events == []


def test_a_second_guest_is_told_who_holds_the_seat_and_for_how_long() -> None:
    seats = seating()
    seats.join("c1")
    full = seats.hello("c2", "carol").refusal
    assert full is not None and full.code == "full"
    assert full.reason == "this table is full — alice is playing with bob"
    seats.lost("c1")
    seats.at(20.0)
    full = seats.hello("c3", "carol").refusal
    assert full is not None
    assert full.reason == "this table is full — alice is keeping bob's seat for up to 40 s more"


def test_a_token_belongs_to_its_name() -> None:
    seats = seating()
    token = seats.join("c1")
    refusal = seats.hello("c2", "carol", token=token).refusal
    assert refusal is not None and refusal.code == "full"  # carol is a new guest
    assert seats.keeper.owner == "c1" and "c1" not in seats.byes
    # bob's token was only verified, not rotated: it still resumes.
    assert seats.hello("c3", "BOB", token=token).refusal is None


def test_an_unknown_token_is_refused() -> None:
    seats = seating()
    seats.join("c1")
    refusal = seats.hello("c2", token="forged").refusal
    assert refusal is not None and refusal.code == "bad-token"
    assert seats.keeper.owner == "c1"


def test_a_resume_while_the_old_connection_lives_replaces_it() -> None:
    seats = seating()
    token = seats.join("c1")
    assert seats.keeper.said("c1", 1, "before", 0.0).events == [Line("guest", "before", 0.0, 1)]
    seats.apply(Line("guest", "before", 0.0, 1))
    seats.hello("c2", token=token, seen=1)
    assert seats.byes == {"c1": "replaced"}
    assert seats.keeper.welcome("c2").last_seq == 1
    seats.welcomed("c2")
    assert seats.keeper.said("c1", 2, "late", 0.0).events == []  # the old one speaks no more
    assert seats.keeper.said("c2", 2, "mine", 0.0).events == [Line("guest", "mine", 0.0, 2)]
    assert seats.drops() == 0


def test_two_resumes_with_one_token_leave_exactly_one_owner() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    assert seats.hello("c2", token=token, seen=1).refusal is None
    assert seats.hello("c3", token=token, seen=1).refusal is None  # t1 is still the older one
    seats.welcomed("c2")  # its welcome comes out after c3 claimed the seat
    seats.welcomed("c3")
    assert seats.byes == {"c2": "replaced"}
    assert seats.keeper.owner == "c3" and seats.keeper.connected
    assert [type(e).__name__ for e in seats.events].count("Resumed") == 1
    assert seats.keeper.said("c2", 1, "x", 0.0).events == []


def test_a_resume_during_the_welcome_of_a_new_guest_takes_the_seat() -> None:
    seats = seating()
    seats.hello("c1")
    token = seats.keeper.welcome("c1").token
    # A fast join's second connection presents the new token before the first welcome is out.
    assert seats.hello("c2", token=token, seen=0).refusal is None
    seats.welcomed("c1")
    seats.welcomed("c2")
    assert seats.byes == {"c1": "replaced"}
    assert seats.keeper.owner == "c2"
    assert seats.texts("c2")[0] == (1, "welcome to the table, bob")


def test_a_new_guest_gone_during_its_welcome_frees_the_seat() -> None:
    seats = seating()
    seats.hello("c1")
    seats.lost("c1")
    assert seats.freed() == ["left"] and not seats.keeper.taken
    assert seats.hello("c2", "carol").refusal is None


def test_a_resume_lost_during_its_welcome_leaves_the_grace_deadline_as_it_was() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    assert seats.keeper.next_deadline() == GRACE
    seats.at(50.0)
    seats.hello("c2", token=token, seen=1)
    assert seats.keeper.next_deadline() is None  # a claim suspends the grace period
    seats.at(70.0)
    assert seats.freed() == []
    seats.lost("c2")
    assert seats.drops() == 1  # still the one drop: nothing new to tell the host
    assert seats.keeper.next_deadline() == GRACE  # already over: the next timeout frees it
    seats.at(70.0)
    assert seats.freed() == ["expired"]


def test_grace_expires_at_its_deadline_and_the_token_dies() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.at(10.0)
    seats.lost("c1")
    assert seats.events[-1] == Dropped(GRACE)
    assert seats.keeper.next_deadline() == 10.0 + GRACE
    seats.at(10.0 + GRACE - 0.001)
    assert seats.freed() == []
    seats.at(10.0 + GRACE)
    assert seats.freed() == ["expired"] and seats.keeper.next_deadline() is None
    refusal = seats.hello("c2", token=token).refusal
    assert refusal is not None and refusal.code == "bad-token"


def test_expiry_wins_over_a_resume_at_the_same_instant() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    # The timer has not fired yet when the hello is read at the deadline.
    hello = Hello(name="bob", token=token, seen=1)
    early = seats.keeper.admit("c2", hello, ADDRESS, GRACE)  # before the expiry is applied
    assert early.refusal is not None and early.refusal.code == "bad-token"
    assert early.events == [] and seats.keeper.owner is None
    seats.now = GRACE
    decision = seats.hello("c2", token=token, seen=1)  # the host frees the seat first
    assert decision.refusal is not None and decision.refusal.code == "bad-token"
    assert seats.freed() == ["expired"]
    assert seats.hello("c3", "carol").refusal is None  # and the seat is free for anyone


def test_a_resume_just_before_the_deadline_keeps_the_seat() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    seats.now = GRACE - 0.001
    assert seats.hello("c2", token=token, seen=1).refusal is None
    seats.welcomed("c2")
    seats.at(GRACE + 1)
    assert seats.freed() == [] and seats.keeper.connected


def test_say_seq_next_applied_repeat_ignored_gap_fails_and_frees() -> None:
    seats = seating()
    seats.join("c1")
    seats.decide(seats.keeper.said("c1", 1, "one", 0.0))
    assert seats.keeper.said("c1", 1, "one again", 0.0).events == []
    decision = seats.decide(seats.keeper.said("c1", 3, "three", 0.0))
    assert seats.failed == {"c1": "say.seq 3 skips 2: expected 2"}
    assert decision.events == [Freed("protocol", "protocol error: say.seq 3 skips 2: expected 2")]
    assert not seats.keeper.taken and "c1" not in seats.byes
    assert seats.keeper.said("c1", 2, "after", 0.0).events == []  # nothing after the error


def test_a_lost_connection_drops_a_bye_leaves_an_error_frees() -> None:
    for cause, expected in (
        ("lost", []),
        ("closed", []),
        ("left", ["left"]),
        ("error", ["protocol"]),
    ):
        seats = seating()
        seats.join("c1")
        seats.lost("c1", cause)
        assert seats.freed() == expected, cause
        assert seats.drops() == (0 if expected else 1)


def test_flooding_frees_the_seat_and_says_bye_with_its_code() -> None:
    seats = seating()
    seats.join("c1")
    seats.apply(Freed("flooding", "flooding (too many chat lines too fast)"))
    assert seats.byes == {"c1": "flooding"} and not seats.keeper.taken


def test_closing_says_bye_left_to_the_owner_and_to_a_claim_once_welcomed() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.hello("c2", token=token, seen=1)  # replaces c1, welcome on its way
    seats.close()
    seats.welcomed("c2")
    assert seats.byes == {"c1": "replaced", "c2": "left"}
    refusal = seats.hello("c3", "carol").refusal
    assert refusal is not None and refusal.reason == "alice's table is closing"


def test_catch_up_resends_exactly_the_shows_above_seen() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.host_says("one")
    seats.host_says("two")  # c1 displayed up to 3
    seats.lost("c1")
    seats.host_says("three")  # 4, while away
    seats.hello("c2", token=token, seen=2)  # the join had displayed up to 2 only
    seats.welcomed("c2")
    assert seats.texts("c2") == [(3, "two"), (4, "three"), (5, "welcome back")]
    assert seats.events[-1] == Resumed(token_hash("t2"), token_hash("t1"), caught_up=True)


def test_a_catch_up_that_lost_shows_is_not_caught_up() -> None:
    seats = seating(outbox=Outbox(max_shows=3))
    token = seats.join("c1")
    seats.lost("c1")
    for n in range(5):
        seats.host_says(f"line {n}")  # 2..6; only 4..6 kept
    seats.hello("c2", token=token, seen=1)
    seats.welcomed("c2")
    resumed = seats.events[-1]
    assert isinstance(resumed, Resumed) and not resumed.caught_up
    assert [seq for seq, _ in seats.texts("c2")] == [5, 6, 7]


def test_a_seen_beyond_the_last_show_is_read_as_the_last() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    seats.hello("c2", token=token, seen=99)
    seats.welcomed("c2")
    assert seats.texts("c2") == [(2, "welcome back")]


def test_a_version_1_join_gets_what_no_connection_took_and_the_board() -> None:
    seats = seating()
    token = seats.join("c1", version=1)
    seats.host_says("seen live")  # written to c1: counted as delivered when it drops
    seats.lost("c1")
    seats.host_says("while away")
    seats.hello("c2", token=token, version=1, seen=5)  # a v1 hello has no seen: ignored
    seats.welcomed("c2")
    assert seats.texts("c2") == [(3, "while away"), (4, "welcome back")]
    resumed = seats.events[-1]
    assert isinstance(resumed, Resumed) and not resumed.caught_up


def test_a_new_guest_counts_shows_from_1_again() -> None:
    seats = seating()
    seats.join("c1")
    seats.host_says("for bob")
    seats.lost("c1", "left")
    seats.join("c2", "carol")
    assert seats.texts("c2") == [(1, "welcome to the table, carol")]


def test_tokens_are_kept_hashed_and_restored_from_their_hashes() -> None:
    seats = seating()
    token = seats.join("c1")
    held = seats.keeper.tokens.hashes("guest")
    assert held == (token_hash(token), None)
    assert token not in repr(vars(seats.keeper.tokens))
    # A fresh keeper given the same events accepts the same token.
    replay = seating()
    for event in seats.events:
        replay.apply(event)
    assert replay.hello("c9", token=token, seen=1).refusal is None


def test_replaying_the_events_gives_the_same_shows_and_numbers() -> None:
    seats = seating()
    token = seats.join("c1")
    seats.decide(seats.keeper.said("c1", 1, "hi", 1.0))
    seats.host_says("hello")
    seats.lost("c1")
    seats.host_says("back soon?")
    seats.hello("c2", token=token, seen=2)
    seats.welcomed("c2")
    replay = seating()
    for event in seats.events:
        replay.apply(event)
    assert replay.keeper.outbox.last_seq == seats.keeper.outbox.last_seq
    assert list(replay.keeper.outbox.after(0)) == list(seats.keeper.outbox.after(0))
    assert replay.keeper.last_say == 1 and replay.keeper.name == "bob"
    assert replay.sent == {}  # no connection: nothing sent


OPS = st.lists(
    st.tuples(
        st.sampled_from(["hello", "resume", "welcomed", "lost", "say", "host", "tick"]),
        st.integers(min_value=0, max_value=3),
    ),
    max_size=40,
)


@given(ops=OPS)
def test_any_interleaving_keeps_one_owner_and_exact_numbering(ops: list[tuple[str, int]]) -> None:
    seats = seating()
    token: str | None = None
    claims: list[str] = []
    for number, (op, pick) in enumerate(ops):
        key = f"c{number}"
        if op in ("hello", "resume"):
            decision = seats.hello(key, token=token if op == "resume" else None, seen=pick)
            if decision.refusal is None:
                token = seats.keeper.welcome(key).token
                claims.append(key)
        elif op == "welcomed" and claims:
            seats.welcomed(claims.pop(pick % len(claims)))
        elif op in ("lost", "say") and seats.keeper.owner is not None:
            owner = seats.keeper.owner
            if op == "lost":
                seats.lost(owner, ("lost", "left", "error")[pick % 3])
            else:
                seats.decide(seats.keeper.said(owner, seats.keeper.last_say + 1, "x", seats.now))
        elif op == "host":
            seats.host_says(f"line {number}")
        elif op == "tick":
            seats.at(seats.now + pick * 30.0)
    # Every connection was sent each seq at most once, in rising order.
    for shows in seats.sent.values():
        seqs = [show.seq or 0 for show in shows]
        assert seqs == sorted(set(seqs)) and 0 not in seqs
    # Whoever is the owner is the only connection told nothing, and a freed seat has no owner.
    last = seats.keeper.owner
    assert last not in seats.byes and last not in seats.failed
    assert seats.keeper.taken or last is None


def test_a_resume_records_the_new_token_before_its_welcome_goes_out() -> None:
    # A host killed between sending the welcome and applying Resumed must still know the token
    # its guest now holds: the keeper rebuilt from the events so far accepts it.
    seats = seating()
    token = seats.join("c1")
    seats.lost("c1")
    seats.hello("c2", token=token)
    assert seats.events[-1] == Rotated(token_hash("t2"), token_hash("t1"))
    new_token = seats.keeper.welcome("c2").token  # the welcome is on its way: the host dies
    rebuilt = seating()
    for event in seats.events:
        rebuilt.apply(event)
    assert rebuilt.keeper.tokens.verify(new_token) is not None
    assert rebuilt.keeper.tokens.verify(token) is not None  # the older one, until confirmed
