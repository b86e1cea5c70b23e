"""The score across games at one table: wins, draws and games lost together per name, and
abandoned games."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from game.outcome import Outcome


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
