"""Head-to-head scores: the games two people played against each other, per game, since when.

Counted from finished games (:class:`game.game_log.Result`): this table's run, and whatever
the host program keeps of earlier runs (its archive). A game is counted once, whichever copies
of it there are (its id). Two names are one person's when they look alike
(:func:`game.untrusted.skeleton`), as they are at the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from game.game_log import Result
from game.untrusted import skeleton

#: What the host program knows of earlier games: their results, and one sentence about
#: records it had to skip (or None).
PastResults = Callable[[], tuple[Sequence[Result], str | None]]


@dataclass
class _Tally:
    first: int = 0
    second: int = 0
    draws: int = 0
    lost_together: int = 0


def head_to_head(results: Iterable[Result], one: str, other: str) -> str | None:
    """What ``/score`` says of *one* against *other*: per game, each one's wins and the draws,
    since the earliest game counted.

    Args:
        results: finished games (repeats of one id are counted once).
        one, other: the two names.

    Returns:
        The lines, or None when no finished game between them is known.
    """
    pair = {skeleton(one), skeleton(other)}
    seen: set[str] = set()
    tallies: dict[str, _Tally] = {}
    dates: list[str] = []
    for result in results:
        if result.id in seen or {skeleton(name) for name in result.players} != pair:
            continue
        if result.outcome in ("abandoned", "aborted", "unfinished"):
            continue
        seen.add(result.id)
        tally = tallies.setdefault(result.game, _Tally())
        if result.date:
            dates.append(result.date)
        if result.outcome == "win" and result.winner is not None:
            if skeleton(result.winner) == skeleton(one):
                tally.first += 1
            else:
                tally.second += 1
        elif result.outcome == "lost together":
            tally.lost_together += 1
        else:
            tally.draws += 1
    if not tallies:
        return None
    since = f" since {min(dates)[:10]}" if dates else ""
    lines = [f"{one} against {other}{since}:"]
    width = max(len(game) for game in tallies)
    for game, tally in sorted(tallies.items()):
        text = (
            f"{one} {_count(tally.first, 'win')}, {other} {_count(tally.second, 'win')}, "
            f"{_count(tally.draws, 'draw')}"
        )
        if tally.lost_together:
            text += f", {tally.lost_together} lost together"
        lines.append(f"  {game:<{width}}  {text}")
    return "\n".join(lines)


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'s' * (number != 1)}"
