"""Offers at the table — /takeback [N], /draw, /abort, /accept, /decline, /pending — on
tic-tac-toe, gomoku and hangman: every rule, and what each person at the table reads."""

from __future__ import annotations

import random

import pytest

from game.delivery import SPECTATORS, Kind, Spectator
from game.mnk import MnkState
from game.offers import REPEAT_AFTER, Offer, OfferKind, Offers
from game.seat_keeper import SeatKeeper
from game.served_table import ServedTable
from game.spectators import SPECTATOR_LIMIT
from game.table import Delivery, Seat, Table
from game.table_events import Line, Opened, Restarted, Sat, TableEvent
from game.wants_you import is_offer_to_you, wants_you
from net.admission import JoinCodeGate, SeatTokens
from tests.game.support import GUEST, HOST, lines, only_error


def play(table: Table, *moves: tuple[Seat, str]) -> list[Delivery]:
    out: list[Delivery] = []
    for seat, text in moves:
        out = table.handle(seat, text)
    return out


def to_spectators(out: list[Delivery]) -> list[str]:
    return [d.shown.text for d in out if d.to is SPECTATORS]


def state(table: Table) -> MnkState:
    match = table.match
    assert match is not None and isinstance(match.state, MnkState)
    return match.state


@pytest.fixture
def watched(table: Table) -> tuple[Table, Spectator]:
    """alice hosts, bob is seated, carol watches."""
    carol, _ = table.watch("carol")
    return table, carol


# -- takeback --------------------------------------------------------------------------------------
def test_a_takeback_is_offered_and_accepted_everyone_reads_it(
    watched: tuple[Table, Spectator],
) -> None:
    table, _ = watched
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    before = MnkState()
    out = table.handle(HOST, "/takeback")
    assert lines(out, HOST) == [
        "you offer bob a takeback of 1 move (b2) — they may /accept or /decline"
    ]
    assert lines(out, GUEST) == ["alice offers you a takeback of 1 move (b2) — /accept or /decline"]
    assert to_spectators(out) == ["alice offers bob a takeback of 1 move (b2)"]
    out = table.handle(GUEST, "/accept")
    assert state(table) == before and table.match is not None and table.match.history == []
    assert lines(out, HOST, Kind.NOTICE) == [
        "bob accepts your takeback offer — 1 move (b2) taken back",
        "your move (X)",
    ]
    assert lines(out, GUEST, Kind.NOTICE) == [
        "you accept alice's takeback offer — 1 move (b2) taken back",
        "waiting for alice (X)",
    ]
    assert lines(out, HOST, Kind.BOARD) == [before.render()]  # the board as it now stands
    assert to_spectators(out) == [
        "bob accepts alice's takeback offer — 1 move (b2) taken back",
        before.render(),
        "alice to move (X)",
    ]


def test_by_default_a_takeback_is_your_last_move_and_the_reply(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"), (HOST, "c3"))
    # bob to move: his last move (a1) and alice's reply (c3)
    assert "a takeback of 2 moves (a1, c3)" in lines(table.handle(GUEST, "/takeback"), GUEST)[0]
    table.handle(HOST, "/accept")
    assert state(table) == MnkState().play(4)
    assert state(table).turn == 1  # bob's move again


def test_takeback_n_names_how_many_moves(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"), (HOST, "c3"))
    table.handle(GUEST, "/takeback 3")
    table.handle(HOST, "/accept takeback")
    assert state(table) == MnkState()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("/takeback 0", "usage: /takeback [N] — N is how many moves to take back, at least 1"),
        (
            "/takeback x",
            "usage: /takeback [N] — N is how many moves to take back, e.g. /takeback 2",
        ),
        (
            "/takeback -1",
            "usage: /takeback [N] — N is how many moves to take back, e.g. /takeback 2",
        ),
        (
            "/takeback ３",
            "usage: /takeback [N] — N is how many moves to take back, e.g. /takeback 2",
        ),
        ("/takeback 3", "only 1 move was played — /takeback 1 takes back all"),
        (
            "/takeback 99999999999",
            "usage: /takeback [N] — N is how many moves to take back, e.g. /takeback 2",
        ),
    ],
)
def test_a_takeback_of_what_was_not_played_is_refused(table: Table, typed: str, error: str) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    assert only_error(table.handle(GUEST, typed), GUEST) == error


def test_nothing_to_take_back_before_moving(table: Table) -> None:
    table.handle(HOST, "/game tictactoe")
    assert only_error(table.handle(HOST, "/takeback"), HOST) == (
        "you have not moved yet — nothing of yours to take back"
    )
    assert only_error(table.handle(GUEST, "/takeback 1"), GUEST) == (
        "no move has been played yet — nothing to take back"
    )
    table.handle(HOST, "b2")
    assert only_error(table.handle(GUEST, "/takeback"), GUEST) == (
        "you have not moved yet — nothing of yours to take back"
    )


def test_against_the_bot_a_takeback_happens_at_once(alone: Table) -> None:
    play(alone, (HOST, "/game gomoku"), (HOST, "h8"))
    match = alone.match
    assert match is not None
    after_first = match.state  # alice h8, the bot's reply
    second = after_first.move_text(after_first.legal_moves()[0])
    alone.handle(HOST, second)
    assert len(match.history) == 4
    out = alone.handle(HOST, "/takeback")  # her second move and the bot's reply to it
    assert match.state == after_first and len(match.history) == 2
    notices = lines(out, HOST, Kind.NOTICE)
    assert notices[0].startswith(f"you take back 2 moves ({second}, ")
    assert notices[-1] == "your move (X)"
    assert lines(out, HOST, Kind.BOARD) == [after_first.render()]


def test_a_takeback_against_the_bot_that_leaves_it_to_move_lets_it_move_again(
    alone: Table,
) -> None:
    play(alone, (HOST, "/game tictactoe"), (HOST, "b2"))
    match = alone.match
    assert match is not None
    out = alone.handle(HOST, "/takeback 1")  # the bot's reply only: it replies again
    assert len(match.history) == 2 and match.state.turn == 0
    assert lines(out, HOST, Kind.NOTICE)[1].startswith("bot played ")


def test_a_guest_beside_a_bot_game_only_watches_it(alone: Table) -> None:
    play(alone, (HOST, "/game tictactoe"), (HOST, "b2"))
    alone.sit("bob")
    for typed in ("/takeback", "/draw", "/abort", "/accept", "/decline", "/pending"):
        assert "playing tictactoe against the bot" in only_error(alone.handle(GUEST, typed), GUEST)


# -- draw ------------------------------------------------------------------------------------------
def test_a_draw_accepted_ends_the_game_as_a_draw(watched: tuple[Table, Spectator]) -> None:
    table, _ = watched
    play(table, (HOST, "/game gomoku"), (HOST, "h8"))
    out = table.handle(GUEST, "/draw")
    assert lines(out, HOST) == ["bob offers you a draw — /accept or /decline"]
    assert lines(out, GUEST) == ["you offer alice a draw — they may /accept or /decline"]
    assert to_spectators(out) == ["bob offers alice a draw"]
    out = table.handle(HOST, "/accept draw")
    assert lines(out, HOST, Kind.RESULT) == ["gomoku: draw by agreement"]
    assert to_spectators(out)[0] == "alice accepts bob's draw offer"
    assert to_spectators(out)[-1] == "gomoku: draw by agreement"
    score = lines(table.handle(HOST, "/score"), HOST)[0]
    assert "alice  0 wins, 1 draw" in score and "bob    0 wins, 1 draw" in score


def test_a_declined_offer_cannot_be_repeated_for_the_next_moves(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    table.handle(GUEST, "/draw")
    out = table.handle(HOST, "/decline")
    assert lines(out, GUEST) == [
        f"alice declines your draw offer — you may offer it again after {REPEAT_AFTER} more moves"
    ]
    assert lines(out, HOST) == ["you decline bob's draw offer"]
    assert only_error(table.handle(GUEST, "/draw"), GUEST) == (
        "alice declined your draw offer — you may offer it again after 2 more moves"
    )
    table.handle(GUEST, "a1")
    assert only_error(table.handle(GUEST, "/draw"), GUEST).endswith("after 1 more move")
    # another kind of offer is not barred
    assert lines(table.handle(GUEST, "/takeback"), HOST)[0].startswith("bob offers you a takeback")
    table.handle(HOST, "c3")  # declines the takeback by moving
    assert "offers you a draw" in lines(table.handle(GUEST, "/draw"), HOST)[0]


def test_a_move_declines_an_offer_to_the_mover(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"), (GUEST, "/draw"))
    out = table.handle(HOST, "/move c3")  # a move typed with /move is a move too
    assert lines(out, GUEST)[0] == (
        "alice moved — your draw offer is declined; you may offer it again after 2 more moves"
    )
    assert lines(out, HOST)[0] == "your move declines bob's draw offer"
    assert table.match is not None and table.match.offers.open == ()
    assert "declined your draw offer" in only_error(table.handle(GUEST, "/draw"), GUEST)


@pytest.mark.parametrize("offer", ["/takeback", "/abort"])
def test_a_move_declines_every_kind_of_offer(table: Table, offer: str) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"), (GUEST, offer))
    out = table.handle(HOST, "c3")
    noun = "takeback offer" if offer == "/takeback" else "offer to abort"
    assert lines(out, GUEST)[0].startswith(f"alice moved — your {noun} is declined")
    assert "declined your" in only_error(table.handle(GUEST, offer), GUEST)


def test_an_offer_lapses_when_its_maker_moves(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"))
    out = table.handle(HOST, "/draw")  # alice offers in her own turn, then moves
    out = table.handle(HOST, "c3")
    assert lines(out, HOST)[0] == "you moved — your draw offer lapses"
    assert lines(out, GUEST)[0] == "alice moved — their draw offer lapses"
    assert table.match is not None and table.match.offers.open == ()
    table.handle(GUEST, "a2")
    assert lines(table.handle(HOST, "/draw"), GUEST) == [
        "alice offers you a draw — /accept or /decline"
    ]


def test_against_the_bot_a_draw_is_refused(alone: Table) -> None:
    play(alone, (HOST, "/game tictactoe"), (HOST, "b2"))
    assert only_error(alone.handle(HOST, "/draw"), HOST) == (
        "the bot does not agree to draws — play on, or /resign"
    )


# -- limits and answers ----------------------------------------------------------------------------
def test_one_open_offer_of_each_kind_per_player(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"))
    table.handle(HOST, "/draw")
    assert only_error(table.handle(HOST, "/draw"), HOST) == (
        "your draw offer is open already — waiting for bob (/pending)"
    )
    table.handle(HOST, "/takeback")
    assert only_error(table.handle(HOST, "/takeback 1"), HOST).startswith(
        "your takeback offer is open already"
    )
    assert table.match is not None
    assert [o.kind for o in table.match.offers.open] == [OfferKind.DRAW, OfferKind.TAKEBACK]


def test_offering_what_you_are_offered_accepts_it(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"))
    table.handle(HOST, "/draw")
    out = table.handle(GUEST, "/draw")
    assert lines(out, GUEST)[0] == "you accept alice's draw offer"
    assert lines(out, GUEST, Kind.RESULT) == ["tictactoe: draw by agreement"]


def test_a_different_takeback_is_answered_first(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"))
    table.handle(HOST, "/takeback 2")
    assert only_error(table.handle(GUEST, "/takeback 1"), GUEST) == (
        "alice offers you a different takeback — /accept or /decline it first (/pending shows it)"
    )
    out = table.handle(GUEST, "/takeback 2")  # the same one: accepted
    assert lines(out, GUEST)[0].startswith("you accept alice's takeback offer")
    assert state(table) == MnkState()


def test_accept_and_decline_take_the_latest_or_the_one_named(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"))
    assert only_error(table.handle(GUEST, "/accept"), GUEST) == (
        "alice has not offered you anything — /pending lists the offers"
    )
    table.handle(HOST, "/draw")
    table.handle(HOST, "/takeback")
    assert only_error(table.handle(GUEST, "/accept abort"), GUEST) == (
        "alice has not offered you an abort — /pending lists the offers"
    )
    assert only_error(table.handle(GUEST, "/accept everything"), GUEST) == (
        "usage: /accept [takeback|draw|abort] — the latest offer to you, or the one named"
    )
    assert only_error(table.handle(HOST, "/decline"), HOST) == (
        "bob has not offered you anything — /pending lists the offers"
    )
    assert lines(table.handle(GUEST, "/pending"), GUEST) == [
        "open offers:\n"
        "  alice offers you a draw — /accept or /decline\n"
        "  alice offers you a takeback of 2 moves (b2, a1) — /accept or /decline"
    ]
    assert lines(table.handle(HOST, "/pending"), HOST) == [
        "open offers:\n  you offer bob a draw\n  you offer bob a takeback of 2 moves (b2, a1)"
    ]
    out = table.handle(GUEST, "/decline")  # the latest: the takeback
    assert lines(out, GUEST) == ["you decline alice's takeback offer"]
    out = table.handle(GUEST, "/DECLINE Draw")
    assert lines(out, GUEST) == ["you decline alice's draw offer"]
    assert lines(table.handle(GUEST, "/pending"), GUEST) == [
        "no open offers — /takeback, /draw and /abort make one (see /help offers)"
    ]


def test_offers_need_a_game_in_progress_and_lapse_when_it_ends(table: Table) -> None:
    for typed in ("/takeback", "/draw", "/abort"):
        assert only_error(table.handle(HOST, typed), HOST) == (
            "no game in progress — start one with /game (see /help)"
        )
    assert only_error(table.handle(HOST, "/accept"), HOST) == (
        "no game in progress — there is no offer to answer"
    )
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "a1"), (HOST, "/draw"))
    table.handle(GUEST, "/resign")
    assert table.match is not None and table.match.offers.open == ()
    assert lines(table.handle(GUEST, "/pending"), GUEST) == [
        "no game in progress — no offers are open"
    ]


def test_offers_lapse_when_the_guest_leaves(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (HOST, "/takeback"))
    match = table.match
    table.leave(GUEST)
    assert match is not None and match.offers.open == () and not match.in_progress


def test_a_spectator_may_not_offer_or_answer(watched: tuple[Table, Spectator]) -> None:
    table, carol = watched
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"), (GUEST, "/draw"))
    for typed in ("/takeback", "/draw", "/abort", "/accept", "/decline", "/pending"):
        assert only_error(table.handle(carol, typed), carol) == (
            "you are watching — only alice and bob play"
        )


def test_an_offer_counts_against_the_flood_budget(table: Table) -> None:
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    answers = [table.handle(GUEST, "/draw", now=1.0) for _ in range(11)]
    assert "slow down" in only_error(answers[-1], GUEST)
    assert table.over_budget(GUEST, "/takeback", now=1.0) is not None
    assert table.over_budget(GUEST, "/pending", now=1.0) is None  # answers only the asker


# -- abort -----------------------------------------------------------------------------------------
def test_an_abort_before_the_second_player_moved_is_at_once_and_counts_for_nobody(
    watched: tuple[Table, Spectator],
) -> None:
    table, _ = watched
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    out = table.handle(HOST, "/abort")
    assert lines(out, GUEST, Kind.NOTICE) == ["alice calls the game off before both had moved"]
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: aborted — it counts for nobody"]
    assert to_spectators(out)[0] == "alice calls the game off before both had moved"
    assert to_spectators(out)[-1] == "tictactoe: aborted — it counts for nobody"
    assert lines(table.handle(HOST, "/score"), HOST) == ["score: no games finished yet"]
    table.handle(GUEST, "/game tictactoe")
    out = table.handle(HOST, "/abort")  # the second player, before either moved
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: aborted — it counts for nobody"]


def test_an_abort_after_both_moved_is_an_offer(table: Table) -> None:
    play(table, (HOST, "/game gomoku"), (HOST, "h8"), (GUEST, "h9"))
    out = table.handle(GUEST, "/abort")
    assert lines(out, HOST) == [
        "bob offers you an abort (the game would count for nobody) — /accept or /decline"
    ]
    out = table.handle(HOST, "/accept")
    assert lines(out, HOST, Kind.RESULT) == ["gomoku: aborted — it counts for nobody"]
    assert lines(table.handle(HOST, "/score"), HOST) == ["score: no games finished yet"]


def test_against_the_bot_an_abort_is_at_once_before_you_move_and_refused_after(
    alone: Table,
) -> None:
    alone.handle(HOST, "/game tictactoe")
    alone.handle(HOST, "b2")  # the bot replied: both have moved
    assert only_error(alone.handle(HOST, "/abort"), HOST) == (
        "a game can be aborted at once only before both have moved; /resign ends this one"
    )
    alone.handle(HOST, "/resign")
    alone.handle(HOST, "/rematch")  # the bot opens
    out = alone.handle(HOST, "/abort")
    assert lines(out, HOST, Kind.RESULT) == ["tictactoe: aborted — it counts for nobody"]
    assert "abandoned" not in lines(alone.handle(HOST, "/score"), HOST)[0]


# -- hangman ---------------------------------------------------------------------------------------
def test_hangman_a_takeback_of_a_miss_is_allowed_of_a_revealed_letter_refused(
    table: Table,
) -> None:
    play(table, (HOST, "/game hangman ocelot"), (GUEST, "z"), (GUEST, "o"), (GUEST, "q"))
    assert only_error(table.handle(GUEST, "/takeback 2"), GUEST) == (
        "that takeback would hide o, already revealed to everyone — "
        "only guesses that missed can be taken back"
    )
    out = table.handle(GUEST, "/takeback")  # q missed: it may be taken back
    assert lines(out, HOST) == ["bob offers you a takeback of 1 guess (q) — /accept or /decline"]
    table.handle(HOST, "/accept")
    match = table.match
    assert match is not None
    assert match.state.render(1).splitlines()[-1] == "misses:  z  (5 of 6 left)"


def test_hangman_the_setters_takeback_is_refused(table: Table) -> None:
    play(table, (HOST, "/game hangman ocelot"), (GUEST, "z"))
    for typed in ("/takeback", "/takeback 1"):
        assert only_error(table.handle(HOST, typed), HOST) == (
            "you set the secret — only bob's guesses could be taken back"
        )


def test_hangman_against_the_bot_its_revealing_reply_cannot_be_taken_back(
    alone: Table,
) -> None:
    alone.handle(HOST, "/game hangman")  # melon, from the fixture's words and seed
    alone.handle(HOST, "z")  # a miss; the bot's reply, e, reveals a letter
    match = alone.match
    assert match is not None and [p.text for p in match.history] == ["z", "e"]
    assert only_error(alone.handle(HOST, "/takeback"), HOST) == (
        "that takeback would hide e, already revealed to everyone — "
        "only guesses that missed can be taken back"
    )


@pytest.mark.parametrize("secret", ["", " ocelot"])
def test_hangman_a_draw_is_refused_as_meaningless_an_abort_is_not(
    table: Table, secret: str
) -> None:
    play(table, (HOST, f"/game hangman{secret}"))
    assert only_error(table.handle(GUEST, "/draw"), GUEST) == (
        "a draw means nothing in hangman — the word is found or the gallows completes; "
        "/resign gives up"
    )
    out = table.handle(GUEST, "/abort")
    assert lines(out, GUEST, Kind.RESULT)[0].startswith("hangman: aborted — it counts for nobody")


def test_hangman_with_a_setter_the_game_begins_with_the_guessers_first_guess(
    table: Table,
) -> None:
    play(table, (HOST, "/game hangman ocelot"), (GUEST, "z"))
    assert "offers you an abort" in lines(table.handle(HOST, "/abort"), GUEST)[0]


def test_help_takeback_says_the_hangman_rules() -> None:
    table = Table("alice", rng=random.Random(0))
    (text,) = lines(table.handle(HOST, "/help takeback"), HOST)
    assert "would hide a letter already revealed is refused" in text
    assert "a draw means nothing" in text
    for name in ("draw", "/abort", "accept", "decline", "pending", "offers"):
        assert lines(table.handle(HOST, f"/help {name}"), HOST) == [text]


# -- what the terminal recognises ------------------------------------------------------------------
def test_only_the_line_of_an_offer_to_you_asks_you_to_answer(
    watched: tuple[Table, Spectator],
) -> None:
    table, _ = watched
    play(table, (HOST, "/game tictactoe"), (HOST, "b2"))
    out = table.handle(HOST, "/takeback")
    out += table.handle(GUEST, "/decline")
    out += table.handle(GUEST, "/draw")
    out += table.handle(GUEST, "/pending")
    asking = [d for d in out if is_offer_to_you(d.shown.kind, d.shown.text)]
    assert [(d.to, d.shown.text.split(" —")[0]) for d in asking] == [
        (GUEST, "alice offers you a takeback of 1 move (b2)"),
        (HOST, "bob offers you a draw"),
    ]
    assert all(wants_you(d.shown.kind, d.shown.text) for d in asking)
    assert not is_offer_to_you("chat", "x offers you a draw — /accept or /decline")


# -- the offers as JSON ----------------------------------------------------------------------------
def test_the_offers_go_to_a_dict_and_back() -> None:
    offers = Offers()
    offers.make(Offer(OfferKind.DRAW, 1))
    offers.moved(0)
    offers.make(Offer(OfferKind.TAKEBACK, 0, 2))
    offers.make(Offer(OfferKind.ABORT, 1))
    data = offers.to_dict()
    assert data == {
        "open": [
            {"kind": "takeback", "by": 0, "plies": 2},
            {"kind": "abort", "by": 1, "plies": 0},
        ],
        "moves": 1,
        "barred": [{"by": 1, "kind": "draw", "until": 3}],
    }
    again = Offers.from_dict(data)
    assert again == offers and again.moves_barred(1, OfferKind.DRAW) == 2


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"open": [], "moves": 0},
        {"open": [], "moves": -1, "barred": []},
        {"open": [], "moves": True, "barred": []},
        {"open": [{"kind": "resign", "by": 0, "plies": 0}], "moves": 0, "barred": []},
        {"open": [{"kind": "draw", "by": 2, "plies": 0}], "moves": 0, "barred": []},
        {"open": [{"kind": "draw", "by": 0, "plies": 1}], "moves": 0, "barred": []},
        {"open": [{"kind": "takeback", "by": 0, "plies": 0}], "moves": 0, "barred": []},
        {"open": [{"kind": "draw", "by": 0}], "moves": 0, "barred": []},
        {"open": [{"kind": "draw", "by": 0, "plies": 0}] * 2, "moves": 0, "barred": []},
        {"open": [], "moves": 0, "barred": [{"by": 3, "kind": "draw", "until": 1}]},
        {"open": "draw", "moves": 0, "barred": []},
    ],
)
def test_offers_read_from_a_file_are_checked(data: object) -> None:
    with pytest.raises(ValueError, match="offer"):
        Offers.from_dict(data)


# -- after a host restart --------------------------------------------------------------------------
def test_an_offer_open_when_the_host_died_is_open_after_the_replay() -> None:
    """Offers are lines typed at the table, and lines are journaled events: replaying them
    into a new served table opens the same offers, with the same memory of those declined."""
    events: list[TableEvent] = [
        Opened("alice", 7),
        Sat("bob", "0" * 64),
        Line("host", "/game tictactoe", 1.0),
        Line("host", "b2", 2.0),
        Line("guest", "/draw", 3.0, seq=1),
        Line("host", "/decline", 4.0),
        Line("host", "/takeback", 5.0),
    ]
    live, again = _served(), _served()
    for event in events:
        live.apply(event, 0.0)
    for event in events:
        again.apply(event, 0.0, replaying=True)
    again.apply(Restarted(60.0), 0.0)
    before, after = live.table.match, again.table.match
    assert before is not None and after is not None
    assert after.offers == before.offers and after.offers.open == (Offer(OfferKind.TAKEBACK, 0, 1),)
    assert after.offers.moves_barred(1, OfferKind.DRAW) == REPEAT_AFTER
    again.apply(Line("guest", "/accept", 0.0, seq=2), 0.0)
    assert after.history == [] and after.state == MnkState()


def _served() -> ServedTable[str]:
    tokens = (f"t{n}" for n in range(1, 100))
    keeper: SeatKeeper[str] = SeatKeeper(
        "alice",
        JoinCodeGate(None),
        tokens=SeatTokens(lambda _: next(tokens)),
        spectator_limit=SPECTATOR_LIMIT,
    )
    return ServedTable(keeper)
