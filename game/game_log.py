"""The log of each game a table plays, kept as the game goes, and each viewer's record of it.

:class:`GameLog` holds one game's facts (who, what, when, the hidden word if any) and, in the
order they happened, its moves, the chat said while it was on and the table's own lines;
:meth:`GameLog.record_for` renders what one viewer may keep of it (OpenSpiel's observation
style: one log, a view per viewer):

* the spectators' copy alone holds what spectators said among themselves (kibitz);
* a hidden word (a hangman secret) is in the header of the copy of a player who saw it from
  the start (the setter), and for everyone else only among the result tags of a game that
  ended — so a guesser's record holds it only where the guesser learned it.

:class:`GameRecords` is the table's one owner of the logs: the game in progress, the last one
finished (``/record``), the games finished this run (``/score``) and those finished but not yet
taken by the host program to be saved and sent. It holds only plain values, and
:meth:`GameRecords.to_dict` / :meth:`GameRecords.from_dict` give and take them as JSON values,
so a snapshot of the table can hold it.

Nothing here reads a clock: the wall time of the line being applied is set by the caller
(:attr:`GameRecords.wall`, seconds since the epoch; 0 when unknown).
"""

from __future__ import annotations

import datetime
import hashlib
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, Protocol, get_args, runtime_checkable

from game.outcome import Outcome, Termination
from game.record_format import OUTCOMES, Entry, EntryKind, Record, escaped
from game.snapshot_values import Fields, SnapshotError
from game.state import GameState
from net.messages import MAX_SECRET

#: Whose copy of a record: a seat's, or the spectators' (they all see the same).
Viewer = Literal["host", "guest", "spectator"]
VIEWERS: Final[tuple[Viewer, ...]] = ("host", "guest", "spectator")

#: How much chat (escaped characters) a game's log keeps; moves are always kept. Past it the
#: log counts what it no longer keeps and says so in a note: a record stays within one frame
#: of the wire (64 KiB), whatever is said during a long game.
MAX_CHAT: Final = 20_000
#: Finished games kept for the host program to take (one line ends at most one game).
_WAITING: Final = 8
#: This run's finished results kept for /score.
_RESULTS: Final = 10_000
#: The most entries a restored log takes back: every move of the largest board and its
#: takebacks many times over, so only a damaged snapshot reaches it.
_MAX_ENTRIES: Final = 1 << 16
#: The longest name, title, id or date a restored log takes back (a game's title with its
#: options is the longest, far below this).
_MAX_WORDS: Final = 256
_ENTRY_KINDS: Final[dict[str, EntryKind]] = {kind: kind for kind in get_args(EntryKind)}


@runtime_checkable
class HiddenOpening(Protocol):
    """A game spec whose opening hides something from some players (a hangman secret).

    The log asks it what is hidden and who sees it from the start; a replay asks it to deal
    the same opening again from those two facts.
    """

    def hidden(self, state: Any) -> str | None:
        """What the opening *state* hides (None: nothing)."""

    def sees_hidden(self, state: Any, player: int) -> bool:
        """Whether *player* sees the hidden part of the opening *state* from the start."""

    def dealt(self, hidden: str, seen_by: int | None) -> GameState[Any]:
        """The opening that hides *hidden*, seen from the start by player *seen_by*."""


def outcome_word(outcome: Outcome | None) -> str:
    """How a record names an outcome (:data:`game.record_format.OUTCOMES`); None: unfinished."""
    if outcome is None:
        return "unfinished"
    if outcome.winner is not None:
        return "win"
    if outcome.lost_by_all:
        return "lost together"
    if outcome.is_draw:
        return "draw"
    return "aborted" if outcome.termination is Termination.ABORTED else "abandoned"


def date_text(wall: float) -> str:
    """Seconds since the epoch as a record's date, in UTC (``2026-12-07T00:41:07Z``); empty
    for 0 (unknown)."""
    if wall <= 0:
        return ""
    try:
        when = datetime.datetime.fromtimestamp(wall, tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):  # past what a date can hold
        return ""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Result:
    """A finished game as /score counts it.

    Attributes:
        id: the game's id (the same in every copy: counted once).
        date: when it began (a record's ``Date``; may be empty).
        game: its title.
        players: both names, the first mover first.
        outcome: one of :data:`game.record_format.OUTCOMES`.
        winner: the winner's name, if one won.
    """

    id: str
    date: str
    game: str
    players: tuple[str, str]
    outcome: str
    winner: str | None = None


@dataclass
class GameLog:
    """One game's log (see the module docstring). Plain values only."""

    id: str
    date: str
    table: str
    game: str
    players: tuple[str, str]
    sides: tuple[str, str]
    #: The engine player each seat plays (None: not in this game, e.g. the guest in a bot game).
    host_player: int | None
    guest_player: int | None
    hidden: str | None = None
    seen_by: int | None = None
    entries: list[tuple[EntryKind, str, str]] = field(default_factory=list)
    chat_kept: int = 0
    chat_dropped: int = 0
    #: Set when the game ends: the result in everyone's words, the outcome, the winner, why.
    result: str = ""
    outcome: str = "unfinished"
    winner: str | None = None
    ending: str = ""

    def add(self, kind: EntryKind, who: str, text: str) -> None:
        """Log a move, a chat line, a spectator's line or a note, in the order they happen."""
        if kind != "move":
            size = len(escaped(who)) + len(escaped(text))
            if self.chat_kept + size > MAX_CHAT:
                self.chat_dropped += 1
                return
            self.chat_kept += size
        self.entries.append((kind, who, text))

    def finish(self, result: str, outcome: Outcome | None) -> None:
        """The game ended (or was left unfinished, *outcome* None) with *result* for all."""
        self.result = result
        self.outcome = outcome_word(outcome)
        self.winner = None
        if outcome is not None and outcome.winner is not None:
            self.winner = self.players[outcome.winner]
        self.ending = "unfinished" if outcome is None else str(outcome.termination.value)

    def as_result(self) -> Result:
        """What /score counts of this game."""
        return Result(self.id, self.date, self.game, self.players, self.outcome, self.winner)

    def record_for(self, viewer: Viewer) -> Record:
        """What *viewer* keeps of this game (see the module docstring)."""
        player = {"host": self.host_player, "guest": self.guest_player}.get(viewer)
        names = {"host": self.table, "guest": self._guest_name(), "spectator": "spectators"}
        header: list[tuple[str, str]] = [
            ("Id", self.id),
            ("Date", self.date),
            ("Table", self.table),
            ("Game", self.game),
        ]
        for number, (name, side) in enumerate(zip(self.players, self.sides, strict=True), 1):
            header.append((f"Player{number}", name))
            if side:
                header.append((f"Side{number}", side))
        header.append(("Viewer", names[viewer]))
        sees_from_start = player is not None and player == self.seen_by
        if self.hidden is not None and self.seen_by is not None:
            header.append(("SetBy", self.players[self.seen_by]))
        if self.hidden is not None and sees_from_start:
            header.append(("Secret", self.hidden))
        entries = [
            Entry(kind, who, text)
            for kind, who, text in self.entries
            if kind != "kibitz" or viewer == "spectator"
        ]
        if self.chat_dropped:
            count = self.chat_dropped
            lines = f"{count} more line{'s' * (count != 1)}"
            entries.append(Entry("note", "", f"{lines} said during the game, not kept"))
        result: list[tuple[str, str]] = [("Result", self.result or "unfinished")]
        result.append(("Outcome", self.outcome))
        if self.winner is not None:
            result.append(("Winner", self.winner))
        result.append(("Ending", self.ending or "unfinished"))
        if self.hidden is not None and not sees_from_start and self.outcome != "unfinished":
            result.append(("Secret", self.hidden))  # the game is over: everyone learned it
        return Record(tuple(header), tuple(entries), tuple(result))

    def _guest_name(self) -> str:
        if self.guest_player is not None:
            return self.players[self.guest_player]
        return "guest"

    def to_dict(self) -> dict[str, Any]:
        """This log as JSON values."""
        values = dict(self.__dict__)
        values["players"] = list(self.players)
        values["sides"] = list(self.sides)
        values["entries"] = [list(entry) for entry in self.entries]
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GameLog:
        """The log :meth:`to_dict` gave.

        Raises:
            ValueError: not such a dict.
        """
        try:
            fields = dict(values)
            fields["players"] = tuple(fields["players"])
            fields["sides"] = tuple(fields["sides"])
            fields["entries"] = [tuple(entry) for entry in fields["entries"]]
            log = cls(**fields)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a game log: {exc}") from None
        if len(log.players) != 2 or len(log.sides) != 2:
            raise ValueError("not a game log: two players")
        return log

    @classmethod
    def from_snapshot(cls, snapshot: Fields) -> GameLog:
        """The log :meth:`to_dict` gave, read back from a table's snapshot: every value
        checked (texts within the record's bounds, no lone surrogate; players 0 or 1; kinds
        and outcomes a record knows).

        Raises:
            SnapshotError: a value is missing, of the wrong type or out of bounds.
        """
        where = snapshot.where
        players = snapshot.items("players", limit=2)
        sides = snapshot.items("sides", limit=2)
        if len(players) != 2 or len(sides) != 2:
            raise SnapshotError(f"{where} must name two players and two sides")
        pair = Fields({"0": players[0], "1": players[1]}, f"{where}.players")
        marks = Fields({"0": sides[0], "1": sides[1]}, f"{where}.sides")
        entries: list[tuple[EntryKind, str, str]] = []
        for item in snapshot.items("entries", limit=_MAX_ENTRIES):
            if not isinstance(item, list) or len(item) != 3:
                raise SnapshotError(f"{where}.entries must be [kind, who, text] each")
            entry = Fields(
                dict(zip(("kind", "who", "text"), item, strict=True)), f"{where}.entries"
            )
            kind = _ENTRY_KINDS.get(entry.text("kind", limit=16))
            if kind is None:
                raise SnapshotError(f"{where}.entries holds a kind of line no record has")
            entries.append((kind, entry.text("who", limit=_MAX_WORDS), entry.text("text")))
        outcome = snapshot.text("outcome", limit=16)
        if outcome not in OUTCOMES:
            raise SnapshotError(f"{where}.outcome is no outcome a record knows")
        return cls(
            id=snapshot.text("id", limit=_MAX_WORDS),
            date=snapshot.text("date", limit=_MAX_WORDS),
            table=snapshot.text("table", limit=_MAX_WORDS),
            game=snapshot.text("game", limit=_MAX_WORDS),
            players=(pair.text("0", limit=_MAX_WORDS), pair.text("1", limit=_MAX_WORDS)),
            sides=(marks.text("0", limit=_MAX_WORDS), marks.text("1", limit=_MAX_WORDS)),
            host_player=snapshot.optional_whole("host_player", high=1),
            guest_player=snapshot.optional_whole("guest_player", high=1),
            hidden=snapshot.optional_text("hidden", limit=MAX_SECRET),
            seen_by=snapshot.optional_whole("seen_by", high=1),
            entries=entries,
            chat_kept=snapshot.whole("chat_kept"),
            chat_dropped=snapshot.whole("chat_dropped"),
            result=snapshot.text("result"),
            outcome=outcome,
            winner=snapshot.optional_text("winner", limit=_MAX_WORDS),
            ending=snapshot.text("ending", limit=_MAX_WORDS),
        )


class GameRecords:
    """The logs of the games one table plays (see the module docstring)."""

    def __init__(self, table_id: str) -> None:
        """No game yet at the table called *table_id* (see :func:`table_id`)."""
        self.table_id = table_id
        #: The wall time of the line being applied (seconds since the epoch, 0 unknown).
        self.wall = 0.0
        self.current: GameLog | None = None
        self.last: GameLog | None = None
        self.games = 0
        self.finished: deque[GameLog] = deque(maxlen=_WAITING)
        self.results: deque[Result] = deque(maxlen=_RESULTS)

    def begin(
        self,
        game: str,
        *,
        table: str,
        players: Sequence[str],
        sides: Sequence[str],
        seats: tuple[int | None, int | None],
        hidden: tuple[str | None, int | None] = (None, None),
    ) -> GameLog:
        """A game begins: its log, from now on :attr:`current`.

        Args:
            game: its title; table: the host's name; players: the names, first mover first;
            sides: their marks ("X", "O", or empty); seats: the engine player of the host and
            of the guest (None when not playing); hidden: what its opening hides and who sees
            it from the start.
        """
        self.games += 1
        host_player, guest_player = seats
        log = GameLog(
            id=f"{self.table_id}-{self.games}",
            date=date_text(self.wall),
            table=table,
            game=game,
            players=(players[0], players[1]),
            sides=(sides[0], sides[1]),
            host_player=host_player,
            guest_player=guest_player,
            hidden=hidden[0],
            seen_by=hidden[1],
        )
        self.current = log
        return log

    def add(self, kind: EntryKind, who: str, text: str) -> None:
        """Log a line in the game in progress (nothing when none is on)."""
        if self.current is not None:
            self.current.add(kind, who, text)

    def finish(self, result: str, outcome: Outcome) -> None:
        """The game in progress ended with *outcome*; *result* says it in everyone's words."""
        log = self.current
        if log is None:
            return
        log.finish(result, outcome)
        self.current, self.last = None, log
        self.finished.append(log)
        self.results.append(log.as_result())

    def unfinished(self) -> GameLog | None:
        """The game in progress as it stands, marked unfinished (the program is closing);
        the log itself stays as it is."""
        log = self.current
        if log is None:
            return None
        copy = GameLog.from_dict(log.to_dict())
        copy.finish("unfinished — the table closed during the game", None)
        return copy

    def take_finished(self) -> list[GameLog]:
        """The games finished since the last call, to be saved and sent."""
        taken = list(self.finished)
        self.finished.clear()
        return taken

    def to_dict(self) -> dict[str, Any]:
        """All of it as JSON values."""
        return {
            "table_id": self.table_id,
            "wall": self.wall,
            "games": self.games,
            "current": None if self.current is None else self.current.to_dict(),
            "last": None if self.last is None else self.last.to_dict(),
            "finished": [log.to_dict() for log in self.finished],
            "results": [
                {**result.__dict__, "players": list(result.players)} for result in self.results
            ],
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> GameRecords:
        """What :meth:`to_dict` gave.

        Raises:
            ValueError: not such a dict.
        """
        try:
            records = cls(str(values["table_id"]))
            records.wall = float(values["wall"])
            records.games = int(values["games"])
            current, last = values["current"], values["last"]
            records.current = None if current is None else GameLog.from_dict(current)
            records.last = None if last is None else GameLog.from_dict(last)
            records.finished.extend(GameLog.from_dict(log) for log in values["finished"])
            for result in values["results"]:
                fields = dict(result)
                fields["players"] = tuple(fields["players"])
                records.results.append(Result(**fields))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a table's game records: {exc}") from None
        return records

    def restore_snapshot(self, snapshot: Fields) -> None:
        """Take back what :meth:`to_dict` wrote into a table's snapshot, every value checked
        (:meth:`GameLog.from_snapshot`); the table's id stays this one's.

        Raises:
            SnapshotError: a value is missing or out of bounds, or the records are another
                table's (nothing is changed then).
        """
        where = snapshot.where
        if snapshot.text("table_id", limit=_MAX_WORDS) != self.table_id:
            raise SnapshotError(f"{where}.table_id is not this table's")
        wall = snapshot.number("wall")
        if wall < 0:
            raise SnapshotError(f"{where}.wall is never negative")

        def log(key: str) -> GameLog | None:
            part = snapshot.optional_object(key)
            return None if part is None else GameLog.from_snapshot(part)

        current, last = log("current"), log("last")
        finished = [
            GameLog.from_snapshot(Fields(item, f"{where}.finished"))
            for item in snapshot.items("finished", limit=_WAITING)
        ]
        results = [
            _result(Fields(item, f"{where}.results"))
            for item in snapshot.items("results", limit=_RESULTS)
        ]
        self.wall, self.games = wall, snapshot.whole("games")
        self.current, self.last = current, last
        self.finished = deque(finished, maxlen=_WAITING)
        self.results = deque(results, maxlen=_RESULTS)


def _result(snapshot: Fields) -> Result:
    """A finished game's result read back from a snapshot, checked."""
    players = snapshot.items("players", limit=2)
    if len(players) != 2:
        raise SnapshotError(f"{snapshot.where}.players must name two players")
    pair = Fields({"0": players[0], "1": players[1]}, f"{snapshot.where}.players")
    outcome = snapshot.text("outcome", limit=16)
    if outcome not in OUTCOMES:
        raise SnapshotError(f"{snapshot.where}.outcome is no outcome a record knows")
    return Result(
        snapshot.text("id", limit=_MAX_WORDS),
        snapshot.text("date", limit=_MAX_WORDS),
        snapshot.text("game", limit=_MAX_WORDS),
        (pair.text("0", limit=_MAX_WORDS), pair.text("1", limit=_MAX_WORDS)),
        outcome,
        snapshot.optional_text("winner", limit=_MAX_WORDS),
    )


def table_id(seed_state: object) -> str:
    """A table's id for its games' ids: a hash of its randomness's opening state, so the same
    journal gives the same ids after a restart, and an id tells nothing of the seed."""
    return hashlib.sha256(repr(seed_state).encode()).hexdigest()[:12]
