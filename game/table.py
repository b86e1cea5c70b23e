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
game carries on (the guest is told, and watches it move by move as a spectator would) and
``/game`` is free for the two of them once it ends.

Flood control: chat, the commands that start or end games (``/game``, ``/rematch``,
``/resign``) and the offers and their answers (``/takeback``, ``/draw``, ``/abort``,
``/accept``, ``/decline``) — each shows the other person something — are rate-limited per
seat; moves are never limited, nor are ``/help``, ``/board``, ``/score``, ``/who`` and
``/pending`` (they answer only the asker). A refused line gets a "slow down" ERROR for its
author and is not delivered or carried out; :meth:`Table.is_flooding` turns true when a seat
keeps flooding, so the host program may disconnect it. ``now`` is always a monotonic time
supplied by the caller.

Spectators (:meth:`Table.watch`) see the boards (never a hangman secret before the end), the
results, the players' chat and who comes and goes; their own chat reaches only the other
spectators while a game is on (:func:`game.spectators.kibitz`). A spectator's line is read by
the same reader as a player's; a move, or a command whose row has no ``watcher`` handler, gets
"you are watching — only alice and bob play". With nobody watching, every method returns what
it would for two people alone.

Every public method that changes the table ends in :meth:`Table._told`: what it returns is
filtered to the people who can read it, and followed by the spectators' news (the difference
between the table they last saw and the table now), so no way of changing the table can forget
them.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

from game.announce import board_shown, duration, say
from game.board_words import in_words
from game.chat_history import ChatHistory, viewer_key, viewer_order
from game.commands import split_command
from game.delivery import SPECTATORS, Delivery, Kind, Seat, Shown, Spectator
from game.errors import TableFullError
from game.flood import FloodControl, FloodVerdict
from game.game_log import GameRecords, Viewer, table_id
from game.head_to_head import PastResults, head_to_head
from game.help import help_for
from game.match import Match, Participant
from game.play import Play
from game.record_format import write
from game.snapshot_values import Fields, SnapshotError
from game.spectator_view import (
    Snapshot,
    board_view,
    changes_between,
    players_text,
    welcome_texts,
)
from game.spectators import Spectators, coming_or_going, kibitz, no_room
from game.status import status_for
from game.table_commands import COMMANDS, unknown_command
from game.untrusted import classified_text, clean_name, typed_after_slash
from game.words import checked_words, shipped_words

__all__ = ["Delivery", "Kind", "Seat", "Shown", "Spectator", "Table", "TableFullError"]

#: Who typed a line: a player's seat or a spectator.
Typist = Seat | Spectator

#: What a game-starting or -ending command costs of the flood budget (see Table._cost).
_COMMAND: Final = "\x00command"


class Table:
    """One table. See the module docstring for how lines are read."""

    def __init__(
        self,
        host_name: str,
        *,
        rng: random.Random,
        words: Sequence[str] | None = None,
        flood: FloodControl | None = None,
        past: PastResults | None = None,
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
            past: the results of earlier games, read-only (the host program's archive), which
                ``/score`` counts with this table's; ``None``: only this table's.

        Raises:
            ValueError: ``words`` is empty or holds something that cannot be a secret — said
                here, rather than when somebody types ``/game hangman``.
        """
        self._host_name = clean_name(host_name, fallback="host")
        self._bot_name = clean_name("bot", taken=[self._host_name])
        self._guest_name: str | None = None
        self._guest_connected = False
        self._words = None if words is None else checked_words(words)
        self._past = past
        records = GameRecords(table_id(rng.getstate()))
        self._play = Play(rng, self._word_list, self._name, self.reads_words, records=records)
        self._flood_rules = FloodControl() if flood is None else flood.fresh()
        self._flood = {Seat.HOST: self._flood_rules.fresh(), Seat.GUEST: self._flood_rules.fresh()}
        self._spectators = Spectators(self._flood_rules, self._snapshot())
        # What a guest seated beside the host's bot game last saw of it (see _beside_bot).
        self._guest_seen = self._snapshot()
        self._history = ChatHistory()
        # who reads boards in words (/board words, a program's --accessible)
        self._word_readers: set[Typist] = set()

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
    def spectators(self) -> Spectators:
        """The spectators, first come first (``len``, ``in``, iteration, ``names()``)."""
        return self._spectators

    def status_for(self, seat: Seat) -> str:
        """The status in *seat*'s prompt — game, whose turn, score — or "" without a game
        (:func:`game.status.status_for`)."""
        return status_for(self._play, seat)

    def help_text(self, args: str, *, spectator: bool = False) -> str:
        """What ``/help ARGS`` answers a player, or a *spectator*, at this table.

        Raises:
            CommandError: there is no help on *args*.
        """
        return help_for(args, spectator=spectator)

    def score_text(self, who: Typist, args: str) -> str:
        """What ``/score`` (``/score NAME``: the asker against NAME) answers *who*.

        Without a name, the tally of this table's run, then — when the table knows earlier
        games — the two players' head-to-head across them, if they have one; with a name,
        the asker's head-to-head against that name.
        """
        name = args.strip()
        if not name and self._past is None:
            return self._play.score.render()
        results = list(self._play.records.results)
        warning = None
        if self._past is not None:
            past, warning = self._past()
            results = [*past, *results]
        if name:
            asker = who.name if isinstance(who, Spectator) else self._name(who)
            other = clean_name(name)
            told = head_to_head(results, asker, other)
            lines = [told or f"{asker} against {other}: no finished game between you kept yet"]
        else:
            # the head-to-head only once there is one: a first game's /score reads as before
            lines = [self._play.score.render()]
            pair = self._pair(who)
            told = None if pair is None else head_to_head(results, *pair)
            if told is not None:
                lines.append(told)
        if warning is not None:
            lines.append(warning)
        return "\n".join(lines)

    def _pair(self, who: Typist) -> tuple[str, str] | None:
        """The two people ``/score`` counts — the host and the guest, else the host and their
        last game's opponent — the asker first when they are one of them, else the host."""
        opponent = self._guest_name
        match = self.match
        if opponent is None and match is not None and Seat.HOST in match.seats:
            opponent = self._name(match.seats[1 - match.seats.index(Seat.HOST)])
        if opponent is None:
            return None
        if who is Seat.GUEST:
            return opponent, self._host_name
        return self._host_name, opponent

    def record_text(self, who: Typist) -> str | None:
        """*who*'s record of the last game that ended (the record format's text), or None."""
        log = self._play.records.last
        if log is None:
            return None
        viewer: Viewer = (
            "spectator" if isinstance(who, Spectator) else ("host" if who is Seat.HOST else "guest")
        )
        return write(log.record_for(viewer))

    def chat_seen(self, who: Typist, count: int) -> list[Shown]:
        """The last *count* chat lines *who* saw or said, oldest first (``/history``; at most
        :data:`~game.chat_history.HISTORY_KEPT`)."""
        return self._history.last(who, count)

    def reads_words(self, who: Typist) -> bool:
        """Whether *who* reads boards in words rather than pictures."""
        return who in self._word_readers

    def set_words(self, who: Typist, on: bool) -> None:
        """Show *who* boards in words (*on*) or as pictures from now on."""
        if on:
            self._word_readers.add(who)
        else:
            self._word_readers.discard(who)

    def is_flooding(self, seat: Typist) -> bool:
        """Whether ``seat`` (or a spectator) keeps sending chat faster than a person types (time
        as of the last line it sent). The host program may disconnect a guest for whom this is
        true, or :meth:`unwatch` such a spectator."""
        if isinstance(seat, Spectator):
            return seat in self._spectators and self._spectators.flood(seat).is_persistent()
        return self._flood[seat].is_persistent()

    def forget_flood(self) -> None:
        """Give both seats a fresh flood state, as if no line had been judged yet.

        For a journal replay: lines replayed with their recorded times fill the flood windows
        with times from the previous process's clock, which the restarted process's monotonic
        clock does not continue — so after replaying, forget them rather than judge new lines
        against them.
        """
        self._flood = {seat: self._flood_rules.fresh() for seat in Seat}
        self._spectators.forget_flood()

    def to_snapshot(self) -> dict[str, Any]:
        """Everything the table's events built, as JSON values (:meth:`restore_snapshot`):
        who sits, the games half, the seats' and the spectators' flood budgets, each person's
        chat history and who reads boards in words. What the spectators and a guest beside a
        bot game last saw is the table as it is: every change ends by showing them it
        (:meth:`_told`)."""
        return {
            "host": self._host_name,
            "guest": self._guest_name,
            "guest_connected": self._guest_connected,
            "play": self._play.to_snapshot(),
            "flood": {seat.name.lower(): self._flood[seat].to_snapshot() for seat in Seat},
            "spectators": self._spectators.to_snapshot(),
            "history": self._history.to_snapshot(),
            "words": [viewer_key(who) for who in sorted(self._word_readers, key=viewer_order)],
        }

    def restore_snapshot(self, snapshot: Fields) -> None:
        """Make this table (opened under the same host name, with the same rules and word
        list) the one :meth:`to_snapshot` wrote.

        Raises:
            SnapshotError: a value is missing or out of bounds, or the snapshot is of another
                host's table; the table is left as it was opened.
        """
        if snapshot.name("host") != self._host_name:
            raise SnapshotError(f"{snapshot.where}.host is not this table's host")
        guest = snapshot.optional_name("guest")
        connected = snapshot.flag("guest_connected")
        if guest is not None and guest.casefold() in (
            self._host_name.casefold(),
            self._bot_name.casefold(),
        ):
            raise SnapshotError(f"{snapshot.where}.guest has a name taken at the table")
        floods = snapshot.object("flood")
        flood = {
            seat: self._flood_rules.restored(floods.object(seat.name.lower())) for seat in Seat
        }
        play = snapshot.object("play")
        self._play.restore_snapshot(play)
        self._guest_name, self._guest_connected = guest, guest is not None and connected
        self._flood = flood
        seen = self._snapshot()
        self._spectators.restore_snapshot(snapshot.object("spectators"), seen)
        self._guest_seen = seen
        where = snapshot.where
        people = len(Seat) + len(self._spectators)
        history = ChatHistory()
        history.restore_snapshot(
            snapshot.object("history"), people, lambda key: self._viewer(key, f"{where}.history")
        )
        words = snapshot.items("words", limit=people)
        readers = {self._viewer(key, f"{where}.words") for key in words}
        self._history, self._word_readers = history, readers

    def _viewer(self, key: object, where: str) -> Typist:
        """The person at this table a snapshot names by *key* (see
        :func:`~game.chat_history.viewer_key`).

        Raises:
            SnapshotError: nobody here has that name or number.
        """
        if key == "host":
            return Seat.HOST
        if key == "guest":
            return Seat.GUEST
        spectator = None
        if type(key) is int:
            spectator = self._spectators.by_number(key)
        if spectator is None:
            raise SnapshotError(f"{where} names nobody at the table")
        return spectator

    def _name(self, who: Participant) -> str:
        if who is None:
            return self._bot_name
        if who is Seat.HOST:
            return self._host_name
        return self._guest_name or "guest"

    def _snapshot(self) -> Snapshot:
        """The table as spectators would see it now."""
        match = self.match
        state = None if match is None else match.state
        return Snapshot(
            self._host_name,
            self._guest_name,
            self.guest_connected,
            self._bot_name,
            match,
            state,
        )

    def _reachable(self, delivery: Delivery) -> bool:
        to = delivery.to
        if to is SPECTATORS:  # somebody besides the one it is not for
            return len(self._spectators) > (delivery.except_ in self._spectators)
        if isinstance(to, Spectator):
            return to in self._spectators
        # A dropped guest's shows are kept for it by the host program, and resent on resume.
        return to is Seat.HOST or self._guest_name is not None

    def _told(self, out: list[Delivery], typist: Typist | None = None) -> list[Delivery]:
        """*out* without what nobody can read (an empty guest seat, a spectator who left, a
        broadcast with no spectator to reach) — but the typist's own answer, which reaches
        them even when the line made them leave — then the spectators' news."""
        kept = [d for d in out if d.to == typist or self._reachable(d)]
        snapshot = self._snapshot()
        beside = self._beside_bot(snapshot)
        # the last board before the result, as a player reads them
        at = next(
            (i for i, d in enumerate(kept) if d.to == Seat.GUEST and d.shown.kind is Kind.RESULT),
            len(kept),
        )
        told = [*kept[:at], *beside, *kept[at:], *self._spectators.catch_up(snapshot)]
        return in_words(told, self._word_readers, self.match, self._spectators)

    def _beside_bot(self, snapshot: Snapshot) -> list[Delivery]:
        """A guest who sat down during the host's game against the bot watches it until it
        ends: each move shows them the board and whose turn it is, as a spectator sees it (the
        result reaches them with the players')."""
        before, self._guest_seen = self._guest_seen, snapshot
        match = snapshot.match
        if snapshot.guest is None or match is None or Seat.GUEST in match.seats:
            return []
        if before.match is not match:
            return []  # sitting down showed them the board as it stood
        # the same seats on both sides: only the game's changes, never a seat notice
        seats_as_now = replace(
            before, guest=snapshot.guest, guest_connected=snapshot.guest_connected
        )
        return [
            Delivery(Seat.GUEST, shown)
            for shown in changes_between(seats_as_now, snapshot)
            if shown.kind is not Kind.RESULT
        ]

    def _forget(self, who: Typist) -> None:
        """*who* is gone: the next one in their place starts with no history and pictures."""
        self._history.forget(who)
        self._word_readers.discard(who)

    def _error(self, who: Typist, text: str) -> list[Delivery]:
        return [say(who, Kind.ERROR, text)]

    def _word_list(self) -> Sequence[str]:
        return shipped_words() if self._words is None else self._words

    # -- arriving and leaving ---------------------------------------------------------------------
    def sit(self, name: str) -> tuple[str, list[Delivery]]:
        """Seat a guest.

        Returns:
            The name actually given (cleaned, at most 32 characters, distinct from the host's,
            the bot's and the spectators') and what each side is shown.

        Raises:
            TableFullError: a guest is already seated (also while they are dropped).
        """
        if self._guest_name is not None:
            raise TableFullError(f"{self._guest_name} is already at this table")
        players = [self._host_name, self._bot_name]
        given = clean_name(name, taken=[*players, *self._spectators.names()])
        self._guest_name, self._guest_connected = given, True
        self._flood[Seat.GUEST] = self._flood_rules.fresh()
        self._forget(Seat.GUEST)  # a new guest never saw what was said to the one before
        out = [
            say(Seat.HOST, Kind.NOTICE, f"{given} sat down"),
            say(
                Seat.GUEST,
                Kind.NOTICE,
                f"welcome to {self._host_name}'s table, {given} — type /help for the commands",
            ),
        ]
        match = self.match
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
                say(Seat.GUEST, Kind.NOTICE, self._play.spectating(match)),
                say(Seat.GUEST, Kind.BOARD, match.render_for(Seat.GUEST)),
            ]
        return given, self._told(out)

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
        return self._told([say(Seat.HOST, Kind.NOTICE, text)])

    def resume(self, seat: Seat, *, caught_up: bool) -> list[Delivery]:
        """The dropped guest is back: tell the host, greet the guest.

        What the guest missed while away is resent by the host program, which keeps the shows
        meant for the seat; *caught_up* False says some were no longer kept (or the guest's
        program cannot say what it saw), so the guest is shown the board and whose turn it is.
        """
        if seat is Seat.HOST or self._guest_name is None:
            return []
        guest = self._guest_name
        # connected still: a new connection of theirs took the seat over; they never left
        back = f"{guest} is on a new connection" if self._guest_connected else f"{guest} is back"
        self._guest_connected = True
        out = [
            say(Seat.HOST, Kind.NOTICE, back),
            say(Seat.GUEST, Kind.NOTICE, f"welcome back, {guest}"),
        ]
        match = self.match
        if not caught_up and match is not None and match.in_progress:
            out += board_shown(match, Seat.GUEST, self._name)
        return self._told(out)

    def opener_dropped(self, grace_seconds: float) -> list[Delivery]:
        """At a lobby table, where the host's seat is held by the connection of the person who
        opened the table: that connection was lost; tell the guest how long we wait."""
        if self._guest_name is None:
            return []
        text = (
            f"{self._host_name}'s connection dropped — waiting up to "
            f"{duration(grace_seconds)} for them to come back"
        )
        return self._told([say(Seat.GUEST, Kind.NOTICE, text)])

    def opener_left(self) -> list[Delivery]:
        """At a lobby table, the opener's seat is free (they left, or did not come back): the
        table closes, and a game on ends as abandoned (nobody's loss), so that each player
        keeps its record."""
        match = self.match
        if match is None or not match.in_progress:
            return []
        match.state = match.state.abandon()
        return self._told(self._play.finish(match))

    def opener_back(self, *, caught_up: bool) -> list[Delivery]:
        """At a lobby table, the opener's dropped connection is back (see :meth:`resume`)."""
        host = self._host_name
        out = [say(Seat.HOST, Kind.NOTICE, f"welcome back, {host}")]
        if self._guest_name is not None:
            out.append(say(Seat.GUEST, Kind.NOTICE, f"{host} is back"))
        match = self.match
        if not caught_up and match is not None and match.in_progress:
            out += board_shown(match, Seat.HOST, self._name)
        return self._told(out)

    def leave(self, seat: Seat) -> list[Delivery]:
        """The guest left of their own accord (/q, Ctrl-D, Ctrl-C): free the seat; a game they
        were playing ends as abandoned (nobody's loss); tell the host. The host cannot leave:
        returns nothing."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(f"{self._guest_name} left the table")

    def expire(self, seat: Seat, grace_seconds: float) -> list[Delivery]:
        """A dropped guest did not come back within the grace period given to :meth:`drop`:
        free the seat as :meth:`leave` does, and tell the host why."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(
            f"{self._guest_name} did not come back within {duration(grace_seconds)} — "
            "the seat is free again"
        )

    def disconnect(self, seat: Seat, reason: str) -> list[Delivery]:
        """The host program put the guest out (they kept flooding, their program broke the
        protocol): free the seat as :meth:`leave` does, and tell the host ``reason``, kept on
        one line."""
        if seat is Seat.HOST or self._guest_name is None:
            return []
        return self._unseat(f"disconnected {self._guest_name}: {' '.join(reason.split())}")

    def _unseat(self, notice: str) -> list[Delivery]:
        out = [say(Seat.HOST, Kind.NOTICE, notice)]
        match = self.match
        if match is not None and match.in_progress and Seat.GUEST in match.seats:
            match.state = match.state.abandon()
            out += self._play.finish(match)
        self._guest_name, self._guest_connected = None, False
        self._forget(Seat.GUEST)
        told = self._told(out)
        if self._spectators:  # after the news that the guest left: who may sit down now
            free = f"the seat across from {self._host_name} is free — /sit takes it"
            told.append(Delivery(SPECTATORS, Shown(Kind.NOTICE, free)))
        return told

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
            SpectatorLimitError: :data:`~game.spectators.SPECTATOR_LIMIT` people watch already
                (a :class:`TableFullError` whose text is the refusal).
        """
        host, guest = self._host_name, self._guest_name
        taken = [host, self._bot_name] + ([guest] if guest is not None else [])
        refusal = no_room(host, self._spectators.limit)
        spectator = self._spectators.add(name, taken=taken, refusal=refusal)
        notice = coming_or_going(spectator, f"{spectator.name} is watching", self.match)
        return spectator, self._told([*self._arrival(spectator), *notice])

    def arrival(self, spectator: Spectator) -> list[Delivery]:
        """What ``spectator`` would be shown arriving now (their welcome and the board as it
        stands), for a host program that could not keep everything said meanwhile."""
        return self._told(self._arrival(spectator))

    def _arrival(self, spectator: Spectator) -> list[Delivery]:
        host, guest = self._host_name, self._guest_name
        texts = welcome_texts(host, guest, spectator.name)
        out = [say(spectator, Kind.NOTICE, text) for text in texts]
        if self.match is not None:
            out += [Delivery(spectator, shown) for shown in board_view(self.match, self._name)]
        return out

    def unwatch(self, spectator: Spectator) -> list[Delivery]:
        """A spectator leaves (``/q``, or the host program lost their connection: a spectator
        has no seat to keep, so there is no grace period). Tells the players and the other
        spectators; returns nothing when ``spectator`` was not watching."""
        if not self._spectators.remove(spectator):
            return []
        self._forget(spectator)
        text = f"{spectator.name} stopped watching"
        return self._told(coming_or_going(spectator, text, self.match))

    # -- one typed line ---------------------------------------------------------------------------
    def handle(self, typist: Typist, line: str, now: float = 0.0) -> list[Delivery]:
        """Read one typed line from a seat or a spectator and return what everyone is shown.

        Args:
            typist: who typed it: a seat, or a spectator.
            line: the line (a trailing newline is ignored).
            now: the time the line arrived, in seconds, read by the caller from a monotonic
                clock (e.g. ``time.monotonic()`` or the event loop's ``time()``); used for flood
                control only. The default 0.0 makes every call the same instant, so it is only
                for callers (tests) that never send more than a few lines.

        Raises:
            ValueError: ``typist`` is the guest seat and nobody sits there, or a spectator who
                is not watching.
        """
        if isinstance(typist, Spectator):
            if typist not in self._spectators:
                raise ValueError(f"{typist.name} is not watching")
        elif typist is Seat.GUEST and self._guest_name is None:
            raise ValueError("no guest is seated")
        line = line.rstrip("\r\n")
        # Neither leading whitespace nor characters that draw nothing change what a line is:
        # " /game hangman SECRET" and "\u200b/game hangman SECRET" are commands (not chat
        # carrying the secret), " //x" is chat, " b2" is a move. Commands and moves are read from
        # this cleaned text; chat is delivered as typed.
        text = classified_text(line).strip()
        if not text:
            return []
        said: str | None = None
        if text.startswith("//"):
            said = typed_after_slash(line)
        elif text.startswith("/"):
            return self._told(self._command(typist, text, now), typist)
        elif self._is_move_attempt(typist, text):
            return self._told(self._move(typist, text), typist)
        chat = self._chat(typist, line if said is None else said, now)
        # Kept from what was said, not what is told: a lone spectator's kibitz reaches no one
        # else (so is not told) but its typist saw it. A seat nobody sits in keeps nothing.
        heard = [d for d in chat if d.to is SPECTATORS or self._reachable(d)]
        self._history.record(heard, typist, self._spectators)
        return self._told(chat, typist)

    def over_budget(self, typist: Typist, line: str, now: float) -> list[Delivery] | None:
        """Judge *line* against its typist's flood budget before it is applied, when it is
        over it.

        A host program asks this first, so that a line the table would refuse costs nothing
        more — it is neither written down nor applied. A line over the budget is judged here
        as :meth:`handle` would judge it (the refusal counts towards :meth:`is_flooding`); a
        line within it, or one that costs no budget (a move, ``/board``…), is left alone.

        Returns:
            What the typist is shown (the "slow down" error), or None when the line is to be
            applied with :meth:`handle`.
        """
        if isinstance(typist, Spectator):
            if typist not in self._spectators:
                return None
            flood = self._spectators.flood(typist)
        elif typist is Seat.GUEST and self._guest_name is None:
            return None
        else:
            flood = self._flood[typist]
        cost = self._cost(typist, line)
        if cost is None:
            return None
        verdict = flood.peek_command(now) if cost is _COMMAND else flood.peek(cost, now)
        if verdict is FloodVerdict.OK:
            return None
        return self.handle(typist, line, now)

    def _cost(self, typist: Typist, line: str) -> str | None:
        """What *line* costs of its typist's flood budget, read as :meth:`handle` reads it: the
        text a chat line is judged by, :data:`_COMMAND` for a command that counts, None for
        free."""
        line = line.rstrip("\r\n")
        text = classified_text(line).strip()
        if not text:
            return None
        if text.startswith("//"):
            return self._judged_text(typed_after_slash(line))
        if text.startswith("/"):
            word, args = split_command(text)
            command = COMMANDS.find(word)
            if command is None or (args and not command.takes_args):
                return None
            counts = command.flood_limited and not isinstance(typist, Spectator)
            return _COMMAND if counts else None
        if self._is_move_attempt(typist, text):
            return None
        return self._judged_text(line)

    def _is_move_attempt(self, typist: Typist, text: str) -> bool:
        """Whether *text* typed plainly by *typist* is a move in the game in progress."""
        match = self.match
        if match is None or not match.in_progress:
            return False
        turn = match.state.turn
        by_mover = turn is not None and match.seats[turn] == typist
        return match.state.is_move_attempt(text, by_mover=by_mover)

    @staticmethod
    def _judged_text(text: str) -> str:
        # a chat line stays one line, and a zero-width space does not make a repeat new
        return classified_text(text.replace("\r", " ").replace("\n", " "))

    def _only_players(self, spectator: Spectator) -> list[Delivery]:
        who = players_text(self._host_name, self._guest_name)
        return self._error(spectator, f"you are watching — only {who}")

    def _move(self, typist: Typist, text: str) -> list[Delivery]:
        if isinstance(typist, Spectator):
            return self._only_players(typist)
        return self._play.move(typist, text)

    def _chat(self, typist: Typist, text: str, now: float) -> list[Delivery]:
        """A chat line: for the other player and every spectator, or a spectator's kibitz."""
        text = text.replace("\r", " ").replace("\n", " ")  # a chat line stays one line
        if isinstance(typist, Spectator):
            flood = self._spectators.flood(typist)
        else:
            flood = self._flood[typist]
        verdict = flood.check(self._judged_text(text), now)
        if verdict is not FloodVerdict.OK:
            return self._error(typist, flood.message(verdict))
        # logged only while a game is on: the records are of games (kibitz stays the
        # spectators' own: only their copy holds it)
        records = self._play.records
        if isinstance(typist, Spectator):
            records.add("kibitz", typist.name, text)
            return kibitz(typist, text, self.match)
        other = Seat.GUEST if typist is Seat.HOST else Seat.HOST
        shown = Shown(Kind.CHAT, text, self._name(typist))
        records.add("chat", shown.sender or "", text)
        return [Delivery(other, shown), Delivery(SPECTATORS, shown)]

    def _command(self, typist: Typist, line: str, now: float) -> list[Delivery]:
        """Carry out a slash command as its row of :data:`~game.table_commands.COMMANDS`
        says."""
        word, args = split_command(line)
        command = COMMANDS.find(word)
        if command is None:
            return self._error(typist, unknown_command(word))
        if args and not command.takes_args:
            # "/resign please" must not resign, nor "/q now" leave: say what to type instead
            return self._error(typist, f"/{word} takes no arguments — type just /{word}")
        if isinstance(typist, Spectator):
            if command.watcher is None:
                return self._only_players(typist)
            # what a spectator may do answers them alone (or ends their watching): no budget
            return command.watcher(self, typist, args)
        if command.flood_limited:
            # each of these shows the other person a game starting or ending (and may change the
            # score): a loop of them would flood the other screen
            flood = self._flood[typist]
            verdict = flood.check_command(now)
            if verdict is not FloodVerdict.OK:
                return self._error(typist, flood.message(verdict, command=True))
        return command.handler(self, typist, args)
