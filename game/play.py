"""The games half of a table: the match in progress (or the last one), the score, and what
starting, moving, resigning and rematching do.

:class:`Play` knows no game by name — the registry's :class:`~game.registry.GameSpec` words
each game — and nothing of connections: the :class:`~game.table.Table` says who is seated and
filters what nobody can receive. Randomness is the table's injected ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from game.announce import board_shown, moves_shown, result_shown, say
from game.delivery import Delivery, Kind, Seat
from game.errors import CommandError, GameError
from game.game_log import GameRecords, HiddenOpening
from game.match import Match, NameOf, Participant, bot_move, play_typed
from game.registry import GameSpec, WordSource, parse_game
from game.score import Score


class Play:
    """The games played at one table."""

    def __init__(
        self, rng: random.Random, words: WordSource, name_of: NameOf, records: GameRecords
    ) -> None:
        """Start with no game played.

        Args:
            rng: every random choice (the table's word, the bots' tie-breaks).
            words: the hangman word list, asked for only when a game needs it.
            name_of: the name of a seat, or of the bot for ``None``.
            records: the logs of the games (each move is logged as it is played).
        """
        self._rng = rng
        self._words = words
        self.name_of = name_of
        self.match: Match | None = None
        self.score = Score()
        self.records = records

    def spectating(self, match: Match) -> str:
        """What the guest is told when they arrive during the host's bot game, and whenever they
        try to play, start, rematch or resign it: only one text, so they are never told to do
        something (like /resign) that would then fail."""
        return (
            f"{self.name_of(Seat.HOST)} is playing {match.spec.title} against the bot — "
            "you watch it move by move; /game is free for you two once it ends"
        )

    # -- starting ---------------------------------------------------------------------------------
    def new_game(self, seat: Seat, args: str, opponent: Participant) -> list[Delivery]:
        """``/game ARGS`` typed at ``seat``: ``seat`` moves first against ``opponent`` (the
        other seat, or the bot when ``seat`` is alone)."""
        match = self.match
        if match is not None and match.in_progress:
            if seat in match.seats:
                return _error(
                    seat, f"a game of {match.spec.title} is on — finish it or /resign, then /game"
                )
            return _error(seat, self.spectating(match))
        try:
            spec = parse_game(args)
        except CommandError as error:
            return _error(seat, str(error))
        return self.start(spec, (seat, opponent))

    def rematch(self, seat: Seat, *, guest_seated: bool) -> list[Delivery]:
        """``/rematch`` typed at ``seat``: the last game again, the other one moving first."""
        match = self.match
        if match is None:
            return _error(seat, "no game to rematch yet — start one with /game (see /help)")
        if match.in_progress:
            if seat not in match.seats:
                return _error(seat, self.spectating(match))
            return _error(seat, "a game is on — finish it or /resign first, then /rematch")
        refusal = match.spec.rematch_refusal()
        if refusal is not None:
            return _error(seat, refusal)
        pair: tuple[Participant, Participant] = (
            (Seat.HOST, Seat.GUEST) if guest_seated else (Seat.HOST, None)
        )
        last_first = match.seats[0]
        # The other one moves first this time; if the last game's first player is gone (the bot
        # when a guest has sat down since), the one asking moves first.
        first: Participant = seat
        if last_first in pair:
            first = pair[1] if pair[0] == last_first else pair[0]
        second = pair[1] if pair[0] == first else pair[0]
        return self.start(match.spec, (first, second))

    def start(self, spec: GameSpec[Any], seats: tuple[Participant, Participant]) -> list[Delivery]:
        """Open ``spec`` between ``seats`` (player 0 first) and let the bot open if it is first."""
        match = Match(spec, spec.new_state(self._rng, self._words), seats)
        self.match = match
        self._log_start(match)
        intro = [
            say(seat, Kind.NOTICE, match.intro_text(player, self.name_of))
            for player, seat in enumerate(seats)
            if seat is not None
        ]
        return self._after_moves(match, [], intro)

    # -- playing ----------------------------------------------------------------------------------
    def move(self, seat: Seat, text: str) -> list[Delivery]:
        """``seat`` typed a move (or ``/move TEXT``): play it, or tell them alone why not."""
        match = self.match
        if match is None or not match.in_progress:
            return _error(seat, "no game in progress — start one with /game (see /help)")
        player = match.player_of(seat)
        if player is None:
            return _error(seat, self.spectating(match))
        idle = match.idle_reason(player, self.name_of)
        if idle is not None:
            return _error(seat, idle)
        turn = match.state.turn
        if turn != player:
            assert turn is not None
            return _error(seat, f"it's {self.name_of(match.seats[turn])}'s turn")
        try:
            match.state, move_text = play_typed(match.state, text)
        except GameError as error:
            return _error(seat, str(error))
        return self._after_moves(match, [(seat, move_text)])

    def resign(self, seat: Seat) -> list[Delivery]:
        """``/resign`` typed at ``seat``."""
        match = self.match
        if match is None or not match.in_progress:
            return _error(seat, "no game in progress — nothing to resign")
        player = match.player_of(seat)
        if player is None:
            return _error(seat, self.spectating(match))
        match.state = match.state.resign(player)
        # each player sees the final board (in hangman: the whole answer) and then the result
        boards = [say(s, Kind.BOARD, match.render_for(s)) for s in match.seats if s is not None]
        return boards + self.finish(match)

    def board(self, seat: Seat) -> list[Delivery]:
        """``/board`` typed at ``seat``."""
        if self.match is None:
            return _error(seat, "no game yet — start one with /game tictactoe (see /help)")
        return board_shown(self.match, seat, self.name_of)

    def finish(self, match: Match) -> list[Delivery]:
        """Score a game that just ended and tell everyone at the table."""
        outcome = match.state.outcome
        assert outcome is not None
        names = match.names(self.name_of)
        self.score.record(outcome, names)
        self.records.finish(match.spec.result_text(match.state, outcome, names), outcome)
        return result_shown(match, self.name_of)

    def _log_start(self, match: Match) -> None:
        spec, state = match.spec, match.state
        hidden: tuple[str | None, int | None] = (None, None)
        if isinstance(spec, HiddenOpening):
            seen = [player for player in (0, 1) if spec.sees_hidden(state, player)]
            hidden = (spec.hidden(state), seen[0] if seen else None)
        self.records.begin(
            spec.title,
            table=self.name_of(Seat.HOST),
            players=match.names(self.name_of),
            sides=[spec.mark(player).strip(" ()") for player in (0, 1)],
            seats=(match.player_of(Seat.HOST), match.player_of(Seat.GUEST)),
            hidden=hidden,
        )

    def _after_moves(
        self,
        match: Match,
        moves: list[tuple[Participant, str]],
        intro: Sequence[Delivery] = (),
    ) -> list[Delivery]:
        """Let the bot answer, then show each player the moves, the board and whose turn it is
        — or score the game and show the result."""
        while match.in_progress and match.bot_to_move():
            match.state, text = bot_move(match, self._rng, self._words)
            moves = [*moves, (None, text)]
        for who, text in moves:
            self.records.add("move", self.name_of(who), text)
        out = [*intro, *moves_shown(match, moves, self.name_of)]
        if not match.in_progress:
            out += self.finish(match)
        return out


def _error(seat: Seat, text: str) -> list[Delivery]:
    return [say(seat, Kind.ERROR, text)]
