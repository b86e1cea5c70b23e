"""The table: one host, at most one guest, their chat, the current game and the score.

A pure state machine. :meth:`Table.handle` takes one typed line from a seat and returns what each
participant is to be shown; the terminal programs do the showing. Nothing here reads a clock
(flood control gets ``now`` from the caller) and randomness is the injected ``random.Random``.

How a line is read — the same line means the same thing whoever typed it, and leading
whitespace is ignored for the purpose:

* ``//text`` is chat (``/text`` is said), whatever it looks like;
* ``/word …`` is a command: its row in :data:`game.table_commands.COMMANDS` says what it
  takes, whether it counts against the flood budget, and what it does;
* while a game is in progress, a line shaped like a move in that game's notation is a move
  attempt (m,n,k: a bare number or letter+number such as ``5`` or ``b22``; hangman: one
  non-space character). It is played if it is legal and it is the typer's turn; otherwise the
  typer alone gets the reason;
* a hangman guess of the whole answer is made only with ``/guess WORD`` or
  ``/guess "a phrase"`` (``/move`` is the same command), so a plain word is never taken for a
  guess — chatting "hello" during a five-letter game costs no miss;
* anything else is chat, delivered to the other seat only.

The games are whatever :mod:`game.registry` holds; the table knows none by name (the games
half of the table is :class:`~game.play.Play`). Alone at the table, ``/game`` plays the bot
(perfect on 3×3, the heuristic on bigger boards, the guesser for hangman). Bot moves are made
synchronously and returned with the human's move. If a guest sits down during a bot game, that
game carries on (the guest is told and may /board to watch) and ``/game`` is free for the two of
them once it ends.

Flood control: chat, and the commands that start or end games (``/game``, ``/rematch``,
``/resign`` — each shows the other person something), are rate-limited per seat; moves
are never limited, nor are ``/help``, ``/board``, ``/score`` and ``/who`` (they answer only the
asker). A refused line gets a "slow down" ERROR for its author and is not delivered or carried out;
:meth:`Table.is_flooding` turns true when a seat keeps flooding, so the host program may
disconnect it. ``now`` is always a monotonic time supplied by the caller.

Spectators (:meth:`Table.watch`) see the boards (never a hangman secret before the end), the
results, the players' chat and who comes and goes; their own chat reaches only the other
spectators while a game is on (:mod:`game.spectators`). With nobody watching, every method
returns exactly what it did before spectators existed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from game import spectators
from game.announce import board_shown, duration, say
from game.commands import is_quit, split_command
from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.errors import TableFullError
from game.flood import FloodControl, FloodVerdict
from game.gallery import Gallery
from game.match import Match, Participant
from game.play import Play
from game.table_commands import COMMANDS, unknown_command
from game.untrusted import classified_text, clean_name, typed_after_slash
from game.words import checked_words, shipped_words

__all__ = ["Delivery", "Kind", "Seat", "Shown", "Spectator", "Table", "TableFullError"]


class Table:
    """One table. See the module docstring for how lines are read."""

    def __init__(
        self,
        host_name: str,
        *,
        rng: random.Random,
        words: Sequence[str] | None = None,
        flood: FloodControl | None = None,
    ) -> None:
        """Open a table.

        Args:
            host_name: the host's name (cleaned like a guest's; never empty).
            rng: all randomness (word choice, bot tie-breaks) comes from here.
            words: hangman word list; ``None`` loads the shipped list on first use. Each word
                must be a valid secret (letters a–z, spaces, hyphens, apostrophes; it is
                lower-cased).
            flood: the flood rules, as a :class:`~game.flood.FloodControl` whose limits every
                seat gets (each seat, and each new guest, a fresh one from
                :meth:`~game.flood.FloodControl.fresh`); ``None`` is ``FloodControl()``, the
                defaults (10 lines in 5 s, …). Tests of the real programs pass shorter spans.

        Raises:
            ValueError: ``words`` is empty or holds something that cannot be a secret — said
                here, rather than when somebody types ``/game hangman``.
        """
        self._host_name = clean_name(host_name, fallback="host")
        self._bot_name = clean_name("bot", taken=[self._host_name])
        self._guest_name: str | None = None
        self._guest_connected = False
        self._words = None if words is None else checked_words(words)
        self._play = Play(rng, self._word_list, self._name)
        self._flood_rules = FloodControl() if flood is None else flood.fresh()
        self._flood = {Seat.HOST: self._flood_rules.fresh(), Seat.GUEST: self._flood_rules.fresh()}
        self._gallery = Gallery(self._flood_rules, spectators.scene(self))

    # -- who is here ------------------------------------------------------------------------------
    @property
    def host_name(self) -> str:
        """The host's (cleaned) name."""
        return self._host_name

    @property
    def guest_name(self) -> str | None:
        """The guest's name, or ``None`` when no guest is seated (a dropped guest stays seated)."""
        return self._guest_name

    @property
    def bot_name(self) -> str:
        """The name the bot plays under."""
        return self._bot_name

    @property
    def guest_connected(self) -> bool:
        """Whether the seated guest's connection is up (``False`` while dropped or unseated)."""
        return self._guest_name is not None and self._guest_connected

    @property
    def match(self) -> Match | None:
        """The game in progress, or the last one played, or ``None`` before any game."""
        return self._play.match

    @property
    def play(self) -> Play:
        """The games half of the table — the match, the score, starting and moving — as the
        command handlers (:mod:`game.table_commands`) use it."""
        return self._play

    @property
    def _match(self) -> Match | None:
        return self._play.match

    @property
    def gallery(self) -> Gallery:
        """The spectators, first come first (``len``, ``in``, iteration, ``names()``)."""
        return self._gallery

    def is_flooding(self, seat: Seat | Spectator) -> bool:
        """Whether ``seat`` (or a spectator) keeps sending chat faster than a person types (time
        as of the last line it sent). The host program may disconnect a guest for whom this is
        true, or :meth:`unwatch` such a spectator."""
        if isinstance(seat, Spectator):
            return seat in self._gallery and self._gallery.flood(seat).is_persistent()
        return self._flood[seat].is_persistent()

    def forget_flood(self) -> None:
        """Give both seats a fresh flood state, as if no line had been judged yet.

        For a journal replay: lines replayed with their recorded times fill the flood windows
        with times from the previous process's clock, which the restarted process's monotonic
        clock does not continue — so after replaying, forget them rather than judge new lines
        against them.
        """
        self._flood = {seat: self._flood_rules.fresh() for seat in Seat}
        self._gallery.forget_flood()

    def _name(self, who: Participant) -> str:
        if who is None:
            return self._bot_name
        if who is Seat.HOST:
            return self._host_name
        return self._guest_name or "guest"

    def _other(self, seat: Seat) -> Seat:
        return Seat.GUEST if seat is Seat.HOST else Seat.HOST

    def _reachable(self, delivery: Delivery) -> bool:
        to = delivery.to
        if to is SPECTATORS:  # somebody besides the one it is not for
            return len(self._gallery) > (delivery.except_ in self._gallery)
        if isinstance(to, Spectator):
            return to in self._gallery
        # A dropped guest's shows are kept for it by the host program, and resent on resume.
        return to is Seat.HOST or self._guest_name is not None

    def _visible(self, deliveries: list[Delivery]) -> list[Delivery]:
        """Drop what is addressed to someone nobody can read: an empty guest seat, a spectator
        who left, a broadcast with no spectator to reach."""
        return [d for d in deliveries if self._reachable(d)]

    def _spectating(self, match: Match) -> str:
        """What the guest is told when they arrive during the host's bot game (see
        :meth:`Play.spectating <game.play.Play.spectating>`)."""
        return self._play.spectating(match)

    def _finish(self, match: Match) -> list[Delivery]:
        """Score a game that just ended and tell everyone at the table."""
        return self._play.finish(match)

    def _error(self, seat: Seat, text: str) -> list[Delivery]:
        return [say(seat, Kind.ERROR, text)]

    def _word_list(self) -> Sequence[str]:
        return shipped_words() if self._words is None else self._words

    # -- arriving and leaving ---------------------------------------------------------------------
    @spectators.sits_beside
    def sit(self, name: str) -> tuple[str, list[Delivery]]:
        """Seat a guest.

        Returns:
            The name actually given (cleaned, at most 32 characters, distinct from the host's and
            the bot's) and what each side is shown.

        Raises:
            TableFullError: a guest is already seated (also while they are dropped).
        """
        if self._guest_name is not None:
            raise TableFullError(f"{self._guest_name} is already at this table")
        given = clean_name(name, taken=[self._host_name, self._bot_name])
        self._guest_name, self._guest_connected = given, True
        self._flood[Seat.GUEST] = self._flood_rules.fresh()
        out = [
            say(Seat.HOST, Kind.NOTICE, f"{given} sat down"),
            say(
                Seat.GUEST,
                Kind.NOTICE,
                f"welcome to {self._host_name}'s table, {given} — type /help for the commands",
            ),
        ]
        match = self._match
        if match is not None and match.in_progress:  # only a bot game can be on
            out.append(
                say(
                    Seat.HOST,
                    Kind.NOTICE,
                    f"your {match.spec.title} game against the bot carries on; "
                    f"/resign it to play {given} sooner",
                )
            )
            out += [
                say(Seat.GUEST, Kind.NOTICE, self._spectating(match)),
                say(Seat.GUEST, Kind.BOARD, match.render_for(Seat.GUEST)),
            ]
        return given, out

    @spectators.told
    def drop(self, seat: Seat, grace_seconds: float) -> list[Delivery]:
        """The guest's connection was lost: keep everything, tell the host how long we wait.

        The host's seat cannot drop (the host program owns the table): returns nothing.
        """
        if seat is Seat.HOST or self._guest_name is None:
            return []
        self._guest_connected = False
        text = (
            f"{self._guest_name}'s connection dropped — waiting up to "
            f"{duration(grace_seconds)} for them to come back"
        )
        return [say(Seat.HOST, Kind.NOTICE, text)]

    @spectators.told
    def resume(self, seat: Seat, *, caught_up: bool) -> list[Delivery]:
        """The dropped guest is back: tell the host, greet the guest.

        What the guest missed while away is resent by the host program, which keeps the shows
        meant for the seat; *caught_up* False says some were no longer kept (or the guest's
        program cannot say what it saw), so the guest is shown the board and whose turn it is.
        """
        if seat is Seat.HOST or self._guest_name is None:
            return []
        self._guest_connected = True
        guest = self._guest_name
        out = [
            say(Seat.HOST, Kind.NOTICE, f"{guest} is back"),
            say(Seat.GUEST, Kind.NOTICE, f"welcome back, {guest}"),
        ]
        if not caught_up and self._match is not None and self._match.in_progress:
            out += board_shown(self._match, Seat.GUEST, self._name)
        return out

    @spectators.told
    def leave(self, seat: Seat) -> list[Delivery]:
        """The guest left of their own accord (/q, Ctrl-D, Ctrl-C): free the seat; a game they
        were playing ends as abandoned (nobody's loss); tell the host. The host cannot leave:
        returns nothing."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(f"{self._guest_name} left the table")

    @spectators.told
    def expire(self, seat: Seat, grace_seconds: float) -> list[Delivery]:
        """A dropped guest did not come back within the grace period given to :meth:`drop`:
        free the seat as :meth:`leave` does, and tell the host why."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(
            f"{self._guest_name} did not come back within {duration(grace_seconds)} — "
            "the seat is free again"
        )

    @spectators.told
    def disconnect(self, seat: Seat, reason: str) -> list[Delivery]:
        """The host program put the guest out (they kept flooding, their program broke the
        protocol): free the seat as :meth:`leave` does, and tell the host ``reason``, kept on
        one line."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(f"disconnected {self._guest_name}: {' '.join(reason.split())}")

    def _unseat(self, notice: str) -> list[Delivery]:
        out = [say(Seat.HOST, Kind.NOTICE, notice)]
        match = self._match
        if match is not None and match.in_progress and Seat.GUEST in match.seats:
            match.state = match.state.abandon()
            out += self._finish(match)
        self._guest_name, self._guest_connected = None, False
        return self._visible(out)

    # -- watching -------------------------------------------------------------------------------
    def watch(self, name: str) -> tuple[Spectator, list[Delivery]]:
        """Seat someone to watch (the host program decides who watches rather than plays).

        Args:
            name: the name asked for, cleaned like a guest's and made distinct from every name
                at the table (a look-alike is renamed visibly, ``alice-2``).

        Returns:
            Who they are (``Spectator.name`` is the name given) and what everyone is shown:
            their welcome ("the table is full — watching alice and bob"), the board if there
            is a game, and "carol is watching" for the others.

        Raises:
            SpectatorLimitError: :data:`~game.gallery.SPECTATOR_LIMIT` people watch already
                (a :class:`TableFullError` whose text is the refusal).
        """
        spectator, out = spectators.watch(self, name)
        return spectator, [*self._visible(out), *spectators.news(self)]

    def arrival(self, spectator: Spectator) -> list[Delivery]:
        """What ``spectator`` would be shown arriving now (their welcome and the board as it
        stands), for a host program that could not keep everything said meanwhile."""
        return self._visible(spectators.arrival(self, spectator))

    def unwatch(self, spectator: Spectator) -> list[Delivery]:
        """A spectator leaves (``/q``, or the host program lost their connection: a spectator
        has no seat to keep, so there is no grace period). Tells the players and the other
        spectators; returns nothing when ``spectator`` was not watching."""
        return [*self._visible(spectators.unwatch(self, spectator)), *spectators.news(self)]

    # -- one typed line ---------------------------------------------------------------------------
    def handle(self, seat: Seat | Spectator, line: str, now: float = 0.0) -> list[Delivery]:
        """Read one typed line from ``seat`` (or a spectator) and return what everyone is shown.

        Args:
            seat: who typed it: a seat, or a spectator (:mod:`game.spectators` says what their
                lines do).
            line: the line (a trailing newline is ignored).
            now: the time the line arrived, in seconds, read by the caller from a monotonic
                clock (e.g. ``time.monotonic()`` or the event loop's ``time()``); used for flood
                control only. The default 0.0 makes every call the same instant, so it is only
                for callers (tests) that never send more than a few lines.

        Raises:
            ValueError: ``seat`` is the guest seat and nobody sits there, or a spectator who is
                not watching.
        """
        if isinstance(seat, Spectator):
            if seat not in self._gallery:
                raise ValueError(f"{seat.name} is not watching")
            out = spectators.line(self, seat, line, now)
            # the answer to the typer reaches them even when the line made them leave (/q)
            out = [d for d in out if d.to == seat or self._reachable(d)]
        else:
            out = self._player_line(seat, line, now)
        return [*out, *spectators.news(self)]

    def _player_line(self, seat: Seat, line: str, now: float) -> list[Delivery]:
        if seat is Seat.GUEST and self._guest_name is None:
            raise ValueError("no guest is seated")
        line = line.rstrip("\r\n")
        # Neither leading whitespace nor characters that draw nothing change what a line is:
        # " /game hangman SECRET" and "\u200b/game hangman SECRET" are commands (not chat
        # carrying the secret), " //x" is chat, " b2" is a move. Commands and moves are read from
        # this cleaned text; chat is delivered as typed.
        text = classified_text(line).strip()
        if not text:
            return []
        if text.startswith("//"):
            return self._visible(self._said(seat, typed_after_slash(line), now))
        if text.startswith("/"):
            if seat is Seat.GUEST and is_quit(text):
                # leaving empties the seat, so the goodbye bypasses the visibility filter
                return [say(seat, Kind.NOTICE, "you left the table"), *self.leave(seat)]
            return self._visible(self._command(seat, text, now))
        match = self._match
        if match is not None and match.in_progress and match.state.is_move_attempt(text):
            return self._visible(self._play.move(seat, text))
        return self._visible(self._said(seat, line, now))

    def _said(self, seat: Seat, text: str, now: float) -> list[Delivery]:
        """A player's chat line, for the other player and for every spectator."""
        out = self._chat(seat, text, now)
        return out + [Delivery(SPECTATORS, d.shown) for d in out if d.shown.kind is Kind.CHAT]

    def _chat(self, seat: Seat, text: str, now: float) -> list[Delivery]:
        text = text.replace("\r", " ").replace("\n", " ")  # a chat line stays one line
        flood = self._flood[seat]
        # a zero-width space does not make a repeated line new
        verdict = flood.check(classified_text(text), now)
        if verdict is not FloodVerdict.OK:
            return self._error(seat, flood.message(verdict))
        author = self._name(seat)
        return [Delivery(self._other(seat), Shown(Kind.CHAT, text, author))]

    def _command(self, seat: Seat, line: str, now: float) -> list[Delivery]:
        """Carry out a slash command as its row of :data:`~game.table_commands.COMMANDS`
        says."""
        word, args = split_command(line)
        command = COMMANDS.find(word)
        if command is None:
            return self._error(seat, unknown_command(word))
        if args and not command.takes_args:
            # "/resign please" must not resign, nor "/q now" leave: say what to type instead
            return self._error(seat, f"/{word} takes no arguments — type just /{word}")
        if command.flood_limited:
            # each of these shows the other person a game starting or ending (and may change the
            # score): a loop of them would flood the other screen
            flood = self._flood[seat]
            verdict = flood.check_command(now)
            if verdict is not FloodVerdict.OK:
                return self._error(seat, flood.message(verdict, command=True))
        return command.handler(self, seat, args)
