"""Random interleavings of moves, offers, answers, resigns and leaves keep one consistent game:
the board is always the moves played minus those taken back, a player never has two open
offers of a kind, offers never outlive their game, and a game never ends twice (the score
counts each ending once, an aborted game not at all)."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from game.delivery import Kind
from game.match import Match
from game.outcome import Outcome
from game.score import Score
from game.table import Delivery, Seat, Table
from tests.game.support import GUEST, HOST

GAMES = ("tictactoe", "tictactoe 4x4 k=3", "gomoku 7x7 k=4", "hangman", "hangman ocelot")
SEATS = st.sampled_from([HOST, GUEST])
RARELY = 8


class OffersAtTheTable(RuleBasedStateMachine):
    """alice hosts, bob sits; they play, offer, answer, resign and leave at random."""

    @initialize(seed=st.integers(0, 2**16))
    def open_table(self, seed: int) -> None:
        self.table = Table("alice", rng=random.Random(seed), words=["melon", "apple", "berry"])
        self.table.sit("bob")
        self.match: Match | None = None
        self.start: Any = None
        self.played: list[str] = []  # the moves played in this game and not taken back
        self.names: list[str] = []
        self.outcomes: list[tuple[Outcome, list[str]]] = []  # every game that ended, once
        self.results = 0  # RESULT lines the host read of the game now at the table

    # -- what the players do ----------------------------------------------------------------------
    @rule(seat=SEATS, game=st.sampled_from(GAMES))
    def start_a_game(self, seat: Seat, game: str) -> None:
        self._typed(seat, f"/game {game}")

    @rule(seat=SEATS, pick=st.integers(0, 1000), by_mover=st.booleans())
    def move(self, seat: Seat, pick: int, by_mover: bool) -> None:
        match = self.table.match
        if match is None or not match.in_progress:
            self._typed(seat, "b2")
            return
        turn = match.state.turn
        assert turn is not None
        mover = match.seats[turn]
        assert mover is not None
        typist = mover if by_mover else (GUEST if mover is HOST else HOST)
        moves = match.state.legal_moves()
        self._typed(typist, "/move " + match.state.move_text(moves[pick % len(moves)]))

    @rule(
        seat=SEATS,
        offer=st.sampled_from(["/takeback", "/draw", "/abort"]),
        plies=st.one_of(st.none(), st.integers(0, 5)),
    )
    def offer(self, seat: Seat, offer: str, plies: int | None) -> None:
        suffix = "" if plies is None or offer != "/takeback" else f" {plies}"
        self._typed(seat, offer + suffix)

    @rule(
        to_whom=st.booleans(),
        answer=st.sampled_from(["/accept", "/decline"]),
        kind=st.sampled_from(["", " takeback", " draw", " abort"]),
    )
    def answer(self, to_whom: bool, answer: str, kind: str) -> None:
        """Mostly answered by the player the latest offer was made to; sometimes by the
        other one."""
        match, seat = self.table.match, HOST
        if match is not None and match.offers.open:
            to = match.seats[match.offers.open[-1].to]
            assert to is not None
            seat = to if to_whom else (GUEST if to is HOST else HOST)
        self._typed(seat, answer + kind)

    # Resigning and leaving end the game: drawn as often as the other rules, they would end
    # most games before an offer is made and answered, so they act one time in RARELY.
    @rule(seat=SEATS, dice=st.integers(1, RARELY))
    def resign(self, seat: Seat, dice: int) -> None:
        if dice == RARELY:
            self._typed(seat, "/resign")

    @precondition(lambda self: self.table.guest_name is not None)
    @rule(dice=st.integers(1, RARELY))
    def leave_and_come_back(self, dice: int) -> None:
        if dice < RARELY:
            return
        self._seen(self.table.leave(GUEST))
        _, out = self.table.sit("bob")
        self._seen(out)

    # -- the model --------------------------------------------------------------------------------
    def _typed(self, seat: Seat, line: str) -> None:
        self._seen(self.table.handle(seat, line))

    def _seen(self, out: list[Delivery]) -> None:
        match = self.table.match
        results = sum(d.to is HOST and d.shown.kind is Kind.RESULT for d in out)
        if match is not self.match:
            if self.match is not None:
                assert not self.match.in_progress  # a game is replaced only once it ended
            self.match, self.played = match, []
            assert match is not None
            self.start = match.history[0].before if match.history else match.state
            self.names = match.names(self.table.play.name_of)  # as they were when it began
            self.results = 0
        if match is None:
            return
        self.results += results
        history = [ply.text for ply in match.history]
        if len(history) == len(self.played) + 1 and history[:-1] == self.played:
            self.played = history  # one move played
        else:
            # nothing played, or moves taken back: what is left is what was played before
            assert history == self.played[: len(history)]
            self.played = history
        if not match.in_progress and results:
            assert match.state.outcome is not None
            self.outcomes.append((match.state.outcome, self.names))

    # -- what must always hold --------------------------------------------------------------------
    @invariant()
    def the_board_is_the_moves_played_minus_those_taken_back(self) -> None:
        match = self.table.match
        if match is None or not match.in_progress:
            return
        position = self.start
        for text in self.played:
            position = position.play(position.parse_move(text))
        assert position == match.state

    @invariant()
    def at_most_one_offer_of_each_kind_per_player_and_none_after_the_game(self) -> None:
        match = self.table.match
        if match is None:
            return
        made = [(offer.by, offer.kind) for offer in match.offers.open]
        assert len(made) == len(set(made))
        if not match.in_progress:
            assert made == []

    @invariant()
    def a_game_never_ends_twice(self) -> None:
        assert self.results <= 1
        expected = Score()
        for outcome, names in self.outcomes:
            expected.record(outcome, names)
        assert self.table.play.score == expected


TestOffersAtTheTable = OffersAtTheTable.TestCase
