"""The host person's own commands about who sits: ``/let N`` and ``/deny N``.

A person on nc/telnet has no seat token; when one asks for the kept seat of a guest who
dropped, the host person decides (game.seat_keeper: :meth:`~game.seat_keeper.SeatKeeper.let`,
:meth:`~game.seat_keeper.SeatKeeper.deny`). That is seat admission, not a game rule, so these
are read by the host program before a typed line becomes a table :class:`~game.table_events.Line`
and are listed below the table's ``/help`` on the host's screen only.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Final, TypeVar

from game.commands import split_command
from game.seat_keeper import Asked, Decision, SeatKeeper

C = TypeVar("C", bound=Hashable)

HOST_HELP: Final = """\
host only — someone on nc/telnet asking for a dropped guest's seat is numbered:
  /let N   give the kept seat to claimant N
  /deny N  refuse it (they may still come back with their own program)"""
"""Added below /help on the host's screen: the host program's own commands."""


def asked_sentence(asking: str, asked: Asked) -> str:
    """What the host person is asked when a text client named *asking* claims *asked.name*'s
    kept seat: who the claimant is (a number for the answer), and what ``/let`` costs."""
    seat, number = asked.name, asked.number
    who = f"{asking} (claimant {number}, connected from {asked.address} without a seat token)"
    if asked.token_held:
        cost = (
            f"{seat}'s own program holds the seat's token and usually reconnects by itself — "
            f"/let {number} gives this connection the seat and that token stops working; "
            f"/deny {number} refuses"
        )
    else:
        cost = (
            f"{seat} sat down from nc/telnet, so only you can tell — /let {number} gives the "
            f"seat back, /deny {number} refuses"
        )
    return f"{who} wants {seat}'s seat back. {cost}"


def gone_sentence(seat: str, number: int) -> str:
    """What the host person is told when claimant *number* of *seat*'s seat went away before
    the answer (a /let now finds nobody asking)."""
    return f"claimant {number} for {seat}'s seat left — there is nobody to /let in now"


def seat_command(
    line: str, keeper: SeatKeeper[C], show: Callable[[str, str], None]
) -> Decision[C] | None:
    """Read *line* as ``/let N`` or ``/deny N``.

    Args:
        line: What the host person typed.
        keeper: The seat keeper that knows who waits.
        show: Shows ``(kind, text)`` on the host's screen (what was done, or why not).

    Returns:
        None when *line* is not one of these commands (it is a table line); otherwise the
        keeper's decision to carry out (empty when there was nothing to do).
    """
    text = line.strip()
    if not text.startswith("/") or text.startswith("//"):
        return None
    word, argument = split_command(text)
    if word not in ("let", "deny"):
        return None
    argument = argument.strip().lstrip("#")
    asking = keeper.asking
    if not argument:
        show("error", f"/{word} takes the claimant's number — /{word} N")
        return Decision()
    if asking is None:
        show("error", "nobody is asking for a seat now")
        return Decision()
    if not argument.isdecimal():
        # a name is not enough: two claimants can give the same one
        show("error", f"/{word} takes the claimant's number: /{word} {asking}")
        return Decision()
    if int(argument) != asking:
        show("error", f"claimant {argument} is not asking now — claimant {asking} is")
        return Decision()
    if word == "let":
        show("notice", f"giving {keeper.name}'s seat to claimant {asking}")
        return keeper.let(asking)
    show("notice", f"refused {keeper.name}'s seat to claimant {asking}")
    return keeper.deny(asking)
