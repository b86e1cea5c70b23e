"""The score across games at one table: wins, draws and games lost together per name, and
abandoned games."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from game.outcome import Outcome
from game.snapshot_values import Fields, SnapshotError

#: The most names a restored score takes back: a snapshot with more is damaged.
_MAX_NAMES = 1 << 16


@dataclass
class Score:
    """Tally of finished games, keyed by the players' names."""

    wins: Counter[str] = field(default_factory=Counter)
    draws: Counter[str] = field(default_factory=Counter)
    lost_together: Counter[str] = field(default_factory=Counter)  # games that beat them all
    abandoned: int = 0
    names: list[str] = field(default_factory=list)  # in order of first appearance

    def record(self, outcome: Outcome, players: list[str]) -> None:
        """Count a finished game between ``players`` (names, by engine player index); an
        aborted game is not counted at all (:attr:`Outcome.counts`)."""
        if not outcome.counts:
            return
        for name in players:
            if name not in self.names:
                self.names.append(name)
        if outcome.winner is not None:
            self.wins[players[outcome.winner]] += 1
        elif outcome.lost_by_all:
            for name in set(players):
                self.lost_together[name] += 1
        elif outcome.is_draw:
            for name in set(players):
                self.draws[name] += 1
        else:  # abandoned: nobody's loss, nobody's draw
            self.abandoned += 1

    def to_snapshot(self) -> dict[str, Any]:
        """The tally as JSON values (:meth:`from_snapshot` reads it back)."""
        return {
            "names": list(self.names),
            "wins": dict(self.wins),
            "draws": dict(self.draws),
            "lost_together": dict(self.lost_together),
            "abandoned": self.abandoned,
        }

    @classmethod
    def from_snapshot(cls, snapshot: Fields) -> Score:
        """The tally :meth:`to_snapshot` wrote.

        Raises:
            SnapshotError: a value is missing or out of bounds, or a count names nobody in
                ``names``.
        """
        score = cls(abandoned=snapshot.whole("abandoned"))
        score.names.extend(snapshot.names("names", limit=_MAX_NAMES))
        if len(set(score.names)) != len(score.names):
            raise SnapshotError(f"{snapshot.where}.names must not repeat a name")
        for key, counter in (
            ("wins", score.wins),
            ("draws", score.draws),
            ("lost_together", score.lost_together),
        ):
            counts = snapshot.object(key)
            for name in counts.members():
                if name not in score.names:
                    raise SnapshotError(f"{counts.where} counts a name that never played")
                counter[name] = counts.whole(name, low=1)
        return score

    def render(self) -> str:
        """The /score text."""
        if not self.names and not self.abandoned:
            return "score: no games finished yet"
        width = max(len(name) for name in self.names) if self.names else 0
        lines = ["score:"]
        for name in self.names:
            wins, draws = self.wins[name], self.draws[name]
            tally = f"{wins} win{'s' * (wins != 1)}, {draws} draw{'s' * (draws != 1)}"
            if self.lost_together[name]:
                tally += f", {self.lost_together[name]} lost together"
            lines.append(f"  {name:<{width}}  {tally}")
        if self.abandoned:
            lines.append(f"  abandoned: {self.abandoned}")
        return "\n".join(lines)
