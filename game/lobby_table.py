"""One table of a lobby: a served table whose two seats are both held by connections.

The person who opened it holds the host's seat, with a :class:`~game.seat_keeper.SeatKeeper`
of its own (``seat="host"``), as the one who sits down holds the guest's; spectators are the
guest seat's keeper's, as at a one-table host.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Final, Generic, TypeVar

from game.announce import duration
from game.errors import CommandError
from game.registry import parse_game
from game.seat_keeper import SeatKeeper
from game.served_table import ServedTable
from game.spectator_connections import ArrivalLimit
from game.spectators import SPECTATOR_LIMIT, no_room
from game.untrusted import clean_name
from net.admission import JoinCodeGate

C = TypeVar("C", bound=Hashable)

#: How long a dropped seat at a lobby table is kept, unless the program says otherwise.
GRACE: Final = 120.0

#: Separates a table's number from its seat token in the token a lobby gives a seat: the
#: number says which table's keepers judge the rest.
TOKEN_SEPARATOR: Final = "."


@dataclass(slots=True)
class LobbyTable(Generic[C]):
    """One table of the lobby.

    Attributes:
        number: its number, never given twice while the server runs (nor after a restart:
            numbers go on above the highest restored).
        served: the table and its seats.
        active: the server's clock when an event of the table was last applied (for a table
            restored from its journal, the restart): how long it has been idle counts from it.
    """

    number: int
    served: ServedTable[C]
    active: float = 0.0

    def idle_until(self, idle: float) -> float | None:
        """When the table closes for being idle *idle* seconds, or None while it is not
        open or someone holds its guest seat."""
        served = self.served
        if not served.opened or served.keeper.taken or served.host_left:
            return None
        return self.active + idle

    @property
    def game(self) -> str:
        """What ``/open`` asked to play once someone sits down, as ``/game`` takes it ("" for
        nothing): its opening's, so that a table restored from its journal still has it."""
        opening = self.served.opening
        return "" if opening is None else opening.game

    @property
    def title(self) -> str:
        """That game's title, as the table list shows it ("" for none)."""
        if not self.game:
            return ""
        try:
            return parse_game(self.game).title
        except CommandError:  # a journal from a program that knew other games
            return ""


def lobby_table(grace: float = GRACE) -> ServedTable[C]:
    """A new lobby table: both seats kept by connections, spectators welcome.

    Args:
        grace: Seconds a dropped seat is kept.
    """

    def keeper(seat: str) -> SeatKeeper[C]:
        return SeatKeeper(
            "",
            JoinCodeGate(None),
            grace=grace,
            name_key=lambda name: clean_name(name).casefold(),
            duration=duration,
            spectator_limit=SPECTATOR_LIMIT if seat == "guest" else 0,
            no_room=no_room,
            arrivals=ArrivalLimit(),
            seat="host" if seat == "host" else "guest",
        )

    return ServedTable(keeper("guest"), opener=keeper("host"))
