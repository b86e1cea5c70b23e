"""The games half of a table: the match in progress (or the last one), the score, and what
starting, moving, resigning, rematching and the offers (takeback, draw, abort) do.

:class:`Play` knows no game by name — the registry's :class:`~game.registry.GameSpec` words
each game — and nothing of connections: the :class:`~game.table.Table` says who is seated and
filters what nobody can receive. Randomness is the table's injected ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from game import offer_words
from game.announce import board_shown, moves_shown, result_shown, say
from game.delivery import SPECTATORS, Delivery, Kind, Seat
from game.errors import CommandError, GameError
from game.game_log import GameRecords, HiddenOpening
from game.match import Match, NameOf, Participant
from game.offers import Ended, Offer, OfferKind
from game.outcome import abortion, agreed_draw
from game.registry import GameSpec, WordSource, parse_game
from game.score import Score
from game.snapshot_values import Fields, SnapshotError

#: A Mersenne Twister's state: its version, 624 words and the position, and no Gaussian kept.
_TWISTER_WORDS = 625

#: The most moves one ``/takeback N`` may name (a typed number is read only this far).
_MOST_PLIES = 999


class Play:
    """The games played at one table."""

    def __init__(
        self,
        rng: random.Random,
        words: WordSource,
        name_of: NameOf,
        in_words: Callable[[Seat], bool] = lambda seat: False,
        *,
        records: GameRecords,
    ) -> None:
        """Start with no game played.

        Args:
            rng: every random choice (the table's word, the bots' tie-breaks).
            words: the hangman word list, asked for only when a game needs it.
            name_of: the name of a seat, or of the bot for ``None``.
            in_words: whether a seat reads boards in words (the table knows), so that a move
                is told to them in one line rather than with a picture.
            records: the logs of the games (each move is logged as it is played).
        """
        self._rng = rng
        self._words = words
        self.name_of = name_of
        self._in_words = in_words
        self.match: Match | None = None
        self.score = Score()
        self.records = records

    def to_snapshot(self) -> dict[str, Any]:
        """The randomness, the match, the score and the games' records as JSON values
        (:meth:`restore_snapshot`).

        The randomness is the state of the table's ``random.Random``, so that the next word
        chosen and the bots' next tie-breaks are the ones a replay of every event would give.
        """
        version, words, gauss = self._rng.getstate()
        return {
            "random": {"version": version, "words": list(words), "gauss": gauss},
            "match": None if self.match is None else self.match.to_snapshot(),
            "score": self.score.to_snapshot(),
            "records": self.records.to_dict(),
        }

    def restore_snapshot(self, snapshot: Fields) -> None:
        """Take back the randomness, the match, the score and the records
        :meth:`to_snapshot` wrote.

        Raises:
            SnapshotError: a value is missing or out of bounds (nothing is changed then).
        """
        randomness = snapshot.object("random")
        words = randomness.items("words", limit=_TWISTER_WORDS)
        if len(words) != _TWISTER_WORDS or any(type(w) is not int for w in words):
            raise SnapshotError(f"{randomness.where}.words must be {_TWISTER_WORDS} whole numbers")
        gauss = randomness.number("gauss") if randomness.has("gauss") else None
        state = (randomness.whole("version", low=3, high=3), tuple(words), gauss)
        match_part = snapshot.optional_object("match")
        match = None if match_part is None else Match.from_snapshot(match_part)
        score = Score.from_snapshot(snapshot.object("score"))
        records = GameRecords(self.records.table_id)
        records.restore_snapshot(snapshot.object("records"))
        rng = random.Random(0)  # a scratch generator: the state is tried here before it is kept
        try:
            rng.setstate(state)
        except (ValueError, TypeError, OverflowError):
            raise SnapshotError(f"{randomness.where} is not a generator's state") from None
        self._rng.setstate(state)
        self.match, self.score, self.records = match, score, records

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
            move_text, ended = match.play(text)
        except GameError as error:
            return _error(seat, str(error))
        return self._after_moves(match, [(seat, move_text)], ended=ended)

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
        match.offers.clear()  # an offer lapses with its game
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
        ended: Sequence[Ended] = (),
    ) -> list[Delivery]:
        """Let the bot answer, then show each player the offers the moves ended, the moves,
        the board and whose turn it is — or score the game and show the result."""
        ended = list(ended)
        while match.in_progress and match.bot_to_move():
            text, by_bot = match.play_bot(self._rng, self._words)
            moves, ended = [*moves, (None, text)], ended + by_bot
        for who, move_text in moves:
            self.records.add("move", self.name_of(who), move_text)
        said = [d for end in ended for d in offer_words.ended_by_move(match, end, self.name_of)]
        self._noted(said)
        out = [*intro, *said, *moves_shown(match, moves, self.name_of, self._in_words)]
        if not match.in_progress:
            out += self.finish(match)
        return out

    # -- offers -----------------------------------------------------------------------------------
    def offer(self, seat: Seat, kind: OfferKind, args: str = "") -> list[Delivery]:
        """``/takeback [N]``, ``/draw`` or ``/abort`` typed at ``seat``: an offer to the other
        player — or done at once against the bot (a takeback), before the game has begun (an
        abort), or when the other player had offered the same."""
        match = self.match
        if match is None or not match.in_progress:
            return _error(seat, "no game in progress — start one with /game (see /help)")
        player = match.player_of(seat)
        if player is None:
            return _error(seat, self.spectating(match))
        against_bot = match.seats[1 - player] is None
        plies = 0
        if kind is OfferKind.TAKEBACK:
            counted = self._takeback_plies(match, player, args)
            if isinstance(counted, str):
                return _error(seat, counted)
            plies = counted
            if against_bot:
                return self._take_back(match, Offer(kind, player, plies))
        elif kind is OfferKind.DRAW:
            refusal = match.spec.draw_refusal()
            if refusal is not None:
                return _error(seat, refusal)
            if against_bot:
                return _error(seat, "the bot does not agree to draws — play on, or /resign")
        elif not match.has_begun(self.name_of):
            return self._end_agreed(match, Offer(kind, player), at_once=True)
        elif against_bot:
            return _error(
                seat,
                "a game can be aborted at once only before both have moved; /resign ends this one",
            )
        return self._offered(match, Offer(kind, player, plies))

    def _takeback_plies(self, match: Match, player: int, args: str) -> int | str:
        """How many moves ``/takeback ARGS`` takes back for ``player``, or why it cannot."""
        played = len(match.history)
        if not args:
            plies = match.last_plies_of(player)  # their last move and the replies to it
        elif args.isascii() and args.isdigit() and len(args) <= len(str(_MOST_PLIES)):
            plies = int(args)
            if plies == 0:
                return "usage: /takeback [N] — N is how many moves to take back, at least 1"
            if plies > played:
                if not played:
                    return "no move has been played yet — nothing to take back"
                were = "1 move was" if played == 1 else f"{played} moves were"
                return f"only {were} played — /takeback {played} takes back all"
        else:
            return "usage: /takeback [N] — N is how many moves to take back, e.g. /takeback 2"
        names = match.names(self.name_of)
        back_to = match.position_back(plies)
        refusal = match.spec.takeback_refusal(match.state, back_to, player, names)
        if refusal is not None:
            return refusal
        if plies == 0:
            return "you have not moved yet — nothing of yours to take back"
        return plies

    def _offered(self, match: Match, offer: Offer) -> list[Delivery]:
        """Make ``offer`` unless a rule of offers refuses it; the other player's same offer
        is accepted instead (they asked for it)."""
        seat = match.seats[offer.by]
        assert seat is not None
        offers, other = match.offers, self.name_of(match.seats[offer.to])
        mine = offers.made_by(offer.by, offer.kind)
        if mine is not None:
            return _error(
                seat, f"your {offer.kind} offer is open already — waiting for {other} (/pending)"
            )
        barred = offers.moves_barred(offer.by, offer.kind)
        if barred:
            return _error(seat, offer_words.barred_text(offer, other, barred))
        theirs = offers.made_by(offer.to, offer.kind)
        if theirs is not None:
            if theirs == Offer(offer.kind, offer.to, offer.plies):
                return self._accepted(match, theirs)
            return _error(
                seat,
                f"{other} offers you a different takeback — /accept or /decline it first "
                "(/pending shows it)",
            )
        out = self._noted(offer_words.made(match, offer, self.name_of))
        offers.make(offer)
        return out

    def answer(self, seat: Seat, args: str, *, accept: bool) -> list[Delivery]:
        """``/accept [KIND]`` or ``/decline [KIND]`` typed at ``seat``: answer the latest offer
        made to them, or the latest of ``KIND`` (``takeback``, ``draw``, ``abort``)."""
        command = "/accept" if accept else "/decline"
        match = self.match
        if match is None or not match.in_progress:
            return _error(seat, "no game in progress — there is no offer to answer")
        player = match.player_of(seat)
        if player is None:
            return _error(seat, self.spectating(match))
        kind: OfferKind | None = None
        if args:
            try:
                kind = OfferKind(args.lower())
            except ValueError:
                return _error(
                    seat,
                    f"usage: {command} [takeback|draw|abort] — the latest offer to you, "
                    "or the one named",
                )
        offer = match.offers.latest_to(player, kind)
        if offer is None:
            other = self.name_of(match.seats[1 - player])
            what = "anything" if kind is None else offer_words.an(kind)
            return _error(seat, f"{other} has not offered you {what} — /pending lists the offers")
        if accept:
            return self._accepted(match, offer)
        out = self._noted(offer_words.declined(match, offer, self.name_of))
        match.offers.decline(offer)
        return out

    def pending(self, seat: Seat) -> list[Delivery]:
        """``/pending`` typed at ``seat``: the offers open both ways."""
        match = self.match
        if match is None or not match.in_progress:
            return [say(seat, Kind.NOTICE, "no game in progress — no offers are open")]
        if match.player_of(seat) is None:
            return _error(seat, self.spectating(match))
        return [say(seat, Kind.NOTICE, offer_words.pending_text(match, seat, self.name_of))]

    def _accepted(self, match: Match, offer: Offer) -> list[Delivery]:
        """Carry out an accepted ``offer`` and tell everyone."""
        if offer.kind is OfferKind.TAKEBACK:
            return self._take_back(match, offer)
        return self._end_agreed(match, offer, at_once=False)

    def _take_back(self, match: Match, offer: Offer) -> list[Delivery]:
        """Take back ``offer.plies`` moves — accepted, or against the bot at once — and show
        each player the board as it now stands and whose turn it is (the bot, when it is to
        move, moves again)."""
        match.offers.clear()  # each was made in the position now left
        plies = offer_words.plies_text(match, match.history[-offer.plies :])
        done = f"{plies} taken back"
        seat = match.seats[offer.by]
        assert seat is not None
        if match.seats[offer.to] is None:
            name = self.name_of(seat)
            said = [
                say(seat, Kind.NOTICE, f"you take back {plies}"),
                say(SPECTATORS, Kind.NOTICE, f"{name} takes back {plies} against the bot"),
            ]
        else:
            said = offer_words.accepted(match, offer, self.name_of, done)
        self._noted(said)
        self.records.add("takeback", self.name_of(seat), str(offer.plies))
        match.take_back(offer.plies)
        return said + self._after_moves(match, [])

    def _end_agreed(self, match: Match, offer: Offer, *, at_once: bool) -> list[Delivery]:
        """End the game as ``offer`` (a draw or an abort) says: accepted, or an abort made at
        once because the second player had not moved yet."""
        if at_once:
            seat = match.seats[offer.by]
            called_off = f"{self.name_of(seat)} calls the game off before both had moved"
            said = [
                say(s, Kind.NOTICE, called_off) for s in match.seats if s is not None and s != seat
            ]
            said.append(say(SPECTATORS, Kind.NOTICE, called_off))
        else:
            said = offer_words.accepted(match, offer, self.name_of)
        self._noted(said)
        end = agreed_draw if offer.kind is OfferKind.DRAW else abortion
        match.state = match.state.end(end(match.state.outcome))
        return said + self.finish(match)

    def _noted(self, said: list[Delivery]) -> list[Delivery]:
        """Log what an offer's coming and going says to everyone but the players (the words a
        record keeps of it), and return *said*."""
        for delivery in said:
            if delivery.to is SPECTATORS:
                self.records.add("note", "", delivery.shown.text)
        return said


def _error(seat: Seat, text: str) -> list[Delivery]:
    return [say(seat, Kind.ERROR, text)]
