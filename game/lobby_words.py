"""What the lobby says: its help, the table list, and its sentences.

Plain lines, the same for a join, nc and telnet: the lobby is read as notices and chat like
anything at a table, so it needs nothing of a client beyond what every version shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

#: The lobby's commands, one per line, as ``/help`` shows them in the lobby.
LOBBY_HELP: Final = "\n".join(
    [
        "in the lobby:",
        "  /tables        the tables: number, game, players, spectators, an open seat",
        "  /open [GAME]   open a table (and the game to play once someone sits down)",
        "  /sit N         take the open seat at table N",
        "  /watch N       watch table N",
        "  /q             leave the server",
        "  anything else  chat with everyone in the lobby",
        "at a table: everything a table does (/help there), and /leave back to the lobby",
    ]
)

#: What a player or spectator at a lobby table is told after the table's own /help.
AT_TABLE_HELP: Final = (
    "/leave goes back to the lobby, /tables lists the tables, /q leaves the server"
)


@dataclass(frozen=True, slots=True)
class TableRow:
    """One table as ``/tables`` lists it.

    Attributes:
        number: its number (``/sit N``, ``/watch N``).
        game: the game in progress, or the one it was opened for, or "" for none.
        players: the opener, then the one sitting across (if any).
        watching: how many watch.
    """

    number: int
    game: str
    players: tuple[str, ...]
    watching: int


def table_list(rows: Sequence[TableRow], limit: int) -> str:
    """The answer to ``/tables``: one line per table, numbers first, open seats said."""
    if not rows:
        return "no tables are open — /open [GAME] opens one"
    lines = [f"tables ({len(rows)} open, at most {limit}):"]
    for row in rows:
        players = " vs ".join(row.players)
        seat = f" — open seat: /sit {row.number}" if len(row.players) < 2 else ""
        game = row.game or "no game yet"
        watching = f", {row.watching} watching" if row.watching else ""
        lines.append(f"  {row.number}: {game}, {players}{watching}{seat}")
    return "\n".join(lines)


def welcome(server: str, name: str) -> str:
    """What a person reads on arriving in the lobby."""
    return (
        f"you are in {server}'s lobby as {name} — /tables lists the tables, /open [GAME] "
        "opens one, /sit N and /watch N join one, /help says more"
    )


def back_at_table(server: str, name: str) -> str:
    """What a person on nc/telnet reads on taking back the seat they dropped."""
    return f"you are back at your table in {server}'s lobby as {name}: your seat was kept for you"


def back_in_lobby(why: str) -> str:
    """What a person reads on coming back to the lobby from a table."""
    return f"{why} — you are back in the lobby (/tables lists the tables)"


def opened(number: int, game: str) -> str:
    """What the opener of table *number* reads."""
    what = f" for {game}" if game else ""
    return (
        f"you opened table {number}{what} — waiting for someone to /sit {number} (/leave closes it)"
    )


def idle_closed(number: int, idle: str) -> str:
    """What the opener and spectators of table *number* read when it closed because nobody
    sat there for *idle* (worded: "10 minutes")."""
    return f"nobody sat at table {number} for {idle}, so it closed — /open opens another"
