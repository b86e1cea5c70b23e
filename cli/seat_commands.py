"""The host person's own commands about who sits: ``/let NAME`` and ``/deny NAME``.

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
from game.seat_keeper import Decision, SeatKeeper

C = TypeVar("C", bound=Hashable)

HOST_HELP: Final = """\
host only — a person on nc/telnet has no seat token: when one asks for the seat of a
guest who dropped, you are asked whether it is theirs:
  /let NAME   give NAME's kept seat back to them
  /deny NAME  refuse it (they may still come back with their own program)"""
"""Added below /help on the host's screen: the host program's own commands."""


def asked_sentence(asking: str, address: str, seat: str) -> str:
    """What the host person is asked when a text client named *asking* wants *seat*'s seat."""
    return (
        f"{asking} (connected from {address}, without a seat token) wants {seat}'s seat "
        f"back — /let {seat} to give it back, or /deny {seat}"
    )


def gone_sentence(seat: str) -> str:
    """What the host person is told when the text client asking for *seat*'s seat went away
    before the answer (a /let now finds nobody asking)."""
    return f"the one asking for {seat}'s seat left — there is nobody to /let in now"


def seat_command(
    line: str, keeper: SeatKeeper[C], show: Callable[[str, str], None]
) -> Decision[C] | None:
    """Read *line* as ``/let NAME`` or ``/deny NAME``.

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
    word, name = split_command(text)
    if word not in ("let", "deny"):
        return None
    name = name.strip()
    if not name:
        show("error", f"/{word} takes a name — /{word} NAME")
        return Decision()
    if not keeper.waiting_for(name):
        show("error", f"nobody is waiting for {name}'s seat")
        return Decision()
    if word == "let":
        show("notice", f"giving {keeper.name}'s seat back")
        return keeper.let(name)
    show("notice", f"refused {keeper.name}'s seat to the connection asking")
    return keeper.deny(name)
